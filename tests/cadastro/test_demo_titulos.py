"""`manage.py gerar_demo_titulos`: demo receivables, every case present, idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cadastro.constants import SituacaoTitulo
from cadastro.models import TituloReceber
from tests.factories import ClienteFactory, EmpresaFactory

pytestmark = pytest.mark.django_db


def _rodar(*args: str) -> str:
    saida = io.StringIO()
    call_command("gerar_demo_titulos", *args, stdout=saida)
    return saida.getvalue()


@pytest.fixture
def clientes(pessoas):
    from vendas.models import Pedido

    EmpresaFactory()
    lista = [ClienteFactory(carteira=pessoas.a if i % 2 else pessoas.b) for i in range(40)]
    dono = pessoas.usuarios["dono"]
    pedido = Pedido.objects.create(
        tipo="pedido", numero=777_001, empresa=dono.empresa, cliente=lista[-1],
        representante=dono, data=timezone.localdate() - dt.timedelta(days=90),
    )  # fmt: skip
    ClienteFactory(carteira=None)  # no carteira: not a demo client, no titles
    return lista, pedido


def test_gera_todos_os_casos_e_e_idempotente(clientes):
    lista, pedido = clientes
    assert "títulos a receber de demonstração criados" in _rodar("--clientes", "50")
    titulos = list(TituloReceber.objects.all())
    total = len(titulos)
    assert total > 40
    assert {t.cliente_id for t in titulos} == {c.pk for c in lista}
    hoje = timezone.localdate()
    situacoes = {t.situacao_em(hoje) for t in titulos}
    assert situacoes >= {SituacaoTitulo.PAGO, SituacaoTitulo.VENCIDO, SituacaoTitulo.ABERTO}
    atrasos = {t.dias_atraso_pagamento for t in titulos if t.dias_atraso_pagamento is not None}
    assert any(a > 0 for a in atrasos) and any(a <= 0 for a in atrasos)  # late and on time
    assert any(t.pedido_id == pedido.pk for t in titulos)  # the demo order's installments
    # what the database constraints require of every title
    assert all(t.valor > 0 and t.vencimento >= t.emissao for t in titulos)

    # a second run adds nothing; --se-vazio does not even look
    assert _rodar("--clientes", "50").startswith("0 ")
    assert _rodar("--se-vazio").startswith("0 ")
    assert TituloReceber.objects.count() == total


def test_se_vazio_nao_gera_quando_ja_ha_titulos(clientes):
    _rodar("--clientes", "1")
    antes = TituloReceber.objects.count()
    assert _rodar("--se-vazio", "--clientes", "50").startswith("0 ")
    assert TituloReceber.objects.count() == antes
