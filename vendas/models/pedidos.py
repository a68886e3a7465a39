"""isoVendas: orders and quotes (Pedido), their items, events, approvals and registries.

Visibility lives in ONE place: `PedidoQuerySet.visiveis_para` — an order is visible exactly when
its client is (`Cliente.objects.visiveis_para`); SPEC: "a rep never sees … that client's orders".
Models compute; writes that span models are in vendas/services/. Status flow is data
(`vendas.constants.TRANSICOES`), checked by `Pedido.pode_transitar`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from cadastro.models import (
    Armazem,
    Cliente,
    LocalFaturamento,
    PeloClienteQuerySet,
    RegistroAuxiliar,
    TabelaVenda,
)
from crm.models import AnexoBase
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from produtos.constants import (
    FATOR_DECIMAL_PLACES,
    FATOR_MAX_DIGITS,
    QTD_DECIMAL_PLACES,
    QTD_MAX_DIGITS,
)
from vendas.constants import (
    PERCENTUAL_DECIMAL_PLACES,
    PERCENTUAL_MAX_DIGITS,
    PRECO_DECIMAL_PLACES,
    PRECO_MAX_DIGITS,
    STATUS_EDITAVEIS,
    TRANSICOES,
    ChaveRateioFrete,
    DecisaoAprovacao,
    StatusItem,
    StatusPedido,
    TipoDocumento,
    TipoEventoPedido,
    tipo_problema,
)

if TYPE_CHECKING:
    from contas.models import Usuario

ZERO = Decimal("0.00")


class TransicaoInvalida(Exception):
    """A status move the flow does not allow (domain error, shown to the user as is)."""

    def __init__(self, atual: str, novo: str) -> None:
        self.atual, self.novo = atual, novo
        self.mensagem = (
            f"O pedido está “{StatusPedido(atual).label}” e não pode passar a "
            f"“{StatusPedido(novo).label}”."
        )
        super().__init__(self.mensagem)


def _dinheiro(nome: str, **kwargs: Any) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(
        nome, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


def _percentual(nome: str, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        nome, max_digits=PERCENTUAL_MAX_DIGITS, decimal_places=PERCENTUAL_DECIMAL_PLACES, **kwargs
    )


# --- auxiliary registries (admin) ---------------------------------------------------------


class TipoPedido(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "tipo de pedido"
        verbose_name_plural = "tipos de pedido"


class OrigemPedido(RegistroAuxiliar):
    """Where the order came from: digitado, Neogrid, Bionexo, e-commerce…"""

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "origem do pedido"
        verbose_name_plural = "origens do pedido"


validar_codigo_condicao = RegexValidator(
    r"^[A-Z0-9_\-/]{1,20}$", "Use letras maiúsculas, dígitos, “-”, “_” ou “/”."
)


class CondicaoPagamento(RegistroAuxiliar):
    """`codigo` is what the matrices' dimension `condicao_pagamento` matches (p.ex. 28DD)."""

    parcelas = models.PositiveSmallIntegerField(default=1)
    prazo_medio_dias = models.PositiveSmallIntegerField("prazo médio (dias)", default=0)
    percentual_custo_financeiro = _percentual(
        "custo financeiro (%)",
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Entra só na margem de contribuição.",
    )

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "condição de pagamento"
        verbose_name_plural = "condições de pagamento"


class Transportadora(RegistroAuxiliar):
    cnpj = models.CharField("CNPJ", max_length=14, blank=True)

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "transportadora"


class TipoFrete(RegistroAuxiliar):
    """CIF (emitente paga e cobra no pedido) ou FOB (destinatário contrata)."""

    cobra_no_pedido = models.BooleanField(
        "frete cobrado no pedido", default=True, help_text="Desmarque para FOB."
    )

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "tipo de frete"
        verbose_name_plural = "tipos de frete"


class NaturezaOperacao(RegistroAuxiliar):
    cfop = models.CharField("CFOP", max_length=4, validators=[RegexValidator(r"^[1-7][0-9]{3}$")])

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "natureza de operação"
        verbose_name_plural = "naturezas de operação"


