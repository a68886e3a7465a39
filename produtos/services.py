"""Writes of the catalogue: each one atomic, validated, with its EventoProduto row.

Field-level audit of Produto and PrecoLista is pghistory's (statement-level triggers); the event
row says who did what from which screen.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q

from produtos.constants import TipoEventoProduto
from produtos.models import EventoProduto, PrecoLista, Produto

if TYPE_CHECKING:
    from contas.models import Usuario

_UM_DIA = dt.timedelta(days=1)


def _valor_evento(valor: Any) -> Any:
    if isinstance(valor, Model):
        return str(valor)
    if isinstance(valor, bool | int | str) or valor is None:
        return valor
    return str(valor)


@transaction.atomic
def produto_criar(*, produto: Produto, ator: Usuario) -> Produto:
    """Create a product (from the simple or the advanced form)."""
    produto.full_clean()
    produto.save()
    EventoProduto.registrar(
        produto=produto,
        tipo=TipoEventoProduto.CRIADO,
        ator=ator,
        dados={"codigo": produto.codigo, "descricao": produto.descricao},
    )
    return produto


@transaction.atomic
def produto_atualizar(*, produto: Produto, campos: list[str], ator: Usuario) -> Produto:
    """Save the changed `campos` of `produto`; blocking/unblocking gets its own event."""
    if not campos:
        return produto
    anterior = Produto.objects.select_for_update().get(pk=produto.pk)
    produto.full_clean()
    produto.save()
    alteracoes = {
        c: [_valor_evento(getattr(anterior, c)), _valor_evento(getattr(produto, c))] for c in campos
    }
    if "bloqueado" in campos and anterior.bloqueado != produto.bloqueado:
        EventoProduto.registrar(
            produto=produto,
            tipo=TipoEventoProduto.BLOQUEADO
            if produto.bloqueado
            else TipoEventoProduto.DESBLOQUEADO,
            ator=ator,
            dados={"motivo": produto.motivo_bloqueio or anterior.motivo_bloqueio},
        )
    EventoProduto.registrar(
        produto=produto, tipo=TipoEventoProduto.ALTERADO, ator=ator, dados=alteracoes
    )
    return produto


@transaction.atomic
def item_incluir(*, produto: Produto, objeto: Model, secao: str, ator: Usuario) -> Model:
    """Add a row to a maintenance section (similar, kit, stock, lot…)."""
    try:
        with transaction.atomic():
            objeto.save()
    except IntegrityError as exc:
        # The form validated the constraints; a concurrent insert can still win the race.
        raise ValidationError("Este item já existe ou conflita com outro registro.") from exc
    EventoProduto.registrar(
        produto=produto,
        tipo=TipoEventoProduto.SECAO_INCLUIDA,
        ator=ator,
        dados={"secao": secao, "item": str(objeto)},
    )
    return objeto


@transaction.atomic
def item_remover(*, produto: Produto, objeto: Model, secao: str, ator: Usuario) -> None:
    descricao = str(objeto)
    arquivo = getattr(objeto, "arquivo", None)
    objeto.delete()
    if arquivo:
        # The file goes only after the row's deletion is committed.
        transaction.on_commit(lambda: arquivo.delete(save=False))
    EventoProduto.registrar(
        produto=produto,
        tipo=TipoEventoProduto.SECAO_REMOVIDA,
        ator=ator,
        dados={"secao": secao, "item": descricao},
    )


def _mesma_chave(preco: PrecoLista) -> Q:
    if preco.tabela_id:
        return Q(produto_id=preco.produto_id, tabela_id=preco.tabela_id)
    return Q(produto_id=preco.produto_id, cliente_id=preco.cliente_id)


@transaction.atomic
def preco_definir(
    *, preco: PrecoLista, ator: Usuario | None, origem_evento: str = "tela"
) -> PrecoLista:
    """Record a list price valid from `preco.inicio`, superseding what was valid before.

    Rule (same in the price import): for the same key (product + table, or product + client),
    - a price that started earlier and is still valid on `inicio` ends the day before;
    - a price that starts on the same day is replaced (value and end date);
    - a price that starts later than `inicio` and overlaps is a conflict the user must resolve
      (we never silently drop a future price someone scheduled).
    Rows of the key are locked first, so two concurrent definitions serialize.
    """
    if preco.fim is not None and preco.fim < preco.inicio:
        raise ValidationError("O fim da vigência não pode ser anterior ao início.")
    existentes = list(
        PrecoLista.objects.select_for_update().filter(_mesma_chave(preco)).order_by("inicio")
    )
    mesmo_inicio = None
    for atual in existentes:
        if atual.pk == preco.pk:
            continue
        sobrepoe = (atual.fim is None or atual.fim >= preco.inicio) and (
            preco.fim is None or atual.inicio <= preco.fim
        )
        if not sobrepoe:
            continue
        if atual.inicio == preco.inicio:
            mesmo_inicio = atual
        elif atual.inicio < preco.inicio:
            atual.fim = preco.inicio - _UM_DIA
            atual.save(update_fields=["fim", "atualizado_em"])
        else:
            raise ValidationError(
                f"Já existe um preço programado a partir de {atual.inicio:%d/%m/%Y} que se "
                "sobrepõe a esta vigência; ajuste o fim da vigência ou exclua aquele preço."
            )
    if mesmo_inicio is not None:
        mesmo_inicio.preco = preco.preco
        mesmo_inicio.fim = preco.fim
        mesmo_inicio.origem = preco.origem
        preco = mesmo_inicio
    preco.full_clean()
    preco.save()
    EventoProduto.registrar(
        produto=preco.produto,
        tipo=TipoEventoProduto.PRECO_DEFINIDO,
        ator=ator,
        dados={
            "chave": str(preco.tabela or preco.cliente),
            "preco": str(preco.preco),
            "inicio": preco.inicio.isoformat(),
            "fim": preco.fim.isoformat() if preco.fim else None,
            "origem": origem_evento,
        },
    )
    return preco
