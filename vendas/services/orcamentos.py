"""Quote → order conversion (SPEC: "quotes that convert into orders").

The order is made by the copy machinery (`pedido_copiar`): header and active items of the
quote, recalculated with TODAY's prices, stock and matrices, with the item-by-item comparison
of what changed since the quote. Like any copy it cannot be sent before the rep confirms having
seen that comparison — a quote accepted weeks later may carry old prices.

Which quote statuses may convert is data (`vendas.constants.TRANSICOES` → CONVERTIDO); that an
ORDER never converts is checked here, by tipo, with its own message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from vendas.calculo import Calculo
from vendas.constants import StatusPedido, TipoDocumento, TipoEventoPedido
from vendas.models import Pedido
from vendas.services.pedidos import ConflitoVersao, ErroPedido, _evento, _travar, pedido_copiar

if TYPE_CHECKING:
    from contas.models import Usuario

__all__ = ["orcamento_converter", "pode_converter"]


def pode_converter(pedido: Pedido) -> bool:
    return pedido.tipo == TipoDocumento.ORCAMENTO and pedido.pode_transitar(StatusPedido.CONVERTIDO)


@transaction.atomic
def orcamento_converter(*, orcamento_id: int, versao: int, ator: Usuario) -> Calculo:
    """Turn a quote the user sees into a new order (tipo pedido).

    The quote is locked first (two clicks, two users: the second finds it converted), must be
    a quote, at the version the user saw, in a status that may become CONVERTIDO. The new order
    keeps `orcamento_origem` and the quote's opportunity; the quote becomes CONVERTIDO; both get
    an event; the funnel is told when it can be.
    """
    if not Pedido.objects.visiveis_para(ator).filter(pk=orcamento_id).exists():
        raise ErroPedido("Orçamento não encontrado.")
    orcamento = _travar(orcamento_id)
    if orcamento.tipo != TipoDocumento.ORCAMENTO:
        raise ErroPedido(
            f"O {orcamento} é um pedido, não um orçamento: só orçamentos são convertidos em "
            "pedido (para repetir um pedido, use Copiar)."
        )
    if orcamento.versao != versao:
        raise ConflitoVersao(orcamento, versao)
    if not orcamento.pode_transitar(StatusPedido.CONVERTIDO):
        if orcamento.status == StatusPedido.CONVERTIDO:
            numero = (
                Pedido.objects.filter(orcamento_origem=orcamento)
                .values_list("numero", flat=True)
                .first()
            )
            onde = f" no pedido {numero}" if numero else ""
            raise ErroPedido(f"O orçamento {orcamento.numero} já foi convertido{onde}.")
        raise ErroPedido(
            f"O orçamento {orcamento.numero} está “{orcamento.get_status_display()}”: não pode "
            "ser convertido em pedido. Converta um orçamento em digitação, aprovado ou enviado."
        )
    calculo = pedido_copiar(pedido_id=orcamento.pk, ator=ator, tipo=TipoDocumento.PEDIDO)
    pedido = calculo.pedido
    pedido.orcamento_origem = orcamento
    pedido.oportunidade_id = orcamento.oportunidade_id
    pedido.contrato_id = orcamento.contrato_id
    Pedido.objects.filter(pk=pedido.pk).update(
        orcamento_origem=orcamento,
        oportunidade_id=orcamento.oportunidade_id,
        contrato_id=orcamento.contrato_id,
    )
    orcamento.transitar(StatusPedido.CONVERTIDO)
    orcamento.atualizado_por = ator
    orcamento.save(update_fields=["status", "atualizado_por", "atualizado_em"])
    _evento(
        orcamento,
        TipoEventoPedido.ORCAMENTO_CONVERTIDO,
        ator,
        pedido_gerado=pedido.pk,
        numero_pedido=pedido.numero,
        total_orcamento=str(orcamento.v_nf),
        total_pedido=str(pedido.v_nf),
    )
    _evento(
        pedido,
        TipoEventoPedido.CRIADO_DE_ORCAMENTO,
        ator,
        orcamento=orcamento.pk,
        numero_orcamento=orcamento.numero,
    )
    if orcamento.oportunidade_id:
        from vendas.services.oportunidades import oportunidade_registrar_conversao

        oportunidade_registrar_conversao(orcamento=orcamento, pedido=pedido, ator=ator)
    return calculo
