"""Quote → order conversion ("Converter em pedido" on the quote screen)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from vendas import selectors
from vendas.forms import VersaoForm
from vendas.services.orcamentos import orcamento_converter
from vendas.services.pedidos import ErroPedido

__all__ = ["orcamento_converter_view"]


@login_required
@permission_required(["vendas.add_pedido", "vendas.change_pedido"], raise_exception=True)
@require_POST
def orcamento_converter_view(request: HttpRequest, pk: int) -> HttpResponse:
    orcamento = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    form = VersaoForm(request.POST)
    try:
        if not form.is_valid():
            raise ErroPedido("Recarregue o orçamento: a versão não veio no envio.")
        calculo = orcamento_converter(
            orcamento_id=orcamento.pk,
            versao=form.cleaned_data["versao"],
            ator=request.user,  # type: ignore[arg-type]
        )
    except ErroPedido as erro:
        messages.error(request, erro.mensagem)
        return redirect("vendas:pedido-detalhe", orcamento.pk)
    pedido = calculo.pedido
    messages.success(
        request,
        f"Orçamento {orcamento.numero} convertido no pedido {pedido.numero}, recalculado com os "
        "preços e matrizes de hoje: confira o comparativo antes de enviar.",
    )
    return redirect("vendas:pedido-detalhe", pedido.pk)
