"""Forms of the catalogue: product (simple/advanced/sections) and each maintenance section.

Numbers are typed the Brazilian way (1.234,56) and dates as dd/mm/aaaa (cadastro's fields).
Products and clients are picked by what a person knows: the product code (with the htmx
autocomplete) and the client's CPF/CNPJ or code — always resolved inside the user's visibility.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cadastro.forms import DataBRField, ValorMonetarioField
from cadastro.models import Cliente
from crm.arquivos import ArquivoRecusado, verificar_anexo
from crm.documentos import limpar
from produtos.constants import ANEXO_TAMANHO_MAXIMO
from produtos.models import (
    Anexo,
    Cota,
    Custo,
    Estoque,
    EstoqueProgramado,
    FatorConversao,
    KitComponente,
    Lote,
    PrecoLista,
    Produto,
    ProdutoComplementar,
    ProdutoSimilar,
    Promocao,
)

if TYPE_CHECKING:
    from contas.models import Usuario


def _campo(campo_modelo: models.Field, **kwargs: Any) -> forms.Field | None:
    """Decimals typed as 1.234,56 and dates as dd/mm/aaaa in every form of this module."""
    if isinstance(campo_modelo, models.DecimalField):
        return campo_modelo.formfield(
            form_class=ValorMonetarioField,
            max_digits=campo_modelo.max_digits,
            decimal_places=campo_modelo.decimal_places,
            **kwargs,
        )
    if isinstance(campo_modelo, models.DateField) and not isinstance(
        campo_modelo, models.DateTimeField
    ):
        return campo_modelo.formfield(form_class=DataBRField, **kwargs)
    return campo_modelo.formfield(**kwargs)


class FormBase(forms.ModelForm):
    """Shared by every form here: pt-BR number/date fields, active registries only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():
            if isinstance(campo, forms.ModelChoiceField) and campo.queryset is not None:
                modelo = campo.queryset.model
                if any(f.name == "ativo" for f in modelo._meta.get_fields()):
                    atual = getattr(self.instance, f"{self._nome_campo(campo)}_id", None)
                    campo.queryset = campo.queryset.filter(Q(ativo=True) | Q(pk=atual))
                campo.empty_label = "—"

    def _nome_campo(self, campo: forms.Field) -> str:
        return next(n for n, c in self.fields.items() if c is campo)


# --- product --------------------------------------------------------------------------------

CAMPOS_SIMPLES = ["codigo", "descricao", "unidade", "ncm", "origem"]
CAMPOS_AVANCADO = [
    "codigo", "descricao", "ean", "unidade", "ativo", "bloqueado", "motivo_bloqueio",
    "linha", "grupo", "marca", "modelo", "classificacao", "tipo",
    "ncm", "origem", "cest", "categoria_fiscal", "especie",
    "peso_bruto", "peso_liquido", "multiplo_venda", "prazo_entrega_dias",
    "regra_data_promessa", "nivel_alcada", "dados_complementares",
]  # fmt: skip
LARGOS = {"descricao", "motivo_bloqueio", "dados_complementares"}


class ProdutoForm(FormBase):
    """Advanced form: every field of the product."""

    class Meta:
        model = Produto
        fields = CAMPOS_AVANCADO
        formfield_callback = _campo
        widgets = {
            "dados_complementares": forms.Textarea(attrs={"rows": 3}),
            "ncm": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 10}),
            "cest": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 9}),
            "ean": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 14}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "codigo" in self.fields:
            # The code identifies the product in orders, imports and the ERP: fixed once created.
            self.fields["codigo"].disabled = True
        for nome in LARGOS & set(self.fields):
            self.fields[nome].widget.attrs["data-largo"] = "1"
        for nome in {"origem", "regra_data_promessa"} & set(self.fields):
            self.fields[nome].widget.attrs["data-duplo"] = "1"  # long labels: two columns
        # Typed with mask ("7318.15.00", "17.099.00"): the length is checked after cleaning,
        # by the model's validators, not on the raw text.
        for nome, limite in (("ncm", 12), ("cest", 11), ("ean", 20)):
            campo = self.fields.get(nome)
            if isinstance(campo, forms.CharField):
                campo.max_length = limite
                campo.validators = [
                    v for v in campo.validators if not isinstance(v, MaxLengthValidator)
                ]
                campo.widget.attrs["maxlength"] = str(limite)

    def clean_codigo(self) -> str:
        return (self.cleaned_data.get("codigo") or "").strip().upper()

    def clean_ncm(self) -> str:
        return limpar(self.cleaned_data.get("ncm") or "")

    def clean_cest(self) -> str:
        return limpar(self.cleaned_data.get("cest") or "")

    def clean_ean(self) -> str:
        return limpar(self.cleaned_data.get("ean") or "")


