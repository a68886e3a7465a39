"""The catalogue side of the order screen: search with favourites first, the rep's favourites,
active promotions, the client's last quotes, similar/complementary suggestions, and batch
inclusion (cart, paste box, a panel's "Incluir"). Thin: parse → service → partials.

Every inclusion answers like the other item changes (`vendas.views.pedidos._atualizacao`): the
rows that changed and the new ones out-of-band, totals, closing tab, version… plus the
catalogue's own parts: the report of refused lines, the paste box with only the lines still
to fix, and the suggestions for what was added.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from vendas import selectors
from vendas.forms import ColarLinhasForm, VersaoForm
from vendas.models import ItemPedido, Pedido
from vendas.services import ConflitoVersao, ErroPedido
from vendas.services.catalogo import (
    Linha,
    LinhaRecusada,
    favorito_alternar,
    id_do_texto,
    itens_adicionar,
    linhas_do_carrinho,
    linhas_do_texto,
    texto_das_recusadas,
)
from vendas.views.pedidos import _atualizacao, _erros, _pedido_para_alterar, _recusa

__all__ = [
    "catalogo_buscar",
    "catalogo_painel",
    "favorito_alternar_view",
    "item_info_view",
    "itens_colar_view",
    "itens_lote_view",
    "sugestoes_view",
]

PAINEIS = ("favoritos", "promocoes", "cotacoes")
ORIGENS = ("carrinho", "favoritos", "promocoes", "sugestoes", "pesquisa")
MAXIMO_SUGERIDOS = 10


def _pedido(request: HttpRequest, pk: int) -> Pedido:
    return selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]


def _pode_alterar(request: HttpRequest, pedido: Pedido) -> bool:
    return pedido.editavel and request.user.has_perm("vendas.change_pedido")


def _render(request: HttpRequest, modelo: str, ctx: dict[str, Any]) -> HttpResponse:
    resposta = render(request, modelo, ctx)
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


# --- reads: search, panels, suggestions -------------------------------------------------------


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def catalogo_buscar(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = _pedido(request, pk)
    termo = request.GET.get("q", "")
    produtos = selectors.catalogo_buscar(pedido=pedido, user=request.user, termo=termo)  # type: ignore[arg-type]
    return _render(
        request,
        "vendas/partials/catalogo_resultados.html",
        {
            "pedido": pedido,
            "produtos": produtos,
            "termo": termo,
            "pode_alterar": _pode_alterar(request, pedido),
        },
    )


def _contexto_painel(request: HttpRequest, pedido: Pedido, painel: str) -> dict[str, Any]:
    user = request.user
    ctx: dict[str, Any] = {"pedido": pedido, "pode_alterar": _pode_alterar(request, pedido)}
    if painel == "favoritos":
        ctx["catalogo"] = {"favoritos": selectors.favoritos_listar(pedido=pedido, user=user)}  # type: ignore[arg-type]
    elif painel == "promocoes":
        ctx["promocoes"] = selectors.promocoes_listar(pedido=pedido, user=user)  # type: ignore[arg-type]
    else:
        ctx["cotacoes"] = selectors.ultimas_cotacoes(pedido=pedido, user=user)  # type: ignore[arg-type]
    ctx["carregado"] = True
    return ctx


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def catalogo_painel(request: HttpRequest, pk: int, painel: str) -> HttpResponse:
    pedido = _pedido(request, pk)
    if painel not in PAINEIS:
        raise Http404
    return _render(
        request,
        f"vendas/partials/catalogo_{painel}.html",
        _contexto_painel(request, pedido, painel),
    )


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_POST
def favorito_alternar_view(request: HttpRequest, pk: int, produto: int) -> HttpResponse:
    """Star/unstar for the signed-in user only (no user id is read from the request). Answers
    the favourites panel; the stars elsewhere on the page follow the `catalogo:favorito`
    event."""
    pedido = _pedido(request, pk)
    try:
        ativo = favorito_alternar(produto_id=produto, ator=request.user)  # type: ignore[arg-type]
    except ErroPedido:
        raise Http404 from None
    resposta = _render(
        request,
        "vendas/partials/catalogo_favoritos.html",
        _contexto_painel(request, pedido, "favoritos"),
    )
    resposta["HX-Trigger"] = json.dumps({"catalogo:favorito": {"produto": produto, "ativo": ativo}})
    return resposta


def _contexto_sugestoes(
    request: HttpRequest, pedido: Pedido, produto_ids: list[int], item: ItemPedido | None = None
) -> dict[str, Any]:
    return {
        "pedido": pedido,
        "pode_alterar": _pode_alterar(request, pedido),
        "sugestoes": selectors.sugestoes(
            pedido=pedido,
            user=request.user,  # type: ignore[arg-type]
            produto_ids=produto_ids[:MAXIMO_SUGERIDOS],
        ),
        "item": item,
    }


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def sugestoes_view(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = _pedido(request, pk)
    ids = list(
        dict.fromkeys(
            i for p in request.GET.getlist("produto") if (i := id_do_texto(p)) is not None
        )
    )
    return _render(
        request,
        "vendas/partials/catalogo_sugestoes.html",
        _contexto_sugestoes(request, pedido, ids),
    )


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def item_info_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """An item's info: its product (favourite, promotion, last quoted price for this client)
    and its similar and complementary products."""
    pedido = _pedido(request, pk)
    registro = ItemPedido.objects.filter(pedido=pedido, pk=item).first()
    if registro is None:
        raise Http404
    return _render(
        request,
        "vendas/partials/catalogo_sugestoes.html",
        _contexto_sugestoes(request, pedido, [registro.produto_id], item=registro),
    )


# --- writes: batch inclusion --------------------------------------------------------------------


def _partes_catalogo(
    request: HttpRequest,
    pedido: Pedido,
    *,
    origem: str,
    incluidos: int,
    recusadas: list[LinhaRecusada],
    linhas: list[Linha],
    kits: Sequence[str] = (),
) -> str:
    """The catalogue's out-of-band parts of an inclusion answer."""
    produtos = list(dict.fromkeys(linha.produto.pk for linha in linhas))
    ctx = {
        "pedido": pedido,
        "origem": origem,
        "incluidos": incluidos,
        "recusadas": recusadas,
        "kits": kits,
        "texto_colar": texto_das_recusadas(recusadas) if origem == "colar" else None,
        "oob": True,
    }
    if incluidos and origem != "sugestoes":
        # Adding from the suggestions keeps that list on screen to pick more from it.
        ctx.update(_contexto_sugestoes(request, pedido, produtos))
    return render_to_string("vendas/partials/catalogo_inclusao.html", ctx, request=request)


