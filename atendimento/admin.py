"""Registries of isoAtendimento (types, reasons, channels), maintained in the admin. Tickets
are read-only here: the screens and services own every change, with their events."""

from typing import ClassVar

from django.contrib import admin

from atendimento import models


@admin.register(models.TipoChamado)
class TipoChamadoAdmin(admin.ModelAdmin):
    list_display = ("codigo", "descricao", "prazo_horas", "ativo")
    list_filter: ClassVar[tuple[str, ...]] = ("ativo",)
    search_fields = ("codigo", "descricao")


@admin.register(models.MotivoChamado)
class MotivoChamadoAdmin(admin.ModelAdmin):
    list_display = ("codigo", "descricao", "tipo", "ativo")
    list_filter: ClassVar[tuple[str, ...]] = ("ativo", "tipo")
    search_fields = ("codigo", "descricao")
    list_select_related = ("tipo",)


@admin.register(models.CanalAtendimento)
class CanalAtendimentoAdmin(admin.ModelAdmin):
    list_display = ("codigo", "descricao", "ativo")
    list_filter: ClassVar[tuple[str, ...]] = ("ativo",)
    search_fields = ("codigo", "descricao")


@admin.register(models.Chamado)
class ChamadoAdmin(admin.ModelAdmin):
    list_display = ("numero", "cliente", "tipo", "motivo", "status", "responsavel", "criado_em")
    list_filter: ClassVar[tuple[str, ...]] = ("status", "tipo", "canal")
    search_fields = ("=numero", "assunto", "cliente__nome")
    list_select_related = ("cliente", "tipo", "motivo", "responsavel")
    raw_id_fields = ("cliente", "pedido", "produto")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
