"""Quote → order conversion: which statuses convert (flow as data), copy of header and active
items recalculated today, links both ways, events, the funnel told, the screen."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.vendas.conftest import criar_pedido
from vendas.constants import TRANSICOES, StatusPedido, TipoDocumento, TipoEventoPedido
from vendas.models import Pedido, PedidoEvento
from vendas.services import ErroPedido, item_cancelar
from vendas.services.orcamentos import orcamento_converter, pode_converter
from vendas.services.pedidos import ConflitoVersao

D = Decimal
pytestmark = pytest.mark.django_db


def _orcamento(cenario: Any, itens=None, status: str = StatusPedido.EM_DIGITACAO) -> Pedido:
    pedido = criar_pedido(cenario, itens or [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    Pedido.objects.filter(pk=pedido.pk).update(tipo=TipoDocumento.ORCAMENTO, status=status)
    return Pedido.objects.get(pk=pedido.pk)


def test_converte_copiando_cabecalho_e_itens_ativos(cenario):
    # given a quote with a payment condition, a discount and one cancelled item
    orcamento = _orcamento(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3"),
                                     (cenario.cabo, "1")])  # fmt: skip
    Pedido.objects.filter(pk=orcamento.pk).update(
        condicao_pagamento=cenario.condicao, observacoes="Entregar pela manhã"
    )
    orcamento.refresh_from_db()
    cabo = orcamento.itens.get(produto=cenario.cabo)
    item_cancelar(pedido_id=orcamento.pk, item_id=cabo.pk, versao=orcamento.versao,
                  motivo=cenario.motivo, ator=cenario.dono)  # fmt: skip
    orcamento.refresh_from_db()
    # when converted
    pedido = orcamento_converter(
        orcamento_id=orcamento.pk, versao=orcamento.versao, ator=cenario.dono
    ).pedido
    pedido.refresh_from_db()
    orcamento.refresh_from_db()
    # then a new ORDER with the header and the active items, recalculated, linked back
    assert pedido.tipo == TipoDocumento.PEDIDO and pedido.pk != orcamento.pk
    assert pedido.orcamento_origem == orcamento
    assert pedido.condicao_pagamento == cenario.condicao
    assert pedido.observacoes == "Entregar pela manhã"
    assert [(i.produto.codigo, i.quantidade) for i in pedido.itens.order_by("sequencia")] == [
        ("PAR-001", D("20")),
        ("LAMP-LED", D("3")),
    ]
    assert pedido.v_nf > 0 and pedido.recalculado_em is not None
    # and the quote is CONVERTIDO, with events on both
    assert orcamento.status == StatusPedido.CONVERTIDO
    ev = PedidoEvento.objects.get(pedido=orcamento, tipo=TipoEventoPedido.ORCAMENTO_CONVERTIDO)
    assert ev.dados["numero_pedido"] == pedido.numero and ev.ator == cenario.dono
    ev = PedidoEvento.objects.get(pedido=pedido, tipo=TipoEventoPedido.CRIADO_DE_ORCAMENTO)
    assert ev.dados["numero_orcamento"] == orcamento.numero


@pytest.mark.parametrize("status", list(StatusPedido.values))
def test_quais_status_de_orcamento_convertem_sao_dados(cenario, status):
    orcamento = _orcamento(cenario, status=status)
    pode = StatusPedido.CONVERTIDO in TRANSICOES[status]
    assert pode_converter(orcamento) is pode
    if pode:
        orcamento_converter(orcamento_id=orcamento.pk, versao=orcamento.versao, ator=cenario.dono)
        assert Pedido.objects.get(pk=orcamento.pk).status == StatusPedido.CONVERTIDO
    else:
        with pytest.raises(ErroPedido, match=r"não pode|já foi convertido"):
            orcamento_converter(
                orcamento_id=orcamento.pk, versao=orcamento.versao, ator=cenario.dono
            )
        assert Pedido.objects.count() == 1


def test_fluxo_decidido_quais_convertem():
    convertem = {s for s, destinos in TRANSICOES.items() if StatusPedido.CONVERTIDO in destinos}
    assert convertem == {StatusPedido.EM_DIGITACAO, StatusPedido.APROVADO, StatusPedido.ENVIADO}


@pytest.mark.parametrize("status", [StatusPedido.EM_DIGITACAO, StatusPedido.ENVIADO])
def test_pedido_nao_e_convertido(cenario, status):
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    Pedido.objects.filter(pk=pedido.pk).update(status=status)
    pedido.refresh_from_db()
    assert not pode_converter(pedido)
    with pytest.raises(ErroPedido, match="só orçamentos são convertidos"):
        orcamento_converter(orcamento_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    assert Pedido.objects.count() == 1


def test_segunda_conversao_diz_em_qual_pedido_virou(cenario):
    orcamento = _orcamento(cenario)
    pedido = orcamento_converter(
        orcamento_id=orcamento.pk, versao=orcamento.versao, ator=cenario.dono
    ).pedido
    with pytest.raises(ErroPedido, match=f"já foi convertido no pedido {pedido.numero}"):
        orcamento_converter(orcamento_id=orcamento.pk, versao=orcamento.versao, ator=cenario.dono)


def test_versao_antiga_e_conflito(cenario):
    orcamento = _orcamento(cenario)
    with pytest.raises(ConflitoVersao):
        orcamento_converter(
            orcamento_id=orcamento.pk, versao=orcamento.versao - 1, ator=cenario.dono
        )


def test_colega_nao_converte(cenario):
    orcamento = _orcamento(cenario)
    with pytest.raises(ErroPedido, match="não encontrado"):
        orcamento_converter(orcamento_id=orcamento.pk, versao=orcamento.versao,
                            ator=cenario.pessoas.usuarios["colega"])  # fmt: skip
    assert Pedido.objects.get(pk=orcamento.pk).status == StatusPedido.EM_DIGITACAO


def test_oportunidade_do_orcamento_e_avisada(cenario, monkeypatch):
    import vendas.services.oportunidades as funil

    chamadas: list[dict[str, Any]] = []
    monkeypatch.setattr(funil, "oportunidade_registrar_conversao", lambda **kw: chamadas.append(kw))
    orcamento = _orcamento(cenario)
    # without an opportunity nobody is told
    orcamento_converter(orcamento_id=orcamento.pk, versao=orcamento.versao, ator=cenario.dono)
    assert chamadas == []
    # with one, the funnel's hook gets the quote, the order and who did it
    from vendas.models import EtapaFunil, Oportunidade

    etapa = EtapaFunil.objects.create(codigo="PROP", descricao="Proposta", ordem=1)
    outro = _orcamento(cenario)
    oportunidade = Oportunidade.objects.create(
        cliente=cenario.cliente, representante=cenario.dono, titulo="Reforma", etapa=etapa,
        empresa=cenario.dono.empresa,
        valor_estimado=D("1000"), criado_por=cenario.dono,
    )  # fmt: skip
    Pedido.objects.filter(pk=outro.pk).update(oportunidade=oportunidade)
    pedido = orcamento_converter(orcamento_id=outro.pk, versao=outro.versao, ator=cenario.dono)
    [chamada] = chamadas
    assert chamada["orcamento"].pk == outro.pk and chamada["pedido"].pk == pedido.pedido.pk
    assert chamada["ator"] == cenario.dono
    assert Pedido.objects.get(pk=pedido.pedido.pk).oportunidade == oportunidade


# --- views ---------------------------------------------------------------------------------


def test_botao_converter_so_no_orcamento_conversivel_e_links_nos_dois(client, cenario):
    orcamento = _orcamento(cenario)
    client.force_login(cenario.dono)
    url = reverse("vendas:pedido-detalhe", args=[orcamento.pk])
    html = client.get(url).content.decode()
    assert "Converter em pedido" in html
    # when the rep converts (status/representante in the POST are ignored)
    resp = client.post(
        reverse("vendas:orcamento-converter", args=[orcamento.pk]),
        {"versao": orcamento.versao, "status": "enviado",
         "representante": cenario.pessoas.usuarios["colega"].pk},
    )  # fmt: skip
    pedido = Pedido.objects.get(orcamento_origem=orcamento)
    assert resp.status_code == 302 and resp["Location"].endswith(f"/{pedido.pk}/")
    assert pedido.status == StatusPedido.EM_DIGITACAO and pedido.representante == cenario.dono
    # then the order says where it came from, the quote where it went, no button any more
    html_pedido = client.get(resp["Location"]).content.decode()
    assert f"orçamento {orcamento.numero}" in html_pedido
    assert reverse("vendas:pedido-detalhe", args=[orcamento.pk]) in html_pedido
    assert "Converter em pedido" not in html_pedido
    html = client.get(url).content.decode()
    assert f"pedido {pedido.numero}" in html and "Converter em pedido" not in html


@pytest.mark.parametrize(("quem", "esperado"), [("colega", 404), ("supervisor_outro", 404)])
def test_outsider_recebe_404_ao_converter(client, cenario, quem, esperado):
    orcamento = _orcamento(cenario)
    client.force_login(cenario.pessoas.usuarios[quem])
    resp = client.post(reverse("vendas:orcamento-converter", args=[orcamento.pk]),
                       {"versao": orcamento.versao})  # fmt: skip
    assert resp.status_code == esperado
    assert Pedido.objects.count() == 1


def test_recusa_pela_tela_vira_mensagem(client, cenario):
    orcamento = _orcamento(cenario, status=StatusPedido.RECUSADO)
    client.force_login(cenario.dono)
    resp = client.post(reverse("vendas:orcamento-converter", args=[orcamento.pk]),
                       {"versao": orcamento.versao}, follow=True)  # fmt: skip
    assert "não pode ser convertido" in resp.content.decode()
