"""Date scheduling of items (programação de datas), its grouping by date, and the lot lookup:
services (sum rule, past dates, events, version), views (owner/colleague/outsider, htmx
partials), the screen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tests.vendas.conftest import criar_pedido
from vendas.constants import StatusPedido, TipoEventoPedido
from vendas.models import Pedido, PedidoEvento, ProgramacaoItem
from vendas.services import ErroPedido
from vendas.services.pedidos import ConflitoVersao, item_alterar
from vendas.services.programacao import agrupamento_por_data, divergencias, programacao_salvar

D = Decimal
pytestmark = pytest.mark.django_db
HOJE = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _hoje():
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _salvar(pedido: Pedido, item: Any, partes: list[tuple[dt.date, str]], quem: Any) -> Pedido:
    pedido.refresh_from_db()
    return programacao_salvar(
        pedido_id=pedido.pk,
        item_id=item.pk,
        versao=pedido.versao,
        partes=[(d, D(q)) for d, q in partes],
        ator=quem,
    )


def test_partes_que_fecham_com_a_quantidade_sao_gravadas_com_evento_e_nova_versao(cenario):
    # given an order with 20 screws
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    versao = pedido.versao
    # when the rep splits them 10 + 10 on two dates
    _salvar(pedido, item, [(HOJE, "10"), (HOJE + dt.timedelta(days=7), "10")], cenario.dono)
    # then both parts are stored, the version went up and one event lists them
    assert list(item.programacoes.values_list("data", "quantidade")) == [
        (HOJE, D("10")),
        (HOJE + dt.timedelta(days=7), D("10")),
    ]
    pedido.refresh_from_db()
    assert pedido.versao == versao + 1
    evento = PedidoEvento.objects.get(pedido=pedido, tipo=TipoEventoPedido.PROGRAMACAO_ALTERADA)
    assert evento.ator == cenario.dono and evento.dados["item"] == 1
    assert [p["data"] for p in evento.dados["incluidas"]] == ["2026-03-10", "2026-03-17"]


def test_alterar_e_remover_partes_registra_o_que_mudou(cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    d1, d2, d3 = HOJE, HOJE + dt.timedelta(days=7), HOJE + dt.timedelta(days=14)
    _salvar(pedido, item, [(d1, "10"), (d2, "10")], cenario.dono)
    # when d1 changes to 5, d2 goes away and d3 comes with 15
    _salvar(pedido, item, [(d1, "5"), (d3, "15")], cenario.dono)
    # then the schedule is exactly the new one and the event says what changed
    assert list(item.programacoes.values_list("data", "quantidade")) == [
        (d1, D("5")),
        (d3, D("15")),
    ]
    evento = PedidoEvento.objects.filter(tipo=TipoEventoPedido.PROGRAMACAO_ALTERADA).first()
    assert evento.dados["alteradas"] == [{"data": "2026-03-10", "de": "10", "para": "5"}]
    assert evento.dados["removidas"] == [{"data": "2026-03-17", "quantidade": "10"}]
    assert evento.dados["incluidas"] == [{"data": "2026-03-24", "quantidade": "15"}]
    # and removing every part removes the schedule (one more event)
    _salvar(pedido, item, [], cenario.dono)
    assert not item.programacoes.exists()
    assert PedidoEvento.objects.filter(tipo=TipoEventoPedido.PROGRAMACAO_ALTERADA).count() == 3


def test_sem_mudanca_nao_gera_versao_nem_evento(cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    _salvar(pedido, item, [(HOJE, "20")], cenario.dono)
    pedido.refresh_from_db()
    versao = pedido.versao
    _salvar(pedido, item, [(HOJE, "20")], cenario.dono)
    pedido.refresh_from_db()
    assert pedido.versao == versao
    assert PedidoEvento.objects.filter(tipo=TipoEventoPedido.PROGRAMACAO_ALTERADA).count() == 1


@pytest.mark.parametrize(
    ("partes", "mensagem"),
    [
        ([(HOJE, "10"), (HOJE + dt.timedelta(days=1), "5")], "faltam 5"),
        ([(HOJE, "30")], "sobram 10"),
        ([(HOJE - dt.timedelta(days=1), "20")], "já passou"),
        ([(HOJE, "10"), (HOJE, "10")], "mais de uma vez"),
        ([(HOJE, "0"), (HOJE + dt.timedelta(days=1), "20")], "maior que zero"),
    ],
)
def test_partes_invalidas_sao_recusadas_sem_gravar_nada(cenario, partes, mensagem):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    versao = Pedido.objects.get(pk=pedido.pk).versao
    with pytest.raises(ErroPedido, match=mensagem):
        _salvar(pedido, item, partes, cenario.dono)
    assert not ProgramacaoItem.objects.exists()
    assert Pedido.objects.get(pk=pedido.pk).versao == versao


def test_versao_antiga_e_recusada_nomeando_quem_alterou(cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    pedido.refresh_from_db()
    vista = pedido.versao
    _salvar(pedido, item, [(HOJE, "20")], cenario.pessoas.usuarios["supervisor"])
    with pytest.raises(ConflitoVersao, match="alterado por"):
        programacao_salvar(
            pedido_id=pedido.pk, item_id=item.pk, versao=vista, partes=[], ator=cenario.dono
        )


def test_programar_um_pedido_aprovado_anula_a_aprovacao(cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    Pedido.objects.filter(pk=pedido.pk).update(status=StatusPedido.APROVADO)
    _salvar(pedido, pedido.itens.get(), [(HOJE, "20")], cenario.dono)
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.EM_DIGITACAO
    assert PedidoEvento.objects.filter(
        pedido=pedido, tipo=TipoEventoPedido.APROVACAO_ANULADA
    ).exists()


def test_pedido_enviado_nao_e_programado(cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    Pedido.objects.filter(pk=pedido.pk).update(status=StatusPedido.ENVIADO)
    with pytest.raises(ErroPedido, match="não pode ser alterado"):
        _salvar(pedido, pedido.itens.get(), [(HOJE, "20")], cenario.dono)


def test_agrupamento_por_data_com_valores_pro_rata_que_fecham_com_o_item(cenario):
    # given 30 screws in three parts and a lamp promised on the first date
    pedido = criar_pedido(cenario, [(cenario.parafuso, "30"), (cenario.lampada, "3")])
    parafuso, lampada = pedido.itens.order_by("sequencia")
    d1, d2 = HOJE + dt.timedelta(days=1), HOJE + dt.timedelta(days=8)
    _salvar(pedido, parafuso, [(d1, "10"), (d2, "20")], cenario.dono)
    pedido.refresh_from_db()
    item_alterar(
        pedido_id=pedido.pk, item_id=lampada.pk, versao=pedido.versao,
        dados={"data_promessa": d1}, ator=cenario.dono,
    )  # fmt: skip
    itens = list(pedido.itens.select_related("produto").order_by("sequencia"))
    # when grouped by date
    grupos = agrupamento_por_data(itens, ProgramacaoItem.objects.all())
    # then d1 holds 10 screws + the lamp, d2 20 screws, and the values add up to the order
    assert [g.data for g in grupos] == [d1, d2]
    assert [(linha.item.sequencia, linha.quantidade) for linha in grupos[0].linhas] == [
        (1, D("10")),
        (2, D("3")),
    ]
    parafuso = itens[0]
    assert grupos[0].linhas[0].valor + grupos[1].linhas[0].valor == parafuso.total
    assert sum(g.valor for g in grupos) == sum(i.total for i in itens)


def test_quantidade_alterada_depois_aparece_como_divergencia(cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    _salvar(pedido, item, [(HOJE, "20")], cenario.dono)
    pedido.refresh_from_db()
    item_alterar(pedido_id=pedido.pk, item_id=item.pk, versao=pedido.versao,
                 dados={"quantidade": D("30")}, ator=cenario.dono)  # fmt: skip
    item.refresh_from_db()
    [d] = divergencias([item], ProgramacaoItem.objects.all())
    assert d.soma == D("20") and d.item.quantidade == D("30")
    # and a part whose date passed shows too
    assert divergencias([item], ProgramacaoItem.objects.all(), hoje=HOJE + dt.timedelta(days=1))


# --- views ---------------------------------------------------------------------------------


def _url(pedido: Pedido, item: Any) -> str:
    return reverse("vendas:programacao-item", args=[pedido.pk, item.pk])


def _post(pedido: Pedido, partes: list[tuple[str, str]], **extra: str) -> dict[str, str]:
    pedido.refresh_from_db()
    dados = {
        "versao": str(pedido.versao),
        "partes-TOTAL_FORMS": str(len(partes)),
        "partes-INITIAL_FORMS": "0",
        **extra,
    }
    for n, (data, qtd) in enumerate(partes):
        dados[f"partes-{n}-data"] = data
        dados[f"partes-{n}-quantidade"] = qtd
    return dados


@pytest.mark.parametrize(
    ("quem", "esperado"),
    [("dono", 200), ("supervisor", 200), ("colega", 404), ("supervisor_outro", 404), ("sac", 404)],
)
def test_editor_de_programacao_respeita_a_carteira(client, cenario, quem, esperado):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    client.force_login(cenario.pessoas.usuarios[quem])
    assert client.get(_url(pedido, item), HTTP_HX_REQUEST="true").status_code == esperado
    resp = client.post(_url(pedido, item), _post(pedido, [("2026-03-12", "20")]))
    assert resp.status_code == esperado
    assert ProgramacaoItem.objects.exists() is (esperado == 200)


@pytest.mark.parametrize(("quem", "esperado"), [("dono", 200), ("sac", 200), ("colega", 404)])
def test_painel_e_lotes_respeitam_a_carteira(client, cenario, quem, esperado):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    client.force_login(cenario.pessoas.usuarios[quem])
    painel = client.get(reverse("vendas:programacao-painel", args=[pedido.pk]))
    lotes = client.get(reverse("vendas:item-lotes", args=[pedido.pk, item.pk]))
    assert (painel.status_code, lotes.status_code) == (esperado, esperado)


def test_salvar_pela_tela_responde_o_painel_com_versao_e_historico_oob(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    client.force_login(cenario.dono)
    resp = client.post(
        _url(pedido, item),
        _post(pedido, [("2026-03-12", "5"), ("2026-03-20", "15"), ("", "")]),
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'id="pedido-programacao"' in html and "Programação do item 1 salva." in html
    assert 'id="pedido-versao"' in html and 'hx-swap-oob="true"' in html
    assert 'hx-swap-oob="afterbegin:#historico-lista"' in html
    assert "12/03/2026" in html and "20/03/2026" in html  # the grouping by date
    assert ProgramacaoItem.objects.count() == 2


def test_soma_errada_pela_tela_mantem_o_que_foi_digitado_e_explica(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    client.force_login(cenario.dono)
    resp = client.post(
        _url(pedido, item), _post(pedido, [("2026-03-12", "7")]), HTTP_HX_REQUEST="true"
    )
    html = resp.content.decode()
    assert "faltam 13" in html and 'role="alert"' in html
    assert 'value="2026-03-12"' in html and 'value="7"' in html  # kept on screen
    assert not ProgramacaoItem.objects.exists()


def test_post_nao_programa_item_de_outro_pedido(client, cenario):
    # given an order of dono and another order (of the colleague's client) with an item
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    from vendas.services import item_adicionar, pedido_criar

    colega = cenario.pessoas.usuarios["colega"]
    outro = pedido_criar(cliente_id=cenario.cliente_colega.pk, ator=colega).pedido
    outro = item_adicionar(pedido_id=outro.pk, versao=outro.versao, produto=cenario.parafuso,
                           quantidade=D("20"), ator=colega).pedido  # fmt: skip
    item_alheio = outro.itens.get()
    client.force_login(cenario.dono)
    # when dono posts the other order's item id under their own order
    resp = client.post(_url(pedido, item_alheio), _post(pedido, [("2026-03-12", "20")]))
    # then 404 and nothing stored
    assert resp.status_code == 404
    assert not ProgramacaoItem.objects.exists()


def test_lotes_do_produto_no_armazem_por_validade(client, cenario):
    from cadastro.models import Armazem
    from produtos.models import Lote

    outro_armazem = Armazem.objects.create(codigo="CD2", descricao="CD Recife")
    Lote.objects.create(produto=cenario.lampada, armazem=cenario.armazem, numero="L-NOVO",
                        validade=dt.date(2027, 1, 1), quantidade=D("40"))  # fmt: skip
    Lote.objects.create(produto=cenario.lampada, armazem=cenario.armazem, numero="L-VELHO",
                        validade=dt.date(2026, 1, 1), quantidade=D("40"))  # fmt: skip
    Lote.objects.create(produto=cenario.lampada, armazem=cenario.armazem, numero="L-POUCO",
                        validade=dt.date(2026, 6, 1), quantidade=D("1"))  # fmt: skip
    Lote.objects.create(produto=cenario.lampada, armazem=outro_armazem, numero="L-LONGE",
                        validade=dt.date(2026, 6, 1), quantidade=D("99"))  # fmt: skip
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    item = pedido.itens.get()
    client.force_login(cenario.dono)
    html = client.get(reverse("vendas:item-lotes", args=[pedido.pk, item.pk])).content.decode()
    # then only this warehouse's lots, first to expire first, expired/insufficient marked
    assert "L-LONGE" not in html
    assert html.index("L-VELHO") < html.index("L-POUCO") < html.index("L-NOVO")
    assert "vencido" in html and "insuficiente" in html
    assert "disponível 50" in html


def test_lote_de_outro_armazem_e_recusado_pelo_formulario(client, cenario):
    from cadastro.models import Armazem
    from produtos.models import Lote

    # given a lot of the product in another warehouse than the order's
    longe = Lote.objects.create(
        produto=cenario.lampada, armazem=Armazem.objects.create(codigo="CD2", descricao="Recife"),
        numero="L-LONGE", validade=dt.date(2027, 1, 1), quantidade=D("99"),
    )  # fmt: skip
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    item = pedido.itens.get()
    client.force_login(cenario.dono)
    # when its id is posted as the item's lot
    resp = client.post(
        reverse("vendas:item-alterar", args=[pedido.pk, item.pk]),
        {"lote": longe.pk, "versao": pedido.versao},
        HTTP_HX_REQUEST="true",
    )
    # then the change is refused and the item keeps no lot
    assert "escolha válida" in resp.content.decode()
    item.refresh_from_db()
    assert item.lote_id is None


def test_escolher_lote_pela_tela_e_o_problema_de_lote_no_fechamento(client, cenario):
    from produtos.models import Lote

    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    item = pedido.itens.get()
    vencido = Lote.objects.create(produto=cenario.lampada, armazem=cenario.armazem,
                                  numero="L-VELHO", validade=dt.date(2026, 1, 1),
                                  quantidade=D("40"))  # fmt: skip
    bom = Lote.objects.create(produto=cenario.lampada, armazem=cenario.armazem, numero="L-BOM",
                              validade=dt.date(2027, 1, 1), quantidade=D("40"))  # fmt: skip
    client.force_login(cenario.dono)
    url = reverse("vendas:item-alterar", args=[pedido.pk, item.pk])
    # when the rep picks the expired lot (the button posts lote=<id> to item-alterar)
    pedido.refresh_from_db()
    resp = client.post(url, {"lote": vencido.pk, "versao": pedido.versao}, HTTP_HX_REQUEST="true")
    # then the row shows it and the closing tab has the lot problem
    assert "L-VELHO" in resp.content.decode()
    pedido.refresh_from_db()
    assert any(p["codigo"] == "lote" and "vencido" in p["mensagem"] for p in pedido.problemas)
    # when the rep picks a good one, the problem goes away
    client.post(url, {"lote": bom.pk, "versao": pedido.versao}, HTTP_HX_REQUEST="true")
    pedido.refresh_from_db()
    item.refresh_from_db()
    assert item.lote == bom
    assert not any(p["codigo"] == "lote" for p in pedido.problemas)


def test_detalhe_tem_aba_programacao_com_agrupamento(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    _salvar(pedido, pedido.itens.get(), [(HOJE + dt.timedelta(days=2), "20")], cenario.dono)
    client.force_login(cenario.dono)
    html = client.get(
        reverse("vendas:pedido-detalhe", args=[pedido.pk]) + "?aba=programacao"
    ).content.decode()
    assert 'id="aba-programacao"' in html and "Agrupamento de datas" in html
    assert "12/03/2026: 20" in html
    assert "Programação de datas <kbd>8</kbd>" in html and "Anexos <kbd>9</kbd>" in html
