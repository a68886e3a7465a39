"""Filters of the order list (and its export). No choice comes from the database, so the
filters cost no query and never reveal a name outside the user's visibility."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet

from cadastro.busca import SemAcento
from vendas.constants import StatusPedido, TipoDocumento
from vendas.models import Pedido
from vendas.selectors import sem_acento


class PedidoFilter(df.FilterSet):
    busca = df.CharFilter(
        label="Número ou cliente",
        method="filtrar_busca",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "nº ou nome do cliente"}),
    )
    cliente = df.NumberFilter(field_name="cliente_id", widget=forms.HiddenInput)
    status = df.ChoiceFilter(choices=StatusPedido.choices, empty_label="Todos")
    tipo = df.ChoiceFilter(label="Documento", choices=TipoDocumento.choices, empty_label="Todos")
    data_de = df.DateFilter(
        field_name="data", lookup_expr="gte", label="De",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    data_ate = df.DateFilter(
        field_name="data", lookup_expr="lte", label="Até",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    class Meta:
        model = Pedido
        fields: list[str] = []

    def filtrar_busca(self, qs: QuerySet[Pedido], nome: str, valor: Any) -> QuerySet[Pedido]:
        valor = (valor or "").strip()
        if not valor:
            return qs
        if valor.isdigit():
            return qs.filter(numero=int(valor))
        return qs.annotate(cliente_sa=SemAcento("cliente__nome")).filter(
            Q(cliente_sa__contains=sem_acento(valor))
        )


# --- opportunities ----------------------------------------------------------------------------

from vendas.constants import ResultadoEtapa  # noqa: E402
from vendas.models import EtapaFunil, Oportunidade  # noqa: E402


def _representantes_visiveis(request: Any) -> QuerySet[Any]:
    """Owners of the portfolios the user sees (a rep: only themself)."""
    from cadastro.models import Carteira
    from contas.models import Usuario

    if request is None:
        return Usuario.objects.none()
    carteiras = Carteira.objects.visiveis_para(request.user).values("representante_id")
    return Usuario.objects.filter(pk__in=carteiras).order_by("first_name", "username")


class OportunidadeFilter(df.FilterSet):
    """Stage choices are shared reference data (one query); the representative is chosen among
    those of the portfolios the user sees, so the list of names reveals nobody else."""

    busca = df.CharFilter(
        label="Título ou cliente",
        method="filtrar_busca",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "título ou cliente"}),
    )
    cliente = df.NumberFilter(field_name="cliente_id", widget=forms.HiddenInput)
    etapa = df.ModelChoiceFilter(
        queryset=EtapaFunil.objects.filter(ativo=True), empty_label="Todas"
    )
    resultado = df.ChoiceFilter(
        label="Situação", choices=ResultadoEtapa.choices, empty_label="Todas"
    )
    representante = df.ModelChoiceFilter(queryset=_representantes_visiveis, empty_label="Todos")
    previsao_de = df.DateFilter(
        field_name="previsao_fechamento", lookup_expr="gte", label="Previsão de",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    previsao_ate = df.DateFilter(
        field_name="previsao_fechamento", lookup_expr="lte", label="Previsão até",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    class Meta:
        model = Oportunidade
        fields: list[str] = []

    def filtrar_busca(
        self, qs: QuerySet[Oportunidade], nome: str, valor: Any
    ) -> QuerySet[Oportunidade]:
        valor = (valor or "").strip()
        if not valor:
            return qs
        termo = sem_acento(valor)
        return qs.annotate(
            titulo_sa=SemAcento("titulo"), cliente_sa=SemAcento("cliente__nome")
        ).filter(Q(titulo_sa__contains=termo) | Q(cliente_sa__contains=termo))


# --- contracts --------------------------------------------------------------------------------

from contas.models import Usuario  # noqa: E402
from vendas.constants import StatusContrato  # noqa: E402
from vendas.models import Contrato  # noqa: E402


class ContratoFilter(df.FilterSet):
    """The representative choices are the owners of the portfolios the user sees (one query):
    the list of names reveals nobody else; a rep sees only themself."""

    busca = df.CharFilter(
        label="Número, cliente ou descrição",
        method="filtrar_busca",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "nº, cliente ou descrição"}),
    )
    cliente = df.NumberFilter(field_name="cliente_id", widget=forms.HiddenInput)
    status = df.ChoiceFilter(label="Situação", choices=StatusContrato.choices, empty_label="Todas")
    vigente_em = df.DateFilter(
        label="Vigente em", method="filtrar_vigente_em",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    vence_ate = df.DateFilter(
        field_name="vigencia_fim", lookup_expr="lte", label="Vigência termina até",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    representante = df.ModelChoiceFilter(
        label="Representante", queryset=Usuario.objects.none(), empty_label="Todos"
    )

    class Meta:
        model = Contrato
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        from cadastro.models import Carteira

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            donos = Carteira.objects.visiveis_para(user).values("representante_id")
            usuarios = Usuario.objects.filter(pk__in=donos)
            self.filters["representante"].queryset = usuarios.order_by("first_name", "username")

    def filtrar_busca(self, qs: QuerySet[Contrato], nome: str, valor: Any) -> QuerySet[Contrato]:
        valor = (valor or "").strip()
        if not valor:
            return qs
        if valor.isdigit():
            return qs.filter(numero=int(valor))
        termo = sem_acento(valor)
        return qs.annotate(
            cliente_sa=SemAcento("cliente__nome"), descricao_sa=SemAcento("descricao")
        ).filter(Q(cliente_sa__contains=termo) | Q(descricao_sa__contains=termo))

    def filtrar_vigente_em(
        self, qs: QuerySet[Contrato], nome: str, valor: Any
    ) -> QuerySet[Contrato]:
        if not valor:
            return qs
        return qs.filter(vigencia_inicio__lte=valor, vigencia_fim__gte=valor)


# --- sales targets (metas) ---------------------------------------------------------------------

from vendas.constants import IndicadorVenda  # noqa: E402
from vendas.indicadores import representantes_para_meta  # noqa: E402
from vendas.models import MetaVenda  # noqa: E402

SEM_REPRESENTANTE = "empresa"


class MetaVendaFilter(df.FilterSet):
    """Targets by indicator, by rep (or the company's own) and by period: `de`/`ate` keep the
    targets whose period overlaps the chosen dates. The rep choices are the ones the user may
    set targets for (one query), so the list reveals no other name."""

    indicador = df.ChoiceFilter(
        label="Indicador", choices=IndicadorVenda.choices, empty_label="Todos"
    )
    representante = df.ChoiceFilter(
        label="Representante", method="filtrar_representante", empty_label="Todos", choices=()
    )
    de = df.DateFilter(
        field_name="periodo_fim", lookup_expr="gte", label="Período de",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    ate = df.DateFilter(
        field_name="periodo_inicio", lookup_expr="lte", label="até",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    class Meta:
        model = MetaVenda
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        escolhas: list[tuple[str, str]] = [(SEM_REPRESENTANTE, "Toda a empresa")]
        if user is not None and user.is_authenticated:
            escolhas += [
                (str(u.pk), u.get_full_name() or u.username)
                for u in representantes_para_meta(user).only("pk", "first_name", "last_name",
                                                              "username")
            ]  # fmt: skip
        self.filters["representante"].extra["choices"] = escolhas

    def filtrar_representante(
        self, qs: QuerySet[MetaVenda], nome: str, valor: Any
    ) -> QuerySet[MetaVenda]:
        if not valor:
            return qs
        if valor == SEM_REPRESENTANTE:
            return qs.filter(representante__isnull=True)
        return qs.filter(representante_id=int(valor))
