"""Auxiliary registries of the catalogue are maintained in the Django admin."""

from django.contrib import admin

from produtos import models as m


@admin.register(
    m.Unidade,
    m.LinhaProduto,
    m.GrupoProduto,
    m.Marca,
    m.Modelo,
    m.ClassificacaoProduto,
    m.TipoProduto,
    m.EspecieProduto,
)
class RegistroProdutoAdmin(admin.ModelAdmin):
    list_display = ["codigo", "descricao", "ativo"]
    list_filter = ["ativo"]
    search_fields = ["codigo", "descricao"]
