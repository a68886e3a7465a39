"""Opportunity screens: list + export, the funnel board, create/edit, detail with history and
quotes, and the actions (move stage, reopen, new quote). Thin: form → service → partial or
redirect.

The board (`oportunidade-funil`) is one htmx swap target, `#funil-quadro`: a move answers with
the same partial the page includes, so counts and sums of both columns stay right. Its cost is
fixed whatever the number of opportunities: stages, one grouped aggregate for the column
totals, one windowed query for the cards (at most CARTOES_POR_COLUNA per column) and the loss
reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from crm.listas import ListaBaseView
from crm.money import arredondar
from crm.xlsx import Coluna
from vendas import selectors
from vendas.constants import ResultadoEtapa
from vendas.filters import OportunidadeFilter
from vendas.forms import MoverEtapaForm, OportunidadeForm, ReabrirForm
from vendas.models import EtapaFunil, MotivoPerda, Oportunidade, Pedido
from vendas.services.oportunidades import (
    ErroOportunidade,
    oportunidade_alterar,
    oportunidade_criar,
    oportunidade_criar_orcamento,
    oportunidade_mover_etapa,
    oportunidade_reabrir,
)
from vendas.services.pedidos import ErroPedido
from vendas.tables import OportunidadeTable

__all__ = [
    "OportunidadeListaView",
    "oportunidade_detalhe",
    "oportunidade_editar",
    "oportunidade_funil",
    "oportunidade_mover",
    "oportunidade_nova",
    "oportunidade_orcamento",
    "oportunidade_reabrir_view",
]

# Cards drawn per column; the column header still counts and sums all of them.
CARTOES_POR_COLUNA = 30
PONDERADO = ExpressionWrapper(
    F("valor_estimado") * F("probabilidade") / Decimal(100),
    output_field=DecimalField(max_digits=20, decimal_places=4),
)


def _usuario(request: HttpRequest) -> Any:
    return request.user


# --- list -----------------------------------------------------------------------------------


class OportunidadeListaView(ListaBaseView):
    table_class = OportunidadeTable
    filterset_class = OportunidadeFilter
    model = Oportunidade
    permission_required = "vendas.view_oportunidade"
    # Same right as the order export: reps, supervisors and administrators (not SAC).
    permissao_exportar = "vendas.exportar_pedidos"
    template_name = "vendas/oportunidade_lista.html"
    template_parcial = "vendas/partials/oportunidade_tabela.html"
    nome_exportacao = "oportunidades"
    rotulo_singular = "oportunidade"
    rotulo_plural = "oportunidades"
    ordem_padrao = "-criado_em"

    def get_queryset(self) -> QuerySet[Oportunidade]:
        return Oportunidade.objects.visiveis_para(_usuario(self.request))

    def anotar(self, qs: QuerySet[Oportunidade]) -> QuerySet[Oportunidade]:
        return qs.select_related("cliente", "representante", "etapa")

    def anotar_exportacao(self, qs: QuerySet[Oportunidade]) -> QuerySet[Oportunidade]:
        return qs.select_related("cliente", "representante", "etapa", "origem", "motivo_perda")

    def colunas_exportacao(self) -> Sequence[Coluna]:
        return [
            Coluna("Oportunidade", "texto", 40),
            Coluna("Cliente", "texto", 40),
            Coluna("CPF/CNPJ", "texto", 20),
            Coluna("Representante", "texto"),
            Coluna("Etapa", "texto"),
            Coluna("Situação", "texto", 14),
            Coluna("Valor estimado", "moeda"),
            Coluna("Probabilidade (%)", "decimal"),
            Coluna("Valor ponderado", "moeda"),
            Coluna("Previsão de fechamento", "data"),
            Coluna("Origem", "texto"),
            Coluna("Motivo da perda", "texto"),
            Coluna("Criada em", "data"),
            Coluna("Fechada em", "data"),
        ]

    def linha_exportacao(self, o: Any) -> Sequence[Any]:
        return (
            o.titulo,
            o.cliente.nome,
            o.cliente.documento_formatado,
            str(o.representante),
            str(o.etapa),
            o.get_resultado_display(),
            o.valor_estimado,
            o.probabilidade,
            arredondar(o.valor_ponderado),
            o.previsao_fechamento,
            str(o.origem) if o.origem_id else None,
            str(o.motivo_perda) if o.motivo_perda_id else None,
            o.criado_em.date(),
            o.fechada_em.date() if o.fechada_em else None,
        )

    def dica_vazio(self) -> str:
        if self.filtros_ativos():
            return super().dica_vazio()
        if _usuario(self.request).has_perm("vendas.add_oportunidade"):
            return "Cadastre a primeira em “Nova oportunidade”."
        return ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        contexto["pode_criar"] = _usuario(self.request).has_perm("vendas.add_oportunidade")
        return contexto


# --- funnel board ---------------------------------------------------------------------------


def _quadro(request: HttpRequest, *, erro: str = "", sucesso: str = "") -> dict[str, Any]:
    """Context of the board partial: open stages as columns, totals, capped cards."""
    user = _usuario(request)
    filtro = OportunidadeFilter(
        request.GET,
        queryset=Oportunidade.objects.visiveis_para(user),
        request=request,
    )
    base = filtro.qs.filter(resultado=ResultadoEtapa.ABERTA)
    etapas = list(EtapaFunil.objects.filter(ativo=True).order_by("ordem", "pk"))
    totais = {
        linha["etapa_id"]: linha
        for linha in base.order_by()
        .values("etapa_id")
        .annotate(quantidade=Count("pk"), soma=Sum("valor_estimado"), ponderada=Sum(PONDERADO))
    }
    cartoes = (
        base.annotate(
            posicao=Window(
                RowNumber(),
                partition_by=[F("etapa_id")],
                order_by=[F("previsao_fechamento").asc(nulls_last=True), F("pk").desc()],
            )
        )
        .filter(posicao__lte=CARTOES_POR_COLUNA)
        .select_related("cliente", "representante")
        .order_by("etapa_id", "posicao")
    )
    por_etapa: dict[int, list[Oportunidade]] = {}
    for cartao in cartoes:
        por_etapa.setdefault(cartao.etapa_id, []).append(cartao)
    colunas = []
    for etapa in etapas:
        if etapa.resultado != ResultadoEtapa.ABERTA:
            continue
        total = totais.get(etapa.pk, {})
        quantidade = total.get("quantidade", 0)
        lista = por_etapa.get(etapa.pk, [])
        colunas.append(
            {
                "etapa": etapa,
                "cartoes": lista,
                "quantidade": quantidade,
                "soma": total.get("soma") or Decimal(0),
                "ponderada": arredondar(total.get("ponderada") or Decimal(0)),
                "ocultos": quantidade - len(lista),
            }
        )
    return {
        "colunas": colunas,
        "etapas": etapas,
        "motivos": list(MotivoPerda.objects.filter(ativo=True)),
        "filter": filtro,
        "pode_mover": user.has_perm("vendas.change_oportunidade"),
        "qs_filtros": request.GET.urlencode(),
        "erro": erro,
        "sucesso": sucesso,
        "hoje": timezone.localdate(),
        "total_quantidade": sum(c["quantidade"] for c in colunas),
        "total_soma": sum((c["soma"] for c in colunas), Decimal(0)),
        "total_ponderada": sum((c["ponderada"] for c in colunas), Decimal(0)),
    }


@login_required
@permission_required("vendas.view_oportunidade", raise_exception=True)
@require_GET
def oportunidade_funil(request: HttpRequest) -> HttpResponse:
    contexto = _quadro(request)
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        resposta = render(request, "vendas/partials/oportunidade_funil_quadro.html", contexto)
    else:
        contexto["pode_criar"] = _usuario(request).has_perm("vendas.add_oportunidade")
        resposta = render(request, "vendas/oportunidade_funil.html", contexto)
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


@login_required
@require_POST
def oportunidade_mover(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a card (board, htmx: the board partial again) or the opportunity (detail page)."""
    user = _usuario(request)
    oportunidade = selectors.oportunidade_obter(user=user, pk=pk)
    if not user.has_perm("vendas.change_oportunidade"):
        raise PermissionDenied
    form = MoverEtapaForm(request.POST)
    erro = sucesso = ""
    if form.is_valid():
        motivo = form.cleaned_data["motivo_perda"]
        try:
            movida = oportunidade_mover_etapa(
                oportunidade_id=oportunidade.pk,
                etapa_id=form.cleaned_data["etapa"].pk,
                versao=form.cleaned_data["versao"],
                motivo_perda_id=motivo.pk if motivo else None,
                ator=user,
            )
        except ErroOportunidade as e:
            erro = e.mensagem
        else:
            sucesso = f"“{movida.titulo}” agora está em {movida.etapa}."
            if movida.resultado != ResultadoEtapa.ABERTA:
                sucesso = f"“{movida.titulo}”: {movida.get_resultado_display().lower()}."
    else:
        erro = " ".join(str(m) for erros in form.errors.values() for m in erros)
    if getattr(request, "htmx", False) and request.POST.get("voltar") == "funil":
        contexto = _quadro(request, erro=erro, sucesso=sucesso)
        resposta = render(request, "vendas/partials/oportunidade_funil_quadro.html", contexto)
        patch_vary_headers(resposta, ("HX-Request",))
        return resposta
    if erro:
        messages.error(request, erro)
    else:
        messages.success(request, sucesso)
    if request.POST.get("voltar") == "funil":
        destino = reverse("vendas:oportunidade-funil")
        return redirect(f"{destino}?{request.GET.urlencode()}" if request.GET else destino)
    return redirect("vendas:oportunidade-detalhe", oportunidade.pk)


