"""Client import in Chromium: template → upload → live progress → result → error file.

The job is not run inline here: the upload only enqueues it (the queue is replaced by a list),
and the test runs it in a background thread, a little slowed down per batch, so the page's htmx
polling is seen moving the job from *pendente* to *processando* to *concluído com erros*.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import openpyxl
import pytest
from django.db import connection

from cadastro.importacao import ImportacaoClientes
from cadastro.models import Cliente
from importacoes.services import importacao_processar
from tests.e2e.conftest import entrar
from tests.importacoes.apoio import criar_registros, linha_cliente

LINHAS_BOAS = 118


@pytest.fixture
def registros(transactional_db):
    return criar_registros()


def _preencher_modelo(modelo: Path, destino: Path) -> None:
    wb = openpyxl.load_workbook(modelo)
    ws = wb["Clientes"]
    titulos = [c.value for c in ws[1]]
    linhas = [linha_cliente(n, UF="SP", Logradouro=f"Rua {n}") for n in range(LINHAS_BOAS)]
    linhas.insert(10, linha_cliente(900, **{"CPF/CNPJ": "123.456.789-00"}))
    linhas.insert(50, linha_cliente(901, Origem="SITE", **{"Nome / Razão social": "=1+1"}))
    for linha in linhas:
        ws.append([linha.get(t) for t in titulos])
        celula = ws.cell(row=ws.max_row, column=titulos.index("Nome / Razão social") + 1)
        celula.data_type = "s"  # what the user typed: text, even when it starts with "="
    wb.save(destino)


def test_importar_clientes_do_modelo_ao_arquivo_de_erros(
    pagina, screenshot, pessoas, registros, monkeypatch, settings, tmp_path
):
    settings.IMPORTACAO_TAMANHO_LOTE = 20
    fila: list[int] = []
    monkeypatch.setattr("importacoes.services.enfileirar_importacao", fila.append)
    original = ImportacaoClientes.gravar

    def gravar_devagar(tipo, registros, ctx, importacao):
        time.sleep(0.4)  # so the browser has time to show the job moving
        return original(tipo, registros, ctx, importacao)

    monkeypatch.setattr(ImportacaoClientes, "gravar", gravar_devagar)

    # the admin opens the import screen from the list
    entrar(pagina, "admin")
    pagina.goto("/importacoes/")
    pagina.click("text=Importar clientes")
    pagina.wait_for_url("**/importacoes/nova/?tipo=clientes")
    screenshot(pagina, "importacao_01_tela")

    # downloads the template and fills it (two rows are wrong)
    with pagina.expect_download() as baixado:
        pagina.click("text=Baixar modelo (.xlsx)")
    modelo = tmp_path / "modelo.xlsx"
    baixado.value.save_as(modelo)
    preenchido = tmp_path / "clientes preenchidos.xlsx"
    _preencher_modelo(modelo, preenchido)

    # uploads it: the job appears as pendente and the page starts polling
    pagina.set_input_files("input[type=file]", str(preenchido))
    pagina.click("text=Enviar e importar")
    pagina.wait_for_selector("#importacao-situacao[data-status=pendente]")
    assert pagina.get_attribute("#importacao-situacao", "hx-trigger") == "every 1s"
    assert "Importação" in pagina.inner_text(".mensagens")
    screenshot(pagina, "importacao_02_pendente")

    # a worker picks it up
    (pk,) = fila

    def trabalhar() -> None:
        try:
            importacao_processar(pk)
        finally:
            connection.close()

    worker = threading.Thread(target=trabalhar)
    worker.start()
    try:
        # the page shows it processing, with a progress bar, without any reload
        pagina.wait_for_selector("#importacao-situacao[data-status=processando]", timeout=30_000)
        screenshot(pagina, "importacao_03_processando")
        pagina.wait_for_selector(
            "#importacao-situacao[data-status=concluido_com_erros]", timeout=60_000
        )
    finally:
        worker.join(timeout=60)

    # the result: counts, the error file link, no more polling
    screenshot(pagina, "importacao_04_resultado")
    assert pagina.inner_text("#contagem-lidas") == "120"
    assert pagina.inner_text("#contagem-criadas") == str(LINHAS_BOAS)
    assert pagina.inner_text("#contagem-rejeitadas") == "2"
    assert pagina.get_attribute("#importacao-situacao", "hx-trigger") is None
    assert pagina.get_attribute(".barra-progresso", "aria-valuenow") == "100"
    assert "Cliente 0" in pagina.inner_text("#importacao-situacao")
    assert Cliente.objects.count() == LINHAS_BOAS

    # and the error file gives both rows back, explained, the formula kept as text
    with pagina.expect_download() as baixado:
        pagina.click("#baixar-erros")
    erros = tmp_path / "erros.xlsx"
    baixado.value.save_as(erros)
    ws = openpyxl.load_workbook(erros).active
    cabecalho = [c.value for c in ws[1]]
    linhas = [dict(zip(cabecalho, (c.value for c in r), strict=True)) for r in ws.iter_rows(2)]
    assert [linha["Linha na planilha original"] for linha in linhas] == [12, 52]
    assert "dígito verificador inválido" in linhas[0]["Problemas encontrados"]
    assert "Origem “SITE” não encontrado" in linhas[1]["Problemas encontrados"]
    assert linhas[1]["Nome / Razão social"] == "=1+1"
    assert ws.cell(row=3, column=cabecalho.index("Nome / Razão social") + 1).data_type == "s"
    assert pagina.erros_js == []
