"""Contracts in a real browser: the rep creates a contract choosing the client in the lookup,
adds an item choosing the product in the lookup (the list price comes as the suggested
contracted price), makes it vigente, schedules a delivery for today and generates the order
from it, landing on the order screen with the contracted price."""

from __future__ import annotations

from decimal import Decimal

from tests.e2e.conftest import PASTA_SCREENSHOTS, entrar
from tests.vendas.conftest import cenario  # noqa: F401  (fixture)

D = Decimal


def test_contrato_ate_o_pedido_gerado(pagina, screenshot, cenario):  # noqa: F811
    from vendas.models import Contrato, Pedido

    page = pagina
    entrar(page, "dono")
    page.goto("/vendas/contratos/")
    page.click("text=Novo contrato")
    # (the lookup answers only once htmx, a deferred script, has run: wait for the page load)
    page.wait_for_url("**/vendas/contratos/novo/")
    page.wait_for_load_state("load")
    # client lookup: type, choose with the mouse
    page.fill("#busca-cliente", "Mercado")
    page.click("#cliente-opcoes a[data-escolher-cliente]")
    assert "Mercado Bom Preço" in page.inner_text("[data-escolhido]")
    page.fill("#id_descricao", "Fornecimento de lâmpadas 12 meses")
    screenshot(page, "contrato_novo")
    page.click("button:has-text('Criar contrato')")
    page.wait_for_url("**/vendas/contratos/*/")
    contrato = Contrato.objects.get()
    assert contrato.cliente == cenario.cliente and contrato.representante == cenario.dono
    # product lookup: keyboard (↓ then Enter) fills the product and suggests the list price
    page.fill("#busca-produto", "LAMP")
    page.wait_for_selector("#produto-opcoes a[data-escolher-produto]")
    page.press("#busca-produto", "ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_preco_unitario") == "20"
    page.fill("#id_preco_unitario", "18,50")
    page.fill("#id_quantidade", "120")
    page.click("button:has-text('Incluir item')")
    page.wait_for_selector("text=Item 1 (LAMP-LED) incluído.")
    assert "R$ 2.220,00" in page.inner_text(".resumo-contrato")
    # make it vigente (confirmation dialog)
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('Tornar vigente')")
    page.wait_for_selector("text=situação “vigente”")
    # schedule today's delivery and generate the order from it
    page.click("#tab-programacao")
    page.select_option("#id_item", label="1 – LAMP-LED Lâmpada LED 9W")
    page.fill("#id_data", page.evaluate("new Date().toLocaleDateString('sv-SE')"))
    page.fill("#id_quantidade", "10")
    page.click("button:has-text('Programar')")
    page.wait_for_selector("input[name=programacoes]")
    screenshot(page, "contrato_programacao")
    page.check("input[name=programacoes]")
    page.click("button:has-text('Gerar pedido com as marcadas')")
    page.wait_for_url("**/vendas/*/")
    pedido = Pedido.objects.get()
    assert page.url.endswith(f"/vendas/{pedido.pk}/")
    assert pedido.contrato_id == contrato.pk
    item = pedido.itens.get()
    assert item.quantidade == D("10") and item.novo_preco == D("18.50")
    assert "gerado do contrato" in page.inner_text(".mensagens")
    screenshot(page, "contrato_pedido_gerado")
    assert not page.erros_js, page.erros_js
    assert (PASTA_SCREENSHOTS / "contrato_programacao.png").exists()
