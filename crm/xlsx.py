"""Exportação tipada de planilhas (xlsx e CSV) em pt-BR.

Todas as telas de lista e relatórios exportam por aqui, para que números saiam como números,
datas como datas e nenhum texto digitado por um usuário vire fórmula na máquina de outro.

Uso::

    colunas = [Coluna("Cliente", "texto"), Coluna("Total", "moeda"), Coluna("Emissão", "data")]
    conteudo = exportar_xlsx(colunas, ((p.cliente.nome, p.total, p.emitido_em) for p in qs))

`linhas` é consumido uma única vez e nunca é materializado: passe um gerador (por exemplo
sobre `queryset.iterator()`) e use `exportar_xlsx_para` com um arquivo temporário nas
exportações grandes, para que nem as linhas nem o arquivo final fiquem inteiros na memória.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import parse_pattern
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TipoColuna = Literal[
    "texto", "inteiro", "decimal", "moeda", "data", "datahora", "booleano", "percentual"
]

FUSO_HORARIO = ZoneInfo("America/Sao_Paulo")

# OWASP "CSV Injection": células que começam com um destes caracteres são interpretadas como
# fórmula por Excel, LibreOffice e Google Sheets. \t e \r entram porque alguns programas
# descartam o espaço em branco inicial antes de decidir se o conteúdo é fórmula.
PREFIXOS_FORMULA = frozenset("=+-@\t\r")

FORMATO_DATA = "dd/mm/yyyy"
FORMATO_DATAHORA = "dd/mm/yyyy hh:mm"
FORMATO_DECIMAL = "#,##0.00"
FORMATO_INTEIRO = "#,##0"
FORMATO_PERCENTUAL = "0.00%"

_ESCAPE_OOXML = re.compile(r"_x([0-9A-Fa-f]{4})_")

# Excel limita a célula a 32.767 caracteres; openpyxl trunca calado, então truncamos nós.
_LIMITE_TEXTO = 32_767

_LARGURA_PADRAO: dict[str, int] = {
    "texto": 30,
    "inteiro": 12,
    "decimal": 14,
    "moeda": 16,
    "data": 12,
    "datahora": 17,
    "booleano": 8,
    "percentual": 10,
}

# Fonte completa (não só bold=True): uma <font> só com <b/> deixa alguns leitores sem nome e
# tamanho para o cabeçalho.
_FONTE_CABECALHO = Font(name="Calibri", size=11, bold=True)

_LOCALE = Locale.parse("pt_BR")
_PADRAO_DECIMAL_CSV = parse_pattern("#,##0.00")
_PADRAO_PERCENTUAL_CSV = parse_pattern("#,##0.00%")


@dataclass(frozen=True, slots=True)
class Coluna:
    titulo: str
    tipo: TipoColuna = "texto"
    # Em caracteres (unidade de largura do Excel); None usa um padrão pelo tipo e pelo título.
    # O write-only do openpyxl exige as larguras antes da primeira linha, por isso não há
    # ajuste automático pelo conteúdo.
    largura: int | None = None


def texto_perigoso(valor: str) -> bool:
    """Diz se `valor` seria interpretado como fórmula por alguma planilha."""
    if not valor:
        return False
    return valor[0] in PREFIXOS_FORMULA or valor.lstrip()[:1] in PREFIXOS_FORMULA


def texto_seguro(valor: str) -> str:
    """Neutraliza fórmulas em CSV prefixando um apóstrofo, como recomenda a OWASP.

    O apóstrofo aparece para quem abre o CSV num editor de texto, mas é o único marcador que
    Excel, LibreOffice e Google Sheets respeitam ao importar CSV.
    """
    return "'" + valor if texto_perigoso(valor) else valor


def _largura(coluna: Coluna) -> int:
    if coluna.largura is not None:
        return coluna.largura
    return max(_LARGURA_PADRAO[coluna.tipo], len(coluna.titulo) + 4)


# ---------------------------------------------------------------------------------------------
# Normalização comum a xlsx e CSV: converte o valor Python no valor que a célula deve conter.
# ---------------------------------------------------------------------------------------------


def _local_ingenuo(valor: dt.datetime) -> dt.datetime:
    # Excel não tem fuso: gravamos a hora de Brasília, que é a que o usuário espera ver.
    # Datetimes ingênuos são tratados como já estando no horário local.
    if valor.tzinfo is None:
        return valor
    return valor.astimezone(FUSO_HORARIO).replace(tzinfo=None)


def _para_texto(valor: Any) -> str:
    texto = valor if isinstance(valor, str) else str(valor)
    # Caracteres de controle (colados de outros sistemas) fazem o openpyxl abortar a exportação
    # inteira; são invisíveis, então removê-los não perde informação útil.
    return ILLEGAL_CHARACTERS_RE.sub("", texto)[:_LIMITE_TEXTO]


def _para_numero(valor: Any, coluna: Coluna) -> int | float | Decimal:
    # bool é subclasse de int: aceitar True numa coluna numérica esconderia um bug de quem
    # montou as linhas.
    if isinstance(valor, bool) or not isinstance(valor, int | float | Decimal):
        raise TypeError(f"Coluna {coluna.titulo!r} ({coluna.tipo}) recebeu {valor!r}.")
    if coluna.tipo == "inteiro" and not isinstance(valor, int):
        raise TypeError(f"Coluna {coluna.titulo!r} (inteiro) recebeu {valor!r}.")
    return valor


def _para_data(valor: Any, coluna: Coluna) -> dt.date:
    if isinstance(valor, dt.datetime):
        return _local_ingenuo(valor).date()
    if isinstance(valor, dt.date):
        return valor
    raise TypeError(f"Coluna {coluna.titulo!r} (data) recebeu {valor!r}.")


def _para_datahora(valor: Any, coluna: Coluna) -> dt.datetime:
    if isinstance(valor, dt.datetime):
        return _local_ingenuo(valor)
    if isinstance(valor, dt.date):
        return dt.datetime.combine(valor, dt.time())
    raise TypeError(f"Coluna {coluna.titulo!r} (datahora) recebeu {valor!r}.")


def _para_booleano(valor: Any, coluna: Coluna) -> str:
    if not isinstance(valor, bool):
        raise TypeError(f"Coluna {coluna.titulo!r} (booleano) recebeu {valor!r}.")
    return "Sim" if valor else "Não"


# ---------------------------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------------------------

_Escritor = Callable[[Any], Cell | None]


def _perigoso_no_excel(texto: str) -> bool:
    # O Excel decodifica _xHHHH_ em textos: "_x003D_1+1" aparece como "=1+1" na célula.
    if "_x" in texto:
        texto = _ESCAPE_OOXML.sub(lambda m: chr(int(m.group(1), 16)), texto)
    return texto_perigoso(texto)


def _celula_texto(ws: WriteOnlyWorksheet, texto: str, *, negrito: bool = False) -> Cell:
    # XML normaliza CR solto e CRLF para LF na leitura; normalizamos antes de gravar para que o
    # valor gravado (e o que a verificação abaixo examina) seja o mesmo que os leitores verão.
    if "\r" in texto:
        texto = texto.replace("\r\n", "\n").replace("\r", "\n")
    celula = WriteOnlyCell(ws, texto)
    # openpyxl decide o tipo pelo conteúdo: "=..." vira fórmula e "#N/A" vira erro. Forçar
    # "s" grava <c t="inlineStr">, que nenhum programa avalia ao abrir o arquivo.
    celula.data_type = "s"
    if _perigoso_no_excel(texto):
        # Defesa em profundidade (OWASP): o tipo "s" já impede a avaliação ao abrir, mas se o
        # usuário editar a célula (F2 + Enter) ou salvar como CSV, Excel e LibreOffice
        # reinterpretam o conteúdo. O estilo quotePrefix (<xf quotePrefix="1">) é o apóstrofo
        # invisível do Excel: mantém o valor exatamente igual e marca a célula como texto
        # literal também nesses casos. Preferimos isso a prefixar "'" no valor, que alteraria
        # o dado para quem lê o arquivo por programa.
        celula.quotePrefix = True
    if negrito:
        celula.font = _FONTE_CABECALHO
    return celula


def _escritor(ws: WriteOnlyWorksheet, coluna: Coluna) -> _Escritor:
    def celula_formatada(valor: Any, formato: str) -> Cell:
        celula = WriteOnlyCell(ws, valor)
        celula.number_format = formato
        return celula

    tipo = coluna.tipo
    if tipo == "texto":
        return lambda v: None if v is None else _celula_texto(ws, _para_texto(v))
    if tipo == "booleano":
        return lambda v: None if v is None else _celula_texto(ws, _para_booleano(v, coluna))
    if tipo == "data":
        return lambda v: (
            None if v is None else celula_formatada(_para_data(v, coluna), FORMATO_DATA)
        )
    if tipo == "datahora":
        return lambda v: (
            None if v is None else celula_formatada(_para_datahora(v, coluna), FORMATO_DATAHORA)
        )
    formato = {
        "inteiro": FORMATO_INTEIRO,
        "decimal": FORMATO_DECIMAL,
        "moeda": FORMATO_DECIMAL,
        "percentual": FORMATO_PERCENTUAL,
    }[tipo]
    # Decimal vai direto ao openpyxl (nunca float(...) nosso): ele o serializa com 16 dígitos
    # significativos, mais do que os 15 que o Excel guarda, então valores monetários chegam
    # exatos à planilha.
    return lambda v: None if v is None else celula_formatada(_para_numero(v, coluna), formato)


def _descartar(ws: WriteOnlyWorksheet) -> None:
    # O openpyxl só apaga o arquivo temporário da aba ao salvar; sem isto, cada exportação
    # abortada (valor inválido, cliente que desconectou) deixaria um arquivo em /tmp até o
    # processo terminar. Erros aqui não podem esconder o erro original.
    with contextlib.suppress(Exception):
        ws.close()
        ws._writer.cleanup()


def exportar_xlsx_para(
    destino: Path | str | BinaryIO,
    colunas: Sequence[Coluna],
    linhas: Iterable[Sequence[Any]],
    *,
    titulo_planilha: str = "Dados",
) -> int:
    """Grava a planilha em `destino` (caminho ou arquivo binário) e devolve o nº de linhas.

    O workbook write-only do openpyxl escreve cada linha num arquivo temporário assim que ela
    chega, então a memória não cresce com o número de linhas.
    """
    if not colunas:
        raise ValueError("É preciso ao menos uma coluna.")
    wb = Workbook(write_only=True)
    # Excel recusa títulos de aba com mais de 31 caracteres.
    ws = wb.create_sheet(title=titulo_planilha[:31])
    for indice, coluna in enumerate(colunas, start=1):
        ws.column_dimensions[get_column_letter(indice)].width = _largura(coluna)
    ws.freeze_panes = "A2"

    escritores = [_escritor(ws, c) for c in colunas]
    total = 0
    try:
        ws.append([_celula_texto(ws, _para_texto(c.titulo), negrito=True) for c in colunas])
        for linha in linhas:
            if len(linha) != len(colunas):
                raise ValueError(
                    f"Linha {total + 1} tem {len(linha)} valores; esperados {len(colunas)}."
                )
            ws.append([escrever(v) for escrever, v in zip(escritores, linha, strict=True)])
            total += 1
    except BaseException:
        _descartar(ws)
        raise

    # O autofiltro vai no fim do XML da aba, então pode ser definido depois das linhas, quando
    # o total já é conhecido.
    ws.auto_filter.ref = f"A1:{get_column_letter(len(colunas))}{total + 1}"
    wb.save(destino)
    return total


def exportar_xlsx(
    colunas: Sequence[Coluna],
    linhas: Iterable[Sequence[Any]],
    *,
    titulo_planilha: str = "Dados",
) -> bytes:
    """Devolve o conteúdo do .xlsx; para exportações grandes prefira `exportar_xlsx_para`."""
    buffer = io.BytesIO()
    exportar_xlsx_para(buffer, colunas, linhas, titulo_planilha=titulo_planilha)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def _formatar_data(valor: dt.date) -> str:
    # strftime("%Y") não completa anos < 1000 com zeros em todas as plataformas.
    return f"{valor.day:02d}/{valor.month:02d}/{valor.year:04d}"


def _valor_csv(valor: Any, coluna: Coluna) -> str:
    if valor is None:
        return ""
    tipo = coluna.tipo
    if tipo == "texto":
        return texto_seguro(_para_texto(valor))
    if tipo == "booleano":
        return _para_booleano(valor, coluna)
    if tipo == "data":
        return _formatar_data(_para_data(valor, coluna))
    if tipo == "datahora":
        momento = _para_datahora(valor, coluna)
        return f"{_formatar_data(momento)} {momento.hour:02d}:{momento.minute:02d}"
    numero = _para_numero(valor, coluna)
    if tipo == "inteiro":
        # Sem separador de milhar: inteiros costumam ser códigos e quantidades que outro
        # sistema vai reimportar.
        return str(numero)
    # decimal_quantization=False: o CSV é o dado, não a exibição; mostramos ao menos duas casas,
    # mas nunca arredondamos (0,125 continua 0,125).
    padrao = _PADRAO_PERCENTUAL_CSV if tipo == "percentual" else _PADRAO_DECIMAL_CSV
    return padrao.apply(numero, _LOCALE, decimal_quantization=False)


def exportar_csv_para(
    destino: TextIO | IO[str],
    colunas: Sequence[Coluna],
    linhas: Iterable[Sequence[Any]],
) -> int:
    """Escreve CSV no padrão do Excel pt-BR (`;`, 1.234,56, dd/mm/aaaa); devolve o nº de linhas.

    Para o Excel reconhecer os acentos, grave o texto em "utf-8-sig" (com BOM).
    """
    escritor = csv.writer(destino, delimiter=";", lineterminator="\r\n")
    escritor.writerow([texto_seguro(_para_texto(c.titulo)) for c in colunas])
    total = 0
    for linha in linhas:
        if len(linha) != len(colunas):
            raise ValueError(
                f"Linha {total + 1} tem {len(linha)} valores; esperados {len(colunas)}."
            )
        escritor.writerow(
            [_valor_csv(valor, coluna) for valor, coluna in zip(linha, colunas, strict=True)]
        )
        total += 1
    return total


def exportar_csv(colunas: Sequence[Coluna], linhas: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    exportar_csv_para(buffer, colunas, linhas)
    return buffer.getvalue()
