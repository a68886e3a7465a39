"""Importação de regras por planilha (síncrona, arquivos pequenos, tudo ou nada) e o modelo."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from crm.xlsx import Coluna, exportar_xlsx
from matrizes import planilha
from matrizes.models import EventoRegra, Regra
from tests.matrizes.conftest import Catalogo, criar_regra

D = Decimal
pytestmark = pytest.mark.django_db


def _planilha(*linhas: dict[str, Any]) -> SimpleUploadedFile:
    colunas = planilha.colunas_xlsx()
    titulos = {c.campo: c.titulo for c in planilha.COLUNAS}
    valores = [
        [linha.get(c.campo) if c.campo else None for c in planilha.COLUNAS] for linha in linhas
    ]
    assert all(campo in titulos for linha in linhas for campo in linha)
    conteudo = exportar_xlsx(colunas, valores)
    return SimpleUploadedFile("regras.xlsx", conteudo, content_type="application/octet-stream")


def _post(client: Any, arquivo: Any) -> Any:
    return client.post(reverse("matrizes:regra-importar"), {"arquivo": arquivo})


def test_importa_planilha_valida(client: Any, pessoas: Any, catalogo: Catalogo) -> None:
    # given a sheet with an ICMS rule keyed on UFs and an IPI rule keyed on a product code
    hoje = timezone.localdate()
    client.force_login(pessoas.usuarios["supervisor"])
    arquivo = _planilha(
        {
            "matriz": "ICMS",
            "uf_origem": "SP",
            "uf_destino": "rj",
            "aliquota": D("12"),
            "fcp": D("2"),
            "contribuinte": False,
            "vigencia_inicio": hoje,
        },
        {
            "matriz": "IPI",
            "produto": "par-001",
            "ncm": "73181500",
            "aliquota": D("6.5"),
            "vigencia_inicio": hoje,
            "observacao": "TIPI",
        },
    )
    # when it is uploaded
    resposta = _post(client, arquivo)
    # then both rules exist, with the product resolved by code, and the import is audited
    assert resposta.status_code == 302
    icms = Regra.objects.get(matriz="ICMS")
    assert (icms.uf_destino, icms.contribuinte, icms.aliquota) == ("RJ", False, D("12"))
    ipi = Regra.objects.get(matriz="IPI")
    assert (ipi.produto, ipi.aliquota, ipi.observacao) == (catalogo.parafuso, D("6.5"), "TIPI")
    assert set(EventoRegra.objects.values_list("tipo", flat=True)) == {"importada"}


def test_planilha_com_erros_nao_grava_nada_e_aponta_cada_linha(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    hoje = timezone.localdate()
    client.force_login(pessoas.usuarios["supervisor"])
    arquivo = _planilha(
        {"matriz": "IPI", "ncm": "85395000", "aliquota": D("5"), "vigencia_inicio": hoje},
        {"matriz": "IPI", "produto": "NAO-EXISTE", "aliquota": D("5"), "vigencia_inicio": hoje},
        {"matriz": "ICMS", "aliquota": D("18"), "vigencia_inicio": hoje},
        {"matriz": "XPTO", "vigencia_inicio": hoje},
        {"matriz": "IPI", "aliquota": D("5"), "vigencia_inicio": dt.date(2020, 1, 1)},
    )
    resposta = _post(client, arquivo)
    assert resposta.status_code == 200
    assert not Regra.objects.exists()
    erros = dict(resposta.context["erros"])
    assert list(erros) == [3, 5]  # row 6 is validated only once the others are fine
    assert erros[3] == ["Produto (código): “NAO-EXISTE” não encontrado."]
    assert "matriz “XPTO” desconhecida" in erros[5][0]
    # fixing those two, the service reports the missing FCP and the past date
    arquivo = _planilha(
        {"matriz": "IPI", "ncm": "85395000", "aliquota": D("5"), "vigencia_inicio": hoje},
        {"matriz": "ICMS", "aliquota": D("18"), "vigencia_inicio": hoje},
        {"matriz": "IPI", "aliquota": D("5"), "vigencia_inicio": dt.date(2020, 1, 1)},
    )
    resposta = _post(client, arquivo)
    erros = dict(resposta.context["erros"])
    assert erros[3] == ["FCP (%): Obrigatório nesta matriz."]
    assert "passado" in erros[4][0]
    assert not Regra.objects.exists()
    assert "Nenhuma regra foi importada" in resposta.content.decode()


def test_arquivo_que_nao_e_xlsx_e_recusado(client: Any, pessoas: Any) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = _post(client, SimpleUploadedFile("regras.xlsx", b"isto nao e um xlsx"))
    assert resposta.status_code == 200
    assert "não é uma planilha .xlsx válida" in resposta.context["erro_arquivo"]


def test_coluna_desconhecida_e_recusada(client: Any, pessoas: Any) -> None:
    # given a sheet with a header the layout does not know
    client.force_login(pessoas.usuarios["supervisor"])
    conteudo = exportar_xlsx([Coluna("Matriz"), Coluna("Alíquota do ISS")], [["IPI", 5]])
    resposta = _post(client, SimpleUploadedFile("r.xlsx", conteudo))
    assert "Colunas desconhecidas: “Alíquota do ISS”" in resposta.context["erro_arquivo"]


def test_exportar_editar_e_importar_de_volta(client: Any, pessoas: Any, catalogo: Catalogo) -> None:
    # given rules exported from the list
    criar_regra("IPI", ncm="08539500", produto=catalogo.lampada, aliquota=D("5.5"))
    client.force_login(pessoas.usuarios["supervisor"])
    exportado = client.get(reverse("matrizes:regra-exportar"))
    livro = load_workbook(io.BytesIO(b"".join(exportado.streaming_content)))
    aba = livro.active
    cabecalho = [c.value for c in aba[1]]
    # when the supervisor changes the NCM and the start date and imports it back
    aba.cell(row=2, column=cabecalho.index("NCM") + 1, value="08539600")
    aba.cell(row=2, column=cabecalho.index("Vigente de") + 1, value=timezone.localdate())
    saida = io.BytesIO()
    livro.save(saida)
    resposta = _post(client, SimpleUploadedFile("r.xlsx", saida.getvalue()))
    # then a new rule exists with the same product and rate (the ID column is ignored)
    assert resposta.status_code == 302
    nova = Regra.objects.get(ncm="08539600")
    assert (nova.produto, nova.aliquota) == (catalogo.lampada, D("5.5"))


def test_modelo_tem_as_colunas_da_importacao(client: Any, pessoas: Any) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    resposta = client.get(reverse("matrizes:regra-modelo"))
    assert resposta.status_code == 200
    livro = load_workbook(io.BytesIO(b"".join(resposta.streaming_content)))
    linhas = list(livro.active.iter_rows(values_only=True))
    assert list(linhas[0]) == [c.titulo for c in planilha.COLUNAS]
    assert linhas[1][1] == "ICMS"
