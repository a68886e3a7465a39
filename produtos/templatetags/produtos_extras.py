"""Template helpers of the product maintenance tabs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def atributo(obj: Any, caminho: str) -> Any:
    """`row|atributo:"armazem.descricao"` → the value, or None when any hop is missing."""
    valor = obj
    for parte in caminho.split("."):
        if valor is None:
            return None
        valor = getattr(valor, parte, None)
    return valor


@register.filter
def quantidade(valor: Any) -> str:
    """1234.500 → "1.234,5"; integers without decimals."""
    if valor is None or valor == "":
        return "—"
    numero = Decimal(str(valor)).normalize()
    casas = max(0, -numero.as_tuple().exponent)  # type: ignore[operator]
    return number_format(numero, casas, use_l10n=True, force_grouping=True)
