"""The login page in a real browser: wrong password, then the right one."""

from __future__ import annotations

from tests.e2e.conftest import entrar
from tests.factories import UsuarioFactory


def test_login_errado_e_depois_certo(pagina, screenshot):
    UsuarioFactory(username="rep1", papel="Representante")
    pagina.goto("/contas/entrar/")
    pagina.fill("#id_username", "rep1")
    pagina.fill("#id_password", "errada")
    pagina.click("button[type=submit]")
    assert "Usuário ou senha incorretos." in pagina.inner_text(".erro-form")
    screenshot(pagina, "login_erro")
    entrar(pagina, "rep1")
    assert pagina.locator("header.topo").is_visible()
    assert pagina.erros_js == []
