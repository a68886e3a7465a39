"""The indicators page in a real browser: figures arrive by htmx, a target is refused then saved."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from tests.e2e.conftest import entrar
from tests.factories import ClienteFactory, EmailFactory


def test_painel_carrega_e_meta_e_salva(pagina, screenshot, pessoas):
    # given three clients of carteira A, one with an e-mail, and an administrator
    cache.clear()
    clientes = ClienteFactory.create_batch(3, carteira=pessoas.a)
    EmailFactory(cliente=clientes[0])
    entrar(pagina, "admin")
    # when the page opens, the figures are computed by the htmx request it makes
    pagina.goto("/clientes/indicadores/")
    pagina.wait_for_selector("#indicador-quantidade .valor")
    assert pagina.inner_text("#indicador-quantidade .valor") == "3"
    assert pagina.inner_text("#indicador-com_email .valor") == "33,3%"
    assert pagina.locator("svg#grafico-canais title").count() >= 1
    # and a target with the end before the start is refused, keeping what was typed
    hoje = timezone.localdate()
    pagina.select_option("#id_indicador", "com_email")
    pagina.fill("#id_valor_meta", "50,5")
    pagina.fill("#id_periodo_inicio", hoje.replace(day=2).strftime("%d/%m/%Y"))
    pagina.fill("#id_periodo_fim", hoje.replace(day=1).strftime("%d/%m/%Y"))
    pagina.click("#meta-form button[type=submit]")
    pagina.wait_for_selector("#meta-form .erro")
    assert "O fim do período não pode ser anterior ao início." in pagina.inner_text("#meta-form")
    assert pagina.input_value("#id_valor_meta") == "50,5"
    # then, corrected, it is saved and the card shows it against the figure
    pagina.fill("#id_periodo_inicio", hoje.replace(day=1).strftime("%d/%m/%Y"))
    pagina.fill("#id_periodo_fim", hoje.strftime("%d/%m/%Y"))
    with pagina.expect_navigation():
        pagina.click("#meta-form button[type=submit]")
    pagina.wait_for_selector("#indicador-com_email .bloco-meta .etiqueta")
    assert "Meta: 50,5%" in pagina.inner_text("#indicador-com_email .bloco-meta")
    assert "Meta de “% com e-mail preenchido” salva" in pagina.inner_text(".mensagens")
    screenshot(pagina, "indicadores_meta")
    assert pagina.erros_js == []
