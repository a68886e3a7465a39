"""Regressions found in the review of the vendas packages (contracts, catalogue, attachments…):
each test fails without its fix."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.vendas.conftest import criar_pedido
from vendas.models import Pedido

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
