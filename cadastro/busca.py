"""Global search (top bar, shortcut `/`): name, CPF/CNPJ, phone, e-mail — within visibility.

Every group starts from `Cliente.objects.visiveis_para(user)` and is capped, and every group is
answered by an index at 1.000.000 clients (checked with EXPLAIN in tests/cadastro/test_busca.py):

- Nome: name or nome fantasia, ignoring accents and case, through the trigram GIN indexes on
  `f_unaccent(nome)` / `f_unaccent(nome_fantasia)` (migration 0003): a substring match
  (`LIKE '%termo%'`) or a fuzzy word match (`%>`, pg_trgm word similarity, catches typos), ranked
  by "starts with the term", then by word similarity. Needs 3 letters: trigrams of a
  two-letter term cannot use the index, and that would scan every client.
- CPF/CNPJ: with or without mask, alphanumeric CNPJ included; a full document is an equality
  on the unique index, a shorter one (e.g. the 8-character CNPJ root) a prefix on the same
  btree, written as a range (see `prefixo`).
- Telefone: with DDD (10/11 digits, 0 / +55 prefixes dropped) → DDD + número; without DDD
  (8/9 digits) → número, through the index on telefone.numero.
- E-mail: stored lower-case; a complete address is an equality, a partial one a prefix range,
  both on the btree of contato_eletronico.valor.
Child tables are matched with EXISTS so a client with two matching phones appears once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Greatest

from cadastro.constants import TipoContatoEletronico
from cadastro.models import Cliente, ContatoEletronico, Telefone
from crm.documentos import limpar, normalizar_fone

if TYPE_CHECKING:
    from contas.models import Usuario

LIMITE_POR_GRUPO = 8
LIMITE_PAGINA = 50
MINIMO_NOME = 3
LIMITE_CANDIDATOS = 500
_EMAIL_COMPLETO = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAIOR_CARACTERE = chr(0x10FFFF)
_SO_FONE = re.compile(r"^[\d\s().\-+/]+$")


class SemAcento(Func):
    """`f_unaccent(x)`: lower + unaccent, IMMUTABLE (migration 0003), so indexes can use it."""

    function = "f_unaccent"
    output_field = TextField()


@dataclass
class ResultadoBusca:
    termo: str
    grupos: dict[str, list[Cliente]] = field(default_factory=dict)
    avisos: list[str] = field(default_factory=list)

    @property
    def vazio(self) -> bool:
        return not any(self.grupos.values())

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.grupos.values())


def _base(user: Usuario) -> QuerySet[Cliente]:
    return (
        Cliente.objects.visiveis_para(user)
        .select_related("carteira")
        .only("id", "nome", "nome_fantasia", "documento", "tipo_pessoa", "estrangeiro",
              "carteira__nome")
    )  # fmt: skip


def prefixo(campo: str, valor: str) -> Q:
    """`campo LIKE 'valor%'` written so a plain btree on `campo` answers it.

    Postgres only turns LIKE 'x%' into an index range under the "C" collation, and this
    database's default is C.UTF-8 (not "C" for Postgres 15). The range below is what the
    planner would have derived; under C/C.UTF-8 (code point order) it holds every string
    that starts with `valor`, and the LIKE keeps the result exact under any collation.
    """
    return Q(**{f"{campo}__gte": valor, f"{campo}__lt": valor + _MAIOR_CARACTERE}) & Q(
        **{f"{campo}__startswith": valor}
    )


def buscar_documento(qs: QuerySet[Cliente], compacto: str) -> QuerySet[Cliente] | None:
    """CPF/CNPJ typed with or without mask; None when the term cannot be one."""
    if len(compacto) < 8 or len(compacto) > 14 or not any(c.isdigit() for c in compacto):
        return None
    if len(compacto) in (11, 14):
        return qs.filter(documento=compacto).order_by("nome", "id")
    return qs.filter(prefixo("documento", compacto)).order_by("documento", "id")


def buscar_telefone(qs: QuerySet[Cliente], termo: str) -> QuerySet[Cliente] | None:
    """Phone with DDD (exact DDD + número) or without (número); None when it is not a phone."""
    if not _SO_FONE.match(termo):
        return None
    fone = normalizar_fone(termo)
    if len(fone) in (10, 11):
        telefones = Telefone.objects.filter(ddd=fone[:2], numero=fone[2:])
    elif len(fone) in (8, 9):
        telefones = Telefone.objects.filter(numero=fone)
    else:
        return None
    return qs.filter(Exists(telefones.filter(cliente=OuterRef("pk")))).order_by("nome", "id")


def buscar_email(qs: QuerySet[Cliente], termo: str) -> QuerySet[Cliente] | None:
    if "@" not in termo or " " in termo.strip():
        return None
    valor = termo.strip().lower()
    contatos = ContatoEletronico.objects.filter(tipo=TipoContatoEletronico.EMAIL)
    if _EMAIL_COMPLETO.match(valor):
        contatos = contatos.filter(valor=valor)
    else:
        contatos = contatos.filter(prefixo("valor", valor))
    return qs.filter(Exists(contatos.filter(cliente=OuterRef("pk")))).order_by("nome", "id")


def _contem_todas(campo: str, palavras: list[str]) -> Q:
    """Every word inside `campo` (any order): each LIKE '%palavra%' is a trigram GIN lookup."""
    filtro = Q()
    for palavra in palavras:
        filtro &= Q(**{f"{campo}__contains": SemAcento(Value(palavra))})
    return filtro


def _com_nomes_sem_acento(qs: QuerySet[Cliente]) -> QuerySet[Cliente]:
    return qs.alias(nome_sa=SemAcento("nome"), fantasia_sa=SemAcento("nome_fantasia"))


def candidatos_nome(
    qs: QuerySet[Cliente], termo: str, *, parecidos: bool = False
) -> QuerySet[Cliente, int]:
    """Ids of clients whose name/nome fantasia contains every word (or is similar to the term)."""
    anotado = _com_nomes_sem_acento(qs)
    if parecidos:
        chave = SemAcento(Value(termo))
        filtro = Q(nome_sa__trigram_word_similar=chave) | Q(fantasia_sa__trigram_word_similar=chave)
    else:
        palavras = termo.split()
        filtro = _contem_todas("nome_sa", palavras) | _contem_todas("fantasia_sa", palavras)
    return anotado.filter(filtro).order_by().values_list("pk", flat=True)


def buscar_nome(qs: QuerySet[Cliente], termo: str) -> QuerySet[Cliente]:
    """Name or nome fantasia, accent/case-insensitive, best matches first.

    Two steps keep a common term ("silva" matches ~10% of a million clients) as cheap as a
    rare one: (1) up to LIMITE_CANDIDATOS ids whose name or nome fantasia contains every word
    (bitmap over the trigram GIN indexes; the heap scan stops at the limit) — or, when nothing
    contains the words, names that are *similar* to the term (pg_trgm word similarity, `%>`,
    same indexes: catches typos); (2) those candidates ranked by "starts with the term",
    then word similarity, then name. With more candidates than the limit the ranking is among
    the first ones found: the user is still typing and narrows the term.
    """
    chave = SemAcento(Value(termo))
    anotado = _com_nomes_sem_acento(qs)
    candidatos = list(candidatos_nome(qs, termo)[:LIMITE_CANDIDATOS])
    if not candidatos:
        candidatos = list(candidatos_nome(qs, termo, parecidos=True)[:LIMITE_CANDIDATOS])
    return (
        anotado.filter(pk__in=candidatos)
        .annotate(
            comeca=Case(
                When(Q(nome_sa__startswith=chave) | Q(fantasia_sa__startswith=chave), then=0),
                default=1,
                output_field=IntegerField(),
            ),
            semelhanca=Greatest(
                # django-stubs types `string` as str; Django wraps only non-expressions in Value
                TrigramWordSimilarity(chave, "nome_sa"),  # type: ignore[arg-type]
                TrigramWordSimilarity(chave, "fantasia_sa"),  # type: ignore[arg-type]
                output_field=FloatField(),
            ),
        )
        .order_by("comeca", F("semelhanca").desc(), "nome", "id")
    )


def busca_global(*, user: Usuario, termo: str, limite: int = LIMITE_POR_GRUPO) -> ResultadoBusca:
    termo = " ".join(termo.split())
    resultado = ResultadoBusca(termo=termo)
    if len(termo) < 2:
        return resultado
    base = _base(user)
    compacto = limpar(termo)
    grupos: list[tuple[str, QuerySet[Cliente] | None]] = [
        ("E-mail", buscar_email(base, termo)),
        ("CPF/CNPJ", None if "@" in termo else buscar_documento(base, compacto)),
        ("Telefone", buscar_telefone(base, termo)),
    ]
    letras = sum(c.isalpha() for c in termo)
    if "@" not in termo and letras:
        if len(termo) >= MINIMO_NOME:
            grupos.append(("Nome", buscar_nome(base, termo)))
        else:
            resultado.avisos.append(f"Digite ao menos {MINIMO_NOME} letras para buscar por nome.")
    for rotulo, qs in grupos:
        if qs is not None:
            resultado.grupos[rotulo] = list(qs[:limite])
    return resultado
