"""The order screen's keyboard map and its unsaved-changes guard, in a real browser: F4 goes to
the payment condition, "?" shows the shortcuts and Esc closes them, Esc restores a field, and
leaving the page warns only while something typed has not been saved — an item changed and
redrawn does not make the observations typed in another tab count as saved."""

from __future__ import annotations

from tests.e2e.conftest import entrar
from tests.vendas.conftest import cenario, criar_pedido  # noqa: F401  (fixture)


def _sair_avisa(page) -> bool:  # type: ignore[no-untyped-def]
    """Try to navigate away; True if the browser asked "leave the page?" (then the dialog is
    dismissed and the page stays). When it did not ask, the page is left: come back to it."""
    tipos: list[str] = []
    url = page.url

    def responder(dialogo) -> None:  # type: ignore[no-untyped-def]
        tipos.append(dialogo.type)
        dialogo.dismiss()

    page.on("dialog", responder)
    try:
        page.evaluate("window.location.href = '/vendas/'")
        page.wait_for_timeout(1500)
    finally:
        page.remove_listener("dialog", responder)
    if "beforeunload" in tipos:
        return True
    page.goto(url)
    return False


def test_atalhos_e_aviso_de_alteracoes_nao_salvas(pagina, screenshot, cenario):  # noqa: F811
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    item = pedido.itens.get(sequencia=2)
    page = pagina
    entrar(page, "dono")
    page.goto(f"/vendas/{pedido.pk}/")

    # "?" opens the shortcut map (outside a field), Esc closes it
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("?")
    assert page.is_visible("dialog#atalhos")
    assert "F4" in page.inner_text("dialog#atalhos")
    screenshot(page, "pedido-teclado-1-atalhos")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog#atalhos", state="hidden")

    # 0: the tenth tab, SAC (the tab shows its key)
    assert "0" in page.inner_text("#tab-sac kbd")
    page.keyboard.press("0")
    assert page.is_visible("#aba-sac") and not page.is_visible("#aba-itens")
    page.keyboard.press("1")

    # F4: the payment condition
    page.keyboard.press("F4")
    assert page.evaluate("document.activeElement.id") == "id_condicao_pagamento"
    page.keyboard.press("Escape")

    # Esc restores a field typed into, and it no longer counts as unsaved
    campo = f"#item-{item.pk}-quantidade"
    page.click(campo)
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    page.keyboard.press("Escape")
    assert page.input_value(campo) == "3"
    assert not _sair_avisa(page)

    # observations typed (tab 4) and not saved …
    page.keyboard.press("4")
    page.fill("#id_observacoes", "Entregar pela manhã")
    page.dispatch_event("#id_observacoes", "input")
    # … then an item changed on tab 1 (the items table is redrawn by htmx)
    page.keyboard.press("Escape")
    page.keyboard.press("1")
    versao = page.input_value("#pedido-versao")
    page.click(campo)
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.wait_for_function(
        "(v) => document.getElementById('pedido-versao').value !== v", arg=versao
    )
    # leaving still warns: the observations were not saved by the item's change
    assert _sair_avisa(page)
    screenshot(page, "pedido-teclado-2-aviso")
    # once they are saved, leaving is quiet
    page.keyboard.press("Escape")  # out of the field the Tab went to, so 4 switches tabs
    page.keyboard.press("4")
    versao = page.input_value("#pedido-versao")
    page.click("#aba-observacoes button[type=submit]")
    page.wait_for_function(
        "(v) => document.getElementById('pedido-versao').value !== v", arg=versao
    )
    assert not _sair_avisa(page)
    pedido.refresh_from_db()
    assert pedido.observacoes == "Entregar pela manhã"
    assert pedido.itens.get(sequencia=2).quantidade == 5
    assert not page.erros_js, page.erros_js