class ProdutoSimplesForm(ProdutoForm):
    """Simple form: only the mandatory fields (the rest keeps its defaults)."""

    class Meta(ProdutoForm.Meta):
        fields = CAMPOS_SIMPLES


class DadosFiscaisForm(ProdutoForm):
    class Meta(ProdutoForm.Meta):
        fields = ["ncm", "origem", "cest", "categoria_fiscal", "especie"]


class LinhaForm(ProdutoForm):
    class Meta(ProdutoForm.Meta):
        fields = ["linha", "grupo", "marca", "modelo", "classificacao", "tipo"]


class AlcadaForm(ProdutoForm):
    class Meta(ProdutoForm.Meta):
        fields = ["nivel_alcada"]


class UnidadesForm(ProdutoForm):
    class Meta(ProdutoForm.Meta):
        fields = ["unidade", "multiplo_venda", "peso_bruto", "peso_liquido"]


class EntregaForm(ProdutoForm):
    class Meta(ProdutoForm.Meta):
        fields = ["prazo_entrega_dias", "regra_data_promessa"]


# --- pickers --------------------------------------------------------------------------------


class ProdutoPorCodigoField(forms.CharField):
    """A product typed by code (the autocomplete fills it); resolved to the Produto."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Código do produto"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Produto | None:  # type: ignore[override]
        texto = super().clean(value)
        if not texto:
            return None
        codigo = texto.split(" – ")[0].strip().upper()
        produto = Produto.objects.filter(Q(codigo=codigo) | Q(ean=codigo)).first()
        if produto is None:
            raise ValidationError(f"Produto “{codigo}” não encontrado.", code="nao_encontrado")
        return produto


def resolver_cliente(user: Usuario, texto: str) -> Cliente:
    """CPF/CNPJ (with or without mask), external code or internal code, among visible clients."""
    texto = texto.strip()
    visiveis = Cliente.objects.visiveis_para(user)
    documento = limpar(texto).upper()
    encontrados = list(
        visiveis.filter(
            Q(documento=documento)
            | Q(codigo_externo=texto)
            | (Q(pk=int(texto)) if texto.isdigit() and len(texto) < 12 else Q(pk__in=[]))
        )[:2]
    )
    if not encontrados:
        raise ValidationError("Cliente não encontrado (informe CPF/CNPJ ou código).")
    if len(encontrados) > 1:
        raise ValidationError("Mais de um cliente corresponde; informe o CPF/CNPJ.")
    return encontrados[0]


class FormSecao(FormBase):
    """A row of a maintenance section; `produto` and `user` come from the view."""

    def __init__(self, *args: Any, produto: Produto, user: Usuario, **kwargs: Any) -> None:
        self.produto = produto
        self.user = user
        super().__init__(*args, **kwargs)
        self.instance.produto = produto
        url = reverse("produtos:produto-autocompletar")
        for nome, campo in self.fields.items():
            if isinstance(campo, ProdutoPorCodigoField):
                lista = f"sugestoes-{self[nome].auto_id}"
                campo.widget.attrs.update({
                    "list": lista,
                    "hx-get": url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{lista}",
                    "hx-swap": "innerHTML",
                })  # fmt: skip

    def _get_validation_exclusions(self) -> Any:
        # Set by the view, not typed: still part of the unique/check constraints to validate.
        excluir = super()._get_validation_exclusions()  # type: ignore[misc]
        excluir.difference_update({"produto", "kit", "cliente"})
        return excluir


def _campo_cliente_texto(label: str) -> forms.CharField:
    """The client typed as CPF/CNPJ or code; `_aplicar_cliente_texto` resolves it."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"data-mascara": "documento"}),
    )


def _aplicar_cliente_texto(form: FormSecao, dados: dict[str, Any]) -> str:
    """Resolve `cliente_texto` (within the user's visibility) into `instance.cliente`.

    Returns the typed text; a client not found becomes the field's error.
    """
    texto = dados.get("cliente_texto", "")
    if texto:
        try:
            form.instance.cliente = resolver_cliente(form.user, texto)
        except ValidationError as exc:
            form.add_error("cliente_texto", exc)
    return texto


