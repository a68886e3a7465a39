"""Small helpers for the set-based writers of import kinds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import NOT_PROVIDED


def padroes_ausentes(modelo: type[models.Model], informadas: Iterable[str]) -> dict[str, Any]:
    """Columns a raw INSERT does not fill, with the model's Python default as a DB value.

    Django applies field defaults in Python, not in the table, so a raw `INSERT … SELECT` that
    lists its columns would leave a NOT NULL column added later to the model without a value.
    Writers append these columns (and values, as bound parameters) to their INSERT; a new NOT
    NULL column without any default fails loudly here instead of at the first import.
    """
    ja = set(informadas)
    padroes: dict[str, Any] = {}
    for campo in modelo._meta.concrete_fields:
        if campo.primary_key or campo.column in ja:
            continue
        # get_default() is also "" for a NOT NULL text field without an explicit default,
        # which is what Django itself would insert.
        if campo.has_default() or (not campo.null and campo.empty_strings_allowed):
            padroes[str(campo.column)] = campo.get_db_prep_save(campo.get_default(), connection)
        elif campo.null or getattr(campo, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue
        else:
            raise ImproperlyConfigured(
                f"{modelo.__name__}.{campo.name} é obrigatório e não tem padrão: a importação "
                "precisa preenchê-lo."
            )
    return padroes


def colunas_e_valores(
    modelo: type[models.Model], informadas: dict[str, str], prefixo: str
) -> tuple[str, str, dict[str, Any]]:
    """(column list, SELECT expressions, params) for an INSERT of `modelo`.

    `informadas` maps column → SQL expression; every other column gets its model default via a
    parameter named `<prefixo>_<coluna>`.
    """
    padroes = padroes_ausentes(modelo, informadas)
    colunas = [*informadas, *padroes]
    valores = [*informadas.values(), *(f"%({prefixo}_{c})s" for c in padroes)]
    params = {f"{prefixo}_{c}": v for c, v in padroes.items()}
    return ", ".join(colunas), ", ".join(valores), params
