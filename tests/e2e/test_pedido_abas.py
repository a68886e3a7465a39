"""The order screen's new tabs in a real browser, keyboard first: the rep schedules an item's
delivery across two dates (tab 8) and sees the grouping by date, picks a lot from the item's
lookup, attaches a file (tab 9), switches to the simplified mode (M); then converts a quote."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from tests.e2e.conftest import entrar
from tests.vendas.conftest import cenario, criar_pedido  # noqa: F401  (fixture)

D = Decimal


def _esperar_versao(page, anterior: str) -> str:
    page.wait_for_function(
        "(v) => document.getElementById('pedido-versao').value !== v", arg=anterior
    )
    return page.input_value("#pedido-versao")


def test_programacao_lote_anexo_e_modo_pelo_teclado(
    pagina,
    screenshot,
    cenario,  # noqa: F811
    settings,
    tmp_path,
):
    from produtos.models import Lote
    from vendas.models import AnexoPedido, ProgramacaoItem

    settings.MEDIA_ROOT = tmp_path
    hoje = dt.date.today()
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    Lote.objects.create(produto=cenario.lampada, armazem=cenario.armazem, numero="L-BOM",
                        validade=hoje + dt.timedelta(days=90), quantidade=D("40"))  # fmt: skip
    page = pagina
    entrar(page, "dono")
    page.goto(f"/vendas/{pedido.pk}/")

    # date scheduling: tab 8, "Programar" of item 1, two parts typed with Enter between fields
    page.keyboard.press("8")
    assert page.is_visible("#aba-programacao")
    page.focus("#prog-" + str(pedido.itens.get(sequencia=1).pk) + " button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#programacao-form")
    assert page.evaluate("document.activeElement.id") == "id_partes-0-data"
    d1, d2 = hoje + dt.timedelta(days=2), hoje + dt.timedelta(days=9)
    versao = page.input_value("#pedido-versao")
    for data, qtd in ((d1, "5"), (d2, "10")):
        # the date picker's segment order follows the OS locale: fill the focused field
        page.locator(":focus").fill(data.isoformat())
        page.keyboard.press("Enter")
        page.keyboard.type(qtd)
        page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the empty third row: its date, then its quantity…
    page.keyboard.press("Enter")  # … the last field of the form: Enter saves
    # 5 + 10 ≠ 20: the whole set is refused with the reason, what was typed stays
    page.wait_for_selector("#pedido-programacao .erro-form")
    assert "faltam 5" in page.inner_text("#pedido-programacao")
    screenshot(page, "programacao_01_soma_errada")
    page.fill("#id_partes-1-quantidade", "15")
    page.focus("#id_partes-1-quantidade")
    page.keyboard.press("Enter")  # next field: the empty third row's date
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # … its quantity (last of the form): Enter saves
    page.wait_for_selector("text=Programação do item 1 salva.")
    _esperar_versao(page, versao)
    assert ProgramacaoItem.objects.count() == 2
    agrupamento = page.inner_text(".agrupamento-datas")
    assert d1.strftime("%d/%m/%Y") in agrupamento and d2.strftime("%d/%m/%Y") in agrupamento
    screenshot(page, "programacao_02_agrupamento")

    # lot lookup: tab 1, the lamp's "Lote…" opens the lots, Enter picks the first
    page.keyboard.press("Escape")
    page.keyboard.press("1")
    lampada = pedido.itens.get(sequencia=2)
    page.focus(f"#item-{lampada.pk} details.lotes-item summary")
    versao = page.input_value("#pedido-versao")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#lotes-{lampada.pk}-lista [data-lote-opcao]")
    assert page.evaluate("document.activeElement.hasAttribute('data-lote-opcao')")
    screenshot(page, "programacao_03_lotes")
    page.keyboard.press("Enter")
    _esperar_versao(page, versao)
    page.wait_for_selector(f"#item-{lampada.pk} .lote-item >> text=L-BOM")
    lampada.refresh_from_db()
    assert lampada.lote.numero == "L-BOM"

    # attachments: tab 9, upload a PDF
    page.keyboard.press("Escape")
    page.keyboard.press("9")
    arquivo = tmp_path / "oc-cliente.pdf"
    arquivo.write_bytes(b"%PDF-1.7\n%teste\n")
    page.set_input_files("#id_arquivo", str(arquivo))
    page.fill("#id_descricao_anexo", "Pedido de compra")
    page.focus("#id_descricao_anexo")
    page.keyboard.press("Enter")
    page.wait_for_selector("#pedido-anexos >> text=oc-cliente.pdf")
    assert AnexoPedido.objects.get().nome_original == "oc-cliente.pdf"
    with page.expect_download() as baixado:
        page.click("#pedido-anexos a[download]")
    assert baixado.value.suggested_filename == "oc-cliente.pdf"
    screenshot(page, "programacao_04_anexos")

    # simplified mode: M hides taxes, lot, promise and discounts
    page.keyboard.press("1")
    page.locator("body").focus()
    page.keyboard.press("m")
    page.wait_for_selector("#tela-pedido.modo-simplificado")
    assert not page.is_visible("th:has-text('ICMS')")
    assert page.is_visible("th:has-text('Total')")
    screenshot(page, "programacao_05_simplificado")
    page.reload()
    assert page.get_attribute("#tela-pedido", "class") == "modo-simplificado"
    page.keyboard.press("m")
    page.wait_for_selector("#tela-pedido.modo-avancado")
    assert page.erros_js == []


def test_converter_orcamento_em_pedido(pagina, screenshot, cenario):  # noqa: F811
    from vendas.constants import TipoDocumento
    from vendas.models import Pedido

    orcamento = criar_pedido(cenario, [(cenario.parafuso, "20")])
    Pedido.objects.filter(pk=orcamento.pk).update(tipo=TipoDocumento.ORCAMENTO)
    page = pagina
    entrar(page, "dono")
    page.goto(f"/vendas/{orcamento.pk}/")
    page.once("dialog", lambda d: d.accept())
    page.click("#botao-converter")
    page.wait_for_url(re.compile(rf"/vendas/(?!{orcamento.pk}/)\d+/"))
    pedido = Pedido.objects.get(orcamento_origem=orcamento)
    assert f"orçamento {orcamento.numero}" in page.inner_text("#pedido-conversao")
    screenshot(page, "programacao_06_convertido")
    page.click("#pedido-conversao a")
    page.wait_for_url(re.compile(rf"/vendas/{orcamento.pk}/"))
    assert f"pedido {pedido.numero}" in page.inner_text("#pedido-conversao")
    assert "Convertido em pedido" in page.inner_text("#pedido-status")
