"""Table of the import list (django-tables2 over crm.tables.BaseTable)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.formats import number_format

from crm.tables import BaseTable
from importacoes.models import Importacao
from importacoes.tipos import obter_tipo


def _milhar(valor: int) -> str:
    return number_format(valor, 0, use_l10n=True, force_grouping=True)


class ImportacaoTable(BaseTable):
    numero = tables.TemplateColumn(
        template_name="importacoes/tables/importacao_numero.html",
        verbose_name="Nº",
        accessor="pk",
        order_by=("id",),
    )
    tipo = tables.Column(verbose_name="Tipo", orderable=False)
    nome_arquivo = tables.Column(verbose_name="Arquivo", orderable=False)
    criado_por = tables.Column(verbose_name="Enviada por", orderable=False)
    criado_em = tables.DateTimeColumn(
        verbose_name="Enviada em", format="d/m/Y H:i", order_by=("criado_em",)
    )
    status = tables.TemplateColumn(
        template_name="importacoes/tables/importacao_status.html",
        verbose_name="Situação",
        orderable=False,
    )
    linhas_lidas = tables.Column(
        verbose_name="Lidas",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
        orderable=False,
    )
    criadas = tables.Column(
        verbose_name="Criadas",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
        orderable=False,
    )
    atualizadas = tables.Column(
        verbose_name="Atualizadas",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
        orderable=False,
    )
    rejeitadas = tables.Column(
        verbose_name="Rejeitadas",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
        orderable=False,
    )

    class Meta(BaseTable.Meta):
        model = Importacao
        fields = ("numero", "tipo", "nome_arquivo", "criado_por", "criado_em", "status",
                  "linhas_lidas", "criadas", "atualizadas", "rejeitadas")  # fmt: skip
        sequence = fields
        # No Meta.order_by: the view's `ordem_padrao` (-criado_em) decides the default order.
        empty_text = "Nenhuma importação ainda."

    def render_tipo(self, value: str) -> str:
        try:
            return obter_tipo(value).nome
        except LookupError:
            return value

    def render_criado_por(self, record: Any) -> str:
        return str(record.criado_por)

    def render_linhas_lidas(self, value: int) -> str:
        return _milhar(value)

    def render_criadas(self, value: int) -> str:
        return _milhar(value)

    def render_atualizadas(self, value: int) -> str:
        return _milhar(value)

    def render_rejeitadas(self, value: int) -> str:
        return _milhar(value)
