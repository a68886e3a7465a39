"""Filtros da lista de regras (e da exportação, que usa os mesmos)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as df
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cadastro.models import TipoCliente
from contas.constants import UFS
from crm.documentos import limpar
from matrizes.constants import Regiao, TipoMatriz
from matrizes.forms import CampoData
from matrizes.models import Regra
from produtos.models import LinhaProduto

SITUACOES = [
    ("vigente", "Vigentes hoje"),
    ("futura", "Futuras"),
    ("expirada", "Expiradas"),
    ("cancelada", "Canceladas"),
]


class FiltroData(df.DateFilter):
    field_class = CampoData


class RegraFilter(df.FilterSet):
    matriz = df.ChoiceFilter(label="Matriz", choices=TipoMatriz.choices, empty_label="Todas")
    situacao = df.ChoiceFilter(
        label="Situação", choices=SITUACOES, method="filtrar_situacao", empty_label="Todas"
    )
    vigente_em = FiltroData(label="Vigente em", method="filtrar_vigente_em")
    uf_origem = df.ChoiceFilter(label="UF de origem", choices=UFS, empty_label="Todas")
    uf_destino = df.ChoiceFilter(label="UF de destino", choices=UFS, empty_label="Todas")
    regiao = df.ChoiceFilter(label="Região", choices=Regiao.choices, empty_label="Todas")
    ncm = df.CharFilter(
        label="NCM", method="filtrar_ncm", widget=forms.TextInput(attrs={"type": "search"})
    )
    produto = df.CharFilter(
        label="Produto (código)",
        method="filtrar_produto",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    linha = df.ModelChoiceFilter(
        label="Linha", queryset=LinhaProduto.objects.all(), empty_label="Todas"
    )
    tipo_cliente = df.ModelChoiceFilter(
        label="Tipo de cliente", queryset=TipoCliente.objects.all(), empty_label="Todos"
    )
    representante = df.ModelChoiceFilter(
        label="Representante", queryset=get_user_model().objects.none(), empty_label="Todos"
    )
    condicao_pagamento = df.CharFilter(
        label="Condição de pagamento",
        method="filtrar_condicao",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    geral = df.BooleanFilter(
        label="Só regras gerais",
        method="filtrar_geral",
        widget=forms.Select(choices=[("", "Tanto faz"), ("true", "Sim"), ("false", "Não")]),
    )

    class Meta:
        model = Regra
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hoje = timezone.localdate()
        # Só quem aparece em alguma regra: a lista de representantes não vaza a equipe toda.
        self.filters["representante"].queryset = (
            get_user_model()
            .objects.filter(
                pk__in=Regra.objects.exclude(representante=None).values("representante")
            )
            .order_by("first_name", "username")
        )

    def filtrar_condicao(self, qs: QuerySet[Regra], name: str, valor: str) -> QuerySet[Regra]:
        codigo = valor.strip().upper()
        return qs.filter(condicao_pagamento=codigo) if codigo else qs

    def filtrar_situacao(self, qs: QuerySet[Regra], name: str, valor: str) -> QuerySet[Regra]:
        hoje = self.hoje
        cancelada = Q(vigencia_fim__lt=F("vigencia_inicio"))
        if valor == "vigente":
            return qs.vigentes_em(hoje)  # type: ignore[attr-defined]
        if valor == "futura":
            return qs.filter(vigencia_inicio__gt=hoje).exclude(cancelada)
        if valor == "expirada":
            return qs.filter(vigencia_fim__lt=hoje).exclude(cancelada)
        if valor == "cancelada":
            return qs.filter(cancelada)
        return qs

    def filtrar_vigente_em(self, qs: QuerySet[Regra], name: str, valor: dt.date) -> QuerySet[Regra]:
        return qs.vigentes_em(valor)  # type: ignore[attr-defined]

    def filtrar_ncm(self, qs: QuerySet[Regra], name: str, valor: str) -> QuerySet[Regra]:
        numero = limpar(valor)
        return qs.filter(ncm__startswith=numero) if numero else qs

    def filtrar_produto(self, qs: QuerySet[Regra], name: str, valor: str) -> QuerySet[Regra]:
        codigo = valor.strip().upper()
        return qs.filter(produto__codigo__startswith=codigo) if codigo else qs

    def filtrar_geral(self, qs: QuerySet[Regra], name: str, valor: bool | None) -> QuerySet[Regra]:
        if valor is None:
            return qs
        geral = Q(especificidade_sql=0)
        return qs.filter(geral) if valor else qs.exclude(geral)
