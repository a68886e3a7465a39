"""Behaviour made explicit while typing vendas for mypy: an order without a warehouse has no
stock (the stock reads no longer rely on `armazem_id=None` meaning IS NULL), and the
promotional price of a product."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from produtos.models import Produto
from tests.vendas.conftest import Cenario, criar_pedido
from vendas import selectors
from vendas.models import Pedido

D = Decimal
pytestmark = pytest.mark.django_db


def _sem_armazem(pedido: Any) -> Pedido:
    Pedido.objects.filter(pk=pedido.pk).update(armazem=None)
    return Pedido.objects.get(pk=pedido.pk)


def test_busca_com_armazem_mostra_o_disponivel(cenario: Cenario) -> None:
    pedido = criar_pedido(cenario)
    assert pedido.armazem_id == cenario.armazem.pk
    (lampada,) = selectors.produtos_buscar(pedido=pedido, termo="LAMP-LED")
    assert lampada.disponivel == D("50")
    assert lampada.preco == D("20.00")


def test_pedido_sem_armazem_nao_tem_estoque_mas_tem_preco(cenario: Cenario) -> None:
    # given an order whose warehouse is empty (the client's table may have none)
    pedido = _sem_armazem(criar_pedido(cenario, [(cenario.lampada, "1")]))
    # when its products are searched, priced and its item's stock asked
    (lampada,) = selectors.produtos_buscar(pedido=pedido, termo="LAMP-LED")
    (com_preco,) = selectors.produtos_com_preco(
        pedido=pedido, qs=Produto.objects.filter(pk=cenario.lampada.pk)
    )
    item = pedido.itens.get()
    # then no stock is shown (stock is per warehouse), the price still is
    assert lampada.disponivel is None
    assert lampada.preco == D("20.00")
    assert com_preco.disponivel is None
    assert com_preco.preco == D("20.00")
    assert selectors.estoque_do_item(pedido=pedido, item=item) is None


def test_estoque_do_item_no_armazem_do_pedido(cenario: Cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    assert selectors.estoque_do_item(pedido=pedido, item=pedido.itens.get()) == D("50")


def test_preco_promocional_pelo_preco_ou_pelo_percentual() -> None:
    from produtos.models import Promocao

    assert selectors._preco_promocional(None, D("10")) is None
    assert selectors._preco_promocional(Promocao(preco=D("7.50")), D("10")) == D("7.50")
    assert selectors._preco_promocional(Promocao(percentual_desconto=D("10")), D("10")) == D("9.00")
    # a percentage over a product without a price has no price
    assert selectors._preco_promocional(Promocao(percentual_desconto=D("10")), None) is None


def test_remover_anexo_sem_arquivo_nao_falha_depois_do_commit(
    cenario: Cenario, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """mypy: `FieldFile.name` is optional. A row without a file (an empty FileField) used to
    queue `storage.delete("")`, which raises ValueError once the removal had committed."""
    from vendas.models import AnexoPedido
    from vendas.services.anexos import anexo_remover

    settings.MEDIA_ROOT = tmp_path
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    anexo = AnexoPedido.objects.create(
        pedido=pedido, arquivo="", nome_original="perdido.pdf", tamanho=0,
        tipo_conteudo="application/pdf", enviado_por=cenario.dono,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        anexo_remover(pedido_id=pedido.pk, anexo_id=anexo.pk, ator=cenario.dono)
    assert not AnexoPedido.objects.filter(pk=anexo.pk).exists()
