"""Tables of isoAtendimento (django-tables2 over crm.tables.BaseTable)."""

from __future__ import annotations

import django_tables2 as tables

from atendimento.models import Chamado
from crm.tables import BaseTable


class ChamadoTable(BaseTable):
    numero = tables.TemplateColumn(
        template_name="atendimento/tables/chamado_numero.html", verbose_name="Número",
        order_by=("numero",),
    )  # fmt: skip
    criado_em = tables.DateTimeColumn(
        verbose_name="Aberto em", format="d/m/Y H:i", order_by=("criado_em",)
    )
    cliente = tables.Column(verbose_name="Cliente", accessor="cliente__nome", orderable=False)
    assunto = tables.Column(verbose_name="Assunto", orderable=False)
    tipo = tables.TemplateColumn(
        template_name="atendimento/tables/chamado_tipo.html", verbose_name="Tipo / motivo",
        orderable=False,
    )  # fmt: skip
    status = tables.TemplateColumn(
        template_name="atendimento/tables/chamado_status.html", verbose_name="Situação",
        orderable=False,
    )  # fmt: skip
    responsavel = tables.TemplateColumn(
        template_name="atendimento/tables/chamado_responsavel.html", verbose_name="Responsável",
        orderable=False,
    )  # fmt: skip
    prazo = tables.TemplateColumn(
        template_name="atendimento/tables/chamado_prazo.html", verbose_name="Prazo",
        order_by=("prazo",),
    )  # fmt: skip

    class Meta(BaseTable.Meta):
        model = Chamado
        fields = ("numero", "criado_em", "cliente", "assunto", "tipo", "status",
                  "responsavel", "prazo")  # fmt: skip
        sequence = fields
        order_by = ("-criado_em",)
        empty_text = "Nenhum chamado encontrado."
