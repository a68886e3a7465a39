"""Tabela da lista de regras (django-tables2 sobre crm.tables.BaseTable)."""

from __future__ import annotations

import django_tables2 as tables

from crm.tables import BaseTable
from matrizes.models import Regra


class RegraTable(BaseTable):
    """Colunas ordenáveis têm uma só coluna de banco cada (paginação keyset, crm/paginacao.py).
    Dimensões e resultados são resumos de várias colunas: não ordenam."""

    id = tables.TemplateColumn(
        template_name="matrizes/tables/regra_id.html", verbose_name="Regra", order_by=("id",)
    )
    matriz = tables.Column(verbose_name="Matriz", order_by=("matriz",))
    dimensoes = tables.TemplateColumn(
        template_name="matrizes/tables/regra_dimensoes.html",
        verbose_name="Quando (dimensões)",
        orderable=False,
        attrs={"td": {"class": "quebra"}},
    )
    resultado = tables.TemplateColumn(
        template_name="matrizes/tables/regra_resultado.html",
        verbose_name="Resultado",
        orderable=False,
        attrs={"td": {"class": "quebra"}},
    )
    especificidade = tables.Column(
        verbose_name="Especif.",
        accessor="especificidade_sql",
        order_by=("especificidade_sql",),
        attrs={"td": {"class": "num"}, "th": {"class": "num", "title": "Dimensões preenchidas"}},
    )
    vigencia_inicio = tables.DateColumn(
        verbose_name="Vigente de", format="d/m/Y", order_by=("vigencia_inicio",)
    )
    vigencia_fim = tables.DateColumn(
        verbose_name="Vigente até", format="d/m/Y", order_by=("vigencia_fim",), default="—"
    )
    situacao = tables.TemplateColumn(
        template_name="matrizes/tables/regra_situacao.html",
        verbose_name="Situação",
        orderable=False,
    )

    class Meta(BaseTable.Meta):
        model = Regra
        fields = ("id", "matriz", "dimensoes", "resultado", "especificidade",
                  "vigencia_inicio", "vigencia_fim", "situacao")  # fmt: skip
        sequence = fields
        order_by = ("matriz",)
        empty_text = "Nenhuma regra encontrada."

    def render_matriz(self, record: Regra) -> str:
        return record.matriz_curta
