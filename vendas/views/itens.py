"""Order screen, per item: date scheduling (programação de datas) and its grouping by date,
the lot lookup of an item, and the simplified/advanced mode of the screen. Thin: form →
service → the ONE partial of the swap target (+ version, status and new events out-of-band).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contas.parametros import parametro, parametro_definir_usuario
from vendas import selectors
from vendas.constants import StatusItem
from vendas.forms import ModoPedidoForm, ProgramacaoFormSet, VersaoForm
from vendas.models import ItemPedido, Pedido
from vendas.services.orcamentos import pode_converter
from vendas.services.pedidos import ConflitoVersao, ErroPedido
from vendas.services.programacao import agrupamento_por_data, divergencias, programacao_salvar

__all__ = [
    "contexto_abas",
    "item_lotes",
    "modo_pedido",
    "pedido_modo_view",
    "programacao_item",
    "programacao_painel",
]

LINHAS_VAZIAS = 3
MODOS = ("simplificado", "avancado")
CHAVE_MODO = "modo_pedido"


# --- simplified / advanced mode ------------------------------------------------------------


def modo_pedido(request: HttpRequest) -> str:
    """The user's mode: their own `contas.Parametro` (user → company → default); a user
    without a company (parameters need one) keeps it in the session."""
    user = request.user
    if getattr(user, "empresa_id", None) is None:
        modo = request.session.get(CHAVE_MODO, "avancado")
    else:
        modo = parametro(CHAVE_MODO, usuario=user)  # type: ignore[arg-type]
    return modo if modo in MODOS else "avancado"


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_POST
def pedido_modo_view(request: HttpRequest) -> HttpResponse:
    form = ModoPedidoForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Modo inválido.", status=400)
    modo = form.cleaned_data["modo"]
    if getattr(request.user, "empresa_id", None) is None:
        request.session[CHAVE_MODO] = modo
    else:
        parametro_definir_usuario(CHAVE_MODO, modo, usuario=request.user)  # type: ignore[arg-type]
    if not request.headers.get("HX-Request"):
        return redirect("vendas:pedido-lista")
    resposta = render(request, "vendas/partials/pedido_modo.html", {"modo": modo})
    resposta["HX-Trigger"] = f'{{"pedido-modo": "{modo}"}}'
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


# --- what the new tabs add to the order page ----------------------------------------------


def _contexto_programacao(
    pedido: Pedido, itens: list[ItemPedido], pode_alterar: bool, **extra: Any
) -> dict[str, Any]:
    partes = selectors.pedido_programacoes(pedido)
    por_item: dict[int, list[Any]] = {}
    for parte in partes:
        por_item.setdefault(parte.item_id, []).append(parte)
    ativos = [i for i in itens if i.status == StatusItem.ATIVO]
    for item in ativos:
        item.partes = por_item.get(item.pk, [])  # type: ignore[attr-defined]
    return {
        "pedido": pedido,
        "itens_programaveis": ativos,
        "grupos": agrupamento_por_data(ativos, partes),
        "divergencias": divergencias(ativos, partes),
        "pode_alterar": pode_alterar,
        "hoje": timezone.localdate(),
        **extra,
    }


def contexto_abas(
    request: HttpRequest, pedido: Pedido, itens: list[ItemPedido], pode_alterar: bool
) -> dict[str, Any]:
    """Context of the Programação and Anexos tabs, the conversion banner and the mode."""
    from vendas.forms import AnexoPedidoForm
    from vendas.services.anexos import marcar_removiveis

    anexos = marcar_removiveis(selectors.pedido_anexos(pedido), request.user)  # type: ignore[arg-type]
    conversoes = list(
        Pedido.objects.visiveis_para(request.user)  # type: ignore[arg-type]
        .filter(orcamento_origem=pedido)
        .only("pk", "numero", "tipo")
    )
    return {
        "modo": modo_pedido(request),
        "programacao": _contexto_programacao(pedido, itens, pode_alterar),
        "anexos": anexos,
        "form_anexo": AnexoPedidoForm(),
        "pode_anexar": request.user.has_perm("vendas.change_pedido")
        and pedido.status != "cancelado",
        "conversoes": conversoes,
        "pode_converter": pode_converter(pedido)
        and request.user.has_perm("vendas.add_pedido")
        and request.user.has_perm("vendas.change_pedido"),
    }


# --- date scheduling -------------------------------------------------------------------------


def _painel(request: HttpRequest, ctx: dict[str, Any], *, inicio: Any = None) -> HttpResponse:
    if inicio is not None:
        pedido = ctx["pedido"]
        ctx["eventos_novos"] = list(
            selectors.pedido_eventos(pedido).filter(quando__gte=inicio).order_by("-quando", "-id")
        )
        ctx["oob"] = True
    resposta = render(request, "vendas/partials/pedido_programacao_resposta.html", ctx)
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


def _pode_alterar(request: HttpRequest, pedido: Pedido) -> bool:
    return pedido.editavel and request.user.has_perm("vendas.change_pedido")


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def programacao_painel(request: HttpRequest, pk: int) -> HttpResponse:
    """The Programação tab, redrawn (after item changes elsewhere on the page)."""
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    itens = selectors.pedido_itens(pedido)
    return _painel(request, _contexto_programacao(pedido, itens, _pode_alterar(request, pedido)))


def _formset_inicial(item: ItemPedido, partes: list[Any]) -> Any:
    inicial = [{"data": p.data, "quantidade": p.quantidade} for p in partes]
    return ProgramacaoFormSet(prefix="partes", initial=inicial + [{}] * LINHAS_VAZIAS)


@login_required
@require_http_methods(["GET", "POST"])
def programacao_item(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """GET: the tab with the schedule editor of one item open. POST: save that schedule."""
    if not request.user.has_perm("vendas.change_pedido"):
        raise Http404
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    registro = selectors.item_obter(pedido=pedido, pk=item)
    pode_alterar = _pode_alterar(request, pedido)
    if request.method == "GET":
        itens = selectors.pedido_itens(pedido)
        programadas = [p for p in selectors.pedido_programacoes(pedido) if p.item_id == registro.pk]
        ctx = _contexto_programacao(pedido, itens, pode_alterar, editando=registro)
        if pode_alterar and registro.status == StatusItem.ATIVO:
            ctx["formset"] = _formset_inicial(registro, programadas)
        else:
            ctx["mensagem"] = f"O item {registro.sequencia} não pode ser programado agora."
            ctx["erro"] = True
        return _painel(request, ctx)

    inicio = timezone.now()
    formset = ProgramacaoFormSet(request.POST, prefix="partes")
    versao = VersaoForm(request.POST)
    mensagem = ""
    conflito = False
    if not versao.is_valid():
        mensagem = "Recarregue o pedido: a versão não veio no envio."
    elif not formset.is_valid():
        mensagem = "Verifique as partes destacadas."
    else:
        partes = [
            (f.cleaned_data["data"], f.cleaned_data["quantidade"])
            for f in formset
            if f.cleaned_data and not f.cleaned_data.get("remover") and f.cleaned_data.get("data")
        ]
        try:
            programacao_salvar(
                pedido_id=pedido.pk,
                item_id=registro.pk,
                versao=versao.cleaned_data["versao"],
                partes=partes,
                ator=request.user,  # type: ignore[arg-type]
            )
        except ConflitoVersao as erro:
            mensagem = erro.mensagem
            conflito = True
        except ErroPedido as erro:
            mensagem = erro.mensagem
        else:
            pedido.refresh_from_db(fields=["status", "versao", "atualizado_por", "atualizado_em"])
            itens = selectors.pedido_itens(pedido)
            ctx = _contexto_programacao(
                pedido,
                itens,
                _pode_alterar(request, pedido),
                mensagem=f"Programação do item {registro.sequencia} salva.",
            )
            return _painel(request, ctx, inicio=inicio)
    itens = selectors.pedido_itens(pedido)
    ctx = _contexto_programacao(
        pedido,
        itens,
        pode_alterar,
        editando=registro,
        formset=formset,
        mensagem=mensagem,
        erro=True,
        conflito=conflito,
    )
    return _painel(request, ctx)


# --- lot lookup ---------------------------------------------------------------------------


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def item_lotes(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The product's lots in the order's warehouse (available quantity, expiry) to pick one;
    the pick is an ordinary item change (`item-alterar` with `lote`)."""
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    registro = selectors.item_obter(pedido=pedido, pk=item)
    resposta = render(
        request,
        "vendas/partials/pedido_item_lotes.html",
        {
            "pedido": pedido,
            "item": registro,
            "lotes": selectors.lotes_do_item(pedido=pedido, item=registro),
            "estoque": selectors.estoque_do_item(pedido=pedido, item=registro),
            "pode_alterar": _pode_alterar(request, pedido) and registro.ativo,
        },
    )
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta
