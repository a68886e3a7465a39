"""Forms of the order screens. They offer only what the user may type: status, approver,
commission, representative and version-control fields are never form fields (a POST that adds
them is ignored), except `versao`, which is the version the user saw (optimistic locking)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from produtos.models import Lote, Produto
from vendas.constants import TipoDocumento
from vendas.models import MotivoCancelamento, Pedido

CAMPOS_CABECALHO = (
    "condicao_pagamento",
    "tipo_frete",
    "transportadora",
    "valor_frete",
    "desconto_percentual",
    "chave_rateio_frete",
    "natureza_operacao",
    "tipo_pedido",
    "origem",
    "observacoes",
    "observacoes_internas",
)


def _decimal(rotulo: str, *, minimo: str | None = "0", maximo: str | None = None, **kw: Any):
    return forms.DecimalField(
        label=rotulo,
        localize=True,
        min_value=Decimal(minimo) if minimo is not None else None,
        max_value=Decimal(maximo) if maximo is not None else None,
        **kw,
    )


class VersaoForm(forms.Form):
    versao = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PedidoNovoForm(forms.Form):
    cliente = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": "Escolha o cliente (digite o nome ou o CPF/CNPJ e selecione)."
    })  # fmt: skip
    tipo = forms.ChoiceField(label="Documento", choices=TipoDocumento.choices,
                             initial=TipoDocumento.PEDIDO)  # fmt: skip


class CabecalhoForm(forms.ModelForm):
    versao = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = Pedido
        fields = CAMPOS_CABECALHO
        widgets = {
            "observacoes": forms.Textarea(attrs={"rows": 3}),
            "observacoes_internas": forms.Textarea(attrs={"rows": 3}),
        }
        localized_fields = ("valor_frete", "desconto_percentual")

    def __init__(self, *args: Any, url: str | None = None, editavel: bool = True, **kw: Any):
        super().__init__(*args, **kw)
        for nome, campo in self.fields.items():
            if not editavel:
                campo.disabled = True
            elif url and nome not in ("observacoes", "observacoes_internas", "versao"):
                # Each header field recalculates the order when it changes (htmx partials).
                campo.widget.attrs.update({
                    "hx-post": url, "hx-trigger": "change", "hx-include": "#pedido-versao",
                    "hx-target": "#pedido-itens", "hx-swap": "outerHTML",
                    "data-enter-proximo": "",
                })  # fmt: skip


class ItemAdicionarForm(VersaoForm):
    produto = forms.ModelChoiceField(
        queryset=Produto.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": "Escolha o produto na pesquisa (F3)."},
    )
    quantidade = _decimal("Quantidade", minimo="0.001", max_digits=14, decimal_places=3)
    desconto_percentual = _decimal(
        "Desconto (%)", maximo="100", required=False, max_digits=9, decimal_places=4
    )
    novo_preco = _decimal("Novo preço", required=False, max_digits=16, decimal_places=4)


class ItemAlterarForm(VersaoForm):
    """Only the fields present in the POST are changed (an inline edit sends one row)."""

    quantidade = _decimal(
        "Quantidade", minimo="0.001", required=False, max_digits=14, decimal_places=3
    )
    novo_preco = _decimal("Novo preço", required=False, max_digits=16, decimal_places=4)
    desconto_percentual = _decimal(
        "Desconto (%)", maximo="100", required=False, max_digits=9, decimal_places=4
    )
    acrescimo_percentual = _decimal(
        "Acréscimo (%)", maximo="1000", required=False, max_digits=9, decimal_places=4
    )
    data_promessa = forms.DateField(label="Data de promessa", required=False)
    lote = forms.ModelChoiceField(queryset=Lote.objects.none(), required=False)

    def __init__(self, *args: Any, produto_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lote"].queryset = Lote.objects.filter(produto_id=produto_id)

    def dados_alterados(self) -> dict[str, Any]:
        dados = {}
        for campo in ("quantidade", "novo_preco", "desconto_percentual", "acrescimo_percentual",
                      "data_promessa", "lote"):  # fmt: skip
            if campo in self.data:
                valor = self.cleaned_data.get(campo)
                if campo in ("desconto_percentual", "acrescimo_percentual") and valor is None:
                    valor = Decimal(0)
                dados[campo] = valor
        return dados


class ItemCancelarForm(VersaoForm):
    motivo = forms.ModelChoiceField(
        label="Motivo",
        queryset=MotivoCancelamento.objects.filter(ativo=True),
        error_messages={"required": "Escolha o motivo do cancelamento."},
    )


class EnviarForm(VersaoForm):
    justificativa = forms.CharField(
        label="Justificativa (para o aprovador)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelarPedidoForm(VersaoForm):
    motivo = forms.CharField(label="Motivo", max_length=500)


class DecisaoForm(VersaoForm):
    decisao = forms.ChoiceField(choices=[("aprovar", "Aprovar"), ("recusar", "Recusar")])
    comentario = forms.CharField(
        label="Comentário",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
