"""Services: each write validates, saves and leaves its event row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from produtos.constants import TipoEventoProduto
from produtos.models import EventoProduto, PrecoLista, Produto, ProdutoSimilar
from produtos.services import (
    item_incluir,
    item_remover,
    preco_definir,
    produto_atualizar,
    produto_criar,
)
from tests.factories import ClienteFactory, UsuarioFactory
from tests.produtos.fabricas import PrecoFactory, ProdutoFactory, tabela, unidade

pytestmark = pytest.mark.django_db


@pytest.fixture
def ator():
    return UsuarioFactory(papel="Supervisor")


def _preco(produto, inicio, valor="10.00", fim=None, **chave):
    chave = chave or {"tabela": tabela()}
    return PrecoLista(produto=produto, preco=Decimal(valor), inicio=inicio, fim=fim, **chave)


def test_produto_criar_grava_evento(ator):
    # given a valid unsaved product; when created
    p = produto_criar(
        produto=Produto(codigo="ABC", descricao="Caneta", unidade=unidade(), ncm="96081000"),
        ator=ator,
    )
    # then it exists and the event says who created it
    evento = EventoProduto.objects.get(produto=p)
    assert (evento.tipo, evento.ator, evento.dados["codigo"]) == ("criado", ator, "ABC")


def test_produto_criar_recusa_dados_invalidos(ator):
    with pytest.raises(ValidationError):
        produto_criar(
            produto=Produto(codigo="ABC", descricao="X", unidade=unidade(), ncm="1"), ator=ator
        )
    assert not Produto.objects.exists()


def test_bloquear_produto_grava_evento_de_bloqueio_com_motivo(ator):
    p = ProdutoFactory()
    p.bloqueado, p.motivo_bloqueio = True, "Recall do fabricante"
    produto_atualizar(produto=p, campos=["bloqueado", "motivo_bloqueio"], ator=ator)
    tipos = set(EventoProduto.objects.filter(produto=p).values_list("tipo", flat=True))
    assert tipos == {TipoEventoProduto.BLOQUEADO, TipoEventoProduto.ALTERADO}
    alterado = EventoProduto.objects.get(produto=p, tipo="alterado")
    assert alterado.dados["bloqueado"] == [False, True]


def test_atualizar_sem_campos_nao_grava_nada(ator):
    p = ProdutoFactory()
    produto_atualizar(produto=p, campos=[], ator=ator)
    assert not EventoProduto.objects.exists()


def test_novo_preco_encerra_o_anterior_na_vespera(ator):
    # given an open-ended price from 01/01
    antigo = PrecoFactory(inicio=dt.date(2025, 1, 1), preco=Decimal("10.00"))
    # when a new price is defined from 01/03
    novo = preco_definir(preco=_preco(antigo.produto, dt.date(2025, 3, 1), "12.50"), ator=ator)
    # then the old one ends on 28/02 and the new one is open-ended
    antigo.refresh_from_db()
    assert antigo.fim == dt.date(2025, 2, 28)
    assert (novo.preco, novo.fim) == (Decimal("12.50"), None)
    assert EventoProduto.objects.filter(tipo="preco_definido", produto=antigo.produto).exists()


def test_preco_no_mesmo_inicio_substitui_o_valor(ator):
    antigo = PrecoFactory(inicio=dt.date(2025, 1, 1), preco=Decimal("10.00"))
    preco_definir(preco=_preco(antigo.produto, dt.date(2025, 1, 1), "11.00"), ator=ator)
    assert list(PrecoLista.objects.values_list("preco", flat=True)) == [Decimal("11.00")]


def test_preco_que_colide_com_preco_futuro_e_recusado(ator):
    # given a price scheduled from 01/06
    futuro = PrecoFactory(inicio=dt.date(2025, 6, 1))
    # when someone defines an open-ended price from 01/03; then it is refused (never dropped)
    with pytest.raises(ValidationError, match="programado a partir de 01/06/2025"):
        preco_definir(preco=_preco(futuro.produto, dt.date(2025, 3, 1)), ator=ator)
    # but a price that ends before the scheduled one is fine
    preco_definir(
        preco=_preco(futuro.produto, dt.date(2025, 3, 1), fim=dt.date(2025, 5, 31)), ator=ator
    )
    assert PrecoLista.objects.count() == 2


def test_preco_por_cliente_nao_mexe_no_preco_da_tabela(ator):
    da_tabela = PrecoFactory(inicio=dt.date(2025, 1, 1))
    cliente = ClienteFactory()
    preco_definir(
        preco=_preco(da_tabela.produto, dt.date(2025, 2, 1), "9.00", cliente=cliente), ator=ator
    )
    da_tabela.refresh_from_db()
    assert da_tabela.fim is None


def test_incluir_e_remover_item_gravam_eventos(ator):
    p, similar = ProdutoFactory(), ProdutoFactory()
    obj = item_incluir(
        produto=p, objeto=ProdutoSimilar(produto=p, similar=similar), secao="similares", ator=ator
    )
    with pytest.raises(ValidationError, match="já existe"):
        item_incluir(
            produto=p,
            objeto=ProdutoSimilar(produto=p, similar=similar),
            secao="similares",
            ator=ator,
        )
    item_remover(produto=p, objeto=obj, secao="similares", ator=ator)
    assert not ProdutoSimilar.objects.exists()
    assert list(
        EventoProduto.objects.filter(produto=p).order_by("id").values_list("tipo", flat=True)
    ) == ["secao_incluida", "secao_removida"]
