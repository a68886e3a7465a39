"""Client record forms. Everything typed or pasted, with or without mask, is accepted.

Forms parse and check what a person typed (pt-BR messages per field); the services
(cadastro/services.py) own the writes and re-check the rules that must hold for any caller.
Choice fields offer only what the user may pick (carteiras they see, active registries);
a field the form does not offer cannot be set through it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cadastro.constants import (
    CanalContato,
    IndicadorIE,
    Operadora,
    Sexo,
    TipoContatoEletronico,
    TipoEndereco,
    TipoPessoa,
    TipoTelefone,
)
from cadastro.models import (
    Carteira,
    CategoriaFiscal,
    Cliente,
    ContatoEletronico,
    Endereco,
    Municipio,
    Origem,
    PessoaContato,
    SituacaoSCPC,
    StatusCliente,
    TabelaVenda,
    Telefone,
    TipoCliente,
    TipoContato,
)
from cadastro.services import CAMPOS_CLIENTE, ClienteDuplicado, validar_dados_cliente
from contas.constants import UFS
from crm.documentos import DocumentoInvalido, formatar_fone, validar_cep, validar_fone
from crm.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

if TYPE_CHECKING:
    from contas.models import Usuario

VAZIO = [("", "—")]


# --- fields ----------------------------------------------------------------------------


class ValorMonetarioField(forms.DecimalField):
    """Money typed the Brazilian way ("1.234,56", "R$ 1.234,56"), also "1234.56" when pasted.

    A dot followed by groups of three digits is a thousands separator ("1.234" = mil duzentos
    e trinta e quatro); with both separators, the last one is the decimal mark.
    """

    default_error_messages = {"invalid": "Informe um valor como 1.234,56."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        kwargs.setdefault("localize", True)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0,00"}),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        """Show stored values with their 2 places: 1500 → "1.500,00"."""
        if isinstance(value, Decimal) and value.is_finite():
            return value.quantize(Decimal(1).scaleb(-(self.decimal_places or 0)))
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        texto = re.sub(r"\s", "", str(value)).replace("R$", "")
        if "," in texto and "." in texto:
            if texto.rfind(".") > texto.rfind(","):
                texto = texto.replace(",", "")
            else:
                texto = texto.replace(".", "").replace(",", ".")
        elif "," in texto:
            texto = texto.replace(",", ".")
        elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", texto):
            texto = texto.replace(".", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", texto):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return Decimal(texto)
        except InvalidOperation as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class DataBRField(forms.DateField):
    """dd/mm/aaaa (masked), also 01021990, 01/02/90 and 1990-02-01 (DATE_INPUT_FORMATS)."""

    default_error_messages = {"invalid": "Informe uma data válida (dd/mm/aaaa)."}

    def __init__(self, *, passado: bool = False, **kwargs: Any) -> None:
        self.passado = passado
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y",
                attrs={"data-mascara": "data", "placeholder": "dd/mm/aaaa", "inputmode": "numeric"},
            ),
        )
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if value.year < 1900:
            raise ValidationError("Informe uma data a partir de 1900.", code="antiga")
        if self.passado and value > date.today():  # noqa: DTZ011 (a calendar date, local)
            raise ValidationError("A data não pode estar no futuro.", code="futura")


def _texto(rotulo: str, *, obrigatorio: bool = False, maximo: int = 150, **attrs: str) -> Any:
    return forms.CharField(
        label=rotulo,
        required=obrigatorio,
        max_length=maximo,
        widget=forms.TextInput(attrs=attrs) if attrs else forms.TextInput(),
    )


def _ativos(modelo: type[Model], atual: Any = None) -> QuerySet[Any]:
    """Active registry rows, plus the current value so an edit never loses it."""
    filtro = Q(ativo=True)
    if atual is not None:
        filtro |= Q(pk=atual)
    return modelo._default_manager.filter(filtro)


def erro_duplicado(exc: ClienteDuplicado, user: Usuario) -> str | SafeString:
    """'Já existe um cliente com este CPF/CNPJ: <link>' — the link only if the user may see it."""
    existente = exc.existente
    if (
        existente is not None
        and Cliente.objects.visiveis_para(user).filter(pk=existente.pk).exists()
    ):
        url = reverse("cadastro:cliente-detalhe", args=[existente.pk])
        return format_html('{}: <a href="{}">{}</a>.', exc.mensagem[:-1], url, existente.nome)
    return exc.mensagem


def aplicar_erros(
    form: forms.Form, exc: ValidationError, mapa: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form's fields (unknown fields → form-wide)."""
    mapa = mapa or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for campo, erros in exc.error_dict.items():
        destino = mapa.get(campo, campo)
        form.add_error(destino if destino in form.fields else None, erros)


