"""Writes on contracts (isoVendas "Atendimento contratos"): header, status, contracted items,
date scheduling, delivery clients, contacts, and the orders generated from the scheduling.

Every service locks the contract row, checks the version the user saw (optimistic locking: the
contract and all its tabs share ONE `versao`, like an order and its items), changes it, bumps
the version and writes one `EventoContrato` saying what changed (before/after on edits).
What a form does not offer (numero, status, representante, valor_total, versao) never comes
from user input: the views pass the cleaned fields one by one.

Numbering: `max(numero) + 1` under a transaction-scoped advisory lock (`pg_advisory_xact_lock`)
rather than a Postgres sequence like orders. Contracts are few (a handful a day), so
serialising their creation costs nothing; it needs no migration (other modules add vendas
migrations concurrently) and gives gapless numbers, which is what a contract register expects.
The unique constraint on `numero` stays as the backstop. Contracts are never deleted (nobody
has delete_contrato), so a number is never reused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.formats import date_format

from cadastro.models import Cliente
from crm.money import arredondar
from crm.templatetags.formatos import brl as formatar_brl
from vendas.constants import (
    STATUS_CONTRATO_EDITAVEIS,
    StatusContrato,
    StatusProgramacao,
    TipoEventoContrato,
    pode_transitar_contrato,
)
from vendas.models import (
    ClienteEntregaContrato,
    ContatoContrato,
    Contrato,
    EventoContrato,
    ItemContrato,
    Pedido,
    ProgramacaoContrato,
)
from vendas.services.pedidos import (
    ErroPedido,
    _texto,
    item_adicionar,
    pedido_alterar_cabecalho,
    pedido_criar,
)

if TYPE_CHECKING:
    from contas.models import Usuario
    from produtos.models import Produto

__all__ = [
    "CAMPOS_CONTRATO",
    "ConflitoVersaoContrato",
    "ErroContrato",
    "contato_contrato_alterar",
    "contato_contrato_incluir",
    "contato_contrato_remover",
    "contrato_alterar",
    "contrato_criar",
    "contrato_gerar_pedido",
    "contrato_transitar",
    "entrega_contrato_incluir",
    "entrega_contrato_remover",
    "item_contrato_adicionar",
    "item_contrato_alterar",
    "item_contrato_remover",
    "programacao_contrato_alterar",
    "programacao_contrato_cancelar",
    "programacao_contrato_incluir",
]

# Header fields the rep types (the form offers exactly these).
CAMPOS_CONTRATO = (
    "descricao",
    "modalidade",
    "vigencia_inicio",
    "vigencia_fim",
    "condicao_pagamento",
    "tabela_venda",
    "observacoes",
)
CAMPOS_CONTATO = ("nome", "cargo", "email", "telefone", "principal")
# History labels of fields whose verbose_name is the bare field name.
ROTULOS = {
    "condicao_pagamento": "condição de pagamento",
    "tabela_venda": "tabela de venda",
    "cliente_entrega": "cliente de entrega",
}
ZERO = Decimal(0)
CHAVE_LOCK_NUMERO = 7_415_001  # pg_advisory_xact_lock key of contract numbering


class ErroContrato(Exception):
    """A business rule refused the change; `mensagem` is shown to the user as is (pt-BR)."""

    def __init__(self, mensagem: str) -> None:
        self.mensagem = mensagem
        super().__init__(mensagem)


class ConflitoVersaoContrato(ErroContrato):
    """Somebody changed the contract after this user loaded it: never overwrite silently.
    Who did it comes from the latest event (every change writes one)."""

    def __init__(self, contrato: Contrato, versao_vista: int) -> None:
        self.contrato = contrato
        self.versao_vista = versao_vista
        ultimo = EventoContrato.objects.filter(contrato=contrato).select_related("ator").first()
        quem = str(ultimo.ator) if ultimo and ultimo.ator_id else "outro usuário"
        quando = date_format(timezone.localtime(contrato.atualizado_em), "d/m/Y H:i")
        super().__init__(
            f"O contrato {contrato.numero} foi alterado por {quem} em {quando} (versão "
            f"{contrato.versao}; você estava na versão {versao_vista}). Recarregue o contrato "
            "para ver as mudanças antes de alterar de novo."
        )


# --- helpers ------------------------------------------------------------------------------


def _evento(contrato: Contrato, tipo: str, ator: Usuario | None, /, **dados: Any) -> EventoContrato:
    return EventoContrato.objects.create(contrato=contrato, tipo=tipo, ator=ator, dados=dados)


def _travar(contrato_id: int) -> Contrato:
    return (
        Contrato.objects.select_for_update(of=("self",))
        .select_related("cliente")
        .get(pk=contrato_id)
    )


def _visivel(contrato_id: int, ator: Usuario) -> None:
    """Services are callable from anywhere (commands, tasks): check visibility here too."""
    if not Contrato.objects.visiveis_para(ator).filter(pk=contrato_id).exists():
        raise ErroContrato("Contrato não encontrado na sua carteira.")


def _para_alterar(contrato_id: int, versao: int, ator: Usuario) -> Contrato:
    """Visible, locked, at the version seen and in a status that accepts changes."""
    _visivel(contrato_id, ator)
    contrato = _travar(contrato_id)
    if contrato.versao != versao:
        raise ConflitoVersaoContrato(contrato, versao)
    if contrato.status not in STATUS_CONTRATO_EDITAVEIS:
        raise ErroContrato(
            f"O contrato está “{contrato.get_status_display()}”: não pode ser alterado."
        )
    return contrato


def _gravar_versao(contrato: Contrato, campos: Iterable[str] = ()) -> None:
    contrato.versao += 1
    contrato.save(update_fields=[*campos, "versao", "atualizado_em"])


def _recalcular_valor(contrato: Contrato) -> tuple[Decimal, Decimal]:
    """valor_total = Σ quantity × contracted price, rounded once (crm.money.arredondar)."""
    antes = contrato.valor_total
    soma = ItemContrato.objects.filter(contrato=contrato).aggregate(
        v=Sum(F("quantidade") * F("preco_unitario"))
    )["v"]
    contrato.valor_total = arredondar(Decimal(soma or 0))
    return antes, contrato.valor_total


def _numero_novo() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAVE_LOCK_NUMERO])
    ultimo = Contrato.objects.aggregate(m=Max("numero"))["m"]
    return (ultimo or 0) + 1


def _validar_vigencia(inicio: date | None, fim: date | None) -> None:
    if inicio is None or fim is None:
        raise ErroContrato("Informe o início e o fim da vigência.")
    if fim < inicio:
        raise ErroContrato("O fim da vigência não pode ser anterior ao início.")


def _legivel(valor: Any) -> Any:
    """Event value as the history shows it (pt-BR): 12,5 · 31/12/2025 · the object's name."""
    if isinstance(valor, Decimal):
        return f"{valor.normalize():f}".replace(".", ",")
    if isinstance(valor, date):
        return valor.strftime("%d/%m/%Y")
    return _texto(valor)


