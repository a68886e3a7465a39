"""Reads of the catalogue, scoped to the user.

Products: everyone with `produtos.view_produto` sees the catalogue. Client-specific prices and
quotas follow the client's visibility (models' `visiveis_para`). Costs need `produtos.ver_custos`.

Search (`filtrar_por_termo`), answered by indexes at 100,000 products:
- EAN (8/12/13/14 digits with a valid check digit): equality on the unique EAN index;
- code prefix: a range on the `varchar_pattern_ops` btree of `codigo` (codes are upper case);
- description: every word of 3+ letters, ignoring accents and case, as `LIKE '%palavra%'` on
  `f_unaccent(descricao)`, which the trigram GIN index (migration 0002) answers.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from stdnum import ean as stdnum_ean

from cadastro.busca import SemAcento, prefixo
from cadastro.models import TabelaVenda
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from produtos.models import Cota, Custo, Estoque, PrecoLista, Produto

if TYPE_CHECKING:
    from contas.models import Usuario

MINIMO_PALAVRA = 3
LIMITE_AUTOCOMPLETE = 20
_SEPARADORES = re.compile(r"\s+")
_DINHEIRO = DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)


def pode_ver_custos(user: Usuario) -> bool:
    return user.is_active and user.has_perm("produtos.ver_custos")


def produto_listar(*, user: Usuario) -> QuerySet[Produto]:
    if not user.is_authenticated or not user.has_perm("produtos.view_produto"):
        return Produto.objects.none()
    return Produto.objects.all()


def produto_obter(*, user: Usuario, pk: int) -> Produto:
    qs = produto_listar(user=user).select_related(
        "unidade", "linha", "grupo", "marca", "modelo", "classificacao", "tipo",
        "categoria_fiscal", "especie",
    )  # fmt: skip
    return get_object_or_404(qs, pk=pk)


def e_ean(termo: str) -> bool:
    return termo.isdigit() and len(termo) in (8, 12, 13, 14) and stdnum_ean.is_valid(termo)


def filtrar_por_termo(qs: QuerySet[Produto], termo: str) -> QuerySet[Produto]:
    """Products matching `termo` by EAN, code prefix or words of the description."""
    termo = termo.strip()
    if not termo:
        return qs
    if e_ean(termo):
        return qs.filter(Q(ean=termo) | prefixo("codigo", termo))
    codigo = prefixo("codigo", termo.upper())
    palavras = [p for p in _SEPARADORES.split(termo) if p]
    longas = [p for p in palavras if len(p) >= MINIMO_PALAVRA]
    if not longas:
        # Trigrams of a 1–2 letter term cannot use the index: only the code prefix then.
        return qs.filter(codigo)
    descricao = Q()
    for palavra in palavras:
        descricao &= Q(descricao_sem_acento__contains=SemAcento(Value(palavra)))
    return qs.alias(descricao_sem_acento=SemAcento("descricao")).filter(codigo | descricao)


def produto_buscar(
    *, user: Usuario, termo: str, limite: int = LIMITE_AUTOCOMPLETE, so_vendaveis: bool = False
) -> list[Produto]:
    """Autocomplete: exact code/EAN first, then code prefix, then by description."""
    termo = termo.strip()
    if not termo:
        return []
    qs = produto_listar(user=user)
    if so_vendaveis:
        qs = qs.filter(ativo=True, bloqueado=False)
    qs = filtrar_por_termo(qs, termo).annotate(
        relevancia=Case(
            When(Q(codigo=termo.upper()) | Q(ean=termo), then=Value(0)),
            When(codigo__startswith=termo.upper(), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    return list(qs.select_related("unidade").order_by("relevancia", "descricao", "id")[:limite])


# --- annotations for lists -------------------------------------------------------------------


def tabela_padrao() -> TabelaVenda | None:
    return TabelaVenda.objects.filter(ativo=True).order_by("descricao", "id").first()


def subquery_preco_vigente(tabela_id: int | None, data: dt.date) -> Subquery:
    precos = (
        PrecoLista.objects.filter(produto=OuterRef("pk"), tabela_id=tabela_id)
        .vigentes_em(data)
        .order_by("-inicio")
        .values("preco")[:1]
    )
    return Subquery(precos, output_field=_DINHEIRO)


def subquery_custo_atual(data: dt.date) -> Subquery:
    custos = (
        Custo.objects.filter(produto=OuterRef("pk"), data__lte=data)
        .order_by("-data")
        .values("custo")[:1]
    )
    return Subquery(custos, output_field=_DINHEIRO)


def subquery_estoque_total() -> Subquery:
    total = (
        Estoque.objects.filter(produto=OuterRef("pk"))
        .order_by()
        .values("produto")
        .annotate(t=Sum("quantidade") - Sum("reservado"))
        .values("t")
    )
    return Subquery(total, output_field=DecimalField(max_digits=16, decimal_places=3))


# --- sections of the product detail ----------------------------------------------------------


def precos_listar(*, user: Usuario, produto: Produto) -> QuerySet[PrecoLista]:
    return (
        PrecoLista.objects.visiveis_para(user)
        .filter(produto=produto)
        .select_related("tabela", "cliente", "origem")
        .order_by("tabela__descricao", "cliente__nome", "-inicio")
    )


def custos_listar(*, user: Usuario, produto: Produto) -> QuerySet[Custo]:
    if not pode_ver_custos(user):
        raise PermissionDenied("Custos e margens são restritos a supervisores.")
    return Custo.objects.filter(produto=produto).order_by("-data")


def cotas_listar(*, user: Usuario, produto: Produto) -> QuerySet[Cota]:
    return (
        Cota.objects.visiveis_para(user)
        .filter(produto=produto)
        .select_related("representante", "cliente")
        .order_by("-inicio")
    )


def hoje() -> dt.date:
    return timezone.localdate()
