"""Filters of the order list (and its export). No choice comes from the database, so the
filters cost no query and never reveal a name outside the user's visibility."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet

from cadastro.busca import SemAcento
from vendas.constants import StatusPedido, TipoDocumento
from vendas.models import Pedido
from vendas.selectors import sem_acento


class PedidoFilter(df.FilterSet):
    busca = df.CharFilter(
        label="Número ou cliente",
        method="filtrar_busca",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "nº ou nome do cliente"}),
    )
    cliente = df.NumberFilter(field_name="cliente_id", widget=forms.HiddenInput)
    status = df.ChoiceFilter(choices=StatusPedido.choices, empty_label="Todos")
    tipo = df.ChoiceFilter(label="Documento", choices=TipoDocumento.choices, empty_label="Todos")
    data_de = df.DateFilter(
        field_name="data", lookup_expr="gte", label="De",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    data_ate = df.DateFilter(
        field_name="data", lookup_expr="lte", label="Até",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    class Meta:
        model = Pedido
        fields: list[str] = []

    def filtrar_busca(self, qs: QuerySet[Pedido], nome: str, valor: Any) -> QuerySet[Pedido]:
        valor = (valor or "").strip()
        if not valor:
            return qs
        if valor.isdigit():
            return qs.filter(numero=int(valor))
        return qs.annotate(cliente_sa=SemAcento("cliente__nome")).filter(
            Q(cliente_sa__contains=sem_acento(valor))
        )
