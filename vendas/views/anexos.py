"""Attachments tab of the order: upload, list, download, remove. The file is served only here,
through the order's visibility (a colleague gets 404), as a download (Content-Disposition:
attachment) — never from MEDIA_URL."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from vendas import selectors
from vendas.forms import AnexoPedidoForm
from vendas.models import Pedido
from vendas.services.anexos import anexo_incluir, anexo_remover, marcar_removiveis
from vendas.services.pedidos import ErroPedido

__all__ = ["anexo_baixar", "anexo_incluir_view", "anexo_remover_view"]


def _painel(
    request: HttpRequest,
    pedido: Pedido,
    *,
    form: AnexoPedidoForm | None = None,
    mensagem: str = "",
    erro: bool = False,
    inicio: Any = None,
) -> HttpResponse:
    if not request.headers.get("HX-Request"):
        return redirect(reverse("vendas:pedido-detalhe", args=[pedido.pk]) + "?aba=anexos")
    anexos = marcar_removiveis(selectors.pedido_anexos(pedido), request.user)  # type: ignore[arg-type]
    ctx: dict[str, Any] = {
        "pedido": pedido,
        "anexos": anexos,
        "form_anexo": form or AnexoPedidoForm(),
        "pode_anexar": request.user.has_perm("vendas.change_pedido")
        and pedido.status != "cancelado",
        "mensagem_anexo": mensagem,
        "mensagem_erro": erro,
    }
    if inicio is not None:
        ctx["eventos_novos"] = list(
            selectors.pedido_eventos(pedido).filter(quando__gte=inicio).order_by("-quando", "-id")
        )
    resposta = render(request, "vendas/partials/pedido_anexos_resposta.html", ctx)
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


@login_required
@permission_required("vendas.change_pedido", raise_exception=True)
@require_POST
def anexo_incluir_view(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    inicio = timezone.now()
    form = AnexoPedidoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _painel(request, pedido, form=form, mensagem="Verifique o anexo.", erro=True)
    try:
        anexo = anexo_incluir(
            pedido_id=pedido.pk,
            arquivo=form.cleaned_data["arquivo"],
            descricao=form.cleaned_data["descricao"],
            ator=request.user,  # type: ignore[arg-type]
        )
    except ErroPedido as erro:
        return _painel(request, pedido, form=form, mensagem=erro.mensagem, erro=True)
    return _painel(request, pedido, mensagem=f"Anexo “{anexo}” incluído.", inicio=inicio)


@login_required
@permission_required("vendas.delete_anexopedido", raise_exception=True)
@require_POST
def anexo_remover_view(request: HttpRequest, pk: int, anexo: int) -> HttpResponse:
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    registro = selectors.anexo_obter(pedido=pedido, pk=anexo)
    inicio = timezone.now()
    try:
        anexo_remover(pedido_id=pedido.pk, anexo_id=registro.pk, ator=request.user)  # type: ignore[arg-type]
    except ErroPedido as erro:
        return _painel(request, pedido, mensagem=erro.mensagem, erro=True)
    return _painel(request, pedido, mensagem=f"Anexo “{registro}” removido.", inicio=inicio)


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def anexo_baixar(request: HttpRequest, pk: int, anexo: int) -> FileResponse:
    """The file, only for who sees the order, always as a download: a browser never renders
    an uploaded HTML/SVG/PDF inline under our origin."""
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    registro = selectors.anexo_obter(pedido=pedido, pk=anexo)
    try:
        arquivo = registro.arquivo.open("rb")
    except FileNotFoundError as erro:
        raise Http404 from erro
    resposta = FileResponse(
        arquivo,
        as_attachment=True,
        filename=registro.nome_original,
        content_type=registro.tipo_conteudo or "application/octet-stream",
    )
    resposta["Cache-Control"] = "private, no-store"
    resposta["X-Content-Type-Options"] = "nosniff"
    return resposta
