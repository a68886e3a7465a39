"""Contract screens: list + export, new/edit header, the detail page with its tabs (items,
date scheduling, delivery clients, contacts, orders placed under it, history) and its actions.

Thin: form → service → redirect back to the tab (PRG). A refused action (business rule, stale
version) re-renders the page with the bound form and the message, so what the user typed stays
on screen. Every lookup goes through `selectors.contrato_obter` (404 for whoever does not see
the contract's client).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from cadastro.models import Cliente
from crm.listas import ListaBaseView
from crm.xlsx import Coluna
from vendas import selectors
from vendas.constants import (
    STATUS_CONTRATO_EDITAVEIS,
    TRANSICOES_CONTRATO,
    StatusContrato,
    StatusProgramacao,
)
from vendas.filters import ContratoFilter
from vendas.forms import (
    ContatoContratoForm,
    ContratoForm,
    ContratoNovoForm,
    EntregaContratoForm,
    GerarPedidoContratoForm,
    ItemContratoAlterarForm,
    ItemContratoForm,
    ProgramacaoContratoForm,
    StatusContratoForm,
    VersaoForm,
)
from vendas.models import Contrato, ProgramacaoContrato
from vendas.services.contratos import (
    ErroContrato,
    contato_contrato_alterar,
    contato_contrato_incluir,
    contato_contrato_remover,
    contrato_alterar,
    contrato_criar,
    contrato_gerar_pedido,
    contrato_transitar,
    entrega_contrato_incluir,
    entrega_contrato_remover,
    item_contrato_adicionar,
    item_contrato_alterar,
    item_contrato_remover,
    programacao_contrato_cancelar,
    programacao_contrato_incluir,
)
from vendas.tables import ContratoTable

__all__ = [
    "ContratoListaView",
    "contato_contrato_alterar_view",
    "contato_contrato_incluir_view",
    "contato_contrato_remover_view",
    "contrato_cliente_buscar",
    "contrato_detalhe",
    "contrato_editar",
    "contrato_gerar_pedido_view",
    "contrato_novo",
    "contrato_produto_buscar",
    "contrato_status_view",
    "entrega_contrato_incluir_view",
    "entrega_contrato_remover_view",
    "item_contrato_adicionar_view",
    "item_contrato_alterar_view",
    "item_contrato_remover_view",
    "programacao_contrato_cancelar_view",
    "programacao_contrato_incluir_view",
]

ABAS_CONTRATO = (
    ("itens", "Itens"),
    ("programacao", "Programação de datas"),
    ("entregas", "Clientes de entrega"),
    ("contatos", "Contatos"),
    ("pedidos", "Pedidos contratados"),
    ("historico", "Histórico"),
)
# Button labels of each possible move (TRANSICOES_CONTRATO says which are allowed).
ROTULOS_TRANSICAO: dict[str, str] = {
    StatusContrato.VIGENTE: "Tornar vigente",
    StatusContrato.SUSPENSO: "Suspender",
    StatusContrato.ENCERRADO: "Encerrar",
    StatusContrato.CANCELADO: "Cancelar contrato",
}


# --- list -----------------------------------------------------------------------------------


class ContratoListaView(ListaBaseView):
    table_class = ContratoTable
    filterset_class = ContratoFilter
    model = Contrato
    permission_required = "vendas.view_contrato"
    # Whoever sees the contracts may take them to Excel (same rows as the screen): the roles
    # that read contracts already export orders; no separate permission in the schema.
    permissao_exportar = "vendas.view_contrato"
    template_name = "vendas/contrato_lista.html"
    template_parcial = "vendas/partials/contrato_tabela.html"
    nome_exportacao = "contratos"
    rotulo_singular = "contrato"
    rotulo_plural = "contratos"
    ordem_padrao = "-numero"

    def get_queryset(self) -> QuerySet[Contrato]:
        return Contrato.objects.visiveis_para(self.request.user)  # type: ignore[arg-type]

    def anotar(self, qs: QuerySet[Contrato]) -> QuerySet[Contrato]:
        return qs.select_related("cliente", "representante")

    def anotar_exportacao(self, qs: QuerySet[Contrato]) -> QuerySet[Contrato]:
        return qs.select_related(
            "cliente", "representante", "modalidade", "condicao_pagamento", "tabela_venda"
        )

    def dica_vazio(self) -> str:
        if self.filtros_ativos():
            return super().dica_vazio()
        if self.request.user.has_perm("vendas.add_contrato"):
            return "Clique em “Novo contrato” para registrar o primeiro."
        return ""

    def colunas_exportacao(self) -> Sequence[Coluna]:
        return [
            Coluna("Número", "inteiro"),
            Coluna("Descrição", "texto", 40),
            Coluna("Cliente", "texto", 40),
            Coluna("CPF/CNPJ", "texto", 20),
            Coluna("Representante", "texto"),
            Coluna("Modalidade", "texto"),
            Coluna("Situação", "texto", 16),
            Coluna("Início da vigência", "data"),
            Coluna("Fim da vigência", "data"),
            Coluna("Condição de pagamento", "texto"),
            Coluna("Tabela de venda", "texto"),
            Coluna("Valor contratado", "moeda"),
        ]

    def linha_exportacao(self, c: Any) -> Sequence[Any]:
        return (
            c.numero,
            c.descricao,
            c.cliente.nome,
            c.cliente.documento_formatado,
            str(c.representante),
            str(c.modalidade) if c.modalidade_id else None,
            c.get_status_display(),
            c.vigencia_inicio,
            c.vigencia_fim,
            str(c.condicao_pagamento) if c.condicao_pagamento_id else None,
            str(c.tabela_venda) if c.tabela_venda_id else None,
            c.valor_total,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        contexto["pode_criar"] = self.request.user.has_perm("vendas.add_contrato")
        return contexto


# --- new / edit header ------------------------------------------------------------------------


def _cliente_escolhido(request: HttpRequest, valor: Any) -> Cliente | None:
    if valor and str(valor).isdigit():
        return (
            Cliente.objects.visiveis_para(request.user)  # type: ignore[arg-type]
            .filter(pk=int(valor))
            .first()
        )
    return None


@login_required
@permission_required("vendas.add_contrato", raise_exception=True)
def contrato_novo(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ContratoNovoForm(request.POST)
        if form.is_valid():
            try:
                contrato = contrato_criar(
                    cliente_id=form.cleaned_data["cliente"],
                    dados=form.dados(),
                    ator=request.user,  # type: ignore[arg-type]
                )
            except ErroContrato as erro:
                form.add_error(None, erro.mensagem)
            else:
                messages.success(
                    request, f"Contrato {contrato.numero} criado: inclua os itens contratados."
                )
                return redirect("vendas:contrato-detalhe", contrato.pk)
    else:
        hoje = timezone.localdate()
        # A twelve-month term by default: 15/03/2025 to 14/03/2026.
        um_ano = hoje.replace(year=hoje.year + 1, day=min(hoje.day, 28))
        form = ContratoNovoForm(
            initial={
                "cliente": request.GET.get("cliente"),
                "vigencia_inicio": hoje,
                "vigencia_fim": um_ano - timedelta(days=1),
            }
        )
    cliente = _cliente_escolhido(request, form["cliente"].value())
    return render(
        request, "vendas/contrato_form.html", {"form": form, "cliente": cliente, "novo": True}
    )


@login_required
@permission_required("vendas.change_contrato", raise_exception=True)
def contrato_editar(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = selectors.contrato_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    if request.method == "POST":
        form = ContratoForm(request.POST, instance=contrato)
        if form.is_valid():
            try:
                contrato_alterar(
                    contrato_id=contrato.pk,
                    versao=form.cleaned_data["versao"] or 0,
                    dados=form.dados(),
                    ator=request.user,  # type: ignore[arg-type]
                )
            except ErroContrato as erro:
                form.add_error(None, erro.mensagem)
            else:
                messages.success(request, f"Contrato {contrato.numero} alterado.")
                return redirect("vendas:contrato-detalhe", contrato.pk)
    else:
        form = ContratoForm(instance=contrato, initial={"versao": contrato.versao})
    return render(
        request,
        "vendas/contrato_form.html",
        {"form": form, "contrato": contrato, "cliente": contrato.cliente, "novo": False},
    )


@login_required
@permission_required("vendas.add_contrato", raise_exception=True)
@require_GET
def contrato_cliente_buscar(request: HttpRequest) -> HttpResponse:
    """Client lookup of the contract screens: only clients the user sees (same selector as
    the order screen)."""
    termo = request.GET.get("q", "")
    clientes = selectors.clientes_buscar(user=request.user, termo=termo)  # type: ignore[arg-type]
    return render(
        request, "vendas/partials/cliente_opcoes.html", {"clientes": clientes, "termo": termo}
    )


# --- detail page -------------------------------------------------------------------------------


def _contexto(request: HttpRequest, contrato: Contrato, aba: str, **forms: Any) -> dict:
    """Everything the page needs; only the open tab's data is read."""
    user = request.user
    versao = contrato.versao
    editavel = contrato.status in STATUS_CONTRATO_EDITAVEIS
    pode = {
        "alterar": editavel and user.has_perm("vendas.change_contrato"),
        "itens": editavel and user.has_perm("vendas.add_itemcontrato"),
        "remover_itens": contrato.status == StatusContrato.RASCUNHO
        and user.has_perm("vendas.delete_itemcontrato"),
        "programar": editavel and user.has_perm("vendas.add_programacaocontrato"),
        "entregas": editavel and user.has_perm("vendas.add_clienteentregacontrato"),
        "contatos": editavel and user.has_perm("vendas.add_contatocontrato"),
        "gerar_pedido": contrato.status == StatusContrato.VIGENTE
        and user.has_perm("vendas.add_pedido")
        and user.has_perm("vendas.change_contrato"),
    }
    transicoes = []
    if user.has_perm("vendas.change_contrato"):
        transicoes = [
            (s, ROTULOS_TRANSICAO[s])
            for s in StatusContrato.values
            if s in TRANSICOES_CONTRATO.get(contrato.status, ())
        ]
    ctx: dict[str, Any] = {
        "contrato": contrato,
        "aba": aba,
        "abas": ABAS_CONTRATO,
        "pode": pode,
        "transicoes": transicoes,
        "versao": versao,
        "hoje": timezone.localdate(),
    }
    if aba == "itens":
        itens = selectors.contrato_itens(contrato)
        edicao = forms.get("form_edicao_item")
        for item in itens:  # display attributes: each row's edit form, open or not
            if edicao is not None and edicao[0] == item.pk:
                item.form = edicao[1]  # type: ignore[attr-defined]
                item.aberto = True  # type: ignore[attr-defined]
            else:
                item.form = ItemContratoAlterarForm.de(item, versao)  # type: ignore[attr-defined]
        ctx.update(
            itens=itens,
            form_item=forms.get("form_item") or ItemContratoForm(initial={"versao": versao}),
        )
    elif aba == "programacao":
        programacoes = selectors.contrato_programacoes(contrato)
        vencidas = [p for p in programacoes if p.vencida]  # type: ignore[attr-defined]
        ctx.update(
            programacoes=programacoes,
            previstas=sum(1 for p in programacoes if p.status == StatusProgramacao.PREVISTA),
            vencidas=len(vencidas),
            form_programacao=forms.get("form_programacao")
            or ProgramacaoContratoForm(contrato=contrato, initial={"versao": versao}),
            form_gerar=forms.get("form_gerar"),
            marcadas={str(i) for i in request.POST.getlist("programacoes")}
            if request.method == "POST"
            else set(),
        )
    elif aba == "entregas":
        form = forms.get("form_entrega") or EntregaContratoForm(initial={"versao": versao})
        ctx.update(
            entregas=selectors.contrato_entregas(contrato),
            form_entrega=form,
            cliente_entrega=_cliente_escolhido(request, form["cliente"].value()),
        )
    elif aba == "contatos":
        contatos = selectors.contrato_contatos(contrato)
        edicao = forms.get("form_edicao_contato")
        for c in contatos:  # display attributes, as the items'
            if edicao is not None and edicao[0] == c.pk:
                c.form, c.aberto = edicao[1], True  # type: ignore[attr-defined]
            else:
                c.form = ContatoContratoForm(  # type: ignore[attr-defined]
                    instance=c, initial={"versao": versao}, auto_id=f"contato{c.pk}_%s"
                )
        ctx.update(
            contatos=contatos,
            form_contato=forms.get("form_contato")
            or ContatoContratoForm(initial={"versao": versao}, auto_id="novo_contato_%s"),
        )
    elif aba == "pedidos":
        ctx["pedidos"] = selectors.contrato_pedidos(user=user, contrato=contrato)  # type: ignore[arg-type]
    elif aba == "historico":
        ctx["eventos"] = list(selectors.contrato_eventos(contrato)[:200])
    return ctx


