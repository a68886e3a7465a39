"""Regressions found in the review of the vendas packages (contracts, catalogue, attachments…):
each test fails without its fix."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.vendas.conftest import criar_pedido
from vendas.models import AnexoPedido, Pedido

D = Decimal
pytestmark = pytest.mark.django_db


# --- the catalogue: ids typed as digits Python's int() does not take -----------------------


@pytest.mark.parametrize("bruto", ["²", "¹²", "9" * 30])
def test_carrinho_com_id_estranho_recusa_a_linha_sem_erro_500(cenario, client, bruto):
    """'²'.isdigit() is True but int('²') raises: the cart answered 500. A number beyond the
    id column's range is just an unknown product."""
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    client.force_login(cenario.dono)
    versao = Pedido.objects.get(pk=pedido.pk).versao
    resp = client.post(
        reverse("vendas:itens-lote", args=[pedido.pk]),
        {"versao": versao, "produto": [bruto], "quantidade": ["1"], "promocao": ["²"]},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 200
    assert "produto não encontrado" in resp.content.decode()


@pytest.mark.parametrize("bruto", ["²", "9" * 30])
def test_sugestoes_com_id_estranho_nao_da_erro_500(cenario, client, bruto):
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    client.force_login(cenario.dono)
    url = reverse("vendas:catalogo-sugestoes", args=[pedido.pk])
    resp = client.get(url, {"produto": [bruto, str(cenario.lampada.pk)]}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    assert cenario.lampada.codigo in resp.content.decode()


# --- attachments: who may remove each one, decided without a query per attachment -------------


def _anexos(pedido, quem, n):
    AnexoPedido.objects.bulk_create(
        AnexoPedido(
            pedido=pedido, arquivo=f"vendas/anexos/x{i}.pdf", nome_original=f"oc{i}.pdf",
            tamanho=10, tipo_conteudo="application/pdf", enviado_por=quem,
        )
        for i in range(n)
    )  # fmt: skip


def _consultas_da_pagina(client, pedido) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk]))
    assert resp.status_code == 200
    return len(ctx.captured_queries)


def test_aba_anexos_nao_consulta_papeis_por_anexo(cenario, client):
    """The rep sees attachments sent by the supervisor: `pode_remover_anexo` asked the user's
    groups once per attachment (200 attachments, 200 queries)."""
    supervisor = cenario.pessoas.usuarios["supervisor"]
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    client.force_login(cenario.dono)
    _anexos(pedido, supervisor, 1)
    uma = _consultas_da_pagina(client, pedido)
    _anexos(pedido, supervisor, 6)
    assert _consultas_da_pagina(client, pedido) == uma


def test_painel_de_anexos_marca_quem_pode_remover(cenario, client):
    """Same answer as before the change: the uploader and a supervisor may, another rep not."""
    supervisor = cenario.pessoas.usuarios["supervisor"]
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    _anexos(pedido, supervisor, 1)
    _anexos(pedido, cenario.dono, 1)
    remover = re.compile(rf'hx-post="/vendas/{pedido.pk}/anexos/\d+/remover/"')
    client.force_login(cenario.dono)
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert len(remover.findall(html)) == 1  # only their own
    client.force_login(supervisor)
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert len(remover.findall(html)) == 2
