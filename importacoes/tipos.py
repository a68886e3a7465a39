"""The kinds of spreadsheet import, and what each one must provide to the generic machinery.

The machinery (reading the sheet in batches, header matching, in-file duplicates, rejected rows,
the error file, the template, the job, retries, resume) lives in `importacoes`; a kind only
says which columns it takes, how one row is validated and how a batch of valid rows is written
(set-based: a staging table and a few statements per batch, never one query per row).

Adding a kind (the price list of issue 5, for instance) is: subclass `TipoImportacao` in the
owning app, and add one line to `_TIPOS` below.
"""

from __future__ import annotations

import abc
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from contas.models import Usuario
    from importacoes.models import Importacao

# código → dotted path of the TipoImportacao subclass.
_TIPOS: dict[str, str] = {
    "clientes": "cadastro.importacao.ImportacaoClientes",
    "precos": "produtos.importacao.ImportacaoPrecos",
    "regras": "matrizes.importacao.ImportacaoRegras",
    "titulos": "cadastro.importacao_titulos.ImportacaoTitulos",
}


@dataclass(frozen=True)
class Coluna:
    """One column of an import: its header, what it takes, how the template presents it."""

    chave: str
    titulo: str
    nota: str
    secao: str
    obrigatoria: bool = False
    # A fixed list of accepted values (data validation in the template) or the name of a list
    # the kind computes from the database (`TipoImportacao.listas()`).
    lista: tuple[str, ...] | str | None = None
    exemplo: str = ""
    sinonimos: tuple[str, ...] = ()
    largura: int = 18
    # Cells of "texto" columns are formatted as text in the template, so Excel keeps the
    # leading zeros of a CPF or a CEP instead of turning them into numbers.
    formato: str = "geral"


@dataclass(frozen=True)
class ErroCampo:
    coluna: str
    mensagem: str

    def como_dict(self) -> dict[str, str]:
        return {"coluna": self.coluna, "mensagem": self.mensagem}


@dataclass(frozen=True)
class Chave:
    """An identity of a record inside one file (two rows with an equal key are one record)."""

    valor: Hashable
    descricao: str  # "CPF 123.456.789-09", for the message of the repeated row
    coluna: str  # title of the column the key comes from


@dataclass
class ResultadoLote:
    criadas: int = 0
    atualizadas: int = 0
    sem_alteracao: int = 0
    # linha → problems: rows the database refused (rejected) and rows written with a field
    # refused (flagged).
    rejeitadas: dict[int, list[ErroCampo]] = field(default_factory=dict)
    avisos: dict[int, list[ErroCampo]] = field(default_factory=dict)


class TipoImportacao(abc.ABC):
    codigo: ClassVar[str]
    nome: ClassVar[str]  # "Clientes"
    permissao: ClassVar[str]  # "cadastro.importar_clientes"
    nome_planilha: ClassVar[str]  # sheet name in the template ("Clientes")
    nome_registro: ClassVar[str] = "registro"  # one row's record, for messages ("cliente")
    colunas: ClassVar[Sequence[Coluna]]
    instrucoes: ClassVar[Sequence[str]]
    regra_duplicadas: ClassVar[str]

    @abc.abstractmethod
    def preparar(self, importacao: Importacao | None) -> Any:
        """Load what validation needs (lookup tables) once per job; returned as `ctx`.

        Validation runs in a reader thread: `ctx` must be read-only and touch no database.
        """

    @abc.abstractmethod
    def validar(self, valores: dict[str, Any], ctx: Any, linha: int) -> tuple[Any, list[ErroCampo]]:
        """One row (column key → raw cell) → (record or None, problems). Never raises."""

    @abc.abstractmethod
    def chaves(self, registro: Any) -> Sequence[Chave]:
        """Identities of a valid record, for the in-file duplicates rule."""

    @abc.abstractmethod
    def gravar(self, registros: list[Any], ctx: Any, importacao: Importacao) -> ResultadoLote:
        """Write one batch of valid records, set-based, inside the caller's transaction.

        Must also record the touched objects in `importacoes_objetoimportado` and may refuse
        rows (returned in `ResultadoLote.rejeitadas`); it must not commit.
        """

    def preparar_conexao(self, importacao: Importacao) -> None:  # noqa: B027
        """Once per job, outside any batch transaction (e.g. create TEMP staging tables)."""

    def listas(self) -> dict[str, list[str]]:
        """Lists computed from the database for the template's data validation."""
        return {}

    def url_objeto(self, objeto_id: int) -> str | None:
        return None

    def descrever_objetos(self, ids: Sequence[int]) -> dict[int, str]:
        return {i: str(i) for i in ids}

    def pode_importar(self, usuario: Usuario) -> bool:
        return usuario.is_active and usuario.has_perm(self.permissao)


@cache
def obter_tipo(codigo: str) -> TipoImportacao:
    try:
        caminho = _TIPOS[codigo]
    except KeyError:
        raise LookupError(f"Tipo de importação desconhecido: {codigo!r}") from None
    return import_string(caminho)()


def codigos() -> list[str]:
    return list(_TIPOS)


def tipos_do_usuario(usuario: Usuario) -> list[TipoImportacao]:
    return [t for t in (obter_tipo(c) for c in _TIPOS) if t.pode_importar(usuario)]