def _pagina(request: HttpRequest, contrato: Contrato, aba: str, **forms: Any) -> HttpResponse:
    resposta = render(
        request, "vendas/contrato_detalhe.html", _contexto(request, contrato, aba, **forms)
    )
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


@login_required
@permission_required("vendas.view_contrato", raise_exception=True)
@require_GET
def contrato_detalhe(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = selectors.contrato_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    aba = request.GET.get("aba", "itens")
    if aba not in dict(ABAS_CONTRATO):
        aba = "itens"
    return _pagina(request, contrato, aba)


# --- actions ----------------------------------------------------------------------------------


def _para_alterar(request: HttpRequest, pk: int, permissao: str) -> Contrato:
    """The contract for a write: 404 when not visible (before any permission check, so a
    colleague cannot even learn it exists), 403 when visible but the role may not write."""
    contrato = selectors.contrato_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    if not request.user.has_perm(permissao):
        raise PermissionDenied
    return contrato


def _de_volta(contrato: Contrato, aba: str) -> HttpResponse:
    return redirect(reverse("vendas:contrato-detalhe", args=[contrato.pk]) + f"?aba={aba}")


def _executar(
    request: HttpRequest,
    contrato: Contrato,
    aba: str,
    form: Any,
    nome_form: str,
    acao: Callable[[dict[str, Any]], str],
    *,
    edicao: int | None = None,
) -> HttpResponse:
    """Valid form → service → message and back to the tab; otherwise the page again with the
    bound form (typed values kept) and the reason."""
    if form.is_valid():
        try:
            mensagem = acao(form.cleaned_data)
        except ErroContrato as erro:
            form.add_error(None, erro.mensagem)
        else:
            messages.success(request, mensagem)
            return _de_volta(contrato, aba)
    contrato = selectors.contrato_obter(user=request.user, pk=contrato.pk)  # type: ignore[arg-type]
    valor = (edicao, form) if edicao is not None else form
    return _pagina(request, contrato, aba, **{nome_form: valor})


def _ator(request: HttpRequest) -> Any:
    return request.user


def _remover(
    request: HttpRequest, contrato: Contrato, aba: str, acao: Callable[[int], str]
) -> HttpResponse:
    """Removals and cancellations carry only the version: nothing typed to keep, so a refusal
    is a message on the tab."""
    form = VersaoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Versão do contrato ausente: recarregue a página.")
    else:
        try:
            messages.success(request, acao(form.cleaned_data["versao"]))
        except ErroContrato as erro:
            messages.error(request, erro.mensagem)
    return _de_volta(contrato, aba)


@login_required
@require_POST
def contrato_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.change_contrato")
    form = StatusContratoForm(request.POST)
    if form.is_valid():
        try:
            contrato_transitar(
                contrato_id=contrato.pk,
                versao=form.cleaned_data["versao"],
                status=form.cleaned_data["status"],
                motivo=form.cleaned_data["motivo"],
                ator=_ator(request),
            )
        except ErroContrato as erro:
            messages.error(request, erro.mensagem)
        else:
            rotulo = StatusContrato(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"Contrato {contrato.numero}: situação “{rotulo}”.")
    else:
        messages.error(request, "Situação inválida.")
    return redirect("vendas:contrato-detalhe", contrato.pk)


@login_required
@permission_required("vendas.view_contrato", raise_exception=True)
@require_GET
def contrato_produto_buscar(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = selectors.contrato_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    termo = request.GET.get("q", "")
    produtos = selectors.contrato_produtos_buscar(contrato=contrato, termo=termo)
    return render(
        request,
        "vendas/partials/contrato_produto_opcoes.html",
        {"produtos": produtos, "termo": termo},
    )


# items


@login_required
@require_POST
def item_contrato_adicionar_view(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.add_itemcontrato")

    def acao(d: dict[str, Any]) -> str:
        item = item_contrato_adicionar(
            contrato_id=contrato.pk, versao=d["versao"], produto=d["produto"],
            quantidade=d["quantidade"], preco_unitario=d["preco_unitario"],
            observacao=d["observacao"], ator=_ator(request),
        )  # fmt: skip
        return f"Item {item.sequencia} ({item.produto.codigo}) incluído."

    form = ItemContratoForm(request.POST)
    return _executar(request, contrato, "itens", form, "form_item", acao)


def _item_do_contrato(contrato: Contrato, item: int) -> Any:
    registro = contrato.itens.filter(pk=item).first()
    if registro is None:
        raise Http404
    return registro


@login_required
@require_POST
def item_contrato_alterar_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.change_itemcontrato")
    registro = _item_do_contrato(contrato, item)

    def acao(d: dict[str, Any]) -> str:
        item_contrato_alterar(
            contrato_id=contrato.pk, item_id=registro.pk, versao=d["versao"],
            dados={c: d[c] for c in ("quantidade", "preco_unitario", "observacao")},
            ator=_ator(request),
        )  # fmt: skip
        return f"Item {registro.sequencia} alterado."

    form = ItemContratoAlterarForm(request.POST, auto_id=f"item{registro.pk}_%s")
    return _executar(request, contrato, "itens", form, "form_edicao_item", acao, edicao=registro.pk)


@login_required
@require_POST
def item_contrato_remover_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.delete_itemcontrato")
    registro = _item_do_contrato(contrato, item)

    def acao(versao: int) -> str:
        item_contrato_remover(
            contrato_id=contrato.pk, item_id=registro.pk, versao=versao, ator=_ator(request)
        )
        return f"Item {registro.sequencia} removido."

    return _remover(request, contrato, "itens", acao)


# date scheduling


@login_required
@require_POST
def programacao_contrato_incluir_view(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.add_programacaocontrato")

    def acao(d: dict[str, Any]) -> str:
        p = programacao_contrato_incluir(
            contrato_id=contrato.pk, versao=d["versao"], item_id=d["item"].pk, data=d["data"],
            quantidade=d["quantidade"], tipo=d["tipo"],
            cliente_entrega_id=d["cliente_entrega"].pk if d["cliente_entrega"] else None,
            ator=_ator(request),
        )  # fmt: skip
        return f"Programação de {p.data:%d/%m/%Y} incluída."

    form = ProgramacaoContratoForm(request.POST, contrato=contrato)
    return _executar(request, contrato, "programacao", form, "form_programacao", acao)


@login_required
@require_POST
def programacao_contrato_cancelar_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.change_programacaocontrato")

    def acao(versao: int) -> str:
        p = programacao_contrato_cancelar(
            contrato_id=contrato.pk, programacao_id=item, versao=versao, ator=_ator(request)
        )
        return f"Programação de {p.data:%d/%m/%Y} cancelada."

    if not ProgramacaoContrato.objects.filter(item__contrato=contrato, pk=item).exists():
        raise Http404
    return _remover(request, contrato, "programacao", acao)


@login_required
@require_POST
def contrato_gerar_pedido_view(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.change_contrato")
    if not request.user.has_perm("vendas.add_pedido"):
        raise PermissionDenied
    form = GerarPedidoContratoForm(request.POST, contrato=contrato)
    if form.is_valid():
        try:
            pedido = contrato_gerar_pedido(
                contrato_id=contrato.pk,
                versao=form.cleaned_data["versao"],
                programacao_ids=[p.pk for p in form.cleaned_data["programacoes"]],
                ator=_ator(request),
            )
        except ErroContrato as erro:
            form.add_error(None, erro.mensagem)
        else:
            messages.success(
                request,
                f"Pedido {pedido.numero} gerado do contrato {contrato.numero} com os preços "
                "contratados: confira e envie.",
            )
            return redirect("vendas:pedido-detalhe", pedido.pk)
    return _pagina(request, contrato, "programacao", form_gerar=form)


# delivery clients


@login_required
@require_POST
def entrega_contrato_incluir_view(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.add_clienteentregacontrato")

    def acao(d: dict[str, Any]) -> str:
        entrega = entrega_contrato_incluir(
            contrato_id=contrato.pk, versao=d["versao"], cliente_id=d["cliente"],
            observacao=d["observacao"], ator=_ator(request),
        )  # fmt: skip
        return f"{entrega.cliente.nome} incluído como cliente de entrega."

    form = EntregaContratoForm(request.POST)
    return _executar(request, contrato, "entregas", form, "form_entrega", acao)


@login_required
@require_POST
def entrega_contrato_remover_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.delete_clienteentregacontrato")
    if not contrato.entregas.filter(pk=item).exists():
        raise Http404

    def acao(versao: int) -> str:
        entrega_contrato_remover(
            contrato_id=contrato.pk, entrega_id=item, versao=versao, ator=_ator(request)
        )
        return "Cliente de entrega removido."

    return _remover(request, contrato, "entregas", acao)


# contacts


@login_required
@require_POST
def contato_contrato_incluir_view(request: HttpRequest, pk: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.add_contatocontrato")

    def acao(d: dict[str, Any]) -> str:
        c = contato_contrato_incluir(
            contrato_id=contrato.pk, versao=d["versao"], dados=form.dados(), ator=_ator(request)
        )
        return f"Contato {c.nome} incluído."

    form = ContatoContratoForm(request.POST, auto_id="novo_contato_%s")
    return _executar(request, contrato, "contatos", form, "form_contato", acao)


@login_required
@require_POST
def contato_contrato_alterar_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.change_contatocontrato")
    contato = contrato.contatos.filter(pk=item).first()
    if contato is None:
        raise Http404

    def acao(d: dict[str, Any]) -> str:
        c = contato_contrato_alterar(
            contrato_id=contrato.pk, contato_id=contato.pk, versao=d["versao"],
            dados=form.dados(), ator=_ator(request),
        )  # fmt: skip
        return f"Contato {c.nome} alterado."

    form = ContatoContratoForm(request.POST, instance=contato, auto_id=f"contato{contato.pk}_%s")
    return _executar(
        request, contrato, "contatos", form, "form_edicao_contato", acao, edicao=contato.pk
    )


@login_required
@require_POST
def contato_contrato_remover_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    contrato = _para_alterar(request, pk, "vendas.delete_contatocontrato")
    if not contrato.contatos.filter(pk=item).exists():
        raise Http404

    def acao(versao: int) -> str:
        contato_contrato_remover(
            contrato_id=contrato.pk, contato_id=item, versao=versao, ator=_ator(request)
        )
        return "Contato removido."

    return _remover(request, contrato, "contatos", acao)
