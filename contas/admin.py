from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from contas.models import Empresa, Equipe, Parametro, Usuario


@admin.register(Usuario)
class UsuarioAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("CRM", {"fields": ("empresa", "equipe")}))
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "empresa",
        "equipe",
        "is_active",
    )
    list_filter = ("groups", "empresa", "equipe", "is_active")
    list_select_related = ("empresa", "equipe")


@admin.register(Empresa)
class EmpresaAdmin(admin.ModelAdmin):
    list_display = ("nome", "cnpj_formatado", "uf", "regime_tributario", "ativa")
    search_fields = ("nome", "nome_fantasia", "cnpj")
    list_filter = ("uf", "regime_tributario", "ativa")


@admin.register(Equipe)
class EquipeAdmin(admin.ModelAdmin):
    list_display = ("nome", "supervisor")
    list_select_related = ("supervisor",)


@admin.register(Parametro)
class ParametroAdmin(admin.ModelAdmin):
    list_display = ("chave", "empresa", "usuario", "valor", "atualizado_em")
    list_filter = ("empresa", "chave")
    list_select_related = ("empresa", "usuario")
