from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from cadastro.busca import LIMITE_PAGINA, LIMITE_POR_GRUPO
from cadastro.busca import busca_global as executar_busca


@login_required
def inicio(request: HttpRequest) -> HttpResponse:
    return redirect("cadastro:cliente-lista")


@login_required
def busca_global(request: HttpRequest) -> HttpResponse:
    """Top-bar search: the dropdown partial for htmx, a results page (more rows) otherwise."""
    termo = (request.GET.get("q") or "").strip()[:100]
    parcial = bool(request.htmx) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    resultado = executar_busca(
        user=request.user,  # type: ignore[arg-type]
        termo=termo,
        limite=LIMITE_POR_GRUPO if parcial else LIMITE_PAGINA,
    )
    template = "crm/partials/busca_resultados.html" if parcial else "crm/busca.html"
    resposta = render(
        request, template, {"termo": termo, "resultado": resultado, "parcial": parcial}
    )
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta
