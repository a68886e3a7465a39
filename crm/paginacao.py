"""Keyset ("seek") pagination for big lists, plus a capped count.

OFFSET pagination reads and throws away every row before the page, so page 40.000 of a
1.000.000-row list costs as much as reading 1.000.000 rows. A keyset page instead asks for
"the next N rows after (valor, id)", which an index on (coluna, id) answers by jumping straight
to the position: every page costs the same.

Rules of this module (reused by every big list: clientes, produtos, pedidos…):

- The order is ONE column (`Chave`) with the primary key as tiebreaker, in the same direction,
  so a btree index on (coluna, id) serves both directions (scanned forwards or backwards) and
  rows with equal values are never skipped or repeated.
- Nullable columns: ascending puts NULLs last, descending puts them first (Postgres' own
  default, and the exact reverse of each other, which is what "Anterior"/"Última" need). NULLs
  cannot be compared in a row comparison, so a nullable key is read as two index-friendly
  segments (non-null rows by (coluna, id), then null rows by id): at most two queries a page.
- The cursor in the querystring is opaque and signed (django.core.signing): a tampered or stale
  cursor (e.g. from another ordering) silently falls back to the first page.
- "Última" is a reverse-order seek from the end, never an OFFSET.
- The total is counted only up to `LIMITE_CONTAGEM` (`SELECT count(*) FROM (… LIMIT 100001)`):
  an exact COUNT(*) over a million rows costs more than the page itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, Expression, F, Field, Model, QuerySet, Value
from django.db.models.constants import LOOKUP_SEP
from django.utils.formats import number_format

LIMITE_CONTAGEM = 100_000
_SAL = "crm.paginacao"
_ANOTACAO = "chave_paginacao"

T = TypeVar("T", bound=Model)
Direcao = Literal["a", "b", "f"]  # após (próxima), before (anterior), fim (última)


class _CompararLinha(Expression):
    """`(a, b) > (x, y)`: Postgres row comparison, which a btree on (a, b) answers as a range."""

    conditional = True

    def __init__(self, esquerda: Sequence[Any], operador: str, direita: Sequence[Any]) -> None:
        super().__init__(output_field=BooleanField())
        self.esquerda = list(esquerda)
        self.direita = list(direita)
        self.operador = operador

    def get_source_expressions(self) -> list[Any]:
        return [*self.esquerda, *self.direita]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        n = len(self.esquerda)
        self.esquerda = list(exprs[:n])
        self.direita = list(exprs[n:])

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        partes: list[list[str]] = [[], []]
        params: list[Any] = []
        for lado, exprs in enumerate((self.esquerda, self.direita)):
            for expr in exprs:
                sql, p = compiler.compile(expr)
                partes[lado].append(sql)
                params.extend(p)
        sql = f"(({', '.join(partes[0])}) {self.operador} ({', '.join(partes[1])}))"
        return sql, tuple(params)


@dataclass(frozen=True)
class Chave:
    """The sort column of a keyset list: a lookup (`nome`, `carteira__nome`) or an annotation."""

    campo: str
    desc: bool = False
    anulavel: bool = False

    @classmethod
    def de(cls, modelo: type[Model], ordem: str, *, anulavel: bool | None = None) -> Chave:
        """`"-nome"` → Chave("nome", desc=True); nullability read from the model when omitted."""
        desc = ordem.startswith("-")
        campo = ordem.lstrip("-")
        if anulavel is None:
            anulavel = caminho_anulavel(modelo, campo)
        return cls(campo=campo, desc=desc, anulavel=anulavel)

    @property
    def texto(self) -> str:
        return ("-" if self.desc else "") + self.campo

    def ordenacao(self, *, reverso: bool = False) -> list[Any]:
        """The ORDER BY this key stands for (NULLs last ascending, first descending)."""
        desc = self.desc != reverso
        if desc:
            return [F(self.campo).desc(nulls_first=True), F("pk").desc()]
        return [F(self.campo).asc(nulls_last=True), F("pk").asc()]


def caminho_anulavel(modelo: type[Model], caminho: str) -> bool:
    """True when any hop of `a__b__c` may be NULL (a nullable FK makes the joined column NULL)."""
    atual: type[Model] | None = modelo
    for parte in caminho.split(LOOKUP_SEP):
        if atual is None:
            return True
        try:
            campo = atual._meta.get_field(parte)
        except Exception:
            return True  # an annotation: assume the worst
        if getattr(campo, "null", False) or not getattr(campo, "concrete", True):
            return True
        atual = campo.related_model if campo.is_relation else None  # type: ignore[assignment]
    return False


# Counting up to 100.001 rows costs tens of ms at 1M clients; paging through the same filtered
# list must not pay it on every page. Big counts (where ±a few rows for half a minute do not
# matter) are kept in the cache, keyed by the exact SQL, which already holds the user's
# visibility (carteira ids) and filters. Small counts are cheap and always exact.
CONTAGEM_CACHE_MINIMA = 10_000
CONTAGEM_CACHE_SEGUNDOS = 30


def contar_limitado(queryset: QuerySet[Any], limite: int = LIMITE_CONTAGEM) -> tuple[int, bool]:
    """(total, passou_do_limite): `SELECT count(*) FROM (SELECT id … LIMIT limite+1)`."""
    consulta = queryset.order_by().values("pk")[: limite + 1]
    try:
        sql, params = consulta.query.sql_with_params()
    except EmptyResultSet:  # e.g. `.none()` after an invalid filter: nothing to count
        return 0, False
    chave = "contagem:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    n = cache.get(chave)
    if n is None:
        n = consulta.count()
        if n >= CONTAGEM_CACHE_MINIMA:
            cache.set(chave, n, CONTAGEM_CACHE_SEGUNDOS)
    return min(n, limite), n > limite


def texto_total(total: int, limitado: bool, singular: str, plural: str) -> str:
    """'1 cliente', '1.234 clientes', 'mais de 100.000 clientes'."""
    numero = number_format(total, 0, use_l10n=True, force_grouping=True)
    if limitado:
        return f"mais de {numero} {plural}"
    return f"{numero} {singular if total == 1 else plural}"


# --- cursors -------------------------------------------------------------------------------


def _serializar(valor: Any) -> Any:
    # Full precision on purpose: DjangoJSONEncoder cuts datetimes to milliseconds, and two rows
    # a few microseconds apart would then compare wrongly against the cursor.
    if valor is None or isinstance(valor, bool | int | float | str):
        return valor
    if isinstance(valor, dt.date | dt.time):
        return valor.isoformat()
    if isinstance(valor, Decimal | uuid.UUID):
        return str(valor)
    raise TypeError(f"Valor de ordenação não serializável: {valor!r}")


@dataclass(frozen=True)
class _Posicao:
    direcao: Direcao
    nulo: bool = False
    valor: Any = None
    pk: Any = None


@dataclass
class Pagina(Generic[T]):
    objetos: list[T]
    por_pagina: int
    tem_anterior: bool
    tem_proxima: bool
    cursor_anterior: str | None
    cursor_proxima: str | None
    cursor_ultima: str
    total: int
    total_limitado: bool
    chave: Chave

    def __iter__(self) -> Iterator[T]:
        return iter(self.objetos)

    def __len__(self) -> int:
        return len(self.objetos)

    @property
    def e_primeira(self) -> bool:
        return not self.tem_anterior

    @property
    def e_ultima(self) -> bool:
        return not self.tem_proxima

    @property
    def varias(self) -> bool:
        return self.tem_anterior or self.tem_proxima


class PaginadorKeyset(Generic[T]):
    """One page of `queryset` in the order of `chave` (+ pk), positioned by an opaque cursor.

    `queryset` must yield each row once (filter with Exists, not joins that multiply rows).
    `contar` is the queryset counted for the total (defaults to `queryset`); pass the one
    without display-only annotations so the capped count stays an index-only scan.
    """

    def __init__(
        self,
        queryset: QuerySet[T],
        *,
        chave: Chave,
        por_pagina: int,
        contar: QuerySet[Any] | None = None,
        limite_contagem: int = LIMITE_CONTAGEM,
    ) -> None:
        if por_pagina < 1:
            raise ValueError("por_pagina deve ser >= 1")
        self.chave = chave
        self.por_pagina = por_pagina
        self.queryset = queryset.annotate(**{_ANOTACAO: F(chave.campo)})
        self.contar = queryset if contar is None else contar
        self.limite_contagem = limite_contagem
        self._campo_saida: Field[Any, Any] | None = None

    # -- cursor encoding ---------------------------------------------------------------------

    def _assinar(self, dados: dict[str, Any]) -> str:
        return signing.dumps({"o": self.chave.texto, **dados}, salt=_SAL, compress=True)

    def cursor_para(self, obj: T, direcao: Direcao) -> str:
        """Cursor pointing after ("a") or before ("b") `obj` (which must carry the annotation)."""
        valor = getattr(obj, _ANOTACAO)
        return self._assinar(
            {"d": direcao, "n": valor is None, "v": _serializar(valor), "k": _serializar(obj.pk)}
        )

    def cursor_ultima(self) -> str:
        return self._assinar({"d": "f"})

    def _saida(self) -> Field[Any, Any]:
        if self._campo_saida is None:
            consulta = self.queryset.all().query
            self._campo_saida = consulta.annotations[_ANOTACAO].output_field
        return self._campo_saida

    def _ler(self, cursor: str | None) -> _Posicao | None:
        if not cursor:
            return None
        try:
            dados = signing.loads(cursor, salt=_SAL)
            if dados.get("o") != self.chave.texto:
                return None  # a cursor from another ordering: start over
            direcao = dados["d"]
            if direcao == "f":
                return _Posicao("f")
            if direcao not in ("a", "b"):
                return None
            nulo = bool(dados["n"])
            valor = None if nulo else self._saida().to_python(dados["v"])
            pk = self.queryset.model._meta.pk.to_python(dados["k"])  # type: ignore[union-attr]
        except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
            return None
        except Exception:  # ValidationError from to_python, decoding errors
            return None
        return _Posicao(direcao, nulo=nulo, valor=valor, pk=pk)

    # -- seeking ------------------------------------------------------------------------------

    def _buscar(self, *, reverso: bool, apos: _Posicao | None, limite: int) -> list[T]:
        """Up to `limite` rows strictly after `apos` in the effective order, segment by segment."""
        desc = self.chave.desc != reverso
        campo = self.chave.campo
        if not self.chave.anulavel:
            segmentos = ["valores"]
        else:
            # Effective order: ascending → values then NULLs; descending → NULLs then values.
            segmentos = ["nulos", "valores"] if desc else ["valores", "nulos"]
        if apos is not None:
            segmentos = segmentos[segmentos.index("nulos" if apos.nulo else "valores") :]
        op = "<" if desc else ">"
        linhas: list[T] = []
        for i, segmento in enumerate(segmentos):
            pos = apos if i == 0 else None
            qs = self.queryset
            if segmento == "valores":
                if self.chave.anulavel:
                    qs = qs.filter(**{f"{campo}__isnull": False})
                if pos is not None:
                    qs = qs.filter(
                        _CompararLinha(
                            [F(campo), F("pk")],
                            op,
                            [Value(pos.valor, output_field=self._saida()), Value(pos.pk)],
                        )
                    )
                ordem = [F(campo).desc(), F("pk").desc()] if desc else [F(campo), F("pk")]
            else:
                qs = qs.filter(**{f"{campo}__isnull": True})
                if pos is not None:
                    qs = qs.filter(**{"pk__lt" if desc else "pk__gt": pos.pk})
                ordem = [F("pk").desc()] if desc else [F("pk")]
            linhas.extend(qs.order_by(*ordem)[: limite - len(linhas)])
            if len(linhas) >= limite:
                break
        return linhas

    def pagina(self, cursor: str | None = None) -> Pagina[T]:
        n = self.por_pagina
        pos = self._ler(cursor)
        if pos is not None and pos.direcao == "a":
            linhas = self._buscar(reverso=False, apos=pos, limite=n + 1)
            if linhas:
                return self._montar(linhas[:n], tem_anterior=True, tem_proxima=len(linhas) > n)
            pos = _Posicao("f")  # nothing after the cursor any more (rows deleted): show the end
        if pos is not None and pos.direcao == "b":
            linhas = self._buscar(reverso=True, apos=pos, limite=n + 1)
            if len(linhas) >= n:
                return self._montar(
                    linhas[:n][::-1], tem_anterior=len(linhas) > n, tem_proxima=True
                )
            pos = None  # fewer than a page before the cursor: that is the first page
        if pos is not None and pos.direcao == "f":
            linhas = self._buscar(reverso=True, apos=None, limite=n + 1)
            return self._montar(linhas[:n][::-1], tem_anterior=len(linhas) > n, tem_proxima=False)
        linhas = self._buscar(reverso=False, apos=None, limite=n + 1)
        return self._montar(linhas[:n], tem_anterior=False, tem_proxima=len(linhas) > n)

    def _montar(self, objetos: list[T], *, tem_anterior: bool, tem_proxima: bool) -> Pagina[T]:
        total, limitado = contar_limitado(self.contar, self.limite_contagem)
        return Pagina(
            objetos=objetos,
            por_pagina=self.por_pagina,
            tem_anterior=tem_anterior and bool(objetos),
            tem_proxima=tem_proxima and bool(objetos),
            cursor_anterior=self.cursor_para(objetos[0], "b") if tem_anterior and objetos else None,
            cursor_proxima=self.cursor_para(objetos[-1], "a") if tem_proxima and objetos else None,
            cursor_ultima=self.cursor_ultima(),
            total=total,
            total_limitado=limitado,
            chave=self.chave,
        )
