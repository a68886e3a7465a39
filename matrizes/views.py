"""Telas do supervisor: lista (filtros, ordenação, Excel), criar, editar (nova versão), copiar,
expirar, detalhe com versões e histórico, testar. A importação de planilha é o tipo "regras"
da máquina de importações (`matrizes/importacao.py`, telas em `importacoes`).

Ver e testar: `matrizes.view_regra`; criar, copiar e importar: `add_regra`; editar e expirar:
`change_regra` — Supervisor e Administrador (migração 0002). Representante e Atendente SAC
recebem 403 em todas.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from cadastro.busca import SemAcento
from cadastro.models import Cliente
from crm.documentos import limpar
from crm.listas import ListaBaseView
from crm.xlsx import Coluna
from matrizes import planilha
from matrizes.constants import DEFINICOES, TipoEventoRegra, TipoMatriz
from matrizes.filters import RegraFilter
from matrizes.forms import (
    ExpirarForm,
    RegraForm,
    TestarForm,
    campos_da_matriz,
    rotulo_cliente,
)
from matrizes.models import Regra
from matrizes.selectors import (
    SemDestino,
    contexto_do_cliente,
    regra_eventos,
    regra_historico,
    regra_obter,
    regra_versoes,
    regras_listar,
    simular,
)
from matrizes.services import (
    data_minima_expiracao,
    regra_criar,
    regra_editar,
    regra_expirar,
)
from matrizes.tables import RegraTable
from produtos.models import Produto

logger = logging.getLogger(__name__)

ABAS = (("dados", "Dados"), ("versoes", "Versões"), ("historico", "Histórico"))
LIMITE_OPCOES = 15


class RegraListaView(ListaBaseView):
    table_class = RegraTable
    filterset_class = RegraFilter
    model = Regra
    permission_required = "matrizes.view_regra"
    permissao_exportar = "matrizes.view_regra"
    template_name = "matrizes/regra_lista.html"
    template_parcial = "matrizes/partials/regra_tabela.html"
    nome_exportacao = "regras_matrizes"
    url_exportar = "matrizes:regra-exportar"
    rotulo_singular = "regra"
    rotulo_plural = "regras"
    ordem_padrao = "matriz"

    def get_queryset(self) -> QuerySet[Regra]:
        return regras_listar().com_especificidade()  # type: ignore[attr-defined]

    def anotar(self, qs: QuerySet[Regra]) -> QuerySet[Regra]:
        return qs.com_relacionados()  # type: ignore[attr-defined]

    def colunas_exportacao(self) -> Sequence[Coluna]:
        return planilha.colunas_xlsx()

    def linha_exportacao(self, obj: Any) -> Sequence[Any]:
        return planilha.linha_exportacao(obj)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        usuario = self.request.user
        contexto["pode_criar"] = usuario.has_perm("matrizes.add_regra")
        return contexto


def _pode(request: HttpRequest, permissao: str) -> bool:
    return bool(request.user.has_perm(permissao))


# --- criar / editar / copiar / expirar ------------------------------------------------------


@login_required
@permission_required("matrizes.add_regra", raise_exception=True)
@require_http_methods(["GET", "POST"])
def regra_criar_view(request: HttpRequest) -> HttpResponse:
    matriz = request.GET.get("matriz") or request.POST.get("matriz")
    if matriz not in DEFINICOES:
        return render(
            request,
            "matrizes/regra_escolher_matriz.html",
            {"matrizes": [(m, TipoMatriz(m).label, DEFINICOES[m].ajuda) for m in TipoMatriz]},
        )
    return _formulario(request, matriz=matriz, titulo=f"Nova regra – {TipoMatriz(matriz).label}")


@login_required
@permission_required("matrizes.add_regra", raise_exception=True)
@require_http_methods(["GET", "POST"])
def regra_copiar_view(request: HttpRequest, pk: int) -> HttpResponse:
    origem = regra_obter(pk=pk)
    initial = {
        campo: getattr(origem, f"{campo}_id" if _fk(origem, campo) else campo)
        for campo in _campos_form(origem.matriz)
    }
    initial.update(vigencia_inicio=timezone.localdate(), vigencia_fim=None)
    return _formulario(
        request,
        matriz=origem.matriz,
        titulo=f"Copiar a regra #{origem.pk} – {origem.get_matriz_display()}",
        initial=initial,
        origem=origem,
    )


def _fk(regra: Regra, campo: str) -> bool:
    return bool(getattr(Regra._meta.get_field(campo), "is_relation", False))


def _campos_form(matriz: str) -> list[str]:
    return campos_da_matriz(matriz)


def _formulario(
    request: HttpRequest,
    *,
    matriz: str,
    titulo: str,
    initial: dict[str, Any] | None = None,
    origem: Regra | None = None,
) -> HttpResponse:
    usuario = request.user
    if request.method == "POST":
        form = RegraForm(request.POST, matriz=matriz, usuario=usuario)  # type: ignore[arg-type]
        if form.is_valid():
            try:
                regra = regra_criar(
                    dados={"matriz": matriz, **form.dados()},
                    ator=usuario,  # type: ignore[arg-type]
                    evento=TipoEventoRegra.COPIADA if origem else TipoEventoRegra.CRIADA,
                    evento_dados={"copiada_de": origem.pk} if origem else None,
                )
            except ValidationError as erro:
                form.add_error(None, erro)
            else:
                messages.success(request, f"Regra #{regra.pk} criada.")
                return redirect("matrizes:regra-detalhe", pk=regra.pk)
    else:
        form = RegraForm(initial=initial, matriz=matriz, usuario=usuario)  # type: ignore[arg-type]
    voltar = (
        reverse("matrizes:regra-detalhe", args=[origem.pk])
        if origem
        else reverse("matrizes:regra-lista")
    )
    return render(
        request,
        "matrizes/regra_form.html",
        {
            "form": form,
            "titulo": titulo,
            "matriz": matriz,
            "ajuda": DEFINICOES[matriz].ajuda,
            "voltar": voltar,
            "origem": origem,
        },
    )


@login_required
@permission_required("matrizes.change_regra", raise_exception=True)
@require_http_methods(["GET", "POST"])
def regra_editar_view(request: HttpRequest, pk: int) -> HttpResponse:
    regra = regra_obter(pk=pk)
    hoje = timezone.localdate()
    impedimento = _impedimento_edicao(regra, hoje)
    if impedimento:
        messages.warning(request, impedimento)
        return redirect("matrizes:regra-detalhe", pk=regra.pk)
    nova_versao = regra.em_uso(hoje)
    usuario = request.user
    if request.method == "POST":
        form = RegraForm(
            request.POST,
            instance=Regra.objects.get(pk=regra.pk),
            matriz=regra.matriz,
            usuario=usuario,  # type: ignore[arg-type]
            nova_versao=nova_versao,
        )
        if form.is_valid():
            try:
                resultado = regra_editar(regra=regra, dados=form.dados(), ator=usuario)  # type: ignore[arg-type]
            except ValidationError as erro:
                form.add_error(None, erro)
            else:
                if resultado.pk != regra.pk:
                    messages.success(
                        request,
                        f"Nova versão #{resultado.pk} vigente a partir de "
                        f"{resultado.vigencia_inicio:%d/%m/%Y}; a regra #{regra.pk} foi "
                        "encerrada na véspera.",
                    )
                else:
                    messages.success(request, f"Regra #{regra.pk} alterada.")
                return redirect("matrizes:regra-detalhe", pk=resultado.pk)
    else:
        form = RegraForm(
            instance=regra,
            matriz=regra.matriz,
            usuario=usuario,  # type: ignore[arg-type]
            nova_versao=nova_versao,
        )
    return render(
        request,
        "matrizes/regra_form.html",
        {
            "form": form,
            "titulo": f"Editar a regra #{regra.pk} – {regra.get_matriz_display()}",
            "matriz": regra.matriz,
            "ajuda": DEFINICOES[regra.matriz].ajuda,
            "voltar": reverse("matrizes:regra-detalhe", args=[regra.pk]),
            "regra": regra,
            "nova_versao": nova_versao,
        },
    )


def _impedimento_edicao(regra: Regra, hoje: Any) -> str:
    if Regra.objects.filter(versao_anterior=regra).exists():
        return "Esta versão já foi substituída; edite a versão mais recente."
    if regra.cancelada or (regra.vigencia_fim is not None and regra.vigencia_fim < hoje):
        return "Regra expirada não pode ser editada; use “Copiar” para criar uma nova."
    return ""


@login_required
@permission_required("matrizes.change_regra", raise_exception=True)
@require_http_methods(["GET", "POST"])
def regra_expirar_view(request: HttpRequest, pk: int) -> HttpResponse:
    regra = regra_obter(pk=pk)
    hoje = timezone.localdate()
    minimo = data_minima_expiracao(regra, hoje)
    if request.method == "POST":
        form = ExpirarForm(request.POST, minimo=minimo)
        if form.is_valid():
            try:
                regra_expirar(regra=regra, ate=form.cleaned_data["ate"], ator=request.user)  # type: ignore[arg-type]
            except ValidationError as erro:
                form.add_error(None, erro)
            else:
                messages.success(
                    request,
                    f"Regra #{regra.pk} vigente até {form.cleaned_data['ate']:%d/%m/%Y}.",
                )
                return redirect("matrizes:regra-detalhe", pk=regra.pk)
    else:
        form = ExpirarForm(minimo=minimo)
    return render(request, "matrizes/regra_expirar.html", {"form": form, "regra": regra})


# --- detalhe ------------------------------------------------------------------------------


@login_required
@permission_required("matrizes.view_regra", raise_exception=True)
def regra_detalhe_view(request: HttpRequest, pk: int) -> HttpResponse:
    regra = regra_obter(pk=pk)
    aba = request.GET.get("aba", "dados")
    if aba not in dict(ABAS):
        aba = "dados"
    hoje = timezone.localdate()
    contexto: dict[str, Any] = {
        "regra": regra,
        "proxima": Regra.objects.filter(versao_anterior=regra)
        .only("pk", "vigencia_inicio")
        .first(),
        "aba": aba,
        "abas": ABAS,
        "situacao": regra.situacao(hoje),
        "pode_editar": _pode(request, "matrizes.change_regra")
        and not _impedimento_edicao(regra, hoje),
        "pode_expirar": _pode(request, "matrizes.change_regra")
        and (regra.vigencia_fim is None or regra.vigencia_fim >= hoje),
        "pode_copiar": _pode(request, "matrizes.add_regra"),
    }
    if aba == "versoes":
        contexto["versoes"] = regra_versoes(regra)
    elif aba == "historico":
        contexto["historico"] = regra_historico(regra)
        contexto["eventos"] = regra_eventos(regra)
    template = (
        "matrizes/partials/regra_aba.html"
        if getattr(request, "htmx", False)
        else "matrizes/regra_detalhe.html"
    )
    resposta = render(request, template, contexto)
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


# --- testar -------------------------------------------------------------------------------


@login_required
@permission_required("matrizes.view_regra", raise_exception=True)
def regra_testar_view(request: HttpRequest) -> HttpResponse:
    usuario = request.user
    simulacao = None
    erro = ""
    if "cliente" in request.GET:
        form = TestarForm(request.GET, usuario=usuario)  # type: ignore[arg-type]
        if form.is_valid():
            dados = form.cleaned_data
            try:
                contexto = contexto_do_cliente(
                    dados["cliente"],
                    empresa=dados["empresa"],
                    data=dados["data_pedido"],
                    contribuinte=dados["contribuinte"],
                    consumidor_final=dados["consumidor_final"],
                    condicao_pagamento=dados["condicao_pagamento"],
                    cfop=dados["cfop"],
                )
            except SemDestino as exc:
                erro = str(exc)
            else:
                simulacao = simular(
                    contexto=contexto,
                    produto=Produto.objects.select_related("linha", "unidade").get(
                        pk=dados["produto"].pk
                    ),
                    quantidade=dados["quantidade"],
                    preco_unitario=dados["preco_unitario"],
                    percentual_desconto=dados["percentual_desconto"],
                )
    else:
        form = TestarForm(usuario=usuario)  # type: ignore[arg-type]
    return render(
        request,
        "matrizes/regra_testar.html",
        {"form": form, "simulacao": simulacao, "erro": erro},
    )


@login_required
@permission_required("matrizes.view_regra", raise_exception=True)
def produto_opcoes_view(request: HttpRequest) -> HttpResponse:
    termo = (request.GET.get("q") or request.GET.get("produto") or "").strip()
    produtos: list[Produto] = []
    if len(termo) >= 2:
        codigo = termo.split(" – ")[0].strip().upper()
        produtos = list(
            Produto.objects.filter(codigo__startswith=codigo).order_by("codigo")[:LIMITE_OPCOES]
        )
        if len(produtos) < LIMITE_OPCOES and len(termo) >= 3:
            por_descricao = (
                Produto.objects.alias(d=SemAcento("descricao"))
                .filter(d__contains=SemAcento(Value(termo)))
                .exclude(pk__in=[p.pk for p in produtos])
                .order_by("descricao")[: LIMITE_OPCOES - len(produtos)]
            )
            produtos.extend(por_descricao)
    opcoes = [(p.codigo, f"{p.codigo} – {p.descricao}") for p in produtos]
    return render(request, "matrizes/partials/opcoes.html", {"opcoes": opcoes})


@login_required
@permission_required("matrizes.view_regra", raise_exception=True)
def cliente_opcoes_view(request: HttpRequest) -> HttpResponse:
    termo = (request.GET.get("q") or request.GET.get("cliente") or "").strip()
    clientes: list[Cliente] = []
    visiveis = Cliente.objects.visiveis_para(request.user)  # type: ignore[arg-type]
    numero = limpar(termo)
    if numero and numero.isdigit() and len(numero) >= 3:
        clientes = list(visiveis.filter(documento__startswith=numero)[:LIMITE_OPCOES])
    elif len(termo) >= 3:
        clientes = list(
            visiveis.alias(n=SemAcento("nome"))
            .filter(n__contains=SemAcento(Value(termo)))
            .order_by("nome", "id")[:LIMITE_OPCOES]
        )
    opcoes = [(rotulo_cliente(c), "") for c in clientes]
    return render(request, "matrizes/partials/opcoes.html", {"opcoes": opcoes})