def _mudancas(obj: Any, dados: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Apply `dados` on `obj`; return {rótulo do campo: {de, para}} of what really changed."""
    mudancas = {}
    for campo, valor in dados.items():
        antes = getattr(obj, campo)
        if antes != valor:
            rotulo = ROTULOS.get(campo) or str(obj._meta.get_field(campo).verbose_name)
            mudancas[rotulo] = {"de": _legivel(antes), "para": _legivel(valor)}
            setattr(obj, campo, valor)
    return mudancas


# --- header and status ---------------------------------------------------------------------


@transaction.atomic
def contrato_criar(*, cliente_id: int, dados: Mapping[str, Any], ator: Usuario) -> Contrato:
    """A new contract, em elaboração, for a client the user sees.

    The representative is the client's portfolio owner when the user is not (a supervisor
    typing for the team), otherwise the user — the same rule as orders.
    """
    cliente = (
        Cliente.objects.visiveis_para(ator).select_related("carteira").filter(pk=cliente_id).first()
    )
    if cliente is None:
        raise ErroContrato("Cliente não encontrado na sua carteira.")
    if ator.empresa_id is None:
        raise ErroContrato("Seu usuário não está ligado a uma empresa: peça ao administrador.")
    desconhecidos = set(dados) - set(CAMPOS_CONTRATO)
    if desconhecidos:
        raise ErroContrato(f"Campos não permitidos: {', '.join(sorted(desconhecidos))}.")
    _validar_vigencia(dados.get("vigencia_inicio"), dados.get("vigencia_fim"))
    representante_id = ator.pk
    carteira = cliente.carteira  # select_related above; None without a carteira (no query)
    if carteira is not None and carteira.representante_id != ator.pk:
        representante_id = carteira.representante_id
    contrato = Contrato(
        numero=_numero_novo(),
        empresa_id=ator.empresa_id,
        cliente=cliente,
        representante_id=representante_id,
        status=StatusContrato.RASCUNHO,
        criado_por=ator,
        **dict(dados),
    )
    contrato.save()
    _evento(
        contrato,
        TipoEventoContrato.CRIADO,
        ator,
        numero=contrato.numero,
        cliente=cliente.nome,
        vigencia=f"{contrato.vigencia_inicio:%d/%m/%Y} a {contrato.vigencia_fim:%d/%m/%Y}",
    )
    return contrato


@transaction.atomic
def contrato_alterar(
    *, contrato_id: int, versao: int, dados: Mapping[str, Any], ator: Usuario
) -> Contrato:
    """Header fields offered by the form (CAMPOS_CONTRATO only)."""
    contrato = _para_alterar(contrato_id, versao, ator)
    desconhecidos = set(dados) - set(CAMPOS_CONTRATO)
    if desconhecidos:
        raise ErroContrato(f"Campos não permitidos: {', '.join(sorted(desconhecidos))}.")
    _validar_vigencia(
        dados.get("vigencia_inicio", contrato.vigencia_inicio),
        dados.get("vigencia_fim", contrato.vigencia_fim),
    )
    mudancas = _mudancas(contrato, dados)
    if not mudancas:
        return contrato
    fora = ProgramacaoContrato.objects.filter(
        item__contrato=contrato, status=StatusProgramacao.PREVISTA
    ).exclude(data__range=(contrato.vigencia_inicio, contrato.vigencia_fim))
    if fora.exists():
        raise ErroContrato(
            "Há programações previstas fora da nova vigência: altere ou cancele-as antes."
        )
    _gravar_versao(contrato, dados.keys())
    _evento(contrato, TipoEventoContrato.ALTERADO, ator, campos=mudancas)
    return contrato


@transaction.atomic
def contrato_transitar(
    *, contrato_id: int, versao: int, status: str, ator: Usuario, motivo: str = ""
) -> Contrato:
    """Move the contract along TRANSICOES_CONTRATO. Vigente needs at least one item and a term
    that has not ended."""
    _visivel(contrato_id, ator)
    contrato = _travar(contrato_id)
    if contrato.versao != versao:
        raise ConflitoVersaoContrato(contrato, versao)
    if status not in StatusContrato.values:
        raise ErroContrato("Situação inválida.")
    if not pode_transitar_contrato(contrato.status, status):
        raise ErroContrato(
            f"Um contrato “{contrato.get_status_display()}” não pode passar a "
            f"“{StatusContrato(status).label}”."
        )
    if status == StatusContrato.VIGENTE:
        if not ItemContrato.objects.filter(contrato=contrato).exists():
            raise ErroContrato("Inclua ao menos um item antes de tornar o contrato vigente.")
        if contrato.vigencia_fim < timezone.localdate():
            raise ErroContrato("A vigência do contrato já terminou: ajuste o fim da vigência.")
    antes = contrato.status
    contrato.status = status
    _gravar_versao(contrato, ("status",))
    _evento(
        contrato,
        TipoEventoContrato.STATUS_ALTERADO,
        ator,
        campos={
            "situação": {"de": StatusContrato(antes).label, "para": StatusContrato(status).label}
        },
        motivo=motivo.strip(),
    )
    return contrato


# --- items --------------------------------------------------------------------------------


def _item(contrato: Contrato, item_id: int) -> ItemContrato:
    item = (
        ItemContrato.objects.select_for_update(of=("self",))
        .select_related("produto")
        .filter(contrato=contrato, pk=item_id)
        .first()
    )
    if item is None:
        raise ErroContrato("Item não encontrado neste contrato.")
    return item


def _programado(item: ItemContrato, excluir: int | None = None) -> Decimal:
    qs = ProgramacaoContrato.objects.filter(item=item).exclude(status=StatusProgramacao.CANCELADA)
    if excluir:
        qs = qs.exclude(pk=excluir)
    return qs.aggregate(s=Sum("quantidade"))["s"] or ZERO


def _valor_evento(contrato: Contrato, antes: Decimal, depois: Decimal) -> dict[str, Any]:
    if antes == depois:
        return {}
    return {"valor contratado": {"de": formatar_brl(antes), "para": formatar_brl(depois)}}


@transaction.atomic
def item_contrato_adicionar(
    *,
    contrato_id: int,
    versao: int,
    produto: Produto,
    quantidade: Decimal,
    preco_unitario: Decimal,
    ator: Usuario,
    observacao: str = "",
) -> ItemContrato:
    contrato = _para_alterar(contrato_id, versao, ator)
    if quantidade is None or quantidade <= 0:
        raise ErroContrato("A quantidade contratada deve ser maior que zero.")
    if preco_unitario is None or preco_unitario < 0:
        raise ErroContrato("Informe o preço contratado (zero ou mais).")
    if not produto.ativo:
        raise ErroContrato(f"O produto {produto.codigo} está inativo.")
    if ItemContrato.objects.filter(contrato=contrato, produto=produto).exists():
        raise ErroContrato(
            f"O produto {produto.codigo} já está no contrato: altere a quantidade do item."
        )
    ultima = ItemContrato.objects.filter(contrato=contrato).aggregate(m=Max("sequencia"))["m"]
    item = ItemContrato.objects.create(
        contrato=contrato,
        sequencia=(ultima or 0) + 1,
        produto=produto,
        quantidade=quantidade,
        preco_unitario=preco_unitario,
        observacao=observacao.strip(),
    )
    antes, depois = _recalcular_valor(contrato)
    _gravar_versao(contrato, ("valor_total",))
    _evento(
        contrato,
        TipoEventoContrato.ITEM_INCLUIDO,
        ator,
        item=item.sequencia,
        produto=produto.codigo,
        quantidade=_legivel(quantidade),
        preco_unitario=_legivel(preco_unitario),
        campos=_valor_evento(contrato, antes, depois),
    )
    return item


@transaction.atomic
def item_contrato_alterar(
    *, contrato_id: int, item_id: int, versao: int, dados: Mapping[str, Any], ator: Usuario
) -> ItemContrato:
    """Quantity, price and note of an item. The quantity may not go below what is already
    scheduled (non-cancelled) nor below what was already ordered under the contract."""
    from vendas.selectors import contrato_quantidades_pedidas

    contrato = _para_alterar(contrato_id, versao, ator)
    item = _item(contrato, item_id)
    permitidos = {"quantidade", "preco_unitario", "observacao"}
    if set(dados) - permitidos:
        raise ErroContrato("Só quantidade, preço e observação do item podem ser alterados.")
    mudou_quantidade = "quantidade" in dados and dados["quantidade"] != item.quantidade
    mudancas = _mudancas(item, dados)
    if not mudancas:
        return item
    if item.quantidade is None or item.quantidade <= 0:
        raise ErroContrato("A quantidade contratada deve ser maior que zero.")
    if item.preco_unitario is None or item.preco_unitario < 0:
        raise ErroContrato("Informe o preço contratado (zero ou mais).")
    if mudou_quantidade:
        programado = _programado(item)
        if item.quantidade < programado:
            raise ErroContrato(
                f"Item {item.sequencia}: já há {_legivel(programado)} programado(s); a quantidade "
                "contratada não pode ser menor."
            )
        pedido = contrato_quantidades_pedidas(contrato).get(item.produto_id, ZERO)
        if item.quantidade < pedido:
            raise ErroContrato(
                f"Item {item.sequencia}: já foram pedidos {_legivel(pedido)}; a quantidade "
                "contratada não pode ser menor."
            )
    item.save(update_fields=list(dados.keys()))
    antes, depois = _recalcular_valor(contrato)
    _gravar_versao(contrato, ("valor_total",))
    _evento(
        contrato,
        TipoEventoContrato.ITEM_ALTERADO,
        ator,
        item=item.sequencia,
        produto=item.produto.codigo,
        campos={**mudancas, **_valor_evento(contrato, antes, depois)},
    )
    return item


@transaction.atomic
def item_contrato_remover(*, contrato_id: int, item_id: int, versao: int, ator: Usuario) -> None:
    """Only an item with no scheduling and no order behind it; once the contract is vigente
    the agreement was signed with it, so only a contract in elaboration loses items."""
    from vendas.selectors import contrato_quantidades_pedidas

    contrato = _para_alterar(contrato_id, versao, ator)
    item = _item(contrato, item_id)
    if contrato.status != StatusContrato.RASCUNHO:
        raise ErroContrato(
            "Só se removem itens de um contrato em elaboração; num contrato vigente, reduza a "
            "quantidade."
        )
    if ProgramacaoContrato.objects.filter(item=item).exists():
        raise ErroContrato(
            f"O item {item.sequencia} tem programações de datas: cancele-as antes de remover."
        )
    if contrato_quantidades_pedidas(contrato).get(item.produto_id):
        raise ErroContrato(f"O item {item.sequencia} já tem pedidos no contrato.")
    dados = {
        "item": item.sequencia,
        "produto": item.produto.codigo,
        "quantidade": _legivel(item.quantidade),
        "preco_unitario": _legivel(item.preco_unitario),
    }
    item.delete()
    antes, depois = _recalcular_valor(contrato)
    _gravar_versao(contrato, ("valor_total",))
    _evento(
        contrato,
        TipoEventoContrato.ITEM_REMOVIDO,
        ator,
        **dados,
        campos=_valor_evento(contrato, antes, depois),
    )


# --- date scheduling ------------------------------------------------------------------------


def _validar_programacao(
    contrato: Contrato, item: ItemContrato, data: date, quantidade: Decimal, excluir: int | None
) -> None:
    if quantidade is None or quantidade <= 0:
        raise ErroContrato("A quantidade programada deve ser maior que zero.")
    if data is None or not (contrato.vigencia_inicio <= data <= contrato.vigencia_fim):
        raise ErroContrato(
            f"A data deve estar na vigência do contrato ({contrato.vigencia_inicio:%d/%m/%Y} a "
            f"{contrato.vigencia_fim:%d/%m/%Y})."
        )
    programado = _programado(item, excluir=excluir)
    if programado + quantidade > item.quantidade:
        saldo = item.quantidade - programado
        raise ErroContrato(
            f"Item {item.sequencia} ({item.produto.codigo}): a programação passaria da quantidade "
            f"contratada ({_legivel(item.quantidade)}); ainda cabe {_legivel(max(saldo, ZERO))}."
        )


def _entrega(contrato: Contrato, entrega_id: int | None) -> ClienteEntregaContrato | None:
    if not entrega_id:
        return None
    entrega = (
        ClienteEntregaContrato.objects.select_related("cliente")
        .filter(contrato=contrato, pk=entrega_id)
        .first()
    )
    if entrega is None:
        raise ErroContrato("Cliente de entrega não encontrado neste contrato.")
    return entrega


@transaction.atomic
def programacao_contrato_incluir(
    *,
    contrato_id: int,
    versao: int,
    item_id: int,
    data: date,
    quantidade: Decimal,
    ator: Usuario,
    tipo: Any = None,
    cliente_entrega_id: int | None = None,
) -> ProgramacaoContrato:
    """How much of an item is due on a date (and where). The non-cancelled scheduling of an
    item never exceeds its contracted quantity."""
    contrato = _para_alterar(contrato_id, versao, ator)
    item = _item(contrato, item_id)
    _validar_programacao(contrato, item, data, quantidade, excluir=None)
    entrega = _entrega(contrato, cliente_entrega_id)
    programacao = ProgramacaoContrato.objects.create(
        item=item, data=data, quantidade=quantidade, tipo=tipo, cliente_entrega=entrega
    )
    _gravar_versao(contrato)
    _evento(
        contrato,
        TipoEventoContrato.PROGRAMACAO_INCLUIDA,
        ator,
        programacao=programacao.pk,
        item=item.sequencia,
        produto=item.produto.codigo,
        data=_legivel(data),
        quantidade=_legivel(quantidade),
        tipo_programacao=str(tipo) if tipo else None,
        entrega=entrega.cliente.nome if entrega else None,
    )
    return programacao


def _programacao(contrato: Contrato, programacao_id: int) -> ProgramacaoContrato:
    programacao = (
        ProgramacaoContrato.objects.select_for_update(of=("self",))
        .select_related("item__produto", "cliente_entrega__cliente", "tipo")
        .filter(item__contrato=contrato, pk=programacao_id)
        .first()
    )
    if programacao is None:
        raise ErroContrato("Programação não encontrada neste contrato.")
    if programacao.status != StatusProgramacao.PREVISTA:
        raise ErroContrato(
            f"A programação de {programacao.data:%d/%m/%Y} está "
            f"“{programacao.get_status_display()}”: não pode ser alterada."
        )
    return programacao


@transaction.atomic
def programacao_contrato_alterar(
    *, contrato_id: int, programacao_id: int, versao: int, dados: Mapping[str, Any], ator: Usuario
) -> ProgramacaoContrato:
    """Date, quantity, type and delivery client of a PREVISTA scheduling."""
    contrato = _para_alterar(contrato_id, versao, ator)
    programacao = _programacao(contrato, programacao_id)
    dados = dict(dados)
    if set(dados) - {"data", "quantidade", "tipo", "cliente_entrega_id"}:
        raise ErroContrato("Só data, quantidade, tipo e cliente de entrega podem ser alterados.")
    if "cliente_entrega_id" in dados:
        entrega = _entrega(contrato, dados.pop("cliente_entrega_id"))
        dados["cliente_entrega"] = entrega
    mudancas = _mudancas(programacao, dados)
    if not mudancas:
        return programacao
    _validar_programacao(
        contrato, programacao.item, programacao.data, programacao.quantidade, programacao.pk
    )
    programacao.save()
    _gravar_versao(contrato)
    _evento(
        contrato,
        TipoEventoContrato.PROGRAMACAO_ALTERADA,
        ator,
        programacao=programacao.pk,
        item=programacao.item.sequencia,
        produto=programacao.item.produto.codigo,
        campos=mudancas,
    )
    return programacao


@transaction.atomic
def programacao_contrato_cancelar(
    *, contrato_id: int, programacao_id: int, versao: int, ator: Usuario
) -> ProgramacaoContrato:
    contrato = _para_alterar(contrato_id, versao, ator)
    programacao = _programacao(contrato, programacao_id)
    programacao.status = StatusProgramacao.CANCELADA
    programacao.save(update_fields=["status"])
    _gravar_versao(contrato)
    _evento(
        contrato,
        TipoEventoContrato.PROGRAMACAO_CANCELADA,
        ator,
        programacao=programacao.pk,
        item=programacao.item.sequencia,
        produto=programacao.item.produto.codigo,
        data=_legivel(programacao.data),
        quantidade=_legivel(programacao.quantidade),
    )
    return programacao


# --- delivery clients ----------------------------------------------------------------------


@transaction.atomic
def entrega_contrato_incluir(
    *, contrato_id: int, versao: int, cliente_id: int, ator: Usuario, observacao: str = ""
) -> ClienteEntregaContrato:
    """Another establishment that receives under the contract: it must be a client the user
    sees (a rep never ships to a client outside the portfolio through a contract)."""
    contrato = _para_alterar(contrato_id, versao, ator)
    cliente = Cliente.objects.visiveis_para(ator).filter(pk=cliente_id).first()
    if cliente is None:
        raise ErroContrato("Cliente de entrega não encontrado na sua carteira.")
    if cliente.pk == contrato.cliente_id:
        raise ErroContrato("O cliente do contrato já recebe por ele: escolha outro cliente.")
    if ClienteEntregaContrato.objects.filter(contrato=contrato, cliente=cliente).exists():
        raise ErroContrato(f"{cliente.nome} já é cliente de entrega deste contrato.")
    entrega = ClienteEntregaContrato.objects.create(
        contrato=contrato, cliente=cliente, observacao=observacao.strip()
    )
    _gravar_versao(contrato)
    _evento(
        contrato,
        TipoEventoContrato.ENTREGA_INCLUIDA,
        ator,
        entrega=entrega.pk,
        cliente=cliente.nome,
        documento=cliente.documento,
    )
    return entrega


@transaction.atomic
def entrega_contrato_remover(
    *, contrato_id: int, entrega_id: int, versao: int, ator: Usuario
) -> None:
    contrato = _para_alterar(contrato_id, versao, ator)
    entrega = _entrega(contrato, entrega_id)
    assert entrega is not None
    if ProgramacaoContrato.objects.filter(cliente_entrega=entrega).exists():
        raise ErroContrato(
            f"{entrega.cliente.nome} tem programações de datas: não pode ser removido."
        )
    nome, documento = entrega.cliente.nome, entrega.cliente.documento
    entrega.delete()
    _gravar_versao(contrato)
    _evento(contrato, TipoEventoContrato.ENTREGA_REMOVIDA, ator, cliente=nome, documento=documento)


# --- contacts -----------------------------------------------------------------------------


def _validar_contato(dados: Mapping[str, Any]) -> None:
    if set(dados) - set(CAMPOS_CONTATO):
        raise ErroContrato("Campo de contato não permitido.")
    if "nome" in dados and not str(dados["nome"] or "").strip():
        raise ErroContrato("Informe o nome do contato.")


def _unico_principal(contrato: Contrato, contato: ContatoContrato) -> None:
    if contato.principal:
        ContatoContrato.objects.filter(contrato=contrato, principal=True).exclude(
            pk=contato.pk
        ).update(principal=False)


@transaction.atomic
def contato_contrato_incluir(
    *, contrato_id: int, versao: int, dados: Mapping[str, Any], ator: Usuario
) -> ContatoContrato:
    contrato = _para_alterar(contrato_id, versao, ator)
    _validar_contato(dados)
    contato = ContatoContrato.objects.create(contrato=contrato, **dict(dados))
    _unico_principal(contrato, contato)
    _gravar_versao(contrato)
    _evento(
        contrato,
        TipoEventoContrato.CONTATO_INCLUIDO,
        ator,
        contato=contato.pk,
        nome=contato.nome,
        principal=contato.principal,
    )
    return contato


def _contato(contrato: Contrato, contato_id: int) -> ContatoContrato:
    contato = ContatoContrato.objects.filter(contrato=contrato, pk=contato_id).first()
    if contato is None:
        raise ErroContrato("Contato não encontrado neste contrato.")
    return contato


@transaction.atomic
def contato_contrato_alterar(
    *, contrato_id: int, contato_id: int, versao: int, dados: Mapping[str, Any], ator: Usuario
) -> ContatoContrato:
    contrato = _para_alterar(contrato_id, versao, ator)
    _validar_contato(dados)
    contato = _contato(contrato, contato_id)
    mudancas = _mudancas(contato, dados)
    if not mudancas:
        return contato
    contato.save()
    _unico_principal(contrato, contato)
    _gravar_versao(contrato)
    _evento(
        contrato,
        TipoEventoContrato.CONTATO_ALTERADO,
        ator,
        contato=contato.pk,
        nome=contato.nome,
        campos=mudancas,
    )
    return contato


@transaction.atomic
def contato_contrato_remover(
    *, contrato_id: int, contato_id: int, versao: int, ator: Usuario
) -> None:
    contrato = _para_alterar(contrato_id, versao, ator)
    contato = _contato(contrato, contato_id)
    nome = contato.nome
    contato.delete()
    _gravar_versao(contrato)
    _evento(contrato, TipoEventoContrato.CONTATO_REMOVIDO, ator, nome=nome)


# --- orders generated from the scheduling ---------------------------------------------------


@transaction.atomic
def contrato_gerar_pedido(
    *, contrato_id: int, versao: int, programacao_ids: Iterable[int], ator: Usuario
) -> Pedido:
    """One order from PREVISTA schedulings of a vigente contract, through the ORDER services
    (pedido_criar, pedido_alterar_cabecalho, item_adicionar): the order is for the
    schedulings' delivery client (or the contract's client), linked to the contract, one line
    per contract item with the summed quantity at the CONTRACTED price (`novo_preco`).
    The schedulings become ATENDIDA pointing at the order; the contract gets PEDIDO_GERADO,
    the order its own events (criado, cabeçalho alterado: contrato, itens incluídos).

    All chosen schedulings must go to the same place (one order per delivery client).
    """
    _visivel(contrato_id, ator)
    contrato = _travar(contrato_id)
    if contrato.versao != versao:
        raise ConflitoVersaoContrato(contrato, versao)
    if contrato.status != StatusContrato.VIGENTE:
        raise ErroContrato(
            f"O contrato está “{contrato.get_status_display()}”: só um contrato vigente gera "
            "pedidos."
        )
    hoje = timezone.localdate()
    if not (contrato.vigencia_inicio <= hoje <= contrato.vigencia_fim):
        raise ErroContrato("Hoje está fora da vigência do contrato: não é possível gerar pedido.")
    ids = sorted({int(i) for i in programacao_ids})
    if not ids:
        raise ErroContrato("Marque ao menos uma programação prevista para gerar o pedido.")
    programacoes = list(
        ProgramacaoContrato.objects.select_for_update(of=("self",))
        .select_related("item__produto", "cliente_entrega__cliente")
        .filter(item__contrato=contrato, pk__in=ids)
        .order_by("data", "pk")
    )
    if len(programacoes) != len(ids):
        raise ErroContrato("Programação não encontrada neste contrato.")
    nao_previstas = [p for p in programacoes if p.status != StatusProgramacao.PREVISTA]
    if nao_previstas:
        p = nao_previstas[0]
        raise ErroContrato(
            f"A programação de {p.data:%d/%m/%Y} ({p.item.produto.codigo}) está "
            f"“{p.get_status_display()}”: só programações previstas geram pedido."
        )
    destinos = {p.cliente_entrega_id for p in programacoes}
    if len(destinos) > 1:
        raise ErroContrato(
            "As programações marcadas vão para clientes de entrega diferentes: gere um pedido "
            "por cliente de entrega."
        )
    entrega = programacoes[0].cliente_entrega
    cliente_id = entrega.cliente_id if entrega else contrato.cliente_id
    por_item: dict[int, list[ProgramacaoContrato]] = defaultdict(list)
    for p in programacoes:
        por_item[p.item_id].append(p)
    try:
        calculo = pedido_criar(cliente_id=cliente_id, ator=ator)
        cabecalho: dict[str, Any] = {"contrato": contrato}
        if contrato.condicao_pagamento_id:
            cabecalho["condicao_pagamento"] = contrato.condicao_pagamento
        calculo = pedido_alterar_cabecalho(
            pedido_id=calculo.pedido.pk, versao=calculo.pedido.versao, dados=cabecalho, ator=ator
        )
        for lista in sorted(por_item.values(), key=lambda grupo: grupo[0].item.sequencia):
            item = lista[0].item
            futuras = [p.data for p in lista if p.data >= hoje]
            calculo = item_adicionar(
                pedido_id=calculo.pedido.pk,
                versao=calculo.pedido.versao,
                produto=item.produto,
                quantidade=sum((p.quantidade for p in lista), ZERO),
                novo_preco=item.preco_unitario,
                data_promessa=min(futuras) if futuras else None,
                ator=ator,
            )
    except ErroPedido as erro:
        raise ErroContrato(f"O pedido não pôde ser gerado: {erro.mensagem}") from erro
    pedido = calculo.pedido
    ProgramacaoContrato.objects.filter(pk__in=ids).update(
        status=StatusProgramacao.ATENDIDA, pedido=pedido
    )
    _gravar_versao(contrato)
    _evento(
        contrato,
        TipoEventoContrato.PEDIDO_GERADO,
        ator,
        pedido=pedido.pk,
        numero=pedido.numero,
        cliente=pedido.cliente.nome,
        programacoes=ids,
        itens=[
            {
                "item": lista[0].item.sequencia,
                "produto": lista[0].item.produto.codigo,
                "quantidade": _legivel(sum((p.quantidade for p in lista), ZERO)),
            }
            for lista in por_item.values()
        ],
    )
    return pedido


def programacoes_liberar_do_pedido(*, pedido: Pedido, ator: Usuario) -> list[int]:
    """An order generated from a contract's schedulings was cancelled: those schedulings are
    due again (back to PREVISTA, without the order), so the rep can generate a new order for
    them; each contract touched records it. Called by `pedido_cancelar`, inside its
    transaction (the order row is already locked)."""
    programacoes = list(
        ProgramacaoContrato.objects.select_for_update()
        .filter(pedido=pedido, status=StatusProgramacao.ATENDIDA)
        .select_related("item__contrato")
        .order_by("pk")
    )
    if not programacoes:
        return []
    ids = [p.pk for p in programacoes]
    ProgramacaoContrato.objects.filter(pk__in=ids).update(
        status=StatusProgramacao.PREVISTA, pedido=None
    )
    contratos = {p.item.contrato_id: p.item.contrato for p in programacoes}
    for contrato in contratos.values():
        _evento(
            contrato,
            TipoEventoContrato.PROGRAMACAO_ALTERADA,
            ator,
            pedido_cancelado=pedido.numero,
            programacoes=[p.pk for p in programacoes if p.item.contrato_id == contrato.pk],
            status={"antes": "Atendida (pedido gerado)", "depois": "Prevista"},
        )
    return ids
