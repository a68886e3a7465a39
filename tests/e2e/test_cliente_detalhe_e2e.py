"""The client record in a real browser: tabs by htmx, CEP autofill, UF → municipalities, masks."""

from __future__ import annotations

from cadastro.models import Endereco, Telefone
from tests.e2e.conftest import entrar
from tests.factories import CarteiraFactory, ClienteFactory, UsuarioFactory


def test_abas_cep_e_telefone_no_navegador(pagina, screenshot):
    # given a rep and a client of their carteira
    rep = UsuarioFactory(username="rep1", papel="Representante")
    cliente = ClienteFactory(carteira=CarteiraFactory(representante=rep), nome="Mercado Bom Preço")
    entrar(pagina, "rep1")
    pagina.goto(f"/clientes/{cliente.pk}/")
    assert "Mercado Bom Preço" in pagina.inner_text("h1")

    # when the rep opens the addresses tab (htmx swap, URL follows) and a new address form
    pagina.click("a[role=tab]:has-text('Endereços')")
    pagina.wait_for_url(f"**/clientes/{cliente.pk}/?aba=enderecos")
    pagina.click("a:has-text('Novo endereço')")
    # and types a known CEP without mask, then leaves the field
    pagina.fill("#id_cep", "02067050")
    pagina.press("#id_cep", "Tab")
    pagina.wait_for_selector(".aviso-cep")
    # then the mask is applied and the address is filled from the local CEP table
    assert pagina.input_value("#id_cep") == "02067-050"
    assert pagina.input_value("#id_logradouro") == "Rua João Batista Alves da Silva"
    assert pagina.input_value("#id_bairro") == "Carandiru"
    assert pagina.input_value("#id_uf") == "SP"
    assert pagina.input_value("#id_municipio") == "3550308"
    # and changing the UF reloads the municipalities of that UF only
    pagina.select_option("#id_uf", "AC")
    pagina.wait_for_selector("#id_municipio option[value='1200401']", state="attached")
    assert pagina.locator("#id_municipio option").count() < 40
    assert "Rio Branco" in pagina.inner_text("#id_municipio")
    pagina.select_option("#id_uf", "SP")
    pagina.wait_for_selector("#id_municipio option[value='3550308']", state="attached")
    pagina.select_option("#id_municipio", "3550308")
    pagina.fill("#id_numero", "120")
    screenshot(pagina, "cliente_endereco_cep")
    pagina.click("form.subform button[type=submit]")
    pagina.wait_for_selector("text=Endereço incluído.")
    assert Endereco.objects.get(cliente=cliente).numero == "120"

    # a phone typed without mask is masked and saved with its DDD
    pagina.click("a[role=tab]:has-text('Telefones e contatos')")
    pagina.click("a:has-text('Novo telefone')")
    pagina.type("#id_fone", "11987654321")
    assert pagina.input_value("#id_fone") == "(11) 98765-4321"
    pagina.click("form.subform button[type=submit]")
    pagina.wait_for_selector("text=Telefone incluído.")
    telefone = Telefone.objects.get(cliente=cliente)
    assert (telefone.ddd, telefone.numero) == ("11", "987654321")
    screenshot(pagina, "cliente_contatos")
    assert pagina.erros_js == []
