"""The error file: the problem rows exactly as they came, plus what is wrong with each.

Columns: the file's own header (in its order, so the user can fix the rows and import this
same file again), then "Situação da linha", "Problemas encontrados" (one line per problem,
"Coluna: mensagem") and "Linha na planilha original". The extra columns are recognised and
ignored by the import. Every cell is written as text through crm.xlsx: a value that looks
like a formula (=, +, -, @, tab, CR first) stays text and is never evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from crm.xlsx import Coluna, exportar_xlsx_para
from importacoes.constants import SituacaoLinha
from importacoes.leitura import TITULO_LINHA_ORIGINAL, TITULO_PROBLEMAS, TITULO_SITUACAO
from importacoes.models import Importacao

_SITUACAO = dict(SituacaoLinha.choices)


def colunas_erros(importacao: Importacao) -> list[Coluna]:
    titulos = [t or f"Coluna {i}" for i, t in enumerate(importacao.cabecalho, start=1)]
    return [
        *(Coluna(t, "texto", largura=max(12, min(len(t) + 4, 40))) for t in titulos),
        Coluna(TITULO_SITUACAO, "texto", largura=22),
        Coluna(TITULO_PROBLEMAS, "texto", largura=80),
        Coluna(TITULO_LINHA_ORIGINAL, "inteiro", largura=14),
    ]


def _linhas(importacao: Importacao) -> Iterator[list[Any]]:
    largura = len(importacao.cabecalho)
    problemas = importacao.problemas.order_by("linha").values_list(
        "linha", "situacao", "valores", "erros"
    )
    for linha, situacao, valores, erros in problemas.iterator(chunk_size=2000):
        celulas = [*valores[:largura], *[""] * (largura - len(valores))]
        texto = "\n".join(
            f"{e['coluna']}: {e['mensagem']}" if e.get("coluna") else e["mensagem"] for e in erros
        )
        yield [*celulas, _SITUACAO.get(situacao, situacao), texto, linha]


def gerar_arquivo_erros(importacao: Importacao, destino: Path | str | BinaryIO) -> int:
    """Writes the error file to `destino`; returns how many rows it has."""
    return exportar_xlsx_para(
        destino, colunas_erros(importacao), _linhas(importacao), titulo_planilha="Erros"
    )
