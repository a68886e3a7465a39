"""Tables of isoVendas (django-tables2 over crm.tables.BaseTable)."""

from __future__ import annotations

import django_tables2 as tables

from crm.tables import BaseTable
from vendas.models import Pedido


class PedidoTable(BaseTable):
    numero = tables.TemplateColumn(
        template_name="vendas/tables/pedido_numero.html", verbose_name="Número",
        order_by=("numero",),
    )  # fmt: skip
    tipo = tables.Column(verbose_name="Documento", orderable=False)
    data = tables.DateColumn(verbose_name="Data", format="d/m/Y", order_by=("data",))
    cliente = tables.Column(verbose_name="Cliente", accessor="cliente__nome", orderable=False)
    representante = tables.Column(verbose_name="Representante", orderable=False)
    status = tables.TemplateColumn(
        template_name="vendas/tables/pedido_status.html", verbose_name="Situação",
        orderable=False,
    )  # fmt: skip
    v_nf = tables.TemplateColumn(
        template_name="vendas/tables/pedido_total.html", verbose_name="Total",
        order_by=("v_nf",), attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )  # fmt: skip

    class Meta(BaseTable.Meta):
        model = Pedido
        fields = ("numero", "tipo", "data", "cliente", "representante", "status", "v_nf")
        sequence = fields
        order_by = ("-numero",)
        empty_text = "Nenhum pedido encontrado."

    def render_tipo(self, record: Pedido) -> str:
        return record.get_tipo_display()

# --- contracts --------------------------------------------------------------------------------

from vendas.models import Contrato  # noqa: E402


class ContratoTable(BaseTable):
    numero = tables.TemplateColumn(
        template_name="vendas/tables/contrato_numero.html", verbose_name="Número",
        order_by=("numero",),
    )  # fmt: skip
    descricao = tables.Column(verbose_name="Descrição", orderable=False)
    cliente = tables.Column(verbose_name="Cliente", accessor="cliente__nome", orderable=False)
    representante = tables.Column(verbose_name="Representante", orderable=False)
    vigencia_inicio = tables.DateColumn(
        verbose_name="Início", format="d/m/Y", order_by=("vigencia_inicio",)
    )
    vigencia_fim = tables.DateColumn(verbose_name="Fim", format="d/m/Y", order_by=("vigencia_fim",))
    status = tables.TemplateColumn(
        template_name="vendas/tables/contrato_status.html", verbose_name="Situação",
        orderable=False,
    )  # fmt: skip
    valor_total = tables.TemplateColumn(
        template_name="vendas/tables/contrato_valor.html", verbose_name="Valor contratado",
        order_by=("valor_total",), attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )  # fmt: skip

    class Meta(BaseTable.Meta):
        model = Contrato
        fields = ("numero", "descricao", "cliente", "representante", "vigencia_inicio",
                  "vigencia_fim", "status", "valor_total")  # fmt: skip
        sequence = fields
        order_by = ("-numero",)
        empty_text = "Nenhum contrato encontrado."
