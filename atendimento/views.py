"""Ticket screens: list + export, the new-ticket form (with htmx lookups of client, product and
the type → reason select), the detail with the three phases and its actions. Thin: form →
service → redirect, or the page again with the refused form and what the user typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from atendimento import selectors
from atendimento.filters import ChamadoFilter
from atendimento.forms import (
    CancelarForm,
    ChamadoForm,
    ComentarioForm,
    EncerrarForm,
    IniciarForm,
    ReabrirForm,
    TarefaForm,
)
from atendimento.models import Chamado, MotivoChamado
from atendimento.services import (
    PERMISSAO_ATENDER,
    ErroChamado,
    chamado_abrir,
    chamado_cancelar,
    chamado_comentar,
    chamado_encerrar,
    chamado_iniciar_execucao,
    chamado_reabrir,
    chamado_tarefa_adicionar,
    chamado_tarefa_concluir,
)
from atendimento.tables import ChamadoTable
from cadastro.selectors import resumo_financeiro
from crm.listas import ListaBaseView
from crm.xlsx import Coluna


def _usuario(request: HttpRequest) -> Any:
    return request.user


def _horas(valor: Any) -> Any:
    return round(valor.total_seconds() / 3600, 2) if valor is not None else None


# --- list -----------------------------------------------------------------------------------


class ChamadoListaView(ListaBaseView):
    table_class = ChamadoTable
    filterset_class = ChamadoFilter
    model = Chamado
    permission_required = "atendimento.view_chamado"
    permissao_exportar = "atendimento.exportar_chamados"
    template_name = "atendimento/chamado_lista.html"
    template_parcial = "atendimento/partials/chamado_tabela.html"
    nome_exportacao = "chamados"
    rotulo_singular = "chamado"
    rotulo_plural = "chamados"
    ordem_padrao = "-criado_em"

    def get_queryset(self) -> QuerySet[Chamado]:
        return Chamado.objects.visiveis_para(_usuario(self.request))

    def anotar(self, qs: QuerySet[Chamado]) -> QuerySet[Chamado]:
        return qs.select_related("cliente", "tipo", "motivo", "canal", "responsavel")

    def anotar_exportacao(self, qs: QuerySet[Chamado]) -> QuerySet[Chamado]:
        return qs.select_related(
            "cliente", "tipo", "motivo", "canal", "responsavel", "aberto_por", "pedido", "produto"
        )

    def colunas_exportacao(self) -> Sequence[Coluna]:
        return [
            Coluna("Número", "inteiro"),
            Coluna("Aberto em", "data"),
            Coluna("Cliente", "texto", 40),
            Coluna("CPF/CNPJ", "texto", 20),
            Coluna("Assunto", "texto", 40),
            Coluna("Tipo", "texto"),
            Coluna("Motivo", "texto"),
            Coluna("Canal", "texto"),
            Coluna("Forma", "texto"),
            Coluna("Situação", "texto", 14),
            Coluna("Aberto por", "texto"),
            Coluna("Responsável", "texto"),
            Coluna("Pedido/orçamento", "inteiro"),
            Coluna("Produto reclamado", "texto"),
            Coluna("Prazo", "data"),
            Coluna("Atrasado", "texto", 10),
            Coluna("1ª resposta (horas)", "decimal"),
            Coluna("Encerramento (horas)", "decimal"),
            Coluna("Solução", "texto", 40),
        ]

    def linha_exportacao(self, c: Any) -> Sequence[Any]:
        return (
            c.numero,
            c.criado_em.date(),
            c.cliente.nome,
            c.cliente.documento_formatado,
            c.assunto,
            str(c.tipo),
            str(c.motivo),
            str(c.canal),
            c.get_forma_display(),
            c.get_status_display(),
            str(c.aberto_por.get_full_name() or c.aberto_por.username),
            str(c.responsavel.get_full_name() or c.responsavel.username) if c.responsavel else None,
            c.pedido.numero if c.pedido_id else None,
            f"{c.produto.codigo} – {c.produto.descricao}" if c.produto_id else None,
            c.prazo.date() if c.prazo else None,
            "Sim" if c.atrasado else "Não",
            _horas(c.tempo_primeira_resposta),
            _horas(c.tempo_encerramento),
            c.solucao or None,
        )

    def dica_vazio(self) -> str:
        if self.filtros_ativos():
            return super().dica_vazio()
        if _usuario(self.request).has_perm("atendimento.add_chamado"):
            return "Abra o primeiro em “Novo chamado”."
        return ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        user = _usuario(self.request)
        contexto["pode_criar"] = user.has_perm("atendimento.add_chamado")
        filtro_cliente = self.request.GET.get("cliente", "")
        contexto["cliente_filtrado"] = selectors.cliente_obter(user=user, pk=filtro_cliente)
        return contexto


# --- new ticket and its lookups -------------------------------------------------------------


def _contexto_form(request: HttpRequest, form: ChamadoForm) -> dict[str, Any]:
    produto = None
    valor = form["produto"].value()
    if valor and str(valor).isdigit():
        produto = form.fields["produto"].queryset.filter(pk=int(valor)).first()  # type: ignore[attr-defined]
    return {
        "form": form,
        "cliente": form.cliente_escolhido,
        "pedidos": form.pedidos_recentes(),
        "produto": produto,
    }


@login_required
@permission_required("atendimento.add_chamado", raise_exception=True)
def chamado_novo(request: HttpRequest) -> HttpResponse:
    user = _usuario(request)
    if request.method == "POST":
        form = ChamadoForm(request.POST, user=user)
        if form.is_valid():
            dados = form.cleaned_data
            pedido, responsavel = dados["pedido"], dados.get("responsavel")
            try:
                chamado = chamado_abrir(
                    cliente_id=dados["cliente"].pk,
                    ator=user,
                    canal_id=dados["canal"].pk,
                    tipo_id=dados["tipo"].pk,
                    motivo_id=dados["motivo"].pk,
                    forma=dados["forma"],
                    assunto=dados["assunto"],
                    descricao=dados["descricao"],
                    pedido_id=pedido.pk if pedido else None,
                    produto=dados["produto"],
                    prazo=dados["prazo"],
                    responsavel_id=responsavel.pk if responsavel else None,
                )
            except ErroChamado as e:
                form.add_error(None, e.mensagem)
            else:
                messages.success(request, f"Chamado {chamado.numero} aberto.")
                return redirect("atendimento:chamado-detalhe", chamado.pk)
    else:
        inicial: dict[str, Any] = {}
        cliente = selectors.cliente_obter(user=user, pk=request.GET.get("cliente"))
        if cliente is not None:
            inicial["cliente"] = cliente.pk
            pedido = request.GET.get("pedido", "")
            if pedido.isdigit():
                inicial["pedido"] = int(pedido)  # the form offers only the client's visible ones
        form = ChamadoForm(user=user, initial=inicial)
        if (
            "pedido" in inicial
            and not form.fields["pedido"]
            .queryset.filter(  # type: ignore[attr-defined]
                pk=inicial["pedido"]
            )
            .exists()
        ):
            form.initial.pop("pedido")
    return render(request, "atendimento/chamado_form.html", _contexto_form(request, form))


@login_required
@permission_required("atendimento.add_chamado", raise_exception=True)
@require_GET
def chamado_cliente(request: HttpRequest) -> HttpResponse:
    """htmx: `?q=` lists the user's clients; `?cliente=` picks one (the client block again,
    with that client's orders and quotes to link)."""
    user = _usuario(request)
    if "cliente" in request.GET:
        cliente = selectors.cliente_obter(user=user, pk=request.GET.get("cliente"))
        form = ChamadoForm(user=user, initial={"cliente": cliente.pk if cliente else None})
        return render(
            request, "atendimento/partials/chamado_cliente.html", _contexto_form(request, form)
        )
    termo = request.GET.get("q", "")
    return render(
        request,
        "atendimento/partials/chamado_cliente_opcoes.html",
        {"clientes": selectors.clientes_buscar(user=user, termo=termo), "termo": termo},
    )


