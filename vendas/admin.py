"""Auxiliary registries of isoVendas, maintained in the admin (seed 000, "Menu pedido")."""

from typing import ClassVar

from django.contrib import admin

from vendas import models


@admin.register(
    models.TipoPedido,
    models.OrigemPedido,
    models.Transportadora,
    models.MotivoCancelamento,
)
class RegistroAdmin(admin.ModelAdmin):
    # Variable length: the subclasses add columns and filters.
    list_display: tuple[str, ...] = ("codigo", "descricao", "ativo")
    list_filter: ClassVar[tuple[str, ...]] = ("ativo",)
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


# --- contracts: registries maintained by administrators; contracts read-only here (the screens
# and services own every change, with their events) ---------------------------------------------

from typing import Any  # noqa: E402


@admin.register(models.ModalidadeContrato, models.TipoProgramacao)
class RegistroContratoAdmin(RegistroAdmin):
    pass


class ItemContratoInline(admin.TabularInline):
    model = models.ItemContrato
    extra = 0
    can_delete = False
    fields = ("sequencia", "produto", "quantidade", "preco_unitario", "observacao")
    readonly_fields = fields


@admin.register(models.Contrato)
class ContratoAdmin(admin.ModelAdmin):
    list_display = ("numero", "descricao", "cliente", "representante", "status",
                    "vigencia_inicio", "vigencia_fim", "valor_total")  # fmt: skip
    list_filter = ("status",)
    search_fields = ("=numero", "descricao", "cliente__nome")
    list_select_related = ("cliente", "representante")
    inlines = (ItemContratoInline,)

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: Any) -> Any:
        return models.Contrato.objects.visiveis_para(request.user)


@admin.register(models.EventoContrato)
class EventoContratoAdmin(admin.ModelAdmin):
    list_display = ("contrato", "tipo", "ator", "quando")
    list_filter = ("tipo",)
    list_select_related = ("contrato", "ator")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: Any) -> Any:
        contratos = models.Contrato.objects.visiveis_para(request.user).values("pk")
        return super().get_queryset(request).filter(contrato__in=contratos)


# --- sales funnel and targets ------------------------------------------------------------------


@admin.register(models.EtapaFunil)
class EtapaFunilAdmin(RegistroAdmin):
    list_display = ("ordem", "codigo", "descricao", "probabilidade", "resultado", "ativo")
    list_display_links = ("codigo", "descricao")
    list_filter = ("resultado", "ativo")
    ordering = ("ordem", "descricao")


@admin.register(models.MotivoPerda)
class MotivoPerdaAdmin(RegistroAdmin):
    pass


@admin.register(models.MetaVenda)
class MetaVendaAdmin(admin.ModelAdmin):
    list_display = ("indicador", "representante", "valor_meta", "periodo_inicio", "periodo_fim",
                    "empresa")  # fmt: skip
    list_filter = ("indicador", "empresa")
    search_fields = ("representante__username", "representante__first_name")
    autocomplete_fields = ("representante",)
    date_hierarchy = "periodo_inicio"
