"""Reads of tickets, always through the user-scoped queryset (`Chamado.objects.visiveis_para`):
detail, the order's SAC tab, the lookups of the new-ticket form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from atendimento.models import Chamado, EventoChamado, TarefaChamado
from cadastro.busca import SemAcento
from cadastro.models import Cliente
from vendas.selectors import clientes_buscar, sem_acento

if TYPE_CHECKING:
    from contas.models import Usuario
    from produtos.models import Produto
    from vendas.models import Pedido

__all__ = [
    "chamado_eventos",
    "chamado_obter",
    "chamado_tarefas",
    "chamados_do_pedido",
    "cliente_obter",
    "clientes_buscar",
    "pedidos_do_cliente",
    "produtos_buscar",
]

RELACIONADOS = (
    "cliente", "canal", "tipo", "motivo", "produto", "pedido", "aberto_por", "responsavel",
    "atualizado_por",
)  # fmt: skip


def chamado_obter(*, user: Usuario, pk: int) -> Chamado:
    """The ticket if `user` may see it, else 404 (never 403: do not confirm it exists)."""
    return get_object_or_404(
        Chamado.objects.visiveis_para(user).select_related(*RELACIONADOS), pk=pk
    )


def chamado_eventos(chamado: Chamado) -> QuerySet[EventoChamado]:
    return chamado.eventos.select_related("ator").order_by("-quando", "-pk")


def chamado_tarefas(chamado: Chamado) -> QuerySet[TarefaChamado]:
    return chamado.tarefas.select_related("responsavel", "concluida_por").order_by(
        "concluida_em", "data_prevista", "pk"
    )


def chamados_do_pedido(*, user: Usuario, pedido: Pedido) -> QuerySet[Chamado]:
    """The SAC tab of the order: its tickets the user sees, newest first, one query."""
    return (
        Chamado.objects.visiveis_para(user)
        .filter(pedido=pedido)
        .select_related("tipo", "motivo", "responsavel")
        .order_by("-criado_em", "-pk")
    )


def cliente_obter(*, user: Usuario, pk: object) -> Cliente | None:
    """A client the user sees, from an untrusted id (None when absent or not visible)."""
    if not str(pk or "").isdigit():
        return None
    return Cliente.objects.visiveis_para(user).filter(pk=int(str(pk))).first()


def pedidos_do_cliente(*, user: Usuario, cliente: Cliente, limite: int = 50) -> QuerySet[Pedido]:
    """Recent orders and quotes of the client the user sees (choices of the ticket's order)."""
    from vendas.models import Pedido

    return (
        Pedido.objects.visiveis_para(user)
        .filter(cliente=cliente)
        .only("pk", "numero", "tipo", "data", "status", "cliente_id")
        .order_by("-numero")[:limite]
    )


def produtos_buscar(*, termo: str, limite: int = 10) -> list[Produto]:
    """Active products by code prefix or words of the description (shared catalogue)."""
    from produtos.models import Produto

    termo = termo.strip()
    if len(termo) < 2:
        return []
    qs = Produto.objects.filter(ativo=True).annotate(descricao_sa=SemAcento("descricao"))
    filtro = Q(codigo__istartswith=termo)
    palavras = Q()
    for palavra in sem_acento(termo).split():
        palavras &= Q(descricao_sa__contains=palavra)
    return list(qs.filter(filtro | palavras).order_by("codigo")[:limite])