class SimilarForm(FormSecao):
    similar = ProdutoPorCodigoField(label="Produto similar")

    class Meta:
        model = ProdutoSimilar
        fields = ["similar", "observacao"]
        formfield_callback = _campo


class ComplementarForm(FormSecao):
    complementar = ProdutoPorCodigoField(label="Produto complementar")

    class Meta:
        model = ProdutoComplementar
        fields = ["complementar", "observacao"]
        formfield_callback = _campo


class FatorForm(FormSecao):
    class Meta:
        model = FatorConversao
        fields = ["unidade_origem", "fator", "unidade_destino", "multiplo_venda"]
        formfield_callback = _campo


class PrecoForm(FormSecao):
    cliente_texto = _campo_cliente_texto("ou cliente (CPF/CNPJ ou código)")

    class Meta:
        model = PrecoLista
        fields = ["tabela", "cliente_texto", "preco", "inicio", "fim"]
        formfield_callback = _campo

    def clean(self) -> dict[str, Any]:
        dados = super().clean() or {}
        _aplicar_cliente_texto(self, dados)
        # "table or client, exactly one" is the model's check constraint (one message).
        return dados

    def _get_validation_exclusions(self) -> Any:
        # Overlaps are resolved by the service (it closes the open-ended previous price first),
        # so the form skips the exclusion constraints (they involve `produto`); the database
        # still has the last word.
        excluir = super()._get_validation_exclusions()
        excluir.add("produto")
        if "cliente_texto" in self.errors:
            # The client was not found: its own message says so; "table or client" would
            # only repeat it.
            excluir.update({"tabela", "cliente"})
        return excluir


class CustoForm(FormSecao):
    class Meta:
        model = Custo
        fields = ["data", "custo", "observacao"]
        formfield_callback = _campo


class PromocaoForm(FormSecao):
    class Meta:
        model = Promocao
        fields = ["descricao", "tabela", "inicio", "fim", "preco", "percentual_desconto"]
        formfield_callback = _campo


class KitForm(FormSecao):
    componente = ProdutoPorCodigoField(label="Componente")

    class Meta:
        model = KitComponente
        fields = ["componente", "quantidade"]
        formfield_callback = _campo

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.kit = self.produto

    def clean_componente(self) -> Produto:
        componente: Produto = self.cleaned_data["componente"]
        # One level of kits: a component that is itself a kit could close a cycle.
        if KitComponente.objects.filter(kit=componente).exists():
            raise ValidationError("O componente é um kit; kits não podem conter kits.")
        if KitComponente.objects.filter(componente=self.produto).exists():
            raise ValidationError("Este produto é componente de outro kit e não pode ser kit.")
        return componente


class EstoqueForm(FormSecao):
    class Meta:
        model = Estoque
        fields = ["armazem", "unidade", "quantidade", "reservado"]
        formfield_callback = _campo


class LoteForm(FormSecao):
    class Meta:
        model = Lote
        fields = ["armazem", "numero", "fabricacao", "validade", "quantidade"]
        formfield_callback = _campo


class EstoqueProgramadoForm(FormSecao):
    class Meta:
        model = EstoqueProgramado
        fields = ["armazem", "data_prevista", "quantidade", "documento"]
        formfield_callback = _campo


class CotaForm(FormSecao):
    cliente_texto = _campo_cliente_texto("Cliente (CPF/CNPJ ou código)")

    class Meta:
        model = Cota
        fields = ["representante", "cliente_texto", "inicio", "fim", "quantidade"]
        formfield_callback = _campo

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["representante"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(is_active=True, groups__name="Representante")
            .order_by("first_name", "username")
        )

    def clean(self) -> dict[str, Any]:
        dados = super().clean() or {}
        texto = _aplicar_cliente_texto(self, dados)
        if not dados.get("representante") and not texto:
            raise ValidationError("Informe o representante, o cliente ou ambos.")
        return dados


class AnexoForm(FormSecao):
    class Meta:
        model = Anexo
        fields = ["arquivo", "descricao"]

    def clean_arquivo(self) -> Any:
        arquivo = self.cleaned_data.get("arquivo")
        if arquivo is None:
            return arquivo
        try:
            nome, tipo = verificar_anexo(
                arquivo, arquivo.name, arquivo.size, maximo=ANEXO_TAMANHO_MAXIMO
            )
        except ArquivoRecusado as erro:
            raise ValidationError(erro.mensagem) from erro
        self.instance.nome_original = nome
        self.instance.tamanho = arquivo.size
        self.instance.tipo_conteudo = tipo
        self.instance.enviado_por = self.user
        return arquivo
