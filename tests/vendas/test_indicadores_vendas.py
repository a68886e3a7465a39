"""isoVendas indicators: each figure against hand-computed values, visibility per person,
targets (company and rep), the page (who may open it) and a query budget that does not grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cadastro.indicadores import Periodo
from tests.vendas.conftest import Cenario, criar_pedido
from vendas import indicadores as ind
from vendas.constants import IndicadorVenda, ResultadoEtapa, StatusPedido, TipoDocumento
from vendas.models import EtapaFunil, MetaVenda, MotivoPerda, Oportunidade, Pedido
from vendas.services import item_adicionar, item_cancelar, pedido_criar, pedido_enviar
from vendas.services.oportunidades import oportunidade_criar, oportunidade_mover_etapa

D = Decimal
pytestmark = pytest.mark.django_db


def hoje() -> dt.date:
    return timezone.localdate()


def mes() -> Periodo:
    return Periodo.mes(hoje())


def enviar(pedido: Pedido, ator: Any) -> Pedido:
    pedido.refresh_from_db()
    envio = pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=ator)
    assert envio.pedido.status == StatusPedido.ENVIADO
    return envio.pedido


def venda_do_colega(cenario: Cenario, quantidade: str = "4") -> Pedido:
    colega = cenario.pessoas.usuarios["colega"]
    calculo = pedido_criar(cliente_id=cenario.cliente_colega.pk, ator=colega)
    calculo = item_adicionar(
        pedido_id=calculo.pedido.pk, versao=calculo.pedido.versao, produto=cenario.lampada,
        quantidade=D(quantidade), ator=colega,
    )  # fmt: skip
    return enviar(calculo.pedido, colega)


@pytest.fixture
def vendas(cenario: Cenario) -> dict[str, Pedido]:
    """dono: one sent order (lâmpada ×5 + parafuso ×20, the parafuso line then cancelled), one
    order still typed and one quote; colega: one sent order (lâmpada ×4)."""
    dono = cenario.dono
    enviado = criar_pedido(cenario, [(cenario.lampada, "5"), (cenario.parafuso, "20")])
    parafuso = enviado.itens.get(produto=cenario.parafuso)
    calculo = item_cancelar(
        pedido_id=enviado.pk, versao=enviado.versao, item_id=parafuso.pk,
        motivo=cenario.motivo, ator=dono,
    )  # fmt: skip
    enviado = enviar(calculo.pedido, dono)
    digitando = criar_pedido(cenario, [(cenario.lampada, "9")])
    orcamento = pedido_criar(cliente_id=cenario.cliente.pk, tipo=TipoDocumento.ORCAMENTO, ator=dono)
    return {
        "enviado": enviado,
        "digitando": digitando,
        "orcamento": orcamento.pedido,
        "colega": venda_do_colega(cenario),
    }


def test_faturamento_por_representante_so_conta_pedidos_enviados(cenario, vendas) -> None:
    pedidos = Pedido.objects.visiveis_para(cenario.pessoas.usuarios["admin"])
    medicao = ind.medir(pedidos, Oportunidade.objects.none(), [mes()])
    dono, colega = cenario.dono, cenario.pessoas.usuarios["colega"]
    assert medicao.de(mes(), dono.pk).faturamento == vendas["enviado"].v_nf
    assert medicao.de(mes(), dono.pk).pedidos == 1
    assert medicao.de(mes(), colega.pk).faturamento == vendas["colega"].v_nf
    total = medicao.de(mes(), None)
    assert total.faturamento == vendas["enviado"].v_nf + vendas["colega"].v_nf
    assert total.pedidos == 2 and total.positivados == 2
    # an earlier month has nothing
    anterior = mes().anterior()
    assert (
        ind.medir(pedidos, Oportunidade.objects.none(), [anterior]).de(anterior, None).pedidos == 0
    )


def test_rep_ve_so_a_propria_carteira(cenario, vendas) -> None:
    pedidos = Pedido.objects.visiveis_para(cenario.dono)
    medicao = ind.medir(pedidos, Oportunidade.objects.none(), [mes()])
    assert set(medicao.por_rep[mes()]) == {cenario.dono.pk}
    assert medicao.de(mes(), None).faturamento == vendas["enviado"].v_nf


def test_produtos_mais_vendidos_ignoram_itens_cancelados(cenario, vendas) -> None:
    pedidos = Pedido.objects.visiveis_para(cenario.pessoas.usuarios["admin"])
    por_quantidade, por_valor = ind.produtos_mais_vendidos(pedidos, mes())
    assert [(p.codigo, p.quantidade) for p in por_quantidade] == [("LAMP-LED", D("9"))]
    lampada = sum(
        (i.total for p in (vendas["enviado"], vendas["colega"]) for i in p.itens.filter(
            produto=cenario.lampada)),
        D(0),
    )  # fmt: skip
    assert por_valor[0].valor == lampada and por_valor[0].pedidos == 2


def test_clientes_por_carteira_e_positivados(cenario, vendas) -> None:
    from tests.factories import ClienteFactory

    ClienteFactory(carteira=cenario.pessoas.a)  # a client with no order
    from cadastro.models import Cliente as clientes

    admin = cenario.pessoas.usuarios["admin"]
    linhas = {
        c.nome: c
        for c in ind.clientes_por_carteira(
            clientes.objects.visiveis_para(admin), Pedido.objects.visiveis_para(admin), mes()
        )
    }
    assert (linhas["Carteira A"].clientes, linhas["Carteira A"].positivados) == (2, 1)
    assert linhas["Carteira A"].pct_positivados == D("50.00")
    assert (linhas["Carteira B"].clientes, linhas["Carteira B"].positivados) == (1, 1)


def test_conversao_de_orcamentos(cenario, vendas) -> None:
    Pedido.objects.filter(pk=vendas["orcamento"].pk).update(status=StatusPedido.CONVERTIDO)
    pedido_criar(cliente_id=cenario.cliente.pk, tipo=TipoDocumento.ORCAMENTO, ator=cenario.dono)
    conversoes = ind.conversao_orcamentos(Pedido.objects.visiveis_para(cenario.dono), mes())
    assert (conversoes.total.orcamentos, conversoes.total.convertidos) == (2, 1)
    assert conversoes.total.taxa == D("50.00")


def test_oportunidades_por_etapa_com_ponderado_e_fechadas_no_periodo(cenario) -> None:
    EtapaFunil.objects.create(codigo="P", descricao="Prospecção", ordem=1, probabilidade=D("10"))
    ganha = EtapaFunil.objects.create(
        codigo="G", descricao="Ganha", ordem=9, probabilidade=D("100"),
        resultado=ResultadoEtapa.GANHA,
    )  # fmt: skip
    EtapaFunil.objects.create(
        codigo="L", descricao="Perdida", ordem=10, resultado=ResultadoEtapa.PERDIDA
    )
    MotivoPerda.objects.create(codigo="X", descricao="X")
    for valor in ("1000", "3000"):
        oportunidade_criar(cliente_id=cenario.cliente.pk, ator=cenario.dono,
                           dados={"titulo": "A", "valor_estimado": D(valor)})  # fmt: skip
    op = oportunidade_criar(cliente_id=cenario.cliente.pk, ator=cenario.dono,
                            dados={"titulo": "B", "valor_estimado": D("500")})  # fmt: skip
    oportunidade_mover_etapa(oportunidade_id=op.pk, etapa_id=ganha.pk, versao=1, ator=cenario.dono)
    funil = ind.oportunidades_por_etapa(Oportunidade.objects.visiveis_para(cenario.dono), mes())
    por_nome = {e.descricao: e for e in funil.etapas}
    assert (por_nome["Prospecção"].quantidade, por_nome["Prospecção"].valor) == (2, D("4000.00"))
    assert por_nome["Prospecção"].ponderado == D("400.00")
    assert (por_nome["Ganha"].quantidade, por_nome["Perdida"].quantidade) == (1, 0)
    assert funil.taxa_ganho == D("100.00")
    # the colleague sees none of it
    vazio = ind.oportunidades_por_etapa(
        Oportunidade.objects.visiveis_para(cenario.pessoas.usuarios["colega"]), mes()
    )
    assert sum(e.quantidade for e in vazio.etapas) == 0
    # ganhas (R$) by rep for the targets
    medicao = ind.medir(Pedido.objects.none(), Oportunidade.objects.all(), [mes()])
    assert medicao.de(mes(), cenario.dono.pk).ganhas_valor == D("500.00")


def _meta(cenario: Cenario, indicador: str, valor: str, rep: Any = None) -> MetaVenda:
    return MetaVenda.objects.create(
        empresa=cenario.pessoas.usuarios["admin"].empresa, indicador=indicador,
        representante=rep, valor_meta=D(valor), periodo_inicio=mes().inicio,
        periodo_fim=mes().fim,
    )  # fmt: skip


def test_metas_da_empresa_e_do_representante_avaliadas(cenario, vendas) -> None:
    admin = cenario.pessoas.usuarios["admin"]
    empresa = admin.empresa
    meta_rep = _meta(cenario, IndicadorVenda.FATURAMENTO, "1", rep=cenario.dono)
    meta_emp = _meta(cenario, IndicadorVenda.CLIENTES_POSITIVADOS, "5")
    metas = ind.metas_vigentes(empresa.pk, hoje(), None)
    assert {m.pk for m in metas} == {meta_rep.pk, meta_emp.pk}
    medicao = ind.medir(
        Pedido.objects.visiveis_para(admin), Oportunidade.objects.none(),
        [Periodo(m.periodo_inicio, m.periodo_fim) for m in metas],
    )  # fmt: skip
    rep = ind.avaliar(meta_rep, medicao, hoje())
    assert rep.realizado == vendas["enviado"].v_nf and rep.situacao == "ok"
    empresa_av = ind.avaliar(meta_emp, medicao, hoje())
    assert empresa_av.realizado == D(2) and empresa_av.progresso == 40
    assert empresa_av.situacao == "andamento"


def test_metas_de_outros_representantes_nao_aparecem_para_o_rep(cenario) -> None:
    from cadastro.models import Carteira

    colega = cenario.pessoas.usuarios["colega"]
    _meta(cenario, IndicadorVenda.FATURAMENTO, "10", rep=colega)
    propria = _meta(cenario, IndicadorVenda.FATURAMENTO, "10", rep=cenario.dono)
    representantes = Carteira.objects.visiveis_para(cenario.dono).values("representante_id")
    metas = ind.metas_vigentes(cenario.pessoas.usuarios["admin"].empresa_id, hoje(), representantes)
    assert [m.pk for m in metas] == [propria.pk]


# --- the page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quem", "esperado"),
    [("dono", 200), ("supervisor", 200), ("admin", 200), ("sac", 403), ("colega", 200)],
)
def test_quem_abre_a_pagina(client, cenario, quem, esperado) -> None:
    client.force_login(cenario.pessoas.usuarios[quem])
    assert client.get(reverse("vendas:indicadores")).status_code == esperado


def test_pagina_mostra_so_o_que_o_usuario_ve(client, cenario, vendas) -> None:
    colega = cenario.pessoas.usuarios["colega"]
    client.force_login(cenario.dono)
    html = client.get(reverse("vendas:indicadores")).content.decode()
    assert cenario.dono.get_full_name() in html and colega.get_full_name() not in html
    assert "Faturamento por representante" in html and "Produtos mais vendidos" in html
    assert "Como é calculado" in html and "<script>" not in html
    client.force_login(cenario.pessoas.usuarios["admin"])
    html = client.get(reverse("vendas:indicadores")).content.decode()
    assert cenario.dono.get_full_name() in html and colega.get_full_name() in html


def test_pagina_mostra_meta_e_percentual(client, cenario, vendas) -> None:
    admin = cenario.pessoas.usuarios["admin"]
    _meta(cenario, IndicadorVenda.FATURAMENTO, "1000000")
    client.force_login(admin)
    html = client.get(reverse("vendas:indicadores")).content.decode()
    assert "R$ 1.000.000,00" in html and "Em andamento" in html


@pytest.mark.parametrize("n", [1, 6])
def test_pagina_nao_cresce_em_consultas(client, cenario, django_assert_max_num_queries, n) -> None:
    for _ in range(n):
        venda_do_colega(cenario, "3")
        enviar(criar_pedido(cenario, [(cenario.lampada, "3")]), cenario.dono)
    admin = cenario.pessoas.usuarios["admin"]
    _meta(cenario, IndicadorVenda.FATURAMENTO, "100", rep=cenario.dono)
    _meta(cenario, IndicadorVenda.PEDIDOS, "100")
    client.force_login(admin)
    # session, user, permissions (2), menu groups, metas, 3 rep-level aggregates, conversion,
    # stages + funnel aggregate, clients per portfolio, products (2), cross-selling, up-selling
    with django_assert_max_num_queries(18):
        resp = client.get(reverse("vendas:indicadores"))
    assert resp.status_code == 200
    client.force_login(cenario.dono)
    # + the rep's portfolio ids, read by each scoped queryset (clients, orders, opportunities)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("vendas:indicadores")).status_code == 200


# --- cross-selling and up-selling ------------------------------------------------------------


def _complementar(produto: Any, complementar: Any) -> None:
    from produtos.models import ProdutoComplementar

    ProdutoComplementar.objects.create(produto=produto, complementar=complementar)


def test_cross_selling_conta_pedidos_com_par_complementar(cenario) -> None:
    # given lâmpada → cabo registered as complementary
    _complementar(cenario.lampada, cenario.cabo)
    dono = cenario.dono
    # one order with the pair, one with lâmpada alone, one with the pair but cabo cancelled
    enviar(criar_pedido(cenario, [(cenario.lampada, "3"), (cenario.cabo, "1")]), dono)
    enviar(criar_pedido(cenario, [(cenario.lampada, "3")]), dono)
    com_cancelado = criar_pedido(cenario, [(cenario.lampada, "3"), (cenario.cabo, "1")])
    cabo = com_cancelado.itens.get(produto=cenario.cabo)
    calculo = item_cancelar(
        pedido_id=com_cancelado.pk, versao=com_cancelado.versao, item_id=cabo.pk,
        motivo=cenario.motivo, ator=dono,
    )  # fmt: skip
    enviar(calculo.pedido, dono)
    # an order still typed with the pair does not count either
    criar_pedido(cenario, [(cenario.lampada, "2"), (cenario.cabo, "1")])
    # when measured
    cruzadas = ind.venda_cruzada(Pedido.objects.visiveis_para(dono), mes())
    # then 1 of the 3 sent orders holds a complementary pair
    assert (cruzadas.total.pedidos, cruzadas.total.cruzados) == (3, 1)
    assert cruzadas.total.taxa == D("33.33")
    assert [v.representante for v in cruzadas.por_rep] == [dono.get_full_name()]


def test_cross_selling_par_na_ordem_inversa_nao_e_o_cadastrado(cenario) -> None:
    # the pair is registered one way (lâmpada → cabo); an order with both still holds it,
    # whatever the order of the lines
    _complementar(cenario.lampada, cenario.cabo)
    enviar(criar_pedido(cenario, [(cenario.cabo, "1"), (cenario.lampada, "1")]), cenario.dono)
    # and a product never registered as complementary of another does not make a cross-sale
    enviar(criar_pedido(cenario, [(cenario.parafuso, "10"), (cenario.cabo, "1")]), cenario.dono)
    cruzadas = ind.venda_cruzada(Pedido.objects.visiveis_para(cenario.dono), mes())
    assert (cruzadas.total.pedidos, cruzadas.total.cruzados) == (2, 1)


def test_cross_selling_respeita_a_visibilidade(cenario) -> None:
    _complementar(cenario.lampada, cenario.cabo)
    enviar(criar_pedido(cenario, [(cenario.lampada, "1"), (cenario.cabo, "1")]), cenario.dono)
    colega = cenario.pessoas.usuarios["colega"]
    assert ind.venda_cruzada(Pedido.objects.visiveis_para(colega), mes()).total.pedidos == 0
    admin = cenario.pessoas.usuarios["admin"]
    assert ind.venda_cruzada(Pedido.objects.visiveis_para(admin), mes()).total.cruzados == 1


def _no_mes_anterior(pedido: Pedido) -> None:
    Pedido.objects.filter(pk=pedido.pk).update(data=mes().anterior().inicio)


def test_up_selling_compara_o_ticket_medio_com_o_periodo_anterior(cenario) -> None:
    from tests.factories import ClienteFactory

    dono = cenario.dono
    # cliente: previous month one order of 3 lâmpadas, this month one of 5: ticket grew
    _no_mes_anterior(enviar(criar_pedido(cenario, [(cenario.lampada, "3")]), dono))
    enviar(criar_pedido(cenario, [(cenario.lampada, "5")]), dono)
    # outro: previous month 10 lâmpadas, this month two orders of 3 each: ticket fell
    outro = ClienteFactory(
        juridica=True, carteira=cenario.pessoas.a, tabela_venda=cenario.tabela, nome="Outro"
    )
    outro.enderecos.create(tipo="comercial", logradouro="Rua C", uf="SP", principal=True)
    cenario_outro = type(cenario)(**{**cenario.__dict__, "cliente": outro})
    _no_mes_anterior(enviar(criar_pedido(cenario_outro, [(cenario.lampada, "10")]), dono))
    for _ in range(2):
        enviar(criar_pedido(cenario_outro, [(cenario.lampada, "3")]), dono)
    # the colleague's client bought only this month: not comparable
    venda_do_colega(cenario)
    admin = cenario.pessoas.usuarios["admin"]
    up = ind.up_selling(Pedido.objects.visiveis_para(admin), mes())
    assert (up.comparaveis, up.cresceram) == (2, 1) and up.taxa == D("50.00")
    # the colleague sees none of the dono's clients
    colega = cenario.pessoas.usuarios["colega"]
    vazio = ind.up_selling(Pedido.objects.visiveis_para(colega), mes())
    assert (vazio.comparaveis, vazio.cresceram, vazio.taxa) == (0, 0, None)


@pytest.mark.parametrize("n", [1, 5])
def test_cross_e_up_selling_uma_consulta_cada(cenario, django_assert_num_queries, n) -> None:
    _complementar(cenario.lampada, cenario.cabo)
    for _ in range(n):
        _no_mes_anterior(enviar(criar_pedido(cenario, [(cenario.lampada, "3")]), cenario.dono))
        enviar(criar_pedido(cenario, [(cenario.lampada, "3"), (cenario.cabo, "1")]), cenario.dono)
    pedidos = Pedido.objects.visiveis_para(cenario.pessoas.usuarios["admin"])
    with django_assert_num_queries(2):
        cruzadas = ind.venda_cruzada(pedidos, mes())
        up = ind.up_selling(pedidos, mes())
    assert (cruzadas.total.cruzados, up.comparaveis) == (n, 1)


def test_pagina_mostra_cross_e_up_selling_e_o_rodape(client, cenario) -> None:
    _complementar(cenario.lampada, cenario.cabo)
    enviar(criar_pedido(cenario, [(cenario.lampada, "1"), (cenario.cabo, "1")]), cenario.dono)
    client.force_login(cenario.dono)
    html = client.get(reverse("vendas:indicadores")).content.decode()
    assert "Cross-selling e up-selling" in html
    assert "1 de 1 pedido enviado tem um produto cadastrado como complementar" in html
    assert ind.COMO_CALCULADO["cross_selling"][:60] in html
    assert "ticket médio" in html


# --- link to the targets screen and the xlsx export -------------------------------------------


@pytest.mark.parametrize(("quem", "ve"), [("dono", False), ("supervisor", True), ("admin", True)])
def test_link_definir_metas_so_para_quem_define(client, cenario, quem, ve) -> None:
    client.force_login(cenario.pessoas.usuarios[quem])
    html = client.get(reverse("vendas:indicadores")).content.decode()
    assert ("Definir metas" in html) is ve
    assert (reverse("vendas:meta-lista") in html) is ve
    assert "Exportar (xlsx)" in html


def _ler_xlsx(conteudo: bytes) -> list[tuple[Any, ...]]:
    import io

    from openpyxl import load_workbook

    return list(load_workbook(io.BytesIO(conteudo)).active.iter_rows(values_only=True))


def test_exportacao_xlsx_tem_os_blocos_tipados_do_periodo(client, cenario, vendas) -> None:
    admin = cenario.pessoas.usuarios["admin"]
    _meta(cenario, IndicadorVenda.FATURAMENTO, "1000000")
    EtapaFunil.objects.create(codigo="P", descricao="Prospecção", ordem=1, probabilidade=D("10"))
    client.force_login(admin)
    periodo = mes()
    resposta = client.get(
        reverse("vendas:indicadores-exportar"),
        {"inicio": f"{periodo.inicio:%d/%m/%Y}", "fim": f"{periodo.fim:%d/%m/%Y}"},
    )
    assert resposta.status_code == 200
    assert resposta["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"indicadores_vendas_{periodo.inicio:%Y%m%d}" in resposta["Content-Disposition"]
    linhas = _ler_xlsx(resposta.content)
    cabecalho = linhas[0]
    assert cabecalho[:4] == ("Bloco", "Item", "Medida", "Unidade")
    assert cabecalho[4] == f"Período {periodo.inicio:%d/%m/%Y} a {periodo.fim:%d/%m/%Y}"
    blocos = {linha[0] for linha in linhas[1:]}
    assert {
        "Resumo", "Faturamento por representante", "Clientes por carteira",
        "Produtos mais vendidos por quantidade", "Produtos mais vendidos por valor",
        "Oportunidades por etapa", "Conversão de orçamentos", "Cross-selling", "Up-selling",
    } <= blocos  # fmt: skip
    por_chave = {(linha[0], linha[1], linha[2]): linha for linha in linhas[1:]}
    faturamento = por_chave[("Resumo", "Total", "Faturamento (pedidos enviados)")]
    total = vendas["enviado"].v_nf + vendas["colega"].v_nf
    # typed: a number, not "R$ 1.234,56"; the company target with its dates and situation
    assert isinstance(faturamento[4], (int, float)) and D(str(faturamento[4])) == total
    assert faturamento[6] == 1000000 and faturamento[8].date() == periodo.fim
    assert faturamento[10] in {"Em andamento", "Abaixo da meta"}
    dono = por_chave[("Faturamento por representante", cenario.dono.get_full_name(),
                      "Faturamento")]  # fmt: skip
    assert D(str(dono[4])) == vendas["enviado"].v_nf and dono[3] == "R$"
    lampada = por_chave[("Produtos mais vendidos por quantidade", "LAMP-LED – Lâmpada LED 9W",
                         "Quantidade")]  # fmt: skip
    assert lampada[4] == 9


def test_exportacao_respeita_a_visibilidade_e_o_papel(client, cenario, vendas) -> None:
    colega = cenario.pessoas.usuarios["colega"]
    client.force_login(cenario.dono)
    linhas = _ler_xlsx(client.get(reverse("vendas:indicadores-exportar")).content)
    itens = {linha[1] for linha in linhas[1:]}
    assert cenario.dono.get_full_name() in itens and colega.get_full_name() not in itens
    client.force_login(cenario.pessoas.usuarios["sac"])
    assert client.get(reverse("vendas:indicadores-exportar")).status_code == 403


def test_exportacao_neutraliza_formulas_em_nomes(client, cenario, vendas) -> None:
    from cadastro.models import Carteira

    Carteira.objects.filter(pk=cenario.pessoas.a.pk).update(nome='=HYPERLINK("x")')
    client.force_login(cenario.pessoas.usuarios["admin"])
    linhas = _ler_xlsx(client.get(reverse("vendas:indicadores-exportar")).content)
    itens = [linha[1] for linha in linhas[1:] if linha[0] == "Clientes por carteira"]
    assert itens and all(not str(item).startswith("=") for item in itens)
