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


@pytest.mark.parametrize(
    ("valor", "casas", "texto"),
    [
        ("1234.5", 2, "1.234,50"),
        ("40", 2, "40,00"),
        ("-0.005", 2, "-0,01"),
        ("1234567.891", 2, "1.234.567,89"),
        ("90.50", None, "90,5"),
        ("1000", None, "1.000"),
        ("-0.5", None, "-0,5"),
        ("0.30000000", None, "0,3"),
    ],
)
def test_formatar_br_para_mensagens(valor, casas, texto):
    from decimal import Decimal

    from crm.money import formatar_br

    assert formatar_br(Decimal(valor), casas) == texto
