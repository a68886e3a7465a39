"""Resolução das matrizes no banco: especificidade, empate, ausência, vigência, faixas, e o
número fixo de consultas de `montar_pedido`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matrizes.fetch import (
    Contexto,
    ItemPedido,
    Pergunta,
    calcular,
    carregar_regras,
    montar_pedido,
    resolver,
)
from tests.matrizes.conftest import Catalogo, criar_regra, regras_fiscais_sp

D = Decimal
HOJE = dt.date(2025, 3, 10)

pytestmark = pytest.mark.django_db


def contexto(catalogo: Catalogo, **extra: Any) -> Contexto:
    dados: dict[str, Any] = {
        "data": HOJE,
        "empresa": catalogo.empresa,
        "uf_destino": "SP",
        "contribuinte": True,
        "consumidor_final": False,
        "tipo_cliente": catalogo.revenda,
    }
    dados.update(extra)
    return Contexto(**dados)


def pergunta_icms(catalogo: Catalogo, produto: Any, **chaves: Any) -> Pergunta:
    base = {
        "empresa": catalogo.empresa.pk,
        "uf_origem": "SP",
        "uf_destino": "RJ",
        "ncm": produto.ncm,
        "produto": produto.pk,
        "linha": produto.linha_id,
        "tipo_cliente": catalogo.revenda.pk,
        "contribuinte": True,
        "consumidor_final": False,
    }
    base.update(chaves)
    return Pergunta(matriz="ICMS", data=HOJE, chaves=base)


def test_a_regra_mais_especifica_vence(catalogo: Catalogo) -> None:
    # given a generic SP→RJ rule (12 %) and a more specific one for one NCM (7 %)
    geral = criar_regra("ICMS", uf_origem="SP", uf_destino="RJ", aliquota=D("12"), fcp=D("0"))
    por_ncm = criar_regra(
        "ICMS", uf_origem="SP", uf_destino="RJ", ncm="73181500", aliquota=D("7"), fcp=D("0")
    )
    # when asking for the screw (that NCM) and the lamp (another NCM)
    parafuso, lampada = resolver(
        [pergunta_icms(catalogo, catalogo.parafuso), pergunta_icms(catalogo, catalogo.lampada)]
    )
    # then the screw gets the NCM rule (3 dimensions beat 2), the lamp the generic one
    assert parafuso.regra == por_ncm
    assert parafuso.especificidade == 3
    assert [r.pk for r in parafuso.candidatas] == [por_ncm.pk, geral.pk]
    assert lampada.regra == geral
    assert lampada.especificidade == 2
    assert parafuso.problema() is None


def test_dimensao_preenchida_que_nao_casa_exclui_a_regra(catalogo: Catalogo) -> None:
    # given a rule only for non-contributors and one only for RS
    criar_regra("ICMS", uf_destino="RJ", contribuinte=False, aliquota=D("20"), fcp=D("2"))
    criar_regra("ICMS", uf_destino="RS", aliquota=D("12"), fcp=D("0"))
    # when a contributor in RJ asks
    (resposta,) = resolver([pergunta_icms(catalogo, catalogo.parafuso)])
    # then nothing answers, and the problem names the matrix and every key asked
    assert resposta.regra is None
    problema = resposta.problema(item=1)
    assert problema is not None
    assert problema.codigo == "matriz"
    assert problema.matriz == "ICMS"
    assert problema.chaves["uf_destino"] == "RJ"
    assert problema.chaves["ncm"] == "73181500"
    assert problema.chaves["contribuinte"] == "True"
    assert "Matriz ICMS não tem regra vigente em 10/03/2025" in problema.mensagem


def test_empate_e_erro_de_configuracao_com_as_regras_nomeadas(catalogo: Catalogo) -> None:
    # given two rules with the same specificity (2) keyed on different dimensions
    a = criar_regra("ICMS", uf_destino="RJ", ncm="73181500", aliquota=D("7"), fcp=D("0"))
    b = criar_regra(
        "ICMS", uf_destino="RJ", tipo_cliente=catalogo.revenda, aliquota=D("12"), fcp=D("0")
    )
    criar_regra("ICMS", uf_destino="RJ", aliquota=D("12"), fcp=D("0"))  # less specific
    # when the question matches both
    (resposta,) = resolver([pergunta_icms(catalogo, catalogo.parafuso)])
    # then no rule is picked and the tie is reported with both rule ids
    assert resposta.regra is None
    assert {r.pk for r in resposta.empatadas} == {a.pk, b.pk}
    problema = resposta.problema()
    assert problema is not None
    assert problema.codigo == "matriz_empate"
    assert f"#{a.pk}" in problema.mensagem
    assert f"#{b.pk}" in problema.mensagem
    assert "erro de configuração" in problema.mensagem


def test_empate_no_pedido_troca_o_problema_do_motor(catalogo: Catalogo) -> None:
    # given the SP basics plus two tying ICMS rules for RJ
    regras_fiscais_sp()
    criar_regra("ICMS", uf_destino="RJ", ncm="73181500", aliquota=D("7"), fcp=D("0"))
    criar_regra(
        "ICMS", uf_destino="RJ", tipo_cliente=catalogo.revenda, aliquota=D("12"), fcp=D("0")
    )
    # when an order to RJ is computed
    montagem = montar_pedido(
        contexto(catalogo, uf_destino="RJ"),
        [ItemPedido(produto=catalogo.parafuso, quantidade=D("10"), preco_unitario=D("20"))],
    )
    resultado = calcular(montagem)
    # then the item reports the tie (not "no rule") and no ICMS is computed
    codigos = [(p.codigo, p.matriz) for p in resultado.itens[0].problemas]
    assert ("matriz_empate", "ICMS") in codigos
    assert ("matriz", "ICMS") not in codigos
    assert resultado.itens[0].v_icms == D("0.00")
    assert resultado.problemas == tuple(resultado.itens[0].problemas)


def test_sem_regra_nao_e_zero_silencioso(catalogo: Catalogo) -> None:
    # given no IPI rule at all
    criar_regra("ICMS", uf_origem="SP", uf_destino="SP", aliquota=D("18"), fcp=D("0"))
    criar_regra("PIS_COFINS", aliquota_pis=D("1.65"), aliquota_cofins=D("7.6"))
    criar_regra("UNIDADE_PRODUTO")
    criar_regra("COMISSAO", percentual=D("3"))
    criar_regra("VALOR_MINIMO", valor=D("0"))
    # when computing a sale of the lamp
    resultado = calcular(
        montar_pedido(
            contexto(catalogo),
            [ItemPedido(produto=catalogo.lampada, quantidade=D("1"), preco_unitario=D("50"))],
        )
    )
    # then IPI is a matrix problem naming the NCM and the product, never a silent zero
    (ipi,) = [p for p in resultado.problemas if p.matriz == "IPI"]
    assert ipi.codigo == "matriz"
    assert ipi.chaves["ncm"] == "85395000"
    assert ipi.chaves["produto"] == "LAMP-LED"
    assert ipi.chaves["linha"] == "ELET"
    # ICMS for a contributor buying for resale does not depend on IPI, so it is computed
    assert resultado.itens[0].v_icms == D("9.00")


def test_vigencia_pela_data_da_pergunta(catalogo: Catalogo) -> None:
    # given an old rule that ended on 31/12/2024 and a new one from 01/01/2025
    antiga = criar_regra(
        "IPI", ncm="85395000", aliquota=D("15"), vigencia_fim=dt.date(2024, 12, 31)
    )
    nova = criar_regra("IPI", ncm="85395000", aliquota=D("10"), vigencia_inicio=dt.date(2025, 1, 1))
    chaves = {"ncm": "85395000", "produto": catalogo.lampada.pk}
    # when asking on both sides of the boundary (in one query)
    perguntas = [
        Pergunta("IPI", dt.date(2024, 12, 31), chaves),
        Pergunta("IPI", dt.date(2025, 1, 1), chaves),
        Pergunta("IPI", dt.date(2023, 12, 31), chaves),
    ]
    respostas = resolver(perguntas)
    # then each date gets the rule valid on it, and before any rule there is none
    assert [r.regra for r in respostas] == [antiga, nova, None]


@pytest.mark.parametrize(
    ("percentual", "papel"),
    [
        ("0", "Representante"),
        ("5", "Representante"),
        ("5.0001", "Supervisor"),
        ("10", "Supervisor"),
        ("10.001", "Administrador"),
        ("45", "Administrador"),
    ],
)
def test_faixas_de_alcada_ate_inclusivo(catalogo: Catalogo, percentual: str, papel: str) -> None:
    # given the bands (−∞, 5], (5, 10], (10, +∞)
    criar_regra("ALCADA", percentual_ate=D("5"), nivel_alcada=1, papel_aprovador="Representante")
    criar_regra(
        "ALCADA",
        percentual_de=D("5"),
        percentual_ate=D("10"),
        nivel_alcada=2,
        papel_aprovador="Supervisor",
    )
    criar_regra("ALCADA", percentual_de=D("10"), nivel_alcada=3, papel_aprovador="Administrador")
    # when asking with an unrounded discount percentage
    (resposta,) = resolver([Pergunta("ALCADA", HOJE, {}, percentual=D(percentual))])
    # then the band is chosen by its inclusive ceiling
    assert resposta.regra is not None
    assert resposta.regra.papel_aprovador == papel


def test_regra_especifica_de_st_pode_dispensar_a_st(catalogo: Catalogo) -> None:
    # given ST for the lamp's NCM, but not for final consumers
    regras_fiscais_sp()
    criar_regra("ICMS_ST", ncm="85395000", mva=D("40"))
    criar_regra("ICMS_ST", ncm="85395000", consumidor_final=True, aplica_st=False)
    item = [ItemPedido(produto=catalogo.lampada, quantidade=D("10"), preco_unitario=D("20"))]
    # when selling to a reseller and to a final consumer
    revenda = calcular(montar_pedido(contexto(catalogo), item))
    consumidor = calcular(montar_pedido(contexto(catalogo, consumidor_final=True), item))
    # then only the reseller's item has ST, and the screw (no ST rule) has none and no problem
    assert revenda.itens[0].v_st > 0
    assert consumidor.itens[0].v_st == D("0.00")
    parafuso = calcular(
        montar_pedido(
            contexto(catalogo),
            [ItemPedido(produto=catalogo.parafuso, quantidade=D("10"), preco_unitario=D("20"))],
        )
    )
    assert parafuso.itens[0].v_st == D("0.00")
    assert parafuso.problemas == ()


def test_pedido_calculado_pelas_matrizes_ao_centavo(catalogo: Catalogo) -> None:
    # given SP basics, IPI 10 % for the lamp, ST with MVA 40 % for it
    regras_fiscais_sp()
    criar_regra("IPI", ncm="85395000", aliquota=D("10"))
    criar_regra("ICMS_ST", ncm="85395000", mva=D("40"))
    # when computing the docs/engine.md example's second item: 10 × 20,00, no discount
    resultado = calcular(
        montar_pedido(
            contexto(catalogo),
            [ItemPedido(produto=catalogo.lampada, quantidade=D("10"), preco_unitario=D("20"))],
        )
    )
    item = resultado.itens[0]
    # then: IPI R(200 × 10 %) = 20,00; ICMS 18 % of 200 = 36,00 (no IPI between contributors);
    # ST base R((200 + 20) × 1,40) = 308,00; ST = R(308 × 18 %) − 36 = 55,44 − 36 = 19,44;
    # PIS 3,30; COFINS 15,20; vNF = 200 + 20 + 19,44 = 239,44
    assert (item.v_ipi, item.v_icms, item.bc_st, item.v_st) == (
        D("20.00"),
        D("36.00"),
        D("308.00"),
        D("19.44"),
    )
    assert (item.v_pis, item.v_cofins) == (D("3.30"), D("15.20"))
    assert resultado.v_nf == D("239.44")
    assert resultado.problemas == ()


def test_comissao_e_valor_minimo(catalogo: Catalogo) -> None:
    # given SP basics (minimum order 100,00; commission 3 %) and 1 % commission above 5 % off
    regras_fiscais_sp()
    criar_regra("COMISSAO", linha=catalogo.ferragens, percentual_ate=D("5"), percentual=D("4"))
    criar_regra("COMISSAO", linha=catalogo.ferragens, percentual_de=D("5"), percentual=D("1"))
    itens = [
        ItemPedido(
            produto=catalogo.parafuso,
            quantidade=D("4"),
            preco_unitario=D("20"),
            desconto_item=D("8"),
            custo_unitario=D("10"),
        )
    ]
    # when an order of 80,00 with 10 % off is computed
    montagem = montar_pedido(contexto(catalogo), itens)
    resultado = calcular(montagem)
    # then the commission band for 10 % is 1 %, and the order is below the minimum
    assert montagem.entrada.itens[0].percentual_comissao == D("1")
    (minimo,) = [p for p in resultado.problemas if p.codigo == "valor_minimo"]
    assert "72" in minimo.mensagem
    assert "R$ 100,00" in minimo.mensagem and "R$ 72,00" in minimo.mensagem


def test_unidade_de_venda_e_fator_do_cadastro(catalogo: Catalogo) -> None:
    from produtos.models import FatorConversao

    # given the screw sold in boxes of 12 (unit × product matrix) with a multiple of 2 boxes
    regras_fiscais_sp()
    criar_regra("UNIDADE_PRODUTO", produto=catalogo.parafuso, unidade_venda=catalogo.cx)
    FatorConversao.objects.create(
        produto=catalogo.parafuso,
        unidade_origem=catalogo.cx,
        unidade_destino=catalogo.un,
        fator=D("12"),
        multiplo_venda=D("2"),
    )
    # when 3 boxes are ordered
    resultado = calcular(
        montar_pedido(
            contexto(catalogo),
            [ItemPedido(produto=catalogo.parafuso, quantidade=D("3"), preco_unitario=D("60"))],
        )
    )
    # then the tax quantity is 36 units and 3 is not a multiple of 2 (4 suggested)
    item = resultado.itens[0]
    assert item.q_trib == D("36.0000")
    (multiplo,) = [p for p in item.problemas if p.codigo == "multiplo"]
    assert D(multiplo.chaves["sugerida"]) == 4


def test_sem_fator_para_a_unidade_da_matriz_e_problema(catalogo: Catalogo) -> None:
    regras_fiscais_sp()
    criar_regra("UNIDADE_PRODUTO", produto=catalogo.parafuso, unidade_venda=catalogo.cx)
    resultado = calcular(
        montar_pedido(
            contexto(catalogo),
            [ItemPedido(produto=catalogo.parafuso, quantidade=D("3"), preco_unitario=D("60"))],
        )
    )
    assert "fator_conversao" in [p.codigo for p in resultado.problemas]


def test_sem_regra_de_unidade_produto_e_problema_de_matriz(catalogo: Catalogo) -> None:
    criar_regra("IPI", aliquota=D("0"))
    criar_regra("ICMS", aliquota=D("18"), fcp=D("0"))
    criar_regra("PIS_COFINS", aliquota_pis=D("1.65"), aliquota_cofins=D("7.6"))
    criar_regra("COMISSAO", percentual=D("3"))
    criar_regra("VALOR_MINIMO", valor=D("0"))
    resultado = calcular(
        montar_pedido(
            contexto(catalogo),
            [ItemPedido(produto=catalogo.parafuso, quantidade=D("1"), preco_unitario=D("10"))],
        )
    )
    assert [(p.codigo, p.matriz) for p in resultado.problemas] == [("matriz", "UNIDADE_PRODUTO")]


def _itens(catalogo: Catalogo, n: int) -> list[ItemPedido]:
    from produtos.models import Produto, Unidade

    un = Unidade.objects.get(codigo="UN")
    produtos = [
        Produto(
            codigo=f"P{i:04d}",
            descricao=f"Produto {i}",
            unidade=un,
            ncm=f"{84710000 + i:08d}",
            linha=catalogo.ferragens if i % 2 else catalogo.eletricos,
        )
        for i in range(n)
    ]
    Produto.objects.bulk_create(produtos)
    carregados = Produto.objects.select_related("linha", "unidade").filter(codigo__startswith="P0")
    return [ItemPedido(produto=p, quantidade=D("2"), preco_unitario=D("10.00")) for p in carregados]


def test_montar_pedido_faz_o_mesmo_numero_de_consultas_para_5_e_100_itens(
    catalogo: Catalogo,
) -> None:
    # given rules keyed on many NCMs and products, and orders of 5 and 100 items
    regras_fiscais_sp()
    for i in range(0, 100, 3):
        criar_regra("IPI", ncm=f"{84710000 + i:08d}", aliquota=D("5"))
    itens = _itens(catalogo, 100)

    def consultas(n: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            calcular(montar_pedido(contexto(catalogo), itens[:n]))
        return len(ctx.captured_queries)

    # when both are assembled and computed
    cinco, cem = consultas(5), consultas(100)
    # then the query count does not grow with the items (rules: one query)
    assert cinco == cem == 1


def test_carregar_regras_e_uma_consulta_so(
    catalogo: Catalogo, django_assert_num_queries: Any
) -> None:
    criar_regra("ICMS", uf_destino="RJ", aliquota=D("12"), fcp=D("0"))
    perguntas = [pergunta_icms(catalogo, catalogo.parafuso)] * 50
    with django_assert_num_queries(1):
        regras = carregar_regras(perguntas, relacionados=True)
    assert len(regras) == 1


@pytest.mark.parametrize(
    ("indicador", "consumidor_final", "pf", "esperado"),
    [
        # a company with IE that resells: contributor, not a final consumer
        ("1", False, False, (True, False)),
        # a rural producer: CPF, but with IE — a contributor (never inferred from the CPF)
        ("1", False, True, (True, False)),
        # a company exempt from IE: not a contributor, the record's final-consumer flag
        ("2", False, False, (False, False)),
        # a company without IE recorded as "revenda": NF-e forces final consumer (rejeição 696)
        ("9", False, False, (False, True)),
    ],
)
def test_json_com_cliente_usa_o_indicador_da_ie_do_cadastro(
    catalogo: Catalogo, indicador: str, consumidor_final: bool, pf: bool, esperado: tuple
) -> None:
    from cadastro.models import Endereco
    from matrizes.fetch import montagem_de_json
    from tests.factories import ClienteFactory

    # given a client whose record says how it stands before the ICMS, whatever CPF or CNPJ
    regras_fiscais_sp()
    criar_regra("ICMS", uf_origem="SP", uf_destino="SP", contribuinte=True, aliquota=D("12"),
                fcp=D("0"))  # fmt: skip
    cliente = ClienteFactory(
        juridica=not pf,
        indicador_ie=indicador,
        inscricao_estadual="110042490114" if indicador == "1" else "",
        consumidor_final=consumidor_final,
    )
    Endereco.objects.create(cliente=cliente, tipo="comercial", logradouro="Rua A", uf="SP",
                            principal=True)  # fmt: skip
    # when an order in JSON names the client and leaves contribuinte/consumidor_final out
    montagem = montagem_de_json(
        {
            "empresa": catalogo.empresa.cnpj,
            "cliente": cliente.documento,
            "itens": [{"produto": "LAMP-LED", "quantidade": "1", "preco_unitario": "100"}],
        },
        hoje=HOJE,
    )
    # then both come from the record's IE indicator and final-consumer flag
    destinatario = montagem.entrada.destinatario
    assert (destinatario.contribuinte, destinatario.consumidor_final) == esperado
    # and the ICMS rule for contributors answers only for a contributor
    (item,) = calcular(montagem).itens
    assert item.aliq_icms == (D("12") if esperado[0] else D("18"))
