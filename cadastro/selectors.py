"""Reads scoped to the user. A view never calls Cliente.objects.get(pk=...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from cadastro.models import Carteira, Cliente

if TYPE_CHECKING:
    from contas.models import Usuario


def cliente_obter(*, user: Usuario, pk: int, para_alterar: bool = False) -> Cliente:
    """The client if `user` may see it, else 404 (never 403: do not confirm it exists)."""
    qs = Cliente.objects.visiveis_para(user).select_related(
        "tipo_cliente", "status", "situacao_scpc", "categoria_fiscal", "origem", "carteira",
        "representante", "tabela_venda",
    )  # fmt: skip
    if para_alterar:
        qs = qs.select_for_update(of=("self",))
    return get_object_or_404(qs, pk=pk)


def carteira_listar(*, user: Usuario):
    return Carteira.objects.visiveis_para(user).select_related("representante")
