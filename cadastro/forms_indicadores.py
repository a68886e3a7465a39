"""Forms of the isoCadastro indicators page: the period selector and the target (meta) form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from cadastro.constants import Indicador
from cadastro.indicadores import PERCENTUAIS_ATE_100, Periodo, periodo_padrao
from cadastro.models import MetaIndicador

# A period longer than this is almost surely a typo (01/01/2205) and would only cost queries.
MAXIMO_ANOS = 10


def _campo_data(rotulo: str, *, obrigatorio: bool) -> forms.DateField:
    return forms.DateField(
        label=rotulo,
        required=obrigatorio,
        error_messages={
            "invalid": "Informe uma data válida (dd/mm/aaaa).",
            "required": "Informe a data.",
        },
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={
                "data-mascara": "data",
                "placeholder": "dd/mm/aaaa",
                "inputmode": "numeric",
                "autocomplete": "off",
                "size": 10,
            },
        ),
    )


def _formatar(dia: dt.date) -> str:
    return dia.strftime("%d/%m/%Y")


class PeriodoForm(forms.Form):
    """`?inicio=dd/mm/aaaa&fim=dd/mm/aaaa`; both empty means the default period."""

    inicio = _campo_data("De", obrigatorio=False)
    fim = _campo_data("Até", obrigatorio=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        dados = self.cleaned_data
        inicio, fim = dados.get("inicio"), dados.get("fim")
        if self.errors:
            return dados
        if bool(inicio) != bool(fim):
            campo = "fim" if inicio else "inicio"
            self.add_error(campo, "Informe o início e o fim do período.")
        elif inicio and fim:
            if fim < inicio:
                self.add_error("fim", "O fim do período não pode ser anterior ao início.")
            elif (fim - inicio).days > 366 * MAXIMO_ANOS:
                self.add_error("fim", f"O período pode ter no máximo {MAXIMO_ANOS} anos.")
        return dados

    def periodo(self, hoje: dt.date) -> Periodo:
        """The chosen period, or the default one when empty or invalid."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("inicio"):
            return Periodo(self.cleaned_data["inicio"], self.cleaned_data["fim"])
        return periodo_padrao(hoje)

    @staticmethod
    def parametros(periodo: Periodo) -> dict[str, str]:
        """Query-string values that select `periodo` (for links and redirects)."""
        return {"inicio": _formatar(periodo.inicio), "fim": _formatar(periodo.fim)}


class MetaIndicadorForm(forms.ModelForm):
    """A company's target for one indicator over a period (Administrador).

    The company is the user's own, never a form field. Two targets of the same indicator may
    not overlap: the page would not know which one to show.
    """

    valor_meta = forms.DecimalField(
        label="Meta",
        max_digits=12,
        decimal_places=2,
        localize=True,
        min_value=Decimal(0),
        help_text="Percentual em pontos (12,5 = 12,5%); quantidade em número de cadastros.",
        error_messages={
            "invalid": "Informe um número (ex.: 12,5 ou 1.500).",
            "required": "Informe o valor da meta.",
            "min_value": "A meta não pode ser negativa.",
            "max_digits": "Valor grande demais.",
            "max_decimal_places": "Use no máximo 2 casas decimais.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    periodo_inicio = _campo_data("Início do período", obrigatorio=True)
    periodo_fim = _campo_data("Fim do período", obrigatorio=True)

    class Meta:
        model = MetaIndicador
        fields = ["indicador", "valor_meta", "periodo_inicio", "periodo_fim"]
        error_messages = {"indicador": {"required": "Escolha o indicador."}}

    def __init__(self, *args: Any, empresa_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.empresa_id = empresa_id
        self.instance.empresa_id = empresa_id

    def clean(self) -> dict[str, Any]:
        super().clean()
        dados = self.cleaned_data
        indicador = dados.get("indicador")
        valor = dados.get("valor_meta")
        inicio, fim = dados.get("periodo_inicio"), dados.get("periodo_fim")
        if valor is not None and indicador:
            if indicador in PERCENTUAIS_ATE_100 and valor > 100:
                self.add_error("valor_meta", "Este indicador é um percentual: no máximo 100.")
            elif indicador == Indicador.QUANTIDADE and valor != valor.to_integral_value():
                self.add_error("valor_meta", "Quantidade de cadastros é um número inteiro.")
        if inicio and fim:
            if fim < inicio:
                self.add_error("periodo_fim", "O fim do período não pode ser anterior ao início.")
            elif indicador:
                sobreposta = (
                    MetaIndicador.objects.filter(
                        empresa_id=self.empresa_id,
                        indicador=indicador,
                        periodo_inicio__lte=fim,
                        periodo_fim__gte=inicio,
                    )
                    .exclude(pk=self.instance.pk)
                    .order_by("periodo_inicio")
                    .first()
                )
                if sobreposta:
                    self.add_error(
                        None,
                        f"Já existe uma meta de “{sobreposta.get_indicador_display()}” para "
                        f"{_formatar(sobreposta.periodo_inicio)} a "
                        f"{_formatar(sobreposta.periodo_fim)}, que se sobrepõe a este período. "
                        "Edite aquela meta ou escolha outro período.",
                    )
        return dados