# --- the client ------------------------------------------------------------------------


class ClienteForm(forms.Form):
    """Create/edit a client. `versao` (hidden) carries the optimistic lock on edits."""

    SECOES: list[tuple[str, list[str]]] = [
        (
            "Identificação",
            [
                "documento",
                "estrangeiro",
                "tipo_pessoa",
                "nome",
                "nome_fantasia",
                "tipo_cliente",
                "status",
                "origem",
                "codigo_externo",
            ],
        ),
        (
            "Dados pessoais e da empresa",
            [
                "data_nascimento",
                "sexo",
                "profissao",
                "cnae",
                "time_futebol",
                "tamanho_calcado",
                "conjuge_nascimento",
            ],
        ),
        (
            "Comercial",
            [
                "carteira",
                "representante",
                "tabela_venda",
                "situacao_scpc",
                "canal_preferido",
            ],
        ),
        ("Fiscal", ["indicador_ie", "inscricao_estadual", "consumidor_final", "categoria_fiscal"]),
        ("Crédito", ["limite_credito", "convenio", "crediario", "credito_rotativo"]),
        ("Observações", ["observacoes"]),
    ]

    documento = forms.CharField(
        label="CPF/CNPJ",
        required=False,
        max_length=20,
        help_text="Com ou sem máscara. O tipo de pessoa vem do documento.",
        widget=forms.TextInput(
            attrs={"data-mascara": "documento", "autocomplete": "off", "autofocus": True}
        ),
    )
    estrangeiro = forms.BooleanField(label="Estrangeiro (sem CPF)", required=False)
    tipo_pessoa = forms.ChoiceField(
        label="Tipo de pessoa",
        required=False,
        choices=VAZIO + list(TipoPessoa.choices),
        help_text="Só para estrangeiro sem documento.",
    )
    nome = _texto("Nome / razão social", obrigatorio=True)
    nome_fantasia = _texto("Nome fantasia")
    tipo_cliente = forms.ModelChoiceField(
        label="Tipo de cliente", queryset=TipoCliente.objects.none()
    )
    status = forms.ModelChoiceField(label="Status", queryset=StatusCliente.objects.none())
    origem = forms.ModelChoiceField(
        label="Origem",
        required=False,
        queryset=Origem.objects.none(),
        help_text="Sistema de onde vem o código externo.",
    )
    codigo_externo = _texto("Código externo", maximo=40)
    data_nascimento = DataBRField(
        label="Data de nascimento / fundação", required=False, passado=True
    )
    sexo = forms.ChoiceField(label="Sexo", required=False, choices=VAZIO + list(Sexo.choices))
    profissao = _texto("Profissão / atividade", maximo=80)
    cnae = forms.CharField(
        label="CNAE",
        required=False,
        max_length=12,
        help_text="Só pessoa jurídica: 7 dígitos.",
        widget=forms.TextInput(attrs={"placeholder": "0000-0/00", "inputmode": "numeric"}),
    )
    time_futebol = _texto("Time", maximo=60)
    tamanho_calcado = forms.IntegerField(
        label="Tamanho do calçado",
        required=False,
        min_value=10,
        max_value=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    conjuge_nascimento = DataBRField(label="Aniversário do cônjuge", required=False, passado=True)
    carteira = forms.ModelChoiceField(
        label="Carteira", required=False, queryset=Carteira.objects.none()
    )
    representante = forms.ModelChoiceField(
        label="Representante responsável",
        required=False,
        queryset=get_user_model().objects.none(),
    )
    tabela_venda = forms.ModelChoiceField(
        label="Tabela de venda", required=False, queryset=TabelaVenda.objects.none()
    )
    indicador_ie = forms.ChoiceField(
        label="Indicador da IE",
        choices=IndicadorIE.choices,
        initial=IndicadorIE.NAO_CONTRIBUINTE,
        help_text="Contribuinte do ICMS? (indIEDest da NF-e)",
    )
    inscricao_estadual = forms.CharField(
        label="Inscrição estadual",
        required=False,
        max_length=20,
        help_text="Obrigatória para contribuinte; vazia para isento.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    consumidor_final = forms.BooleanField(
        label="Consumidor final (compra para uso próprio)", required=False, initial=True
    )
    categoria_fiscal = forms.ModelChoiceField(
        label="Categoria fiscal", required=False, queryset=CategoriaFiscal.objects.none()
    )
    situacao_scpc = forms.ModelChoiceField(
        label="Situação SCPC", required=False, queryset=SituacaoSCPC.objects.none()
    )
    canal_preferido = forms.ChoiceField(
        label="Canal preferido", required=False, choices=VAZIO + list(CanalContato.choices)
    )
    limite_credito = ValorMonetarioField(
        label="Limite de crédito (R$)", required=False, min_value=0
    )
    convenio = _texto("Convênio", maximo=60)
    crediario = forms.BooleanField(label="Crediário", required=False)
    credito_rotativo = forms.BooleanField(label="Crédito rotativo", required=False)
    observacoes = forms.CharField(
        label="Observações", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    versao = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Usuario, cliente: Cliente | None = None, **kwargs: Any):
        self.user = user
        self.cliente = cliente
        if cliente is not None and "initial" not in kwargs:
            kwargs["initial"] = self._inicial(cliente)
        super().__init__(*args, **kwargs)
        atual = lambda campo: getattr(cliente, f"{campo}_id") if cliente else None  # noqa: E731
        f = cast("dict[str, Any]", self.fields)  # ModelChoiceFields: querysets set per user
        f["tipo_cliente"].queryset = _ativos(TipoCliente, atual("tipo_cliente"))
        f["status"].queryset = _ativos(StatusCliente, atual("status"))
        f["origem"].queryset = _ativos(Origem, atual("origem"))
        f["tabela_venda"].queryset = _ativos(TabelaVenda, atual("tabela_venda"))
        f["categoria_fiscal"].queryset = _ativos(CategoriaFiscal, atual("categoria_fiscal"))
        f["situacao_scpc"].queryset = _ativos(SituacaoSCPC, atual("situacao_scpc"))

        # Carteiras the user sees (keeping the current one is always allowed).
        carteiras = Q(pk__in=Carteira.objects.visiveis_para(user).filter(ativa=True).values("pk"))
        if atual("carteira"):
            carteiras |= Q(pk=atual("carteira"))
        f["carteira"].queryset = Carteira.objects.filter(carteiras).select_related("representante")
        # Without the right to see clients outside carteiras, a client needs one: otherwise the
        # person who saves it could no longer reach it.
        f["carteira"].required = not (
            user.has_perm("cadastro.ver_clientes_sem_carteira")
            or user.has_perm("cadastro.ver_todos_clientes")
            or user.is_superuser
        )
        reps = Q(
            pk__in=Carteira.objects.visiveis_para(user).values("representante"), is_active=True
        )
        if atual("representante"):
            reps |= Q(pk=atual("representante"))
        f["representante"].queryset = get_user_model().objects.filter(reps)
        f["representante"].label_from_instance = lambda u: u.get_full_name() or u.username
        for campo in f.values():
            if isinstance(campo, forms.ModelChoiceField):
                campo.empty_label = "Selecione…" if campo.required else "—"
        if cliente is None:
            del f["versao"]
            self._sugerir_carteira()

    def _sugerir_carteira(self) -> None:
        """A rep with a single carteira starts with it (and themself as responsible)."""
        if self.is_bound:
            return
        campos = cast("dict[str, Any]", self.fields)
        carteiras = list(campos["carteira"].queryset[:2])
        if len(carteiras) == 1:
            self.initial.setdefault("carteira", carteiras[0].pk)
            if campos["representante"].queryset.filter(pk=self.user.pk).exists():
                self.initial.setdefault("representante", self.user.pk)

    @staticmethod
    def _inicial(cliente: Cliente) -> dict[str, Any]:
        inicial: dict[str, Any] = {}
        for campo in CAMPOS_CLIENTE:
            field = cast("Any", Cliente._meta.get_field(campo))
            inicial[campo] = getattr(cliente, field.attname)
        inicial["documento"] = cliente.documento_formatado
        if cliente.cnae:
            c = cliente.cnae
            inicial["cnae"] = f"{c[:4]}-{c[4]}/{c[5:]}" if len(c) == 7 else c
        inicial["versao"] = cliente.versao
        return inicial

    def secoes(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (titulo, [self[c] for c in campos if c in self.fields])
            for titulo, campos in self.SECOES
        ]

    def campos_com_erro(self) -> list[forms.BoundField]:
        return [self[c] for c in self.fields if c in self.errors]

    def clean(self) -> dict[str, Any]:
        dados = super().clean() or {}
        # Same rules as the service, on an unsaved instance, so errors land on their fields
        # (all at once: a field that already failed its own cleaning keeps only that error).
        rascunho = Cliente(
            **{c: dados.get(c) for c in CAMPOS_CLIENTE if c in dados and c != "tipo_pessoa"}
        )
        rascunho.tipo_pessoa = dados.get("tipo_pessoa") or ""
        rascunho.documento = dados.get("documento") or None
        try:
            validar_dados_cliente(rascunho)
        except ValidationError as exc:
            for campo, erros in exc.error_dict.items():
                if campo not in self.errors:
                    self.add_error(campo if campo in self.fields else None, erros)
            return dados
        dados["documento"] = rascunho.documento
        dados["tipo_pessoa"] = rascunho.tipo_pessoa
        dados["cnae"] = rascunho.cnae
        dados["inscricao_estadual"] = rascunho.inscricao_estadual
        return dados

    def dados_servico(self) -> dict[str, Any]:
        """The cleaned values the service may set (model field names only)."""
        return {c: self.cleaned_data[c] for c in CAMPOS_CLIENTE if c in self.cleaned_data}


# --- addresses -------------------------------------------------------------------------


class EnderecoForm(forms.Form):
    tipo = forms.ChoiceField(label="Tipo", choices=TipoEndereco.choices)
    cep = forms.CharField(
        label="CEP",
        required=False,
        max_length=10,
        help_text="Ao sair do campo, o endereço é preenchido quando o CEP é conhecido.",
        widget=forms.TextInput(
            attrs={
                "data-mascara": "cep",
                "inputmode": "numeric",
                "autocomplete": "postal-code",
                "placeholder": "00000-000",
            }
        ),
    )
    logradouro = _texto("Logradouro", obrigatorio=True)
    numero = _texto("Número", maximo=20)
    complemento = _texto("Complemento", maximo=80)
    bairro = _texto("Bairro", maximo=80)
    uf = forms.ChoiceField(label="UF", choices=VAZIO + [(s, f"{s} – {nome}") for s, nome in UFS])
    municipio = forms.ModelChoiceField(
        label="Município",
        queryset=Municipio.objects.all(),
        error_messages={"invalid_choice": "Escolha um município da lista."},
    )
    principal = forms.BooleanField(label="Endereço principal", required=False)

    # The block the CEP lookup re-renders (what the person typed there comes back unchanged).
    CAMPOS_DO_CEP = ("logradouro", "numero", "complemento", "bairro", "uf", "municipio")

    def __init__(self, *args: Any, endereco: Endereco | None = None, **kwargs: Any) -> None:
        if endereco is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "tipo": endereco.tipo,
                "cep": endereco.cep and f"{endereco.cep[:5]}-{endereco.cep[5:]}",
                "logradouro": endereco.logradouro,
                "numero": endereco.numero,
                "complemento": endereco.complemento,
                "bairro": endereco.bairro,
                "uf": endereco.uf,
                "municipio": endereco.municipio_id,
                "principal": endereco.principal,
            }
        super().__init__(*args, **kwargs)
        self.limitar_municipios(self._valor("uf"))
        # CEP blur (change) → the server fills the address block; UF change → its municipalities.
        self.fields["cep"].widget.attrs.update(
            {
                "hx-get": reverse("cadastro:cep-consultar"),
                "hx-trigger": "change",
                "hx-target": "#endereco-cep",
                "hx-include": ", ".join(f"#id_{c}" for c in self.CAMPOS_DO_CEP),
            }
        )
        self.fields["uf"].widget.attrs.update(
            {
                "hx-get": reverse("cadastro:municipio-opcoes"),
                "hx-trigger": "change",
                "hx-target": "#id_municipio",
            }
        )

    def _valor(self, campo: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(campo)) or ""
        return self.initial.get(campo) or ""

    def limitar_municipios(self, uf: str) -> None:
        """The select shows only the chosen UF's municipalities (validation still sees all)."""
        opcoes: list[tuple[Any, str]] = [("", "Escolha a UF primeiro" if not uf else "Selecione…")]
        if uf:
            opcoes += list(Municipio.objects.filter(uf=uf).values_list("codigo_ibge", "nome"))
        cast("forms.ChoiceField", self.fields["municipio"]).choices = opcoes

    def clean_cep(self) -> str:
        valor = self.cleaned_data.get("cep", "")
        if not valor.strip():
            return ""
        try:
            return validar_cep(valor)
        except DocumentoInvalido as exc:
            raise ValidationError(exc.mensagem) from exc

    def clean(self) -> dict[str, Any]:
        dados = super().clean() or {}
        municipio, uf = dados.get("municipio"), dados.get("uf")
        if municipio is not None and uf and municipio.uf != uf:
            self.add_error(
                "municipio",
                f"{municipio.nome} não pertence à UF {uf}: escolha um município de {uf}.",
            )
        return dados