# --- create / edit --------------------------------------------------------------------------


def _cliente_escolhido(request: HttpRequest, form: OportunidadeForm) -> Any:
    if "cliente" not in form.fields:
        return None
    valor = form["cliente"].value()
    if valor and str(valor).isdigit():
        return form.fields["cliente"].queryset.filter(pk=int(valor)).first()  # type: ignore[attr-defined]
    return None


@login_required
@permission_required("vendas.add_oportunidade", raise_exception=True)
def oportunidade_nova(request: HttpRequest) -> HttpResponse:
    user = _usuario(request)
    if request.method == "POST":
        form = OportunidadeForm(request.POST, user=user)
        if form.is_valid():
            try:
                oportunidade = oportunidade_criar(
                    cliente_id=form.cleaned_data["cliente"].pk,
                    etapa_id=form.cleaned_data["etapa"].pk,
                    dados=form.dados(),
                    ator=user,
                )
            except ErroOportunidade as e:
                form.add_error(None, e.mensagem)
            else:
                messages.success(request, f"Oportunidade “{oportunidade.titulo}” criada.")
                return redirect("vendas:oportunidade-detalhe", oportunidade.pk)
    else:
        form = OportunidadeForm(user=user, initial={"cliente": request.GET.get("cliente")})
    contexto = {"form": form, "cliente": _cliente_escolhido(request, form), "oportunidade": None}
    return render(request, "vendas/oportunidade_form.html", contexto)


