"""As matrizes: que dimensões cada uma aceita e que resultados exige.

Uma só tabela (`Regra`) guarda as linhas de todas as matrizes; `DEFINICOES` diz, por tipo de
matriz, quais colunas de dimensão podem ser preenchidas e quais colunas de resultado são
obrigatórias. `Regra.clean()` aplica isso; a tela de formulário mostra só esses campos.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

PERCENTUAL_MAX_DIGITS = 9
PERCENTUAL_DECIMAL_PLACES = 4


class TipoMatriz(models.TextChoices):
    ICMS = "ICMS", "Matriz ICMS"
    IPI = "IPI", "Matriz IPI"
    ICMS_ST = "ICMS_ST", "Matriz substituição tributária"
    PIS_COFINS = "PIS_COFINS", "Matriz PIS/COFINS"
    PIS_COFINS_REPASSE = "PIS_COFINS_REPASSE", "Matriz PIS/COFINS repasse"
    VALOR_MINIMO = "VALOR_MINIMO", "Matriz valor mínimo"
    FRETE = "FRETE", "Matriz de frete"
    ALCADA = "ALCADA", "Matriz de alçada"
    CENARIO_NEGOCIACAO = "CENARIO_NEGOCIACAO", "Cenários da negociação"
    NEGOCIACAO = "NEGOCIACAO", "Matriz de negociação"
    UNIDADE_PRODUTO = "UNIDADE_PRODUTO", "Matriz de unidade produto"
    CONDICAO_PAGAMENTO_CLIENTE = (
        "CONDICAO_PAGAMENTO_CLIENTE",
        "Matriz condição de pagamento cliente",
    )
    COMISSAO = "COMISSAO", "Matriz de comissão"
    DESCONTO_ACRESCIMO = "DESCONTO_ACRESCIMO", "Matriz de desconto/acréscimo"


# Nome curto de cada matriz, para colunas de tabela.
ROTULO_CURTO: dict[str, str] = {
    "ICMS": "ICMS",
    "IPI": "IPI",
    "ICMS_ST": "ICMS-ST",
    "PIS_COFINS": "PIS/COFINS",
    "PIS_COFINS_REPASSE": "PIS/COFINS repasse",
    "VALOR_MINIMO": "Valor mínimo",
    "FRETE": "Frete",
    "ALCADA": "Alçada",
    "CENARIO_NEGOCIACAO": "Cenário de negociação",
    "NEGOCIACAO": "Negociação",
    "UNIDADE_PRODUTO": "Unidade × produto",
    "CONDICAO_PAGAMENTO_CLIENTE": "Cond. pagamento × cliente",
    "COMISSAO": "Comissão",
    "DESCONTO_ACRESCIMO": "Desconto/acréscimo",
}


class Regiao(models.TextChoices):
    """Grandes regiões do IBGE; a região de uma pergunta vem da UF de destino."""

    NORTE = "N", "Norte"
    NORDESTE = "NE", "Nordeste"
    CENTRO_OESTE = "CO", "Centro-Oeste"
    SUDESTE = "SE", "Sudeste"
    SUL = "S", "Sul"


REGIAO_DA_UF: dict[str, str] = {
    **dict.fromkeys(["AC", "AM", "AP", "PA", "RO", "RR", "TO"], Regiao.NORTE),
    **dict.fromkeys(["AL", "BA", "CE", "MA", "PB", "PE", "PI", "RN", "SE"], Regiao.NORDESTE),
    **dict.fromkeys(["DF", "GO", "MS", "MT"], Regiao.CENTRO_OESTE),
    **dict.fromkeys(["ES", "MG", "RJ", "SP"], Regiao.SUDESTE),
    **dict.fromkeys(["PR", "RS", "SC"], Regiao.SUL),
}


class MetodoDifal(models.TextChoices):
    """Como a UF de destino calcula o DIFAL a não contribuinte (configuração por UF)."""

    BASE_UNICA = "base_unica", "Base única"
    BASE_DUPLA = "base_dupla", "Base dupla (por dentro)"


class ChaveRateioFrete(models.TextChoices):
    VALOR = "valor", "Pelo valor dos itens"
    PESO = "peso", "Pelo peso dos itens"


class PapelAprovador(models.TextChoices):
    REPRESENTANTE = "Representante", "Representante (sem aprovação)"
    SUPERVISOR = "Supervisor", "Supervisor"
    ADMINISTRADOR = "Administrador", "Administrador"


class TipoEventoRegra(models.TextChoices):
    CRIADA = "criada", "Regra criada"
    ALTERADA = "alterada", "Regra alterada (ainda não vigente)"
    NOVA_VERSAO = "nova_versao", "Nova versão criada"
    SUBSTITUIDA = "substituida", "Encerrada por nova versão"
    COPIADA = "copiada", "Criada por cópia"
    EXPIRADA = "expirada", "Regra expirada"
    IMPORTADA = "importada", "Importada de planilha"


# Colunas de dimensão, na ordem em que aparecem nas telas e nas chaves das perguntas.
# Especificidade de uma regra = quantas destas colunas ela preenche (todas têm de casar).
DIMENSOES: tuple[str, ...] = (
    "empresa",
    "uf_origem",
    "uf_destino",
    "regiao",
    "ncm",
    "cest",
    "produto",
    "linha",
    "tipo_cliente",
    "cliente",
    "contribuinte",
    "consumidor_final",
    "condicao_pagamento",
    "representante",
    "cfop",
    "cenario",
)
DIMENSOES_FK = frozenset(
    {"empresa", "produto", "linha", "tipo_cliente", "cliente", "representante"}
)
DIMENSOES_BOOL = frozenset({"contribuinte", "consumidor_final"})

RESULTADOS: tuple[str, ...] = (
    "aliquota",
    "reducao_base",
    "fcp",
    "aliquota_interna_destino",
    "metodo_difal",
    "aplica_st",
    "mva",
    "ajustar_mva",
    "aliquota_pis",
    "aliquota_cofins",
    "valor",
    "percentual",
    "chave_rateio_frete",
    "nivel_alcada",
    "papel_aprovador",
    "cenario_atribuido",
    "unidade_venda",
    "multiplo",
    "permitido",
)
FAIXA = ("percentual_de", "percentual_ate")


@dataclass(frozen=True)
class Definicao:
    """O que uma matriz aceita. `faixa`: a regra pode ter uma faixa de percentual de desconto
    (de exclusivo, até inclusivo) que a pergunta tem de cair dentro."""

    dimensoes: tuple[str, ...]
    obrigatorios: tuple[str, ...] = ()
    opcionais: tuple[str, ...] = ()
    faixa: bool = False
    um_de: tuple[str, ...] = ()
    ajuda: str = ""

    @property
    def resultados(self) -> tuple[str, ...]:
        return self.obrigatorios + self.opcionais


_FISCAL = (
    "empresa",
    "uf_origem",
    "uf_destino",
    "regiao",
    "ncm",
    "cest",
    "produto",
    "linha",
    "tipo_cliente",
    "cliente",
    "contribuinte",
    "consumidor_final",
    "cfop",
)

DEFINICOES: dict[str, Definicao] = {
    TipoMatriz.ICMS: Definicao(
        _FISCAL,
        obrigatorios=("aliquota", "fcp"),
        opcionais=("reducao_base", "aliquota_interna_destino", "metodo_difal"),
        ajuda=(
            "Alíquota do ICMS próprio (interna ou interestadual) e FCP da UF de destino. Para "
            "vendas interestaduais a não contribuinte informe também a alíquota interna do "
            "destino e o método do DIFAL daquela UF."
        ),
    ),
    TipoMatriz.IPI: Definicao(
        ("empresa", "ncm", "produto", "linha", "tipo_cliente", "cfop"),
        obrigatorios=("aliquota",),
        ajuda="Alíquota do IPI (TIPI) por NCM ou produto.",
    ),
    TipoMatriz.ICMS_ST: Definicao(
        _FISCAL,
        opcionais=("aplica_st", "mva", "ajustar_mva", "reducao_base", "aliquota_interna_destino"),
        ajuda=(
            "Sem regra, o item não tem ST. Com regra que aplica ST, a MVA é obrigatória; "
            "uma regra mais específica com “aplica ST” desmarcado dispensa a ST."
        ),
    ),
    TipoMatriz.PIS_COFINS: Definicao(
        ("empresa", "ncm", "produto", "linha", "tipo_cliente", "cfop"),
        obrigatorios=("aliquota_pis", "aliquota_cofins"),
        ajuda="Alíquotas de PIS e COFINS (1,65 % e 7,6 % no não cumulativo).",
    ),
    TipoMatriz.PIS_COFINS_REPASSE: Definicao(
        (
            "empresa",
            "uf_destino",
            "regiao",
            "ncm",
            "produto",
            "linha",
            "tipo_cliente",
            "cliente",
        ),
        obrigatorios=("aliquota_pis", "aliquota_cofins"),
        ajuda="Alíquotas repassadas ao preço (cálculo “por dentro”).",
    ),
    TipoMatriz.VALOR_MINIMO: Definicao(
        (
            "empresa",
            "uf_destino",
            "regiao",
            "tipo_cliente",
            "cliente",
            "condicao_pagamento",
            "representante",
        ),
        obrigatorios=("valor",),
        ajuda="Valor mínimo do pedido (R$).",
    ),
    TipoMatriz.FRETE: Definicao(
        (
            "empresa",
            "uf_origem",
            "uf_destino",
            "regiao",
            "linha",
            "tipo_cliente",
            "cliente",
            "condicao_pagamento",
            "representante",
        ),
        opcionais=("valor", "percentual", "chave_rateio_frete"),
        um_de=("valor", "percentual"),
        ajuda="Frete fixo (R$) e/ou percentual do valor dos produtos, e como ratear aos itens.",
    ),
    TipoMatriz.ALCADA: Definicao(
        ("empresa", "regiao", "produto", "linha", "tipo_cliente", "representante"),
        obrigatorios=("nivel_alcada", "papel_aprovador"),
        faixa=True,
        ajuda="Quem aprova cada faixa de desconto (de exclusivo, até inclusivo).",
    ),
    TipoMatriz.CENARIO_NEGOCIACAO: Definicao(
        (
            "empresa",
            "uf_destino",
            "regiao",
            "linha",
            "tipo_cliente",
            "cliente",
            "condicao_pagamento",
            "representante",
        ),
        obrigatorios=("cenario_atribuido",),
        ajuda="Em que cenário de negociação o pedido cai.",
    ),
    TipoMatriz.NEGOCIACAO: Definicao(
        (
            "cenario",
            "empresa",
            "regiao",
            "produto",
            "linha",
            "tipo_cliente",
            "condicao_pagamento",
        ),
        obrigatorios=("percentual",),
        ajuda="Desconto máximo (%) negociável em cada cenário.",
    ),
    TipoMatriz.UNIDADE_PRODUTO: Definicao(
        ("empresa", "uf_destino", "regiao", "produto", "linha", "tipo_cliente", "cliente"),
        opcionais=("unidade_venda", "multiplo"),
        ajuda=(
            "Em que unidade e múltiplo o produto é vendido; vazio = a unidade e o múltiplo do "
            "cadastro do produto. Sem regra, é “problema de matriz unidade produto”."
        ),
    ),
    TipoMatriz.CONDICAO_PAGAMENTO_CLIENTE: Definicao(
        (
            "condicao_pagamento",
            "empresa",
            "uf_destino",
            "regiao",
            "tipo_cliente",
            "cliente",
            "representante",
        ),
        obrigatorios=("permitido",),
        opcionais=("percentual",),
        ajuda="Se a condição de pagamento é permitida ao cliente, e o acréscimo financeiro (%).",
    ),
    TipoMatriz.COMISSAO: Definicao(
        (
            "empresa",
            "regiao",
            "produto",
            "linha",
            "tipo_cliente",
            "condicao_pagamento",
            "representante",
        ),
        obrigatorios=("percentual",),
        faixa=True,
        ajuda="Comissão (%) por faixa de desconto concedido.",
    ),
    TipoMatriz.DESCONTO_ACRESCIMO: Definicao(
        (
            "empresa",
            "uf_destino",
            "regiao",
            "produto",
            "linha",
            "tipo_cliente",
            "cliente",
            "condicao_pagamento",
            "representante",
        ),
        obrigatorios=("percentual",),
        ajuda="Percentual automático: positivo = desconto, negativo = acréscimo.",
    ),
}
