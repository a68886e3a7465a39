"""Filters of the product list (and its export).

The select choices (lines, groups, brands, types, price tables) come from ONE UNION query per
request. `tabela` does not filter: it picks which price table the "Preço" column shows.
"""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Value

from cadastro.models import TabelaVenda
from produtos.constants import OrigemMercadoria
from produtos.models import Estoque, GrupoProduto, LinhaProduto, Marca, Produto, TipoProduto
from produtos.selectors import filtrar_por_termo

GRUPOS_OPCOES = ("linha", "grupo", "marca", "tipo", "tabela")
SITUACOES = [
    ("ativos", "Ativos"),
    ("vendaveis", "Ativos e não bloqueados"),
    ("bloqueados", "Bloqueados"),
    ("inativos", "Inativos"),
]
SIM_NAO = [("true", "Sim"), ("false", "Não")]


def opcoes_filtro() -> dict[str, list[tuple[str, str]]]:
    def parte(qs: QuerySet[Any], grupo: str) -> QuerySet[Any]:
        return (
            qs.filter(ativo=True)
            .order_by()
            .annotate(grupo_opcao=Value(grupo, output_field=CharField()), rotulo=F("descricao"))
            .values_list("grupo_opcao", "pk", "rotulo")
        )

    consulta = parte(LinhaProduto.objects.all(), "linha").union(
        parte(GrupoProduto.objects.all(), "grupo"),
        parte(Marca.objects.all(), "marca"),
        parte(TipoProduto.objects.all(), "tipo"),
        parte(TabelaVenda.objects.all(), "tabela"),
        all=True,
    )
    opcoes: dict[str, list[tuple[str, str]]] = {g: [] for g in GRUPOS_OPCOES}
    for grupo, pk, rotulo in consulta:
        opcoes[grupo].append((str(pk), rotulo))
    for lista in opcoes.values():
        lista.sort(key=lambda o: o[1].casefold())
    return opcoes


class ProdutoFilter(df.FilterSet):
    q = df.CharFilter(
        label="Código, descrição ou EAN",
        method="filtrar_termo",
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )
    situacao = df.ChoiceFilter(
        label="Situação", choices=SITUACOES, method="filtrar_situacao", empty_label="Todos"
    )
    linha = df.ChoiceFilter(label="Linha", field_name="linha_id")
    grupo = df.ChoiceFilter(label="Grupo", field_name="grupo_id")
    marca = df.ChoiceFilter(label="Marca", field_name="marca_id")
    tipo = df.ChoiceFilter(label="Tipo", field_name="tipo_id")
    origem = df.ChoiceFilter(label="Origem", choices=OrigemMercadoria.choices, empty_label="Todas")
    ncm = df.CharFilter(
        label="NCM (início)",
        field_name="ncm",
        lookup_expr="startswith",
        widget=forms.TextInput(attrs={"type": "search", "inputmode": "numeric"}),
    )
    com_estoque = df.ChoiceFilter(
        label="Com estoque", choices=SIM_NAO, method="filtrar_estoque", empty_label="Tanto faz"
    )
    tabela = df.ChoiceFilter(label="Tabela de preço", method="escolher_tabela")

    class Meta:
        model = Produto
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        opcoes = opcoes_filtro()
        for grupo in GRUPOS_OPCOES:
            self.filters[grupo].extra.update(choices=opcoes[grupo], empty_label="Todos")
        self.filters["linha"].extra["empty_label"] = "Todas"
        self.filters["marca"].extra["empty_label"] = "Todas"
        self.filters["tabela"].extra["empty_label"] = "Padrão"
        self.opcoes_tabela = opcoes["tabela"]

    def filtrar_termo(self, qs: QuerySet[Produto], name: str, valor: str) -> QuerySet[Produto]:
        return filtrar_por_termo(qs, valor)

    def filtrar_situacao(self, qs: QuerySet[Produto], name: str, valor: str) -> QuerySet[Produto]:
        return {
            "ativos": qs.filter(ativo=True),
            "vendaveis": qs.filter(ativo=True, bloqueado=False),
            "bloqueados": qs.filter(bloqueado=True),
            "inativos": qs.filter(ativo=False),
        }.get(valor, qs)

    def filtrar_estoque(self, qs: QuerySet[Produto], name: str, valor: str) -> QuerySet[Produto]:
        tem = Exists(Estoque.objects.filter(produto=OuterRef("pk"), quantidade__gt=F("reservado")))
        return qs.filter(tem if valor == "true" else ~tem)

    def escolher_tabela(self, qs: QuerySet[Produto], name: str, valor: str) -> QuerySet[Produto]:
        return qs  # display choice only (see the view's `anotar`)

    def tabela_escolhida(self) -> int | None:
        valor = self.form.cleaned_data.get("tabela") if self.form.is_valid() else None
        if valor:
            return int(valor)
        return int(self.opcoes_tabela[0][0]) if self.opcoes_tabela else None
