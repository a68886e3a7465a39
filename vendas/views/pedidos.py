"""Order screens: list + export, new order, the order entry page and its htmx actions, the
approval queue. Thin: form → service → partials (one per swap target) or redirect.

Every action answers htmx with the SAME partials the page includes: the items table is the
main target; totals, closing tab, alçadas, history and the version input go out-of-band.
A refused action (business rule, stale version) answers 200 with the message re-targeted to
`#pedido-mensagens`, keeping what the user typed on screen.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from crm.listas import ListaBaseView
from crm.xlsx import Coluna
from vendas import selectors
from vendas.calculo import Calculo
from vendas.constants import PROBLEMAS, TRANSICOES, DecisaoAprovacao, StatusItem, StatusPedido
from vendas.filters import PedidoFilter
from vendas.forms import (
    CAMPOS_CABECALHO,
    CabecalhoForm,
    CancelarPedidoForm,
    DecisaoForm,
    EnviarForm,
    ItemAdicionarForm,
    ItemAlterarForm,
    ItemCancelarForm,
    PedidoNovoForm,
    VersaoForm,
)
from vendas.models import (
    DocumentoGerado,
    ItemPedido,
    MotivoCancelamento,
    Pedido,
    RecalculoPedidos,
    StatusJob,
)
from vendas.services import (
    ConflitoVersao,
    ErroPedido,
    documento_solicitar,
    item_alterar,
    item_cancelar,
    pedido_alterar_cabecalho,
    pedido_aprovar,
    pedido_cancelar,
    pedido_conferir_copia,
    pedido_copiar,
    pedido_criar,
    pedido_enviar,
    pedido_enviar_email,
    pedido_recusar,
    pedido_retirar_solicitacao,
    recalculo_solicitar,
)
from vendas.services.catalogo import Linha, itens_adicionar
from vendas.tables import PedidoTable

ABAS = (
    ("itens", "Itens"),
    ("descontos", "Descontos/acréscimos"),
    ("alcadas", "Alçadas"),
    ("observacoes", "Observações"),
    ("fechamento", "Fechamento"),
    ("historico", "Histórico"),
    ("documentos", "Documentos"),
    ("programacao", "Programação de datas"),
    ("anexos", "Anexos"),
    ("sac", "SAC"),
)


# --- list -----------------------------------------------------------------------------------


class PedidoListaView(ListaBaseView):
    table_class = PedidoTable
    filterset_class = PedidoFilter
    model = Pedido
    permission_required = "vendas.view_pedido"
    permissao_exportar = "vendas.exportar_pedidos"
    template_name = "vendas/pedido_lista.html"
    template_parcial = "vendas/partials/pedido_tabela.html"
    nome_exportacao = "pedidos"
    rotulo_singular = "pedido"
    rotulo_plural = "pedidos"
    ordem_padrao = "-numero"

    def get_queryset(self) -> QuerySet[Pedido]:
        return Pedido.objects.visiveis_para(self.request.user)  # type: ignore[arg-type]

    def anotar(self, qs: QuerySet[Pedido]) -> QuerySet[Pedido]:
        return qs.select_related("cliente", "representante")

    def anotar_exportacao(self, qs: QuerySet[Pedido]) -> QuerySet[Pedido]:
        return qs.select_related("cliente", "representante", "condicao_pagamento")

    def colunas_exportacao(self) -> Sequence[Coluna]:
        return [
            Coluna("Número", "inteiro"),
            Coluna("Documento", "texto", 12),
            Coluna("Data", "data"),
            Coluna("Cliente", "texto", 40),
            Coluna("CPF/CNPJ", "texto", 20),
            Coluna("Representante", "texto"),
            Coluna("Situação", "texto", 22),
            Coluna("Condição de pagamento", "texto"),
            Coluna("Produtos", "moeda"),
            Coluna("Descontos", "moeda"),
            Coluna("Frete", "moeda"),
            Coluna("IPI", "moeda"),
            Coluna("ICMS-ST", "moeda"),
            Coluna("Total", "moeda"),
            Coluna("Com problemas", "texto", 10),
        ]

    def linha_exportacao(self, p: Any) -> Sequence[Any]:
        return (
            p.numero,
            p.get_tipo_display(),
            p.data,
            p.cliente.nome,
            p.cliente.documento_formatado,
            str(p.representante),
            p.get_status_display(),
            str(p.condicao_pagamento) if p.condicao_pagamento_id else None,
            p.v_prod,
            p.v_desc,
            p.v_frete,
            p.v_ipi,
            p.v_st,
            p.v_nf,
            "Sim" if p.tem_bloqueio else "Não",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        contexto["pode_criar"] = self.request.user.has_perm("vendas.add_pedido")
        return contexto


# --- new order ------------------------------------------------------------------------------


@login_required
@permission_required("vendas.add_pedido", raise_exception=True)
def pedido_novo(request: HttpRequest) -> HttpResponse:
    cliente = None
    if request.method == "POST":
        form = PedidoNovoForm(request.POST)
        if form.is_valid():
            try:
                calculo = pedido_criar(
                    cliente_id=form.cleaned_data["cliente"],
                    tipo=form.cleaned_data["tipo"],
                    ator=request.user,  # type: ignore[arg-type]
                )
            except ErroPedido as erro:
                form.add_error(None, erro.mensagem)
            else:
                return redirect("vendas:pedido-detalhe", calculo.pedido.pk)
    else:
        form = PedidoNovoForm(initial={"cliente": request.GET.get("cliente")})
    valor = form["cliente"].value()
    if valor and str(valor).isdigit():
        cliente = (
            selectors.Cliente.objects.visiveis_para(request.user)  # type: ignore[arg-type]
            .filter(pk=int(valor))
            .first()
        )
    return render(request, "vendas/pedido_novo.html", {"form": form, "cliente": cliente})


@login_required
@permission_required("vendas.add_pedido", raise_exception=True)
@require_GET
def cliente_buscar(request: HttpRequest) -> HttpResponse:
    clientes = selectors.clientes_buscar(
        user=request.user,  # type: ignore[arg-type]
        termo=request.GET.get("q", ""),
    )
    return render(
        request,
        "vendas/partials/cliente_opcoes.html",
        {"clientes": clientes, "termo": request.GET.get("q", "")},
    )


# --- the order entry page -------------------------------------------------------------------


def _contexto(request: HttpRequest, pedido: Pedido, itens: list[ItemPedido]) -> dict[str, Any]:
    user = request.user
    ver_custos = user.has_perm("produtos.ver_custos")
    # Reps see that a margin is out of range (it blocks: they must know what to fix) but never
    # the figures (template); cost-only warnings ("sem custo") are not theirs to see at all.
    problemas = [
        p for p in pedido.problemas if ver_custos or not p.get("revela_custo") or p.get("bloqueia")
    ]
    ocultos = len(pedido.problemas) - len(problemas)
    pode_alterar = pedido.editavel and user.has_perm("vendas.change_pedido")
    return {
        "pedido": pedido,
        "itens": itens,
        "ativos": [i for i in itens if i.status == StatusItem.ATIVO],
        "problemas": problemas,
        "problemas_ocultos": ocultos,
        "bloqueantes": sum(1 for p in pedido.problemas if p["bloqueia"]),
        "ver_custos": ver_custos,
        "pode_alterar": pode_alterar,
        "pode_cancelar": user.has_perm("vendas.change_pedido")
        and StatusPedido.CANCELADO in TRANSICOES.get(pedido.status, ()),
        "pode_enviar": pode_alterar
        and pedido.status in (StatusPedido.EM_DIGITACAO, StatusPedido.APROVADO),
        "abas": ABAS,
        "rotulos_problema": {k: v.rotulo for k, v in PROBLEMAS.items()},
    }


def _contexto_completo(request: HttpRequest, pedido: Pedido, itens: list[ItemPedido]) -> dict:
    ctx = _contexto(request, pedido, itens)
    eventos, eventos_mais = selectors.pedido_eventos_pagina(pedido)
    ctx.update(
        eventos=eventos,
        eventos_mais=eventos_mais,
        solicitacoes=list(selectors.pedido_solicitacoes(pedido)),
        motivos=list(MotivoCancelamento.objects.filter(ativo=True)),
        cabecalho=CabecalhoForm(
            instance=pedido,
            initial={"versao": pedido.versao},
            url=reverse("vendas:cabecalho-alterar", args=[pedido.pk]),
            editavel=ctx["pode_alterar"],
        ),
        form_item=ItemAdicionarForm(initial={"versao": pedido.versao}),
        form_enviar=EnviarForm(initial={"versao": pedido.versao}),
        documentos=_documentos(pedido),
    )
    from vendas.views.itens import contexto_abas  # programação, anexos, conversion, mode

    ctx.update(contexto_abas(request, pedido, itens, ctx["pode_alterar"]))
    # favourites, promotions and quotes panels next to the product search (views/catalogo.py)
    ctx["catalogo"] = selectors.catalogo_painel(pedido=pedido, user=request.user)  # type: ignore[arg-type]
    ctx.update(_contexto_sac(request, pedido))
    return ctx


def _contexto_sac(request: HttpRequest, pedido: Pedido) -> dict[str, Any]:
    """The SAC tab: the order's tickets the user sees (one query), for who sees tickets."""
    user = request.user
    if not user.has_perm("atendimento.view_chamado"):
        return {"ver_chamados": False, "chamados": []}
    from atendimento.selectors import chamados_do_pedido

    return {
        "ver_chamados": True,
        "chamados": list(chamados_do_pedido(user=user, pedido=pedido)),  # type: ignore[arg-type]
    }


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def pedido_detalhe(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    itens = selectors.pedido_itens(pedido)
    ctx = _contexto_completo(request, pedido, itens)
    ctx["aba"] = request.GET.get("aba", "itens")
    return render(request, "vendas/pedido_detalhe.html", ctx)


def _atualizacao(
    request: HttpRequest,
    calculo: Calculo,
    *,
    inicio: datetime,
    status_antes: str,
    tocado: int | None = None,
    novos: Collection[int] = (),
) -> HttpResponse:
    """The answer of every item/header change.

    Partial (the usual case): only the rows whose results changed (`calculo.mudaram`), the
    row the user touched and the new rows (`novos`: ids of the items just inserted, appended
    in order — one from the search form, several from a kit, the cart or the paste box),
    out-of-band, with the totals, closing tab, version,
    status and the new events — adding one item to a 200-item order renders 1 row, not 600.
    Full: the items table (target) and every per-item partial, when the table was empty,
    every row changed anyway, or the status moved (an approval voided shows in the alçadas).
    """
    pedido = calculo.pedido
    pedido.refresh_from_db(fields=["status", "versao", "atualizado_por", "atualizado_em"])
    itens = calculo.itens
    ctx = _contexto(request, pedido, itens)
    ctx["motivos"] = list(MotivoCancelamento.objects.filter(ativo=True))
    ids_novos = set(novos)
    novas = [i for i in itens if i.pk in ids_novos]
    ids = (set(calculo.mudaram) | ({tocado} if tocado else set())) - ids_novos
    parcial = (
        request.headers.get("HX-Request") == "true"
        and pedido.status == status_antes
        and len(itens) > len(novas)
        and len(ids) + len(novas) < len(itens)
    )
    if parcial:
        ctx.update(
            linhas=[i for i in itens if i.pk in ids],
            novas=novas,
            eventos=list(
                selectors.pedido_eventos(pedido)
                .filter(quando__gte=inicio)
                .order_by("-quando", "-id")
            ),
            oob=True,
        )
        resposta = render(request, "vendas/partials/pedido_atualizacao_parcial.html", ctx)
        resposta["HX-Reswap"] = "none"
    else:
        eventos, eventos_mais = selectors.pedido_eventos_pagina(pedido)
        ctx.update(
            eventos=eventos,
            eventos_mais=eventos_mais,
            solicitacoes=list(selectors.pedido_solicitacoes(pedido)),
            oob=True,
        )
        resposta = render(request, "vendas/partials/pedido_atualizacao.html", ctx)
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def pedido_historico_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The next (older) page of the history tab: its events appended to the list, and the
    button for the page after it, if any."""
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    antes = request.GET.get("antes", "")
    if antes and not antes.isdigit():
        raise Http404("Página do histórico inválida.")
    eventos, eventos_mais = selectors.pedido_eventos_pagina(pedido, int(antes) if antes else None)
    ctx = {"pedido": pedido, "eventos": eventos, "eventos_mais": eventos_mais}
    return render(request, "vendas/partials/pedido_historico_mais.html", ctx)


def _recusa(request: HttpRequest, mensagem: str, *, conflito: bool = False) -> HttpResponse:
    resposta = render(
        request,
        "vendas/partials/pedido_mensagem.html",
        {"mensagem": mensagem, "conflito": conflito},
    )
    resposta["HX-Retarget"] = "#pedido-mensagens"
    resposta["HX-Reswap"] = "innerHTML"
    return resposta


def _erros(form: Any) -> str:
    partes = []
    for campo, erros in form.errors.items():
        rotulo = form.fields[campo].label if campo in form.fields else ""
        partes.append(f"{rotulo}: {' '.join(erros)}" if rotulo else " ".join(erros))
    return "Verifique: " + "; ".join(partes)


def _pedido_para_alterar(request: HttpRequest, pk: int) -> Pedido:
    if not request.user.has_perm("vendas.change_pedido"):
        raise Http404
    return selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]


@login_required
@require_POST
def item_adicionar_view(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = _pedido_para_alterar(request, pk)
    inicio = timezone.now()
    form = ItemAdicionarForm(request.POST)
    if not form.is_valid():
        return _recusa(request, _erros(form))
    d = form.cleaned_data
    linha = Linha(
        produto=d["produto"],
        quantidade=d["quantidade"],
        desconto_percentual=d.get("desconto_percentual") or Decimal(0),
        novo_preco=d.get("novo_preco"),
    )
    try:
        inclusao = itens_adicionar(
            pedido_id=pedido.pk,
            versao=d["versao"],
            linhas=[linha],
            ator=request.user,  # type: ignore[arg-type]
        )
    except ConflitoVersao as erro:
        return _recusa(request, erro.mensagem, conflito=True)
    except ErroPedido as erro:
        return _recusa(request, erro.mensagem)
    return _atualizacao(
        request, inclusao.calculo, inicio=inicio, status_antes=pedido.status, novos=inclusao.novos
    )


@login_required
@require_POST
def item_alterar_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    pedido = _pedido_para_alterar(request, pk)
    inicio = timezone.now()
    registro = ItemPedido.objects.filter(pedido=pedido, pk=item).first()
    if registro is None:
        raise Http404
    form = ItemAlterarForm(
        request.POST, produto_id=registro.produto_id, armazem_id=pedido.armazem_id
    )
    if not form.is_valid():
        return _recusa(request, f"Item {registro.sequencia}: {_erros(form)}")
    try:
        calculo = item_alterar(
            pedido_id=pedido.pk,
            item_id=registro.pk,
            versao=form.cleaned_data["versao"],
            dados=form.dados_alterados(),
            ator=request.user,  # type: ignore[arg-type]
        )
    except ConflitoVersao as erro:
        return _recusa(request, erro.mensagem, conflito=True)
    except ErroPedido as erro:
        return _recusa(request, erro.mensagem)
    return _atualizacao(
        request, calculo, inicio=inicio, status_antes=pedido.status, tocado=registro.pk
    )


@login_required
@require_POST
def item_cancelar_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    pedido = _pedido_para_alterar(request, pk)
    inicio = timezone.now()
    registro = ItemPedido.objects.filter(pedido=pedido, pk=item).first()
    if registro is None:
        raise Http404
    form = ItemCancelarForm(request.POST)
    if not form.is_valid():
        return _recusa(request, f"Item {registro.sequencia}: {_erros(form)}")
    try:
        calculo = item_cancelar(
            pedido_id=pedido.pk,
            item_id=registro.pk,
            versao=form.cleaned_data["versao"],
            motivo=form.cleaned_data["motivo"],
            ator=request.user,  # type: ignore[arg-type]
        )
    except ConflitoVersao as erro:
        return _recusa(request, erro.mensagem, conflito=True)
    except ErroPedido as erro:
        return _recusa(request, erro.mensagem)
    return _atualizacao(
        request, calculo, inicio=inicio, status_antes=pedido.status, tocado=registro.pk
    )


@login_required
@require_POST
def cabecalho_alterar_view(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = _pedido_para_alterar(request, pk)
    inicio = timezone.now()
    # A header field is sent alone (htmx on change): the others keep their current values.
    dados_form = model_to_dict(pedido, fields=CAMPOS_CABECALHO)
    dados_form.update({k: v for k, v in request.POST.items() if k in (*CAMPOS_CABECALHO, "versao")})
    form = CabecalhoForm(dados_form, instance=pedido)
    if not form.is_valid():
        return _recusa(request, _erros(form))
    dados = {c: form.cleaned_data[c] for c in CAMPOS_CABECALHO if c in request.POST}
    try:
        calculo = pedido_alterar_cabecalho(
            pedido_id=pedido.pk,
            versao=form.cleaned_data["versao"],
            dados=dados,
            ator=request.user,  # type: ignore[arg-type]
        )
    except ConflitoVersao as erro:
        return _recusa(request, erro.mensagem, conflito=True)
    except ErroPedido as erro:
        return _recusa(request, erro.mensagem)
    return _atualizacao(request, calculo, inicio=inicio, status_antes=pedido.status)


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def produto_buscar(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    termo = request.GET.get("q", "")
    produtos = selectors.produtos_buscar(pedido=pedido, termo=termo)
    return render(
        request, "vendas/partials/produto_resultados.html", {"produtos": produtos, "termo": termo}
    )


def _acao_status(request: HttpRequest, pk: int, acao: str) -> HttpResponse:
    pedido = _pedido_para_alterar(request, pk)
    destino = reverse("vendas:pedido-detalhe", args=[pedido.pk])
    try:
        if acao == "enviar":
            form: VersaoForm = EnviarForm(request.POST)
            if not form.is_valid():
                raise ErroPedido(_erros(form))
            envio = pedido_enviar(
                pedido_id=pedido.pk,
                versao=form.cleaned_data["versao"],
                justificativa=form.cleaned_data["justificativa"],
                ator=request.user,  # type: ignore[arg-type]
            )
            if envio.solicitacao:
                quem = envio.solicitacao.aprovador or "um administrador"
                messages.warning(
                    request,
                    f"Desconto acima da sua alçada: o pedido {pedido.numero} foi para aprovação "
                    f"({envio.solicitacao.papel_aprovador}, nível {envio.solicitacao.nivel}: "
                    f"{quem}).",
                )
            else:
                messages.success(request, f"Pedido {pedido.numero} enviado.")
        elif acao == "retirar":
            form = VersaoForm(request.POST)
            if not form.is_valid():
                raise ErroPedido(_erros(form))
            pedido_retirar_solicitacao(
                pedido_id=pedido.pk,
                versao=form.cleaned_data["versao"],
                ator=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, "Solicitação retirada: o pedido voltou para digitação.")
        else:
            form = CancelarPedidoForm(request.POST)
            if not form.is_valid():
                raise ErroPedido(_erros(form))
            pedido_cancelar(
                pedido_id=pedido.pk,
                versao=form.cleaned_data["versao"],
                motivo=form.cleaned_data["motivo"],
                ator=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, f"Pedido {pedido.numero} cancelado.")
    except ErroPedido as erro:
        messages.error(request, erro.mensagem)
        destino += "?aba=fechamento" if acao == "enviar" else ""
    return redirect(destino)


@login_required
@require_POST
def pedido_enviar_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _acao_status(request, pk, "enviar")


@login_required
@require_POST
def pedido_retirar_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _acao_status(request, pk, "retirar")


@login_required
@require_POST
def pedido_cancelar_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _acao_status(request, pk, "cancelar")


# --- approval queue ------------------------------------------------------------------------


@login_required
@permission_required("vendas.aprovar_pedido", raise_exception=True)
@require_GET
def aprovacao_fila(request: HttpRequest) -> HttpResponse:
    fila = list(selectors.fila_aprovacao(request.user)[:200])  # type: ignore[arg-type]
    return render(request, "vendas/aprovacao_fila.html", {"fila": fila})


@login_required
@permission_required("vendas.aprovar_pedido", raise_exception=True)
def aprovacao_decidir(request: HttpRequest, pk: int) -> HttpResponse:
    solicitacao = selectors.solicitacao_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    pedido = selectors.pedido_obter(user=request.user, pk=solicitacao.pedido_id)  # type: ignore[arg-type]
    form = DecisaoForm(request.POST or None, initial={"versao": pedido.versao})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            servico = pedido_aprovar if d["decisao"] == "aprovar" else pedido_recusar
            servico(
                solicitacao_id=solicitacao.pk,
                versao=d["versao"],
                comentario=d["comentario"],
                ator=request.user,  # type: ignore[arg-type]
            )
        except ErroPedido as erro:
            form.add_error(None, erro.mensagem)
        else:
            rotulo = "aprovado" if d["decisao"] == "aprovar" else "recusado"
            messages.success(request, f"Pedido {pedido.numero} {rotulo}.")
            return redirect("vendas:aprovacao-fila")
    itens = selectors.pedido_itens(pedido)
    ctx = _contexto(request, pedido, itens)
    ctx.update(solicitacao=solicitacao, form=form, decisoes=DecisaoAprovacao)
    return render(request, "vendas/aprovacao_decidir.html", ctx)


# --- printable documents (PDF) and e-mail --------------------------------------------------


def _documentos(pedido: Pedido) -> list[DocumentoGerado]:
    return list(DocumentoGerado.objects.filter(pedido=pedido).select_related("criado_por")[:10])


def _painel_documentos(
    request: HttpRequest, pedido: Pedido, mensagem: str = "", erro: bool = False
) -> HttpResponse:
    resposta = render(
        request,
        "vendas/partials/pedido_documentos.html",
        {
            "pedido": pedido,
            "documentos": _documentos(pedido),
            "mensagem": mensagem,
            "mensagem_erro": erro,
        },
    )
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_POST
def documento_gerar_view(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    tipo = request.POST.get("tipo", "")
    try:
        documento = documento_solicitar(
            pedido_id=pedido.pk,
            tipo=tipo,
            ator=request.user,  # type: ignore[arg-type]
        )
    except ErroPedido as erro:
        return _painel_documentos(request, pedido, erro.mensagem, erro=True)
    if not request.headers.get("HX-Request"):
        return redirect(reverse("vendas:pedido-detalhe", args=[pedido.pk]) + "?aba=documentos")
    return _painel_documentos(
        request, pedido, f"{documento.get_tipo_display()} na fila de geração."
    )


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def documento_progresso(request: HttpRequest, pk: int, documento: int) -> HttpResponse:
    doc = selectors.documento_obter(user=request.user, pedido_id=pk, pk=documento)  # type: ignore[arg-type]
    resposta = render(request, "vendas/partials/pedido_documento_linha.html", {"d": doc})
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta


@login_required
@permission_required("vendas.view_pedido", raise_exception=True)
@require_GET
def documento_baixar(request: HttpRequest, pk: int, documento: int) -> FileResponse:
    """The PDF, only through the order's visibility (a colleague gets 404, as for the order)."""
    doc = selectors.documento_obter(user=request.user, pedido_id=pk, pk=documento)  # type: ignore[arg-type]
    if doc.status != StatusJob.PRONTO or not doc.arquivo:
        raise Http404
    resposta = FileResponse(
        doc.arquivo.open("rb"),
        content_type="application/pdf",
        filename=doc.nome_arquivo,
        as_attachment=True,
    )
    resposta["Cache-Control"] = "private, no-store"
    return resposta


@login_required
# Writing to the client on the order's behalf is the order owner's act: a read-only role (SAC)
# sees and prints the proposal but does not send it.
@permission_required("vendas.change_pedido", raise_exception=True)
@require_POST
def pedido_email_view(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    try:
        envio = pedido_enviar_email(pedido_id=pedido.pk, ator=request.user)  # type: ignore[arg-type]
    except ErroPedido as erro:
        return _painel_documentos(request, pedido, erro.mensagem, erro=True)
    return _painel_documentos(request, pedido, envio.mensagem, erro=envio.documento is None)


# --- copy --------------------------------------------------------------------------------


@login_required
@permission_required("vendas.add_pedido", raise_exception=True)
@require_POST
def pedido_copiar_view(request: HttpRequest, pk: int) -> HttpResponse:
    original = selectors.pedido_obter(user=request.user, pk=pk)  # type: ignore[arg-type]
    # The copy keeps the original's type (the screen offers no other; a quote becomes an order
    # through "Converter em pedido"): nothing else is read from the POST.
    try:
        calculo = pedido_copiar(pedido_id=original.pk, ator=request.user)  # type: ignore[arg-type]
    except ErroPedido as erro:
        messages.error(request, erro.mensagem)
        return redirect("vendas:pedido-detalhe", original.pk)
    copia = calculo.pedido
    messages.info(
        request,
        f"{copia.get_tipo_display()} {copia.numero} criado como cópia do {original}: confira "
        "o comparativo antes de enviar.",
    )
    return redirect("vendas:pedido-detalhe", copia.pk)


@login_required
@require_POST
def copia_conferir_view(request: HttpRequest, pk: int) -> HttpResponse:
    pedido = _pedido_para_alterar(request, pk)
    form = VersaoForm(request.POST)
    try:
        if not form.is_valid():
            raise ErroPedido(_erros(form))
        pedido_conferir_copia(
            pedido_id=pedido.pk,
            versao=form.cleaned_data["versao"],
            ator=request.user,  # type: ignore[arg-type]
        )
    except ErroPedido as erro:
        messages.error(request, erro.mensagem)
    else:
        messages.success(request, "Cópia conferida: o pedido pode ser enviado.")
    return redirect("vendas:pedido-detalhe", pedido.pk)


# --- recalculation of every open order ---------------------------------------------------


@login_required
@permission_required("vendas.aprovar_pedido", raise_exception=True)
@require_POST
def recalculo_novo(request: HttpRequest) -> HttpResponse:
    job = recalculo_solicitar(
        motivo=f"Solicitado na tela por {request.user}",
        ator=request.user,  # type: ignore[arg-type]
    )
    return redirect("vendas:recalculo-detalhe", job.pk)


@login_required
@permission_required("vendas.aprovar_pedido", raise_exception=True)
@require_GET
def recalculo_detalhe(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a recalculation job (shared data of supervisors: its counts are for all
    orders); the failures listed by number are only those of orders the user may see."""
    job = get_object_or_404(RecalculoPedidos.objects.select_related("criado_por"), pk=pk)
    visiveis: set[int] = set()
    if job.falhas:
        visiveis = set(
            Pedido.objects.visiveis_para(request.user)  # type: ignore[arg-type]
            .filter(pk__in=[f["pedido"] for f in job.falhas])
            .values_list("pk", flat=True)
        )
    falhas = [f for f in job.falhas if f["pedido"] in visiveis]
    modelo = (
        "vendas/partials/recalculo_progresso.html"
        if request.headers.get("HX-Request")
        else "vendas/recalculo_detalhe.html"
    )
    ctx = {"job": job, "falhas": falhas, "falhas_ocultas": len(job.falhas) - len(falhas)}
    resposta = render(request, modelo, ctx)
    patch_vary_headers(resposta, ("HX-Request",))
    return resposta
