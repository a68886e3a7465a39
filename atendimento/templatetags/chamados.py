"""Template filters of isoAtendimento: response times as people read them."""

from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duracao(valor: timedelta | None) -> str:
    """12 min · 3 h 05 min · 2 d 4 h; "—" when not measured yet."""
    if valor is None:
        return "—"
    minutos = max(0, int(valor.total_seconds() // 60))
    dias, resto = divmod(minutos, 24 * 60)
    horas, mins = divmod(resto, 60)
    if dias:
        return f"{dias} d {horas} h"
    if horas:
        return f"{horas} h {mins:02d} min"
    return f"{mins} min"
