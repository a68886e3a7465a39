"""Catálogo: produto e tudo que pende dele (preços, custos, estoque, lotes, kits, cotas, anexos).

Products are visible to every role that has `produtos.view_produto`; what is scoped is what hangs
off a *client*: a client-specific price or quota is visible only to who sees that client
(`PrecoListaQuerySet.visiveis_para`, `CotaQuerySet.visiveis_para`). Costs are a permission
(`produtos.ver_custos`), never shown to reps.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from stdnum import ean as stdnum_ean

from cadastro.models import Armazem, CategoriaFiscal, Cliente, Origem, RegistroAuxiliar, TabelaVenda
from crm.models import AnexoBase
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from produtos.constants import (
    ANEXO_TAMANHO_MAXIMO,
    FATOR_DECIMAL_PLACES,
    FATOR_MAX_DIGITS,
    ORIGENS_IMPORTADAS,
    PESO_DECIMAL_PLACES,
    PESO_MAX_DIGITS,
    QTD_DECIMAL_PLACES,
    QTD_MAX_DIGITS,
    OrigemMercadoria,
    RegraDataPromessa,
    TipoEventoProduto,
)

if TYPE_CHECKING:
    from contas.models import Usuario

MENSAGEM_EAN = "EAN/GTIN inválido: confira os dígitos (o último é o dígito verificador)."

validar_ncm = RegexValidator(r"^[0-9]{8}$", "O NCM tem 8 dígitos, sem pontos.")
validar_cest = RegexValidator(r"^[0-9]{7}$", "O CEST tem 7 dígitos, sem pontos.")


def validar_ean(valor: str) -> None:
    """GTIN-8/12/13/14 with a correct check digit (python-stdnum's `ean`)."""
    if not valor:
        return
    if not stdnum_ean.is_valid(valor) or len(valor) not in (8, 12, 13, 14):
        raise ValidationError(MENSAGEM_EAN, code="ean")


def _dinheiro(nome: str, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        nome,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,  # type: ignore[arg-type]
    )


def _quantidade(nome: str, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        nome,
        max_digits=QTD_MAX_DIGITS,
        decimal_places=QTD_DECIMAL_PLACES,
        **kwargs,  # type: ignore[arg-type]
    )


class IntervaloDatas(models.Func):
    """`daterange(inicio, fim, '[]')`: both ends inclusive, NULL end = open-ended validity."""

    function = "DATERANGE"
    output_field = DateRangeField()


# --- auxiliary registries (admin) ---------------------------------------------------------


# The same abstract registry (código, descrição, ativo) as cadastro's auxiliary registries
# (subclassed directly: django-stubs does not see managers through an alias).


class Unidade(RegistroAuxiliar):
    """Unit of measure (UN, CX, KG…); `codigo` is what prints on the NF-e (uCom)."""

    casas_decimais = models.PositiveSmallIntegerField(
        "casas decimais", default=0, help_text="0 para unidades indivisíveis (UN, CX)."
    )

    class Meta(RegistroAuxiliar.Meta):
        ordering = ["codigo"]
        verbose_name = "unidade"

    def __str__(self) -> str:
        return self.codigo


class LinhaProduto(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "linha de produto"
        verbose_name_plural = "linhas de produto"


class GrupoProduto(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "grupo de produto"
        verbose_name_plural = "grupos de produto"


class Marca(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "marca"


class Modelo(RegistroAuxiliar):
    marca = models.ForeignKey(Marca, on_delete=models.PROTECT, null=True, blank=True)

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "modelo"


class ClassificacaoProduto(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "classificação de produto"
        verbose_name_plural = "classificações de produto"


class TipoProduto(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "tipo de produto"
        verbose_name_plural = "tipos de produto"


class EspecieProduto(RegistroAuxiliar):
    """Espécie (fiscal data): how the product is grouped for fiscal parameters."""

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "espécie de produto"
        verbose_name_plural = "espécies de produto"


# --- the product --------------------------------------------------------------------------


class ProdutoQuerySet(models.QuerySet["Produto"]):
    def vendaveis(self) -> ProdutoQuerySet:
        return self.filter(ativo=True, bloqueado=False)


# Statement-level triggers: one history INSERT per statement, so bulk writes (demo data, price
# import) stay set-based instead of paying a PL/pgSQL call per row.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    exclude=["atualizado_em"],
    level=pghistory.Statement,
)
class Produto(models.Model):
    codigo = models.CharField("código", max_length=30, unique=True)
    descricao = models.CharField("descrição", max_length=200)
    ean = models.CharField(
        "EAN/GTIN", max_length=14, blank=True, validators=[validar_ean], help_text="Só dígitos."
    )
    unidade = models.ForeignKey(Unidade, on_delete=models.PROTECT, related_name="+")
    ativo = models.BooleanField(default=True)
    bloqueado = models.BooleanField(default=False)
    motivo_bloqueio = models.CharField("motivo do bloqueio", max_length=200, blank=True)
    linha = models.ForeignKey(
        LinhaProduto, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grupo = models.ForeignKey(
        GrupoProduto, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    marca = models.ForeignKey(
        Marca, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    modelo = models.ForeignKey(
        Modelo, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    classificacao = models.ForeignKey(
        ClassificacaoProduto,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="classificação",
    )
    tipo = models.ForeignKey(
        TipoProduto, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Dados fiscais
    ncm = models.CharField("NCM", max_length=8, validators=[validar_ncm])
    origem = models.CharField(
        "origem da mercadoria",
        max_length=1,
        choices=OrigemMercadoria.choices,
        default=OrigemMercadoria.NACIONAL,
    )
    cest = models.CharField("CEST", max_length=7, blank=True, validators=[validar_cest])
    categoria_fiscal = models.ForeignKey(
        CategoriaFiscal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    especie = models.ForeignKey(
        EspecieProduto,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="espécie",
    )
    # Logística
    peso_bruto = models.DecimalField(
        "peso bruto (kg)",
        max_digits=PESO_MAX_DIGITS,
        decimal_places=PESO_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    peso_liquido = models.DecimalField(
        "peso líquido (kg)",
        max_digits=PESO_MAX_DIGITS,
        decimal_places=PESO_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    multiplo_venda = models.DecimalField(
        "múltiplo de venda",
        max_digits=QTD_MAX_DIGITS,
        decimal_places=QTD_DECIMAL_PLACES,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text="Quantidade vendida sempre em múltiplos deste valor (na unidade do produto).",
    )
    prazo_entrega_dias = models.PositiveSmallIntegerField(
        "prazo de entrega (dias)", default=0, help_text="Lead time em dias corridos."
    )
    regra_data_promessa = models.CharField(
        "regra da data de promessa",
        max_length=20,
        choices=RegraDataPromessa.choices,
        default=RegraDataPromessa.PRAZO_FIXO,
    )
    nivel_alcada = models.PositiveSmallIntegerField(
        "nível de alçada",
        null=True,
        blank=True,
        help_text="Nível mínimo de alçada para aprovar descontos neste produto.",
    )
    dados_complementares = models.TextField("dados complementares", blank=True)
    criado_em = models.DateTimeField(auto_now_add=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = ProdutoQuerySet.as_manager()

    class Meta:
        ordering = ["descricao", "id"]
        verbose_name = "produto"
        permissions = [
            ("ver_custos", "Ver custos e margens de produtos"),
            ("exportar_produtos", "Exportar produtos"),
            ("importar_precos", "Importar lista de preços"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ean"],
                condition=~Q(ean=""),
                name="produto_ean_unico",
                violation_error_message="Já existe um produto com este EAN.",
            ),
            models.CheckConstraint(
                condition=Q(ncm__regex=r"^[0-9]{8}$"), name="produto_ncm_8_digitos"
            ),
            models.CheckConstraint(
                condition=Q(cest="") | Q(cest__regex=r"^[0-9]{7}$"),
                name="produto_cest_7_digitos",
            ),
            models.CheckConstraint(
                condition=Q(origem__in=[c.value for c in OrigemMercadoria]),
                name="produto_origem_valida",
            ),
            models.CheckConstraint(
                condition=Q(bloqueado=False) | ~Q(motivo_bloqueio=""),
                name="produto_bloqueio_com_motivo",
                violation_error_message="Informe o motivo do bloqueio.",
            ),
        ]
        indexes = [
            # Code-prefix search (LIKE 'ABC%') uses the unique `codigo`'s own `_like` index.
            models.Index(fields=["descricao", "id"], name="produto_descricao_id"),
            models.Index(fields=["ncm"], name="produto_ncm"),
        ]

    def __str__(self) -> str:
        return f"{self.codigo} – {self.descricao}"

    def clean(self) -> None:
        self.codigo = (self.codigo or "").strip().upper()
        self.ean = (self.ean or "").strip()
        if self.bloqueado and not self.motivo_bloqueio.strip():
            raise ValidationError({"motivo_bloqueio": "Informe o motivo do bloqueio."})
        if not self.bloqueado:
            self.motivo_bloqueio = ""
        if (
            self.peso_bruto is not None
            and self.peso_liquido is not None
            and self.peso_liquido > self.peso_bruto
        ):
            raise ValidationError(
                {"peso_liquido": "O peso líquido não pode ser maior que o peso bruto."}
            )

    @property
    def importado(self) -> bool:
        """Origin that takes the 4% interstate ICMS rate (Res. SF 13/2012)."""
        return self.origem in ORIGENS_IMPORTADAS

    @property
    def vendavel(self) -> bool:
        return self.ativo and not self.bloqueado


class EventoProduto(models.Model):
    """One row per business change on a product (who, when, what), written by the services."""

    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="eventos")
    tipo = models.CharField(max_length=20, choices=TipoEventoProduto.choices)
    ator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    quando = models.DateTimeField(auto_now_add=True)
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-quando", "-id"]
        verbose_name = "evento de produto"
        indexes = [models.Index(fields=["produto", "-quando"], name="evento_produto_quando")]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} – {self.produto_id}"

    @classmethod
    def registrar(
        cls, *, produto: Produto, tipo: str, ator: Usuario | None, dados: dict | None = None
    ) -> EventoProduto:
        return cls.objects.create(produto=produto, tipo=tipo, ator=ator, dados=dados or {})


# --- relations between products -----------------------------------------------------------


class ProdutoSimilar(models.Model):
    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="similares")
    similar = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="+")
    observacao = models.CharField("observação", max_length=200, blank=True)

    class Meta:
        ordering = ["similar__descricao"]
        verbose_name = "produto similar"
        verbose_name_plural = "produtos similares"
        constraints = [
            models.UniqueConstraint(
                fields=["produto", "similar"],
                name="similar_unico",
                violation_error_message="Este produto já está na lista de similares.",
            ),
            models.CheckConstraint(
                condition=~Q(produto=models.F("similar")),
                name="similar_nao_ele_mesmo",
                violation_error_message="Um produto não é similar a si mesmo.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.similar)


class ProdutoComplementar(models.Model):
    """Cross-selling suggestion shown on the order screen when `produto` is added."""

    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="complementares")
    complementar = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="+")
    observacao = models.CharField("observação", max_length=200, blank=True)

    class Meta:
        ordering = ["complementar__descricao"]
        verbose_name = "produto complementar"
        verbose_name_plural = "produtos complementares"
        constraints = [
            models.UniqueConstraint(
                fields=["produto", "complementar"],
                name="complementar_unico",
                violation_error_message="Este produto já está na lista de complementares.",
            ),
            models.CheckConstraint(
                condition=~Q(produto=models.F("complementar")),
                name="complementar_nao_ele_mesmo",
                violation_error_message="Um produto não complementa a si mesmo.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.complementar)


class KitComponente(models.Model):
    kit = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="componentes")
    componente = models.ForeignKey(Produto, on_delete=models.PROTECT, related_name="em_kits")
    quantidade = _quantidade("quantidade", validators=[MinValueValidator(Decimal("0.001"))])

    class Meta:
        ordering = ["componente__descricao"]
        verbose_name = "componente de kit"
        verbose_name_plural = "componentes de kit"
        constraints = [
            models.UniqueConstraint(
                fields=["kit", "componente"],
                name="kit_componente_unico",
                violation_error_message="Este componente já está no kit.",
            ),
            models.CheckConstraint(
                condition=~Q(kit=models.F("componente")),
                name="kit_nao_contem_a_si",
                violation_error_message="Um kit não pode conter a si mesmo.",
            ),
            models.CheckConstraint(condition=Q(quantidade__gt=0), name="kit_quantidade_positiva"),
        ]

    def __str__(self) -> str:
        return f"{self.quantidade} × {self.componente}"


# --- units --------------------------------------------------------------------------------


class FatorConversao(models.Model):
    """1 `unidade_origem` = `fator` × `unidade_destino` (e.g. 1 CX = 12 UN)."""

    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="fatores")
    unidade_origem = models.ForeignKey(
        Unidade, on_delete=models.PROTECT, related_name="+", verbose_name="unidade de origem"
    )
    unidade_destino = models.ForeignKey(
        Unidade, on_delete=models.PROTECT, related_name="+", verbose_name="unidade de destino"
    )
    fator = models.DecimalField(
        max_digits=FATOR_MAX_DIGITS,
        decimal_places=FATOR_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0.000001"))],
    )
    multiplo_venda = models.DecimalField(
        "múltiplo de venda",
        max_digits=QTD_MAX_DIGITS,
        decimal_places=QTD_DECIMAL_PLACES,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text="Na unidade de origem.",
    )

    class Meta:
        ordering = ["unidade_origem__codigo"]
        verbose_name = "fator de conversão"
        verbose_name_plural = "fatores de conversão"
        constraints = [
            models.UniqueConstraint(
                fields=["produto", "unidade_origem", "unidade_destino"],
                name="fator_unico",
                violation_error_message="Já existe um fator para este par de unidades.",
            ),
            models.CheckConstraint(
                condition=~Q(unidade_origem=models.F("unidade_destino")),
                name="fator_unidades_distintas",
                violation_error_message="As unidades de origem e destino devem ser diferentes.",
            ),
            models.CheckConstraint(condition=Q(fator__gt=0), name="fator_positivo"),
        ]

    def __str__(self) -> str:
        return f"1 {self.unidade_origem} = {self.fator.normalize():f} {self.unidade_destino}"


# --- prices, costs, promotions ------------------------------------------------------------


class PrecoListaQuerySet(models.QuerySet["PrecoLista"]):
    def visiveis_para(self, user: Usuario) -> PrecoListaQuerySet:
        """Table prices: anyone who sees products. Client prices: only who sees that client."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm("produtos.view_precolista"):
            return self.none()
        if user.is_superuser or user.has_perm("cadastro.ver_todos_clientes"):
            return self
        return self.filter(
            Q(cliente__isnull=True)
            | Q(cliente__in=Cliente.objects.visiveis_para(user).values("pk"))
        )

    def vigentes_em(self, data: dt.date) -> PrecoListaQuerySet:
        return self.filter(Q(fim__isnull=True) | Q(fim__gte=data), inicio__lte=data)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    level=pghistory.Statement,
)
class PrecoLista(models.Model):
    """List price of a product in a price table OR for one client, valid from `inicio` to `fim`.

    Two prices for the same key (product + table, or product + client) never overlap in time:
    exclusion constraints on `daterange(inicio, fim, '[]')` guarantee it even for bulk writes.
    """

    # No single-column FK indexes: the two composite indexes below start with these columns.
    produto = models.ForeignKey(
        Produto, on_delete=models.CASCADE, related_name="precos", db_index=False
    )
    tabela = models.ForeignKey(
        TabelaVenda,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tabela de preço",
    )
    cliente = models.ForeignKey(
        Cliente,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="precos_lista",
        db_index=False,
    )
    preco = _dinheiro("preço")
    inicio = models.DateField("início da vigência")
    fim = models.DateField("fim da vigência", null=True, blank=True)
    # Which system the price came from: never filtered on, so no index (one less per insert).
    origem = models.ForeignKey(
        Origem, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    criado_em = models.DateTimeField(auto_now_add=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = PrecoListaQuerySet.as_manager()

    class Meta:
        ordering = ["tabela__descricao", "cliente__nome", "-inicio"]
        verbose_name = "preço de lista"
        verbose_name_plural = "preços de lista"
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(tabela__isnull=False) & Q(cliente__isnull=True))
                    | (Q(tabela__isnull=True) & Q(cliente__isnull=False))
                ),
                name="preco_tabela_ou_cliente",
                violation_error_message="Informe a tabela de preço ou o cliente (um dos dois).",
            ),
            models.CheckConstraint(
                condition=Q(fim__isnull=True) | Q(fim__gte=models.F("inicio")),
                name="preco_vigencia_ordenada",
                violation_error_message="O fim da vigência não pode ser anterior ao início.",
            ),
            models.CheckConstraint(condition=Q(preco__gte=0), name="preco_nao_negativo"),
            ExclusionConstraint(
                name="preco_tabela_sem_sobreposicao",
                expressions=[
                    ("produto", RangeOperators.EQUAL),
                    ("tabela", RangeOperators.EQUAL),
                    (
                        IntervaloDatas("inicio", "fim", models.Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(tabela__isnull=False),
                violation_error_message=(
                    "Já existe um preço deste produto nesta tabela com vigência sobreposta."
                ),
            ),
            ExclusionConstraint(
                name="preco_cliente_sem_sobreposicao",
                expressions=[
                    ("produto", RangeOperators.EQUAL),
                    ("cliente", RangeOperators.EQUAL),
                    (
                        IntervaloDatas("inicio", "fim", models.Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(cliente__isnull=False),
                violation_error_message=(
                    "Já existe um preço deste produto para este cliente com vigência sobreposta."
                ),
            ),
        ]
        indexes = [
            # "Price of product P in table T on date D" / "… for client C": one index probe.
            models.Index(fields=["produto", "tabela", "inicio"], name="preco_produto_tabela"),
            models.Index(fields=["cliente", "produto", "inicio"], name="preco_cliente_produto"),
        ]

    def __str__(self) -> str:
        return f"{self.produto.codigo} {self.tabela or self.cliente}: {self.preco}"

    def vigente_em(self, data: dt.date) -> bool:
        return self.inicio <= data and (self.fim is None or self.fim >= data)


class Custo(models.Model):
    """Cost of a product from `data` on (the latest one up to a date is the cost then)."""

    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="custos")
    data = models.DateField("vigente a partir de")
    custo = _dinheiro("custo")
    observacao = models.CharField("observação", max_length=200, blank=True)
    criado_em = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-data"]
        verbose_name = "custo"
        constraints = [
            models.UniqueConstraint(
                fields=["produto", "data"],
                name="custo_por_data_unico",
                violation_error_message="Já existe um custo deste produto nesta data.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.produto_id} {self.data:%d/%m/%Y}: {self.custo}"


class Promocao(models.Model):
    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="promocoes")
    descricao = models.CharField("descrição", max_length=120)
    tabela = models.ForeignKey(
        TabelaVenda,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tabela de preço",
        help_text="Vazio: vale para todas as tabelas.",
    )
    inicio = models.DateField("início")
    fim = models.DateField("fim")
    preco = _dinheiro("preço promocional", null=True, blank=True)
    percentual_desconto = models.DecimalField(
        "desconto (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["-inicio"]
        verbose_name = "promoção"
        verbose_name_plural = "promoções"
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(preco__isnull=False) & Q(percentual_desconto__isnull=True))
                    | (Q(preco__isnull=True) & Q(percentual_desconto__isnull=False))
                ),
                name="promocao_preco_ou_percentual",
                violation_error_message="Informe o preço promocional ou o desconto (um dos dois).",
            ),
            models.CheckConstraint(
                condition=Q(fim__gte=models.F("inicio")),
                name="promocao_vigencia_ordenada",
                violation_error_message="O fim da promoção não pode ser anterior ao início.",
            ),
            models.CheckConstraint(
                condition=Q(percentual_desconto__isnull=True) | Q(percentual_desconto__lt=100),
                name="promocao_percentual_menor_100",
                violation_error_message="O desconto deve ser menor que 100%.",
            ),
        ]

    def __str__(self) -> str:
        return self.descricao


# --- stock --------------------------------------------------------------------------------


class Estoque(models.Model):
    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="estoques")
    armazem = models.ForeignKey(
        Armazem, on_delete=models.PROTECT, related_name="+", verbose_name="armazém"
    )
    unidade = models.ForeignKey(Unidade, on_delete=models.PROTECT, related_name="+")
    quantidade = _quantidade("quantidade", default=Decimal("0"))
    reservado = _quantidade(
        "reservado", default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    atualizado_em = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["armazem__descricao", "unidade__codigo"]
        verbose_name = "estoque"
        constraints = [
            models.UniqueConstraint(
                fields=["produto", "armazem", "unidade"],
                name="estoque_unico",
                violation_error_message="Já existe estoque deste produto neste armazém e unidade.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.produto_id} {self.armazem}: {self.quantidade} {self.unidade}"

    @property
    def disponivel(self) -> Decimal:
        return self.quantidade - self.reservado


class Lote(models.Model):
    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="lotes")
    armazem = models.ForeignKey(
        Armazem, on_delete=models.PROTECT, related_name="+", verbose_name="armazém"
    )
    numero = models.CharField("número do lote", max_length=40)
    fabricacao = models.DateField("fabricação", null=True, blank=True)
    validade = models.DateField()
    quantidade = _quantidade("quantidade", validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["validade", "numero"]
        verbose_name = "lote"
        constraints = [
            models.UniqueConstraint(
                fields=["produto", "armazem", "numero"],
                name="lote_unico",
                violation_error_message="Este lote já existe neste armazém.",
            ),
            models.CheckConstraint(
                condition=Q(fabricacao__isnull=True) | Q(validade__gte=models.F("fabricacao")),
                name="lote_validade_apos_fabricacao",
                violation_error_message="A validade não pode ser anterior à fabricação.",
            ),
        ]

    def __str__(self) -> str:
        return f"Lote {self.numero} (val. {self.validade:%d/%m/%Y})"

    def vencido_em(self, data: dt.date) -> bool:
        return self.validade < data


class EstoqueProgramado(models.Model):
    """Incoming stock expected on a date (purchase order, production) — feeds the promise date."""

    produto = models.ForeignKey(
        Produto, on_delete=models.CASCADE, related_name="estoques_programados"
    )
    armazem = models.ForeignKey(
        Armazem, on_delete=models.PROTECT, related_name="+", verbose_name="armazém"
    )
    data_prevista = models.DateField("data prevista")
    quantidade = _quantidade("quantidade", validators=[MinValueValidator(Decimal("0.001"))])
    documento = models.CharField(
        "documento", max_length=60, blank=True, help_text="Pedido de compra, ordem de produção…"
    )

    class Meta:
        ordering = ["data_prevista"]
        verbose_name = "estoque programado"
        verbose_name_plural = "estoques programados"

    def __str__(self) -> str:
        return f"{self.quantidade} em {self.data_prevista:%d/%m/%Y}"


class CotaQuerySet(models.QuerySet["Cota"]):
    def visiveis_para(self, user: Usuario) -> CotaQuerySet:
        """Supervisors/admin see every quota; a rep sees own quotas and those of own clients."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("produtos.change_cota"):
            return self
        return self.filter(
            Q(representante=user) | Q(cliente__in=Cliente.objects.visiveis_para(user).values("pk"))
        )


class Cota(models.Model):
    """How much of a product a rep and/or a client may buy in a period (scarce products)."""

    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="cotas")
    representante = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    cliente = models.ForeignKey(
        Cliente, on_delete=models.CASCADE, null=True, blank=True, related_name="cotas_produto"
    )
    inicio = models.DateField("início")
    fim = models.DateField("fim")
    quantidade = _quantidade("quantidade", validators=[MinValueValidator(Decimal("0.001"))])
    consumida = _quantidade(
        "consumida", default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )

    objects = CotaQuerySet.as_manager()

    class Meta:
        ordering = ["-inicio"]
        verbose_name = "cota"
        constraints = [
            models.CheckConstraint(
                condition=Q(representante__isnull=False) | Q(cliente__isnull=False),
                name="cota_representante_ou_cliente",
                violation_error_message="Informe o representante, o cliente ou ambos.",
            ),
            models.CheckConstraint(
                condition=Q(fim__gte=models.F("inicio")),
                name="cota_periodo_ordenado",
                violation_error_message="O fim do período não pode ser anterior ao início.",
            ),
        ]

    def __str__(self) -> str:
        return f"Cota {self.quantidade} ({self.inicio:%d/%m/%Y}–{self.fim:%d/%m/%Y})"

    @property
    def saldo(self) -> Decimal:
        return self.quantidade - self.consumida


# --- attachments --------------------------------------------------------------------------


def _caminho_anexo(instancia: Anexo, nome: str) -> str:
    return f"produtos/{instancia.produto_id}/anexos/{nome}"


class Anexo(AnexoBase):
    produto = models.ForeignKey(Produto, on_delete=models.CASCADE, related_name="anexos")
    arquivo = models.FileField(upload_to=_caminho_anexo, max_length=255)

    class Meta:
        ordering = ["-enviado_em"]
        verbose_name = "anexo"
        constraints = [
            models.CheckConstraint(
                condition=Q(tamanho__lte=ANEXO_TAMANHO_MAXIMO), name="anexo_tamanho_maximo"
            )
        ]
