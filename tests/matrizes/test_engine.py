"""Testes do motor fiscal puro (`matrizes/engine.py`): contas feitas à mão e propriedades.

Nada aqui usa Django nem banco. Alíquotas em percentual, como na NF-e. R(x) = arredondamento
meio-para-cima a 0,01.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matrizes import engine
from matrizes.engine import (
    Destinatario,
    Empresa,
    Faixa,
    Intervalo,
    ItemEntrada,
    ItemResultado,
    PedidoEntrada,
    PedidoResultado,
    Problema,
    RegraItem,
    calcular_pedido,
    faixa_para,
    from_dict,
    mva_ajustada,
    preco_por_dentro,
    ratear,
    to_dict,
    valor_liquido,
)

D = Decimal

SP = Empresa(uf="SP")
REVENDA_SP = Destinatario(uf="SP", contribuinte=True, consumidor_final=False)
CONSUMIDOR_SP = Destinatario(uf="SP", contribuinte=True, consumidor_final=True)
REVENDA_RJ = Destinatario(uf="RJ", contribuinte=True, consumidor_final=False)
REVENDA_MG = Destinatario(uf="MG", contribuinte=True, consumidor_final=False)
NAO_CONTRIBUINTE_BA = Destinatario(uf="BA", contribuinte=False, consumidor_final=True)

# Regra "completa" de uma venda interna em SP: IPI 10 %, ICMS 18 %, FCP 0, PIS/COFINS
# não cumulativos (1,65 % e 7,6 %).
REGRA_SP = RegraItem(ipi=D("10"), icms=D("18"), fcp=D("0"), pis=D("1.65"), cofins=D("7.6"))


def pedido(
    *itens: ItemEntrada,
    empresa: Empresa = SP,
    destinatario: Destinatario = REVENDA_SP,
    **extra: Any,
) -> PedidoEntrada:
    return PedidoEntrada(empresa=empresa, destinatario=destinatario, itens=itens, **extra)


def item(
    qtd: str = "1", preco: str = "100", regra: RegraItem = REGRA_SP, **extra: Any
) -> ItemEntrada:
    return ItemEntrada(quantidade=D(qtd), preco_unitario=D(preco), regra=regra, **extra)


def um_item(entrada: PedidoEntrada) -> tuple[PedidoResultado, ItemResultado]:
    resultado = calcular_pedido(entrada)
    return resultado, resultado.itens[0]


def codigos(problemas: tuple[Problema, ...]) -> list[str]:
    return [p.codigo for p in problemas]


# ---------------------------------------------------------------------------------------------
# Arredondamento e vProd
# ---------------------------------------------------------------------------------------------


def test_vprod_arredonda_meio_para_cima() -> None:
    # 3 × 33,333 = 99,999 → 100,00; 1 × 0,125 = 0,125 → 0,13 (meio para cima, não bancário)
    res = calcular_pedido(pedido(item("3", "33.333"), item("1", "0.125")))
    assert [i.v_prod for i in res.itens] == [D("100.00"), D("0.13")]
    assert res.v_prod == D("100.13")


# ---------------------------------------------------------------------------------------------
# Rateio
# ---------------------------------------------------------------------------------------------


def test_ratear_proporcional_ultimo_fecha() -> None:
    # 10 sobre 100/200/300: 10·100/600 = 1,666… → 1,67; corte em 300/600 = 5,00 → 3,33;
    # o último leva 10 − 5,00 = 5,00
    assert ratear(D("10"), [D("100"), D("200"), D("300")]) == [D("1.67"), D("3.33"), D("5.00")]


def test_ratear_pesos_zero_divide_igual() -> None:
    # 10/3: cortes R(3,333…) = 3,33 e R(6,666…) = 6,67 → 3,33; 3,34; último 10 − 6,67 = 3,33
    assert ratear(D("10"), [D("0"), D("0"), D("0")]) == [D("3.33"), D("3.34"), D("3.33")]


def test_ratear_nunca_deixa_parte_negativa() -> None:
    # A versão ingênua daria dez partes de R(0,00454…)→0,00… e, com pesos iguais de 11 itens,
    # poderia deixar o último negativo; com cortes acumulados toda parte fica ≥ 0.
    partes = ratear(D("0.05"), [D("1")] * 11)
    assert sum(partes) == D("0.05")
    assert all(p >= 0 for p in partes)


def test_ratear_sem_itens() -> None:
    assert ratear(D("0"), []) == []
    with pytest.raises(ValueError):
        ratear(D("1"), [])
    with pytest.raises(ValueError):
        ratear(D("1"), [D("-1"), D("2")])


def test_desconto_e_frete_do_cabecalho_rateados_antes_dos_impostos() -> None:
    # vProd 100 e 200; desconto 10 → 3,33 (R(10·100/300)) e 6,67; frete 5 → 1,67 e 3,33.
    # Item 1: base = 100 − 3,33 + 1,67 = 98,34; IPI 10 % = 9,834 → 9,83;
    # ICMS (revenda: sem IPI) 18 % de 98,34 = 17,7012 → 17,70.
    res = calcular_pedido(
        pedido(
            item("1", "100"),
            item("2", "100"),
            desconto_cabecalho=D("10"),
            frete_cabecalho=D("5"),
        )
    )
    i1, i2 = res.itens
    assert (i1.v_desc, i2.v_desc) == (D("3.33"), D("6.67"))
    assert (i1.v_frete, i2.v_frete) == (D("1.67"), D("3.33"))
    assert (i1.bc_ipi, i1.v_ipi, i1.bc_icms, i1.v_icms) == (
        D("98.34"),
        D("9.83"),
        D("98.34"),
        D("17.70"),
    )
    # Item 2: 200 − 6,67 + 3,33 = 196,66; IPI 19,666 → 19,67; ICMS 35,3988 → 35,40
    assert (i2.v_ipi, i2.v_icms) == (D("19.67"), D("35.40"))
    assert (res.v_desc, res.v_frete) == (D("10.00"), D("5.00"))
    assert res.v_icms == D("53.10")


def test_frete_por_peso() -> None:
    # pesos de linha: 2 kg × 1 = 2 e 1 kg × 8 = 8 → frete 10 vira 2,00 e 8,00 (o valor não conta)
    res = calcular_pedido(
        pedido(
            item("1", "900", peso=D("2")),
            item("8", "1", peso=D("1")),
            frete_cabecalho=D("10"),
            chave_rateio_frete="peso",
        )
    )
    assert [i.v_frete for i in res.itens] == [D("2.00"), D("8.00")]


def test_frete_por_peso_sem_peso_cai_para_valor_e_sem_valor_divide_igual() -> None:
    # sem peso: rateio pelo valor 300/100 → 7,50 e 2,50
    res = calcular_pedido(
        pedido(
            item("1", "300"), item("1", "100"), frete_cabecalho=D("10"), chave_rateio_frete="peso"
        )
    )
    assert [i.v_frete for i in res.itens] == [D("7.50"), D("2.50")]
    # sem peso e sem valor (brindes a 0,00): 10/2 = 5,00 cada
    res = calcular_pedido(
        pedido(item("1", "0"), item("1", "0"), frete_cabecalho=D("10"), chave_rateio_frete="peso")
    )
    assert [i.v_frete for i in res.itens] == [D("5.00"), D("5.00")]


def test_cabecalho_sem_itens_e_problema() -> None:
    res = calcular_pedido(pedido(frete_cabecalho=D("10")))
    assert codigos(res.problemas) == ["pedido_vazio"]
    assert res.v_nf == 0


# ---------------------------------------------------------------------------------------------
# IPI e ICMS
# ---------------------------------------------------------------------------------------------

# 10 × 10,00 = 100,00; desconto 5, frete 10, seguro 2, outras 3 → base 110,00 para todos.
ITEM_COMPLETO: dict[str, Any] = {
    "desconto_item": D("5"),
    "frete_item": D("10"),
    "seguro": D("2"),
    "outras": D("3"),
}


def test_bases_com_frete_seguro_outras_sem_desconto_e_ipi_fora_entre_contribuintes() -> None:
    # IPI: 110,00 × 10 % = 11,00. ICMS revenda entre contribuintes: IPI fora → 110,00 × 18 %
    # = 19,80. PIS 110 × 1,65 % = 1,815 → 1,82; COFINS 110 × 7,6 % = 8,36.
    # vNF = 100 − 5 + 10 + 2 + 3 + 11 = 121,00
    res, i = um_item(pedido(item("10", "10", **ITEM_COMPLETO)))
    assert (i.bc_ipi, i.v_ipi) == (D("110.00"), D("11.00"))
    assert (i.bc_icms, i.v_icms) == (D("110.00"), D("19.80"))
    assert (i.bc_pis, i.v_pis, i.bc_cofins, i.v_cofins) == (
        D("110.00"),
        D("1.82"),
        D("110.00"),
        D("8.36"),
    )
    assert i.total == D("121.00")
    assert res.v_nf == D("121.00")
    assert res.problemas == ()


def test_ipi_entra_na_base_do_icms_para_consumidor_final() -> None:
    # base ICMS = 110,00 + IPI 11,00 = 121,00; × 18 % = 21,78
    _, i = um_item(pedido(item("10", "10", **ITEM_COMPLETO), destinatario=CONSUMIDOR_SP))
    assert (i.bc_icms, i.v_icms) == (D("121.00"), D("21.78"))


def test_ipi_entra_na_base_do_icms_para_nao_contribuinte() -> None:
    nao_contribuinte = Destinatario(uf="SP", contribuinte=False, consumidor_final=False)
    _, i = um_item(pedido(item("10", "10", **ITEM_COMPLETO), destinatario=nao_contribuinte))
    assert i.bc_icms == D("121.00")


def test_reducao_da_base_do_icms_depois_do_frete_e_desconto() -> None:
    # 121,00 × (100 − 33,33) % = 80,6707 → 80,67; × 18 % = 14,5206 → 14,52
    regra = replace(REGRA_SP, red_bc_icms=D("33.33"))
    _, i = um_item(
        pedido(item("10", "10", regra=regra, **ITEM_COMPLETO), destinatario=CONSUMIDOR_SP)
    )
    assert (i.bc_icms, i.v_icms) == (D("80.67"), D("14.52"))


@pytest.mark.parametrize(
    ("origem", "aliquota", "icms"),
    [
        (0, D("12"), D("13.20")),  # nacional: a tabela (12 %) → 110 × 12 % = 13,20
        (1, D("4"), D("4.40")),  # importada direto: 4 % → 110 × 4 % = 4,40
        (2, D("4"), D("4.40")),
        (3, D("4"), D("4.40")),  # conteúdo importado > 40 %
        (8, D("4"), D("4.40")),  # conteúdo importado > 70 %
        (6, D("12"), D("13.20")),  # sem similar nacional (CAMEX): fora da Res. 13/2012
    ],
)
def test_aliquota_de_importados_na_interestadual(
    origem: int, aliquota: Decimal, icms: Decimal
) -> None:
    regra = replace(REGRA_SP, icms=D("12"))
    _, i = um_item(
        pedido(
            item("10", "10", regra=regra, origem=origem, **ITEM_COMPLETO),
            destinatario=REVENDA_RJ,
        )
    )
    assert (i.aliq_icms, i.v_icms) == (aliquota, icms)


def test_importado_em_venda_interna_usa_a_tabela() -> None:
    _, i = um_item(pedido(item("10", "10", origem=1, **ITEM_COMPLETO)))
    assert (i.aliq_icms, i.v_icms) == (D("18"), D("19.80"))


# ---------------------------------------------------------------------------------------------
# PIS/COFINS
# ---------------------------------------------------------------------------------------------


def test_pis_cofins_sem_icms_na_base_tema_69() -> None:
    # base 110,00 − ICMS 19,80 = 90,20; PIS 1,65 % = 1,4883 → 1,49; COFINS 7,6 % = 6,8552 → 6,86
    empresa = Empresa(uf="SP", excluir_icms_base_pis_cofins=True)
    _, i = um_item(pedido(item("10", "10", **ITEM_COMPLETO), empresa=empresa))
    assert (i.bc_pis, i.v_pis, i.bc_cofins, i.v_cofins) == (
        D("90.20"),
        D("1.49"),
        D("90.20"),
        D("6.86"),
    )


# ---------------------------------------------------------------------------------------------
# ICMS-ST
# ---------------------------------------------------------------------------------------------


def regra(**mudancas: Any) -> RegraItem:
    return replace(REGRA_SP, **mudancas)


def test_st_interna() -> None:
    # 1 × 100; IPI 10,00; ICMS próprio 18 % de 100 = 18,00.
    # base ST = R(100 + 10) = 110,00 × 1,40 = 154,00; ST = R(154 × 18 %) − 18 = 27,72 − 18 = 9,72
    # vNF = 100 + 10 + 9,72 = 119,72
    res, i = um_item(pedido(item(regra=regra(sujeito_st=True, mva=D("40")))))
    assert (i.bc_st, i.v_st, i.mva_st) == (D("154.00"), D("9.72"), D("40"))
    assert res.v_nf == D("119.72")


def test_st_com_reducao_de_base() -> None:
    # 110,00 × 90 % = 99,00; × 1,40 = 138,60; × 18 % = 24,948 → 24,95; − 18,00 = 6,95
    _, i = um_item(pedido(item(regra=regra(sujeito_st=True, mva=D("40"), red_bc_st=D("10")))))
    assert (i.bc_st, i.v_st) == (D("138.60"), D("6.95"))


def test_st_interestadual_com_mva_ajustada() -> None:
    # SP → MG, inter 12 %, interna MG 18 %, MVA 40 %:
    # MVA aj = 1,40 × 0,88 / 0,82 − 1 = 1,232 / 0,82 − 1 = 0,502439… → 50,24 %
    # ICMS próprio 100 × 12 % = 12,00; base ST = R(110 × 1,5024) = R(165,264) = 165,26;
    # ST = R(165,26 × 18 %) − 12 = R(29,7468) − 12 = 29,75 − 12 = 17,75
    r = regra(icms=D("12"), sujeito_st=True, mva=D("40"), ajustar_mva=True)
    r = replace(r, icms_interno_destino=D("18"))
    _, i = um_item(pedido(item(regra=r), destinatario=REVENDA_MG))
    assert (i.mva_st, i.bc_st, i.v_st) == (D("50.24"), D("165.26"), D("17.75"))


def test_st_interestadual_simples_nacional_usa_mva_original() -> None:
    # MVA 40 %: base 154,00; 27,72 − 12,00 = 15,72
    r = regra(
        icms=D("12"), sujeito_st=True, mva=D("40"), ajustar_mva=True, icms_interno_destino=D("18")
    )
    empresa = Empresa(uf="SP", regime="simples_nacional")
    _, i = um_item(pedido(item(regra=r), destinatario=REVENDA_MG, empresa=empresa))
    assert (i.mva_st, i.bc_st, i.v_st) == (D("40"), D("154.00"), D("15.72"))


def test_st_nunca_negativa() -> None:
    # interna do destino 7 %: R(110 × 7 %) = 7,70 < ICMS próprio 18,00 → ST 0, não −10,30
    _, i = um_item(
        pedido(item(regra=regra(sujeito_st=True, mva=D("0"), icms_interno_destino=D("7"))))
    )
    assert i.v_st == 0


def test_st_sem_mva_e_problema_da_matriz_st() -> None:
    _, i = um_item(pedido(item(regra=regra(sujeito_st=True))))
    assert [(p.codigo, p.matriz) for p in i.problemas] == [("matriz", "ICMS-ST")]
    assert i.v_st == 0


def test_mva_ajustada_e_precisao_configuravel() -> None:
    # Exemplo publicado: MVA 71,78 %, inter 12 %, intra 17 %:
    # 1,7178 × 0,88 = 1,511664; / 0,83 = 1,82128192…; − 1 → 82,13 % (2 casas) / 82,1282 % (4)
    assert mva_ajustada(D("71.78"), D("12"), D("17")) == D("82.13")
    assert mva_ajustada(D("71.78"), D("12"), D("17"), casas=4) == D("82.1282")


# ---------------------------------------------------------------------------------------------
# FCP e DIFAL
# ---------------------------------------------------------------------------------------------

REGRA_DIFAL = RegraItem(
    ipi=D("0"), icms=D("12"), icms_interno_destino=D("18"), fcp=D("2"), pis=D("0"), cofins=D("0")
)


def test_fcp_da_operacao_interna() -> None:
    # 100 × 2 % = 2,00 (sobre a base do ICMS)
    _, i = um_item(pedido(item(regra=regra(fcp=D("2")))))
    assert i.v_fcp == D("2.00")


def test_difal_base_unica() -> None:
    # SP → BA, não contribuinte, 1 × 1000: ICMS inter 12 % = 120,00;
    # base única = 1000,00; DIFAL = R(1000 × 18 %) − 120 = 180 − 120 = 60,00;
    # FCP = 1000 × 2 % = 20,00. DIFAL e FCP não entram no vNF (1000,00).
    res, i = um_item(
        pedido(
            item("1", "1000", regra=REGRA_DIFAL),
            destinatario=NAO_CONTRIBUINTE_BA,
            metodos_difal={"BA": "base_unica"},
        )
    )
    assert (i.bc_difal, i.v_difal, i.v_fcp) == (D("1000.00"), D("60.00"), D("20.00"))
    assert (res.v_difal, res.v_fcp, res.v_nf) == (D("60.00"), D("20.00"), D("1000.00"))


def test_difal_base_dupla() -> None:
    # base = R((1000 − 120) / (1 − 0,18 − 0,02)) = 880 / 0,80 = 1100,00;
    # DIFAL = R(1100 × 18 %) − 120 = 198 − 120 = 78,00; FCP = 1100 × 2 % = 22,00
    _, i = um_item(
        pedido(
            item("1", "1000", regra=REGRA_DIFAL),
            destinatario=NAO_CONTRIBUINTE_BA,
            metodos_difal={"BA": "base_dupla"},
        )
    )
    assert (i.bc_difal, i.v_difal, i.v_fcp) == (D("1100.00"), D("78.00"), D("22.00"))


def test_difal_metodo_da_regra_tem_precedencia_e_falta_de_metodo_e_problema() -> None:
    r = replace(REGRA_DIFAL, difal_metodo="base_dupla")
    _, i = um_item(
        pedido(
            item("1", "1000", regra=r),
            destinatario=NAO_CONTRIBUINTE_BA,
            metodos_difal={"BA": "base_unica"},
        )
    )
    assert i.v_difal == D("78.00")
    _, i = um_item(pedido(item("1", "1000", regra=REGRA_DIFAL), destinatario=NAO_CONTRIBUINTE_BA))
    assert codigos(i.problemas) == ["difal_metodo"]
    assert "BA" in i.problemas[0].mensagem
    assert i.v_difal == 0


def test_sem_difal_entre_contribuintes() -> None:
    _, i = um_item(pedido(item("1", "1000", regra=REGRA_DIFAL), destinatario=REVENDA_RJ))
    assert (i.v_difal, i.v_fcp, i.problemas) == (0, 0, ())


# ---------------------------------------------------------------------------------------------
# Unidade, múltiplo, desconto inválido
# ---------------------------------------------------------------------------------------------


def test_conversao_de_unidade() -> None:
    # 2 caixas × 120,00; caixa com 12 → 24 unidades tributáveis a 10,00
    _, i = um_item(pedido(item("2", "120", fator_conversao=D("12"))))
    assert (i.q_trib, i.v_un_trib) == (D("24"), D("10"))
    assert i.v_prod == D("240.00")


def test_fator_de_conversao_ausente_e_problema() -> None:
    _, i = um_item(pedido(item(fator_conversao=None)))
    assert codigos(i.problemas) == ["fator_conversao"]
    assert i.q_trib is None


@pytest.mark.parametrize(
    ("qtd", "multiplo", "sugerida"),
    [("7", "6", "12"), ("13", "6", "18"), ("1.2", "0.5", "1.5")],
)
def test_quantidade_fora_do_multiplo_sugere_a_proxima(
    qtd: str, multiplo: str, sugerida: str
) -> None:
    _, i = um_item(pedido(item(qtd, "1", multiplo=D(multiplo))))
    (p,) = i.problemas
    assert p.codigo == "multiplo"
    assert D(p.chaves["sugerida"]) == D(sugerida)
    assert sugerida in p.mensagem


def test_quantidade_no_multiplo_nao_e_problema() -> None:
    _, i = um_item(pedido(item("12", "1", multiplo=D("6"))))
    assert i.problemas == ()


def test_desconto_maior_que_o_produto_e_problema_sem_imposto() -> None:
    _, i = um_item(pedido(item("1", "10", desconto_item=D("11"))))
    assert codigos(i.problemas) == ["desconto"]
    assert (i.v_icms, i.v_ipi) == (0, 0)


def test_quantidade_zero_e_problema() -> None:
    _, i = um_item(pedido(item("0", "10")))
    assert "quantidade" in codigos(i.problemas)


# ---------------------------------------------------------------------------------------------
# Regra faltando
# ---------------------------------------------------------------------------------------------


def test_aliquota_ausente_vira_problema_nomeando_matriz_e_chaves() -> None:
    chaves = {"ICMS": {"uf_origem": "SP", "uf_destino": "RJ", "ncm": "84713012"}}
    r = replace(REGRA_SP, icms=None, chaves=chaves)
    res, i = um_item(pedido(item(regra=r), destinatario=REVENDA_RJ))
    (p,) = i.problemas
    assert (p.codigo, p.matriz, p.item) == ("matriz", "ICMS", 1)
    assert p.chaves == chaves["ICMS"]
    assert "matriz ICMS" in p.mensagem
    assert "uf_destino=RJ" in p.mensagem and "ncm=84713012" in p.mensagem
    assert i.v_icms == 0 and i.aliq_icms is None
    # o IPI e o PIS/COFINS continuam calculados; o pedido lista o problema do item
    assert (i.v_ipi, i.v_pis) == (D("10.00"), D("1.65"))
    assert p in res.problemas


def test_ipi_ausente_bloqueia_icms_de_consumidor_final() -> None:
    # para consumidor final o IPI compõe a base do ICMS: sem IPI, ICMS não pode sair certo
    _, i = um_item(pedido(item(regra=regra(ipi=None)), destinatario=CONSUMIDOR_SP))
    assert codigos(i.problemas) == ["matriz", "dependencia"]
    assert i.problemas[0].matriz == "IPI"
    assert i.v_icms == 0


# ---------------------------------------------------------------------------------------------
# Faixas, margens, por dentro
# ---------------------------------------------------------------------------------------------

FAIXAS = [
    Faixa(ate=None, rotulo="gerente"),
    Faixa(ate=D("5"), rotulo="vendedor"),
    Faixa(ate=D("10"), rotulo="supervisor"),
]


@pytest.mark.parametrize(
    ("percentual", "rotulo"),
    [
        ("0", "vendedor"),
        ("5", "vendedor"),  # teto inclusivo
        ("5.0001", "supervisor"),
        ("10", "supervisor"),
        ("10.004", "gerente"),  # arredondado daria 10,00; a comparação usa o valor exato
    ],
)
def test_faixa_para(percentual: str, rotulo: str) -> None:
    faixa = faixa_para(D(percentual), FAIXAS)
    assert faixa is not None and faixa.rotulo == rotulo


def test_faixa_para_acima_de_todas() -> None:
    assert faixa_para(D("11"), FAIXAS[1:]) is None


def test_margens() -> None:
    # 10 × 10 = 100; IPI 0; ICMS 18,00; FCP 0; PIS 1,65; COFINS 7,60 → impostos 27,25
    # ROL = 100 − 27,25 = 72,75; custo 10 × 5 = 50 → MB = 22,75
    # comissão 3 % de 100 = 3,00; frete 2,00; financeiro 1,00 → MC = 22,75 − 6 = 16,75
    # %MB = 22,75 / 72,75 = 31,2714…%; %MC = 16,75 / 72,75 = 23,0240…%
    r = regra(ipi=D("0"))
    entrada = pedido(
        item(
            "10",
            "10",
            regra=r,
            custo_unitario=D("5"),
            percentual_comissao=D("3"),
            custo_frete=D("2"),
            custo_financeiro=D("1"),
        ),
        faixa_margem_bruta=Intervalo(minimo=D("30"), maximo=D("31.27")),
        faixa_margem_contribuicao=Intervalo(minimo=D("20")),
    )
    res, i = um_item(entrada)
    m = res.margens
    assert m is not None and m == i.margens
    assert (m.impostos, m.rol, m.custo, m.mb, m.comissao, m.mc) == (
        D("27.25"),
        D("72.75"),
        D("50.00"),
        D("22.75"),
        D("3.00"),
        D("16.75"),
    )
    assert m.percentual_mb is not None and m.percentual_mb.quantize(D("0.0001")) == D("31.2715")
    # 31,2714… passa do máximo 31,27 (sem arredondar antes de comparar): problema
    assert codigos(res.problemas) == ["margem_bruta"]


def test_margem_sem_custo_com_faixa_e_problema() -> None:
    res = calcular_pedido(pedido(item(), faixa_margem_bruta=Intervalo(minimo=D("10"))))
    assert res.margens is None
    assert codigos(res.problemas) == ["custo"]


def test_preco_por_dentro() -> None:
    # 100 / (1 − 18 %) = 121,951… → 121,95: ICMS R(21,951) = 21,95 → líquido 100,00
    assert preco_por_dentro(D("100"), [D("18")]) == D("121.95")
    # 18 + 1,65 + 7,6 = 27,25 %: 100 / 0,7275 = 137,457 → 137,46;
    # impostos 24,74 + 2,27 + 10,45 = 37,46 → 100,00; a 137,45 sobrariam 99,99
    assert preco_por_dentro(D("100"), [D("18"), D("1.65"), D("7.6")]) == D("137.46")
    assert valor_liquido(D("137.45"), [D("18"), D("1.65"), D("7.6")]) == D("99.99")
    with pytest.raises(ValueError):
        preco_por_dentro(D("100"), [D("60"), D("40")])


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------


def test_json_ida_e_volta() -> None:
    entrada = pedido(
        item("2", "120", fator_conversao=D("12"), regra=regra(chaves={"ICMS": {"uf": "SP"}})),
        item("1", "1000", regra=REGRA_DIFAL),
        destinatario=NAO_CONTRIBUINTE_BA,
        metodos_difal={"BA": "base_dupla"},
        desconto_cabecalho=D("1.50"),
        faixa_margem_bruta=Intervalo(minimo=D("10")),
    )
    texto = json.dumps(to_dict(entrada))
    assert from_dict(json.loads(texto)) == entrada
    saida = to_dict(calcular_pedido(entrada))
    # desconto 1,50 por valor (240 e 1000): item 2 leva 1,50 − R(1,5·240/1240 = 0,29) = 1,21;
    # base 998,79; ICMS 12 % = 119,8548 → 119,85; base dupla R(878,94 / 0,80) = R(1098,675)
    # = 1098,68; DIFAL R(197,7624) − 119,85 = 197,76 − 119,85 = 77,91
    assert saida["itens"][1]["v_difal"] == "77.91"
    json.dumps(saida)  # tudo serializável


def test_from_dict_recusa_float_e_campo_desconhecido() -> None:
    base = {
        "empresa": {"uf": "SP"},
        "destinatario": {"uf": "SP", "contribuinte": True, "consumidor_final": False},
        "itens": [{"quantidade": "1", "preco_unitario": "10"}],
    }
    assert from_dict(base).itens[0].preco_unitario == D("10")
    with pytest.raises(ValueError, match=r"itens\[0\]\.preco_unitario"):
        from_dict({**base, "itens": [{"quantidade": "1", "preco_unitario": 10.1}]})
    with pytest.raises(ValueError, match="desconhecidos"):
        from_dict({**base, "descontto": "1"})
    with pytest.raises(ValueError, match="chave_rateio_frete"):
        from_dict({**base, "chave_rateio_frete": "volume"})


# ---------------------------------------------------------------------------------------------
# Propriedades
# ---------------------------------------------------------------------------------------------


def dinheiro(maximo: str = "100000") -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D("0"), max_value=D(maximo), places=2)


def percentual(maximo: str = "30") -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D("0"), max_value=D(maximo), places=2)


@given(
    valor=dinheiro(),
    pesos=st.lists(st.decimals(min_value=0, max_value=10**6, places=3), max_size=30),
)
def test_prop_rateio_soma_exata_e_partes_entre_piso_e_teto(
    valor: Decimal, pesos: list[Decimal]
) -> None:
    if not pesos:
        valor = D("0")
    partes = ratear(valor, pesos)
    assert len(partes) == len(pesos)
    assert sum(partes, D("0")) == valor
    total = sum(pesos, D("0"))
    for parte, peso in zip(partes, pesos, strict=True):
        exato = valor * peso / total if total else valor / len(pesos)
        assert parte >= 0
        assert abs(parte - exato) < D("0.01")


regras = st.builds(
    RegraItem,
    ipi=st.one_of(st.none(), percentual("20")),
    icms=st.one_of(st.none(), percentual("25")),
    red_bc_icms=st.one_of(st.none(), percentual("80")),
    sujeito_st=st.booleans(),
    mva=st.one_of(st.none(), percentual("120")),
    ajustar_mva=st.booleans(),
    red_bc_st=st.one_of(st.none(), percentual("50")),
    icms_interno_destino=st.one_of(st.none(), percentual("25")),
    fcp=st.one_of(st.none(), percentual("4")),
    difal_metodo=st.sampled_from([None, "base_unica", "base_dupla"]),
    pis=st.one_of(st.none(), percentual("3")),
    cofins=st.one_of(st.none(), percentual("10")),
)

itens_entrada = st.builds(
    ItemEntrada,
    quantidade=st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3),
    preco_unitario=st.decimals(min_value=D("0"), max_value=D("10000"), places=4),
    regra=regras,
    desconto_item=dinheiro("50"),
    frete_item=dinheiro("100"),
    seguro=dinheiro("20"),
    outras=dinheiro("20"),
    peso=st.decimals(min_value=D("0"), max_value=D("50"), places=3),
    origem=st.integers(min_value=0, max_value=8),
    custo_unitario=st.one_of(st.none(), dinheiro("10000")),
    percentual_comissao=percentual("10"),
)

pedidos = st.builds(
    PedidoEntrada,
    empresa=st.builds(
        Empresa,
        uf=st.sampled_from(["SP", "MG"]),
        regime=st.sampled_from(["simples_nacional", "lucro_presumido", "lucro_real"]),
        excluir_icms_base_pis_cofins=st.booleans(),
    ),
    destinatario=st.builds(
        Destinatario,
        uf=st.sampled_from(["SP", "RJ", "BA"]),
        contribuinte=st.booleans(),
        consumidor_final=st.booleans(),
    ),
    itens=st.lists(itens_entrada, min_size=1, max_size=6).map(tuple),
    desconto_cabecalho=dinheiro("500"),
    frete_cabecalho=dinheiro("500"),
    chave_rateio_frete=st.sampled_from(["valor", "peso"]),
    metodos_difal=st.dictionaries(
        st.sampled_from(["RJ", "BA"]), st.sampled_from(["base_unica", "base_dupla"])
    ),
)

CAMPOS_SOMADOS = [
    "v_prod",
    "v_desc",
    "v_frete",
    "v_seg",
    "v_outro",
    "bc_icms",
    "v_ipi",
    "v_icms",
    "bc_st",
    "v_st",
    "v_fcp",
    "v_difal",
    "v_pis",
    "v_cofins",
]
CAMPOS_NAO_NEGATIVOS = [
    "bc_ipi",
    "v_ipi",
    "bc_icms",
    "v_icms",
    "bc_st",
    "v_st",
    "bc_difal",
    "v_fcp",
    "v_difal",
    "bc_pis",
    "v_pis",
    "bc_cofins",
    "v_cofins",
]


@settings(max_examples=300, deadline=None)
@given(entrada=pedidos)
def test_prop_pedido(entrada: PedidoEntrada) -> None:
    res = calcular_pedido(entrada)
    # totais = soma dos itens
    for campo in CAMPOS_SOMADOS:
        assert getattr(res, campo) == sum((getattr(i, campo) for i in res.itens), D("0")), campo
    assert res.v_nf == sum((i.total for i in res.itens), D("0"))
    # o cabeçalho rateado fecha exatamente (o que passa do desconto/frete do próprio item)
    desconto_itens = sum((x.desconto_item for x in entrada.itens), D("0"))
    frete_itens = sum((x.frete_item for x in entrada.itens), D("0"))
    assert res.v_desc - desconto_itens == entrada.desconto_cabecalho
    assert res.v_frete - frete_itens == entrada.frete_cabecalho
    # nenhum imposto ou base negativo; valores a 2 casas
    for i in res.itens:
        for campo in CAMPOS_NAO_NEGATIVOS:
            valor = getattr(i, campo)
            assert valor >= 0, campo
            assert valor == valor.quantize(D("0.01")), campo
    # todo problema de item aparece no pedido
    for i in res.itens:
        for p in i.problemas:
            assert p in res.problemas and p.item == i.numero


@settings(max_examples=100, deadline=None)
@given(entrada=pedidos)
def test_prop_json_ida_e_volta(entrada: PedidoEntrada) -> None:
    assert from_dict(json.loads(json.dumps(to_dict(entrada)))) == entrada


# at most 3 × 25 %: the taxes must add up to less than 100 % (4 × 25 % is refused by design)
@given(alvo=dinheiro(), aliquotas=st.lists(percentual("25"), max_size=3))
def test_prop_preco_por_dentro_e_o_menor_que_atinge(
    alvo: Decimal, aliquotas: list[Decimal]
) -> None:
    preco = preco_por_dentro(alvo, aliquotas)
    assert valor_liquido(preco, aliquotas) >= alvo
    assert preco == 0 or valor_liquido(preco - D("0.01"), aliquotas) < alvo


@given(
    mva=percentual("150"),
    inter=st.sampled_from([D("4"), D("7"), D("12")]),
    intra=st.decimals(min_value=D("12"), max_value=D("30"), places=2),
)
def test_prop_mva_ajustada_nao_diminui_quando_intra_maior(
    mva: Decimal, inter: Decimal, intra: Decimal
) -> None:
    # com interna ≥ interestadual a ajustada nunca é menor que a original
    assert mva_ajustada(mva, inter, intra, casas=4) >= mva


# ---------------------------------------------------------------------------------------------
# Pureza e documentação
# ---------------------------------------------------------------------------------------------


def test_motor_nao_importa_django_nem_banco() -> None:
    # O motor só pode depender da biblioteca padrão e do helper de dinheiro.
    arvore = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    modulos: set[str] = set()
    for no in ast.walk(arvore):
        if isinstance(no, ast.Import):
            modulos.update(a.name for a in no.names)
        elif isinstance(no, ast.ImportFrom) and no.module:
            modulos.add(no.module)
    permitidos = {"__future__", "types", "collections.abc", "dataclasses", "decimal", "typing"}
    assert modulos - permitidos == {"crm.money"}


def test_exemplo_da_documentacao_confere() -> None:
    texto = (Path(__file__).parents[2] / "docs" / "engine.md").read_text(encoding="utf-8")
    entrada, saida = re.findall(r"```json\n(.*?)\n```", texto, flags=re.S)[:2]
    assert to_dict(calcular_pedido(from_dict(json.loads(entrada)))) == json.loads(saida)
