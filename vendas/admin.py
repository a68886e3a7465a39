"""Auxiliary registries of isoVendas, maintained in the admin (seed 000, "Menu pedido")."""

from django.contrib import admin

from vendas import models


@admin.register(
    models.TipoPedido,
    models.OrigemPedido,
    models.Transportadora,
    models.MotivoCancelamento,
)
class RegistroAdmin(admin.ModelAdmin):
    list_display = ("codigo", "descricao", "ativo")
    list_filter = ("ativo",)
    search_fields = ("codigo", "descricao")


@admin.register(models.CondicaoPagamento)
class CondicaoPagamentoAdmin(RegistroAdmin):
    list_display = ("codigo", "descricao", "parcelas", "prazo_medio_dias",
                    "percentual_custo_financeiro", "ativo")  # fmt: skip


@admin.register(models.TipoFrete)
class TipoFreteAdmin(RegistroAdmin):
    list_display = ("codigo", "descricao", "cobra_no_pedido", "ativo")


@admin.register(models.NaturezaOperacao)
class NaturezaOperacaoAdmin(RegistroAdmin):
    list_display = ("codigo", "descricao", "cfop", "ativo")
