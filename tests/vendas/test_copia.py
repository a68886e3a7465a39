"""Copy of an order: a new one recalculated today, with what changed since the original item
by item (prices, stock, promotions, matrix results), blocked until the rep has seen it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from produtos.models import Estoque, PrecoLista, Promocao
from tests.vendas.conftest import Cenario, criar_pedido, regra
from vendas.constants import TipoEventoPedido
from vendas.models import Pedido
from vendas.services import (
    ErroPedido,
    pedido_conferir_copia,
    pedido_copiar,
    pedido_enviar,
)

D = Decimal
pytestmark = pytest.mark.django_db


def entrar(client: Any, cenario: Cenario, quem: str) -> None:
    client.force_login(cenario.pessoas.usuarios[quem])


def _mudancas(copia: Pedido, item: int) -> dict[str, tuple[str, str]]:
    linha = next(i for i in copia.comparacao_copia["itens"] if i["item"] == item)
    return {m["campo"]: (m["antes"], m["depois"]) for m in linha["mudancas"]}


def test_copia_mostra_o_que_mudou_item_a_item(cenario: Cenario) -> None:
    # given an order of parafusos (R$ 2,00) and lamps (R$ 20,00, stock 50)
    original = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    hoje = timezone.localdate()
    Pedido.objects.filter(pk=original.pk).update(data=hoje - dt.timedelta(days=10))
    # and since then: a new list price for the screw, the lamps' stock fell, a promotion
    # started for the lamp, and the ICMS matrix gives this product 12 %
    PrecoLista.objects.filter(produto=cenario.parafuso).update(preco=D("2.50"))
    Estoque.objects.filter(produto=cenario.lampada).update(quantidade=D("2"))
    Promocao.objects.create(produto=cenario.lampada, descricao="Semana da luz",
                            inicio=hoje, fim=hoje + dt.timedelta(days=7),
                            percentual_desconto=D("10"))  # fmt: skip
    regra("ICMS", uf_origem="SP", uf_destino="SP", produto=cenario.lampada, aliquota=D("12"),
          fcp=D("0"))  # fmt: skip
    # when the rep copies it
    copia = pedido_copiar(pedido_id=original.pk, ator=cenario.dono).pedido
    copia.refresh_from_db()
    # then the copy has the same items, recalculated today, and points to the original
    assert copia.copia_de == original and copia.itens.count() == 2
    parafuso = _mudancas(copia, 1)
    assert parafuso["Preço de lista"] == ("R$ 2,00", "R$ 2,50")
    lampada = _mudancas(copia, 2)
    assert lampada["Estoque disponível"] == ("50", "2")
    assert lampada["Promoção"][0] == "nenhuma"
    assert (
        lampada["Promoção"][1].startswith("Semana da luz (10")
        and "desconto" in lampada["Promoção"][1]
    )
    assert lampada["Alíquota ICMS"][1].startswith("12")
    novos = next(i for i in copia.comparacao_copia["itens"] if i["item"] == 2)["problemas_novos"]
    assert [p["rotulo"] for p in novos] == ["Sem estoque ou não existe no armazém"]
    # and an event says where it came from
    assert copia.eventos.filter(tipo=TipoEventoPedido.COPIADO_DE).exists()


def test_copia_leva_a_promocao_do_item_enquanto_ela_vale(cenario: Cenario) -> None:
    # given an order with a lamp added under a R$ 15,00 promotion (no approval needed)
    from vendas.services.catalogo import Linha, itens_adicionar

    hoje = timezone.localdate()
    promo = Promocao.objects.create(produto=cenario.lampada, descricao="Semana da luz",
                                    tabela=cenario.tabela, inicio=hoje,
                                    fim=hoje + dt.timedelta(days=7), preco=D("15.00"))  # fmt: skip
    original = criar_pedido(cenario)
    itens_adicionar(pedido_id=original.pk, versao=original.versao, ator=cenario.dono,
                    linhas=[Linha(produto=cenario.lampada, quantidade=D("2"),
                                  promocao_id=promo.pk)])  # fmt: skip
    # when it is copied while the promotion holds
    copia = pedido_copiar(pedido_id=original.pk, ator=cenario.dono).pedido
    # then the copy's item keeps the promotion and still needs nobody's approval
    item = copia.itens.get()
    assert item.promocao_id == promo.pk and item.novo_preco == D("15.00")
    assert item.percentual_desconto_alcada == D("0") and item.papel_aprovador == "Representante"


def test_copia_sem_conferir_nao_pode_ser_enviada(cenario: Cenario) -> None:
    # given a copy of a sendable order
    original = criar_pedido(cenario, [(cenario.parafuso, "30")])
    copia = pedido_copiar(pedido_id=original.pk, ator=cenario.dono).pedido
    copia.refresh_from_db()
    # then until the rep confirms the comparison, sending is refused
    assert "copia_nao_conferida" in [p["codigo"] for p in copia.problemas]
    with pytest.raises(ErroPedido):
        pedido_enviar(pedido_id=copia.pk, versao=copia.versao, ator=cenario.dono)
    # and once confirmed the blocking problem is gone
    pedido_conferir_copia(pedido_id=copia.pk, versao=copia.versao, ator=cenario.dono)
    copia.refresh_from_db()
    assert "copia_nao_conferida" not in [p["codigo"] for p in copia.problemas]
    assert copia.eventos.filter(tipo=TipoEventoPedido.COPIA_CONFERIDA).exists()


@pytest.mark.parametrize(
    ("quem", "esperado"), [("dono", 302), ("supervisor", 302), ("colega", 404), ("sac", 403)]
)
def test_copiar_pela_tela_respeita_a_carteira(client, cenario, quem, esperado) -> None:
    # given dono's order
    original = criar_pedido(cenario, [(cenario.parafuso, "20")])
    entrar(client, cenario, quem)
    antes = Pedido.objects.count()
    # when someone copies it by URL
    resp = client.post(reverse("vendas:pedido-copiar", args=[original.pk]))
    # then only who sees it (and may create orders) gets a copy; a colleague 404
    assert resp.status_code == esperado
    assert Pedido.objects.count() == antes + (1 if esperado == 302 else 0)
    if esperado == 302:
        copia = Pedido.objects.get(copia_de=original)
        assert resp["Location"] == reverse("vendas:pedido-detalhe", args=[copia.pk])
        html = client.get(resp["Location"]).content.decode()
        assert "Comparativo da cópia" in html and "Conferi as mudanças" in html


@pytest.mark.parametrize(("quem", "esperado"), [("dono", 302), ("colega", 404)])
def test_conferir_copia_pela_tela(client, cenario, quem, esperado) -> None:
    original = criar_pedido(cenario, [(cenario.parafuso, "20")])
    copia = pedido_copiar(pedido_id=original.pk, ator=cenario.dono).pedido
    entrar(client, cenario, quem)
    resp = client.post(reverse("vendas:copia-conferir", args=[copia.pk]), {"versao": copia.versao})
    assert resp.status_code == esperado
    copia.refresh_from_db()
    assert (copia.copia_conferida_em is not None) is (esperado == 302)


def test_copia_ignora_tipo_enviado_no_post(client, cenario) -> None:
    # given a quote; the copy form offers no type
    from vendas.constants import TipoDocumento

    original = criar_pedido(cenario, [(cenario.parafuso, "20")])
    Pedido.objects.filter(pk=original.pk).update(tipo=TipoDocumento.ORCAMENTO)
    entrar(client, cenario, "dono")
    # when a crafted POST asks for an order
    resp = client.post(reverse("vendas:pedido-copiar", args=[original.pk]), {"tipo": "pedido"})
    # then the copy is a quote, like the original
    assert resp.status_code == 302
    assert Pedido.objects.get(copia_de=original).tipo == TipoDocumento.ORCAMENTO
