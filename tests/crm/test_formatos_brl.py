"""`brl` rounds half-up to the cent (crm.money), it never cuts the extra places."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crm.templatetags.formatos import brl


@pytest.mark.parametrize(
    ("valor", "texto"),
    [
        (Decimal("5.129"), "R$ 5,13"),
        (Decimal("5.125"), "R$ 5,13"),  # half-up, not banker's
        (Decimal("5.1249"), "R$ 5,12"),
        (Decimal("-5.125"), "R$ -5,13"),
        (Decimal("1234.5"), "R$ 1.234,50"),
        (Decimal("1.2399"), "R$ 1,24"),  # a 4-place list price
        (7, "R$ 7,00"),
    ],
)
def test_brl_arredonda_meio_para_cima(valor, texto):
    assert brl(valor) == texto


def test_brl_vazio_e_texto():
    assert brl(None) == ""
    assert brl("") == ""
    assert brl("abc") == "abc"
