from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cadastro.busca import busca_global as executar_busca


@login_required
def inicio(request: HttpRequest) -> HttpResponse:
    return redirect("cadastro:cliente-lista")


@login_required
def busca_global(request: HttpRequest) -> HttpResponse:
    termo = (request.GET.get("q") or "").strip()
    resultado = executar_busca(user=request.user, termo=termo)  # type: ignore[arg-type]
    template = "crm/partials/busca_resultados.html" if request.htmx else "crm/busca.html"  # type: ignore[attr-defined]
    resposta = render(request, template, {"termo": termo, "resultado": resultado})
    resposta["Vary"] = "HX-Request"
    return resposta
