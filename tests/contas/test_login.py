"""Login, throttling and password reset (pt-BR, same message for unknown user and bad password)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from contas.models import TentativaLogin
from tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db

SENHA = "senha-forte-123"


def _entrar(client, usuario: str, senha: str):
    return client.post(reverse("contas:login"), {"username": usuario, "password": senha})


def test_login_com_senha_certa_entra(client):
    UsuarioFactory(username="maria", papel="Representante")
    resp = _entrar(client, "maria", SENHA)
    assert resp.status_code == 302
    assert "_auth_user_id" in client.session


def test_usuario_inexistente_e_senha_errada_tem_a_mesma_mensagem(client):
    UsuarioFactory(username="maria")
    errada = _entrar(client, "maria", "errada")
    inexistente = _entrar(client, "joao", "errada")
    assert errada.status_code == inexistente.status_code == 200
    assert (
        errada.context["form"].non_field_errors() == inexistente.context["form"].non_field_errors()
    )
    assert "Usuário ou senha incorretos." in errada.content.decode()


@override_settings(LOGIN_TENTATIVAS_MAXIMAS=3)
def test_login_bloqueado_apos_falhas_mesmo_com_senha_certa(client):
    # given 3 failed attempts for the user
    UsuarioFactory(username="maria")
    for _ in range(3):
        _entrar(client, "maria", "errada")
    # when the right password comes next
    resp = _entrar(client, "maria", SENHA)
    # then it is refused with the throttling message and no session is opened
    assert resp.status_code == 200
    assert "Muitas tentativas" in resp.content.decode()
    assert "_auth_user_id" not in client.session
    assert TentativaLogin.objects.filter(username="maria").count() == 3


@override_settings(LOGIN_TENTATIVAS_MAXIMAS=2)
def test_bloqueio_vale_tambem_para_usuario_inexistente(client):
    for _ in range(2):
        _entrar(client, "fantasma", "x")
    resp = _entrar(client, "fantasma", "x")
    assert "Muitas tentativas" in resp.content.decode()


def test_paginas_exigem_login(client):
    resp = client.get(reverse("inicio"))
    assert resp.status_code == 302
    assert reverse("contas:login") in resp["Location"]


def test_recuperacao_de_senha_envia_email_em_portugues(client):
    UsuarioFactory(username="maria", email="maria@exemplo.com.br")
    resp = client.post(reverse("contas:senha-recuperar"), {"email": "maria@exemplo.com.br"})
    assert resp.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.strip() == "Redefinição de senha do CRM"
    assert "/contas/senha/redefinir/" in mail.outbox[0].body


def test_recuperacao_para_email_desconhecido_nao_revela_nada(client):
    resp = client.post(reverse("contas:senha-recuperar"), {"email": "ninguem@exemplo.com.br"})
    assert resp.status_code == 302
    assert len(mail.outbox) == 0


def test_logout_encerra_sessao(client):
    usuario = UsuarioFactory(username="maria")
    client.force_login(usuario)
    client.post(reverse("contas:logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_papeis_sobrevivem_a_teste_transacional():
    # a transactional test flushes tables; serialized rollback restores the migrated roles
    from django.contrib.auth.models import Group

    assert Group.objects.filter(name="Representante").exists()


@pytest.mark.django_db(transaction=True)
def test_papeis_existem_depois_do_teste_transacional():
    from django.contrib.auth.models import Group

    from cadastro.models import Municipio

    assert Group.objects.count() >= 4
    assert Municipio.objects.count() > 5500


def test_tarefa_limpa_tentativas_antigas():
    import time_machine

    from contas.tasks import limpar_tentativas_login

    with time_machine.travel("2026-01-01 10:00 -03:00"):
        TentativaLogin.objects.create(username="velha", ip="10.0.0.1")
    TentativaLogin.objects.create(username="nova", ip="10.0.0.1")
    assert limpar_tentativas_login.delay().get() == 1
    assert list(TentativaLogin.objects.values_list("username", flat=True)) == ["nova"]
