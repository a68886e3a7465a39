"""Declared parameters with defaults, and the one resolver (user → company → default)."""

from __future__ import annotations

from typing import Any

from contas.models import Parametro, Usuario

PADROES: dict[str, tuple[Any, str]] = {
    "itens_por_pagina": (25, "Linhas por página nas listas"),
    "exportacao_max_linhas": (200_000, "Máximo de linhas numa exportação Excel"),
    "canal_preferido_padrao": ("email", "Canal de contato sugerido para clientes novos"),
    "modo_pedido": ("avancado", "Tela do pedido: modo simplificado ou avançado"),
}


def parametro_definir_usuario(chave: str, valor: Any, *, usuario: Usuario) -> Parametro:
    """The user's own value of `chave` (overrides the company's and the default)."""
    if chave not in PADROES:
        raise KeyError(f"Parâmetro desconhecido: {chave}")
    if usuario.empresa_id is None:
        raise ValueError("Usuário sem empresa: parâmetros por usuário precisam da empresa.")
    registro, _ = Parametro.objects.update_or_create(
        empresa_id=usuario.empresa_id, usuario=usuario, chave=chave, defaults={"valor": valor}
    )
    return registro


def parametro(chave: str, *, usuario: Usuario | None = None) -> Any:
    if chave not in PADROES:
        raise KeyError(f"Parâmetro desconhecido: {chave}")
    if usuario is not None and usuario.empresa_id is not None:
        valores = {
            (p.usuario_id is not None): p.valor
            for p in Parametro.objects.filter(
                empresa_id=usuario.empresa_id, chave=chave, usuario__in=[usuario]
            ).union(
                Parametro.objects.filter(
                    empresa_id=usuario.empresa_id, chave=chave, usuario__isnull=True
                )
            )
        }
        if True in valores:
            return valores[True]
        if False in valores:
            return valores[False]
    return PADROES[chave][0]
