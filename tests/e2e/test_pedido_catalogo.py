"""The order screen's catalogue in a real browser, keyboard only: a favourite added from its
panel, a product starred and put in the cart from the search, the cart added in one request,
a pasted list with a kit and a bad line, a promotion with its price, suggestions of a product
with no stock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.e2e.conftest import entrar
from tests.vendas.conftest import cenario, criar_pedido  # noqa: F401  (fixture)

D = Decimal


def _esperar_versao(page, anterior: str) -> str:
    page.wait_for_function(
        "(v) => document.getElementById('pedido-versao').value !== v", arg=anterior
    )
    return page.input_value("#pedido-versao")


def _painel(page, letra: str) -> None:
    """Esc closes the open panel (focus back to the search), Esc leaves the search field, then
    the panel's letter (letters act only outside a field)."""
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.keyboard.press(letra)


def _foco(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def test_catalogo_do_pedido_pelo_teclado(pagina, screenshot, cenario):  # noqa: F811
    from produtos.models import (
        Estoque,
        KitComponente,
        Produto,
        ProdutoSimilar,
        Promocao,
    )
    from vendas.models import ProdutoFavorito

    # given a favourite (the lamp), a promotion on the screw, a kit and a cable without stock
    # with a similar one
    ProdutoFavorito.objects.create(usuario=cenario.dono, produto=cenario.lampada)
    hoje = dt.date.today()
    Promocao.objects.create(produto=cenario.parafuso, descricao="Semana da ferragem",
                            tabela=cenario.tabela, inicio=hoje, fim=hoje + dt.timedelta(days=7),
                            preco=D("1.50"))  # fmt: skip
    kit = Produto.objects.create(codigo="KIT-ILUM", descricao="Kit iluminação",
                                 unidade=cenario.un, ncm="85395000")  # fmt: skip
    KitComponente.objects.create(kit=kit, componente=cenario.lampada, quantidade=D("2"))
    KitComponente.objects.create(kit=kit, componente=cenario.parafuso, quantidade=D("10"))
    Estoque.objects.filter(produto=cenario.cabo).update(quantidade=D("0"))
    similar = Produto.objects.create(codigo="CABO-200", descricao="Cabo flexível 2,5mm outra marca",
                                     unidade=cenario.un, ncm="85444200")  # fmt: skip
    ProdutoSimilar.objects.create(produto=cenario.cabo, similar=similar, observacao="mesma bitola")
    pedido = criar_pedido(cenario)
    page = pagina
    entrar(page, "dono")
    page.goto(f"/vendas/{pedido.pk}/")
    versao = page.input_value("#pedido-versao")

    # when the rep opens the favourites (f) and adds the lamp with Enter in its quantity
    page.keyboard.press("f")
    assert page.is_visible("#catalogo-painel-favoritos")
    assert page.evaluate("document.activeElement.hasAttribute('data-catalogo-qtd')")
    page.keyboard.type("3")  # the quantity came focused and selected
    page.keyboard.press("Enter")
    versao = _esperar_versao(page, versao)
    page.wait_for_selector("#itens-corpo tr td:has-text('LAMP-LED')")
    screenshot(page, "catalogo_01_favorito_incluido")

    # and searches the cable (F2), puts it in the cart (+), then the screw too
    page.keyboard.press("Escape")
    for termo in ("CABO", "PAR-"):
        page.keyboard.press("F2")
        page.keyboard.press("Control+a")
        page.keyboard.type(termo)
        page.wait_for_selector(f"#produto-resultados a[role=option]:has-text('{termo}')")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("+")
    page.keyboard.press("*")  # star the screw from the result
    page.wait_for_selector("#produto-resultados [data-favorito][aria-pressed=true] >> nth=0")
    screenshot(page, "catalogo_02_busca_carrinho_estrela")
    assert page.text_content("#carrinho-contador") == "2"
    # then opens the cart (Esc leaves the list and the field, c opens it) and adds all at once
    _painel(page, "c")
    assert page.evaluate("document.activeElement.hasAttribute('data-carrinho-qtd')")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("20")
    screenshot(page, "catalogo_03_carrinho")
    page.keyboard.press("Enter")
    versao = _esperar_versao(page, versao)
    page.wait_for_selector("#catalogo-relatorio:has-text('2 itens incluídos')")
    assert page.text_content("#carrinho-contador") == "0"

    # and looks at the suggestions of what went in (s): the cable has no stock, its similar
    _painel(page, "s")
    page.wait_for_selector("#catalogo-sugestoes:has-text('CABO-200')")
    assert "sem estoque" in page.text_content("#catalogo-sugestoes")
    assert "mesma bitola" in page.text_content("#catalogo-sugestoes")
    screenshot(page, "catalogo_04_sugestoes")

    # and pastes a list with a kit and a bad line (l, Ctrl+Enter)
    _painel(page, "l")
    assert _foco(page) == "colar-texto"
    # (what a paste from a spreadsheet puts in the box: tabs and pt-BR decimals)
    page.fill("#colar-texto", "KIT-ILUM;2\nNAO-EXISTE;1\nLAMP-LED\t1,5")
    page.keyboard.press("Control+Enter")
    versao = _esperar_versao(page, versao)
    page.wait_for_selector("#catalogo-relatorio:has-text('código “NAO-EXISTE” não encontrado')")
    assert page.input_value("#colar-texto") == "NAO-EXISTE;1"
    screenshot(page, "catalogo_05_colar")

    # and adds the screw on promotion from the promotions panel (p)
    _painel(page, "p")
    page.wait_for_selector("#catalogo-promocoes:has-text('Semana da ferragem')")
    assert page.evaluate("document.activeElement.hasAttribute('data-catalogo-qtd')")
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    versao = _esperar_versao(page, versao)
    screenshot(page, "catalogo_06_promocao")

    # then the order holds every item, the kit exploded, the promotion priced
    itens = [(i.produto.codigo, i.quantidade, i.novo_preco)
             for i in pedido.itens.order_by("sequencia")]  # fmt: skip
    assert itens == [
        ("LAMP-LED", D("3"), None), ("CABO-100", D("2"), None), ("PAR-001", D("20"), None),
        ("LAMP-LED", D("4"), None), ("PAR-001", D("20"), None), ("LAMP-LED", D("1.5"), None),
        ("PAR-001", D("10"), D("1.50")),
    ]  # fmt: skip
    assert ProdutoFavorito.objects.filter(usuario=cenario.dono).count() == 2
    assert not page.erros_js, page.erros_js
