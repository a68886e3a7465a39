"""Exportador xlsx/CSV: tipos, formatos, injeção de fórmula e exportação em fluxo."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet import _writer
from python_calamine import CalamineWorkbook

from crm.xlsx import (
    Coluna,
    exportar_csv,
    exportar_xlsx,
    exportar_xlsx_para,
    texto_perigoso,
    texto_seguro,
)

UTC = dt.UTC

COLUNAS = [
    Coluna("Cliente", "texto"),
    Coluna("Quantidade", "inteiro"),
    Coluna("Peso", "decimal"),
    Coluna("Total", "moeda"),
    Coluna("Emissão", "data"),
    Coluna("Aprovado em", "datahora"),
    Coluna("Ativo", "booleano"),
    Coluna("Desconto", "percentual", largura=11),
]

LINHA = [
    "Padaria Pão de Açúcar",
    1234,
    Decimal("12.345"),
    Decimal("1234567.89"),
    dt.date(2024, 1, 31),
    dt.datetime(2024, 1, 31, 15, 30, tzinfo=UTC),
    True,
    Decimal("0.15"),
]


def _abrir(conteudo: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(conteudo)).active


def _calamine(conteudo: bytes) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(conteudo)).get_sheet_by_index(0).to_python()


def test_tipos_e_formatos_voltam_como_numeros_e_datas() -> None:
    ws = _abrir(exportar_xlsx(COLUNAS, [LINHA]))
    cliente, qtd, peso, total, emissao, aprovado, ativo, desconto = ws[2]

    assert (cliente.value, cliente.data_type) == ("Padaria Pão de Açúcar", "s")
    assert (qtd.value, qtd.data_type, qtd.number_format) == (1234, "n", "#,##0")
    assert (peso.data_type, peso.number_format) == ("n", "#,##0.00")
    assert Decimal(str(peso.value)) == Decimal("12.345")
    assert (total.data_type, total.number_format) == ("n", "#,##0.00")
    assert Decimal(str(total.value)) == Decimal("1234567.89")
    assert (emissao.value, emissao.number_format) == (dt.datetime(2024, 1, 31), "dd/mm/yyyy")
    # 15:30 UTC = 12:30 em Brasília; Excel não tem fuso, então a célula é ingênua.
    assert (aprovado.value, aprovado.number_format) == (
        dt.datetime(2024, 1, 31, 12, 30),
        "dd/mm/yyyy hh:mm",
    )
    assert (ativo.value, ativo.data_type) == ("Sim", "s")
    assert (desconto.value, desconto.number_format) == (0.15, "0.00%")


def test_decimal_chega_exato_ao_xml() -> None:
    # Os dígitos gravados no XML são os do Decimal, sem passar por um float nosso.
    conteudo = exportar_xlsx([Coluna("Total", "moeda")], [[Decimal("9999999999999.99")]])
    xml = zipfile.ZipFile(io.BytesIO(conteudo)).read("xl/worksheets/sheet1.xml")
    assert b"<v>9999999999999.99</v>" in xml


def test_fuso_respeita_horario_de_verao_antigo() -> None:
    # Em dezembro de 2018 Brasília estava em UTC-2 (horário de verão).
    ws = _abrir(
        exportar_xlsx(
            [Coluna("Quando", "datahora")], [[dt.datetime(2018, 12, 1, 12, 0, tzinfo=UTC)]]
        )
    )
    assert ws["A2"].value == dt.datetime(2018, 12, 1, 10, 0)


def test_data_recebendo_datetime_usa_o_dia_em_brasilia() -> None:
    # 01:00 UTC do dia 1º ainda é dia 31 em Brasília.
    ws = _abrir(
        exportar_xlsx([Coluna("Dia", "data")], [[dt.datetime(2024, 2, 1, 1, 0, tzinfo=UTC)]])
    )
    assert ws["A2"].value == dt.datetime(2024, 1, 31)


def test_nulos_viram_celulas_vazias_e_falso_vira_nao() -> None:
    linha: list[object] = [None] * len(COLUNAS)
    linha[6] = False
    ws = _abrir(exportar_xlsx(COLUNAS, [linha]))
    valores = [c.value for c in ws[2]]
    assert valores == [None] * 6 + ["Não", None]


def test_cabecalho_negrito_congelado_com_autofiltro_e_larguras() -> None:
    ws = _abrir(exportar_xlsx(COLUNAS, [LINHA, LINHA], titulo_planilha="Pedidos"))
    assert ws.title == "Pedidos"
    assert [c.value for c in ws[1]] == [c.titulo for c in COLUNAS]
    assert all(c.font.b for c in ws[1])
    assert not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H3"
    assert ws.column_dimensions["A"].width == 30
    assert ws.column_dimensions["H"].width == 11


def test_planilha_sem_linhas_tem_so_o_cabecalho() -> None:
    ws = _abrir(exportar_xlsx(COLUNAS, []))
    assert ws.max_row == 1
    assert ws.auto_filter.ref == "A1:H1"


@pytest.mark.parametrize(
    "valor",
    [
        "=1+1",
        "+1+1",
        "-1+1",
        "@SUM(A1:A2)",
        "\t=1+1",
        '  =HYPERLINK("http://example.com","clique")',
        "=cmd|' /C calc'!A0",
        "-",
        "=",
    ],
)
def test_texto_com_cara_de_formula_fica_literal(valor: str) -> None:
    conteudo = exportar_xlsx([Coluna("Observação")], [[valor]])

    celula = _abrir(conteudo)["A2"]
    assert celula.value == valor
    assert celula.data_type == "s"
    assert celula.quotePrefix is True
    assert _calamine(conteudo)[1] == [valor]
    xml = zipfile.ZipFile(io.BytesIO(conteudo)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    assert b"<f " not in xml


def test_carriage_return_inicial_tambem_fica_literal() -> None:
    # XML converte CR em LF na leitura; o exportador normaliza antes de gravar, então o valor
    # lido é o original com LF, e continua texto literal.
    conteudo = exportar_xlsx([Coluna("Observação")], [["\r=1+1"], ["a\r\nb"]])
    ws = _abrir(conteudo)
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == ("\n=1+1", "s", True)
    assert ws["A3"].value == "a\nb"
    assert [linha[0] for linha in _calamine(conteudo)[1:]] == ["\n=1+1", "a\nb"]


def test_codigo_de_erro_e_escape_ooxml_ficam_texto() -> None:
    conteudo = exportar_xlsx([Coluna("Obs")], [["#N/A"], ["_x003D_1+1"], ["texto comum"]])
    ws = _abrir(conteudo)
    assert (ws["A2"].value, ws["A2"].data_type) == ("#N/A", "s")
    # O Excel mostraria "_x003D_1+1" como "=1+1": também ganha o quotePrefix.
    assert ws["A3"].quotePrefix is True
    assert ws["A4"].quotePrefix is False


def test_cabecalho_tambem_e_protegido() -> None:
    ws = _abrir(exportar_xlsx([Coluna("=1+1")], []))
    assert (ws["A1"].value, ws["A1"].data_type, ws["A1"].quotePrefix) == ("=1+1", "s", True)


def test_caracteres_de_controle_sao_removidos() -> None:
    ws = _abrir(exportar_xlsx([Coluna("Nome")], [["Ana\x0b Maria\x00"]]))
    assert ws["A2"].value == "Ana Maria"


def test_texto_recebe_qualquer_valor_como_str() -> None:
    ws = _abrir(exportar_xlsx([Coluna("CPF")], [[12345678909]]))
    assert (ws["A2"].value, ws["A2"].data_type) == ("12345678909", "s")


@pytest.mark.parametrize(
    ("coluna", "valor"),
    [
        (Coluna("Qtd", "inteiro"), True),
        (Coluna("Qtd", "inteiro"), Decimal("1.5")),
        (Coluna("Total", "moeda"), "12,50"),
        (Coluna("Dia", "data"), "2024-01-31"),
        (Coluna("Ativo", "booleano"), 1),
    ],
)
def test_valor_do_tipo_errado_e_erro_de_programacao(coluna: Coluna, valor: object) -> None:
    with pytest.raises(TypeError, match=coluna.titulo):
        exportar_xlsx([coluna], [[valor]])


def test_linha_com_numero_errado_de_valores() -> None:
    with pytest.raises(ValueError, match="Linha 2"):
        exportar_xlsx([Coluna("A"), Coluna("B")], [["a", "b"], ["a"]])


def test_exportacao_grande_em_fluxo(tmp_path: Path) -> None:
    colunas = [Coluna("Código", "inteiro"), Coluna("Nome"), Coluna("Total", "moeda")]
    # Gerador: o exportador não pode precisar das linhas em memória.
    linhas = ((i, f"Cliente {i}", Decimal(i) / 100) for i in range(100_000))
    destino = tmp_path / "grande.xlsx"

    assert exportar_xlsx_para(destino, colunas, linhas) == 100_000

    planilha = CalamineWorkbook.from_path(destino).get_sheet_by_index(0).to_python()
    assert len(planilha) == 100_001
    assert planilha[-1] == [99_999.0, "Cliente 99999", 999.99]


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def test_csv_no_padrao_do_excel_brasileiro() -> None:
    texto = exportar_csv(COLUNAS, [LINHA, [None] * len(COLUNAS)])
    cabecalho, linha, vazia, fim = texto.split("\r\n")
    assert cabecalho == "Cliente;Quantidade;Peso;Total;Emissão;Aprovado em;Ativo;Desconto"
    assert linha == (
        "Padaria Pão de Açúcar;1234;12,345;1.234.567,89;31/01/2024;31/01/2024 12:30;Sim;15,00%"
    )
    assert vazia == ";;;;;;;"
    assert fim == ""


def test_csv_nao_arredonda_e_completa_duas_casas() -> None:
    texto = exportar_csv([Coluna("V", "moeda")], [[Decimal("0.125")], [Decimal("-1234.5")], [3]])
    assert texto.split("\r\n")[1:4] == ["0,125", "-1.234,50", "3,00"]


def test_csv_separador_e_aspas_no_texto_sao_escapados() -> None:
    texto = exportar_csv([Coluna("Nome"), Coluna("Obs")], [["Silva; Filhos", 'diz "oi"']])
    assert texto.split("\r\n")[1] == '"Silva; Filhos";"diz ""oi"""'


@pytest.mark.parametrize("valor", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "  =1"])
def test_csv_prefixa_apostrofo_em_formulas(valor: str) -> None:
    texto = exportar_csv([Coluna("Obs")], [[valor]])
    assert texto.startswith("Obs\r\n")
    assert texto_seguro(valor) == "'" + valor
    # Valores com \t/\r saem entre aspas pelo módulo csv; o conteúdo começa com o apóstrofo.
    assert texto[len("Obs\r\n") :].lstrip('"').startswith("'")


def test_texto_perigoso() -> None:
    assert not texto_perigoso("")
    assert not texto_perigoso("Maria")
    assert not texto_perigoso("a=b")
    assert texto_perigoso(" \n=1")
    assert texto_seguro("Maria") == "Maria"


def test_exportacao_abortada_nao_deixa_temporario() -> None:
    # Registro interno do openpyxl dos temporários ainda não apagados.
    antes = list(_writer.ALL_TEMP_FILES)
    with pytest.raises(TypeError):
        exportar_xlsx([Coluna("Qtd", "inteiro")], [[1], ["dois"]])
    depois = list(_writer.ALL_TEMP_FILES)
    assert depois == antes
