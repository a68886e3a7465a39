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
