"""Formulários das matrizes: a regra (só os campos da matriz escolhida), expirar, testar,
importar. Datas dd/mm/aaaa, números 1.234,56; autocompletar de produto e cliente por <datalist>
alimentado por htmx (sem JavaScript próprio)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cadastro.models import Cliente
from contas.constants import Papel
from contas.models import Empresa
from crm.documentos import limpar
from matrizes.constants import DEFINICOES, DIMENSOES, DIMENSOES_BOOL, FAIXA, RESULTADOS
from matrizes.models import Regra, sem_zeros
from produtos.models import Produto

if TYPE_CHECKING:
    from contas.models import Usuario

ATRIBUTOS_DATA = {"data-mascara": "data", "placeholder": "dd/mm/aaaa", "inputmode": "numeric"}
ATRIBUTOS_NUMERO = {"inputmode": "decimal", "autocomplete": "off"}
TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ID_NO_TEXTO = re.compile(r"\[#(\d+)\]\s*$")

CAMPOS_META = ("vigencia_inicio", "vigencia_fim", "observacao")
CAMPOS_FORM = (*DIMENSOES, *FAIXA, *RESULTADOS, *CAMPOS_META)
BOOL_RESULTADO = ("aplica_st", "ajustar_mva", "permitido")


def _widget_data() -> forms.DateInput:
    # DateInput (não TextInput) para que o valor inicial saia dd/mm/aaaa, não ISO.
    return forms.DateInput(format="%d/%m/%Y", attrs=ATRIBUTOS_DATA)


class CampoData(forms.DateField):
    widget = forms.DateInput(format="%d/%m/%Y", attrs=ATRIBUTOS_DATA)


def rotulo_cliente(cliente: Cliente) -> str:
    """Texto da opção do autocompletar; o id no fim identifica o cliente sem JavaScript."""
    documento = cliente.documento_formatado
    return (
        f"{cliente.nome} — {documento} [#{cliente.pk}]"
        if documento
        else (f"{cliente.nome} [#{cliente.pk}]")
    )


class ClienteCampo(forms.CharField):
    """Cliente escolhido no autocompletar (texto com [#id]) ou digitado como CPF/CNPJ.

    Só encontra clientes visíveis ao usuário: fora da carteira é "não encontrado", como na
    busca — nunca revela que o cliente existe.
    """

    def __init__(self, *, usuario: Usuario, url_opcoes: str, **kwargs: Any) -> None:
        self.usuario = usuario
        kwargs.setdefault("help_text", "Digite parte do nome ou o CPF/CNPJ e escolha na lista.")
        super().__init__(
            widget=_widget_autocompletar(url_opcoes, "opcoes-cliente", "cliente"), **kwargs
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Cliente):
            return rotulo_cliente(value)
        if isinstance(value, int):
            cliente = Cliente.objects.visiveis_para(self.usuario).filter(pk=value).first()
            return rotulo_cliente(cliente) if cliente else ""
        return value

    def clean(self, value: Any) -> Cliente | None:  # type: ignore[override]
        texto = super().clean(value)
        if not texto:
            return None
        visiveis = Cliente.objects.visiveis_para(self.usuario)
        achado = _ID_NO_TEXTO.search(texto)
        cliente = None
        if achado:
            cliente = visiveis.filter(pk=int(achado.group(1))).first()
        elif limpar(texto):
            cliente = visiveis.filter(documento=limpar(texto)).first()
        if cliente is None:
            raise forms.ValidationError(
                "Cliente não encontrado entre os que você vê. Escolha uma opção da lista."
            )
        return cliente


def _widget_autocompletar(url: str, lista: str, nome: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "list": lista,
            "autocomplete": "off",
            "hx-get": url,
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{lista}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "data-datalist": lista,
            "data-nome": nome,
        }
    )


class ProdutoCampo(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Código do produto (digite para buscar).")
        super().__init__(
            queryset=Produto.objects.all(),
            to_field_name="codigo",
            widget=_widget_autocompletar(
                reverse("matrizes:produto-opcoes"), "opcoes-produto", "produto"
            ),
            error_messages={"invalid_choice": "Produto não encontrado: use o código exato."},
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(" – ")[0].strip().upper()
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Produto):
            return value.codigo
        if isinstance(value, int):
            produto = Produto.objects.filter(pk=value).only("codigo").first()
            return produto.codigo if produto else ""
        return value


def _sem_vazia(campo: forms.TypedChoiceField) -> list[Any]:
    """As escolhas do campo sem a opção vazia ("---------") que o Django põe."""
    return [(v, r) for v, r in campo.choices if v != ""]  # type: ignore[union-attr, misc]


def _sim_nao(rotulo_vazio: str) -> forms.Select:
    return forms.Select(choices=[("", rotulo_vazio), ("true", "Sim"), ("false", "Não")])


def _representantes() -> Any:
    return (
        get_user_model()
        .objects.filter(groups__name=Papel.REPRESENTANTE, is_active=True)
        .order_by("first_name", "username")
    )


class RegraForm(forms.ModelForm):
    """A regra de UMA matriz: só as dimensões e os resultados que ela usa aparecem."""

    class Meta:
        model = Regra
        fields = CAMPOS_FORM
        widgets = {
            "observacao": forms.TextInput(),
        }

    def __init__(
        self,
        *args: Any,
        matriz: str,
        usuario: Usuario,
        hoje: dt.date | None = None,
        nova_versao: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.matriz = matriz
        self.instance.matriz = matriz
        self.hoje = hoje or timezone.localdate()
        self.nova_versao = nova_versao
        definicao = DEFINICOES[matriz]
        visiveis = set(campos_da_matriz(matriz))
        for nome in list(self.fields):
            if nome not in visiveis:
                del self.fields[nome]
        self.dimensoes = [n for n in DIMENSOES if n in self.fields]
        self.resultados = [n for n in (*FAIXA, *RESULTADOS) if n in self.fields]
        self.vigencia = [n for n in CAMPOS_META if n in self.fields]

        for nome, campo in self.fields.items():
            if isinstance(campo, forms.DecimalField):
                valor = self.initial.get(nome)
                if isinstance(valor, Decimal):
                    self.initial[nome] = sem_zeros(valor)  # 7,0000 → 7
                campo.localize = True
                campo.widget = forms.TextInput(attrs=ATRIBUTOS_NUMERO)
                campo.widget.is_localized = True
            elif isinstance(campo, forms.DateField):
                campo.widget = _widget_data()
            elif isinstance(campo, forms.NullBooleanField):
                vazio = "Qualquer" if nome in DIMENSOES_BOOL else "—"
                campo.widget = _sim_nao(vazio)
            if nome in DIMENSOES:
                campo.required = False
                if isinstance(campo, forms.ModelChoiceField):
                    campo.empty_label = "Qualquer"
                elif isinstance(campo, forms.TypedChoiceField):
                    campo.choices = [("", "Qualquer"), *_sem_vazia(campo)]
            elif isinstance(campo, forms.TypedChoiceField):
                campo.choices = [("", "—"), *_sem_vazia(campo)]
            elif isinstance(campo, forms.ModelChoiceField):
                campo.empty_label = "— (a do cadastro)" if nome == "unidade_venda" else "—"
        for nome in definicao.obrigatorios:
            if nome in self.fields and nome not in BOOL_RESULTADO:
                self.fields[nome].required = True
        if "produto" in self.fields:
            self.fields["produto"] = ProdutoCampo(required=False, label="Produto")
        if "cliente" in self.fields:
            self.fields["cliente"] = ClienteCampo(
                usuario=usuario,
                url_opcoes=reverse("matrizes:cliente-opcoes"),
                required=False,
                label="Cliente",
            )
        if "representante" in self.fields:
            campo = self.fields["representante"]
            campo.queryset = _representantes()  # type: ignore[attr-defined]
            campo.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]
        if "empresa" in self.fields:
            self.fields["empresa"].queryset = Empresa.objects.filter(ativa=True)  # type: ignore[attr-defined]
        if "aplica_st" in self.fields and not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("aplica_st", True)

        inicio = self.fields["vigencia_inicio"]
        if nova_versao:
            inicio.label = "Nova versão vigente a partir de"
            inicio.help_text = (
                "A versão atual já vigorou e não muda: ela termina na véspera desta data."
            )
            self.initial["vigencia_inicio"] = self.hoje
        else:
            inicio.help_text = "Hoje ou depois: o passado não muda."
            self.initial.setdefault("vigencia_inicio", self.hoje)
        self.fields["vigencia_fim"].help_text = "Inclusive; vazio = sem fim."
        self.fields["observacao"].help_text = "Fundamento legal, protocolo, motivo da regra."

    def clean_vigencia_inicio(self) -> dt.date:
        inicio: dt.date = self.cleaned_data["vigencia_inicio"]
        if inicio < self.hoje:
            raise forms.ValidationError(
                "A vigência não pode começar no passado: mudaria o cálculo de pedidos já "
                f"feitos. Use {self.hoje:%d/%m/%Y} ou depois."
            )
        return inicio

    def dados(self) -> dict[str, Any]:
        """Os valores para o serviço: só os campos desta matriz.

        Na edição de regra em uso, início = hoje é o padrão da nova versão: não conta como
        mudança (assim, mudar só o fim da vigência não cria versão).
        """
        dados = {nome: self.cleaned_data.get(nome) for nome in self.fields}
        if self.nova_versao and dados.get("vigencia_inicio") == self.hoje:
            del dados["vigencia_inicio"]
        return dados


class ExpirarForm(forms.Form):
    ate = CampoData(label="Última data de validade")

    def __init__(self, *args: Any, minimo: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ate"].initial = minimo
        self.fields["ate"].help_text = (
            "Inclusive. Não pode ser antes de ontem: o passado não muda. "
            "A véspera do início cancela uma regra que ainda não vigorou."
        )


CONTRIBUINTE_ESCOLHAS = [
    ("", "Pelo cadastro do cliente (indicador da IE)"),
    ("true", "Sim"),
    ("false", "Não"),
]
CONSUMIDOR_ESCOLHAS = [
    ("", "Pelo cadastro do cliente"),
    ("true", "Sim"),
    ("false", "Não"),
]


def campos_da_matriz(matriz: str) -> list[str]:
    """Os campos do formulário de uma matriz, na ordem da tela."""
    definicao = DEFINICOES[matriz]
    visiveis = {*definicao.dimensoes, *definicao.resultados, *CAMPOS_META}
    if definicao.faixa:
        visiveis.update(FAIXA)
    return [c for c in CAMPOS_FORM if c in visiveis]


def _bool_opcional(valor: str) -> bool | None:
    return {"true": True, "false": False}.get(valor)


class TestarForm(forms.Form):
    """A pergunta da tela "testar": um cliente, um produto, quantidade e preço."""

    cliente = forms.CharField()  # trocado no __init__ (precisa do usuário)
    produto = forms.CharField()  # idem (precisa da URL)
    quantidade = forms.DecimalField(
        min_value=Decimal("0.001"), max_digits=14, decimal_places=3, initial=Decimal("1")
    )
    preco_unitario = forms.DecimalField(
        label="Preço unitário (R$)", min_value=Decimal("0"), max_digits=14, decimal_places=2
    )
    percentual_desconto = forms.DecimalField(
        label="Desconto (%)",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=9,
        decimal_places=4,
        help_text="Decide as faixas de alçada e comissão.",
    )
    condicao_pagamento = forms.CharField(
        label="Condição de pagamento", required=False, max_length=20
    )
    cfop = forms.CharField(label="Operação (CFOP)", required=False, max_length=4)
    data_pedido = CampoData(
        label="Data do pedido", help_text="Outra data reproduz as regras daquele dia."
    )
    empresa = forms.ModelChoiceField(queryset=Empresa.objects.none(), empty_label=None)
    contribuinte = forms.TypedChoiceField(
        label="Contribuinte do ICMS",
        choices=CONTRIBUINTE_ESCOLHAS,
        coerce=_bool_opcional,
        empty_value=None,
        required=False,
    )
    consumidor_final = forms.TypedChoiceField(
        label="Consumidor final",
        choices=CONSUMIDOR_ESCOLHAS,
        coerce=_bool_opcional,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, usuario: Usuario, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cliente"] = ClienteCampo(
            usuario=usuario, url_opcoes=reverse("matrizes:cliente-opcoes"), label="Cliente"
        )
        self.fields["produto"] = ProdutoCampo(label="Produto")
        for nome in ("quantidade", "preco_unitario", "percentual_desconto"):
            campo = self.fields[nome]
            campo.localize = True
            campo.widget = forms.TextInput(attrs=ATRIBUTOS_NUMERO)
            campo.widget.is_localized = True
        empresas = Empresa.objects.filter(ativa=True)
        self.fields["empresa"].queryset = empresas  # type: ignore[attr-defined]
        self.fields["empresa"].initial = usuario.empresa_id
        self.fields["data_pedido"].initial = timezone.localdate()

    def clean_condicao_pagamento(self) -> str | None:
        return self.cleaned_data["condicao_pagamento"].strip().upper() or None

    def clean_cfop(self) -> str | None:
        cfop = limpar(self.cleaned_data["cfop"])
        if cfop and not re.fullmatch(r"[1-7][0-9]{3}", cfop):
            raise forms.ValidationError("O CFOP tem 4 dígitos (p.ex. 5102).")
        return cfop or None


class ImportarForm(forms.Form):
    arquivo = forms.FileField(
        label="Planilha (.xlsx)",
        help_text="Use o modelo: uma regra por linha, a coluna Matriz diz de qual matriz.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