# --- phones and electronic contacts ----------------------------------------------------


class TelefoneForm(forms.Form):
    tipo = forms.ChoiceField(label="Tipo", choices=TipoTelefone.choices)
    fone = forms.CharField(
        label="Telefone (DDD + número)",
        max_length=25,
        widget=forms.TextInput(
            attrs={
                "data-mascara": "fone",
                "inputmode": "tel",
                "placeholder": "(11) 98765-4321",
                "autocomplete": "off",
            }
        ),
    )
    operadora = forms.ChoiceField(label="Operadora", required=False, choices=Operadora.choices)
    whatsapp = forms.BooleanField(label="Tem WhatsApp", required=False)
    principal = forms.BooleanField(label="Telefone principal", required=False)

    def __init__(self, *args: Any, telefone: Telefone | None = None, **kwargs: Any) -> None:
        if telefone is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "tipo": telefone.tipo,
                "fone": telefone.formatado,
                "operadora": telefone.operadora,
                "whatsapp": telefone.whatsapp,
                "principal": telefone.principal,
            }
        super().__init__(*args, **kwargs)

    def clean_fone(self) -> str:
        try:
            return validar_fone(self.cleaned_data["fone"])
        except DocumentoInvalido as exc:
            raise ValidationError(exc.mensagem) from exc

    def clean(self) -> dict[str, Any]:
        dados = super().clean() or {}
        fone, tipo = dados.get("fone"), dados.get("tipo")
        if fone and tipo == TipoTelefone.CELULAR and len(fone) != 11:
            self.add_error("fone", "Celular tem 9 dígitos depois do DDD, ex.: (11) 98765-4321.")
        if fone and tipo in (TipoTelefone.FIXO, TipoTelefone.FAX) and len(fone) != 10:
            self.add_error(
                "fone", "Telefone fixo tem 8 dígitos depois do DDD, ex.: (11) 3456-7890."
            )
        return dados

    def dados_servico(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "tipo": d["tipo"],
            "ddd": d["fone"][:2],
            "numero": d["fone"][2:],
            "operadora": d.get("operadora") or "",
            "whatsapp": d.get("whatsapp", False),
            "principal": d.get("principal", False),
        }


