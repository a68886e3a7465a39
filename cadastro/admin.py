"""Django admin for isoCadastro: the auxiliary registries, carteiras, targets, and read views.

Clients are created and edited on the client screens (forms + services); here they are
read-mostly: search by name or CPF/CNPJ (with or without mask), and only status, SCPC and
notes may change — through `cliente_atualizar`, so the version, the timeline and the audit
stay right. Municipalities are the IBGE table: read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cadastro.constants import OrigemAlteracao, SituacaoTitulo
from cadastro.models import (
    Armazem,
    Carteira,
    CategoriaFiscal,
    Cliente,
    ContatoEletronico,
    Endereco,
    EventoConsentimento,
    LocalFaturamento,
    MetaIndicador,
    Municipio,
    Origem,
    PessoaContato,
    SituacaoSCPC,
    StatusCliente,
    TabelaVenda,
    Telefone,
    TipoCliente,
    TipoContato,
    TituloReceber,
    TituloReceberQuerySet,
)
from cadastro.services import CAMPOS_CLIENTE, cliente_atualizar
from crm.documentos import limpar


class RegistroAuxiliarAdmin(admin.ModelAdmin):
    list_display = ["codigo", "descricao", "ativo"]
    list_editable = ["ativo"]
    list_filter = ["ativo"]
    search_fields = ("codigo", "descricao")
    ordering = ("descricao",)


for _modelo in (
    TipoCliente,
    SituacaoSCPC,
    CategoriaFiscal,
    Origem,
    TipoContato,
    LocalFaturamento,
    Armazem,
):
    admin.site.register(_modelo, RegistroAuxiliarAdmin)


@admin.register(StatusCliente)
class StatusClienteAdmin(RegistroAuxiliarAdmin):
    list_display = ["codigo", "descricao", "considera_ativo", "ativo"]
    list_editable = ["considera_ativo", "ativo"]


@admin.register(TabelaVenda)
class TabelaVendaAdmin(RegistroAuxiliarAdmin):
    list_display = ["codigo", "descricao", "local_faturamento", "armazem", "ativo"]
    list_select_related = ["local_faturamento", "armazem"]
    list_filter = ["ativo", "local_faturamento", "armazem"]


@admin.register(Carteira)
class CarteiraAdmin(admin.ModelAdmin):
    list_display = ("codigo", "nome", "representante", "ativa", "criado_em")
    list_filter = ("ativa",)
    list_select_related = ("representante",)
    search_fields = ("codigo", "nome", "representante__username", "representante__first_name")
    raw_id_fields = ("representante",)


@admin.register(Municipio)
class MunicipioAdmin(admin.ModelAdmin):
    """The IBGE table ships with the code (data migration): nobody edits it by hand."""

    list_display = ("nome", "uf", "codigo_ibge", "capital")
    list_filter = ("uf", "capital")
    search_fields = ("nome", "=codigo_ibge")
    ordering = ("uf", "nome")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MetaIndicador)
class MetaIndicadorAdmin(admin.ModelAdmin):
    list_display = ("indicador", "empresa", "valor_meta", "periodo_inicio", "periodo_fim")
    list_filter = ("indicador", "empresa")
    list_select_related = ("empresa",)
    date_hierarchy = "periodo_inicio"


class _SomenteLeituraInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EnderecoInline(_SomenteLeituraInline):
    model = Endereco
    fields = ("tipo", "logradouro", "numero", "bairro", "municipio", "uf", "cep", "principal")
    readonly_fields = fields


class TelefoneInline(_SomenteLeituraInline):
    model = Telefone
    fields = ("tipo", "formatado", "operadora", "whatsapp", "principal")
    readonly_fields = fields


class ContatoEletronicoInline(_SomenteLeituraInline):
    model = ContatoEletronico
    fields = ("tipo", "valor", "principal")
    readonly_fields = fields


class PessoaContatoInline(_SomenteLeituraInline):
    model = PessoaContato
    fields = ("nome", "tipo", "cargo", "email", "telefone")
    readonly_fields = fields


@admin.register(Cliente)
class ClienteAdmin(admin.ModelAdmin):
    list_display = (
        "nome",
        "documento_formatado",
        "tipo_pessoa",
        "status",
        "carteira",
        "representante",
        "criado_em",
    )
    list_filter = ("tipo_pessoa", "status", "estrangeiro", "situacao_scpc")
    list_select_related = ("status", "carteira", "representante")
    search_fields = ("nome", "nome_fantasia", "=documento", "=codigo_externo")
    show_full_result_count = False
    inlines = (EnderecoInline, TelefoneInline, ContatoEletronicoInline, PessoaContatoInline)
    EDITAVEIS = ("status", "situacao_scpc", "observacoes")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        campos = [f.name for f in Cliente._meta.concrete_fields if f.name not in self.EDITAVEIS]
        return [c for c in campos if c != "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cliente]:
        return super().get_queryset(request).visiveis_para(request.user)  # type: ignore[attr-defined,arg-type]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Cliente], search_term: str
    ) -> tuple[QuerySet[Cliente], bool]:
        """A masked CPF/CNPJ finds the client too (the document is stored bare)."""
        resultado, duplicados = super().get_search_results(request, queryset, search_term)
        compacto = limpar(search_term)
        if compacto and compacto != search_term and any(c.isdigit() for c in compacto):
            resultado |= queryset.filter(documento=compacto)
        return resultado, duplicados

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the create screen validates documents and writes the timeline

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # orders, consent and the timeline hang off the client (PROTECT)

    def save_model(self, request: HttpRequest, obj: Cliente, form: Any, change: bool) -> None:
        dados = {c: form.cleaned_data[c] for c in form.changed_data if c in CAMPOS_CLIENTE}
        atual = Cliente.objects.get(pk=obj.pk)
        cliente_atualizar(
            cliente=atual,
            dados=dados,
            ator=request.user,  # type: ignore[arg-type]
            origem=OrigemAlteracao.TELA,
        )


@admin.register(EventoConsentimento)
class EventoConsentimentoAdmin(admin.ModelAdmin):
    """Append-only LGPD log: visible for audits, never changed (a trigger refuses it anyway)."""

    list_display = ("quando", "cliente", "canal", "concedido", "ator", "origem")
    list_filter = ("canal", "concedido", "origem")
    list_select_related = ("cliente", "ator")
    search_fields = ("cliente__nome", "=cliente__documento")
    raw_id_fields = ("cliente",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SituacaoTituloFilter(admin.SimpleListFilter):
    """The situação is derived (TituloReceber's docstring): filter on the same conditions."""

    title = "situação"
    parameter_name = "situacao"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(v), str(r)) for v, r in SituacaoTitulo.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not isinstance(queryset, TituloReceberQuerySet):
            return queryset
        hoje = timezone.localdate()
        valor = self.value()
        if valor == SituacaoTitulo.PAGO:
            return queryset.pagos()
        if valor == SituacaoTitulo.VENCIDO:
            return queryset.vencidos(hoje)
        if valor == SituacaoTitulo.PARCIAL:
            return queryset.em_aberto().filter(vencimento__gte=hoje, valor_pago__gt=0)
        if valor == SituacaoTitulo.ABERTO:
            return queryset.em_aberto().filter(vencimento__gte=hoje, valor_pago=0)
        return queryset


