"""Demo contracts (isoVendas "Atendimento contratos"), built through the services so every row
has its events: per demo rep, a vigente supply contract with items at agreed prices, monthly
date scheduling (one already past and still prevista, to show the "vencida" flag), a delivery
client, contacts and an order generated from the first scheduling; plus one contract still in
elaboration. Idempotent: a rep that already has demo contracts is skipped."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cadastro.models import Cliente
from contas.models import Usuario
from produtos.models import PrecoLista
from vendas.constants import StatusContrato
from vendas.models import (
    CondicaoPagamento,
    Contrato,
    ItemContrato,
    ModalidadeContrato,
    TipoProgramacao,
)
from vendas.services.contratos import (
    ErroContrato,
    contato_contrato_incluir,
    contrato_criar,
    contrato_gerar_pedido,
    contrato_transitar,
    entrega_contrato_incluir,
    item_contrato_adicionar,
    programacao_contrato_incluir,
)

MARCA = "Contrato de demonstração"
MODALIDADES = [("PROG", "Fornecimento programado"), ("CONSIG", "Consignação"),
               ("COMODATO", "Comodato")]  # fmt: skip
TIPOS = [("ENTREGA", "Entrega"), ("FATUR", "Faturamento"), ("COLETA", "Coleta")]
CONTATOS = [
    {"nome": "Marina Lopes", "cargo": "Compradora", "email": "marina.lopes@exemplo.com.br",
     "telefone": "11987650001", "principal": True},
    {"nome": "Rogério Antunes", "cargo": "Almoxarifado", "email": "",
     "telefone": "1133330002", "principal": False},
]  # fmt: skip


def _mais_meses(dia: date, meses: int) -> date:
    mes = dia.month - 1 + meses
    return dia.replace(year=dia.year + mes // 12, month=mes % 12 + 1, day=min(dia.day, 28))


def _produtos(cliente: Cliente, quantos: int) -> list[tuple[Any, Decimal]]:
    """(produto, list price) of active products priced for the client's table (or any)."""
    precos = PrecoLista.objects.filter(produto__ativo=True, cliente__isnull=True).select_related(
        "produto"
    )
    da_tabela = (
        precos.filter(tabela_id=cliente.tabela_venda_id) if cliente.tabela_venda_id else None
    )
    escolhidos = list(
        (da_tabela if da_tabela and da_tabela.exists() else precos).order_by("id")[:40]
    )
    vistos: dict[int, tuple[Any, Decimal]] = {}
    for p in escolhidos[::3]:
        vistos.setdefault(p.produto_id, (p.produto, p.preco))
    return list(vistos.values())[:quantos]