class ContatoEletronicoForm(forms.Form):
    tipo = forms.ChoiceField(label="Tipo", choices=TipoContatoEletronico.choices)
    valor = forms.CharField(
        label="Contato",
        max_length=200,
        help_text="E-mail, endereço do site ou número de WhatsApp.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    principal = forms.BooleanField(label="Principal deste tipo", required=False)

    def __init__(self, *args: Any, contato: ContatoEletronico | None = None, **kwargs: Any) -> None:
        if contato is not None and "initial" not in kwargs:
            valor = contato.valor
            if contato.tipo == TipoContatoEletronico.WHATSAPP:
                valor = formatar_fone(valor)
            kwargs["initial"] = {
                "tipo": contato.tipo,
                "valor": valor,
                "principal": contato.principal,
            }
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        dados = super().clean() or {}
        tipo, valor = dados.get("tipo"), (dados.get("valor") or "").strip()
        if not tipo or not valor:
            return dados
        try:
            dados["valor"] = normalizar_contato(tipo, valor)
        except ValidationError as exc:
            self.add_error("valor", exc)
        return dados


def normalizar_contato(tipo: str, valor: str) -> str:
    """E-mail lower-case and valid; site with scheme and valid; WhatsApp as DDD + number."""
    if tipo == TipoContatoEletronico.EMAIL:
        valor = valor.lower()
        try:
            validate_email(valor)
        except ValidationError as exc:
            raise ValidationError("Informe um e-mail válido, ex.: nome@empresa.com.br.") from exc
        return valor
    if tipo == TipoContatoEletronico.SITE:
        if not re.match(r"^https?://", valor, re.IGNORECASE):
            valor = "https://" + valor
        esquema, _, resto = valor.partition("://")
        host, barra, caminho = resto.partition("/")
        valor = f"{esquema.lower()}://{host.lower()}{barra}{caminho}"
        try:
            URLValidator(schemes=["http", "https"])(valor)
        except ValidationError as exc:
            raise ValidationError("Informe um site válido, ex.: www.empresa.com.br.") from exc
        return valor
    try:
        return validar_fone(valor)
    except DocumentoInvalido as exc:
        raise ValidationError(exc.mensagem) from exc


class PessoaContatoForm(forms.Form):
    nome = _texto("Nome", obrigatorio=True, maximo=120)
    tipo = forms.ModelChoiceField(label="Tipo de contato", queryset=TipoContato.objects.none())
    cargo = _texto("Cargo", maximo=80)
    email = forms.EmailField(
        label="E-mail",
        required=False,
        error_messages={"invalid": "Informe um e-mail válido, ex.: nome@empresa.com.br."},
    )
    telefone = forms.CharField(
        label="Telefone",
        required=False,
        max_length=25,
        widget=forms.TextInput(
            attrs={"data-mascara": "fone", "inputmode": "tel", "placeholder": "(11) 98765-4321"}
        ),
    )

    def __init__(self, *args: Any, pessoa: PessoaContato | None = None, **kwargs: Any) -> None:
        if pessoa is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "nome": pessoa.nome,
                "tipo": pessoa.tipo_id,
                "cargo": pessoa.cargo,
                "email": pessoa.email,
                "telefone": formatar_fone(pessoa.telefone),
            }
        super().__init__(*args, **kwargs)
        tipo = cast("forms.ModelChoiceField[Any]", self.fields["tipo"])
        tipo.queryset = _ativos(TipoContato, pessoa.tipo_id if pessoa else None)

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_telefone(self) -> str:
        valor = self.cleaned_data.get("telefone", "")
        if not valor.strip():
            return ""
        try:
            return validar_fone(valor)
        except DocumentoInvalido as exc:
            raise ValidationError(exc.mensagem) from exc


# --- consent ---------------------------------------------------------------------------


class ConsentimentoForm(forms.Form):
    canal = forms.ChoiceField(label="Canal", choices=CanalContato.choices)
    concedido = forms.TypedChoiceField(
        label="Ação",
        choices=[("1", "Conceder"), ("0", "Revogar")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    observacao = forms.CharField(
        label="Observação",
        required=False,
        max_length=200,
        help_text="Ex.: pediu por telefone; assinou termo na loja.",
    )
