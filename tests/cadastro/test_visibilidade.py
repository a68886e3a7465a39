"""`Cliente.objects.visiveis_para(user)`: the one rule for who sees which client."""

from __future__ import annotations

import pytest

from cadastro.models import Carteira, Cliente
from tests.factories import ClienteFactory, UsuarioFactory

pytestmark = pytest.mark.django_db


def _visiveis(user) -> set[int]:
    return set(Cliente.objects.visiveis_para(user).values_list("pk", flat=True))


def test_cada_papel_ve_o_que_deve(pessoas):
    # given one client in each carteira and one without carteira
    de_a = ClienteFactory(carteira=pessoas.a)
    de_b = ClienteFactory(carteira=pessoas.b)
    sem = ClienteFactory(carteira=None)
    u = pessoas.usuarios
    # then
    assert _visiveis(u["dono"]) == {de_a.pk}
    assert _visiveis(u["colega"]) == {de_b.pk}
    assert _visiveis(u["supervisor"]) == {de_a.pk, sem.pk}
    assert _visiveis(u["supervisor_outro"]) == {de_b.pk, sem.pk}
    assert _visiveis(u["sac"]) == {de_a.pk, de_b.pk}
    assert _visiveis(u["admin"]) == {de_a.pk, de_b.pk, sem.pk}


def test_rep_com_varias_carteiras_ve_todas(pessoas):
    outra = Carteira.objects.create(
        codigo="X1", nome="Extra", representante=pessoas.usuarios["dono"]
    )
    c1 = ClienteFactory(carteira=pessoas.a)
    c2 = ClienteFactory(carteira=outra)
    assert _visiveis(pessoas.usuarios["dono"]) == {c1.pk, c2.pk}


def test_usuario_sem_papel_ou_inativo_nao_ve_nada(pessoas):
    ClienteFactory(carteira=pessoas.a)
    ClienteFactory(carteira=None)
    assert _visiveis(UsuarioFactory(username="sem_papel")) == set()
    inativo = pessoas.usuarios["admin"]
    inativo.is_active = False
    inativo.save()
    assert _visiveis(inativo) == set()


def test_consulta_de_visibilidade_nao_cresce(pessoas, django_assert_num_queries):
    # the rep's carteira ids (one small query) + the clients: 2, whatever the data size
    ClienteFactory.create_batch(3, carteira=pessoas.a)
    dono = pessoas.usuarios["dono"]
    dono.has_perm("cadastro.view_cliente")  # warm the permission cache
    with django_assert_num_queries(2):
        list(Cliente.objects.visiveis_para(dono))
    ClienteFactory.create_batch(20, carteira=pessoas.a)
    with django_assert_num_queries(2):
        assert len(Cliente.objects.visiveis_para(dono)) == 23
