"""Catalogue marks on the order screen that any partial may need (the item rows are rendered
by several views): whether a product is one of the signed-in user's favourites."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def favorito(context: Any, produto_id: int) -> bool:
    """One query per request (cached on it), however many rows ask."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    ids = getattr(request, "_catalogo_favoritos", None)
    if ids is None:
        from vendas.selectors import favoritos_ids

        ids = favoritos_ids(request.user)
        request._catalogo_favoritos = ids
    return produto_id in ids
