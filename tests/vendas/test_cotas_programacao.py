"""Closing-tab checks the engine does not know: product quotas (seed "Cotas") and an item's
date scheduling that no longer adds up or is overdue (seed "Programação de datas"). A sent
order consumes its quotas, checked again under a lock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from produtos.models import Cota
from tests.vendas.conftest import Cenario, criar_pedido
from vendas.constants import StatusPedido, TipoDocumento, TipoEventoPedido
from vendas.models import Pedido, PedidoEvento, ProgramacaoItem
from vendas.services import (
    ErroPedido,
    item_adicionar,
    item_alterar,
    pedido_criar,
    pedido_enviar,
)
from vendas.services.pedidos import _consumir_cotas, pedido_recalcular

D = Decimal
pytestmark = pytest.mark.django_db


def _cota(cenario: Cenario, quantidade: str, **campos) -> Cota:
    hoje = timezone.localdate()
    campos.setdefault("representante", cenario.dono)
    return Cota.objects.create(
        produto=cenario.lampada,
        inicio=hoje - dt.timedelta(days=1),
        fim=hoje + dt.timedelta(days=30),
        quantidade=D(quantidade),
        **campos,
    )


def _codigos(pedido: Pedido) -> list[str]:
    pedido.refresh_from_db()
    return [p["codigo"] for p in pedido.problemas]


def test_itens_do_mesmo_produto_somam_contra_o_saldo_da_cota(cenario: Cenario) -> None:
    # given a quota of 10 lamps for the rep, 4 already consumed (saldo 6)
    _cota(cenario, "10", consumida=D("4"))
    # when the order has two lines of lamps, 4 + 3
    pedido = criar_pedido(cenario, [(cenario.lampada, "4"), (cenario.lampada, "3")])
    # then both lines show the blocking quota problem, with the balance and the total
    assert _codigos(pedido).count("cota") == 2
    assert pedido.tem_bloqueio
    mensagem = next(p["mensagem"] for p in pedido.problemas if p["codigo"] == "cota")
    assert "saldo de 6" in mensagem and "soma 7" in mensagem
    # and within the balance there is no problem
    assert "cota" not in _codigos(criar_pedido(cenario, [(cenario.lampada, "6")]))


@pytest.mark.parametrize(
    "campos",
    [
        {"representante": None, "cliente_id": "outro"},  # another client's quota
        {"representante": "colega"},  # another rep's quota
        {"vencida": True},  # out of period
    ],
)
def test_cota_que_nao_se_aplica_nao_limita(cenario: Cenario, campos) -> None:
    campos = dict(campos)
    if campos.get("cliente_id") == "outro":
        campos["cliente_id"] = cenario.cliente_colega.pk
    if campos.get("representante") == "colega":
        campos["representante"] = cenario.pessoas.usuarios["colega"]
    vencida = campos.pop("vencida", False)
    cota = _cota(cenario, "1", **campos)
    if vencida:
        Cota.objects.filter(pk=cota.pk).update(
            inicio=dt.date(2020, 1, 1), fim=dt.date(2020, 12, 31)
        )
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    assert "cota" not in _codigos(pedido)


def test_cota_do_cliente_vale_para_qualquer_representante(cenario: Cenario) -> None:
    _cota(cenario, "2", representante=None, cliente=cenario.cliente)
    assert "cota" in _codigos(criar_pedido(cenario, [(cenario.lampada, "3")]))


def test_pedido_enviado_consome_a_cota_e_orcamento_nao(cenario: Cenario) -> None:
    # given a quota of 10 lamps
    cota = _cota(cenario, "10")
    # when a quote for 3 lamps is sent
    calculo = pedido_criar(
        cliente_id=cenario.cliente.pk, ator=cenario.dono, tipo=TipoDocumento.ORCAMENTO
    )
    orcamento = item_adicionar(
        pedido_id=calculo.pedido.pk,
        versao=calculo.pedido.versao,
        produto=cenario.lampada,
        quantidade=D("3"),
        ator=cenario.dono,
    ).pedido
    pedido_enviar(pedido_id=orcamento.pk, versao=orcamento.versao, ator=cenario.dono)
    cota.refresh_from_db()
    assert cota.consumida == 0
    # and an order for 3 lamps is sent
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    envio = pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    # then the order consumed 3 and the event says which quota
    assert envio.pedido.status == StatusPedido.ENVIADO
    cota.refresh_from_db()
    assert cota.consumida == D("3")
    evento = PedidoEvento.objects.get(pedido=pedido, tipo=TipoEventoPedido.ENVIADO)
    assert evento.dados["cotas"] == [
        {"cota": str(cota.pk), "produto": "LAMP-LED", "quantidade": "3"}
    ]
    # and a second order beyond the remaining 7 is blocked
    outro = criar_pedido(cenario, [(cenario.lampada, "8")])
    with pytest.raises(ErroPedido, match="Fechamento"):
        pedido_enviar(pedido_id=outro.pk, versao=outro.versao, ator=cenario.dono)


def test_cota_usada_por_outro_entre_o_calculo_e_o_envio_e_recusada(cenario: Cenario) -> None:
    # given an order calculated against a quota of 5 (no problem then)
    cota = _cota(cenario, "5")
    pedido = criar_pedido(cenario, [(cenario.lampada, "4")])
    itens = list(pedido.itens.all())
    # when another order took 3 of it meanwhile
    Cota.objects.filter(pk=cota.pk).update(consumida=D("3"))
    # then consuming under the lock refuses, naming the balance
    with pytest.raises(ErroPedido, match="saldo 2 UN, este pedido precisa de 4"):
        _consumir_cotas(pedido, itens)


def _programar(item, partes: list[tuple[dt.date, str]]) -> None:
    ProgramacaoItem.objects.bulk_create(
        ProgramacaoItem(item=item, data=data, quantidade=D(q)) for data, q in partes
    )


def test_programacao_que_nao_fecha_com_a_quantidade_bloqueia(cenario: Cenario) -> None:
    # given a 3-lamp item scheduled in two parts that add up to 3
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    item = pedido.itens.get()
    amanha = timezone.localdate() + dt.timedelta(days=1)
    _programar(item, [(amanha, "1"), (amanha + dt.timedelta(days=7), "2")])
    pedido_recalcular(pedido_id=pedido.pk)
    assert "programacao_divergente" not in _codigos(pedido)
    # when the quantity changes to 5 without redoing the schedule
    pedido.refresh_from_db()
    item_alterar(pedido_id=pedido.pk, versao=pedido.versao, item_id=item.pk,
                 ator=cenario.dono, dados={"quantidade": D("5")})  # fmt: skip
    # then the closing tab blocks the item, saying by how much
    pedido.refresh_from_db()
    problema = next(p for p in pedido.problemas if p["codigo"] == "programacao_divergente")
    assert problema["bloqueia"] and "soma 3, o item tem 5" in problema["mensagem"]


def test_parte_programada_em_data_passada_e_programacao_vencida(cenario: Cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    ontem = timezone.localdate() - dt.timedelta(days=1)
    _programar(pedido.itens.get(), [(ontem, "3")])
    pedido_recalcular(pedido_id=pedido.pk)
    problema = next(p for p in _problemas(pedido) if p["codigo"] == "programacao_vencida")
    assert ontem.strftime("%d/%m/%Y") in problema["mensagem"] and problema["bloqueia"]


def _problemas(pedido: Pedido) -> list[dict]:
    pedido.refresh_from_db()
    return pedido.problemas
