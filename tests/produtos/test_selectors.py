"""Selectors: search by code/description/EAN and visibility of client prices, quotas, costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from produtos.models import Cota, Custo, PrecoLista, Produto
from produtos.selectors import (
    cotas_listar,
    custos_listar,
    filtrar_por_termo,
    precos_listar,
    produto_buscar,
)
from tests.factories import ClienteFactory
from tests.produtos.fabricas import PrecoFactory, ProdutoFactory, ean_valido

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogo():
    return {
        "cafe": ProdutoFactory(codigo="CAF-500", descricao="Café torrado e moído 500g Aurora"),
        "acucar": ProdutoFactory(codigo="ACU-1", descricao="Açúcar cristal 1kg"),
        "sabao": ProdutoFactory(codigo="SAB-1", descricao="Sabão em pó 800g", ean=ean_valido(77)),
        "codigo_cafe": ProdutoFactory(codigo="CAFETEIRA-9", descricao="Garrafa térmica 1L"),
    }


def _codigos(qs) -> set[str]:
    return set(qs.values_list("codigo", flat=True))


def test_busca_ignora_acento_e_caixa(catalogo):
    # given "Café" and "Açúcar"; when searched without accents, in upper case; then found
    assert _codigos(filtrar_por_termo(Produto.objects.all(), "CAFE TORRADO")) == {"CAF-500"}
    assert _codigos(filtrar_por_termo(Produto.objects.all(), "acucar")) == {"ACU-1"}
    assert _codigos(filtrar_por_termo(Produto.objects.all(), "sabão")) == {"SAB-1"}


def test_busca_por_prefixo_de_codigo(catalogo):
    assert _codigos(filtrar_por_termo(Produto.objects.all(), "caf")) == {
        "CAF-500", "CAFETEIRA-9",
    }  # fmt: skip
    # 1–2 characters: only the code prefix (trigrams would scan everything)
    assert _codigos(filtrar_por_termo(Produto.objects.all(), "sa")) == {"SAB-1"}


def test_busca_por_ean_exato(catalogo):
    assert _codigos(filtrar_por_termo(Produto.objects.all(), ean_valido(77))) == {"SAB-1"}


def test_todas_as_palavras_precisam_aparecer(catalogo):
    assert _codigos(filtrar_por_termo(Produto.objects.all(), "cafe 500g aurora")) == {"CAF-500"}
    assert not _codigos(filtrar_por_termo(Produto.objects.all(), "cafe 1kg"))


def test_autocomplete_poe_codigo_exato_primeiro_e_respeita_vendaveis(catalogo, pessoas):
    rep = pessoas.usuarios["dono"]
    ProdutoFactory(codigo="CAF", descricao="Café bloqueado", bloqueado=True, motivo_bloqueio="x")
    nomes = [p.codigo for p in produto_buscar(user=rep, termo="caf")]
    assert nomes[0] == "CAF"
    vendaveis = [p.codigo for p in produto_buscar(user=rep, termo="caf", so_vendaveis=True)]
    assert "CAF" not in vendaveis and "CAF-500" in vendaveis


def test_busca_usa_os_indices_de_trigrama_e_de_codigo(catalogo):
    # given many products (so the planner prefers indexes); when the description search runs
    ProdutoFactory.create_batch(300)
    with connection.cursor() as c:
        c.execute("ANALYZE produtos_produto")
    qs = filtrar_por_termo(Produto.objects.all(), "torrado").order_by()
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as c:
        c.execute("SET LOCAL enable_seqscan = off")
        c.execute("EXPLAIN " + sql, params)
        plano = "\n".join(r[0] for r in c.fetchall())
    # then it is answered by the trigram GIN index and the code btree (no seq scan)
    assert "produto_descricao_trgm" in plano
    assert "Seq Scan on produtos_produto" not in plano


def test_preco_de_cliente_so_aparece_para_quem_ve_o_cliente(pessoas):
    # given a table price and a price for a client of rep A's portfolio
    produto = ProdutoFactory()
    PrecoFactory(produto=produto)
    cliente = ClienteFactory(carteira=pessoas.a)
    PrecoFactory(produto=produto, tabela=None, cliente=cliente, preco=Decimal("7.00"))
    u = pessoas.usuarios

    def ve_preco_cliente(quem: str) -> bool:
        return precos_listar(user=u[quem], produto=produto).filter(cliente=cliente).exists()

    # then the owner, his supervisor and admin see it; the colleague does not
    assert ve_preco_cliente("dono")
    assert ve_preco_cliente("supervisor")
    assert ve_preco_cliente("admin")
    assert not ve_preco_cliente("colega")
    assert not ve_preco_cliente("supervisor_outro")
    # and everyone sees the table price
    for quem in u:
        assert precos_listar(user=u[quem], produto=produto).filter(tabela__isnull=False).exists()
    assert PrecoLista.objects.visiveis_para(u["colega"]).count() == 1


def test_cotas_de_outro_representante_nao_aparecem(pessoas):
    u = pessoas.usuarios
    produto = ProdutoFactory()
    Cota.objects.create(
        produto=produto, representante=u["dono"], inicio=dt.date(2025, 1, 1),
        fim=dt.date(2025, 12, 31), quantidade=10,
    )  # fmt: skip
    assert cotas_listar(user=u["dono"], produto=produto).count() == 1
    assert cotas_listar(user=u["colega"], produto=produto).count() == 0
    assert cotas_listar(user=u["supervisor"], produto=produto).count() == 1


@pytest.mark.parametrize(
    "quem, ve", [("dono", False), ("sac", False), ("supervisor", True), ("admin", True)]
)
def test_custos_so_para_supervisor_e_admin(pessoas, quem, ve):
    produto = ProdutoFactory()
    Custo.objects.create(produto=produto, data=dt.date(2025, 1, 1), custo=Decimal("3.00"))
    user = pessoas.usuarios[quem]
    if ve:
        assert custos_listar(user=user, produto=produto).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            custos_listar(user=user, produto=produto)


def test_autocomplete_faz_uma_consulta(catalogo, pessoas):
    rep = pessoas.usuarios["dono"]
    rep.has_perm("produtos.view_produto")  # warm the permission cache
    with CaptureQueriesContext(connection) as ctx:
        produto_buscar(user=rep, termo="cafe")
    assert len(ctx.captured_queries) == 1
