"""Filters of the client list (and its export): django-filter over the visible clients.

Every filter that looks at a child table (address, e-mail) is an EXISTS, never a join: a join
would repeat a client once per matching child and break keyset pagination and the export.
The choices (types, statuses, SCPC, carteiras, reps) come from ONE query per request
(`opcoes_filtro`), scoped to what the user may see: a rep never learns another carteira's name.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import django_filters as df
from django import forms
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import timezone

from cadastro.busca import SemAcento, prefixo
from cadastro.constants import TipoContatoEletronico, TipoPessoa
from cadastro.models import (
    Carteira,
    Cliente,
    ContatoEletronico,
    Endereco,
    SituacaoSCPC,
    StatusCliente,
    TipoCliente,
)
from contas.constants import UFS
from crm.documentos import limpar

if TYPE_CHECKING:
    from contas.models import Usuario

GRUPOS_OPCOES = ("tipo_cliente", "status", "situacao_scpc", "carteira", "representante")
SIM_NAO = [("true", "Sim"), ("false", "Não")]


def opcoes_filtro(user: Usuario) -> dict[str, list[tuple[str, str]]]:
    """Choices of every select of the client filters, in a single UNION query."""
    from contas.models import Usuario

    def parte(qs: QuerySet[Any], grupo: str, rotulo: Any) -> QuerySet[Any]:
        return (
            qs.order_by()
            .annotate(
                grupo_opcao=Value(grupo, output_field=CharField()),
                rotulo_opcao=rotulo,
            )
            .values_list("grupo_opcao", "pk", "rotulo_opcao")
        )

    carteiras = Carteira.objects.visiveis_para(user)
    nome_usuario = Coalesce(
        NullIf(Concat("first_name", Value(" "), "last_name", output_field=CharField()), Value(" ")),
        "username",
        output_field=CharField(),
    )
    consulta = parte(TipoCliente.objects.all(), "tipo_cliente", F("descricao")).union(
        parte(StatusCliente.objects.all(), "status", F("descricao")),
        parte(SituacaoSCPC.objects.all(), "situacao_scpc", F("descricao")),
        parte(carteiras, "carteira", F("nome")),
        parte(
            Usuario.objects.filter(pk__in=carteiras.values("representante")),
            "representante",
            nome_usuario,
        ),
        all=True,
    )
    opcoes: dict[str, list[tuple[str, str]]] = {g: [] for g in GRUPOS_OPCOES}
    for grupo, pk, rotulo in consulta:
        opcoes[grupo].append((str(pk), rotulo))
    for lista in opcoes.values():
        lista.sort(key=lambda o: o[1].casefold())
    return opcoes


def _inicio_do_dia(dia: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dia, dt.time.min))


class CampoData(forms.DateField):
    widget = forms.TextInput(
        attrs={"data-mascara": "data", "placeholder": "dd/mm/aaaa", "inputmode": "numeric"}
    )


class FiltroData(df.DateFilter):
    field_class = CampoData


class ClienteFilter(df.FilterSet):
    nome = df.CharFilter(
        label="Nome", method="filtrar_nome", widget=forms.TextInput(attrs={"type": "search"})
    )
    documento = df.CharFilter(
        label="CPF/CNPJ",
        method="filtrar_documento",
        widget=forms.TextInput(attrs={"data-mascara": "documento", "type": "search"}),
    )
    tipo_pessoa = df.ChoiceFilter(label="Pessoa", choices=TipoPessoa.choices, empty_label="Todas")
    tipo_cliente = df.ChoiceFilter(label="Tipo de cliente", field_name="tipo_cliente_id")
    status = df.ChoiceFilter(label="Status", field_name="status_id")
    situacao_scpc = df.ChoiceFilter(label="Situação SCPC", field_name="situacao_scpc_id")
    carteira = df.ChoiceFilter(label="Carteira", field_name="carteira_id")
    representante = df.ChoiceFilter(label="Representante", field_name="representante_id")
    uf = df.ChoiceFilter(label="UF", choices=UFS, method="filtrar_uf", empty_label="Todas")
    cidade = df.CharFilter(
        label="Cidade", method="filtrar_cidade", widget=forms.TextInput(attrs={"type": "search"})
    )
    tem_email = df.ChoiceFilter(
        label="Tem e-mail", choices=SIM_NAO, method="filtrar_email", empty_label="Tanto faz"
    )
    criado_de = FiltroData(label="Criado de", method="filtrar_criado_de")
    criado_ate = FiltroData(label="Criado até", method="filtrar_criado_ate")

    class Meta:
        model = Cliente
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        opcoes = opcoes_filtro(user) if user is not None else {g: [] for g in GRUPOS_OPCOES}
        for grupo in GRUPOS_OPCOES:
            self.filters[grupo].extra.update(choices=opcoes[grupo], empty_label="Todos")
        self.filters["carteira"].extra["empty_label"] = "Todas"
        self.filters["situacao_scpc"].extra["empty_label"] = "Todas"

    # Each method receives the value already cleaned by its form field.

    def filtrar_nome(self, qs: QuerySet[Cliente], name: str, valor: str) -> QuerySet[Cliente]:
        valor = valor.strip()
        if not valor:
            return qs
        # LIKE '%…%' on f_unaccent(nome) is answered by the trigram GIN indexes (migration 0003).
        termo = SemAcento(Value(valor))
        return qs.alias(
            nome_sem_acento=SemAcento("nome"), fantasia_sem_acento=SemAcento("nome_fantasia")
        ).filter(Q(nome_sem_acento__contains=termo) | Q(fantasia_sem_acento__contains=termo))

    def filtrar_documento(self, qs: QuerySet[Cliente], name: str, valor: str) -> QuerySet[Cliente]:
        numero = limpar(valor)
        if not numero:
            return qs
        if len(numero) in (11, 14):
            return qs.filter(documento=numero)
        # A prefix (e.g. the 8-character root of a CNPJ), as a range the btree answers.
        return qs.filter(prefixo("documento", numero))

    def filtrar_uf(self, qs: QuerySet[Cliente], name: str, valor: str) -> QuerySet[Cliente]:
        return qs.filter(
            Exists(Endereco.objects.filter(cliente=OuterRef("pk"), principal=True, uf=valor))
        )

    def filtrar_cidade(self, qs: QuerySet[Cliente], name: str, valor: str) -> QuerySet[Cliente]:
        valor = valor.strip()
        if not valor:
            return qs
        enderecos = Endereco.objects.alias(cidade_sem_acento=SemAcento("municipio__nome")).filter(
            cliente=OuterRef("pk"),
            principal=True,
            cidade_sem_acento__contains=SemAcento(Value(valor)),
        )
        return qs.filter(Exists(enderecos))

    def filtrar_email(self, qs: QuerySet[Cliente], name: str, valor: str) -> QuerySet[Cliente]:
        tem = Exists(
            ContatoEletronico.objects.filter(
                cliente=OuterRef("pk"), tipo=TipoContatoEletronico.EMAIL
            )
        )
        return qs.filter(tem if valor == "true" else ~tem)

    def filtrar_criado_de(
        self, qs: QuerySet[Cliente], name: str, valor: dt.date
    ) -> QuerySet[Cliente]:
        # A range on the timestamp (not criado_em::date) so the index on criado_em is usable.
        return qs.filter(criado_em__gte=_inicio_do_dia(valor))

    def filtrar_criado_ate(
        self, qs: QuerySet[Cliente], name: str, valor: dt.date
    ) -> QuerySet[Cliente]:
        return qs.filter(criado_em__lt=_inicio_do_dia(valor + dt.timedelta(days=1)))
