"""Simplified/advanced mode of the order screen: persisted per user (contas.Parametro,
user → company → default), the advanced columns and header fields marked to hide."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contas.models import Parametro
from contas.parametros import parametro
from tests.vendas.conftest import criar_pedido

pytestmark = pytest.mark.django_db


def test_modo_e_gravado_por_usuario_e_vale_so_para_ele(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    dono, colega = cenario.dono, cenario.pessoas.usuarios["supervisor"]
    client.force_login(dono)
    # when dono switches to simplified (htmx)
    resp = client.post(reverse("vendas:pedido-modo"), {"modo": "simplificado"},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    # then the answer is the toggle (now offering "advanced") and the event for the JS
    assert resp.status_code == 200
    assert "Modo avançado" in resp.content.decode()
    assert resp["HX-Trigger"] == '{"pedido-modo": "simplificado"}'
    # and it is dono's own parameter: the screen opens simplified for dono only
    assert parametro("modo_pedido", usuario=dono) == "simplificado"
    assert Parametro.objects.get(chave="modo_pedido").usuario == dono
    url = reverse("vendas:pedido-detalhe", args=[pedido.pk])
    assert 'id="tela-pedido" class="modo-simplificado"' in client.get(url).content.decode()
    client.force_login(colega)
    assert 'id="tela-pedido" class="modo-avancado"' in client.get(url).content.decode()


def test_valor_da_empresa_vale_ate_o_usuario_escolher(client, cenario):
    Parametro.objects.create(empresa=cenario.dono.empresa, chave="modo_pedido",
                             valor="simplificado")  # fmt: skip
    assert parametro("modo_pedido", usuario=cenario.dono) == "simplificado"
    client.force_login(cenario.dono)
    client.post(reverse("vendas:pedido-modo"), {"modo": "avancado"}, HTTP_HX_REQUEST="true")
    assert parametro("modo_pedido", usuario=cenario.dono) == "avancado"
    # the company's value is untouched (the user's own row overrides it)
    assert Parametro.objects.get(chave="modo_pedido", usuario=None).valor == "simplificado"


def test_modo_invalido_e_recusado(client, cenario):
    client.force_login(cenario.dono)
    resp = client.post(reverse("vendas:pedido-modo"), {"modo": "<script>"})
    assert resp.status_code == 400
    assert not Parametro.objects.filter(chave="modo_pedido").exists()


def test_anonimo_nao_altera_modo(client):
    resp = client.post(reverse("vendas:pedido-modo"), {"modo": "simplificado"})
    assert resp.status_code == 302 and "/entrar/" in resp["Location"]


def test_colunas_e_campos_avancados_marcados_no_pedido(client, cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    client.force_login(cenario.dono)
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    # product, quantity, unit price and total stay; taxes, lot, promise, discounts hide
    for coluna in ("ICMS", "IPI", "Lote", "Promessa", "Desc. %", "Novo preço"):
        assert f'col-avancada">{coluna}</th>' in html, coluna
    for coluna in ("Produto", "Qtd", "Unitário", "Total"):
        assert f'col-avancada">{coluna}</th>' not in html, coluna
    assert '<div class="campo col-avancada"><label for="id_transportadora">' in html
    assert "static/js/pedido_modo.js" in html or "pedido_modo" in html
    assert "<kbd>M</kbd>" in html  # printed on the button and in the "?" overlay