def _incluir(
    request: HttpRequest,
    pedido: Pedido,
    *,
    versao: int,
    linhas: list[Linha],
    recusadas: list[LinhaRecusada],
    origem: str,
    inicio: datetime,
) -> HttpResponse:
    evento = {
        "origem": origem,
        "recusados": [r.numero for r in recusadas],
        "incluidos": 0,
    }
    if not linhas:
        # Nothing to add: only the report (and the paste box keeps every line typed).
        if not recusadas:
            return _recusa(request, "Nenhum produto para incluir.")
        resposta = HttpResponse(
            _partes_catalogo(
                request, pedido, origem=origem, incluidos=0, recusadas=recusadas, linhas=[]
            )
        )
        resposta["HX-Reswap"] = "none"
        resposta["HX-Trigger"] = json.dumps({"catalogo:incluidos": evento})
        return resposta
    try:
        inclusao = itens_adicionar(
            pedido_id=pedido.pk,
            versao=versao,
            linhas=linhas,
            ator=request.user,  # type: ignore[arg-type]
        )
    except ConflitoVersao as erro:
        return _recusa(request, erro.mensagem, conflito=True)
    except ErroPedido as erro:
        return _recusa(request, erro.mensagem)
    resposta = _atualizacao(
        request, inclusao.calculo, inicio=inicio, status_antes=pedido.status, novos=inclusao.novos
    )
    resposta.content += _partes_catalogo(
        request,
        pedido,
        origem=origem,
        incluidos=len(inclusao.novos),
        recusadas=recusadas,
        linhas=linhas,
        kits=inclusao.kits,
    ).encode()
    evento["incluidos"] = len(inclusao.novos)
    resposta["HX-Trigger"] = json.dumps({"catalogo:incluidos": evento})
    return resposta


@login_required
@require_POST
def itens_lote_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The cart or a panel's "Incluir": parallel `produto`, `quantidade`, `promocao` lists."""
    pedido = _pedido_para_alterar(request, pk)
    inicio = timezone.now()
    form = VersaoForm(request.POST)
    if not form.is_valid():
        return _recusa(request, _erros(form))
    origem = request.POST.get("origem", "")
    origem = origem if origem in ORIGENS else "carrinho"
    try:
        linhas, recusadas = linhas_do_carrinho(
            pedido=pedido,
            produtos=request.POST.getlist("produto"),
            quantidades=request.POST.getlist("quantidade"),
            promocoes=request.POST.getlist("promocao"),
            origem=origem,
        )
    except ErroPedido as erro:
        return _recusa(request, erro.mensagem)
    return _incluir(
        request,
        pedido,
        versao=form.cleaned_data["versao"],
        linhas=linhas,
        recusadas=recusadas,
        origem=origem,
        inicio=inicio,
    )


@login_required
@require_POST
def itens_colar_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The paste box: "código;quantidade" per line (or tab-separated from a spreadsheet)."""
    pedido = _pedido_para_alterar(request, pk)
    inicio = timezone.now()
    form = ColarLinhasForm(request.POST)
    if not form.is_valid():
        return _recusa(request, _erros(form))
    try:
        linhas, recusadas = linhas_do_texto(form.cleaned_data["texto"])
    except ErroPedido as erro:
        return _recusa(request, erro.mensagem)
    return _incluir(
        request,
        pedido,
        versao=form.cleaned_data["versao"],
        linhas=linhas,
        recusadas=recusadas,
        origem="colar",
        inicio=inicio,
    )
