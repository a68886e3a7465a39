"""Sales targets screens (`vendas:meta-*`): list with filters and export, new, edit, delete.

Who: Supervisor and Administrador (`vendas.add/change/delete_metavenda`); reps and SAC get
403 before any lookup. What: `vendas.indicadores.metas_visiveis(user)` lists the company's
targets and, for a supervisor, their teams' reps' ones; `metas_editaveis(user)` is what may
be changed or deleted (a supervisor of another team, or a supervisor on a company target,
gets 404). The form (`vendas.forms.MetaVendaForm`) takes the company from the user, offers
only the reps the user may set targets for and refuses overlapping targets, naming the
existing one.

Audit: MetaVenda has no event model and no pghistory tracking (adding either needs a
migration), so each change states who and when in the success message and in the log line
`meta_venda <acao>` (who, when, the values before and after).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import BooleanField, Case, CharField, QuerySet, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cadastro.indicadores import Periodo
from crm.listas import ListaBaseView
from crm.xlsx import Coluna
from vendas.constants import IndicadorVenda
from vendas.filters import MetaVendaFilter
from vendas.forms import INDICADORES_INTEIROS, MetaVendaForm, texto_meta
from vendas.indicadores import metas_editaveis, metas_visiveis, ve_toda_a_empresa
from vendas.models import MetaVenda
from vendas.tables import MetaVendaTable

__all__ = ["MetaVendaListaView", "meta_editar", "meta_excluir", "meta_nova"]

logger = logging.getLogger(__name__)


def _carimbo(request: Any) -> str:
    """“por Fulana em 05/03/2026 às 14:32”: who and when, in the success message."""
    user = request.user
    agora = timezone.localtime()
    return f"por {user.get_full_name() or user.username} em {agora:%d/%m/%Y} às {agora:%H:%M}"


def _registrar(acao: str, request: Any, meta: MetaVenda, antes: str | None = None) -> None:
    logger.info(
        "meta_venda %s: id=%s por usuario=%s em %s; antes=%s; depois=%s",
        acao, meta.pk, request.user.pk, timezone.now().isoformat(), antes,
        None if acao == "excluida" else texto_meta(meta),
    )  # fmt: skip


def _sem_empresa(request: Any) -> Any:
    messages.error(request, "Seu usuário não está vinculado a uma empresa; metas são por empresa.")
    return redirect("vendas:meta-lista")


# --- list ------------------------------------------------------------------------------------


class MetaVendaListaView(ListaBaseView):
    table_class = MetaVendaTable
    filterset_class = MetaVendaFilter
    model = MetaVenda
    permission_required = "vendas.add_metavenda"
    permissao_exportar = "vendas.add_metavenda"
    template_name = "vendas/meta_lista.html"
    template_parcial = "vendas/partials/meta_tabela.html"
    nome_exportacao = "metas_vendas"
    rotulo_singular = "meta"
    rotulo_plural = "metas"
    ordem_padrao = "-periodo_inicio"

    def get_queryset(self) -> QuerySet[MetaVenda]:
        return metas_visiveis(self.request.user)

    def anotar(self, qs: QuerySet[MetaVenda]) -> QuerySet[MetaVenda]:
        hoje = timezone.localdate()
        user: Any = self.request.user
        editavel: Any = (
            Value(True)
            if ve_toda_a_empresa(user)
            else Case(
                When(representante__equipe__supervisor=user, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        return qs.select_related("representante").annotate(
            situacao=Case(
                When(periodo_fim__lt=hoje, then=Value("encerrada")),
                When(periodo_inicio__gt=hoje, then=Value("futura")),
                default=Value("vigente"),
                output_field=CharField(),
            ),
            editavel=editavel,
        )

    def dica_vazio(self) -> str:
        if self.filtros_ativos():
            return super().dica_vazio()
        return (
            "Clique em “Nova meta” para definir os valores desejados de faturamento, pedidos, "
            "clientes positivados ou oportunidades ganhas."
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        user: Any = self.request.user
        contexto.update(
            empresa_id=user.empresa_id,
            ve_toda_a_empresa=ve_toda_a_empresa(user),
        )
        return contexto

    def colunas_exportacao(self) -> Sequence[Coluna]:
        return [
            Coluna("Indicador", "texto", 36),
            Coluna("Representante", "texto"),
            Coluna("Meta", "decimal", 16),
            Coluna("Unidade", "texto", 10),
            Coluna("Início do período", "data"),
            Coluna("Fim do período", "data"),
            Coluna("Situação", "texto", 12),
        ]

    def linha_exportacao(self, meta: Any) -> Sequence[Any]:
        return (
            meta.get_indicador_display(),
            (meta.representante.get_full_name() or meta.representante.username)
            if meta.representante_id
            else "Toda a empresa",
            meta.valor_meta,
            "unidades" if meta.indicador in INDICADORES_INTEIROS else "R$",
            meta.periodo_inicio,
            meta.periodo_fim,
            {"vigente": "Vigente", "futura": "Futura"}.get(meta.situacao, "Encerrada"),
        )


# --- new / edit / delete ---------------------------------------------------------------------


@login_required
@permission_required("vendas.add_metavenda", raise_exception=True)
def meta_nova(request: Any) -> Any:
    user = request.user
    if user.empresa_id is None:
        return _sem_empresa(request)
    if request.method == "POST":
        form = MetaVendaForm(request.POST, user=user)
        if form.is_valid():
            meta = form.save()
            _registrar("criada", request, meta)
            messages.success(request, f"Meta {texto_meta(meta)} criada {_carimbo(request)}.")
            return redirect("vendas:meta-lista")
    else:
        mes = Periodo.mes(timezone.localdate())
        inicial: dict[str, Any] = {"periodo_inicio": mes.inicio, "periodo_fim": mes.fim}
        if request.GET.get("indicador") in IndicadorVenda.values:
            inicial["indicador"] = request.GET["indicador"]
        form = MetaVendaForm(initial=inicial, user=user)
    return render(request, "vendas/meta_form.html", {"form": form, "meta": None})


@login_required
@permission_required("vendas.change_metavenda", raise_exception=True)
def meta_editar(request: Any, pk: int) -> Any:
    meta = get_object_or_404(metas_editaveis(request.user).select_related("representante"), pk=pk)
    if request.method == "POST":
        antes = texto_meta(meta)
        form = MetaVendaForm(request.POST, instance=meta, user=request.user)
        if form.is_valid():
            meta = form.save()
            _registrar("alterada", request, meta, antes)
            messages.success(
                request,
                f"Meta {texto_meta(meta)} alterada {_carimbo(request)} (antes: {antes}).",
            )
            return redirect("vendas:meta-lista")
    else:
        form = MetaVendaForm(instance=meta, user=request.user)
    return render(request, "vendas/meta_form.html", {"form": form, "meta": meta})


@login_required
@permission_required("vendas.delete_metavenda", raise_exception=True)
def meta_excluir(request: Any, pk: int) -> Any:
    """GET asks for confirmation; POST deletes."""
    meta = get_object_or_404(metas_editaveis(request.user).select_related("representante"), pk=pk)
    if request.method == "POST":
        texto = texto_meta(meta)
        meta.delete()
        meta.pk = pk
        _registrar("excluida", request, meta, texto)
        messages.success(request, f"Meta {texto} excluída {_carimbo(request)}.")
        return redirect("vendas:meta-lista")
    return render(request, "vendas/meta_excluir.html", {"meta": meta, "texto": texto_meta(meta)})