class Command(BaseCommand):
    help = "Cria contratos de demonstração para os representantes de demonstração (idempotente)."

    def handle(self, *args: Any, **options: Any) -> None:
        for codigo, descricao in MODALIDADES:
            ModalidadeContrato.objects.get_or_create(
                codigo=codigo, defaults={"descricao": descricao}
            )
        for codigo, descricao in TIPOS:
            TipoProgramacao.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})
        criados = 0
        for rep in Usuario.objects.filter(username__in=("rep1", "rep2", "rep3")).order_by(
            "username"
        ):
            if Contrato.objects.filter(representante=rep, observacoes__startswith=MARCA).exists():
                continue
            clientes = list(
                Cliente.objects.visiveis_para(rep)
                .filter(carteira__representante=rep, tabela_venda__isnull=False,
                        enderecos__isnull=False)
                .distinct()
                .order_by("id")[:3]
            )  # fmt: skip
            if len(clientes) < 3:
                self.stdout.write(f"{rep.username}: clientes insuficientes na carteira; pulado.")
                continue
            try:
                criados += self._contratos(rep, clientes)
            except ErroContrato as erro:
                self.stdout.write(f"{rep.username}: {erro.mensagem}")
        self.stdout.write(f"{criados} contratos de demonstração criados.")

    @transaction.atomic
    def _contratos(self, rep: Usuario, clientes: list[Cliente]) -> int:
        hoje = timezone.localdate()
        principal, filial, outro = clientes
        modalidade = ModalidadeContrato.objects.get(codigo="PROG")
        entrega_tipo = TipoProgramacao.objects.get(codigo="ENTREGA")
        inicio = _mais_meses(hoje, -2)
        contrato = contrato_criar(
            cliente_id=principal.pk,
            ator=rep,
            dados={
                "descricao": f"Fornecimento programado {hoje.year} – {principal.nome}"[:200],
                "modalidade": modalidade,
                "vigencia_inicio": inicio,
                "vigencia_fim": _mais_meses(inicio, 12) - timedelta(days=1),
                "condicao_pagamento": CondicaoPagamento.objects.filter(codigo="28DD").first(),
                "tabela_venda": principal.tabela_venda,
                "observacoes": f"{MARCA}: preços fixos por 12 meses, reajuste pelo IPCA.",
            },
        )
        itens: list[ItemContrato] = []
        for n, (produto, preco) in enumerate(_produtos(principal, 3), start=1):
            item = item_contrato_adicionar(
                contrato_id=contrato.pk, versao=contrato.versao + len(itens), produto=produto,
                quantidade=Decimal(120 * n), preco_unitario=(preco * Decimal("0.95")).quantize(
                    Decimal("0.01")), ator=rep,
            )  # fmt: skip
            itens.append(item)
        contrato.refresh_from_db()
        entrega = entrega_contrato_incluir(
            contrato_id=contrato.pk, versao=contrato.versao, cliente_id=filial.pk, ator=rep,
            observacao="Filial: recebe de segunda a sexta, das 8h às 16h.",
        )  # fmt: skip
        contrato.refresh_from_db()
        for dados in CONTATOS:
            contato_contrato_incluir(
                contrato_id=contrato.pk, versao=contrato.versao, dados=dados, ator=rep
            )
            contrato.refresh_from_db()
        # Monthly scheduling: one month ago (past, still prevista: "vencida"), today (its
        # order is generated below), and the next two months, the last one to the branch.
        primeira = None
        for meses in (-1, 0, 1, 2):
            dia = hoje if meses == 0 else _mais_meses(hoje, meses)
            for item in itens:
                p = programacao_contrato_incluir(
                    contrato_id=contrato.pk, versao=contrato.versao, item_id=item.pk, data=dia,
                    quantidade=item.quantidade / 6, tipo=entrega_tipo, ator=rep,
                    cliente_entrega_id=entrega.pk if meses == 2 else None,
                )  # fmt: skip
                contrato.refresh_from_db()
                if meses == 0:
                    primeira = primeira or []
                    primeira.append(p.pk)
        contrato = contrato_transitar(
            contrato_id=contrato.pk, versao=contrato.versao, status=StatusContrato.VIGENTE,
            ator=rep,
        )  # fmt: skip
        if primeira:
            contrato_gerar_pedido(
                contrato_id=contrato.pk, versao=contrato.versao, programacao_ids=primeira,
                ator=rep,
            )  # fmt: skip
        rascunho = contrato_criar(
            cliente_id=outro.pk,
            ator=rep,
            dados={
                "descricao": f"Comodato de equipamentos – {outro.nome}"[:200],
                "modalidade": ModalidadeContrato.objects.get(codigo="COMODATO"),
                "vigencia_inicio": hoje,
                "vigencia_fim": _mais_meses(hoje, 24) - timedelta(days=1),
                "condicao_pagamento": None,
                "tabela_venda": None,
                "observacoes": f"{MARCA}: em negociação.",
            },
        )
        produto, preco = _produtos(outro, 1)[0]
        item_contrato_adicionar(
            contrato_id=rascunho.pk, versao=rascunho.versao, produto=produto,
            quantidade=Decimal(50), preco_unitario=preco, ator=rep,
        )  # fmt: skip
        return 2
