"""Template filters for Brazilian formats: cpf/cnpj, cep, fone, brl, percentual."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from crm.documentos import formatar_cep, formatar_documento, formatar_fone
from crm.money import arredondar

register = template.Library()


@register.filter
def documento(valor: str | None) -> str:
    return formatar_documento(valor)


@register.filter
def cep(valor: str | None) -> str:
    return formatar_cep(valor)


@register.filter
def fone(valor: str | None) -> str:
    return formatar_fone(valor)


@register.filter
def brl(valor: object) -> str:
    """R$ 1.234,56 (always 2 places, pt-BR separators). A value with more places (a 4-place
    list price, a weighted estimate) is rounded half-up (`crm.money.arredondar`): Django's
    number_format cuts the extra places, so R$ 5,129 showed as R$ 5,12."""
    if valor is None or valor == "":
        return ""
    try:
        numero = Decimal(str(valor))
    except InvalidOperation:
        return str(valor)
    if numero.is_finite():
        numero = arredondar(numero)
    return f"R$ {number_format(numero, 2, use_l10n=True, force_grouping=True)}"


@register.filter
def percentual(valor: object, casas: int = 1) -> str:
    if valor is None or valor == "":
        return "–"
    try:
        numero = Decimal(str(valor))
    except InvalidOperation:
        return str(valor)
    return f"{number_format(numero, casas, use_l10n=True, force_grouping=True)}%"


@register.filter
def milhar(valor: Decimal | float | str | None) -> str:
    if valor is None:
        return ""
    return number_format(valor, 0, use_l10n=True, force_grouping=True)


@register.filter
def css_texto(valor: object) -> str:
    """Text for inside a CSS string ("…" in `content:`): every character but letters, digits
    and a few harmless signs as a CSS hex escape (`&` → `\\26 `). `escapejs` is not it: CSS
    does not read `\\u0026`, so "Silva & Filhos" printed as "Silva u0026 Filhos"."""
    from django.utils.safestring import mark_safe

    texto = "" if valor is None else str(valor)
    seguros = " .,-/()ºª"
    saida = "".join(c if c.isalnum() or c in seguros else f"\\{ord(c):x} " for c in texto)
    return mark_safe(saida)  # noqa: S308 — only alphanumerics, safe signs and hex escapes