@login_required
@permission_required("atendimento.add_chamado", raise_exception=True)
@require_GET
def chamado_produto(request: HttpRequest) -> HttpResponse:
    """htmx: `?q=` lists active products; `?produto=` picks one (the product block again)."""
    user = _usuario(request)
    if "produto" in request.GET:
        valor = request.GET.get("produto", "")
        form = ChamadoForm(user=user, initial={"produto": valor if valor.isdigit() else None})
        return render(
            request, "atendimento/partials/chamado_produto.html", _contexto_form(request, form)
        )
    termo = request.GET.get("q", "")
    return render(
        request,
        "atendimento/partials/chamado_produto_opcoes.html",
        {"produtos": selectors.produtos_buscar(termo=termo), "termo": termo},
    )


@login_required
@permission_required("atendimento.add_chamado", raise_exception=True)
@require_GET
def chamado_motivos(request: HttpRequest) -> HttpResponse:
    """htmx: the reason options of the chosen type (dependent select)."""
    tipo = request.GET.get("tipo", "")
    motivos = (
        list(MotivoChamado.objects.filter(ativo=True, tipo_id=int(tipo))) if tipo.isdigit() else []
    )
    return render(request, "atendimento/partials/chamado_motivo_opcoes.html", {"motivos": motivos})


