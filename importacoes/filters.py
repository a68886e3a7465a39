"""Filters of the import list."""

from __future__ import annotations

import django_filters as df

from importacoes.constants import StatusImportacao
from importacoes.models import Importacao
from importacoes.tipos import codigos, obter_tipo


class ImportacaoFilter(df.FilterSet):
    tipo = df.ChoiceFilter(
        label="Tipo",
        choices=lambda: [(c, obter_tipo(c).nome) for c in codigos()],
        empty_label="Todos",
    )
    status = df.ChoiceFilter(
        label="Situação", choices=StatusImportacao.choices, empty_label="Todas"
    )

    class Meta:
        model = Importacao
        fields = ["tipo", "status"]
