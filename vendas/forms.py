"""Forms of the order screens. They offer only what the user may type: status, approver,
commission, representative and version-control fields are never form fields (a POST that adds
them is ignored), except `versao`, which is the version the user saw (optimistic locking)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q

from produtos.models import Lote, Produto
from vendas.constants import TipoDocumento
from vendas.models import MotivoCancelamento, Pedido

if TYPE_CHECKING:
    from contas.models import Usuario

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


def _decimal(
    rotulo: str, *, minimo: str | None = "0", maximo: str | None = None, **kw: Any
) -> forms.DecimalField:
    return forms.DecimalField(
        label=rotulo,
        localize=True,
        min_value=Decimal(minimo) if minimo is not None else None,
        max_value=Decimal(maximo) if maximo is not None else None,
        **kw,
    )


def _modelo(form: forms.BaseForm, nome: str) -> forms.ModelChoiceField[Any]:
    """The model choice field `nome` of `form`, to set its queryset or empty label per form
    (`form.fields` is typed as plain fields)."""
    campo = form.fields[nome]
    if not isinstance(campo, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{nome} não é um ModelChoiceField.")
    return campo


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
            opcoes = campo.queryset if isinstance(campo, forms.ModelChoiceField) else None
            if opcoes is not None and hasattr(opcoes.model, "ativo"):
                # Registries retired in the admin are neither offered nor accepted; the order's
                # current choice stays (an old order still shows and saves as it was).
                atual = getattr(self.instance, f"{nome}_id", None)
                campo.queryset = opcoes.filter(Q(ativo=True) | Q(pk=atual))  # type: ignore[attr-defined]
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

    def __init__(self, *args: Any, produto_id: int, armazem_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the product's lots in the order's warehouse (none without a warehouse).
        _modelo(self, "lote").queryset = (
            Lote.objects.filter(produto_id=produto_id, armazem_id=armazem_id)
            if armazem_id
            else Lote.objects.none()
        )

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


# --- opportunities (sales funnel) -------------------------------------------------------------
# The representative, result, closing date, loss reason (outside a move) and version are never
# form fields: a POST that adds them is ignored; the services set them.

from cadastro.models import Cliente  # noqa: E402
from vendas.constants import ResultadoEtapa  # noqa: E402
from vendas.models import EtapaFunil, MotivoPerda, Oportunidade, OrigemPedido  # noqa: E402


class OportunidadeForm(forms.ModelForm):
    """Create (with client and first stage) or edit (with the version seen) an opportunity."""

    cliente: forms.ModelChoiceField[Cliente] = forms.ModelChoiceField(
        queryset=None,  # set in __init__: the user's clients only
        widget=forms.HiddenInput,
        error_messages={
            "required": "Escolha o cliente (digite o nome ou o CPF/CNPJ e selecione).",
            "invalid_choice": "Cliente não encontrado na sua carteira.",
        },
    )
    etapa: forms.ModelChoiceField[EtapaFunil] = forms.ModelChoiceField(
        label="Etapa inicial",
        queryset=None,
        empty_label=None,
    )
    valor_estimado = _decimal("Valor estimado (R$)", max_digits=14, decimal_places=2)
    probabilidade = _decimal(
        "Probabilidade (%)", maximo="100", required=False, max_digits=5, decimal_places=2,
        help_text="Vazio: a probabilidade padrão da etapa.",
    )  # fmt: skip
    previsao_fechamento = forms.DateField(
        label="Previsão de fechamento",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    versao = forms.IntegerField(min_value=1, widget=forms.HiddenInput, required=False)

    class Meta:
        model = Oportunidade
        fields = ("titulo", "valor_estimado", "probabilidade", "previsao_fechamento", "origem",
                  "descricao")  # fmt: skip
        widgets = {"descricao": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"titulo": {"required": "Informe o título da oportunidade."}}

    field_order = ("titulo", "etapa", "valor_estimado", "probabilidade", "previsao_fechamento",
                   "origem", "descricao")  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _modelo(self, "origem").queryset = OrigemPedido.objects.filter(ativo=True)
        if self.instance.pk:
            del self.fields["cliente"]
            del self.fields["etapa"]
            self.fields["versao"].required = True
            self.fields["versao"].initial = self.instance.versao
        else:
            del self.fields["versao"]
            _modelo(self, "cliente").queryset = Cliente.objects.visiveis_para(user)
            _modelo(self, "etapa").queryset = EtapaFunil.objects.filter(
                ativo=True, resultado=ResultadoEtapa.ABERTA
            )

    def dados(self) -> dict[str, Any]:
        """The typed fields for the service (never client, stage or version)."""
        return {campo: self.cleaned_data.get(campo) for campo in self._meta.fields or ()}


class MoverEtapaForm(VersaoForm):
    etapa: forms.ModelChoiceField[EtapaFunil] = forms.ModelChoiceField(
        label="Mover para",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Etapa não encontrada ou inativa."},
    )
    motivo_perda: forms.ModelChoiceField[MotivoPerda] = forms.ModelChoiceField(
        label="Motivo da perda",
        queryset=None,
        required=False,
        empty_label="(se perdida)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _modelo(self, "etapa").queryset = EtapaFunil.objects.filter(ativo=True)
        _modelo(self, "motivo_perda").queryset = MotivoPerda.objects.filter(ativo=True)


class ReabrirForm(VersaoForm):
    etapa: forms.ModelChoiceField[EtapaFunil] = forms.ModelChoiceField(
        label="Reabrir na etapa",
        queryset=None,
        empty_label=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _modelo(self, "etapa").queryset = EtapaFunil.objects.filter(
            ativo=True, resultado=ResultadoEtapa.ABERTA
        )


# --- contracts ------------------------------------------------------------------------------
# numero, status, representante, valor_total and versao are never ModelForm fields: a POST
# carrying them is ignored (the services assign them). `versao` is the version the user saw.

from cadastro.models import TabelaVenda  # noqa: E402
from vendas.constants import StatusContrato  # noqa: E402
from vendas.models import (  # noqa: E402
    ClienteEntregaContrato,
    CondicaoPagamento,
    ContatoContrato,
    Contrato,
    ItemContrato,
    ModalidadeContrato,
    ProgramacaoContrato,
    TipoProgramacao,
)
from vendas.services.contratos import CAMPOS_CONTATO, CAMPOS_CONTRATO  # noqa: E402


def _data(rotulo: str, **kw: Any) -> forms.DateField:
    return forms.DateField(
        label=rotulo, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kw
    )


class ContratoForm(forms.ModelForm):
    """Header of a contract (edit); `ContratoNovoForm` adds the client."""

    versao = forms.IntegerField(min_value=1, widget=forms.HiddenInput, required=False)
    vigencia_inicio = _data("Início da vigência")
    vigencia_fim = _data("Fim da vigência")

    class Meta:
        model = Contrato
        fields = CAMPOS_CONTRATO
        widgets = {"observacoes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "condicao_pagamento": "Condição de pagamento",
            "tabela_venda": "Tabela de venda",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for campo in ("modalidade", "condicao_pagamento", "tabela_venda"):
            _modelo(self, campo).empty_label = "—"
        _modelo(self, "modalidade").queryset = ModalidadeContrato.objects.filter(ativo=True)
        _modelo(self, "condicao_pagamento").queryset = CondicaoPagamento.objects.filter(ativo=True)
        _modelo(self, "tabela_venda").queryset = TabelaVenda.objects.filter(ativo=True)

    def clean(self) -> dict[str, Any]:
        super().clean()
        dados = self.cleaned_data
        inicio, fim = dados.get("vigencia_inicio"), dados.get("vigencia_fim")
        if inicio and fim and fim < inicio:
            self.add_error("vigencia_fim", "O fim da vigência não pode ser anterior ao início.")
        return dados

    def dados(self) -> dict[str, Any]:
        return {c: self.cleaned_data[c] for c in CAMPOS_CONTRATO}


class ContratoNovoForm(ContratoForm):
    cliente = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": "Escolha o cliente (digite o nome ou o CPF/CNPJ e selecione)."
    })  # fmt: skip


class StatusContratoForm(VersaoForm):
    status = forms.ChoiceField(choices=StatusContrato.choices)  # Contrato.status's choices
    motivo = forms.CharField(label="Motivo", required=False, max_length=500)


class ItemContratoForm(VersaoForm):
    produto: forms.ModelChoiceField[Produto] = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"required": "Escolha o produto na pesquisa."},
    )
    quantidade = _decimal("Quantidade contratada", minimo="0.001", max_digits=14,
                          decimal_places=3)  # fmt: skip
    preco_unitario = _decimal("Preço contratado", max_digits=16, decimal_places=4)
    observacao = forms.CharField(label="Observação", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _modelo(self, "produto").queryset = Produto.objects.filter(ativo=True)


class ItemContratoAlterarForm(VersaoForm):
    quantidade = _decimal("Quantidade contratada", minimo="0.001", max_digits=14,
                          decimal_places=3)  # fmt: skip
    preco_unitario = _decimal("Preço contratado", max_digits=16, decimal_places=4)
    observacao = forms.CharField(label="Observação", required=False, max_length=200)

    @classmethod
    def de(cls, item: ItemContrato, versao: int) -> ItemContratoAlterarForm:
        return cls(
            initial={"versao": versao, "quantidade": item.quantidade,
                     "preco_unitario": item.preco_unitario, "observacao": item.observacao},
            auto_id=f"item{item.pk}_%s",
        )  # fmt: skip


class _ItemContratoCampo(forms.ModelChoiceField):
    def label_from_instance(self, obj: ItemContrato) -> str:
        return f"{obj.sequencia} – {obj.produto.codigo} {obj.produto.descricao}"


class _EntregaContratoCampo(forms.ModelChoiceField):
    def label_from_instance(self, obj: ClienteEntregaContrato) -> str:
        return obj.cliente.nome


class ProgramacaoContratoForm(VersaoForm):
    item = _ItemContratoCampo(
        label="Item", queryset=None, empty_label="Escolha o item",
        error_messages={"required": "Escolha o item do contrato."},
    )  # fmt: skip
    # A field named "data" shadows BaseForm.data for mypy only: the form metaclass takes the
    # declared fields off the class, so `self.data` stays the submitted data.
    data = _data("Data")  # type: ignore[assignment]
    quantidade = _decimal("Quantidade", minimo="0.001", max_digits=14, decimal_places=3)
    tipo: forms.ModelChoiceField[TipoProgramacao] = forms.ModelChoiceField(
        label="Tipo", queryset=None, required=False, empty_label="—",
    )  # fmt: skip
    cliente_entrega = _EntregaContratoCampo(
        label="Cliente de entrega", queryset=None, required=False,
        empty_label="O cliente do contrato",
    )  # fmt: skip

    def __init__(self, *args: Any, contrato: Contrato, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _modelo(self, "item").queryset = ItemContrato.objects.filter(
            contrato=contrato
        ).select_related("produto")
        _modelo(self, "tipo").queryset = TipoProgramacao.objects.filter(ativo=True)
        entregas = ClienteEntregaContrato.objects.filter(contrato=contrato)
        _modelo(self, "cliente_entrega").queryset = entregas.select_related("cliente")


class EntregaContratoForm(VersaoForm):
    cliente = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": "Escolha o cliente de entrega (digite o nome ou o CPF/CNPJ e selecione)."
    })  # fmt: skip
    observacao = forms.CharField(label="Observação", required=False, max_length=200)


class ContatoContratoForm(forms.ModelForm):
    versao = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = ContatoContrato
        fields = CAMPOS_CONTATO

    def dados(self) -> dict[str, Any]:
        return {c: self.cleaned_data[c] for c in CAMPOS_CONTATO}


class GerarPedidoContratoForm(VersaoForm):
    programacoes: forms.ModelMultipleChoiceField[ProgramacaoContrato] = (
        forms.ModelMultipleChoiceField(
            queryset=None,
            error_messages={
                "required": "Marque ao menos uma programação prevista para gerar o pedido.",
                "invalid_choice": "Programação não encontrada ou já atendida.",
                "invalid_pk_value": "Programação inválida.",
            },
        )
    )

    def __init__(self, *args: Any, contrato: Contrato, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _modelo(self, "programacoes").queryset = ProgramacaoContrato.objects.filter(
            item__contrato=contrato
        )


# --- item date scheduling, attachments, screen mode (pedido helper) ---------------------------

from django.core.exceptions import ValidationError  # noqa: E402

MODOS_PEDIDO = (("simplificado", "Simplificado"), ("avancado", "Avançado"))


class ParteProgramacaoForm(forms.Form):
    """One part of an item's schedule; a row left empty is ignored, "remover" drops it."""

    # Shadows BaseForm.data for mypy only (see ProgramacaoContratoForm.data).
    data = forms.DateField(  # type: ignore[assignment]
        label="Data",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    quantidade = _decimal(
        "Quantidade", minimo="0.001", required=False, max_digits=14, decimal_places=3
    )
    remover = forms.BooleanField(label="Remover", required=False)

    def clean(self) -> dict[str, Any]:
        dados = super().clean() or {}
        if dados.get("remover"):
            return dados
        if bool(dados.get("data")) != bool(dados.get("quantidade")):
            raise ValidationError("Informe a data e a quantidade da parte (ou deixe ambas vazias).")
        return dados


ProgramacaoFormSet = forms.formset_factory(ParteProgramacaoForm, extra=0, max_num=60)


class AnexoPedidoForm(forms.Form):
    arquivo = forms.FileField(
        label="Arquivo", error_messages={"required": "Escolha o arquivo a anexar."}
    )
    descricao = forms.CharField(label="Descrição", max_length=120, required=False)

    def clean_arquivo(self) -> Any:
        from vendas.services.anexos import validar_anexo
        from vendas.services.pedidos import ErroPedido

        arquivo = self.cleaned_data["arquivo"]
        try:
            validar_anexo(arquivo)
        except ErroPedido as erro:
            raise ValidationError(erro.mensagem) from erro
        return arquivo


class ModoPedidoForm(forms.Form):
    modo = forms.ChoiceField(choices=MODOS_PEDIDO)


class ColarLinhasForm(VersaoForm):
    """The paste box of the order screen: one "código;quantidade" per line."""

    texto = forms.CharField(
        label="Linhas (código;quantidade)",
        max_length=50_000,
        strip=False,
        error_messages={"required": "Cole ao menos uma linha “código;quantidade”."},
        widget=forms.Textarea(attrs={"rows": 6}),
    )


# --- sales targets (metas) -------------------------------------------------------------------

from cadastro.forms_indicadores import _campo_data  # noqa: E402
from vendas.constants import IndicadorVenda  # noqa: E402
from vendas.indicadores import representantes_para_meta, ve_toda_a_empresa  # noqa: E402
from vendas.models import MetaVenda  # noqa: E402

# Targets counted in units (orders, clients): a fraction would never be reached exactly.
INDICADORES_INTEIROS = frozenset({IndicadorVenda.PEDIDOS, IndicadorVenda.CLIENTES_POSITIVADOS})


def texto_meta(meta: MetaVenda) -> str:
    """“Faturamento … de Fulano, 01/03/2026 a 31/03/2026 (R$ 10.000,00)”: names a target in
    messages (overlap refusal, success, deletion)."""
    from crm.templatetags.formatos import brl, milhar

    valor = (
        milhar(meta.valor_meta) if meta.indicador in INDICADORES_INTEIROS else brl(meta.valor_meta)
    )
    rep = meta.representante
    quem = f"de {rep.get_full_name() or rep.username}" if rep is not None else "da empresa"
    return (
        f"“{meta.get_indicador_display()}” {quem}, {meta.periodo_inicio:%d/%m/%Y} a "
        f"{meta.periodo_fim:%d/%m/%Y} ({valor})"
    )


class _RepresentanteCampo(forms.ModelChoiceField):
    def label_from_instance(self, obj: Usuario) -> str:
        return obj.get_full_name() or obj.username


class MetaVendaForm(forms.ModelForm):
    """A sales target of the user's company (Supervisor, Administrador).

    The company is the user's own, never a field (a POSTed `empresa` is ignored). A supervisor
    sets targets only for the reps of the teams they head; an administrator (sees every
    portfolio) for any rep of the company or for the whole company (representante empty). Two
    targets of the same indicator and rep may not overlap: the indicators page would not know
    which to compare with.
    """

    representante = _RepresentanteCampo(
        label="Representante",
        queryset=None,  # set in __init__: the reps the user sets targets for
        required=False,
        error_messages={
            "invalid_choice": "Escolha um representante da sua equipe.",
            "required": "Escolha o representante (metas da empresa são do administrador).",
        },
    )
    valor_meta = forms.DecimalField(
        label="Meta",
        max_digits=14,
        decimal_places=2,
        localize=True,
        min_value=Decimal(0),
        help_text="Em R$ para faturamento e oportunidades ganhas; em unidades para pedidos e "
        "clientes positivados.",
        error_messages={
            "invalid": "Informe um número (ex.: 15.000,00 ou 40).",
            "required": "Informe o valor da meta.",
            "min_value": "A meta não pode ser negativa.",
            "max_digits": "Valor grande demais.",
            "max_decimal_places": "Use no máximo 2 casas decimais.",
            "max_whole_digits": "Valor grande demais.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    periodo_inicio = _campo_data("Início do período", obrigatorio=True)
    periodo_fim = _campo_data("Fim do período", obrigatorio=True)

    class Meta:
        model = MetaVenda
        fields = ["indicador", "representante", "valor_meta", "periodo_inicio", "periodo_fim"]
        error_messages = {"indicador": {"required": "Escolha o indicador."}}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.empresa_id: int = user.empresa_id
        self.instance.empresa_id = user.empresa_id
        indicador = self.fields["indicador"]  # the model field's: a choice field
        if not isinstance(indicador, forms.ChoiceField):
            raise TypeError("MetaVendaForm.indicador não é um ChoiceField.")
        indicador.choices = [("", "Escolha o indicador"), *IndicadorVenda.choices]
        campo = _modelo(self, "representante")
        campo.queryset = representantes_para_meta(user)
        if ve_toda_a_empresa(user):
            campo.empty_label = "Toda a empresa (meta da empresa)"
            campo.help_text = "Vazio: meta da empresa, comparada com o total da empresa."
        else:
            campo.required = True
            campo.empty_label = "Escolha o representante"
            campo.help_text = "Representantes das equipes que você supervisiona."

    def clean(self) -> dict[str, Any]:
        super().clean()
        dados = self.cleaned_data
        indicador = dados.get("indicador")
        valor = dados.get("valor_meta")
        inicio, fim = dados.get("periodo_inicio"), dados.get("periodo_fim")
        if (
            valor is not None
            and indicador in INDICADORES_INTEIROS
            and valor != valor.to_integral_value()
        ):
            self.add_error("valor_meta", "Este indicador é uma quantidade: use um número inteiro.")
        if inicio and fim and fim < inicio:
            self.add_error("periodo_fim", "O fim do período não pode ser anterior ao início.")
        elif inicio and fim and indicador and "representante" not in self.errors:
            representante = dados.get("representante")
            sobreposta = (
                MetaVenda.objects.filter(
                    empresa_id=self.empresa_id,
                    indicador=indicador,
                    representante=representante,
                    periodo_inicio__lte=fim,
                    periodo_fim__gte=inicio,
                )
                .exclude(pk=self.instance.pk)
                .select_related("representante")
                .order_by("periodo_inicio", "pk")
                .first()
            )
            if sobreposta:
                self.add_error(
                    None,
                    f"Já existe a meta {texto_meta(sobreposta)}, que se sobrepõe a este "
                    "período. Edite aquela meta ou escolha outro período.",
                )
        return dados