# --- detail and its actions -----------------------------------------------------------------


def _detalhe(
    request: HttpRequest, chamado: Chamado, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _usuario(request)
    pode_atender = user.has_perm(PERMISSAO_ATENDER)
    versao = {"versao": chamado.versao}
    status_ = chamado.status
    contexto = {
        "chamado": chamado,
        "pode_atender": pode_atender,
        "tarefas": list(selectors.chamado_tarefas(chamado)),
        # SPEC: a ticket shows the client's receivables (complaints about a charge, a
        # delivery held for a late payment…): the Financeiro tab's summary, for who may see it.
        "financeiro": resumo_financeiro(chamado.cliente)
        if user.has_perm("cadastro.view_tituloreceber")
        else None,
        "eventos": list(selectors.chamado_eventos(chamado)[:200]),
        "form_iniciar": None,
        "form_comentario": None,
        "form_tarefa": None,
        "form_encerrar": None,
        "form_cancelar": None,
        "form_reabrir": None,
    }
    if pode_atender:
        if status_ == "aberto":
            contexto["form_iniciar"] = forms.get("form_iniciar") or IniciarForm(
                initial={**versao, "responsavel": chamado.responsavel_id or user.pk}
            )
        if chamado.pendente:
            contexto["form_comentario"] = forms.get("form_comentario") or ComentarioForm()
            contexto["form_cancelar"] = forms.get("form_cancelar") or CancelarForm(initial=versao)
        if status_ == "em_execucao":
            contexto["form_tarefa"] = forms.get("form_tarefa") or TarefaForm(
                initial={"responsavel": chamado.responsavel_id}
            )
            contexto["form_encerrar"] = forms.get("form_encerrar") or EncerrarForm(initial=versao)
        if status_ == "encerrado":
            contexto["form_reabrir"] = forms.get("form_reabrir") or ReabrirForm(initial=versao)
    return render(request, "atendimento/chamado_detalhe.html", contexto, status=status)


@login_required
@permission_required("atendimento.view_chamado", raise_exception=True)
@require_GET
def chamado_detalhe(request: HttpRequest, pk: int) -> HttpResponse:
    chamado = selectors.chamado_obter(user=_usuario(request), pk=pk)
    return _detalhe(request, chamado)


def _acao(request: HttpRequest, pk: int) -> Chamado:
    """The ticket of a POST action: 404 outside the user's visibility, 403 without the right."""
    user = _usuario(request)
    chamado = selectors.chamado_obter(user=user, pk=pk)
    if not user.has_perm(PERMISSAO_ATENDER):
        raise PermissionDenied
    return chamado


def _depois(request: HttpRequest, chamado: Chamado, mensagem: str) -> HttpResponse:
    messages.success(request, mensagem)
    return redirect("atendimento:chamado-detalhe", chamado.pk)


def _recusado(
    request: HttpRequest, pk: int, nome: str, form: Any, erro: str | None = None
) -> HttpResponse:
    """The page again, the refused form bound (what was typed stays) and the reason."""
    if erro:
        form.add_error(None, erro)
    chamado = selectors.chamado_obter(user=_usuario(request), pk=pk)
    return _detalhe(request, chamado, status=422, **{nome: form})


def _executar(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    nome: str,
    servico: Callable[[Chamado, dict[str, Any]], Chamado | None],
    mensagem: Callable[[Chamado], str],
) -> HttpResponse:
    """Every ticket action: form → service → back to the ticket with a message; a refused
    form or a refusal of the service shows the page again with what was typed and why."""
    chamado = _acao(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _recusado(request, pk, nome, form)
    try:
        chamado = servico(chamado, form.cleaned_data) or chamado
    except ErroChamado as e:
        return _recusado(request, pk, nome, form, e.mensagem)
    return _depois(request, chamado, mensagem(chamado))


@login_required
@require_POST
def chamado_iniciar(request: HttpRequest, pk: int) -> HttpResponse:
    return _executar(
        request, pk, IniciarForm, "form_iniciar",
        lambda c, d: chamado_iniciar_execucao(
            chamado_id=c.pk, versao=d["versao"], responsavel_id=d["responsavel"].pk,
            ator=_usuario(request),
        ),
        lambda c: f"Chamado {c.numero} em execução.",
    )  # fmt: skip


@login_required
@require_POST
def chamado_comentar_view(request: HttpRequest, pk: int) -> HttpResponse:
    def comentar(c: Chamado, d: dict[str, Any]) -> None:
        chamado_comentar(chamado_id=c.pk, texto=d["texto"], ator=_usuario(request))

    return _executar(
        request, pk, ComentarioForm, "form_comentario", comentar,
        lambda c: "Comentário registrado.",
    )  # fmt: skip


@login_required
@require_POST
def chamado_tarefa_adicionar_view(request: HttpRequest, pk: int) -> HttpResponse:
    def agendar(c: Chamado, d: dict[str, Any]) -> None:
        chamado_tarefa_adicionar(
            chamado_id=c.pk, descricao=d["descricao"], responsavel_id=d["responsavel"].pk,
            data_prevista=d["data_prevista"], ator=_usuario(request),
        )  # fmt: skip

    return _executar(request, pk, TarefaForm, "form_tarefa", agendar, lambda c: "Tarefa agendada.")


@login_required
@require_POST
def chamado_tarefa_concluir_view(request: HttpRequest, pk: int, tarefa: int) -> HttpResponse:
    chamado = _acao(request, pk)
    try:
        chamado_tarefa_concluir(chamado_id=chamado.pk, tarefa_id=tarefa, ator=_usuario(request))
    except ErroChamado as e:
        messages.error(request, e.mensagem)
        return redirect("atendimento:chamado-detalhe", chamado.pk)
    return _depois(request, chamado, "Tarefa concluída.")


@login_required
@require_POST
def chamado_encerrar_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _executar(
        request, pk, EncerrarForm, "form_encerrar",
        lambda c, d: chamado_encerrar(
            chamado_id=c.pk, versao=d["versao"], solucao=d["solucao"], ator=_usuario(request)
        ),
        lambda c: f"Chamado {c.numero} encerrado.",
    )  # fmt: skip


@login_required
@require_POST
def chamado_cancelar_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _executar(
        request, pk, CancelarForm, "form_cancelar",
        lambda c, d: chamado_cancelar(
            chamado_id=c.pk, versao=d["versao"], motivo=d["motivo"], ator=_usuario(request)
        ),
        lambda c: f"Chamado {c.numero} cancelado.",
    )  # fmt: skip


@login_required
@require_POST
def chamado_reabrir_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _executar(
        request, pk, ReabrirForm, "form_reabrir",
        lambda c, d: chamado_reabrir(
            chamado_id=c.pk, versao=d["versao"], motivo=d["motivo"], ator=_usuario(request)
        ),
        lambda c: f"Chamado {c.numero} reaberto.",
    )  # fmt: skip


__all__ = [
    "ChamadoListaView",
    "chamado_cancelar_view",
    "chamado_cliente",
    "chamado_comentar_view",
    "chamado_detalhe",
    "chamado_encerrar_view",
    "chamado_iniciar",
    "chamado_motivos",
    "chamado_novo",
    "chamado_produto",
    "chamado_reabrir_view",
    "chamado_tarefa_adicionar_view",
    "chamado_tarefa_concluir_view",
]
