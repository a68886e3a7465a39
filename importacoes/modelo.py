"""The downloadable template of an import kind (.xlsx made with openpyxl).

Sheet 1 (named like the kind, e.g. "Clientes"): the header, a note on each header cell saying
what the column takes, text format on document/CEP columns (so Excel keeps leading zeros),
date format on date columns, and data-validation lists (UF, sex, client type, Sim/Não…).
Sheet 2 "Instruções": how to fill it, in pt-BR, and one line per column.
A hidden sheet "Listas" holds the values of the lists (an inline list is limited to 255
characters; the registries can be longer).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from importacoes.tipos import TipoImportacao

_LINHAS_VALIDADAS = 100_000
_PREENCHIMENTO_OBRIGATORIO = PatternFill("solid", fgColor="0F5C4D")
_PREENCHIMENTO = PatternFill("solid", fgColor="3A6F8F")
_FONTE_TITULO = Font(name="Calibri", size=11, bold=True, color="FFFFFF")
_AUTOR = "CRM"


def gerar_modelo(tipo: TipoImportacao) -> bytes:
    wb = Workbook()
    dados = wb.active
    dados.title = tipo.nome_planilha
    instrucoes = wb.create_sheet("Instruções")
    listas = wb.create_sheet("Listas")
    listas.sheet_state = "hidden"

    valores_listas = tipo.listas()
    coluna_lista = 0
    for indice, coluna in enumerate(tipo.colunas, start=1):
        letra = get_column_letter(indice)
        celula = dados.cell(row=1, column=indice, value=coluna.titulo)
        celula.font = _FONTE_TITULO
        celula.fill = _PREENCHIMENTO_OBRIGATORIO if coluna.obrigatoria else _PREENCHIMENTO
        celula.alignment = Alignment(vertical="center", wrap_text=True)
        nota = coluna.nota + (f" Exemplo: {coluna.exemplo}." if coluna.exemplo else "")
        if coluna.obrigatoria:
            nota = "OBRIGATÓRIA. " + nota
        comentario = Comment(nota, _AUTOR)
        comentario.width = 320
        comentario.height = 120
        celula.comment = comentario
        dados.column_dimensions[letra].width = coluna.largura
        if coluna.formato == "texto":
            dados.column_dimensions[letra].number_format = "@"
        elif coluna.formato == "data":
            dados.column_dimensions[letra].number_format = "DD/MM/YYYY"

        opcoes = (
            list(coluna.lista)
            if isinstance(coluna.lista, tuple)
            else valores_listas.get(coluna.lista, [])
            if coluna.lista
            else []
        )
        if opcoes:
            coluna_lista += 1
            letra_lista = get_column_letter(coluna_lista)
            listas.cell(row=1, column=coluna_lista, value=coluna.titulo)
            for linha, valor in enumerate(opcoes, start=2):
                listas.cell(row=linha, column=coluna_lista, value=valor)
            validacao = DataValidation(
                type="list",
                formula1=f"=Listas!${letra_lista}$2:${letra_lista}${len(opcoes) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=coluna.titulo,
                error=f"Valor fora da lista de {coluna.titulo}.",
            )
            validacao.add(f"{letra}2:{letra}{_LINHAS_VALIDADAS}")
            dados.add_data_validation(validacao)
    dados.freeze_panes = "A2"
    dados.row_dimensions[1].height = 32

    _instrucoes(instrucoes, tipo)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _instrucoes(ws: Worksheet, tipo: TipoImportacao) -> None:
    for letra, largura in (("A", 30), ("B", 14), ("C", 34), ("D", 90)):
        ws.column_dimensions[letra].width = largura
    ws.append([f"Importação de {tipo.nome.lower()}: como preencher"])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append([])
    for numero, texto in enumerate(tipo.instrucoes, start=1):
        ws.append([f"{numero}.", texto])
        linha = ws.max_row
        ws.merge_cells(start_row=linha, start_column=2, end_row=linha, end_column=4)
        ws.cell(row=linha, column=1).alignment = Alignment(vertical="top")
        ws.cell(row=linha, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[linha].height = 15 * (1 + len(texto) // 120)
    ws.append([])
    ws.append(["Coluna", "Obrigatória", "Seção", "O que aceita"])
    for celula in ws[ws.max_row]:
        celula.font = Font(bold=True)
    for coluna in tipo.colunas:
        nota = coluna.nota + (f" Exemplo: {coluna.exemplo}." if coluna.exemplo else "")
        ws.append([coluna.titulo, "Sim" if coluna.obrigatoria else "Não", coluna.secao, nota])
        ws.cell(row=ws.max_row, column=4).alignment = Alignment(wrap_text=True)
