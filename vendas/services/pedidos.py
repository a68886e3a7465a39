"""Writes on orders: each service locks the order row, checks the version the user saw
(optimistic locking), changes it, writes its PedidoEvento and recalculates through the ONE
calculation (vendas/calculo.py).

Only these functions change an order. What a form does not offer (status, approver,
commission, representative, version) is never taken from user input: the views pass the
cleaned fields one by one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from cadastro.constants import TipoEventoCliente
from cadastro.models import Cliente, Endereco, EventoCliente
from crm.templatetags.formatos import brl as formatar_brl
from vendas.calculo import Calculo, qtd_br, quantidades_por_produto, recalcular
from vendas.constants import (
    DecisaoAprovacao,
    StatusItem,
    StatusPedido,
    TipoDocumento,
    TipoEventoPedido,
)
from vendas.models import (
    DocumentoGerado,
    ItemPedido,
    MotivoCancelamento,
    Pedido,
    PedidoEvento,
    RecalculoPedidos,
    SolicitacaoAprovacao,
    StatusJob,
    TipoDocumentoGerado,
)

if TYPE_CHECKING:
    from contas.models import Usuario
    from produtos.models import Lote, Produto

PAPEL_SEM_APROVACAO = "Representante"


class ErroPedido(Exception):
    """A business rule refused the change; `mensagem` is shown to the user as is (pt-BR)."""

    def __init__(self, mensagem: str) -> None:
        self.mensagem = mensagem
        super().__init__(mensagem)


class ConflitoVersao(ErroPedido):
    """Somebody saved the order after this user loaded it: never overwrite silently."""

    def __init__(self, pedido: Pedido, versao_vista: int) -> None:
        self.pedido = pedido
        self.versao_vista = versao_vista
        quem = str(pedido.atualizado_por) if pedido.atualizado_por_id else "outro usuário"
        quando = date_format(timezone.localtime(pedido.atualizado_em), "d/m/Y H:i")
        super().__init__(
            f"O pedido {pedido.numero} foi alterado por {quem} em {quando} (versão "
            f"{pedido.versao}; você estava na versão {versao_vista}). Recarregue o pedido para "
            "ver as mudanças antes de alterar de novo."
        )


def _evento(pedido: Pedido, tipo: str, ator: Usuario | None, **dados: Any) -> PedidoEvento:
    return PedidoEvento.objects.create(
        pedido=pedido, tipo=tipo, ator=ator, versao=pedido.versao, dados=dados
    )


def _texto(valor: Any) -> Any:
    """JSON-friendly value for event data (Decimal/date/model → text)."""
    if valor is None or isinstance(valor, bool | int | str):
        return valor
    if isinstance(valor, Decimal):
        return f"{valor.normalize():f}"
    if hasattr(valor, "isoformat"):
        return valor.isoformat()
    return str(valor)


def _travar(pedido_id: int) -> Pedido:
    """The order row under FOR UPDATE (only that row), with what the calculation reads.

    Not `.get()`: its `LIMIT 21` makes Postgres plan this 10-table join in ~9 ms instead of
    ~3 ms (measured, bench/pedido.py); the primary key already yields at most one row."""
    linhas = (
        Pedido.objects.select_for_update(of=("self",))
        .select_related(
            "cliente__tipo_cliente",
            "empresa",
            "representante",
            "condicao_pagamento",
            "tipo_frete",
            "natureza_operacao",
            "armazem",
            "atualizado_por",
        )
        .filter(pk=pedido_id)
        .order_by()
    )
    for pedido in linhas:
        return pedido
    raise Pedido.DoesNotExist(f"Pedido {pedido_id} não existe.")


def _anular_aprovacao(pedido: Pedido, ator: Usuario) -> None:
    """An approved order was changed: the approval was for another version, it is void."""
    aprovadas = SolicitacaoAprovacao.objects.filter(
        pedido=pedido, decisao=DecisaoAprovacao.APROVADA, versao=pedido.versao
    )
    ids = list(aprovadas.values_list("pk", flat=True))
    aprovadas.update(decisao=DecisaoAprovacao.ANULADA)
    pedido.transitar(StatusPedido.EM_DIGITACAO)
    _evento(
        pedido,
        TipoEventoPedido.APROVACAO_ANULADA,
        ator,
        solicitacoes=ids,
        motivo="O pedido foi alterado depois da aprovação.",
    )


def _para_alterar(pedido_id: int, versao: int) -> Pedido:
    """Lock, check the version seen and that the status allows editing."""
    pedido = _travar(pedido_id)
    if pedido.versao != versao:
        raise ConflitoVersao(pedido, versao)
    if not pedido.editavel:
        raise ErroPedido(f"O pedido está “{pedido.get_status_display()}”: não pode ser alterado.")
    return pedido


def _gravar_versao(pedido: Pedido, ator: Usuario, campos: tuple[str, ...] = ()) -> None:
    """Persist a content change: new version, who did it; an approved order goes back to
    em_digitacao (its approval was for the previous version), a refused one is reopened."""
    if pedido.status == StatusPedido.APROVADO:
        _anular_aprovacao(pedido, ator)
    elif pedido.status == StatusPedido.RECUSADO:
        pedido.transitar(StatusPedido.EM_DIGITACAO)
        _evento(pedido, TipoEventoPedido.REABERTO, ator)
    pedido.versao += 1
    pedido.atualizado_por = ator
    pedido.save(update_fields=[*campos, "versao", "atualizado_por", "status", "atualizado_em"])


# --- creation ----------------------------------------------------------------------------


def _proximo_numero() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('vendas_pedido_numero_seq')")
        return int(cursor.fetchone()[0])


@transaction.atomic
def pedido_criar(
    *,
    cliente_id: int,
    tipo: str = TipoDocumento.PEDIDO,
    ator: Usuario,
    dados: Mapping[str, Any] | None = None,
) -> Calculo:
    """A new order/quote for a client the user sees, as em_digitacao, recalculated (empty).

    The representative is the client's portfolio owner when the user is not a rep of it
    (a supervisor typing for the team), otherwise the user. `dados`: header fields the form
    offers (tipo_pedido, origem, condicao_pagamento, tipo_frete, transportadora, valor_frete,
    desconto_percentual, chave_rateio_frete, natureza_operacao, observacoes…).
    """
    cliente = (
        Cliente.objects.visiveis_para(ator)
        .select_related("tabela_venda", "carteira__representante", "tipo_cliente")
        .filter(pk=cliente_id)
        .first()
    )
    if cliente is None:
        raise ErroPedido("Cliente não encontrado na sua carteira.")
    if tipo not in TipoDocumento.values:
        raise ErroPedido("Tipo de documento inválido.")
    if ator.empresa_id is None:
        raise ErroPedido("Seu usuário não está ligado a uma empresa: peça ao administrador.")
    representante = ator
    carteira = cliente.carteira  # select_related above; None without a carteira (no query)
    if carteira is not None and carteira.representante_id != ator.pk:
        representante = carteira.representante
    endereco = (
        Endereco.objects.filter(cliente=cliente).order_by("-principal", "id").values("uf").first()
    )
    tabela = cliente.tabela_venda
    pedido = Pedido(
        tipo=tipo,
        numero=_proximo_numero(),
        empresa_id=ator.empresa_id,
        cliente=cliente,
        representante=representante,
        data=timezone.localdate(),
        tabela_venda=tabela,
        armazem_id=tabela.armazem_id if tabela else None,
        local_faturamento_id=tabela.local_faturamento_id if tabela else None,
        uf_destino=endereco["uf"] if endereco else "",
        atualizado_por=ator,
    )
    for campo, valor in (dados or {}).items():
        setattr(pedido, campo, valor)
    pedido.save()
    _evento(pedido, TipoEventoPedido.CRIADO, ator, documento=tipo, numero=pedido.numero)
    EventoCliente.registrar(
        cliente=cliente,
        tipo=TipoEventoCliente.ORCAMENTO
        if tipo == TipoDocumento.ORCAMENTO
        else TipoEventoCliente.PEDIDO,
        ator=ator,
        descricao=f"{pedido.get_tipo_display()} {pedido.numero} criado",
        dados={"pedido": pedido.pk, "numero": pedido.numero},
    )
    return recalcular(_travar(pedido.pk))


# --- header ------------------------------------------------------------------------------


@transaction.atomic
def pedido_alterar_cabecalho(
    *, pedido_id: int, versao: int, dados: Mapping[str, Any], ator: Usuario
) -> Calculo:
    """Header fields offered by the form (never status/representative/approver)."""
    pedido = _para_alterar(pedido_id, versao)
    mudancas = {}
    for campo, valor in dados.items():
        antes = getattr(pedido, campo)
        if antes != valor:
            mudancas[campo] = {"de": _texto(antes), "para": _texto(valor)}
            setattr(pedido, campo, valor)
    if not mudancas:
        return recalcular(pedido)
    _gravar_versao(pedido, ator, tuple(dados.keys()))
    _evento(pedido, TipoEventoPedido.CABECALHO_ALTERADO, ator, campos=mudancas)
    return recalcular(pedido)


# --- items -------------------------------------------------------------------------------


@transaction.atomic
def item_adicionar(
    *,
    pedido_id: int,
    versao: int,
    produto: Produto,
    quantidade: Decimal,
    ator: Usuario,
    desconto_percentual: Decimal = Decimal(0),
    acrescimo_percentual: Decimal = Decimal(0),
    novo_preco: Decimal | None = None,
    lote: Lote | None = None,
    data_promessa: Any = None,
) -> Calculo:
    """One item (the search form): the shared batch path with one line, so kits explode and
    the event is the same as for the cart and the paste box."""
    from vendas.services.catalogo import Linha, itens_adicionar

    linha = Linha(
        produto=produto,
        quantidade=quantidade,
        desconto_percentual=desconto_percentual,
        acrescimo_percentual=acrescimo_percentual,
        novo_preco=novo_preco,
        lote=lote,
        data_promessa=data_promessa,
    )
    return itens_adicionar(pedido_id=pedido_id, versao=versao, linhas=[linha], ator=ator).calculo


CAMPOS_ITEM_EDITAVEIS = (
    "quantidade",
    "novo_preco",
    "desconto_percentual",
    "acrescimo_percentual",
    "lote",
    "data_promessa",
)


@transaction.atomic
def item_alterar(
    *, pedido_id: int, item_id: int, versao: int, dados: Mapping[str, Any], ator: Usuario
) -> Calculo:
    """Change what the rep types on an item (CAMPOS_ITEM_EDITAVEIS only)."""
    pedido = _para_alterar(pedido_id, versao)
    item = ItemPedido.objects.select_for_update().filter(pedido=pedido, pk=item_id).first()
    if item is None:
        raise ErroPedido("Item não encontrado neste pedido.")
    if item.status != StatusItem.ATIVO:
        raise ErroPedido(f"O item {item.sequencia} está cancelado.")
    mudancas = {}
    for campo, valor in dados.items():
        if campo not in CAMPOS_ITEM_EDITAVEIS:
            raise ErroPedido(f"O campo {campo} não pode ser alterado.")
        antes = getattr(item, campo)
        if antes != valor:
            mudancas[campo] = {"de": _texto(antes), "para": _texto(valor)}
            setattr(item, campo, valor)
    if item.quantidade is None or item.quantidade <= 0:
        raise ErroPedido("A quantidade deve ser maior que zero.")
    if not mudancas:
        return recalcular(pedido)
    item.save(update_fields=list(dados.keys()))
    _gravar_versao(pedido, ator)
    _evento(
        pedido,
        TipoEventoPedido.ITEM_ALTERADO,
        ator,
        item=item.sequencia,
        produto=item.produto.codigo,
        campos=mudancas,
    )
    return recalcular(pedido)


@transaction.atomic
def item_cancelar(
    *, pedido_id: int, item_id: int, versao: int, motivo: MotivoCancelamento, ator: Usuario
) -> Calculo:
    pedido = _para_alterar(pedido_id, versao)
    item = ItemPedido.objects.select_for_update().filter(pedido=pedido, pk=item_id).first()
    if item is None:
        raise ErroPedido("Item não encontrado neste pedido.")
    if item.status == StatusItem.CANCELADO:
        raise ErroPedido(f"O item {item.sequencia} já está cancelado.")
    # A cancelled item leaves the totals: its stored values are zeroed, the reason kept.
    ItemPedido.objects.filter(pk=item.pk).update(
        status=StatusItem.CANCELADO,
        motivo_cancelamento=motivo,
        problemas=[],
        **{
            c: Decimal(0)
            for c in (
                "v_prod",
                "v_desc",
                "v_frete",
                "v_ipi",
                "v_icms",
                "v_st",
                "v_fcp",
                "v_difal",
                "v_pis",
                "v_cofins",
                "total",
            )
        },
    )
    _gravar_versao(pedido, ator)
    _evento(
        pedido,
        TipoEventoPedido.ITEM_CANCELADO,
        ator,
        item=item.sequencia,
        produto=item.produto.codigo,
        motivo=motivo.descricao,
    )
    return recalcular(pedido)


@transaction.atomic
def pedido_recalcular(*, pedido_id: int, ator: Usuario | None = None) -> Calculo:
    """Recalculate with today's matrices, prices and stock (no version bump: nothing the user
    typed changed). Records an event only when the total changed."""
    pedido = _travar(pedido_id)
    antes = pedido.v_nf
    calculo = recalcular(pedido)
    if calculo.pedido.v_nf != antes:
        _evento(
            pedido,
            TipoEventoPedido.RECALCULADO,
            ator,
            total_antes=_texto(antes),
            total_depois=_texto(calculo.pedido.v_nf),
        )
    _conferir_aprovacao(pedido, ator)
    return calculo


def _aprovacao_confere(solicitacao: SolicitacaoAprovacao, pedido: Pedido) -> bool:
    """An approval (or a request waiting for one) holds for what the approver saw: the same
    version (checked by the callers' queries), the same total and no higher alçada level."""
    return solicitacao.detalhes.get("total") == _texto(pedido.v_nf) and solicitacao.nivel >= (
        pedido.nivel_alcada or 0
    )


def _conferir_aprovacao(pedido: Pedido, ator: Usuario | None) -> None:
    """A recalculation does not bump the version (nothing the user typed changed), but new
    matrices, prices or stock may change what an approval was given for, or asked for. Then
    it is void and the order goes back to digitação: the rep sees the new figures and sends
    again, to whoever holds the level now needed. (`pedido_enviar` checks the same at send.)"""
    if pedido.status == StatusPedido.APROVADO:
        decisao = DecisaoAprovacao.APROVADA
    elif pedido.status == StatusPedido.AGUARDANDO_APROVACAO:
        decisao = DecisaoAprovacao.PENDENTE
    else:
        return
    solicitacoes = list(
        SolicitacaoAprovacao.objects.filter(pedido=pedido, versao=pedido.versao, decisao=decisao)
    )
    if all(_aprovacao_confere(s, pedido) for s in solicitacoes):
        return
    SolicitacaoAprovacao.objects.filter(pk__in=[s.pk for s in solicitacoes]).update(
        decisao=DecisaoAprovacao.ANULADA
    )
    pedido.transitar(StatusPedido.EM_DIGITACAO)
    Pedido.objects.filter(pk=pedido.pk).update(status=pedido.status)
    _evento(
        pedido,
        TipoEventoPedido.APROVACAO_ANULADA,
        ator,
        solicitacoes=[s.pk for s in solicitacoes],
        motivo=(
            "O recálculo com as matrizes, preços e estoque de hoje mudou o total ou o nível de "
            "alçada desde a solicitação: envie o pedido de novo."
        ),
        total_solicitado=solicitacoes[0].detalhes.get("total") if solicitacoes else None,
        total_atual=_texto(pedido.v_nf),
    )


# --- approval (alçada) and sending ------------------------------------------------------


@dataclass(frozen=True)
class Envio:
    pedido: Pedido
    solicitacao: SolicitacaoAprovacao | None


def aprovacao_valida(pedido: Pedido) -> SolicitacaoAprovacao | None:
    """The approval of the order's CURRENT version, if any, and only while it still matches
    the order's figures (`_aprovacao_confere`: a recalculation may have changed them)."""
    aprovacao = (
        SolicitacaoAprovacao.objects.filter(
            pedido=pedido, decisao=DecisaoAprovacao.APROVADA, versao=pedido.versao
        )
        .order_by("-decidido_em")
        .first()
    )
    return aprovacao if aprovacao and _aprovacao_confere(aprovacao, pedido) else None


def _aprovador_para(pedido: Pedido, papel: str) -> Usuario | None:
    """Supervisor: the one heading the rep's team. Administrador: any (left empty)."""
    if papel == "Supervisor":
        Usuario = get_user_model()
        return (
            Usuario.objects.filter(equipes_supervisionadas__membros=pedido.representante_id)
            .order_by("pk")
            .first()
        )
    return None


@transaction.atomic
def pedido_enviar(*, pedido_id: int, versao: int, ator: Usuario, justificativa: str = "") -> Envio:
    """Send the order. Blocking problems refuse it; a discount beyond the rep's alçada sends
    it to aguardando_aprovacao in the queue of who holds the needed level; within the alçada
    (or with an approval of this very version) it becomes enviado."""
    pedido = _travar(pedido_id)
    if pedido.versao != versao:
        raise ConflitoVersao(pedido, versao)
    if pedido.status not in (
        StatusPedido.EM_DIGITACAO,
        StatusPedido.APROVADO,
        StatusPedido.RECUSADO,
    ):
        raise ErroPedido(f"O pedido está “{pedido.get_status_display()}”: não pode ser enviado.")
    calculo = recalcular(pedido)
    if pedido.tem_bloqueio:
        n = len(pedido.problemas_bloqueantes)
        raise ErroPedido(
            f"O pedido tem {n} problema{'s' if n != 1 else ''} que impede{'m' if n != 1 else ''} "
            "o envio: veja a aba Fechamento."
        )
    precisa = bool(pedido.papel_aprovador) and pedido.papel_aprovador != PAPEL_SEM_APROVACAO
    if precisa and aprovacao_valida(pedido) is None:
        if pedido.status == StatusPedido.RECUSADO:
            pedido.transitar(StatusPedido.EM_DIGITACAO)
        if pedido.status == StatusPedido.APROVADO:
            # Approved, but for another version (the check above found none for this one).
            pedido.transitar(StatusPedido.EM_DIGITACAO)
        pedido.transitar(StatusPedido.AGUARDANDO_APROVACAO)
        acima = [
            {
                "item": i.sequencia,
                "produto": i.produto.codigo,
                "descricao": i.produto.descricao,
                "desconto_efetivo": _texto(i.percentual_desconto_efetivo),
                "desconto_alcada": _texto(i.percentual_desconto_alcada),
                "promocao": i.promocao_id,
                "nivel": i.nivel_alcada,
                "papel": i.papel_aprovador,
            }
            for i in calculo.itens
            if i.status == StatusItem.ATIVO
            and i.papel_aprovador
            and i.papel_aprovador != PAPEL_SEM_APROVACAO
        ]
        solicitacao = SolicitacaoAprovacao.objects.create(
            pedido=pedido,
            versao=pedido.versao,
            solicitante=ator,
            justificativa=justificativa.strip(),
            nivel=pedido.nivel_alcada or 0,
            papel_aprovador=pedido.papel_aprovador,
            aprovador=_aprovador_para(pedido, pedido.papel_aprovador),
            detalhes={
                "itens": acima,
                "desconto_pedido": _texto(pedido.desconto_percentual),
                "total": _texto(pedido.v_nf),
            },
        )
        Pedido.objects.filter(pk=pedido.pk).update(status=pedido.status)
        _evento(
            pedido,
            TipoEventoPedido.APROVACAO_SOLICITADA,
            ator,
            solicitacao=solicitacao.pk,
            nivel=solicitacao.nivel,
            papel=solicitacao.papel_aprovador,
            aprovador=str(solicitacao.aprovador) if solicitacao.aprovador else "Administrador",
            justificativa=solicitacao.justificativa,
            itens=[a["item"] for a in acima],
        )
        return Envio(pedido=pedido, solicitacao=solicitacao)
    if pedido.status == StatusPedido.RECUSADO:
        pedido.transitar(StatusPedido.EM_DIGITACAO)
    pedido.transitar(StatusPedido.ENVIADO)
    cotas = _consumir_cotas(pedido, calculo.itens)
    Pedido.objects.filter(pk=pedido.pk).update(status=pedido.status)
    _evento(pedido, TipoEventoPedido.ENVIADO, ator, total=_texto(pedido.v_nf), cotas=cotas)
    return Envio(pedido=pedido, solicitacao=None)


def _consumir_cotas(pedido: Pedido, itens: list[ItemPedido]) -> list[dict[str, str]]:
    """A sent order (not a quote) consumes every quota that applies to it: each product's
    quantity, in its own unit, from each quota of the order's rep and/or client valid on its
    date. The quota rows are locked (pk order) and the balance checked again under the lock:
    two orders sent at once cannot both take the last units (the closing tab checked without
    a lock). Returns what was consumed, for the event."""
    from produtos.models import Cota

    if pedido.tipo != TipoDocumento.PEDIDO:
        return []
    pedidas = quantidades_por_produto(itens)
    cotas = list(
        Cota.objects.select_for_update(of=("self",))
        .filter(
            Q(representante__isnull=True) | Q(representante_id=pedido.representante_id),
            Q(cliente__isnull=True) | Q(cliente_id=pedido.cliente_id),
            produto_id__in=pedidas,
            inicio__lte=pedido.data,
            fim__gte=pedido.data,
        )
        .select_related("produto__unidade")
        .order_by("pk")
    )
    consumo = []
    for cota in cotas:
        quantidade = pedidas[cota.produto_id]
        if quantidade > cota.saldo:
            raise ErroPedido(
                f"A cota de {cota.produto.codigo} acabou de ser usada por outro pedido: saldo "
                f"{qtd_br(max(cota.saldo, Decimal(0)))} {cota.produto.unidade}, este pedido "
                f"precisa de {qtd_br(quantidade)}. Ajuste a quantidade."
            )
        cota.consumida += quantidade
        consumo.append(
            {"cota": str(cota.pk), "produto": cota.produto.codigo, "quantidade": _texto(quantidade)}
        )
    if cotas:
        Cota.objects.bulk_update(cotas, ["consumida"])
    return consumo


def _decidir(
    solicitacao_id: int, versao: int, ator: Usuario, decisao: str, comentario: str
) -> SolicitacaoAprovacao:
    solicitacao = (
        SolicitacaoAprovacao.objects.fila_de(ator)
        .select_related("pedido")
        .filter(pk=solicitacao_id)
        .first()
    )
    if solicitacao is None:
        raise ErroPedido("Solicitação não encontrada na sua fila de aprovação.")
    pedido = _travar(solicitacao.pedido_id)
    solicitacao = SolicitacaoAprovacao.objects.select_for_update().get(pk=solicitacao.pk)
    if solicitacao.decisao != DecisaoAprovacao.PENDENTE:
        raise ErroPedido("Esta solicitação já foi decidida.")
    if pedido.versao != versao or solicitacao.versao != pedido.versao:
        raise ConflitoVersao(pedido, versao)
    if decisao == DecisaoAprovacao.RECUSADA and not comentario.strip():
        raise ErroPedido("Diga ao representante por que recusou.")
    pedido.transitar(
        StatusPedido.APROVADO if decisao == DecisaoAprovacao.APROVADA else StatusPedido.RECUSADO
    )
    Pedido.objects.filter(pk=pedido.pk).update(status=pedido.status, atualizado_em=timezone.now())
    solicitacao.decisao = decisao
    solicitacao.decidido_por = ator
    solicitacao.decidido_em = timezone.now()
    solicitacao.comentario = comentario.strip()
    solicitacao.save(update_fields=["decisao", "decidido_por", "decidido_em", "comentario"])
    _evento(
        pedido,
        TipoEventoPedido.APROVADO
        if decisao == DecisaoAprovacao.APROVADA
        else TipoEventoPedido.RECUSADO,
        ator,
        solicitacao=solicitacao.pk,
        comentario=solicitacao.comentario,
        versao_aprovada=solicitacao.versao,
    )
    solicitacao.pedido = pedido
    return solicitacao


@transaction.atomic
def pedido_aprovar(
    *, solicitacao_id: int, versao: int, ator: Usuario, comentario: str = ""
) -> SolicitacaoAprovacao:
    """Approve the version the supervisor looked at (a changed order cannot be approved)."""
    return _decidir(solicitacao_id, versao, ator, DecisaoAprovacao.APROVADA, comentario)


@transaction.atomic
def pedido_recusar(
    *, solicitacao_id: int, versao: int, ator: Usuario, comentario: str
) -> SolicitacaoAprovacao:
    return _decidir(solicitacao_id, versao, ator, DecisaoAprovacao.RECUSADA, comentario)


@transaction.atomic
def pedido_retirar_solicitacao(*, pedido_id: int, versao: int, ator: Usuario) -> Pedido:
    """The rep takes the order back from the approval queue to change it."""
    pedido = _travar(pedido_id)
    if pedido.versao != versao:
        raise ConflitoVersao(pedido, versao)
    pedido.transitar(StatusPedido.EM_DIGITACAO)
    SolicitacaoAprovacao.objects.filter(pedido=pedido, decisao=DecisaoAprovacao.PENDENTE).update(
        decisao=DecisaoAprovacao.RETIRADA, decidido_por=ator, decidido_em=timezone.now()
    )
    Pedido.objects.filter(pk=pedido.pk).update(status=pedido.status)
    _evento(pedido, TipoEventoPedido.SOLICITACAO_RETIRADA, ator)
    return pedido


@transaction.atomic
def pedido_cancelar(*, pedido_id: int, versao: int, ator: Usuario, motivo: str) -> Pedido:
    pedido = _travar(pedido_id)
    if pedido.versao != versao:
        raise ConflitoVersao(pedido, versao)
    if not motivo.strip():
        raise ErroPedido("Informe o motivo do cancelamento.")
    pedido.transitar(StatusPedido.CANCELADO)
    SolicitacaoAprovacao.objects.filter(pedido=pedido, decisao=DecisaoAprovacao.PENDENTE).update(
        decisao=DecisaoAprovacao.RETIRADA, decidido_por=ator, decidido_em=timezone.now()
    )
    Pedido.objects.filter(pk=pedido.pk).update(status=pedido.status, atualizado_em=timezone.now())
    from vendas.services.contratos import programacoes_liberar_do_pedido

    liberadas = programacoes_liberar_do_pedido(pedido=pedido, ator=ator)
    _evento(
        pedido, TipoEventoPedido.CANCELADO, ator, motivo=motivo.strip(),
        **({"programacoes_contrato_liberadas": liberadas} if liberadas else {}),
    )  # fmt: skip
    return pedido


# --- printable documents (PDF) and e-mail -------------------------------------------------


def _pedido_visivel(pedido_id: int, ator: Usuario) -> Pedido:
    pedido = (
        Pedido.objects.visiveis_para(ator)
        .select_related("cliente", "empresa", "representante")
        .filter(pk=pedido_id)
        .first()
    )
    if pedido is None:
        raise ErroPedido("Pedido não encontrado.")
    return pedido


@transaction.atomic
def documento_solicitar(
    *, pedido_id: int, tipo: str, ator: Usuario, email_para: str = ""
) -> DocumentoGerado:
    """Queue the PDF of the order's current version; the task renders it (progress in the row).
    `email_para`: e-mail it there once ready (only `pedido_enviar_email` sets it)."""
    if tipo not in TipoDocumentoGerado.values:
        raise ErroPedido("Tipo de documento inválido.")
    pedido = _pedido_visivel(pedido_id, ator)
    documento = DocumentoGerado.objects.create(
        pedido=pedido,
        tipo=tipo,
        versao_pedido=pedido.versao,
        criado_por=ator,
        email_para=email_para,
        etapa="Na fila",
    )
    _evento(
        pedido,
        TipoEventoPedido.DOCUMENTO_SOLICITADO,
        ator,
        documento=documento.pk,
        documento_tipo=documento.get_tipo_display(),
    )
    from vendas.tasks import gerar_documento

    transaction.on_commit(lambda: gerar_documento.delay(documento.pk))
    return documento


def _etapa(documento_id: int, progresso: int, etapa: str, **campos: Any) -> None:
    """Progress is written outside any transaction: the polling page sees it at once."""
    DocumentoGerado.objects.filter(pk=documento_id).update(
        progresso=progresso, etapa=etapa, **campos
    )


def documento_gerar(documento_id: int) -> DocumentoGerado | None:
    """Render the PDF of a queued document (the Celery task's body). Idempotent: a document
    already rendered is not rendered again (a re-delivered task only finishes the e-mail);
    one left "gerando" by a dead worker is taken over. Errors are recorded in the row."""
    from django.core.files.base import ContentFile

    from vendas import pdf
    from vendas.selectors import pedido_itens

    tomado = DocumentoGerado.objects.filter(
        pk=documento_id, status__in=(StatusJob.PENDENTE, StatusJob.PROCESSANDO)
    ).update(status=StatusJob.PROCESSANDO, progresso=5, etapa="Carregando o pedido", erro="")
    documento = (
        DocumentoGerado.objects.select_related("pedido__empresa", "criado_por")
        .filter(pk=documento_id)
        .first()
    )
    if documento is None:
        return None
    if not tomado:
        if documento.status == StatusJob.PRONTO:
            _enviar_email_documento(documento)
        return documento
    try:
        pedido = (
            Pedido.objects.select_related(
                "cliente",
                "empresa",
                "representante",
                "condicao_pagamento",
                "tipo_frete",
                "transportadora",
            )
            .filter(pk=documento.pedido_id)
            .get()
        )
        itens = pedido_itens(pedido)
        _etapa(documento_id, 20, "Montando o documento")
        conteudo = pdf.html(documento.tipo, pedido, itens)
        _etapa(documento_id, 40, f"Paginando {len(itens)} itens")
        dados, paginas = pdf.pdf(conteudo)
        _etapa(documento_id, 90, "Gravando o arquivo")
        documento.arquivo.save(
            f"{documento.tipo}-{pedido.numero}-{uuid.uuid4().hex}.pdf",
            ContentFile(dados),
            save=False,
        )
    except Exception as erro:  # recorded for the user; the task does not retry a bad render
        DocumentoGerado.objects.filter(pk=documento_id).update(
            status=StatusJob.ERRO,
            etapa="Falhou",
            erro=f"{type(erro).__name__}: {erro}"[:2000],
            concluido_em=timezone.now(),
        )
        _evento(
            documento.pedido,
            TipoEventoPedido.DOCUMENTO_FALHOU,
            documento.criado_por,
            documento=documento.pk,
            erro=str(erro)[:300],
        )
        documento.refresh_from_db()
        return documento
    DocumentoGerado.objects.filter(pk=documento_id).update(
        status=StatusJob.PRONTO,
        progresso=100,
        etapa="Pronto",
        arquivo=documento.arquivo.name,
        paginas=paginas,
        concluido_em=timezone.now(),
    )
    _evento(
        pedido,
        TipoEventoPedido.DOCUMENTO_GERADO,
        documento.criado_por,
        documento=documento.pk,
        documento_tipo=documento.get_tipo_display(),
        paginas=paginas,
    )
    documento.refresh_from_db()
    _enviar_email_documento(documento)
    return documento


def email_autorizado(cliente: Cliente) -> tuple[str | None, str]:
    """The address to send to and "" — or None and the reason, in pt-BR. Only a client whose
    CURRENT e-mail consent (latest event of the channel, LGPD) is granted, at its main e-mail."""
    from cadastro.constants import CanalContato
    from cadastro.models import ContatoEletronico
    from cadastro.selectors import consentimentos_atuais

    atual = next(c for c in consentimentos_atuais(cliente) if c.canal == CanalContato.EMAIL)
    if atual.evento is None or not atual.evento.concedido:
        situacao = "revogou" if atual.evento is not None else "não deu"
        return None, (
            f"O cliente {situacao} consentimento para contato por e-mail: o pedido não pode ser "
            "enviado por e-mail. Registre o consentimento na ficha do cliente, se ele autorizar."
        )
    email = (
        ContatoEletronico.objects.filter(cliente=cliente, tipo="email")
        .order_by("-principal", "id")
        .values_list("valor", flat=True)
        .first()
    )
    if not email:
        return None, "O cliente não tem e-mail cadastrado: cadastre um na ficha do cliente."
    return email, ""


@dataclass(frozen=True)
class EnvioEmail:
    documento: DocumentoGerado | None
    mensagem: str


@transaction.atomic
def pedido_enviar_email(*, pedido_id: int, ator: Usuario) -> EnvioEmail:
    """E-mail the order's proposal (PDF attached) to the client — only to an e-mail channel the
    client consented to. A refusal is recorded on the order too (who tried, why)."""
    pedido = _pedido_visivel(pedido_id, ator)
    email, motivo = email_autorizado(pedido.cliente)
    if email is None:
        _evento(pedido, TipoEventoPedido.EMAIL_RECUSADO, ator, motivo=motivo)
        return EnvioEmail(documento=None, mensagem=motivo)
    documento = documento_solicitar(
        pedido_id=pedido.pk, tipo=TipoDocumentoGerado.PROPOSTA, ator=ator, email_para=email
    )
    _evento(pedido, TipoEventoPedido.EMAIL_SOLICITADO, ator, para=email, documento=documento.pk)
    return EnvioEmail(
        documento=documento,
        mensagem=f"A proposta será gerada e enviada para {email}; acompanhe abaixo.",
    )


def _enviar_email_documento(documento: DocumentoGerado) -> None:
    """Send a ready document to `email_para` once (email_enviado_em marks it sent), checking
    the consent again: it may have been revoked while the PDF was rendered."""
    from django.core.mail import EmailMessage

    if not documento.email_para or documento.email_enviado_em or not documento.arquivo:
        return
    pedido = Pedido.objects.select_related("cliente", "empresa", "representante").get(
        pk=documento.pedido_id
    )
    email, motivo = email_autorizado(pedido.cliente)
    if email != documento.email_para:
        motivo = motivo or "O e-mail do cliente mudou depois do pedido de envio."
        DocumentoGerado.objects.filter(pk=documento.pk).update(erro=motivo)
        _evento(pedido, TipoEventoPedido.EMAIL_RECUSADO, documento.criado_por, motivo=motivo)
        return
    empresa = pedido.empresa
    mensagem = EmailMessage(
        subject=f"{pedido.get_tipo_display()} {pedido.numero} – {empresa}",
        body=(
            f"Prezado(a) {pedido.cliente.nome},\n\n"
            f"Segue em anexo a proposta referente ao {pedido.get_tipo_display().lower()} "
            f"{pedido.numero}, no valor total de {formatar_brl(pedido.v_nf)}.\n\n"
            f"Atenciosamente,\n{pedido.representante.get_full_name() or pedido.representante}\n"
            f"{empresa.nome} – CNPJ {empresa.cnpj_formatado}\n"
        ),
        to=[email],
    )
    with documento.arquivo.open("rb") as arquivo:
        mensagem.attach(documento.nome_arquivo, arquivo.read(), "application/pdf")
    mensagem.send()
    DocumentoGerado.objects.filter(pk=documento.pk).update(email_enviado_em=timezone.now())
    _evento(
        pedido,
        TipoEventoPedido.EMAIL_ENVIADO,
        documento.criado_por,
        para=email,
        documento=documento.pk,
    )


# --- copy of an order --------------------------------------------------------------------

CAMPOS_CABECALHO_COPIADOS = (
    "condicao_pagamento_id", "tipo_frete_id", "transportadora_id", "valor_frete",
    "desconto_percentual", "chave_rateio_frete", "natureza_operacao_id", "tipo_pedido_id",
    "origem_id", "observacoes",
)  # fmt: skip


def _fmt(valor: Any, tipo: str) -> str:
    from crm.templatetags.formatos import percentual

    if valor is None:
        return "—"
    if tipo == "moeda":
        return formatar_brl(valor)
    if tipo == "percentual":
        return percentual(valor, 2)
    if tipo == "quantidade":
        return f"{Decimal(valor).normalize():f}".replace(".", ",")
    return str(valor)


# What the copy compares, item by item: (label, attribute, kind).
COMPARADOS = (
    ("Preço de lista", "preco_lista", "moeda"),
    ("Preço unitário", "preco_unitario", "moeda"),
    ("Estoque disponível", "estoque_disponivel", "quantidade"),
    ("Alíquota ICMS", "aliq_icms", "percentual"),
    ("IPI", "v_ipi", "moeda"),
    ("ICMS-ST", "v_st", "moeda"),
    ("Comissão", "percentual_comissao", "percentual"),
    ("Quem aprova", "papel_aprovador", "texto"),
    ("Total do item", "total", "moeda"),
)


def _promocoes(produto_ids: list[int], data: Any, tabela_id: int | None) -> dict[int, str]:
    from django.db.models import Q

    from produtos.models import Promocao

    promocoes: dict[int, str] = {}
    for p in Promocao.objects.filter(
        Q(tabela_id=tabela_id) | Q(tabela__isnull=True),
        produto_id__in=produto_ids,
        inicio__lte=data,
        fim__gte=data,
    ).order_by("produto_id", "-inicio"):
        if p.produto_id not in promocoes:
            oferta = (
                formatar_brl(p.preco)
                if p.preco is not None
                else f"{_fmt(p.percentual_desconto, 'percentual')} de desconto"
            )
            promocoes[p.produto_id] = f"{p.descricao} ({oferta})"
    return promocoes


def comparar_copia(
    original: Pedido, antigos: list[ItemPedido], copia: Pedido, novos: list[ItemPedido]
) -> dict[str, Any]:
    """Item by item, what changed between the original (as it was stored) and its copy
    (recalculated today): prices, stock, promotions, matrix results and the closing-tab
    problems that appeared or went away."""
    produto_ids = sorted({i.produto_id for i in novos})
    promo_antes = _promocoes(produto_ids, original.data, original.tabela_venda_id)
    promo_agora = _promocoes(produto_ids, copia.data, copia.tabela_venda_id)
    itens = []
    for antigo, novo in zip(antigos, novos, strict=True):
        mudancas = []
        for rotulo, campo, tipo in COMPARADOS:
            antes, depois = getattr(antigo, campo), getattr(novo, campo)
            if (antes or None) != (depois or None):
                mudancas.append(
                    {"campo": rotulo, "antes": _fmt(antes, tipo), "depois": _fmt(depois, tipo)}
                )
        pa, pd = promo_antes.get(novo.produto_id), promo_agora.get(novo.produto_id)
        if pa != pd:
            mudancas.append(
                {"campo": "Promoção", "antes": pa or "nenhuma", "depois": pd or "nenhuma"}
            )
        codigos_antes = {p["codigo"]: p for p in antigo.problemas}
        codigos_depois = {p["codigo"]: p for p in novo.problemas}
        itens.append(
            {
                "item": novo.sequencia,
                "item_id": novo.pk,
                "produto": novo.produto.codigo,
                "descricao": novo.produto.descricao,
                "mudancas": mudancas,
                "problemas_novos": [
                    {"rotulo": p["rotulo"], "mensagem": p.get("detalhe") or p["mensagem"]}
                    for c, p in codigos_depois.items()
                    if c not in codigos_antes
                ],
                "problemas_resolvidos": [
                    p["rotulo"] for c, p in codigos_antes.items() if c not in codigos_depois
                ],
            }
        )
    return {
        "original": original.pk,
        "numero": original.numero,
        "data": original.data.isoformat(),
        "total_antes": _fmt(original.v_nf, "moeda"),
        "total_depois": _fmt(copia.v_nf, "moeda"),
        "itens": itens,
        "sem_mudanca": sum(
            1
            for i in itens
            if not (i["mudancas"] or i["problemas_novos"] or i["problemas_resolvidos"])
        ),
    }


@transaction.atomic
def pedido_copiar(*, pedido_id: int, ator: Usuario, tipo: str | None = None) -> Calculo:
    """A new order (or quote) with the original's header and active items, recalculated with
    today's prices, stock and matrices, keeping the item-by-item comparison. It cannot be sent
    until the rep confirms having seen what changed (`pedido_conferir_copia`)."""
    original = _pedido_visivel(pedido_id, ator)
    antigos = [
        i
        for i in ItemPedido.objects.filter(pedido=original)
        .select_related("produto")
        .order_by("sequencia")
        if i.status == StatusItem.ATIVO
    ]
    dados = {c: getattr(original, c) for c in CAMPOS_CABECALHO_COPIADOS}
    copia = pedido_criar(
        cliente_id=original.cliente_id, tipo=tipo or original.tipo, ator=ator, dados=dados
    ).pedido
    hoje = timezone.localdate()
    ItemPedido.objects.bulk_create(
        ItemPedido(
            pedido=copia,
            sequencia=n,
            produto_id=i.produto_id,
            quantidade=i.quantidade,
            unidade_id=i.unidade_id,
            novo_preco=i.novo_preco,
            desconto_percentual=i.desconto_percentual,
            acrescimo_percentual=i.acrescimo_percentual,
            data_promessa=i.data_promessa if i.data_promessa and i.data_promessa >= hoje else None,
            # Still counted as a promotion only if it holds on the copy's date (calculo).
            promocao_id=i.promocao_id,
        )
        for n, i in enumerate(antigos, start=1)
    )
    Pedido.objects.filter(pk=copia.pk).update(copia_de=original)
    copia = _travar(copia.pk)
    calculo = recalcular(copia)
    comparacao = comparar_copia(original, antigos, copia, calculo.itens)
    Pedido.objects.filter(pk=copia.pk).update(comparacao_copia=comparacao)
    copia.comparacao_copia = comparacao
    _evento(
        copia,
        TipoEventoPedido.COPIADO_DE,
        ator,
        original=original.pk,
        numero_original=original.numero,
        itens=len(antigos),
    )
    return calculo


@transaction.atomic
def pedido_conferir_copia(*, pedido_id: int, versao: int, ator: Usuario) -> Calculo:
    """The rep has seen what changed since the original: the copy may now be sent."""
    pedido = _para_alterar(pedido_id, versao)
    if not pedido.copia_de_id:
        raise ErroPedido("Este pedido não é uma cópia.")
    if pedido.copia_conferida_em is None:
        pedido.copia_conferida_em = timezone.now()
        pedido.save(update_fields=["copia_conferida_em", "atualizado_em"])
        _evento(pedido, TipoEventoPedido.COPIA_CONFERIDA, ator)
    return recalcular(pedido)


# --- recalculation of every open order (a matrix changed) -----------------------------------

# Orders whose values may still change: typed, waiting for or holding an approval, refused.
# Sent and cancelled orders keep the values they were sent with.
STATUS_ABERTOS = (
    StatusPedido.EM_DIGITACAO,
    StatusPedido.AGUARDANDO_APROVACAO,
    StatusPedido.APROVADO,
    StatusPedido.RECUSADO,
)
LOTE_RECALCULO = 50


def recalculo_solicitar(*, motivo: str, ator: Usuario | None = None) -> RecalculoPedidos:
    """Queue the recalculation of every open order. Requests made while one is still queued
    (a supervisor saving ten rules in a row) join it: one job, its reasons listed."""
    with transaction.atomic():
        pendente = (
            RecalculoPedidos.objects.select_for_update()
            .filter(status=StatusJob.PENDENTE)
            .order_by("pk")
            .first()
        )
        if pendente is not None:
            if motivo not in pendente.motivo:
                pendente.motivo = f"{pendente.motivo}; {motivo}"[:200]
                pendente.save(update_fields=["motivo"])
            return pendente
        job = RecalculoPedidos.objects.create(motivo=motivo[:200], criado_por=ator)
        from vendas.tasks import recalcular_pedidos_abertos

        transaction.on_commit(lambda: recalcular_pedidos_abertos.delay(job.pk))
        return job


def recalculo_matrizes_alteradas(*, matriz: str, ator: Usuario | None = None) -> None:
    """THE hook for the matrices: call it inside the transaction that changed a rule of
    `matriz`; once (and only if) that transaction commits, every open order is recalculated
    by a Celery job. Where: `matrizes/services.py::_travar_matriz` — every write service of the
    matrices (create, edit/new version, copy, expire, import) takes that lock first, so one
    line there covers them all."""
    from matrizes.constants import TipoMatriz

    rotulo = TipoMatriz(matriz).label if matriz in TipoMatriz.values else matriz
    transaction.on_commit(
        lambda: recalculo_solicitar(motivo=f"{rotulo} alterada", ator=ator), robust=True
    )


def recalculo_processar(recalculo_id: int) -> RecalculoPedidos | None:
    """The job's body: open orders walked by id in batches, each recalculated in its own
    transaction (`pedido_recalcular`: an event when its total changed). Progress and the
    last order done are written after each order, so a re-delivered task goes on from there;
    a failing order is recorded and skipped, never stops the others."""
    tomado = RecalculoPedidos.objects.filter(
        pk=recalculo_id, status__in=(StatusJob.PENDENTE, StatusJob.PROCESSANDO)
    ).update(status=StatusJob.PROCESSANDO)
    job = RecalculoPedidos.objects.filter(pk=recalculo_id).first()
    if job is None or not tomado:
        return job
    abertos = Pedido.objects.filter(status__in=STATUS_ABERTOS)
    if job.iniciado_em is None:
        job.iniciado_em = timezone.now()
        job.total = abertos.count()
        job.save(update_fields=["iniciado_em", "total"])
    while True:
        lote = list(
            abertos.filter(pk__gt=job.ultimo_pedido)
            .order_by("pk")
            .values_list("pk", "numero", "v_nf")[:LOTE_RECALCULO]
        )
        if not lote:
            break
        for pk, numero, total_antes in lote:
            try:
                calculo = pedido_recalcular(pedido_id=pk)
                if calculo.pedido.v_nf != total_antes:
                    job.alterados += 1
            except Exception as erro:  # one bad order must not stop the others
                job.falhas = [*job.falhas, {"pedido": pk, "numero": numero, "erro": str(erro)}]
            job.processados += 1
            job.ultimo_pedido = pk
            RecalculoPedidos.objects.filter(pk=job.pk).update(
                processados=job.processados,
                ultimo_pedido=pk,
                alterados=job.alterados,
                falhas=job.falhas,
                total=max(job.total, job.processados),
            )
    RecalculoPedidos.objects.filter(pk=job.pk).update(
        status=StatusJob.PRONTO, concluido_em=timezone.now(), total=job.processados
    )
    job.refresh_from_db()
    return job
