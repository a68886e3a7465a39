"""isoVendas "Contratos": a supply agreement with a client — contracted items at agreed prices,
their date scheduling (programação de datas), the delivery clients, contacts, the history
(EventoContrato) and the orders placed under it (`Pedido.contrato`).

Visibility lives in ONE place, `ContratoQuerySet.visiveis_para`: a contract is visible exactly
when its client is, like an order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from cadastro.models import Cliente, PeloClienteQuerySet, RegistroAuxiliar
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from produtos.constants import QTD_DECIMAL_PLACES, QTD_MAX_DIGITS
from vendas.constants import (
    PRECO_DECIMAL_PLACES,
    PRECO_MAX_DIGITS,
    StatusContrato,
    StatusProgramacao,
    TipoEventoContrato,
)

if TYPE_CHECKING:
    pass


class ModalidadeContrato(RegistroAuxiliar):
    """Seed "Modalidades": fornecimento programado, consignação, comodato…"""

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "modalidade de contrato"
        verbose_name_plural = "modalidades de contrato"


class TipoProgramacao(RegistroAuxiliar):
    """Seed "Tipo da prog de datas": entrega, faturamento, coleta…"""

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "tipo de programação de datas"
        verbose_name_plural = "tipos de programação de datas"


class ContratoQuerySet(PeloClienteQuerySet["Contrato"]):
    """Contracts: visible exactly when their client is (cadastro.models.PeloClienteQuerySet)."""

    permissao_ver = "vendas.view_contrato"


class Contrato(models.Model):
    numero = models.PositiveIntegerField("número", unique=True)
    empresa = models.ForeignKey("contas.Empresa", on_delete=models.PROTECT, related_name="+")
    cliente = models.ForeignKey(Cliente, on_delete=models.PROTECT, related_name="contratos")
    representante = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contratos"
    )
    descricao = models.CharField("descrição", max_length=200)
    modalidade = models.ForeignKey(
        ModalidadeContrato, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=StatusContrato.choices, default=StatusContrato.RASCUNHO
    )
    vigencia_inicio = models.DateField("início da vigência")
    vigencia_fim = models.DateField("fim da vigência")
    condicao_pagamento = models.ForeignKey(
        "vendas.CondicaoPagamento", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    tabela_venda = models.ForeignKey(
        "cadastro.TabelaVenda", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valor_total = models.DecimalField(
        "valor contratado",
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        default=0,
    )
    observacoes = models.TextField("observações", blank=True)
    versao = models.PositiveIntegerField("versão", default=1)
    criado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    criado_em = models.DateTimeField(auto_now_add=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = ContratoQuerySet.as_manager()

    class Meta:
        ordering = ["-numero"]
        verbose_name = "contrato"
        indexes = [
            models.Index(fields=["cliente", "-numero"], name="contrato_cliente"),
            models.Index(fields=["status", "vigencia_fim"], name="contrato_status_fim"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(vigencia_fim__gte=models.F("vigencia_inicio")),
                name="contrato_vigencia_valida",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StatusContrato.values), name="contrato_status_valido"
            ),
        ]

    def __str__(self) -> str:
        return f"Contrato {self.numero}"


class ItemContrato(models.Model):
    """One contracted product: the quantity agreed and its price for the whole term."""

    contrato = models.ForeignKey(Contrato, on_delete=models.CASCADE, related_name="itens")
    sequencia = models.PositiveIntegerField("item")
    produto = models.ForeignKey("produtos.Produto", on_delete=models.PROTECT, related_name="+")
    quantidade = models.DecimalField(
        "quantidade contratada", max_digits=QTD_MAX_DIGITS, decimal_places=QTD_DECIMAL_PLACES
    )
    preco_unitario = models.DecimalField(
        "preço contratado", max_digits=PRECO_MAX_DIGITS, decimal_places=PRECO_DECIMAL_PLACES
    )
    observacao = models.CharField("observação", max_length=200, blank=True)

    class Meta:
        ordering = ["contrato", "sequencia"]
        verbose_name = "item do contrato"
        verbose_name_plural = "itens do contrato"
        constraints = [
            models.UniqueConstraint(fields=["contrato", "produto"], name="contrato_produto_unico"),
            models.UniqueConstraint(
                fields=["contrato", "sequencia"], name="contrato_sequencia_unica"
            ),
            models.CheckConstraint(condition=Q(quantidade__gt=0), name="contrato_qtd_positiva"),
            models.CheckConstraint(condition=Q(preco_unitario__gte=0), name="contrato_preco_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.contrato} item {self.sequencia}"


class ClienteEntregaContrato(models.Model):
    """Seed "Clientes de entrega": other establishments (branches) that receive under it."""

    contrato = models.ForeignKey(Contrato, on_delete=models.CASCADE, related_name="entregas")
    cliente = models.ForeignKey(Cliente, on_delete=models.PROTECT, related_name="+")
    observacao = models.CharField("observação", max_length=200, blank=True)

    class Meta:
        ordering = ["contrato", "id"]
        verbose_name = "cliente de entrega"
        verbose_name_plural = "clientes de entrega"
        constraints = [
            models.UniqueConstraint(
                fields=["contrato", "cliente"], name="contrato_cliente_entrega_unico"
            )
        ]

    def __str__(self) -> str:
        return str(self.cliente)


class ProgramacaoContrato(models.Model):
    """Seed "Programação de datas": how much of an item is due on which date (and where).
    When an order is placed for it, `pedido` points at that order and status is ATENDIDA."""

    item = models.ForeignKey(ItemContrato, on_delete=models.CASCADE, related_name="programacoes")
    data = models.DateField()
    quantidade = models.DecimalField(max_digits=QTD_MAX_DIGITS, decimal_places=QTD_DECIMAL_PLACES)
    tipo = models.ForeignKey(
        TipoProgramacao, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cliente_entrega = models.ForeignKey(
        ClienteEntregaContrato, on_delete=models.PROTECT, null=True, blank=True,
        related_name="programacoes",
    )  # fmt: skip
    status = models.CharField(
        max_length=10, choices=StatusProgramacao.choices, default=StatusProgramacao.PREVISTA
    )
    pedido = models.ForeignKey(
        "vendas.Pedido", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="programacoes_contrato",
    )  # fmt: skip

    class Meta:
        ordering = ["data", "id"]
        verbose_name = "programação de datas do contrato"
        verbose_name_plural = "programações de datas do contrato"
        indexes = [models.Index(fields=["status", "data"], name="contrato_prog_status_data")]
        constraints = [
            models.CheckConstraint(condition=Q(quantidade__gt=0), name="contrato_prog_qtd_positiva")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.quantidade} em {self.data:%d/%m/%Y}"


class ContatoContrato(models.Model):
    contrato = models.ForeignKey(Contrato, on_delete=models.CASCADE, related_name="contatos")
    nome = models.CharField(max_length=120)
    cargo = models.CharField(max_length=80, blank=True)
    email = models.EmailField("e-mail", blank=True)
    telefone = models.CharField(max_length=20, blank=True)
    principal = models.BooleanField(default=False)

    class Meta:
        ordering = ["contrato", "-principal", "nome"]
        verbose_name = "contato do contrato"
        verbose_name_plural = "contatos do contrato"

    def __str__(self) -> str:
        return self.nome


class EventoContrato(models.Model):
    """One row per business change on a contract (who, when, what), written by the services."""

    contrato = models.ForeignKey(Contrato, on_delete=models.CASCADE, related_name="eventos")
    tipo = models.CharField(max_length=30, choices=TipoEventoContrato.choices)
    ator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    quando = models.DateTimeField(auto_now_add=True)
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-quando", "-id"]
        verbose_name = "evento do contrato"
        verbose_name_plural = "eventos do contrato"
        indexes = [models.Index(fields=["contrato", "-quando"], name="contrato_evento_quando")]

    def __str__(self) -> str:
        return f"{self.contrato}: {self.tipo}"
