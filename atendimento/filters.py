"""Filters of the ticket list (and its export). Registry choices are shared reference data;
the responsible choices are the users who carry tickets (no client data is revealed)."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from atendimento.constants import STATUS_PENDENTES, StatusChamado
from atendimento.models import CanalAtendimento, Chamado, TipoChamado
from atendimento.services import responsaveis_possiveis
from cadastro.busca import SemAcento
from vendas.selectors import sem_acento


def _responsaveis(request: Any) -> QuerySet[Any]:
    return responsaveis_possiveis()


class ChamadoFilter(df.FilterSet):
    busca = df.CharFilter(
        label="Número, assunto ou cliente",
        method="filtrar_busca",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "nº, assunto ou cliente"}),
    )
    cliente = df.NumberFilter(field_name="cliente_id", widget=forms.HiddenInput)
    pedido = df.NumberFilter(field_name="pedido_id", widget=forms.HiddenInput)
    status = df.ChoiceFilter(
        label="Situação", method="filtrar_status", empty_label="Todas",
        choices=[("pendentes", "Pendentes"), *StatusChamado.choices],
    )  # fmt: skip
    responsavel = df.ModelChoiceFilter(
        label="Responsável", queryset=_responsaveis, empty_label="Todos"
    )
    tipo = df.ModelChoiceFilter(queryset=TipoChamado.objects.all(), empty_label="Todos")
    canal = df.ModelChoiceFilter(queryset=CanalAtendimento.objects.all(), empty_label="Todos")
    aberto_de = df.DateFilter(
        field_name="criado_em", lookup_expr="date__gte", label="Aberto de",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    aberto_ate = df.DateFilter(
        field_name="criado_em", lookup_expr="date__lte", label="Aberto até",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    meus = df.BooleanFilter(
        label="Meus chamados", method="filtrar_meus", widget=forms.CheckboxInput
    )
    atrasados = df.BooleanFilter(
        label="Atrasados", method="filtrar_atrasados", widget=forms.CheckboxInput
    )

    class Meta:
        model = Chamado
        fields: list[str] = []

    def filtrar_busca(self, qs: QuerySet[Chamado], nome: str, valor: Any) -> QuerySet[Chamado]:
        valor = (valor or "").strip()
        if not valor:
            return qs
        if valor.isdigit():
            return qs.filter(numero=int(valor))
        termo = sem_acento(valor)
        return qs.annotate(
            cliente_sa=SemAcento("cliente__nome"), assunto_sa=SemAcento("assunto")
        ).filter(Q(cliente_sa__contains=termo) | Q(assunto_sa__contains=termo))

    def filtrar_status(self, qs: QuerySet[Chamado], nome: str, valor: Any) -> QuerySet[Chamado]:
        if not valor:
            return qs
        if valor == "pendentes":
            return qs.filter(status__in=STATUS_PENDENTES)
        return qs.filter(status=valor)

    def filtrar_meus(self, qs: QuerySet[Chamado], nome: str, valor: Any) -> QuerySet[Chamado]:
        """Tickets the user carries or opened."""
        if not valor or self.request is None:
            return qs
        user = self.request.user
        return qs.filter(Q(responsavel=user) | Q(aberto_por=user))

    def filtrar_atrasados(self, qs: QuerySet[Chamado], nome: str, valor: Any) -> QuerySet[Chamado]:
        if not valor:
            return qs
        return qs.filter(status__in=STATUS_PENDENTES, prazo__lt=timezone.now())