class MotivoCancelamento(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "motivo de cancelamento de item"
        verbose_name_plural = "motivos de cancelamento de item"


# --- the order ------------------------------------------------------------------------------


class PedidoQuerySet(PeloClienteQuerySet["Pedido"]):
    """Orders: visible exactly when their client is (cadastro.models.PeloClienteQuerySet)."""

    permissao_ver = "vendas.view_pedido"


# Fields the rep edits (tracked by pghistory); the computed ones change on every recalculation
# and are reproducible from these, so they stay out of the history.
CAMPOS_PEDIDO_AUDITADOS = [
    "tipo", "numero", "cliente", "representante", "status", "tipo_pedido", "origem",
    "condicao_pagamento", "tipo_frete", "transportadora", "valor_frete", "desconto_percentual",
    "chave_rateio_frete", "natureza_operacao", "local_faturamento", "armazem", "tabela_venda",
    "observacoes", "observacoes_internas", "data", "versao", "contrato", "oportunidade",
]  # fmt: skip


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    fields=CAMPOS_PEDIDO_AUDITADOS,
    model_name="PedidoHistorico",
)
class Pedido(models.Model):
    tipo = models.CharField(max_length=10, choices=TipoDocumento.choices)
    numero = models.PositiveIntegerField("número", unique=True)
    empresa = models.ForeignKey("contas.Empresa", on_delete=models.PROTECT, related_name="+")
    cliente = models.ForeignKey(Cliente, on_delete=models.PROTECT, related_name="pedidos")
    representante = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pedidos"
    )
    status = models.CharField(
        max_length=24, choices=StatusPedido.choices, default=StatusPedido.EM_DIGITACAO
    )
    data = models.DateField("data do pedido")
    tipo_pedido = models.ForeignKey(
        TipoPedido, on_delete=models.PROTECT, null=True, blank=True, verbose_name="tipo de pedido"
    )
    origem = models.ForeignKey(
        OrigemPedido, on_delete=models.PROTECT, null=True, blank=True, verbose_name="origem"
    )
    condicao_pagamento = models.ForeignKey(
        CondicaoPagamento,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="condição de pagamento",
    )
    tipo_frete = models.ForeignKey(
        TipoFrete, on_delete=models.PROTECT, null=True, blank=True, verbose_name="tipo de frete"
    )
    transportadora = models.ForeignKey(
        Transportadora, on_delete=models.PROTECT, null=True, blank=True
    )
    valor_frete = _dinheiro("valor do frete", validators=[MinValueValidator(ZERO)])
    desconto_percentual = _percentual(
        "desconto do pedido (%)",
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    chave_rateio_frete = models.CharField(
        "rateio do frete",
        max_length=5,
        choices=ChaveRateioFrete.choices,
        default=ChaveRateioFrete.VALOR,
    )
    natureza_operacao = models.ForeignKey(
        NaturezaOperacao,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="natureza de operação",
    )
    local_faturamento = models.ForeignKey(
        LocalFaturamento, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    armazem = models.ForeignKey(
        Armazem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tabela_venda = models.ForeignKey(
        TabelaVenda, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uf_destino = models.CharField("UF de destino", max_length=2, blank=True)
    observacoes = models.TextField("observações", blank=True)
    observacoes_internas = models.TextField("observações internas", blank=True)
    # Optimistic locking: every content change bumps `versao`; a save carrying an older value is
    # refused naming `atualizado_por`. Approvals are bound to a version (SolicitacaoAprovacao).
    versao = models.PositiveIntegerField("versão", default=1)
    atualizado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    # --- stored from the last calculation (pedido_recalcular) ----------------------------
    v_prod = _dinheiro("valor dos produtos")
    v_desc = _dinheiro("descontos")
    v_frete = _dinheiro("frete")
    v_ipi = _dinheiro("IPI")
    v_icms = _dinheiro("ICMS")
    v_st = _dinheiro("ICMS-ST")
    v_fcp = _dinheiro("FCP")
    v_difal = _dinheiro("DIFAL")
    v_pis = _dinheiro("PIS")
    v_cofins = _dinheiro("COFINS")
    v_nf = _dinheiro("total do pedido")
    margem_bruta = _dinheiro("margem bruta", null=True, blank=True, default=None)
    margem_contribuicao = _dinheiro("margem de contribuição", null=True, blank=True, default=None)
    percentual_mb = _percentual("MB (%)", null=True, blank=True)
    percentual_mc = _percentual("MC (%)", null=True, blank=True)
    problemas = models.JSONField(default=list, blank=True)
    tem_bloqueio = models.BooleanField("tem problema bloqueante", default=False)
    nivel_alcada = models.PositiveSmallIntegerField("nível de alçada necessário", null=True)
    papel_aprovador = models.CharField("aprovador necessário", max_length=20, blank=True)
    recalculado_em = models.DateTimeField(null=True, blank=True)

    # A copy (pedido_copiar) keeps its original and, item by item, what changed since it
    # (prices, stock, promotions, matrix results); it cannot be sent until the rep has seen it.
    copia_de = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copias"
    )
    comparacao_copia = models.JSONField(default=dict, blank=True)
    copia_conferida_em = models.DateTimeField(null=True, blank=True)

    # Where it came from: the contract it was placed under, the funnel opportunity it answers,
    # and, for an order, the quote it was converted from (the quote is then CONVERTIDO).
    contrato = models.ForeignKey(
        "vendas.Contrato", on_delete=models.PROTECT, null=True, blank=True, related_name="pedidos"
    )
    oportunidade = models.ForeignKey(
        "vendas.Oportunidade", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="pedidos",
    )  # fmt: skip
    orcamento_origem = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="conversoes",
        verbose_name="orçamento de origem",
    )  # fmt: skip

    criado_em = models.DateTimeField(auto_now_add=True, db_index=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = PedidoQuerySet.as_manager()

    class Meta:
        ordering = ["-numero"]
        verbose_name = "pedido"
        permissions = [
            ("exportar_pedidos", "Exportar pedidos"),
            ("aprovar_pedido", "Aprovar pedidos (alçada)"),
        ]
        indexes = [
            models.Index(fields=["cliente", "-data"], name="pedido_cliente_data"),
            models.Index(fields=["representante", "-numero"], name="pedido_representante"),
            models.Index(fields=["status", "-numero"], name="pedido_status"),
            models.Index(fields=["data", "id"], name="pedido_data_id"),
            models.Index(fields=["v_nf", "id"], name="pedido_valor_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StatusPedido.values), name="pedido_status_valido"
            ),
            models.CheckConstraint(
                condition=Q(desconto_percentual__gte=0) & Q(desconto_percentual__lte=100),
                name="pedido_desconto_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.numero}"

    def pode_transitar(self, novo: str) -> bool:
        return novo in TRANSICOES.get(self.status, frozenset())

    def transitar(self, novo: str) -> None:
        """Sets the new status or raises TransicaoInvalida (the caller saves, under a lock)."""
        if not self.pode_transitar(novo):
            raise TransicaoInvalida(self.status, novo)
        self.status = novo

    @property
    def editavel(self) -> bool:
        return self.status in STATUS_EDITAVEIS

    @property
    def problemas_bloqueantes(self) -> list[dict[str, Any]]:
        return [p for p in self.problemas if tipo_problema(p["codigo"]).bloqueia]


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    fields=[
        "produto", "quantidade", "unidade", "novo_preco", "desconto_percentual",
        "acrescimo_percentual", "lote", "data_promessa", "status", "motivo_cancelamento",
    ],
    model_name="ItemPedidoHistorico",
)  # fmt: skip
class ItemPedido(models.Model):
    # No index of its own: the unique (pedido, sequencia) serves every lookup by order, and one
    # index less is one less write per item on every recalculation.
    pedido = models.ForeignKey(
        Pedido, on_delete=models.CASCADE, related_name="itens", db_index=False
    )
    sequencia = models.PositiveIntegerField("item")
    produto = models.ForeignKey("produtos.Produto", on_delete=models.PROTECT, related_name="+")
    quantidade = models.DecimalField(
        max_digits=QTD_MAX_DIGITS,
        decimal_places=QTD_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unidade = models.ForeignKey(
        "produtos.Unidade", on_delete=models.PROTECT, null=True, related_name="+"
    )
    fator = models.DecimalField(
        "fator de conversão",
        max_digits=FATOR_MAX_DIGITS,
        decimal_places=FATOR_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    multiplo = models.DecimalField(
        "múltiplo", max_digits=QTD_MAX_DIGITS, decimal_places=QTD_DECIMAL_PLACES, null=True
    )
    preco_lista = models.DecimalField(
        "preço de lista",
        max_digits=PRECO_MAX_DIGITS,
        decimal_places=PRECO_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    novo_preco = models.DecimalField(
        "novo preço",
        max_digits=PRECO_MAX_DIGITS,
        decimal_places=PRECO_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    preco_unitario = models.DecimalField(
        "preço unitário",
        max_digits=PRECO_MAX_DIGITS,
        decimal_places=PRECO_DECIMAL_PLACES,
        default=Decimal("0"),
        help_text="Preço usado no cálculo: novo preço ou lista, com o acréscimo.",
    )
    desconto_percentual = _percentual(
        "desconto (%)",
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    acrescimo_percentual = _percentual(
        "acréscimo (%)",
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    lote = models.ForeignKey(
        "produtos.Lote", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data_promessa = models.DateField("data de promessa", null=True, blank=True)
    # The promotion the rep added the item under (promotions panel / paste box): while it holds
    # for the order, its price or discount is the company's, not the rep's, and the alçada
    # measures only what the rep gave beyond it (`percentual_desconto_alcada`).
    promocao = models.ForeignKey(
        "produtos.Promocao",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="promoção",
    )
    data_faturamento = models.DateField("data de faturamento", null=True, blank=True)
    status = models.CharField(max_length=10, choices=StatusItem.choices, default=StatusItem.ATIVO)
    motivo_cancelamento = models.ForeignKey(
        MotivoCancelamento, on_delete=models.PROTECT, null=True, blank=True
    )

    # --- stored from the last calculation ------------------------------------------------
    v_prod = _dinheiro("valor do produto")
    v_desc = _dinheiro("desconto")
    v_frete = _dinheiro("frete")
    bc_ipi = _dinheiro("base do IPI")
    v_ipi = _dinheiro("IPI")
    aliq_icms = _percentual("alíquota ICMS (%)", null=True, blank=True)
    bc_icms = _dinheiro("base do ICMS")
    v_icms = _dinheiro("ICMS")
    bc_st = _dinheiro("base do ICMS-ST")
    v_st = _dinheiro("ICMS-ST")
    v_fcp = _dinheiro("FCP")
    v_difal = _dinheiro("DIFAL")
    bc_pis = _dinheiro("base do PIS")
    v_pis = _dinheiro("PIS")
    bc_cofins = _dinheiro("base da COFINS")
    v_cofins = _dinheiro("COFINS")
    total = _dinheiro("total do item")
    custo_unitario = models.DecimalField(
        "custo unitário",
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    margem_bruta = _dinheiro("margem bruta", null=True, blank=True, default=None)
    margem_contribuicao = _dinheiro("margem de contribuição", null=True, blank=True, default=None)
    percentual_mb = _percentual("MB (%)", null=True, blank=True)
    percentual_mc = _percentual("MC (%)", null=True, blank=True)
    percentual_comissao = _percentual("comissão (%)", null=True, blank=True)
    percentual_desconto_efetivo = _percentual("desconto efetivo (%)", null=True, blank=True)
    percentual_desconto_alcada = _percentual("desconto para a alçada (%)", null=True, blank=True)
    nivel_alcada = models.PositiveSmallIntegerField("nível de alçada", null=True, blank=True)
    papel_aprovador = models.CharField("aprovador", max_length=20, blank=True)
    estoque_disponivel = models.DecimalField(
        "estoque disponível",
        max_digits=QTD_MAX_DIGITS,
        decimal_places=QTD_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    problemas = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["pedido", "sequencia"]
        verbose_name = "item do pedido"
        verbose_name_plural = "itens do pedido"
        constraints = [
            models.UniqueConstraint(fields=["pedido", "sequencia"], name="item_sequencia_unica"),
            models.CheckConstraint(condition=Q(quantidade__gt=0), name="item_quantidade_positiva"),
            models.CheckConstraint(
                condition=Q(status="ativo") | Q(motivo_cancelamento__isnull=False),
                name="item_cancelado_com_motivo",
                violation_error_message="Informe o motivo do cancelamento.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sequencia}: {self.produto_id} × {self.quantidade}"

    @property
    def ativo(self) -> bool:
        return self.status == StatusItem.ATIVO


class PedidoEvento(models.Model):
    """One row per business change on an order (who, when, what), written by the services."""

    pedido = models.ForeignKey(Pedido, on_delete=models.CASCADE, related_name="eventos")
    tipo = models.CharField(max_length=24, choices=TipoEventoPedido.choices)
    ator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    quando = models.DateTimeField(auto_now_add=True)
    versao = models.PositiveIntegerField("versão do pedido")
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-quando", "-id"]
        verbose_name = "evento do pedido"
        verbose_name_plural = "eventos do pedido"
        indexes = [models.Index(fields=["pedido", "-quando"], name="pedido_evento_quando")]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} – pedido {self.pedido_id}"


class SolicitacaoAprovacaoQuerySet(models.QuerySet["SolicitacaoAprovacao"]):
    def fila_de(self, user: Usuario) -> SolicitacaoAprovacaoQuerySet:
        """Pending requests this user may decide: a Supervisor those of the reps of the teams
        they head; whoever holds the Administrador approval role every request (higher level).
        Always within the orders the user may see."""
        if not user.has_perm("vendas.aprovar_pedido"):
            return self.none()
        qs = self.filter(
            decisao=DecisaoAprovacao.PENDENTE,
            pedido__in=Pedido.objects.visiveis_para(user).values("pk"),
        )
        if user.is_superuser or user.groups.filter(name="Administrador").exists():
            return qs
        return qs.filter(papel_aprovador="Supervisor", aprovador=user)


class SolicitacaoAprovacao(models.Model):
    """A request for approval of ONE version of an order (alçada).

    The decision holds only while `pedido.versao == versao`: a later change voids it.
    """

    pedido = models.ForeignKey(Pedido, on_delete=models.CASCADE, related_name="aprovacoes")
    versao = models.PositiveIntegerField("versão do pedido")
    solicitante = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    solicitado_em = models.DateTimeField(auto_now_add=True)
    justificativa = models.TextField(blank=True)
    nivel = models.PositiveSmallIntegerField("nível necessário")
    papel_aprovador = models.CharField("aprovador necessário", max_length=20)
    aprovador = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aprovacoes_designadas",
        help_text="Supervisor da equipe do representante; vazio = qualquer administrador.",
    )
    detalhes = models.JSONField(default=dict, blank=True)
    decisao = models.CharField(
        max_length=10, choices=DecisaoAprovacao.choices, default=DecisaoAprovacao.PENDENTE
    )
    decidido_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decidido_em = models.DateTimeField(null=True, blank=True)
    comentario = models.TextField("comentário", blank=True)

    objects = SolicitacaoAprovacaoQuerySet.as_manager()

    class Meta:
        ordering = ["-solicitado_em", "-id"]
        verbose_name = "solicitação de aprovação"
        verbose_name_plural = "solicitações de aprovação"
        indexes = [models.Index(fields=["decisao", "aprovador"], name="aprovacao_fila")]
        constraints = [
            models.UniqueConstraint(
                fields=["pedido"],
                condition=Q(decisao="pendente"),
                name="aprovacao_uma_pendente_por_pedido",
            )
        ]

    def __str__(self) -> str:
        return f"Aprovação do pedido {self.pedido_id} v{self.versao}: {self.decisao}"


# --- jobs: generated documents and the open orders' recalculation ----------------------------


class TipoDocumentoGerado(models.TextChoices):
    PROPOSTA = "proposta", "Proposta comercial"
    MAPA = "mapa", "Mapa de vendas"


class StatusJob(models.TextChoices):
    PENDENTE = "pendente", "Na fila"
    PROCESSANDO = "processando", "Gerando"
    PRONTO = "pronto", "Pronto"
    ERRO = "erro", "Erro"


JOBS_EM_ANDAMENTO = frozenset({StatusJob.PENDENTE, StatusJob.PROCESSANDO})


class DocumentoGeradoQuerySet(models.QuerySet["DocumentoGerado"]):
    def visiveis_para(self, user: Usuario) -> DocumentoGeradoQuerySet:
        """A document is visible exactly when its order is."""
        return self.filter(pedido__in=Pedido.objects.visiveis_para(user).values("pk"))


class DocumentoGerado(models.Model):
    """A PDF of an order (proposal or sales map) rendered by a Celery task. The page polls this
    row (status/progresso); the file is served only through the order's visibility rule.

    `email_para`: when set, the task e-mails the PDF there once it is ready (the consent was
    checked by the service and is checked again right before sending)."""

    pedido = models.ForeignKey(Pedido, on_delete=models.CASCADE, related_name="documentos")
    tipo = models.CharField(max_length=10, choices=TipoDocumentoGerado.choices)
    versao_pedido = models.PositiveIntegerField("versão do pedido")
    status = models.CharField(max_length=12, choices=StatusJob.choices, default=StatusJob.PENDENTE)
    progresso = models.PositiveSmallIntegerField(default=0)
    etapa = models.CharField(max_length=80, blank=True)
    arquivo = models.FileField(upload_to="vendas/documentos/%Y/%m/", max_length=255, blank=True)
    paginas = models.PositiveIntegerField("páginas", null=True, blank=True)
    erro = models.TextField(blank=True)
    email_para = models.EmailField("enviar para", blank=True)
    email_enviado_em = models.DateTimeField("e-mail enviado em", null=True, blank=True)
    criado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    criado_em = models.DateTimeField(auto_now_add=True)
    concluido_em = models.DateTimeField(null=True, blank=True)

    objects = DocumentoGeradoQuerySet.as_manager()

    class Meta:
        ordering = ["-criado_em", "-id"]
        verbose_name = "documento gerado"
        verbose_name_plural = "documentos gerados"
        indexes = [models.Index(fields=["pedido", "-criado_em"], name="documento_pedido")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progresso__lte=100), name="documento_progresso_ate_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} do pedido {self.pedido_id}"

    @property
    def em_andamento(self) -> bool:
        return self.status in JOBS_EM_ANDAMENTO

    @property
    def nome_arquivo(self) -> str:
        return f"{self.tipo}-{self.pedido.numero}-v{self.versao_pedido}.pdf"


class RecalculoPedidos(models.Model):
    """A job recalculating every open order (after a matrix changed): progress in this row,
    resumable (`ultimo_pedido`: orders are walked by id, a re-delivered task goes on after it)."""

    motivo = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=StatusJob.choices, default=StatusJob.PENDENTE)
    total = models.PositiveIntegerField(default=0)
    processados = models.PositiveIntegerField(default=0)
    alterados = models.PositiveIntegerField("com total alterado", default=0)
    falhas = models.JSONField(default=list, blank=True)
    ultimo_pedido = models.PositiveBigIntegerField(default=0)
    criado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    criado_em = models.DateTimeField(auto_now_add=True)
    iniciado_em = models.DateTimeField(null=True, blank=True)
    concluido_em = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-criado_em", "-id"]
        verbose_name = "recálculo de pedidos"
        verbose_name_plural = "recálculos de pedidos"

    def __str__(self) -> str:
        return f"Recálculo {self.pk}: {self.motivo}"

    @property
    def progresso(self) -> int:
        if self.status == StatusJob.PRONTO:
            return 100
        return int(self.processados * 100 / self.total) if self.total else 0

    @property
    def em_andamento(self) -> bool:
        return self.status in JOBS_EM_ANDAMENTO


# --- item date scheduling, attachments, favourites ---------------------------------------


class ProgramacaoItem(models.Model):
    """Seed "Programação de datas": an item delivered in parts, each on its date. The parts
    add up to the item's quantity (checked by the service); "Agrupamento de datas" groups the
    order's parts by date."""

    item = models.ForeignKey(ItemPedido, on_delete=models.CASCADE, related_name="programacoes")
    data = models.DateField()
    quantidade = models.DecimalField(max_digits=QTD_MAX_DIGITS, decimal_places=QTD_DECIMAL_PLACES)

    class Meta:
        ordering = ["item", "data", "id"]
        verbose_name = "programação de datas do item"
        verbose_name_plural = "programações de datas do item"
        constraints = [
            models.UniqueConstraint(fields=["item", "data"], name="programacao_item_data_unica"),
            models.CheckConstraint(condition=Q(quantidade__gt=0), name="programacao_qtd_positiva"),
        ]

    def __str__(self) -> str:
        return f"{self.quantidade} em {self.data:%d/%m/%Y}"


def _caminho_anexo_pedido(instancia: AnexoPedido, nome: str) -> str:
    import uuid
    from pathlib import Path

    return f"vendas/anexos/{instancia.pedido_id}/{uuid.uuid4().hex}{Path(nome).suffix.lower()}"


class AnexoPedido(AnexoBase):
    pedido = models.ForeignKey(Pedido, on_delete=models.CASCADE, related_name="anexos")
    arquivo = models.FileField(upload_to=_caminho_anexo_pedido, max_length=255)

    class Meta:
        ordering = ["-enviado_em", "-id"]
        verbose_name = "anexo do pedido"
        verbose_name_plural = "anexos do pedido"


class ProdutoFavorito(models.Model):
    """Seed "Produtos favoritos": a rep's own short list, offered first in the product search."""

    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="produtos_favoritos"
    )
    produto = models.ForeignKey("produtos.Produto", on_delete=models.CASCADE, related_name="+")
    criado_em = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["usuario", "-criado_em"]
        verbose_name = "produto favorito"
        verbose_name_plural = "produtos favoritos"
        constraints = [
            models.UniqueConstraint(fields=["usuario", "produto"], name="favorito_unico")
        ]

    def __str__(self) -> str:
        return f"{self.usuario}: {self.produto}"