@login_required
def oportunidade_editar(request: HttpRequest, pk: int) -> HttpResponse:
    user = _usuario(request)
    oportunidade = selectors.oportunidade_obter(user=user, pk=pk)
    if not user.has_perm("vendas.change_oportunidade"):
        raise PermissionDenied
    if request.method == "POST":
        form = OportunidadeForm(request.POST, instance=oportunidade, user=user)
        if form.is_valid():
            try:
                oportunidade_alterar(
                    oportunidade_id=oportunidade.pk,
                    versao=form.cleaned_data["versao"],
                    dados=form.dados(),
                    ator=user,
                )
            except ErroOportunidade as e:
                form.add_error(None, e.mensagem)
            else:
                messages.success(request, "Oportunidade alterada.")
                return redirect("vendas:oportunidade-detalhe", oportunidade.pk)
    else:
        form = OportunidadeForm(instance=oportunidade, user=user)
    contexto = {"form": form, "cliente": oportunidade.cliente, "oportunidade": oportunidade}
    return render(request, "vendas/oportunidade_form.html", contexto)


# --- detail and its actions -----------------------------------------------------------------


@login_required
@permission_required("vendas.view_oportunidade", raise_exception=True)
@require_GET
def oportunidade_detalhe(request: HttpRequest, pk: int) -> HttpResponse:
    user = _usuario(request)
    oportunidade = selectors.oportunidade_obter(user=user, pk=pk)
    aberta = oportunidade.resultado == ResultadoEtapa.ABERTA
    pode_alterar = user.has_perm("vendas.change_oportunidade")
    orcamentos = (
        Pedido.objects.visiveis_para(user)
        .filter(oportunidade=oportunidade)
        .select_related("orcamento_origem")
        .order_by("-numero")
    )
    eventos = oportunidade.eventos.select_related("ator").order_by("-quando", "-pk")[:100]
    contexto = {
        "oportunidade": oportunidade,
        "aberta": aberta,
        "pode_alterar": pode_alterar,
        "pode_orcar": aberta and user.has_perm("vendas.add_pedido"),
        "form_mover": MoverEtapaForm(initial={"versao": oportunidade.versao})
        if aberta and pode_alterar
        else None,
        "form_reabrir": ReabrirForm(initial={"versao": oportunidade.versao})
        if not aberta and pode_alterar
        else None,
        "orcamentos": list(orcamentos),
        "eventos": list(eventos),
    }
    return render(request, "vendas/oportunidade_detalhe.html", contexto)


