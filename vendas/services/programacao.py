"""Date scheduling of an order's items (seed "Programação de datas") and the grouping of every
scheduled part by date (seed "Agrupamento de datas").

An item may be delivered in parts, each on its date. The rule "the parts add up to the item's
quantity" is enforced ON SAVE: the rep edits the whole schedule of an item (add, change and
remove parts in one form) and `programacao_salvar` refuses a set that does not add up, naming
what is missing or exceeding. Saving part by part would leave the schedule wrong between two
saves; refusing the whole set keeps it right at every committed version.

The item's quantity may still change afterwards (`item_alterar`, which knows nothing of the
schedule): `divergencias` finds those items and the screen says so. A blocking closing-tab
problem for them needs a check inside the ONE recalculation (vendas/calculo.py), which this
module does not own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from crm.money import arredondar
from vendas.calculo import programacao_diverge, qtd_br
from vendas.constants import StatusItem, TipoEventoPedido
from vendas.models import ItemPedido, Pedido, ProgramacaoItem
from vendas.services.pedidos import ErroPedido, _evento, _gravar_versao, _para_alterar, _texto

if TYPE_CHECKING:
    from contas.models import Usuario

__all__ = [
    "Divergencia",
    "GrupoData",
    "LinhaGrupo",
    "agrupamento_por_data",
    "divergencias",
    "programacao_salvar",
]


def _data(valor: dt.date) -> str:
    return date_format(valor, "d/m/Y")


@transaction.atomic
def programacao_salvar(
    *,
    pedido_id: int,
    item_id: int,
    versao: int,
    partes: Sequence[tuple[dt.date, Decimal]],
    ator: Usuario,
) -> Pedido:
    """Replace the schedule of one item by `partes` (date, quantity).

    Refused (ErroPedido, pt-BR) when a date repeats or is in the past, a quantity is not
    positive, or the parts do not add up to the item's quantity. An empty `partes` removes the
    schedule. A real change bumps the order's version (an approval of the previous version is
    void, like any item change) and writes one PROGRAMACAO_ALTERADA event listing the parts
    included, changed and removed.
    """
    pedido = _para_alterar(pedido_id, versao)
    item = (
        ItemPedido.objects.select_for_update(of=("self",))
        .select_related("produto__unidade")
        .filter(pedido=pedido, pk=item_id)
        .first()
    )
    if item is None:
        raise ErroPedido("Item não encontrado neste pedido.")
    if item.status != StatusItem.ATIVO:
        raise ErroPedido(f"O item {item.sequencia} está cancelado: não pode ser programado.")
    rotulo = f"Item {item.sequencia} ({item.produto.codigo})"
    hoje = timezone.localdate()
    novas: dict[dt.date, Decimal] = {}
    for data, quantidade in partes:
        if data in novas:
            raise ErroPedido(f"{rotulo}: a data {_data(data)} aparece mais de uma vez.")
        if data < hoje:
            raise ErroPedido(
                f"{rotulo}: a data {_data(data)} já passou; programe a partir de hoje "
                f"({_data(hoje)})."
            )
        if quantidade is None or quantidade <= 0:
            raise ErroPedido(f"{rotulo}: a quantidade de {_data(data)} deve ser maior que zero.")
        novas[data] = quantidade
    if novas:
        soma = sum(novas.values(), Decimal(0))
        if soma != item.quantidade:
            un = item.produto.unidade
            diferenca = item.quantidade - soma
            falta = (
                f"faltam {qtd_br(diferenca)} {un}"
                if diferenca > 0
                else f"sobram {qtd_br(-diferenca)} {un}"
            )
            raise ErroPedido(
                f"{rotulo}: as partes somam {qtd_br(soma)} {un}, mas o item tem "
                f"{qtd_br(item.quantidade)} {un} ({falta}). Ajuste as quantidades para que a "
                "soma feche com o item."
            )
    atuais = {p.data: p for p in ProgramacaoItem.objects.filter(item=item)}
    removidas = [d for d in atuais if d not in novas]
    incluidas = [d for d in novas if d not in atuais]
    alteradas = [d for d in novas if d in atuais and atuais[d].quantidade != novas[d]]
    if not (removidas or incluidas or alteradas):
        return pedido
    if removidas:
        ProgramacaoItem.objects.filter(pk__in=[atuais[d].pk for d in removidas]).delete()
    for d in alteradas:
        ProgramacaoItem.objects.filter(pk=atuais[d].pk).update(quantidade=novas[d])
    ProgramacaoItem.objects.bulk_create(
        ProgramacaoItem(item=item, data=d, quantidade=novas[d]) for d in incluidas
    )
    _gravar_versao(pedido, ator)
    _evento(
        pedido,
        TipoEventoPedido.PROGRAMACAO_ALTERADA,
        ator,
        item=item.sequencia,
        produto=item.produto.codigo,
        incluidas=[{"data": _texto(d), "quantidade": _texto(novas[d])} for d in sorted(incluidas)],
        alteradas=[
            {"data": _texto(d), "de": _texto(atuais[d].quantidade), "para": _texto(novas[d])}
            for d in sorted(alteradas)
        ],
        removidas=[
            {"data": _texto(d), "quantidade": _texto(atuais[d].quantidade)}
            for d in sorted(removidas)
        ],
    )
    return pedido


# --- reads: grouping by date and schedules that no longer add up ------------------------------


@dataclass(frozen=True)
class LinhaGrupo:
    item: ItemPedido
    quantidade: Decimal
    valor: Decimal
    programada: bool  # False: the whole item on its promise date (no schedule)


@dataclass
class GrupoData:
    data: dt.date | None  # None: items with neither schedule nor promise date
    linhas: list[LinhaGrupo] = field(default_factory=list)

    @property
    def valor(self) -> Decimal:
        return sum((linha.valor for linha in self.linhas), Decimal(0))

    @property
    def itens(self) -> int:
        return len(self.linhas)


def _valores_das_partes(item: ItemPedido, quantidades: list[Decimal]) -> list[Decimal]:
    """The item's total split pro rata by quantity, rounded to the cent; the last part takes
    the rounding so that the parts add up to the item's total exactly."""
    if not quantidades:
        return []
    valores = [arredondar(item.total * q / item.quantidade) for q in quantidades[:-1]]
    return [*valores, item.total - sum(valores, Decimal(0))]


