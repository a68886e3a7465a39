"""Tables of the catalogue (django-tables2 over crm.tables.BaseTable)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.formats import number_format

from crm.tables import BaseTable
from produtos.models import Produto

COLUNAS_CUSTO = ("custo", "margem")


def _moeda(valor: Decimal | None) -> str:
    if valor is None:
        return "—"
    return f"R$ {number_format(valor, 2, use_l10n=True, force_grouping=True)}"


class ProdutoTable(BaseTable):
    """Sortable columns are keyset-safe (one indexed column + id). Price, stock, cost and margin
    come from correlated subqueries (per row of the page only), so they are not sortable.

    Reps never get the cost and margin columns: the view uses `ProdutoTableSemCusto` unless the
    user has `produtos.ver_custos` (and does not even annotate the cost)."""

    codigo = tables.TemplateColumn(
        template_name="produtos/tables/produto_codigo.html",
        verbose_name="Código",
        order_by=("codigo",),
    )
    descricao = tables.TemplateColumn(
        template_name="produtos/tables/produto_descricao.html",
        verbose_name="Descrição",
        order_by=("descricao",),
    )
    unidade = tables.Column(verbose_name="Un.", accessor="unidade__codigo", orderable=False)
    marca = tables.Column(
        verbose_name="Marca", accessor="marca__descricao", orderable=False, default="—"
    )
    ncm = tables.Column(verbose_name="NCM", order_by=("ncm",))
    preco = tables.Column(
        verbose_name="Preço",
        accessor="preco_vigente",
        orderable=False,
        default="—",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    estoque = tables.Column(
        verbose_name="Estoque disp.",
        accessor="estoque_total",
        orderable=False,
        default="—",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    custo = tables.Column(
        verbose_name="Custo",
        accessor="custo_atual",
        orderable=False,
        default="—",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    margem = tables.Column(
        verbose_name="Margem",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    situacao = tables.TemplateColumn(
        template_name="produtos/tables/produto_situacao.html",
        verbose_name="Situação",
        orderable=False,
    )
    acoes = tables.TemplateColumn(
        template_name="produtos/tables/produto_acoes.html",
        verbose_name="Manutenção",
        orderable=False,
    )

    class Meta(BaseTable.Meta):
        model = Produto
        fields = ("codigo", "descricao", "unidade", "marca", "ncm", "preco", "estoque",
                  "custo", "margem", "situacao", "acoes")  # fmt: skip
        sequence = fields
        order_by = ("descricao",)
        empty_text = "Nenhum produto encontrado."

    def render_preco(self, value: Decimal) -> str:
        return _moeda(value)

    def render_custo(self, value: Decimal) -> str:
        return _moeda(value)

    def render_estoque(self, value: Decimal) -> str:
        return number_format(value.normalize(), use_l10n=True, force_grouping=True)

    def render_margem(self, record: Any) -> str:
        preco, custo = getattr(record, "preco_vigente", None), getattr(record, "custo_atual", None)
        if not preco or custo is None:
            return "—"
        margem = (preco - custo) / preco * 100
        return f"{number_format(margem, 1, use_l10n=True)}%"


class ProdutoTableSemCusto(ProdutoTable):
    class Meta(ProdutoTable.Meta):
        exclude = COLUNAS_CUSTO
