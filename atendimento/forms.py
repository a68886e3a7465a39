"""Forms of the ticket screens. They validate what the user types (pt-BR messages) and offer
only the user's visible clients and orders; the services check everything again. Status,
número, aberto_por and versão are never fields of the opening form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from atendimento.constants import FormaChamado
from atendimento.models import CanalAtendimento, MotivoChamado, TipoChamado
from atendimento.selectors import pedidos_do_cliente
from atendimento.services import PERMISSAO_ATENDER, responsaveis_possiveis
from cadastro.models import Cliente


def _modelo(form: forms.BaseForm, nome: str) -> forms.ModelChoiceField[Any]:
    campo = form.fields[nome]
    if not isinstance(campo, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{nome} não é um ModelChoiceField.")
    return campo


class _Responsavel(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


def _campo_responsavel(**kwargs: Any) -> _Responsavel:
    return _Responsavel(
        label="Responsável",
        queryset=responsaveis_possiveis(),
        empty_label="(escolha)",
        error_messages={
            "required": "Escolha o responsável.",
            "invalid_choice": "Responsável não encontrado ou sem permissão para atender.",
        },
        **kwargs,
    )


class ChamadoForm(forms.Form):
    """Opening phase: client, order/quote, channel, type and reason, form, subject, product."""

    cliente: forms.ModelChoiceField[Cliente] = forms.ModelChoiceField(
        queryset=Cliente.objects.none(),  # the user's clients, in __init__
        widget=forms.HiddenInput,
        error_messages={
            "required": "Escolha o cliente (digite o nome ou o CPF/CNPJ e selecione).",
            "invalid_choice": "Cliente não encontrado na sua carteira.",
        },
    )
    pedido: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Pedido/orçamento",
        queryset=None,  # the chosen client's, in __init__
        required=False,
        empty_label="(nenhum)",
        error_messages={"invalid_choice": "Escolha um pedido ou orçamento do cliente."},
    )
    canal: forms.ModelChoiceField[CanalAtendimento] = forms.ModelChoiceField(
        queryset=CanalAtendimento.objects.filter(ativo=True),
        empty_label="(escolha)",
        error_messages={"required": "Escolha o canal de atendimento."},
    )
    forma = forms.ChoiceField(
        choices=FormaChamado.choices,
        initial=FormaChamado.PASSIVO,
        widget=forms.RadioSelect,
        error_messages={"required": "Informe se o atendimento é ativo ou passivo."},
    )
    tipo: forms.ModelChoiceField[TipoChamado] = forms.ModelChoiceField(
        queryset=TipoChamado.objects.filter(ativo=True),
        empty_label="(escolha)",
        error_messages={"required": "Escolha o tipo do chamado."},
    )
    motivo: forms.ModelChoiceField[MotivoChamado] = forms.ModelChoiceField(
        queryset=MotivoChamado.objects.filter(ativo=True),
        empty_label="(escolha o tipo antes)",
        error_messages={
            "required": "Escolha o motivo do chamado.",
            "invalid_choice": "Escolha um motivo do tipo escolhido.",
        },
    )
    assunto = forms.CharField(
        max_length=150, error_messages={"required": "Informe o assunto do chamado."}
    )
    descricao = forms.CharField(
        label="Descrição",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Descreva a solicitação do cliente."},
    )
    produto: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Produto reclamado",
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Produto não encontrado ou inativo."},
    )
    prazo = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
        help_text="Vazio: o prazo padrão do tipo de chamado.",
    )
    responsavel = _campo_responsavel(required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from produtos.models import Produto
        from vendas.models import Pedido

        self.user = user
        clientes = Cliente.objects.visiveis_para(user)
        _modelo(self, "cliente").queryset = clientes
        _modelo(self, "produto").queryset = Produto.objects.filter(ativo=True)
        self.cliente_escolhido = self._cliente_escolhido(clientes)
        _modelo(self, "pedido").queryset = (
            Pedido.objects.visiveis_para(user).filter(cliente=self.cliente_escolhido)
            if self.cliente_escolhido
            else Pedido.objects.none()
        )
        # type → reason dependent select: the reason options come from the server (htmx)
        self.fields["tipo"].widget.attrs.update(
            {"hx-get": reverse("atendimento:chamado-motivos"), "hx-target": "#id_motivo",
             "hx-trigger": "change"}
        )  # fmt: skip
        tipo = self["tipo"].value()
        if tipo and str(tipo).isdigit():
            _modelo(self, "motivo").queryset = MotivoChamado.objects.filter(
                ativo=True, tipo_id=int(tipo)
            )
            _modelo(self, "motivo").empty_label = "(escolha)"
        if not user.has_perm(PERMISSAO_ATENDER):
            # a rep opens; the SAC/supervisor names who carries it on
            del self.fields["responsavel"]

    def _cliente_escolhido(self, clientes: Any) -> Cliente | None:
        valor = self["cliente"].value()
        if valor and str(valor).isdigit():
            return clientes.filter(pk=int(valor)).first()  # type: ignore[no-any-return]
        return None

    def pedidos_recentes(self) -> list[Any]:
        if self.cliente_escolhido is None:
            return []
        return list(pedidos_do_cliente(user=self.user, cliente=self.cliente_escolhido))

    def clean(self) -> dict[str, Any]:
        dados = super().clean() or {}
        tipo, motivo = dados.get("tipo"), dados.get("motivo")
        if tipo and motivo and motivo.tipo_id != tipo.pk:
            self.add_error("motivo", f"Escolha um motivo do tipo “{tipo}”.")
        prazo = dados.get("prazo")
        if prazo and prazo < timezone.now():
            self.add_error("prazo", "O prazo não pode estar no passado.")
        return dados


class VersaoForm(forms.Form):
    versao = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class IniciarForm(VersaoForm):
    responsavel = _campo_responsavel()


class ComentarioForm(forms.Form):
    texto = forms.CharField(
        label="Comentário",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Escreva o comentário."},
    )


class TarefaForm(forms.Form):
    descricao = forms.CharField(
        label="Tarefa", max_length=255, error_messages={"required": "Descreva a tarefa."}
    )
    responsavel = _campo_responsavel()
    data_prevista = forms.DateField(
        label="Data prevista",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": "Informe a data prevista."},
    )

    def clean_data_prevista(self) -> Any:
        data = self.cleaned_data["data_prevista"]
        if data < timezone.localdate():
            raise forms.ValidationError("A data prevista não pode estar no passado.")
        return data


class EncerrarForm(VersaoForm):
    solucao = forms.CharField(
        label="Solução",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Informe a solução para encerrar o chamado."},
    )


class CancelarForm(VersaoForm):
    motivo = forms.CharField(
        label="Motivo do cancelamento",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Informe o motivo do cancelamento."},
    )


class ReabrirForm(VersaoForm):
    motivo = forms.CharField(
        label="Por que reabrir", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
