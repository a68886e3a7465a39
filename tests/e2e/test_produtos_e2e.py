"""Products in a real browser: a supervisor searches, opens the maintenance and adds a similar
product through the htmx autocomplete; a rep sees the list without costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from produtos.models import Custo, ProdutoSimilar
from tests.e2e.conftest import entrar
from tests.factories import UsuarioFactory
from tests.produtos.fabricas import PrecoFactory, ProdutoFactory


def test_supervisor_busca_e_inclui_similar_pelo_autocomplete(pagina, screenshot):
    # given two products and a supervisor
    cafe = ProdutoFactory(codigo="CAF-1", descricao="Café torrado 500g")
    ProdutoFactory(codigo="CAF-2", descricao="Café extraforte 500g")
    PrecoFactory(produto=cafe, preco=Decimal("21.90"), inicio=dt.date(2020, 1, 1))
    Custo.objects.create(produto=cafe, data=dt.date(2020, 1, 1), custo=Decimal("13.37"))
    UsuarioFactory(username="sup1", papel="Supervisor")
    entrar(pagina, "sup1")
    # when searching without accent, the list narrows (htmx) and shows price, cost, margin
    pagina.goto("/produtos/")
    pagina.fill("#id_q", "cafe torrado")
    expect(pagina.locator("#produto-tabela tbody tr")).to_have_count(1)
    linha = pagina.inner_text("#produto-tabela tbody tr")
    assert "CAF-1" in linha and "R$ 21,90" in linha and "R$ 13,37" in linha
    screenshot(pagina, "produtos_lista_busca")
    # and in the maintenance, the similar product is picked through the autocomplete
    pagina.click("text=CAF-1")
    pagina.click("a[role=tab]:has-text('Similar')")
    pagina.click("summary:has-text('Incluir')")
    pagina.fill("#id_similares-similar", "extraforte")
    expect(pagina.locator("#sugestoes-id_similares-similar option")).not_to_have_count(0)
    assert (
        pagina.locator("#sugestoes-id_similares-similar option").first.get_attribute("value")
        == "CAF-2"
    )
    pagina.fill("#id_similares-similar", "CAF-2")
    pagina.click("form.form-secao button[type=submit]")
    pagina.wait_for_selector("text=item incluído")
    screenshot(pagina, "produtos_similar_incluido")
    # then it is saved and shown
    assert ProdutoSimilar.objects.filter(produto=cafe, similar__codigo="CAF-2").exists()
    assert "Café extraforte 500g" in pagina.inner_text("#secao-similares")
    assert pagina.erros_js == []


def test_representante_nao_ve_custos(pagina):
    cafe = ProdutoFactory(codigo="CAF-1", descricao="Café torrado 500g")
    Custo.objects.create(produto=cafe, data=dt.date(2020, 1, 1), custo=Decimal("13.37"))
    UsuarioFactory(username="rep9", papel="Representante")
    entrar(pagina, "rep9")
    pagina.goto("/produtos/")
    assert "13,37" not in pagina.content() and "Margem" not in pagina.content()
    pagina.goto(f"/produtos/{cafe.pk}/")
    assert pagina.locator("a[role=tab]:has-text('Custos')").count() == 0
