from django.contrib import admin

from importacoes.models import Importacao


@admin.register(Importacao)
class ImportacaoAdmin(admin.ModelAdmin):
    """Read-only: jobs are created by the upload screen or `manage.py importar_clientes`."""

    list_display = ("pk", "tipo", "nome_arquivo", "status", "linhas_lidas", "criadas",
                    "atualizadas", "rejeitadas", "tentativas", "criado_por",
                    "criado_em")  # fmt: skip
    list_filter = ("tipo", "status")
    search_fields = ("nome_arquivo",)
    readonly_fields = [f.name for f in Importacao._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
