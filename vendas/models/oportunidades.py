"""Opportunities in a sales funnel (seed 000: "Oportunidades por etapa de vendas (funil)"), their
history (EventoOportunidade) and the quotes made for them (`Pedido.oportunidade`); sales targets
(MetaVenda) for the isoVendas indicators.

Visibility lives in ONE place, `OportunidadeQuerySet.visiveis_para`: an opportunity is visible
exactly when its client is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cadastro.models import Cliente, PeloClienteQuerySet, RegistroAuxiliar
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from vendas.constants import IndicadorVenda, ResultadoEtapa, TipoEventoOportunidade

if TYPE_CHECKING:
    pass

PERCENTUAL = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def _dinheiro(nome: str, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        nome, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


class EtapaFunil(RegistroAuxiliar):
    """A funnel stage. `ordem` draws the funnel; `resultado` says whether reaching the stage
    closes the opportunity (won/lost); `probabilidade` is the default chance of closing."""

    ordem = models.PositiveSmallIntegerField(default=0)
    probabilidade = models.DecimalField(
        "probabilidade padrão (%)", max_digits=5, decimal_places=2, default=0,
        validators=PERCENTUAL,
    )  # fmt: skip
    resultado = models.CharField(
        max_length=8, choices=ResultadoEtapa.choices, default=ResultadoEtapa.ABERTA
    )

    class Meta(RegistroAuxiliar.Meta):
        ordering = ["ordem", "descricao"]
        verbose_name = "etapa do funil"
        verbose_name_plural = "etapas do funil"


class MotivoPerda(RegistroAuxiliar):
    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "motivo de perda"
        verbose_name_plural = "motivos de perda"


class OportunidadeQuerySet(PeloClienteQuerySet["Oportunidade"]):
    """Opportunities: visible exactly when their client is (PeloClienteQuerySet)."""

    permissao_ver = "vendas.view_oportunidade"


class Oportunidade(models.Model):
    titulo = models.CharField("título", max_length=150)
    empresa = models.ForeignKey("contas.Empresa", on_delete=models.PROTECT, related_name="+")
    cliente = models.ForeignKey(Cliente, on_delete=models.PROTECT, related_name="oportunidades")
    representante = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="oportunidades"
    )
    etapa = models.ForeignKey(EtapaFunil, on_delete=models.PROTECT, related_name="oportunidades")
    resultado = models.CharField(
        max_length=8, choices=ResultadoEtapa.choices, default=ResultadoEtapa.ABERTA
    )
    valor_estimado = _dinheiro("valor estimado", default=Decimal("0.00"))
    probabilidade = models.DecimalField(
        "probabilidade (%)", max_digits=5, decimal_places=2, default=0, validators=PERCENTUAL
    )
    previsao_fechamento = models.DateField("previsão de fechamento", null=True, blank=True)
    origem = models.ForeignKey(
        "vendas.OrigemPedido", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    descricao = models.TextField("descrição", blank=True)
    motivo_perda = models.ForeignKey(
        MotivoPerda, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fechada_em = models.DateTimeField("fechada em", null=True, blank=True)
    versao = models.PositiveIntegerField("versão", default=1)
    criado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    criado_em = models.DateTimeField(auto_now_add=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = OportunidadeQuerySet.as_manager()

    class Meta:
        ordering = ["-criado_em", "-id"]
        verbose_name = "oportunidade"
        indexes = [
            models.Index(fields=["resultado", "etapa"], name="oportunidade_etapa"),
            models.Index(fields=["representante", "resultado"], name="oportunidade_rep"),
            models.Index(fields=["cliente", "-criado_em"], name="oportunidade_cliente"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resultado__in=ResultadoEtapa.values),
                name="oportunidade_resultado_valido",
            ),
            models.CheckConstraint(
                condition=Q(valor_estimado__gte=0), name="oportunidade_valor_positivo"
            ),
        ]

    def __str__(self) -> str:
        return self.titulo

    @property
    def valor_ponderado(self) -> Decimal:
        return self.valor_estimado * self.probabilidade / Decimal(100)


class EventoOportunidade(models.Model):
    oportunidade = models.ForeignKey(Oportunidade, on_delete=models.CASCADE, related_name="eventos")
    tipo = models.CharField(max_length=30, choices=TipoEventoOportunidade.choices)
    ator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    quando = models.DateTimeField(auto_now_add=True)
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-quando", "-id"]
        verbose_name = "evento da oportunidade"
        verbose_name_plural = "eventos da oportunidade"
        indexes = [
            models.Index(fields=["oportunidade", "-quando"], name="oportunidade_evento_quando")
        ]

    def __str__(self) -> str:
        return f"{self.oportunidade}: {self.tipo}"


class MetaVenda(models.Model):
    """A target for one isoVendas indicator over a period: for the company (representante
    empty) or for one rep."""

    empresa = models.ForeignKey("contas.Empresa", on_delete=models.CASCADE, related_name="+")
    indicador = models.CharField(max_length=24, choices=IndicadorVenda.choices)
    representante = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="metas_venda",
    )  # fmt: skip
    valor_meta = models.DecimalField("meta", max_digits=14, decimal_places=2)
    periodo_inicio = models.DateField("início do período")
    periodo_fim = models.DateField("fim do período")

    class Meta:
        ordering = ["indicador", "-periodo_inicio"]
        verbose_name = "meta de vendas"
        verbose_name_plural = "metas de vendas"
        constraints = [
            models.CheckConstraint(
                condition=Q(periodo_fim__gte=models.F("periodo_inicio")),
                name="meta_venda_periodo_valido",
            ),
            models.CheckConstraint(condition=Q(valor_meta__gte=0), name="meta_venda_positiva"),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicador_display()}: {self.valor_meta}"