@admin.register(TituloReceber)
class TituloReceberAdmin(admin.ModelAdmin):
    """Receivables come from the ERP (import): read here, with the client's visibility."""

    list_display = (
        "documento",
        "parcela",
        "cliente",
        "especie",
        "emissao",
        "vencimento",
        "valor",
        "valor_pago",
        "pago_em",
        "situacao",
        "empresa",
    )
    list_filter = (SituacaoTituloFilter, "especie", "empresa")
    list_select_related = ("cliente", "empresa")
    search_fields = ("=documento", "cliente__nome", "=cliente__documento")
    raw_id_fields = ("cliente", "pedido")
    date_hierarchy = "vencimento"
    show_full_result_count = False

    @admin.display(description="situação")
    def situacao(self, obj: TituloReceber) -> str:
        return str(obj.situacao.label)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TituloReceber]:
        visiveis = Cliente.objects.visiveis_para(request.user)  # type: ignore[arg-type]
        return super().get_queryset(request).filter(cliente__in=visiveis.values("pk"))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[TituloReceber], search_term: str
    ) -> tuple[QuerySet[TituloReceber], bool]:
        """A masked CPF/CNPJ finds the client's titles too (the document is stored bare)."""
        resultado, duplicados = super().get_search_results(request, queryset, search_term)
        compacto = limpar(search_term)
        if compacto and compacto != search_term and any(c.isdigit() for c in compacto):
            resultado |= queryset.filter(cliente__documento=compacto)
        return resultado, duplicados