def agrupamento_por_data(
    itens: Iterable[ItemPedido], partes: Iterable[ProgramacaoItem]
) -> list[GrupoData]:
    """Every active item's delivery by date: its scheduled parts, or (no schedule) the whole
    item on its promise date; items with neither go to a last group without a date. Each
    line carries its share of the item's total (pro rata by quantity)."""
    por_item: dict[int, list[ProgramacaoItem]] = {}
    for parte in partes:
        por_item.setdefault(parte.item_id, []).append(parte)
    grupos: dict[dt.date | None, GrupoData] = {}
    for item in itens:
        if item.status != StatusItem.ATIVO:
            continue
        suas = sorted(por_item.get(item.pk, []), key=lambda p: p.data)
        if suas:
            valores = _valores_das_partes(item, [p.quantidade for p in suas])
            for parte, valor in zip(suas, valores, strict=True):
                grupo = grupos.setdefault(parte.data, GrupoData(parte.data))
                grupo.linhas.append(LinhaGrupo(item, parte.quantidade, valor, programada=True))
        else:
            grupo = grupos.setdefault(item.data_promessa, GrupoData(item.data_promessa))
            grupo.linhas.append(LinhaGrupo(item, item.quantidade, item.total, programada=False))
    return sorted(grupos.values(), key=lambda g: (g.data is None, g.data or dt.date.min))


@dataclass(frozen=True)
class Divergencia:
    item: ItemPedido
    soma: Decimal
    vencidas: list[dt.date]


def divergencias(
    itens: Iterable[ItemPedido], partes: Iterable[ProgramacaoItem], hoje: dt.date | None = None
) -> list[Divergencia]:
    """Scheduled items whose parts no longer add up to the quantity (it changed after the
    schedule was saved) or that have a part whose date has passed."""
    hoje = hoje or timezone.localdate()
    datas: dict[int, list[dt.date]] = {}
    soma: dict[int, Decimal] = {}
    for parte in partes:
        soma[parte.item_id] = soma.get(parte.item_id, Decimal(0)) + parte.quantidade
        datas.setdefault(parte.item_id, []).append(parte.data)
    saida = []
    for item in itens:
        if item.status != StatusItem.ATIVO or item.pk not in soma:
            continue
        if any(programacao_diverge(item.quantidade, soma[item.pk], min(datas[item.pk]), hoje)):
            vencidas = sorted(d for d in datas[item.pk] if d < hoje)
            saida.append(Divergencia(item, soma[item.pk], vencidas))
    return saida
