"""Order entry in a real browser, keyboard only for the rep: choose the client, search and add
products, change a quantity, give a discount; the closing tab shows a matrix problem and a
multiple-quantity problem; the rep fixes both, sends the order over their alçada, the
supervisor approves it from the queue, the rep sends the approved version, generates the
proposal PDF (turned into PNG pages to be looked at) and e-mails it to the client."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

from django.core import mail

from tests.e2e.conftest import PASTA_SCREENSHOTS, entrar
from tests.vendas.conftest import cenario, regra  # noqa: F401  (fixture)

D = Decimal


def _tab_ate(page, seletor: str, limite: int = 80) -> None:
    """Press Tab until `seletor` has the focus (keyboard-only navigation)."""
    for _ in range(limite):
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", seletor
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"o foco nunca chegou em {seletor}")


def _esperar_versao(page, anterior: str) -> str:
    page.wait_for_function(
        "(v) => document.getElementById('pedido-versao').value !== v", arg=anterior
    )
    return page.input_value("#pedido-versao")


def _incluir(page, termo: str, quantidade: str, desconto: str = "") -> None:
    versao = page.input_value("#pedido-versao")
    page.keyboard.press("F2")
    page.keyboard.type(termo)
    page.wait_for_selector("#produto-resultados a[role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "add-quantidade"
    page.keyboard.type(quantidade)  # the field comes selected
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "add-desconto"
    page.keyboard.type(desconto)
    page.keyboard.press("Enter")
    _esperar_versao(page, versao)


def test_pedido_pelo_teclado_ate_a_aprovacao(pagina, screenshot, cenario):  # noqa: F811
    from cadastro.models import ContatoEletronico, EventoConsentimento
    from matrizes.models import Regra
    from produtos.models import Estoque, LinhaProduto, PrecoLista, Produto
    from vendas.models import Pedido

    # (the client buys by e-mail and consented to it: the proposal may go there)
    ContatoEletronico.objects.create(cliente=cenario.cliente, tipo="email", valor="compras@x.com")
    EventoConsentimento.objects.create(
        cliente=cenario.cliente, canal="email", concedido=True, origem="tela"
    )

    # given PIS/COFINS rules only for the hardware and electric lines, and a router of another
    # line (no rule: "problema de matriz"), with price and stock
    Regra.objects.filter(matriz="PIS_COFINS").delete()
    for linha in ("FERR", "ELET"):
        regra("PIS_COFINS", linha=LinhaProduto.objects.get(codigo=linha),
              aliquota_pis=D("1.65"), aliquota_cofins=D("7.6"))  # fmt: skip
    info = LinhaProduto.objects.create(codigo="INFO", descricao="Informática")
    roteador = Produto.objects.create(
        codigo="ROT-AC12", descricao="Roteador wi-fi AC1200", unidade=cenario.un,
        ncm="85176277", linha=info,
    )  # fmt: skip
    PrecoLista.objects.create(produto=roteador, tabela=cenario.tabela, preco=D("150.00"),
                              inicio=cenario.lampada.precos.get().inicio)  # fmt: skip
    Estoque.objects.create(produto=roteador, armazem=cenario.armazem, unidade=cenario.un,
                           quantidade=D("10"))  # fmt: skip
    page = pagina

    # when the rep logs in and creates an order choosing the client with the keyboard
    entrar(page, "dono")
    page.goto("/vendas/novo/")
    page.keyboard.type("Mercado Bom")
    page.wait_for_selector("#cliente-opcoes a[role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    screenshot(page, "pedido_01_novo_cliente")
    page.keyboard.press("Enter")  # focus is on "Criar e digitar itens"
    page.wait_for_url(re.compile(r"/vendas/\d+/"))
    pedido = Pedido.objects.get()

    # and adds 15 screws (multiple of 10), 3 lamps with 10 % discount and a router
    _incluir(page, "parafuso", "15")
    _incluir(page, "lamp", "3", "10")
    _incluir(page, "roteador", "1")
    screenshot(page, "pedido_02_itens_incluidos")
    assert page.locator("#pedido-itens tbody tr").count() == 3

    # then the closing tab (key 5, outside a field) lists the matrix and the multiple problems
    page.keyboard.press("Escape")
    page.keyboard.press("5")
    fechamento = page.locator("#pedido-fechamento")
    assert fechamento.is_visible()
    texto = fechamento.inner_text()
    assert "Quantidade múltipla" in texto and "próxima quantidade válida: 20" in texto
    assert "Problema de matriz" in texto and "PIS" in texto and "ROT-AC12" in texto
    screenshot(page, "pedido_03_fechamento_com_problemas")

    # when the rep jumps from the problem to the screw's quantity and types 20
    _tab_ate(page, "#pedido-fechamento a[data-ir-item]")
    page.keyboard.press("Enter")
    item_parafuso = pedido.itens.get(sequencia=1)
    assert page.evaluate("document.activeElement.id") == f"item-{item_parafuso.pk}-quantidade"
    versao = page.input_value("#pedido-versao")
    page.keyboard.type("20")
    page.keyboard.press("Enter")
    versao = _esperar_versao(page, versao)
    # the focus went on to the next field after the redraw
    assert page.evaluate("document.activeElement.id") == f"item-{item_parafuso.pk}-novo_preco"

    # and cancels the router (no fiscal rule) with a reason, still by keyboard
    item_roteador = pedido.itens.get(sequencia=3)
    page.keyboard.press("Escape")
    _tab_ate(page, f"#item-{item_roteador.pk} details.cancelar-item summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    versao = _esperar_versao(page, versao)
    screenshot(page, "pedido_04_corrigido")

    # then the closing tab has no blocking problem left
    page.keyboard.press("Escape")
    page.keyboard.press("5")
    texto = page.locator("#pedido-fechamento").inner_text()
    assert "impede" not in texto, texto
    screenshot(page, "pedido_05_fechamento_ok")

    # when the rep sends it (Ctrl+Enter → justification → Ctrl+Enter)
    page.keyboard.press("Control+Enter")
    assert page.evaluate("document.activeElement.id") == "id_justificativa"
    page.keyboard.type("Cliente fecha o mix da loja nova com 10 % na lâmpada")
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state("load")
    page.wait_for_selector(".mensagens")
    assert "acima da sua alçada" in page.inner_text(".mensagens")
    assert "Aguardando aprovação" in page.inner_text("#pedido-status")
    screenshot(page, "pedido_06_enviado_para_aprovacao")
    pedido.refresh_from_db()
    assert pedido.status == "aguardando_aprovacao"
    assert page.erros_js == []

    # then the supervisor finds it in the queue, sees what and why, and approves it
    contexto = page.context.browser.new_context(
        locale="pt-BR",
        base_url=page.url.split("/vendas")[0],
        viewport={"width": 1366, "height": 900},
    )
    sup = contexto.new_page()
    entrar(sup, "supervisor")
    sup.goto("/vendas/aprovacoes/")
    linha = sup.locator("table.fila-aprovacao tbody tr").first
    assert str(pedido.numero) in linha.inner_text()
    assert "Cliente fecha o mix" in linha.inner_text()
    screenshot(sup, "pedido_07_fila_supervisor")
    sup.click("text=Analisar")
    assert "Desconto efetivo" in sup.content()
    sup.fill("#id_comentario", "Aprovado: cliente estratégico")
    screenshot(sup, "pedido_08_analise_supervisor")
    sup.click("button[value=aprovar]")
    sup.wait_for_selector(".mensagens")
    assert "aprovado" in sup.inner_text(".mensagens")
    screenshot(sup, "pedido_09_aprovado")
    pedido.refresh_from_db()
    assert pedido.status == "aprovado"
    assert pedido.eventos.filter(tipo="aprovado").exists()
    contexto.close()

    # when the rep reopens the order and sends the approved version (Ctrl+Enter twice)
    page.reload()
    assert "Aprovado" in page.inner_text("#pedido-status")
    page.keyboard.press("Control+Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state("load")
    page.wait_for_selector(".mensagens")
    pedido.refresh_from_db()
    assert pedido.status == "enviado", page.inner_text(".mensagens")
    screenshot(page, "pedido_10_enviado")

    # and generates the proposal PDF from the documents tab
    page.click("#tab-documentos")
    page.click("text=Gerar proposta (PDF)")
    page.wait_for_selector("#pedido-documentos .etiqueta.ok")
    screenshot(page, "pedido_11_proposta_pronta")
    with page.expect_download() as baixado:
        page.click("#pedido-documentos >> text=Baixar PDF")
    pdf = PASTA_SCREENSHOTS / "pedido_proposta.pdf"
    baixado.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(PASTA_SCREENSHOTS / "pedido_proposta")],
        check=True,
    )
    assert (PASTA_SCREENSHOTS / "pedido_proposta-1.png").exists()

    # then e-mails it to the client's consented address, the PDF attached
    mail.outbox.clear()
    page.once("dialog", lambda dialogo: dialogo.accept())
    page.click("text=Enviar proposta por e-mail")
    page.wait_for_selector("#pedido-documentos >> text=Enviado para compras@x.com")
    screenshot(page, "pedido_12_email_enviado")
    assert [m.to for m in mail.outbox] == [["compras@x.com"]]
    nome, conteudo, tipo = mail.outbox[0].attachments[0]
    assert nome.endswith(".pdf")
    assert tipo == "application/pdf" and conteudo.startswith(b"%PDF")
    assert pedido.eventos.filter(tipo="email_enviado").exists()
    assert page.erros_js == []
