from __future__ import annotations

from django import forms
from django.conf import settings

from crm.arquivos import MB


class ImportacaoForm(forms.Form):
    arquivo = forms.FileField(
        label="Planilha (.xlsx)",
        help_text=(
            f"Até {settings.IMPORTACAO_TAMANHO_MAXIMO // MB} MB. Use o modelo: a primeira linha "
            "traz os títulos das colunas."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={"required": "Escolha a planilha a importar."},
    )
