"""Demo auxiliary registries of isoVendas (seed 000, "Menu pedido"): payment conditions whose
codes the demo matrices use, freight types, carriers, order types and origins, operation
natures (CFOP) and item cancellation reasons. Idempotent: creates only what is missing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from vendas.models import (
    CondicaoPagamento,
    MotivoCancelamento,
    NaturezaOperacao,
    OrigemPedido,
    TipoFrete,
    TipoPedido,
    Transportadora,
)

CONDICOES = [  # código, descrição, parcelas, prazo médio, custo financeiro %
    ("AVISTA", "À vista", 1, 0, "0"),
    ("28DD", "28 dias", 1, 28, "1.2"),
    ("30/60", "30/60 dias", 2, 45, "1.9"),
    ("30/60/90", "30/60/90 dias", 3, 60, "2.6"),
]
FRETES = [
    ("CIF", "CIF – por conta do emitente", True),
    ("FOB", "FOB – por conta do cliente", False),
]
TRANSPORTADORAS = [("RAPIDAO", "Rapidão Cometa Cargas"), ("TRANSLOG", "Translog Paulista")]
TIPOS = [("VENDA", "Venda"), ("BONIF", "Bonificação"), ("AMOSTRA", "Amostra")]
ORIGENS = [("DIGITADO", "Digitado pelo representante"), ("NEOGRID", "Importação Neogrid"),
           ("BIONEXO", "Bionexo"), ("ECOMMERCE", "E-commerce")]  # fmt: skip
NATUREZAS = [("5102", "Venda de mercadoria adquirida de terceiros", "5102"),
             ("6102", "Venda interestadual de mercadoria de terceiros", "6102"),
             ("5405", "Venda com ST (substituído)", "5405")]  # fmt: skip
MOTIVOS = [("DESIST", "Cliente desistiu"), ("PRECO", "Preço não aceito"),
           ("PRAZO", "Prazo de entrega"), ("SEMEST", "Sem estoque")]  # fmt: skip


def _criar(modelo: Any, codigo: str, descricao: str, **extra: Any) -> int:
    _, criado = modelo.objects.get_or_create(
        codigo=codigo, defaults={"descricao": descricao, **extra}
    )
    return int(criado)


@transaction.atomic
def garantir_registros() -> int:
    """Create the missing demo registries; returns how many were created."""
    total = 0
    for codigo, descricao, parcelas, prazo, financeiro in CONDICOES:
        total += _criar(
            CondicaoPagamento, codigo, descricao, parcelas=parcelas, prazo_medio_dias=prazo,
            percentual_custo_financeiro=Decimal(financeiro),
        )  # fmt: skip
    for codigo, descricao, cobra in FRETES:
        total += _criar(TipoFrete, codigo, descricao, cobra_no_pedido=cobra)
    for codigo, descricao in TRANSPORTADORAS:
        total += _criar(Transportadora, codigo, descricao)
    for codigo, descricao in TIPOS:
        total += _criar(TipoPedido, codigo, descricao)
    for codigo, descricao in ORIGENS:
        total += _criar(OrigemPedido, codigo, descricao)
    for codigo, descricao, cfop in NATUREZAS:
        total += _criar(NaturezaOperacao, codigo, descricao, cfop=cfop)
    for codigo, descricao in MOTIVOS:
        total += _criar(MotivoCancelamento, codigo, descricao)
    return total
