"""Regras de demonstração: um conjunto realista para uma distribuidora de SP (lucro real).

Os percentuais seguem a estrutura da legislação (Res. SF 22/1989 para 12 %/7 %, Res. SF
13/2012 para os 4 % de importados — aplicados pelo motor pela origem do produto —, LC 190/2022
para o DIFAL, Convênios/Protocolos de ST com MVA), mas são DE DEMONSTRAÇÃO: conferir com a
legislação vigente antes de usar em produção. Criadas com vigência desde 01/01/2024 (carga
inicial: `permitir_passado`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from matrizes.constants import REGIAO_DA_UF, MetodoDifal, Regiao, TipoMatriz
from matrizes.models import Regra
from matrizes.services import regra_criar

D = Decimal
INICIO_DEMO = dt.date(2024, 1, 1)
ORIGEM = "SP"

# UF de destino → (alíquota interna, FCP, método do DIFAL). Demonstração.
UFS_DESTINO: dict[str, tuple[str, str, str]] = {
    "AC": ("19", "0", MetodoDifal.BASE_UNICA),
    "AL": ("19", "1", MetodoDifal.BASE_DUPLA),
    "AM": ("20", "0", MetodoDifal.BASE_UNICA),
    "AP": ("18", "0", MetodoDifal.BASE_UNICA),
    "BA": ("20.5", "0", MetodoDifal.BASE_DUPLA),
    "CE": ("20", "0", MetodoDifal.BASE_UNICA),
    "DF": ("20", "0", MetodoDifal.BASE_UNICA),
    "ES": ("17", "0", MetodoDifal.BASE_UNICA),
    "GO": ("19", "0", MetodoDifal.BASE_DUPLA),
    "MA": ("23", "0", MetodoDifal.BASE_DUPLA),
    "MG": ("18", "0", MetodoDifal.BASE_DUPLA),
    "MS": ("17", "0", MetodoDifal.BASE_UNICA),
    "MT": ("17", "0", MetodoDifal.BASE_UNICA),
    "PA": ("19", "0", MetodoDifal.BASE_DUPLA),
    "PB": ("20", "0", MetodoDifal.BASE_DUPLA),
    "PE": ("20.5", "0", MetodoDifal.BASE_DUPLA),
    "PI": ("22.5", "0", MetodoDifal.BASE_DUPLA),
    "PR": ("19.5", "0", MetodoDifal.BASE_DUPLA),
    "RJ": ("20", "2", MetodoDifal.BASE_UNICA),
    "RN": ("20", "0", MetodoDifal.BASE_UNICA),
    "RO": ("19.5", "0", MetodoDifal.BASE_UNICA),
    "RR": ("20", "0", MetodoDifal.BASE_UNICA),
    "RS": ("17", "0", MetodoDifal.BASE_DUPLA),
    "SC": ("17", "0", MetodoDifal.BASE_DUPLA),
    "SE": ("20", "0", MetodoDifal.BASE_DUPLA),
    "TO": ("20", "0", MetodoDifal.BASE_DUPLA),
}

# Res. SF 22/1989: de S/SE (exceto ES) para N, NE, CO e ES, 7 %; entre S/SE, 12 %.
SETE_POR_CENTO = {
    uf
    for uf, regiao in REGIAO_DA_UF.items()
    if regiao in {Regiao.NORTE, Regiao.NORDESTE, Regiao.CENTRO_OESTE} or uf == "ES"
}

# NCM → IPI (%) de demonstração (TIPI); o resto cai na regra geral de 0 %.
IPI_POR_NCM = {
    "73181500": "5",
    "73181600": "5",
    "73182200": "5",
    "85444200": "5",
    "85362000": "5",
    "85366990": "6.5",
    "85395000": "5",
    "32091010": "5",
    "32149000": "5",
    "34022000": "5",
    "96081000": "6.5",
    "84818093": "5",
}

# NCM → MVA original (%) das mercadorias sujeitas a ST na demonstração.
ST_POR_NCM = {
    "85395000": ("40", "Lâmpadas (demonstração de protocolo de ST)"),
    "32091010": ("35", "Tintas e vernizes (demonstração de convênio de ST)"),
    "25232910": ("20", "Cimento (demonstração de protocolo de ST)"),
}

# Cesta básica em SP: carga de 7 % por redução de base (RICMS/SP, Anexo II); PIS/COFINS zero
# (Lei 10.925/2004, art. 1º).
CESTA_BASICA = {"10063021": "Arroz", "07133399": "Feijão"}


def _tipo_cliente(codigo: str, descricao: str) -> Any:
    from cadastro.models import TipoCliente

    tipo, _ = TipoCliente.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})
    return tipo


@transaction.atomic
def gerar_regras_demo(*, se_vazio: bool = True) -> int:
    """Cria as regras de demonstração; devolve quantas. Com `se_vazio`, não faz nada se já
    houver regras (é idempotente para o `make run`)."""
    if se_vazio and Regra.objects.exists():
        return 0
    consumidor = _tipo_cliente("CF", "Consumidor final")
    distribuidor = _tipo_cliente("DIST", "Distribuidor")
    revenda = _tipo_cliente("REV", "Revenda")
    total = 0

    def regra(matriz: str, observacao: str = "", **campos: Any) -> None:
        nonlocal total
        regra_criar(
            dados={
                "matriz": matriz,
                "vigencia_inicio": INICIO_DEMO,
                "observacao": observacao or "Regra de demonstração",
                **campos,
            },
            ator=None,
            permitir_passado=True,
        )
        total += 1

    # ICMS: interna em SP 18 %; interestaduais 12 %/7 % com a interna, o FCP e o método do
    # DIFAL de cada destino (usados na venda a não contribuinte).
    regra(
        TipoMatriz.ICMS,
        "Operação interna SP (RICMS/SP, art. 52, I)",
        uf_origem=ORIGEM,
        uf_destino=ORIGEM,
        aliquota=D("18"),
        fcp=D("0"),
    )
    for uf, (interna, fcp, metodo) in UFS_DESTINO.items():
        inter = "7" if uf in SETE_POR_CENTO else "12"
        regra(
            TipoMatriz.ICMS,
            f"SP → {uf}: {inter} % (Res. SF 22/1989); interna {uf} {interna} %",
            uf_origem=ORIGEM,
            uf_destino=uf,
            aliquota=D(inter),
            fcp=D(fcp),
            aliquota_interna_destino=D(interna),
            metodo_difal=metodo,
        )
    for ncm, nome in CESTA_BASICA.items():
        regra(
            TipoMatriz.ICMS,
            f"{nome}: cesta básica, carga de 7 % em SP",
            uf_origem=ORIGEM,
            uf_destino=ORIGEM,
            ncm=ncm,
            aliquota=D("18"),
            reducao_base=D("61.1111"),
            fcp=D("0"),
        )

    # IPI: geral 0 %, específicas por NCM.
    regra(TipoMatriz.IPI, "Regra geral (NCM sem alíquota própria)", aliquota=D("0"))
    for ncm, aliquota in IPI_POR_NCM.items():
        regra(TipoMatriz.IPI, "TIPI (demonstração)", ncm=ncm, aliquota=D(aliquota))

    # PIS/COFINS não cumulativos; cesta básica com alíquota zero.
    regra(
        TipoMatriz.PIS_COFINS,
        "Não cumulativo (Leis 10.637/2002 e 10.833/2003)",
        aliquota_pis=D("1.65"),
        aliquota_cofins=D("7.6"),
    )
    for ncm, nome in CESTA_BASICA.items():
        regra(
            TipoMatriz.PIS_COFINS,
            f"{nome}: alíquota zero (Lei 10.925/2004, art. 1º)",
            ncm=ncm,
            aliquota_pis=D("0"),
            aliquota_cofins=D("0"),
        )
    regra(
        TipoMatriz.PIS_COFINS_REPASSE,
        "Repasse no preço (por dentro)",
        aliquota_pis=D("1.65"),
        aliquota_cofins=D("7.6"),
    )

    # ICMS-ST com MVA (ajustada na interestadual); consumidor final não tem ST.
    for ncm, (mva, observacao) in ST_POR_NCM.items():
        regra(TipoMatriz.ICMS_ST, observacao, ncm=ncm, mva=D(mva), ajustar_mva=True)
        regra(
            TipoMatriz.ICMS_ST,
            "Venda a consumidor final: sem operação subsequente, sem ST",
            ncm=ncm,
            consumidor_final=True,
            aplica_st=False,
        )

    # Unidade × produto: vende na unidade e no múltiplo do cadastro.
    regra(TipoMatriz.UNIDADE_PRODUTO, "Unidade e múltiplo do cadastro do produto")

    # Alçada por faixa de desconto: até 5 % o representante; até 10 % o supervisor; acima, o
    # administrador.
    regra(
        TipoMatriz.ALCADA,
        "Até 5 %: sem aprovação",
        percentual_ate=D("5"),
        nivel_alcada=1,
        papel_aprovador="Representante",
    )
    regra(
        TipoMatriz.ALCADA,
        "Acima de 5 % até 10 %: supervisor",
        percentual_de=D("5"),
        percentual_ate=D("10"),
        nivel_alcada=2,
        papel_aprovador="Supervisor",
    )
    regra(
        TipoMatriz.ALCADA,
        "Acima de 10 %: administrador",
        percentual_de=D("10"),
        nivel_alcada=3,
        papel_aprovador="Administrador",
    )

    # Comissão cai com o desconto.
    regra(TipoMatriz.COMISSAO, "Até 5 % de desconto", percentual_ate=D("5"), percentual=D("3"))
    regra(
        TipoMatriz.COMISSAO,
        "De 5 % a 10 % de desconto",
        percentual_de=D("5"),
        percentual_ate=D("10"),
        percentual=D("2"),
    )
    regra(
        TipoMatriz.COMISSAO, "Acima de 10 % de desconto", percentual_de=D("10"), percentual=D("1")
    )

    # Valor mínimo do pedido.
    regra(TipoMatriz.VALOR_MINIMO, "Pedido mínimo geral", valor=D("300.00"))
    regra(TipoMatriz.VALOR_MINIMO, "Consumidor final", tipo_cliente=consumidor, valor=D("100.00"))
    regra(TipoMatriz.VALOR_MINIMO, "Região Norte", regiao=Regiao.NORTE, valor=D("800.00"))
    # Sem esta, consumidor final no Norte empataria (tipo de cliente × região, uma dimensão cada).
    regra(
        TipoMatriz.VALOR_MINIMO,
        "Consumidor final na região Norte",
        tipo_cliente=consumidor,
        regiao=Regiao.NORTE,
        valor=D("300.00"),
    )

    # Frete por região.
    regra(
        TipoMatriz.FRETE,
        "Venda dentro de SP",
        uf_origem=ORIGEM,
        uf_destino=ORIGEM,
        percentual=D("1.5"),
        chave_rateio_frete="valor",
    )
    for regiao, pct in ((Regiao.SUDESTE, "2.5"), (Regiao.SUL, "3"), (Regiao.CENTRO_OESTE, "4")):
        regra(
            TipoMatriz.FRETE,
            f"Região {regiao.label}",
            regiao=regiao,
            percentual=D(pct),
            chave_rateio_frete="peso",
        )
    for regiao in (Regiao.NORTE, Regiao.NORDESTE):
        regra(
            TipoMatriz.FRETE,
            f"Região {regiao.label}",
            regiao=regiao,
            percentual=D("5"),
            valor=D("80.00"),
            chave_rateio_frete="peso",
        )

    # Condição de pagamento × cliente e desconto/acréscimo por condição.
    for condicao in ("AVISTA", "28DD"):
        regra(
            TipoMatriz.CONDICAO_PAGAMENTO_CLIENTE,
            "Permitida a todos",
            condicao_pagamento=condicao,
            permitido=True,
        )
    regra(
        TipoMatriz.CONDICAO_PAGAMENTO_CLIENTE,
        "60 dias: só revenda e distribuidor",
        condicao_pagamento="60DD",
        permitido=False,
    )
    for tipo in (revenda, distribuidor):
        regra(
            TipoMatriz.CONDICAO_PAGAMENTO_CLIENTE,
            "60 dias para revenda e distribuidor, com custo financeiro",
            condicao_pagamento="60DD",
            tipo_cliente=tipo,
            permitido=True,
            percentual=D("2"),
        )
    regra(
        TipoMatriz.DESCONTO_ACRESCIMO,
        "À vista: 3 % de desconto",
        condicao_pagamento="AVISTA",
        percentual=D("3"),
    )
    regra(
        TipoMatriz.DESCONTO_ACRESCIMO,
        "60 dias: 2 % de acréscimo",
        condicao_pagamento="60DD",
        percentual=D("-2"),
    )

    # Cenários e matriz de negociação.
    regra(TipoMatriz.CENARIO_NEGOCIACAO, "Cenário padrão", cenario_atribuido="PADRAO")
    regra(
        TipoMatriz.CENARIO_NEGOCIACAO,
        "Distribuidores negociam volume",
        tipo_cliente=distribuidor,
        cenario_atribuido="VOLUME",
    )
    regra(TipoMatriz.NEGOCIACAO, "Desconto máximo no padrão", cenario="PADRAO", percentual=D("5"))
    regra(TipoMatriz.NEGOCIACAO, "Desconto máximo em volume", cenario="VOLUME", percentual=D("12"))
    return total
