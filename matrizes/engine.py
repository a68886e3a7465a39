"""Motor fiscal e de preço de um pedido: puro (sem Django, sem banco, sem I/O).

Entra um `PedidoEntrada` (empresa, destinatário, itens e, em cada item, a `RegraItem` que as
matrizes responderam); sai um `PedidoResultado` com cada base e cada valor por item, os totais
e a lista de `Problema`. `matrizes/fetch.py` (depois) monta a entrada a partir do banco; aqui
nada consulta nada, para que o cálculo seja testável ao centavo e reproduzível.

Convenções:
- Dinheiro é `Decimal`, arredondado meio-para-cima a 0,01 por `crm.money.arredondar` (o único
  helper), nos pontos documentados: vProd, cada base depois de somar frete/seguro/outras e
  tirar o desconto, de novo depois de uma redução de base, de novo depois da MVA; cada valor de
  imposto = R(base × alíquota) por item; totais = soma dos itens, nunca re-arredondados.
- Alíquotas, reduções, MVA e FCP são PERCENTUAIS como na NF-e (18 = 18 %).
- Problema é dado, nunca exceção nem zero silencioso: quando falta uma alíquota necessária
  (None = "nenhuma regra respondeu"), o item recebe um `Problema(codigo="matriz", ...)` e
  aquele imposto (e o que depende dele) fica em zero, com o problema explicando o porquê.
- Ordem por item: IPI, ICMS, PIS/COFINS, ICMS-ST, FCP/DIFAL (cada um usa os anteriores).
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from crm.money import CENTAVO, arredondar, formatar_br

ZERO = Decimal("0.00")  # com 2 casas: valores não calculados saem "0.00" no JSON
CEM = Decimal("100")
# NF-e 4.00 (MOC, grupo I): qTrib tem 4 casas e vUnTrib até 10 casas decimais.
CASAS_QTRIB = Decimal("0.0001")
CASAS_VUNTRIB = Decimal("1E-10")

# Resolução do Senado Federal 13/2012, art. 1º: alíquota interestadual de 4 % para bens
# importados ou com conteúdo de importação > 40 %; origens da tabela A do CST (Ajuste SINIEF
# 20/2012): 1 e 2 (estrangeira), 3 (nacional, conteúdo importado > 40 % e ≤ 70 %) e
# 8 (nacional, > 70 %). 6 e 7 (sem similar nacional, lista CAMEX) ficam fora (art. 1º, § 4º).
ALIQUOTA_INTERESTADUAL_IMPORTADOS = Decimal("4")
ORIGENS_IMPORTADAS = frozenset({1, 2, 3, 8})

MetodoDifal = Literal["base_unica", "base_dupla"]
ChaveRateio = Literal["valor", "peso"]
Regime = Literal["simples_nacional", "lucro_presumido", "lucro_real"]


# ---------------------------------------------------------------------------------------------
# Entrada
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Empresa:
    """Quem vende. `casas_mva_ajustada`: casas decimais do percentual da MVA ajustada."""

    uf: str
    regime: Regime = "lucro_real"
    excluir_icms_base_pis_cofins: bool = False
    casas_mva_ajustada: int = 2


@dataclass(frozen=True)
class Destinatario:
    uf: str
    contribuinte: bool
    consumidor_final: bool


@dataclass(frozen=True)
class RegraItem:
    """O que as matrizes responderam para um item (percentuais; None = nenhuma regra).

    `red_bc_icms`/`red_bc_st` None significam "sem redução": as matrizes de redução só têm
    linhas para os itens reduzidos, então a ausência não é um problema.
    `chaves`: por matriz ("IPI", "ICMS", "ICMS-ST", "DIFAL", "FCP", "PIS", "COFINS"), as
    chaves usadas na busca (p.ex. {"ICMS": {"uf_destino": "RJ", "ncm": "84713012"}}), para que
    a mensagem do problema diga onde cadastrar a regra que falta.
    """

    ipi: Decimal | None = None
    icms: Decimal | None = None
    red_bc_icms: Decimal | None = None
    sujeito_st: bool = False
    mva: Decimal | None = None
    ajustar_mva: bool = False
    red_bc_st: Decimal | None = None
    icms_interno_destino: Decimal | None = None
    fcp: Decimal | None = None
    difal_metodo: MetodoDifal | None = None
    pis: Decimal | None = None
    cofins: Decimal | None = None
    chaves: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemEntrada:
    """Um item na unidade comercial. `peso` é o peso bruto unitário (o rateio usa peso × qtd).

    `fator_conversao`: unidades tributáveis por unidade comercial (caixa com 12 → 12).
    `custo_unitario` None = sem custo: margens do item não são calculadas.
    `percentual_comissao` incide sobre vProd − vDesc; `custo_frete` e `custo_financeiro` são
    valores (R$) do item, usados só na margem de contribuição.
    """

    quantidade: Decimal
    preco_unitario: Decimal
    regra: RegraItem = field(default_factory=RegraItem)
    codigo: str = ""
    desconto_item: Decimal = ZERO
    frete_item: Decimal = ZERO
    seguro: Decimal = ZERO
    outras: Decimal = ZERO
    peso: Decimal = ZERO
    fator_conversao: Decimal | None = Decimal("1")
    multiplo: Decimal | None = None
    origem: int = 0
    custo_unitario: Decimal | None = None
    percentual_comissao: Decimal = ZERO
    custo_frete: Decimal = ZERO
    custo_financeiro: Decimal = ZERO


@dataclass(frozen=True)
class Intervalo:
    """Faixa aceitável de um percentual, limites inclusivos; None = sem limite daquele lado."""

    minimo: Decimal | None = None
    maximo: Decimal | None = None

    def contem(self, percentual: Decimal) -> bool:
        if self.minimo is not None and percentual < self.minimo:
            return False
        return not (self.maximo is not None and percentual > self.maximo)


@dataclass(frozen=True)
class PedidoEntrada:
    """`metodos_difal`: UF de destino → método do DIFAL (configuração, não código)."""

    empresa: Empresa
    destinatario: Destinatario
    itens: tuple[ItemEntrada, ...]
    desconto_cabecalho: Decimal = ZERO
    frete_cabecalho: Decimal = ZERO
    chave_rateio_frete: ChaveRateio = "valor"
    metodos_difal: dict[str, MetodoDifal] = field(default_factory=dict)
    faixa_margem_bruta: Intervalo | None = None
    faixa_margem_contribuicao: Intervalo | None = None


# ---------------------------------------------------------------------------------------------
# Saída
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problema:
    """Algo que a tela do pedido deve listar. `item` é o número (1..n) ou None (pedido)."""

    codigo: str
    mensagem: str
    matriz: str | None = None
    chaves: dict[str, str] = field(default_factory=dict)
    item: int | None = None


@dataclass(frozen=True)
class Margens:
    """receita = vProd − vDesc + vFrete + vSeg + vOutro; impostos = ICMS + FCP + DIFAL + PIS +
    COFINS (FCP e DIFAL são ICMS suportado pelo vendedor); ROL = receita − impostos;
    MB = ROL − custo; MC = MB − comissão − custo de frete − custo financeiro.
    Percentuais sobre a ROL, NÃO arredondados (comparações de faixa usam o valor exato);
    None quando a ROL não é positiva."""

    receita: Decimal
    impostos: Decimal
    rol: Decimal
    custo: Decimal
    mb: Decimal
    comissao: Decimal
    custo_frete: Decimal
    custo_financeiro: Decimal
    mc: Decimal
    percentual_mb: Decimal | None
    percentual_mc: Decimal | None


@dataclass(frozen=True)
class ItemResultado:
    numero: int
    codigo: str
    v_prod: Decimal
    v_desc: Decimal
    v_frete: Decimal
    v_seg: Decimal
    v_outro: Decimal
    q_trib: Decimal | None
    v_un_trib: Decimal | None
    bc_ipi: Decimal
    v_ipi: Decimal
    aliq_icms: Decimal | None
    bc_icms: Decimal
    v_icms: Decimal
    mva_st: Decimal | None
    bc_st: Decimal
    v_st: Decimal
    bc_difal: Decimal
    v_fcp: Decimal
    v_difal: Decimal
    bc_pis: Decimal
    v_pis: Decimal
    bc_cofins: Decimal
    v_cofins: Decimal
    total: Decimal
    margens: Margens | None
    problemas: tuple[Problema, ...]


@dataclass(frozen=True)
class PedidoResultado:
    """Totais = soma dos itens. `problemas` traz os do pedido E os de todos os itens (cada um
    com `item`), para a tela listar de uma vez.

    vNF = vProd − vDesc + vFrete + vSeg + vOutro + vIPI + vST (MOC NF-e 4.00, regra de
    validação do total W16; sem II, serviços, desoneração e FCP-ST, não modelados aqui).
    FCP e DIFAL da UF de destino (EC 87/2015) NÃO entram no vNF: são recolhidos pelo vendedor.
    """

    itens: tuple[ItemResultado, ...]
    v_prod: Decimal
    v_desc: Decimal
    v_frete: Decimal
    v_seg: Decimal
    v_outro: Decimal
    bc_icms: Decimal
    v_ipi: Decimal
    v_icms: Decimal
    bc_st: Decimal
    v_st: Decimal
    v_fcp: Decimal
    v_difal: Decimal
    v_pis: Decimal
    v_cofins: Decimal
    v_nf: Decimal
    margens: Margens | None
    problemas: tuple[Problema, ...]


@dataclass(frozen=True)
class Faixa:
    """Faixa de alçada/comissão/desconto: vale até `ate` (inclusive); None = sem teto."""

    ate: Decimal | None
    rotulo: str
    valor: Decimal | None = None


# ---------------------------------------------------------------------------------------------
# Helpers públicos
# ---------------------------------------------------------------------------------------------


def ratear(valor: Decimal, pesos: Sequence[Decimal]) -> list[Decimal]:
    """Reparte `valor` (arredondado a 0,01) proporcionalmente a `pesos`; as partes somam o valor
    exatamente e a última fecha a diferença.

    Cada parte é a diferença de cortes acumulados arredondados: parte_i = R(v·C_i/W) −
    R(v·C_{i−1}/W). É o "itens 1..n−1 arredondados, o último leva o resto" sem o defeito da
    versão ingênua, em que muitas partes pequenas arredondadas para cima deixam o último
    negativo (0,05 em 11 itens iguais daria dez de 0,01 e −0,05). Assim toda parte fica entre
    o piso e o teto do seu quinhão exato, nunca negativa, e um desconto rateado pelo valor
    nunca passa do valor do item. Pesos todos zero: divisão igual. Nunca divide por zero.
    """
    if any(p < 0 for p in pesos):
        raise ValueError("pesos de rateio não podem ser negativos")
    valor = arredondar(valor)
    if not pesos:
        if valor:
            raise ValueError("não há itens para ratear um valor diferente de zero")
        return []
    total = sum(pesos, ZERO)
    if total == 0:
        pesos = [Decimal(1)] * len(pesos)
        total = Decimal(len(pesos))
    partes: list[Decimal] = []
    acumulado = ZERO
    corte_anterior = ZERO
    for peso in pesos[:-1]:
        acumulado += peso
        corte = arredondar(valor * acumulado / total)
        partes.append(corte - corte_anterior)
        corte_anterior = corte
    partes.append(valor - corte_anterior)
    return partes


def mva_ajustada(
    mva: Decimal, aliquota_interestadual: Decimal, aliquota_interna: Decimal, casas: int = 2
) -> Decimal:
    """MVA ajustada (percentual) = [(1 + MVA) × (1 − ALQ inter) / (1 − ALQ intra)] − 1.

    Fórmula dos protocolos/convênios de ST (p.ex. Protocolo ICMS 41/2008, cláusula segunda,
    § 2º), que compensa a diferença entre a alíquota interestadual e a interna do destino.
    Arredondada meio-para-cima a `casas` casas do percentual.
    """
    if aliquota_interna >= CEM:
        raise ValueError("alíquota interna deve ser menor que 100 %")
    um = Decimal(1)
    fator = (um + mva / CEM) * (um - aliquota_interestadual / CEM) / (um - aliquota_interna / CEM)
    return arredondar((fator - um) * CEM, Decimal(1).scaleb(-casas))


def valor_liquido(preco: Decimal, aliquotas: Sequence[Decimal]) -> Decimal:
    """O que sobra de `preco` depois de cada imposto calculado por dentro: p − Σ R(p × a)."""
    return preco - sum((arredondar(preco * a / CEM) for a in aliquotas), ZERO)


def preco_por_dentro(alvo_liquido: Decimal, aliquotas: Sequence[Decimal]) -> Decimal:
    """Repasse/gross-up: o menor preço (em centavos) cujo `valor_liquido` atinge o alvo.

    Parte de alvo / (1 − Σ alíquotas) e acerta centavo a centavo, porque cada imposto é
    arredondado separadamente e a conta fechada pode errar por alguns centavos.
    """
    soma = sum(aliquotas, ZERO)
    if any(a < 0 for a in aliquotas) or soma >= CEM:
        raise ValueError("alíquotas devem ser não negativas e somar menos de 100 %")
    alvo = arredondar(alvo_liquido)
    preco = arredondar(alvo * CEM / (CEM - soma))
    while valor_liquido(preco, aliquotas) < alvo:
        preco += CENTAVO
    while preco > 0 and valor_liquido(preco - CENTAVO, aliquotas) >= alvo:
        preco -= CENTAVO
    return preco


def faixa_para(percentual: Decimal, faixas: Sequence[Faixa]) -> Faixa | None:
    """A faixa de `percentual` (sem arredondar: 10,004 % não cabe em "até 10 %").

    Tetos inclusivos; as faixas podem vir em qualquer ordem; None se passar de todos os tetos.
    """
    ordenadas = sorted(faixas, key=lambda f: (f.ate is None, f.ate or ZERO))
    for faixa in ordenadas:
        if faixa.ate is None or percentual <= faixa.ate:
            return faixa
    return None


# ---------------------------------------------------------------------------------------------
# Cálculo
# ---------------------------------------------------------------------------------------------


def _arredondar_valor(valor: Decimal) -> Decimal:
    """`arredondar`, sem o custo da chamada para o `ZERO` padrão dos campos opcionais (já com
    duas casas: arredondá-lo dá ele mesmo). Frete, seguro e outras de 500 itens são quase
    sempre esse ZERO."""
    return valor if valor is ZERO else arredondar(valor)


def _pct(base: Decimal, aliquota: Decimal) -> Decimal:
    return arredondar(base * aliquota / CEM)


def _reduzir(base: Decimal, reducao: Decimal | None) -> Decimal:
    if not reducao:
        return base
    return arredondar(base * (CEM - reducao) / CEM)


def _problema_matriz(
    matriz: str, regra: RegraItem, numero: int, o_que: str, campo: str
) -> Problema:
    chaves = dict(regra.chaves.get(matriz, {}))
    descricao = ", ".join(f"{k}={v}" for k, v in chaves.items()) or "chaves não informadas"
    return Problema(
        codigo="matriz",
        matriz=matriz,
        chaves=chaves,
        item=numero,
        mensagem=(
            f"Item {numero}: a matriz {matriz} não tem regra ({campo}) para {descricao}; "
            f"{o_que} não calculado."
        ),
    )


def _problema_dependencia(numero: int, imposto: str, depende_de: str) -> Problema:
    return Problema(
        codigo="dependencia",
        item=numero,
        mensagem=f"Item {numero}: {imposto} não calculado porque depende de {depende_de}.",
    )


def _validar_item(item: ItemEntrada, numero: int) -> list[Problema]:
    """Entradas que impedem qualquer cálculo de imposto do item."""
    if (
        item.quantidade > 0
        and item.preco_unitario >= 0
        and item.desconto_item >= 0
        and item.frete_item >= 0
        and item.seguro >= 0
        and item.outras >= 0
    ):
        return []  # o caso comum, sem montar as listas abaixo
    problemas: list[Problema] = []
    if item.quantidade <= 0:
        problemas.append(
            Problema(
                codigo="quantidade",
                item=numero,
                mensagem=f"Item {numero}: a quantidade deve ser maior que zero.",
            )
        )
    if item.preco_unitario < 0:
        problemas.append(
            Problema(
                codigo="preco",
                item=numero,
                mensagem=f"Item {numero}: o preço unitário não pode ser negativo.",
            )
        )
    negativos = [
        nome
        for nome, valor in (
            ("desconto", item.desconto_item),
            ("frete", item.frete_item),
            ("seguro", item.seguro),
            ("outras despesas", item.outras),
        )
        if valor < 0
    ]
    if negativos:
        problemas.append(
            Problema(
                codigo="valor_negativo",
                item=numero,
                mensagem=f"Item {numero}: valores negativos em {', '.join(negativos)}.",
            )
        )
    return problemas


def _conversao_e_multiplo(
    item: ItemEntrada, numero: int
) -> tuple[Decimal | None, Decimal | None, list[Problema]]:
    problemas: list[Problema] = []
    q_trib: Decimal | None = None
    v_un_trib: Decimal | None = None
    fator = item.fator_conversao
    if fator is None or fator <= 0:
        problemas.append(
            Problema(
                codigo="fator_conversao",
                item=numero,
                mensagem=(
                    f"Item {numero}: falta o fator de conversão entre a unidade comercial e "
                    "a tributável."
                ),
            )
        )
    else:
        q_trib = arredondar(item.quantidade * fator, CASAS_QTRIB)
        v_un_trib = arredondar(item.preco_unitario / fator, CASAS_VUNTRIB)
    multiplo = item.multiplo
    if multiplo is not None:
        if multiplo <= 0:
            problemas.append(
                Problema(
                    codigo="multiplo_invalido",
                    item=numero,
                    mensagem=f"Item {numero}: o múltiplo de venda cadastrado não é positivo.",
                )
            )
        elif item.quantidade > 0 and item.quantidade % multiplo != 0:
            sugerida = (item.quantidade / multiplo).to_integral_value(ROUND_CEILING) * multiplo
            problemas.append(
                Problema(
                    codigo="multiplo",
                    item=numero,
                    chaves={
                        "quantidade": str(item.quantidade),
                        "multiplo": str(multiplo),
                        "sugerida": str(sugerida),
                    },
                    mensagem=(
                        f"Item {numero}: a quantidade {item.quantidade} não é múltiplo de "
                        f"{multiplo}; próxima quantidade válida: {sugerida}."
                    ),
                )
            )
    return q_trib, v_un_trib, problemas


@dataclass
class _Impostos:
    bc_ipi: Decimal = ZERO
    v_ipi: Decimal = ZERO
    aliq_icms: Decimal | None = None
    bc_icms: Decimal = ZERO
    v_icms: Decimal = ZERO
    mva_st: Decimal | None = None
    bc_st: Decimal = ZERO
    v_st: Decimal = ZERO
    bc_difal: Decimal = ZERO
    v_fcp: Decimal = ZERO
    v_difal: Decimal = ZERO
    bc_pis: Decimal = ZERO
    v_pis: Decimal = ZERO
    bc_cofins: Decimal = ZERO
    v_cofins: Decimal = ZERO
    ipi_ok: bool = False
    icms_ok: bool = False


def _calcular_impostos(
    item: ItemEntrada, numero: int, entrada: PedidoEntrada, base_operacao: Decimal
) -> tuple[_Impostos, list[Problema]]:
    regra = item.regra
    empresa, dest = entrada.empresa, entrada.destinatario
    interestadual = empresa.uf != dest.uf
    t = _Impostos()
    problemas: list[Problema] = []

    # IPI: valor da operação com frete e demais despesas acessórias, sem descontos
    # incondicionais (Lei 4.502/1964, art. 14; RIPI, Decreto 7.212/2010, art. 190).
    if regra.ipi is None:
        problemas.append(_problema_matriz("IPI", regra, numero, "IPI", "alíquota de IPI"))
    else:
        t.bc_ipi = base_operacao
        t.v_ipi = _pct(t.bc_ipi, regra.ipi)
        t.ipi_ok = True

    # ICMS próprio. Frete, seguro e despesas entram e o desconto incondicional sai
    # (LC 87/1996, art. 13, § 1º, II). O IPI entra, salvo entre contribuintes com produto
    # para industrialização ou comercialização (CF, art. 155, § 2º, XI; LC 87/1996, art. 13,
    # § 2º): por isso entra para consumidor final ou não contribuinte.
    ipi_na_base_icms = dest.consumidor_final or not dest.contribuinte
    if regra.icms is None:
        problemas.append(
            _problema_matriz(
                "ICMS", regra, numero, "ICMS (e ICMS-ST/DIFAL/FCP que dependem dele)", "alíquota"
            )
        )
    elif ipi_na_base_icms and not t.ipi_ok:
        problemas.append(_problema_dependencia(numero, "ICMS", "IPI (compõe a base do ICMS)"))
    else:
        aliquota = regra.icms
        if interestadual and item.origem in ORIGENS_IMPORTADAS:
            aliquota = ALIQUOTA_INTERESTADUAL_IMPORTADOS  # Res. Senado 13/2012
        base = arredondar(base_operacao + (t.v_ipi if ipi_na_base_icms else ZERO))
        t.aliq_icms = aliquota
        t.bc_icms = _reduzir(base, regra.red_bc_icms)
        t.v_icms = _pct(t.bc_icms, aliquota)
        t.icms_ok = True

    # PIS/COFINS sobre a receita (com frete, seguro e despesas cobrados; sem desconto).
    # O ICMS destacado sai da base quando a empresa optar: Tema 69 do STF (RE 574.706).
    excluir_icms = empresa.excluir_icms_base_pis_cofins
    if excluir_icms and not t.icms_ok:
        problemas.append(
            _problema_dependencia(numero, "PIS/COFINS", "ICMS (excluído da base, Tema 69)")
        )
    else:
        base_pc = arredondar(base_operacao - (t.v_icms if excluir_icms else ZERO))
        if regra.pis is None:
            problemas.append(_problema_matriz("PIS", regra, numero, "PIS", "alíquota de PIS"))
        else:
            t.bc_pis, t.v_pis = base_pc, _pct(base_pc, regra.pis)
        if regra.cofins is None:
            problemas.append(
                _problema_matriz("COFINS", regra, numero, "COFINS", "alíquota de COFINS")
            )
        else:
            t.bc_cofins, t.v_cofins = base_pc, _pct(base_pc, regra.cofins)

    if regra.sujeito_st:
        problemas.extend(_calcular_st(item, numero, entrada, base_operacao, t))
    problemas.extend(_calcular_fcp_difal(item, numero, entrada, t))
    return t, problemas


def _calcular_st(
    item: ItemEntrada, numero: int, entrada: PedidoEntrada, base_operacao: Decimal, t: _Impostos
) -> list[Problema]:
    """ICMS-ST: base = R(R(base com IPI, reduzida) × (1 + MVA)); ST = R(base × interna) − ICMS.

    A base soma frete, seguro, demais encargos e o IPI, e a MVA (LC 87/1996, art. 8º, II).
    """
    regra = item.regra
    interestadual = entrada.empresa.uf != entrada.destinatario.uf
    # Na operação interna a alíquota interna é a do próprio ICMS; na interestadual tem de vir
    # da matriz da UF de destino.
    interna = regra.icms_interno_destino
    if interna is None and not interestadual:
        interna = regra.icms
    problemas: list[Problema] = []
    if regra.mva is None:
        problemas.append(_problema_matriz("ICMS-ST", regra, numero, "ICMS-ST", "MVA"))
    if interna is None:
        problemas.append(
            _problema_matriz("ICMS-ST", regra, numero, "ICMS-ST", "alíquota interna do destino")
        )
    if problemas or regra.mva is None or interna is None:
        return problemas
    if not (t.icms_ok and t.ipi_ok):
        return [_problema_dependencia(numero, "ICMS-ST", "ICMS próprio e IPI")]

    mva = regra.mva
    assert t.aliq_icms is not None  # icms_ok garante
    # MVA ajustada só na interestadual, se a regra pedir. Remetente do Simples Nacional usa a
    # MVA original (Convênio ICMS 142/2018, cláusula décima primeira), e também quando a
    # interna do destino é menor que a interestadual (regra dos protocolos de ST).
    if (
        regra.ajustar_mva
        and interestadual
        and entrada.empresa.regime != "simples_nacional"
        and interna >= t.aliq_icms
    ):
        mva = mva_ajustada(mva, t.aliq_icms, interna, entrada.empresa.casas_mva_ajustada)
    base = arredondar(base_operacao + t.v_ipi)
    base = _reduzir(base, regra.red_bc_st)
    t.mva_st = mva
    t.bc_st = arredondar(base * (CEM + mva) / CEM)
    t.v_st = max(ZERO, _pct(t.bc_st, interna) - t.v_icms)
    return []


def _calcular_fcp_difal(
    item: ItemEntrada, numero: int, entrada: PedidoEntrada, t: _Impostos
) -> list[Problema]:
    """FCP da operação interna, ou DIFAL + FCP da UF de destino para não contribuinte."""
    regra = item.regra
    dest = entrada.destinatario
    interestadual = entrada.empresa.uf != dest.uf
    if not t.icms_ok:
        return []  # o problema do ICMS já explica
    if not interestadual:
        # Adicional de FCP na alíquota interna (ADCT, art. 82, § 1º).
        if regra.fcp is None:
            return [_problema_matriz("FCP", regra, numero, "FCP", "percentual de FCP")]
        t.v_fcp = _pct(t.bc_icms, regra.fcp)
        return []
    if dest.contribuinte:
        # Entre contribuintes o DIFAL (uso/consumo) é do destinatário; nada a calcular aqui.
        return []

    # DIFAL em venda interestadual a não contribuinte: CF, art. 155, § 2º, VII e VIII
    # (EC 87/2015), LC 87/1996 com a LC 190/2022 (art. 4º, § 2º, II; art. 13, X e § 1º, I:
    # o imposto integra a própria base) e Convênio ICMS 236/2021. O método é de cada UF.
    problemas: list[Problema] = []
    metodo = regra.difal_metodo or entrada.metodos_difal.get(dest.uf)
    if metodo is None:
        problemas.append(
            Problema(
                codigo="difal_metodo",
                item=numero,
                chaves={"uf_destino": dest.uf},
                mensagem=(
                    f"Item {numero}: não há método de DIFAL (base única ou dupla) configurado "
                    f"para a UF {dest.uf}; DIFAL e FCP não calculados."
                ),
            )
        )
    interna = regra.icms_interno_destino
    if interna is None:
        problemas.append(
            _problema_matriz("DIFAL", regra, numero, "DIFAL", "alíquota interna do destino")
        )
    if regra.fcp is None:
        problemas.append(_problema_matriz("FCP", regra, numero, "FCP", "percentual de FCP"))
    if problemas or interna is None or regra.fcp is None:
        return problemas

    if metodo == "base_dupla":
        # Por dentro: tira o ICMS de origem e inclui o do destino (com FCP) na base.
        divisor = (CEM - interna - regra.fcp) / CEM
        if divisor <= 0:
            return [
                Problema(
                    codigo="difal_aliquota",
                    item=numero,
                    mensagem=f"Item {numero}: alíquota interna + FCP do destino ≥ 100 %.",
                )
            ]
        t.bc_difal = arredondar((t.bc_icms - t.v_icms) / divisor)
    else:
        t.bc_difal = t.bc_icms
    t.v_difal = max(ZERO, _pct(t.bc_difal, interna) - t.v_icms)
    t.v_fcp = _pct(t.bc_difal, regra.fcp)
    return []


def _limite_br(limite: Decimal | None, infinito: str) -> str:
    return infinito if limite is None else formatar_br(limite, None)


def _margens_item(
    item: ItemEntrada, receita: Decimal, v_prod: Decimal, v_desc: Decimal, t: _Impostos
) -> Margens | None:
    if item.custo_unitario is None:
        return None
    impostos = t.v_icms + t.v_fcp + t.v_difal + t.v_pis + t.v_cofins
    rol = receita - impostos
    custo = arredondar(item.custo_unitario * item.quantidade)
    mb = rol - custo
    comissao = _pct(v_prod - v_desc, item.percentual_comissao)
    custo_frete = _arredondar_valor(item.custo_frete)
    custo_financeiro = _arredondar_valor(item.custo_financeiro)
    mc = mb - comissao - custo_frete - custo_financeiro
    return _montar_margens(
        receita, impostos, custo, mb, comissao, custo_frete, custo_financeiro, mc
    )


def _montar_margens(
    receita: Decimal,
    impostos: Decimal,
    custo: Decimal,
    mb: Decimal,
    comissao: Decimal,
    custo_frete: Decimal,
    custo_financeiro: Decimal,
    mc: Decimal,
) -> Margens:
    rol = receita - impostos
    return Margens(
        receita=receita,
        impostos=impostos,
        rol=rol,
        custo=custo,
        mb=mb,
        comissao=comissao,
        custo_frete=custo_frete,
        custo_financeiro=custo_financeiro,
        mc=mc,
        percentual_mb=mb * CEM / rol if rol > 0 else None,
        percentual_mc=mc * CEM / rol if rol > 0 else None,
    )


def _calcular_item(
    item: ItemEntrada,
    numero: int,
    entrada: PedidoEntrada,
    desconto_rateado: Decimal,
    frete_rateado: Decimal,
) -> ItemResultado:
    problemas = _validar_item(item, numero)
    valido = not problemas
    v_prod = arredondar(item.quantidade * item.preco_unitario)
    v_desc = _arredondar_valor(item.desconto_item) + desconto_rateado
    v_frete = _arredondar_valor(item.frete_item) + frete_rateado
    v_seg = _arredondar_valor(item.seguro)
    v_outro = _arredondar_valor(item.outras)
    q_trib, v_un_trib, outros = _conversao_e_multiplo(item, numero)
    problemas.extend(outros)
    if valido and v_desc > v_prod:
        valido = False
        problemas.append(
            Problema(
                codigo="desconto",
                item=numero,
                mensagem=(
                    f"Item {numero}: o desconto (R$ {formatar_br(v_desc)}) é maior que o valor "
                    f"do produto (R$ {formatar_br(v_prod)}); impostos não calculados."
                ),
            )
        )

    base_operacao = arredondar(v_prod - v_desc + v_frete + v_seg + v_outro)
    if valido:
        t, problemas_impostos = _calcular_impostos(item, numero, entrada, base_operacao)
        problemas.extend(problemas_impostos)
    else:
        t = _Impostos()
    total = v_prod - v_desc + v_frete + v_seg + v_outro + t.v_ipi + t.v_st
    return ItemResultado(
        numero=numero,
        codigo=item.codigo,
        v_prod=v_prod,
        v_desc=v_desc,
        v_frete=v_frete,
        v_seg=v_seg,
        v_outro=v_outro,
        q_trib=q_trib,
        v_un_trib=v_un_trib,
        bc_ipi=t.bc_ipi,
        v_ipi=t.v_ipi,
        aliq_icms=t.aliq_icms,
        bc_icms=t.bc_icms,
        v_icms=t.v_icms,
        mva_st=t.mva_st,
        bc_st=t.bc_st,
        v_st=t.v_st,
        bc_difal=t.bc_difal,
        v_fcp=t.v_fcp,
        v_difal=t.v_difal,
        bc_pis=t.bc_pis,
        v_pis=t.v_pis,
        bc_cofins=t.bc_cofins,
        v_cofins=t.v_cofins,
        total=total,
        margens=_margens_item(item, base_operacao, v_prod, v_desc, t) if valido else None,
        problemas=tuple(problemas),
    )


def _ratear_cabecalho(
    entrada: PedidoEntrada,
) -> tuple[list[Decimal], list[Decimal], list[Problema]]:
    """Rateia desconto e frete do cabeçalho antes dos impostos dos itens."""
    n = len(entrada.itens)
    zeros = [ZERO] * n
    problemas: list[Problema] = []
    # Pesos negativos (item inválido, já apontado no item) não podem distorcer o rateio.
    valores = [max(ZERO, arredondar(i.quantidade * i.preco_unitario)) for i in entrada.itens]
    if entrada.chave_rateio_frete == "peso":
        pesos = [max(ZERO, i.peso * i.quantidade) for i in entrada.itens]
        if sum(pesos, ZERO) == 0:
            pesos = valores  # sem peso cadastrado: cai para o valor (e, sem valor, igual)
    else:
        pesos = valores

    def repartir(valor: Decimal, nome: str, base: list[Decimal]) -> list[Decimal]:
        if valor == 0:
            return zeros
        if valor < 0:
            problemas.append(
                Problema(codigo="valor_negativo", mensagem=f"O {nome} do pedido é negativo.")
            )
            return zeros
        if n == 0:
            problemas.append(
                Problema(
                    codigo="pedido_vazio",
                    mensagem=f"O pedido não tem itens para ratear o {nome}.",
                )
            )
            return zeros
        return ratear(valor, base)

    descontos = repartir(entrada.desconto_cabecalho, "desconto", valores)
    fretes = repartir(entrada.frete_cabecalho, "frete", pesos)
    return descontos, fretes, problemas


def _verificar_margens(entrada: PedidoEntrada, margens: Margens | None) -> list[Problema]:
    problemas: list[Problema] = []
    faixas = (
        ("margem_bruta", "margem bruta", entrada.faixa_margem_bruta),
        ("margem_contribuicao", "margem de contribuição", entrada.faixa_margem_contribuicao),
    )
    for codigo, nome, faixa in faixas:
        if faixa is None:
            continue
        if margens is None:
            problemas.append(
                Problema(
                    codigo="custo",
                    mensagem=f"Sem custo em todos os itens: a {nome} não pôde ser verificada.",
                )
            )
            continue
        percentual = margens.percentual_mb if codigo == "margem_bruta" else margens.percentual_mc
        if percentual is None:
            problemas.append(
                Problema(
                    codigo="margem_indefinida",
                    mensagem=f"A receita líquida não é positiva: a {nome} não tem percentual.",
                )
            )
        elif not faixa.contem(percentual):
            problemas.append(
                Problema(
                    codigo=codigo,
                    chaves={
                        "percentual": str(arredondar(percentual)),
                        "minimo": "" if faixa.minimo is None else str(faixa.minimo),
                        "maximo": "" if faixa.maximo is None else str(faixa.maximo),
                    },
                    mensagem=(
                        f"A {nome} de {formatar_br(percentual)} % está fora da faixa "
                        f"[{_limite_br(faixa.minimo, '-∞')}; {_limite_br(faixa.maximo, '+∞')}] %."
                    ),
                )
            )
    return problemas


def _somar(valores: Sequence[Decimal]) -> Decimal:
    return sum(valores, ZERO)


def calcular_pedido(entrada: PedidoEntrada) -> PedidoResultado:
    """Calcula todos os itens e os totais do pedido; nunca levanta por regra faltando."""
    descontos, fretes, problemas = _ratear_cabecalho(entrada)
    itens = tuple(
        _calcular_item(item, numero, entrada, descontos[numero - 1], fretes[numero - 1])
        for numero, item in enumerate(entrada.itens, start=1)
    )

    margens: Margens | None = None
    margens_itens = [i.margens for i in itens]
    if itens and all(m is not None for m in margens_itens):
        ms = [m for m in margens_itens if m is not None]
        margens = _montar_margens(
            receita=_somar([m.receita for m in ms]),
            impostos=_somar([m.impostos for m in ms]),
            custo=_somar([m.custo for m in ms]),
            mb=_somar([m.mb for m in ms]),
            comissao=_somar([m.comissao for m in ms]),
            custo_frete=_somar([m.custo_frete for m in ms]),
            custo_financeiro=_somar([m.custo_financeiro for m in ms]),
            mc=_somar([m.mc for m in ms]),
        )
    problemas.extend(_verificar_margens(entrada, margens))
    for item in itens:
        problemas.extend(item.problemas)

    def total(nome: str) -> Decimal:
        return _somar([getattr(i, nome) for i in itens])

    v_prod, v_desc, v_frete = total("v_prod"), total("v_desc"), total("v_frete")
    v_seg, v_outro, v_ipi, v_st = total("v_seg"), total("v_outro"), total("v_ipi"), total("v_st")
    return PedidoResultado(
        itens=itens,
        v_prod=v_prod,
        v_desc=v_desc,
        v_frete=v_frete,
        v_seg=v_seg,
        v_outro=v_outro,
        bc_icms=total("bc_icms"),
        v_ipi=v_ipi,
        v_icms=total("v_icms"),
        bc_st=total("bc_st"),
        v_st=v_st,
        v_fcp=total("v_fcp"),
        v_difal=total("v_difal"),
        v_pis=total("v_pis"),
        v_cofins=total("v_cofins"),
        v_nf=v_prod - v_desc + v_frete + v_seg + v_outro + v_ipi + v_st,
        margens=margens,
        problemas=tuple(problemas),
    )


# ---------------------------------------------------------------------------------------------
# JSON: Decimal como string (nunca float), para o comando de gestão ler e escrever
# ---------------------------------------------------------------------------------------------


def to_dict(objeto: Any) -> Any:
    """Dataclass/lista/dict → estruturas JSON; Decimal vira string ("12.30")."""
    if is_dataclass(objeto) and not isinstance(objeto, type):
        return {f.name: to_dict(getattr(objeto, f.name)) for f in fields(objeto)}
    if isinstance(objeto, Decimal):
        return str(objeto)
    if isinstance(objeto, list | tuple):
        return [to_dict(v) for v in objeto]
    if isinstance(objeto, dict):
        return {str(k): to_dict(v) for k, v in objeto.items()}
    return objeto


def from_dict(dados: Mapping[str, Any]) -> PedidoEntrada:
    """JSON (dicts) → `PedidoEntrada`. Valores monetários e percentuais como string ou int;
    float é recusado (perderia centavos). Chave desconhecida ou tipo errado → ValueError com o
    caminho do campo (p.ex. "itens[2].regra.icms")."""
    return _construir(PedidoEntrada, dados, "")


def _construir(classe: Any, dados: Any, caminho: str) -> Any:
    if not isinstance(dados, Mapping):
        raise ValueError(f"{caminho or 'pedido'}: esperado um objeto")
    tipos = get_type_hints(classe)
    nomes = {f.name for f in fields(classe)}
    desconhecidas = set(dados) - nomes
    if desconhecidas:
        raise ValueError(f"{caminho or 'pedido'}: campos desconhecidos {sorted(desconhecidas)}")
    argumentos = {
        nome: _converter(tipos[nome], valor, f"{caminho}.{nome}" if caminho else nome)
        for nome, valor in dados.items()
    }
    try:
        return classe(**argumentos)
    except TypeError as erro:  # campo obrigatório ausente
        raise ValueError(f"{caminho or 'pedido'}: {erro}") from erro


def _converter(tipo: Any, valor: Any, caminho: str) -> Any:
    origem, argumentos = get_origin(tipo), get_args(tipo)
    if origem in (Union, types.UnionType):
        if valor is None and type(None) in argumentos:
            return None
        (unico,) = [a for a in argumentos if a is not type(None)]
        return _converter(unico, valor, caminho)
    if origem is Literal:
        if valor not in argumentos:
            raise ValueError(f"{caminho}: {valor!r} não é um de {list(argumentos)}")
        return valor
    if tipo is Decimal:
        return _decimal(valor, caminho)
    if tipo in (bool, str) or (tipo is int and not isinstance(valor, bool)):
        if not isinstance(valor, tipo):
            raise ValueError(f"{caminho}: esperado {tipo.__name__}")
        return valor
    if origem is tuple and isinstance(valor, list | tuple):
        return tuple(_converter(argumentos[0], v, f"{caminho}[{i}]") for i, v in enumerate(valor))
    if origem is dict and isinstance(valor, Mapping):
        return {str(k): _converter(argumentos[1], v, f"{caminho}.{k}") for k, v in valor.items()}
    if is_dataclass(tipo):
        return _construir(tipo, valor, caminho)
    raise ValueError(f"{caminho}: valor {valor!r} inválido")


def _decimal(valor: Any, caminho: str) -> Decimal:
    if isinstance(valor, bool) or not isinstance(valor, str | int | Decimal):
        raise ValueError(f"{caminho}: use string ou inteiro para números (não float)")
    try:
        numero = Decimal(valor)
    except InvalidOperation as erro:
        raise ValueError(f"{caminho}: {valor!r} não é um número") from erro
    if not numero.is_finite():
        raise ValueError(f"{caminho}: número não finito")
    return numero
