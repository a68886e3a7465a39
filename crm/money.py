"""Money: Decimal only, field sizes from here, ONE rounding helper (half-up, 2 places).

Round only at documented boundaries (an item's vProd, each tax base and value, an apportioned
part); totals are sums of already-rounded parts, never re-rounded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
CENTAVO = Decimal("0.01")


def arredondar(valor: Decimal, casas: Decimal = CENTAVO) -> Decimal:
    """Round half-up (the NF-e rule, not banker's rounding) to `casas` (default 0.01)."""
    if not isinstance(valor, Decimal):
        raise TypeError(f"arredondar espera Decimal, recebeu {type(valor).__name__}")
    return valor.quantize(casas, rounding=ROUND_HALF_UP)


def formatar_br(valor: Decimal, casas: int | None = 2) -> str:
    """A number as a message shows it in pt-BR: thousands "." and decimal "," (1.234,50).
    `casas`: places, half-up; None keeps the value's own places without trailing zeros
    (90.50 → 90,5). Pure (no Django): the fiscal engine's messages use it too."""
    if casas is not None:
        texto = f"{arredondar(valor, Decimal(1).scaleb(-casas)):,.{casas}f}"
    else:
        inteiro, _, fracao = f"{valor.normalize():f}".partition(".")
        texto = f"{int(inteiro):,}" + (f".{fracao}" if fracao else "")
        if inteiro.startswith("-") and int(inteiro) == 0:
            texto = "-" + texto
    return texto.translate(str.maketrans(",.", ".,"))
