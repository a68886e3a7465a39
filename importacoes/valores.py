"""Cell values from a spreadsheet → Python values, with pt-BR messages for what cannot be read.

python-calamine hands us what the cell holds: `str`, `int`, `float`, `bool`, `date`/`datetime`
(cells with a date format), or `""` for an empty cell. People type the same thing in many ways
("1.234,56", 1234.56, "R$ 1.234,56"; "01/02/1980" or a date cell or the serial 29252), and the
functions here accept all of them and refuse the rest with a message the user can act on.
They are hot: called once per cell of files with 100.000 rows, so they stay small.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from crm.money import arredondar

# Excel's 1900 date system counts days from 30/12/1899 (it believes 1900 was a leap year, so
# serials from 61 on — 01/03/1900 — land right with this base; nobody's birthday is earlier).
_BASE_EXCEL = dt.date(1899, 12, 30)
_SERIAL_MAXIMO = 2_958_465  # 31/12/9999
_DATA_BR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DATA_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_MILHAR_BR = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_NUMERO = re.compile(r"^-?\d+(\.\d+)?$")
_ESPACOS = re.compile(r"\s+")

SIM = frozenset({"sim", "s", "x", "1", "verdadeiro", "true", "yes", "y"})
NAO = frozenset({"nao", "n", "0", "falso", "false", "no"})


class ValorInvalido(ValueError):
    """The cell cannot be read as the column asks; `mensagem` is pt-BR, for the error file."""

    def __init__(self, mensagem: str) -> None:
        super().__init__(mensagem)
        self.mensagem = mensagem


def vazio(valor: Any) -> bool:
    return valor is None or valor == "" or (isinstance(valor, str) and not valor.strip())


def normalizar(texto: str) -> str:
    """Key for matching typed text: no accents, lower case, single spaces, trimmed."""
    if texto.isascii():
        return _ESPACOS.sub(" ", texto).strip().lower()
    sem_acento = "".join(
        c for c in unicodedata.normalize("NFKD", texto) if not unicodedata.combining(c)
    )
    return _ESPACOS.sub(" ", sem_acento).strip().lower()


def exibir(valor: Any) -> str:
    """The cell as the user would read it (for the error file: rows given back as they came)."""
    if valor is None:
        return ""
    if isinstance(valor, str):
        return valor
    if isinstance(valor, bool):
        return "Sim" if valor else "Não"
    if isinstance(valor, float):
        if valor.is_integer():
            return str(int(valor))
        return repr(valor).replace(".", ",")
    if isinstance(valor, dt.datetime):
        if valor.time() == dt.time():
            return valor.strftime("%d/%m/%Y")
        return valor.strftime("%d/%m/%Y %H:%M")
    if isinstance(valor, dt.date):
        return f"{valor.day:02d}/{valor.month:02d}/{valor.year:04d}"
    return str(valor)


def texto(valor: Any, *, maximo: int | None = None, rotulo: str = "Texto") -> str:
    """Text of the cell, trimmed; numbers the sheet typed as numbers come back without '.0'."""
    if isinstance(valor, str):
        resultado = valor.strip()
    elif valor is None:
        return ""
    elif isinstance(valor, float) and valor.is_integer():
        resultado = str(int(valor))
    elif isinstance(valor, dt.date | bool | float):
        resultado = exibir(valor)
    else:
        resultado = str(valor).strip()
    if maximo is not None and len(resultado) > maximo:
        raise ValorInvalido(f"{rotulo} com {len(resultado)} caracteres; o máximo é {maximo}.")
    return resultado


def data(valor: Any) -> dt.date | None:
    """dd/mm/aaaa, a date cell, or an Excel serial number (a date cell saved without format)."""
    if isinstance(valor, dt.datetime):
        return valor.date()
    if isinstance(valor, dt.date):
        return valor
    if vazio(valor):
        return None
    if isinstance(valor, int | float) and not isinstance(valor, bool):
        if not 1 <= valor <= _SERIAL_MAXIMO:
            raise ValorInvalido(f"Data {exibir(valor)} inválida (use dd/mm/aaaa).")
        return _BASE_EXCEL + dt.timedelta(days=int(valor))
    bruto = str(valor).strip()
    casado = _DATA_BR.match(bruto)
    if casado:
        dia, mes, ano = (int(g) for g in casado.groups())
    else:
        casado = _DATA_ISO.match(bruto)
        if not casado:
            if bruto.isdigit() and 1 <= int(bruto) <= _SERIAL_MAXIMO:
                return _BASE_EXCEL + dt.timedelta(days=int(bruto))
            raise ValorInvalido(f"Data “{bruto}” inválida (use dd/mm/aaaa).")
        ano, mes, dia = (int(g) for g in casado.groups())
    try:
        return dt.date(ano, mes, dia)
    except ValueError as exc:
        raise ValorInvalido(f"Data “{bruto}” não existe no calendário.") from exc


def decimal(valor: Any, *, rotulo: str = "Valor") -> Decimal | None:
    """1.234,56 · 1234,56 · R$ 1.234,56 · 1234.56 · 1.234 (milhar) · a number cell."""
    if vazio(valor):
        return None
    if isinstance(valor, bool):
        raise ValorInvalido(f"{rotulo} “{exibir(valor)}” não é um número.")
    if isinstance(valor, int):
        return Decimal(valor)
    if isinstance(valor, float):
        # repr() is the shortest text that round-trips: 1234.56, never 1234.5599999999999.
        return Decimal(repr(valor))
    bruto = str(valor).strip()
    limpo = bruto.replace("R$", "").replace(" ", "").replace("\u00a0", "")
    if "," in limpo:
        limpo = limpo.replace(".", "").replace(",", ".")
    elif _MILHAR_BR.match(limpo):
        limpo = limpo.replace(".", "")
    if not _NUMERO.match(limpo):
        raise ValorInvalido(f"{rotulo} “{bruto}” não é um número (use 1.234,56).")
    try:
        return Decimal(limpo)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards it
        raise ValorInvalido(f"{rotulo} “{bruto}” não é um número.") from exc


def dinheiro(valor: Any, *, rotulo: str = "Valor") -> Decimal | None:
    numero = decimal(valor, rotulo=rotulo)
    return None if numero is None else arredondar(numero)


def inteiro(valor: Any, *, rotulo: str = "Número") -> int | None:
    numero = decimal(valor, rotulo=rotulo)
    if numero is None:
        return None
    if numero != numero.to_integral_value():
        raise ValorInvalido(f"{rotulo} “{exibir(valor)}” deve ser um número inteiro.")
    return int(numero)


def sim_nao(valor: Any, *, rotulo: str = "Campo") -> bool | None:
    """Sim/Não (S/N, X, 1/0, Verdadeiro/Falso, a checkbox cell)."""
    if isinstance(valor, bool):
        return valor
    if vazio(valor):
        return None
    if isinstance(valor, int | float):
        if valor in (0, 1):
            return bool(valor)
    else:
        chave = normalizar(str(valor))
        if chave in SIM:
            return True
        if chave in NAO:
            return False
    raise ValorInvalido(f"{rotulo}: “{exibir(valor)}” não é Sim ou Não.")


def escolha(valor: Any, opcoes: dict[str, Any], *, rotulo: str, dica: str = "") -> Any:
    """Value of a list column; `opcoes` maps normalizar(text) → value (codes and labels)."""
    if vazio(valor):
        return None
    chave = normalizar(texto(valor))
    try:
        return opcoes[chave]
    except KeyError:
        complemento = f" Use: {dica}." if dica else ""
        raise ValorInvalido(f"{rotulo} “{exibir(valor)}” não encontrado.{complemento}") from None


_INVALIDO = object()


class Opcoes:
    """A list column: code or label (any case, accents, spaces) → value, cached per raw cell.

    Columns like UF, origin or client type repeat a handful of values over 100.000 rows: the
    text is normalised once per distinct cell, not once per row.
    """

    __slots__ = ("_cache", "dica", "mapa", "rotulo")
    _LIMITE_CACHE = 50_000

    def __init__(self, mapa: dict[str, Any], *, rotulo: str, dica: str = "") -> None:
        self.mapa = mapa
        self.rotulo = rotulo
        self.dica = dica
        self._cache: dict[Any, tuple[Any, Any]] = {}

    def __call__(self, valor: Any) -> Any:
        try:
            resultado, mensagem = self._cache[valor]
        except KeyError:
            try:
                resultado, mensagem = (
                    escolha(valor, self.mapa, rotulo=self.rotulo, dica=self.dica),
                    None,
                )
            except ValorInvalido as exc:
                resultado, mensagem = _INVALIDO, exc.mensagem
            if len(self._cache) < self._LIMITE_CACHE:
                self._cache[valor] = (resultado, mensagem)
        if resultado is _INVALIDO:
            raise ValorInvalido(mensagem)
        return resultado


_CACHE_SIM_NAO: dict[tuple[Any, str], tuple[Any, Any]] = {}


def sim_nao_rapido(valor: Any, *, rotulo: str = "Campo") -> bool | None:
    """`sim_nao` with a cache on the raw cell (a column of Sim/Não has two distinct values)."""
    chave = (valor, rotulo)
    try:
        resultado, mensagem = _CACHE_SIM_NAO[chave]
    except KeyError:
        try:
            resultado, mensagem = sim_nao(valor, rotulo=rotulo), None
        except ValorInvalido as exc:
            resultado, mensagem = _INVALIDO, exc.mensagem
        except TypeError:
            return sim_nao(valor, rotulo=rotulo)
        if len(_CACHE_SIM_NAO) < 10_000:
            _CACHE_SIM_NAO[chave] = (resultado, mensagem)
    if resultado is _INVALIDO:
        raise ValorInvalido(mensagem)
    return resultado
