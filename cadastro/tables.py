"""Tables of isoCadastro (django-tables2 over crm.tables.BaseTable)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables

from cadastro.models import Cliente
from crm.documentos import formatar_documento, formatar_fone
from crm.tables import BaseTable


class ClienteTable(BaseTable):
    """Sortable columns are all keyset-safe (crm/paginacao.py); cidade/UF and telefone are not
    sortable: they come from child tables (a correlated subquery per row), which no index can
    order at 1.000.000 clients."""

    nome = tables.TemplateColumn(
        template_name="cadastro/tables/cliente_nome.html",
        verbose_name="Nome / razão social",
        order_by=("nome",),
    )
    documento = tables.Column(verbose_name="CPF/CNPJ", order_by=("documento",))
    tipo_pessoa = tables.Column(verbose_name="Tipo", order_by=("tipo_pessoa",))
    status = tables.TemplateColumn(
        template_name="cadastro/tables/cliente_status.html",
        verbose_name="Status",
        order_by=("status__descricao",),
    )
    carteira = tables.Column(
        verbose_name="Carteira", accessor="carteira__nome", order_by=("carteira__nome",)
    )
    cidade = tables.Column(
        verbose_name="Cidade/UF", accessor="cidade_uf", orderable=False, default=""
    )
    telefone = tables.Column(
        verbose_name="Telefone", accessor="telefone_principal", orderable=False, default=""
    )
    criado_em = tables.DateColumn(verbose_name="Criado em", format="d/m/Y", order_by=("criado_em",))

    class Meta(BaseTable.Meta):
        model = Cliente
        fields = ("nome", "documento", "tipo_pessoa", "status", "carteira", "cidade",
                  "telefone", "criado_em")  # fmt: skip
        sequence = fields
        order_by = ("nome",)
        empty_text = "Nenhum cliente encontrado."

    def render_documento(self, value: str | None) -> str:
        return formatar_documento(value) or "—"

    def render_tipo_pessoa(self, record: Any) -> str:
        return "PJ" if record.tipo_pessoa == "J" else "PF"

    def render_telefone(self, value: str) -> str:
        return formatar_fone(value)