@login_required
@require_POST
def oportunidade_reabrir_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _usuario(request)
    oportunidade = selectors.oportunidade_obter(user=user, pk=pk)
    if not user.has_perm("vendas.change_oportunidade"):
        raise PermissionDenied
    form = ReabrirForm(request.POST)
    if form.is_valid():
        try:
            oportunidade_reabrir(
                oportunidade_id=oportunidade.pk,
                etapa_id=form.cleaned_data["etapa"].pk,
                versao=form.cleaned_data["versao"],
                ator=user,
            )
        except ErroOportunidade as e:
            messages.error(request, e.mensagem)
        else:
            messages.success(request, "Oportunidade reaberta.")
    else:
        messages.error(request, "Escolha a etapa em que a oportunidade volta ao funil.")
    return redirect("vendas:oportunidade-detalhe", oportunidade.pk)


@login_required
@require_POST
def oportunidade_orcamento(request: HttpRequest, pk: int) -> HttpResponse:
    """'Novo orçamento': a quote for the opportunity's client, linked to it; opens the quote."""
    user = _usuario(request)
    oportunidade = selectors.oportunidade_obter(user=user, pk=pk)
    if not user.has_perm("vendas.add_pedido"):
        raise PermissionDenied
    try:
        calculo = oportunidade_criar_orcamento(oportunidade_id=oportunidade.pk, ator=user)
    except ErroOportunidade as e:
        messages.error(request, e.mensagem)
        return redirect("vendas:oportunidade-detalhe", oportunidade.pk)
    except ErroPedido as e:  # from pedido_criar (user without company, client gone…)
        messages.error(request, e.mensagem)
        return redirect("vendas:oportunidade-detalhe", oportunidade.pk)
    messages.success(
        request, f"Orçamento {calculo.pedido.numero} criado para “{oportunidade.titulo}”."
    )
    return redirect("vendas:pedido-detalhe", calculo.pedido.pk)
