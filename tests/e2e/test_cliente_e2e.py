"""Issue 3 "done when": a rep finds a client by CPF without mask, edits a phone, sees it in the
history tab, exports the list, and cannot open a colleague's client."""

from __future__ import annotations

import io

import openpyxl

from tests.e2e.conftest import entrar
from tests.factories import ClienteFactory, TelefoneFactory


def test_rep_busca_edita_telefone_ve_historico_exporta(pessoas, pagina, screenshot):
    # given a client of the rep (CPF 529.982.247-25) with a phone, and a colleague's client
    cliente = ClienteFactory(carteira=pessoas.a, documento="52998224725", nome="Joana Conceição")
    TelefoneFactory(cliente=cliente, ddd="11", numero="987654321")
    do_colega = ClienteFactory(carteira=pessoas.b, nome="Cliente do Colega")
    entrar(pagina, "dono")
    screenshot(pagina, "cliente_01_lista")

    # when the rep presses "/" and types the CPF without mask
    pagina.keyboard.press("/")
    pagina.keyboard.type("52998224725")
    resultado = pagina.locator("#busca-resultados a", has_text="Joana Conceição")
    resultado.wait_for()
    screenshot(pagina, "cliente_02_busca")
    resultado.click()
    pagina.wait_for_url(f"**/clientes/{cliente.pk}/**")
    assert "529.982.247-25" in pagina.inner_text("main")
    screenshot(pagina, "cliente_03_detalhe")

    # and edits the phone in the "Telefones e contatos" tab
    pagina.click("nav.abas >> text=Telefones e contatos")
    pagina.locator("text=Alterar").first.click()
    campo = pagina.locator("input[name=fone]")
    campo.fill("")
    campo.type("11912345678")
    assert campo.input_value() == "(11) 91234-5678"  # the mask formats as the rep types
    screenshot(pagina, "cliente_04_telefone_editando")
    pagina.click("form.subform button[type=submit]")
    pagina.locator("text=(11) 91234-5678").first.wait_for()
    screenshot(pagina, "cliente_05_telefone_salvo")

    # then the history tab shows who changed the phone, from what to what
    pagina.click("nav.abas >> text=Histórico")
    historico = pagina.locator("ol.historico")
    historico.wait_for()
    texto = historico.inner_text()
    assert "987654321" in texto.replace("-", "").replace(" ", "") or "98765-4321" in texto
    assert "912345678" in texto.replace("-", "").replace(" ", "") or "91234-5678" in texto
    usuario = pessoas.usuarios["dono"]
    assert (usuario.get_full_name() or usuario.username) in texto
    screenshot(pagina, "cliente_06_historico")

    # and the list export holds the rep's client and not the colleague's
    pagina.goto("/clientes/")
    with pagina.expect_download() as baixado:
        pagina.click("text=Exportar Excel")
    conteudo = baixado.value.path().read_bytes()
    planilha = openpyxl.load_workbook(io.BytesIO(conteudo), read_only=True).active
    linhas = list(planilha.iter_rows(values_only=True))
    coluna = next(i for i, titulo in enumerate(linhas[0]) if titulo and "Nome" in titulo)
    nomes = {linha[coluna] for linha in linhas[1:]}
    assert "Joana Conceição" in nomes
    assert "Cliente do Colega" not in nomes

    # and the colleague's client is a 404 by URL
    resposta = pagina.goto(f"/clientes/{do_colega.pk}/")
    assert resposta.status == 404
    assert pagina.erros_js == [] or all("404" in e for e in pagina.erros_js)
