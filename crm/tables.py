"""The ONE base table (django-tables2) every list uses, and the page container for keyset lists.

Cell HTML lives in templates (`TemplateColumn(template_name=...)`), never in Python strings;
`render_<coluna>` methods may only return plain text (it is autoescaped).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_tables2 as tables
from django.db.models import Model
from django_tables2.data import TableListData


class DadosPagina(TableListData):
    """A page already ordered by the database (keyset): the table must not sort it again.

    django-tables2 sorts list data in Python whenever `table.order_by` is set; here the order
    comes from SQL (with NULL placement and an id tiebreaker Python would not reproduce), so
    `order_by` only records the ordering for the headers (th.asc / th.desc).
    """

    def __init__(self, objetos: Iterable[Any], modelo: type[Model] | None = None) -> None:
        super().__init__(list(objetos))
        self._modelo = modelo

    @property
    def model(self) -> type[Model] | None:  # type: ignore[override]
        return self._modelo

    @property
    def verbose_name(self) -> str:
        return str(self._modelo._meta.verbose_name) if self._modelo else "item"

    @property
    def verbose_name_plural(self) -> str:
        return str(self._modelo._meta.verbose_name_plural) if self._modelo else "itens"

    def order_by(self, aliases: Any) -> None:
        return None


class BaseTable(tables.Table):
    """Base of every list table: pt-BR empty text, `ordenar` as the sort parameter.

    Rendered by `includes/tabela.html` (settings.DJANGO_TABLES2_TEMPLATE). Subclasses declare
    `order_by=("campo",)` on sortable columns with ONE database lookup each (keyset needs a
    single sort column; see crm/paginacao.py).
    """

    class Meta:
        attrs = {"class": "tabela"}
        order_by_field = "ordenar"
        empty_text = "Nenhum registro encontrado."
        template_name = "includes/tabela.html"

    def campo_ordenacao(self, alias: str) -> str | None:
        """Database lookup for a sort alias (`-nome` → `-nome`), or None if not sortable."""
        nome = alias.lstrip("-")
        if nome not in self.columns.names():
            return None
        coluna = self.columns[nome]
        if not coluna.orderable:
            return None
        # The column's DECLARED sort key: BoundColumn.order_by is already flipped when the
        # table is currently sorted descending on it (e.g. by a descending Meta.order_by).
        ordem = coluna.column.order_by or (coluna.accessor,)
        if not ordem or len(ordem) != 1:
            return None
        campo = str(ordem[0]).lstrip("-").replace(".", "__")
        desc = alias.startswith("-") != str(ordem[0]).startswith("-")
        return ("-" if desc else "") + campo
