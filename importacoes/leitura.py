"""Reading an uploaded sheet: python-calamine, header matching, rows in order.

calamine (Rust) parses the worksheet ≈10× faster than openpyxl; rows then reach Python one at a
time (`iter_rows`), so Python never holds more than the batch being validated. Calamine itself
keeps the parsed cells of the sheet in native memory while we iterate (it has no lazy reader):
that, not Python, is what the job's peak memory is made of (measured in bench/importacao.py).

Run `crm.arquivos.verificar_xlsx` on the file before it gets here: calamine must never see a
hostile zip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from importacoes.tipos import Coluna
from importacoes.valores import exibir, normalizar, vazio


class ErroArquivo(Exception):
    """The file as a whole cannot be imported (no header, a mandatory column missing…).

    Permanent: retrying will not help, so the job fails at once with `mensagem`.
    """

    def __init__(self, mensagem: str) -> None:
        super().__init__(mensagem)
        self.mensagem = mensagem


# Columns our own error file adds; importing an error file after fixing it must just work.
TITULO_PROBLEMAS = "Problemas encontrados"
TITULO_LINHA_ORIGINAL = "Linha na planilha original"
TITULO_SITUACAO = "Situação da linha"
COLUNAS_DO_ARQUIVO_DE_ERROS = frozenset(
    normalizar(t) for t in (TITULO_PROBLEMAS, TITULO_LINHA_ORIGINAL, TITULO_SITUACAO)
)


@dataclass
class Cabecalho:
    indices: dict[str, int]
    titulos: list[str]
    desconhecidas: list[str] = field(default_factory=list)
    repetidas: list[str] = field(default_factory=list)
    faltando: list[Coluna] = field(default_factory=list)


def casar_cabecalho(celulas: Sequence[Any], colunas: Sequence[Coluna]) -> Cabecalho:
    """Which cell of the header is which column: case, accents and outer spaces don't matter.

    Unknown headers are reported (once, for the whole file); a column that appears twice keeps
    its first occurrence and the repetition is reported.
    """
    por_nome: dict[str, Coluna] = {}
    for coluna in colunas:
        for nome in (coluna.titulo, *coluna.sinonimos):
            por_nome[normalizar(nome)] = coluna
    indices: dict[str, int] = {}
    titulos = [exibir(c).strip() for c in celulas]
    desconhecidas: list[str] = []
    repetidas: list[str] = []
    for indice, titulo in enumerate(titulos):
        if not titulo:
            continue
        chave = normalizar(titulo)
        achada = por_nome.get(chave)
        if achada is None:
            if chave not in COLUNAS_DO_ARQUIVO_DE_ERROS:
                desconhecidas.append(titulo)
        elif achada.chave in indices:
            repetidas.append(titulo)
        else:
            indices[achada.chave] = indice
    faltando = [c for c in colunas if c.obrigatoria and c.chave not in indices]
    return Cabecalho(indices, titulos, desconhecidas, repetidas, faltando)


class Planilha:
    """The worksheet to import: the one named like the template's, else the first visible one."""

    def __init__(self, caminho: str | Path, *, nome_preferido: str = "") -> None:
        try:
            self._livro = CalamineWorkbook.from_path(str(caminho))
            folha = self._escolher(nome_preferido)
            self._folha = self._livro.get_sheet_by_name(folha)
            # The sheet keeps its own cells: the workbook (and its shared-strings table)
            # can go now.
            self._livro.close()
        except CalamineError as exc:
            raise ErroArquivo(f"Não foi possível ler a planilha: {exc}") from exc
        self.nome_folha = folha
        inicio = self._folha.start
        self._primeira_linha = (inicio[0] if inicio else 0) + 1
        self._linhas = self._folha.iter_rows()
        self.linha_cabecalho = 0
        self.cabecalho: list[Any] = []
        # Blank rows above the header are skipped; the header is the first row with anything.
        for numero, valores in enumerate(self._linhas, start=self._primeira_linha):
            if any(not vazio(v) for v in valores):
                self.linha_cabecalho = numero
                self.cabecalho = valores
                break
        if not self.cabecalho:
            raise ErroArquivo("A planilha está vazia: não há linha de cabeçalho.")
        ultima = self._primeira_linha + self._folha.height - 1
        self.total_estimado = max(0, ultima - self.linha_cabecalho)

    def _escolher(self, preferido: str) -> str:
        folhas = [
            m
            for m in self._livro.sheets_metadata
            if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
        ] or [m for m in self._livro.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if not folhas:
            raise ErroArquivo("O arquivo não tem nenhuma planilha.")
        alvo = normalizar(preferido)
        for meta in folhas:
            if alvo and normalizar(meta.name) == alvo:
                return meta.name
        return folhas[0].name

    def linhas(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number in the sheet, cells) for every row after the header, blank ones too."""
        numero = self.linha_cabecalho
        for valores in self._linhas:
            numero += 1
            yield numero, valores

    def fechar(self) -> None:
        self._folha = None  # type: ignore[assignment]
        self._linhas = iter(())

    def __enter__(self) -> Planilha:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fechar()
