"""The matrices' "testar" screen builds the order header from the client record the same way
an order does: contribuinte and consumidor final from the IE indicator (never CPF × CNPJ)."""

from __future__ import annotations

import datetime as dt

import pytest

from cadastro.models import Endereco
from matrizes.selectors import contexto_do_cliente
from tests.factories import ClienteFactory, EmpresaFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("indicador", "consumidor_final", "esperado"),
    [
        ("1", False, (True, False)),  # contribuinte buying for resale
        ("2", False, (False, False)),  # isento de inscrição
        ("9", False, (False, True)),  # não contribuinte is always consumidor final (rej. 696)
    ],
)
def test_contexto_usa_o_indicador_da_ie(indicador, consumidor_final, esperado) -> None:
    ie = "110042490114" if indicador == "1" else ""
    cliente = ClienteFactory(
        indicador_ie=indicador, consumidor_final=consumidor_final, inscricao_estadual=ie
    )
    Endereco.objects.create(cliente=cliente, cep="01310100", logradouro="Av. Paulista",
                            numero="1", bairro="Bela Vista", uf="SP", principal=True)  # fmt: skip
    contexto = contexto_do_cliente(cliente, empresa=EmpresaFactory(), data=dt.date(2026, 11, 23))
    assert (contexto.contribuinte, contexto.consumidor_final) == esperado
