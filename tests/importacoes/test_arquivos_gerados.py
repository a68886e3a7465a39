"""The template (modelo) and the error file (arquivo de erros)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from importacoes.erros import gerar_arquivo_erros
from importacoes.leitura import TITULO_LINHA_ORIGINAL, TITULO_PROBLEMAS, TITULO_SITUACAO
from importacoes.modelo import gerar_modelo
from importacoes.tipos import obter_tipo
from tests.importacoes.apoio import erros_por_linha, importar, linha_cliente, planilha

pytestmark = pytest.mark.django_db


def test_modelo_tem_notas_listas_formato_texto_e_instrucoes(registros):
    # when the client template is generated
    wb = openpyxl.load_workbook(io.BytesIO(gerar_modelo(obter_tipo("clientes"))))
    # then it has the data sheet, the pt-BR instructions and a hidden sheet of lists
    assert wb.sheetnames == ["Clientes", "Instruções", "Listas"]
    assert wb["Listas"].sheet_state == "hidden"
    dados = wb["Clientes"]
    titulos = [c.value for c in dados[1]]
    assert titulos[:5] == ["CPF/CNPJ", "Código externo", "Origem", "Estrangeiro", "Tipo de cliente"]
    # every header has a note saying what it takes
    assert all(c.comment is not None and c.comment.text for c in dados[1])
    assert dados["A1"].comment.text.startswith("OBRIGATÓRIA. CPF (11 dígitos)")
    # CPF/CNPJ and CEP columns are text, so Excel keeps the leading zeros
    coluna_cep = titulos.index("CEP") + 1
    assert dados.column_dimensions["A"].number_format == "@"
    assert (
        dados.column_dimensions[openpyxl.utils.get_column_letter(coluna_cep)].number_format == "@"
    )
    # lists: UF, sex, client type (from the registry) and yes/no flags
    listas = wb["Listas"]
    por_coluna = {
        listas.cell(row=1, column=c).value: [
            listas.cell(row=r, column=c).value for r in range(2, listas.max_row + 1)
            if listas.cell(row=r, column=c).value is not None
        ]
        for c in range(1, listas.max_column + 1)
    }  # fmt: skip
    assert por_coluna["UF"][:3] == ["AC", "AL", "AP"] and len(por_coluna["UF"]) == 27
    assert por_coluna["Sexo"] == ["Masculino", "Feminino", "Outro", "Não informado"]
    assert por_coluna["Tipo de cliente"] == ["CF", "REV"]
    assert por_coluna["Estrangeiro"] == ["Sim", "Não"]
    validadas = {str(v.sqref).split(":")[0] for v in dados.data_validations.dataValidation}
    assert {"C2", "D2", "E2"} <= validadas
    instrucoes = [r[1] for r in wb["Instruções"].iter_rows(values_only=True) if r[1]]
    assert any("vale a primeira linha válida" in t for t in instrucoes)
    assert any("nunca é reativado" in t for t in instrucoes)


def test_modelo_preenchido_e_importavel(registros, admin):
    wb = openpyxl.load_workbook(io.BytesIO(gerar_modelo(obter_tipo("clientes"))))
    dados = wb["Clientes"]
    titulos = [c.value for c in dados[1]]
    linha = dict.fromkeys(titulos)
    linha.update(linha_cliente(1))
    dados.append([linha[t] for t in titulos])
    buffer = io.BytesIO()
    wb.save(buffer)
    imp = importar(buffer.getvalue(), admin)
    assert (imp.criadas, imp.colunas_desconhecidas) == (1, [])


def test_arquivo_de_erros_devolve_as_linhas_como_vieram(registros, admin, tmp_path):
    # given rejected rows whose cells look like formulas, and a flagged one
    perigosos = ['=HYPERLINK("http://x")', "+55 11", "-1+1", "@SOMA(A1)", "\tTAB", "\rCR"]
    linhas = [linha_cliente(1)]
    for n, texto in enumerate(perigosos, start=2):
        linhas.append(linha_cliente(n, Origem="NAOEXISTE", **{"Nome / Razão social": texto}))
    # openpyxl would store "=…" as a formula; a user's typed text is a string cell
    wb = openpyxl.load_workbook(io.BytesIO(planilha(linhas)))
    for n, texto in enumerate(perigosos, start=3):
        celula = wb.active.cell(row=n, column=6)
        celula.value = texto
        celula.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    imp = importar(buffer.getvalue(), admin)
    assert imp.rejeitadas == len(perigosos)
    destino = tmp_path / "erros.xlsx"
    # when the error file is generated
    assert gerar_arquivo_erros(imp, destino) == len(perigosos)
    # then: the file's own header, plus situation, problems and original row number
    ws = openpyxl.load_workbook(destino).active
    cabecalho = [c.value for c in ws[1]]
    assert cabecalho == [*imp.cabecalho, TITULO_SITUACAO, TITULO_PROBLEMAS, TITULO_LINHA_ORIGINAL]
    linhas_arquivo = list(ws.iter_rows(min_row=2))
    nomes = [linha[5] for linha in linhas_arquivo]
    # formula-looking text is still the same text, stored as a string and never a formula
    assert [c.value for c in nomes] == [t.replace("\r", "\n") for t in perigosos]
    assert all(c.data_type == "s" for c in nomes)
    # and carries Excel's "text" marker (the CR became a line break, which Excel never
    # evaluates, so that one needs none)
    assert [c.quotePrefix for c in nomes] == [True, True, True, True, True, False]
    primeira = [c.value for c in linhas_arquivo[0]]
    assert primeira[-3:] == [
        "Rejeitada", "Origem: Origem “NAOEXISTE” não encontrado. Use: um código de "
        "Administração › Origens.", 3,
    ]  # fmt: skip
    assert erros_por_linha(imp)[3] == [primeira[-2]]


def test_arquivo_de_erros_corrigido_pode_ser_reimportado(registros, admin, tmp_path):
    imp = importar(planilha([linha_cliente(1), linha_cliente(2, Origem="XX")]), admin)
    destino = tmp_path / "erros.xlsx"
    gerar_arquivo_erros(imp, destino)
    wb = openpyxl.load_workbook(destino)
    wb.active["C2"] = "ERP"  # the user fixes the origin
    wb.save(destino)
    segunda = importar(destino.read_bytes(), admin)
    assert (segunda.criadas, segunda.rejeitadas, segunda.colunas_desconhecidas) == (1, 0, [])
