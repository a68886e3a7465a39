"""The product's audit trail for people: pghistory events of Produto and its PrecoLista rows.

Each entry: when, who (pghistory context user), what (product or a price) and which fields
went from what to what, pt-BR labels and formatted values. A page costs a fixed number of
queries (count, events, users, one per related model referenced on the page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from pghistory.models import Events

from produtos.models import PrecoLista, Produto

_OCULTOS = {"id", "produto", "criado_em", "atualizado_em"}
_ACOES = {"insert": "incluído", "update": "alterado", "delete": "excluído"}


@dataclass(frozen=True)
class Mudanca:
    campo: str
    antes: str
    depois: str


@dataclass
class EntradaHistorico:
    quando: dt.datetime
    usuario: Any
    objeto: str
    acao: str
    mudancas: list[Mudanca] = field(default_factory=list)


def _formatar(campo: models.Field, valor: Any, nomes: dict[tuple[Any, Any], str]) -> str:
    if valor is None or valor == "":
        return "—"
    if campo.is_relation:
        return nomes.get((campo.related_model, valor), f"#{valor}")
    if campo.choices:
        return str(dict(campo.flatchoices).get(valor, valor))
    if isinstance(campo, models.BooleanField):
        return "Sim" if valor else "Não"
    if isinstance(campo, models.DateTimeField):
        momento = parse_datetime(str(valor))
        return (
            date_format(timezone.localtime(momento), "SHORT_DATETIME_FORMAT")
            if momento
            else str(valor)
        )
    if isinstance(campo, models.DateField):
        dia = parse_date(str(valor)[:10])
        return date_format(dia, "SHORT_DATE_FORMAT") if dia else str(valor)
    if isinstance(campo, models.DecimalField):
        try:
            return number_format(Decimal(str(valor)), campo.decimal_places, force_grouping=True)
        except InvalidOperation:
            return str(valor)
    return str(valor)


def _descrever(rotulo: str, dados: dict[str, Any], nomes: dict[tuple[Any, Any], str]) -> str:
    if rotulo == "produtos.Produto":
        return "Produto"
    tabela = dados.get("tabela_id")
    cliente = dados.get("cliente_id")
    from cadastro.models import Cliente, TabelaVenda

    chave = (
        nomes.get((TabelaVenda, tabela), f"tabela #{tabela}")
        if tabela
        else nomes.get((Cliente, cliente), f"cliente #{cliente}")
    )
    return f"Preço de lista – {chave}"


def historico_produto(produto: Produto, *, pagina: Any = 1, por_pagina: int = 25) -> Page:
    qs = (
        Events.objects.references(produto)
        .across(
            apps.get_model("produtos", "ProdutoEvent"),
            apps.get_model("produtos", "PrecoListaEvent"),
        )
        .order_by("-pgh_created_at", "-pgh_id")
    )
    pagina_obj = Paginator(qs, por_pagina).get_page(pagina)
    eventos = list(pagina_obj.object_list)
    modelos = {"produtos.Produto": Produto, "produtos.PrecoLista": PrecoLista}
    colunas = {r: {f.column: f for f in m._meta.concrete_fields} for r, m in modelos.items()}

    ids: dict[Any, set[Any]] = {}
    for e in eventos:
        campos = colunas.get(e.pgh_obj_model, {})
        for coluna, valor in (e.pgh_data or {}).items():
            campo = campos.get(coluna)
            if campo is not None and campo.is_relation and valor is not None:
                ids.setdefault(campo.related_model, set()).add(valor)
        for coluna, par in (e.pgh_diff or {}).items():
            campo = campos.get(coluna)
            if campo is not None and campo.is_relation:
                ids.setdefault(campo.related_model, set()).update(v for v in par if v is not None)
    nomes: dict[tuple[Any, Any], str] = {}
    for relacionado, chaves in ids.items():
        if relacionado is Produto:
            continue
        for obj in relacionado._default_manager.filter(pk__in=chaves):
            nomes[(relacionado, obj.pk)] = str(obj)

    usuarios_ids = {(e.pgh_context or {}).get("user") for e in eventos} - {None}
    usuarios = get_user_model().objects.in_bulk(usuarios_ids) if usuarios_ids else {}

    entradas = []
    for e in eventos:
        campos = colunas.get(e.pgh_obj_model, {})
        mudancas = []
        if e.pgh_label == "update":
            for coluna, (antes, depois) in sorted((e.pgh_diff or {}).items()):
                campo = campos.get(coluna)
                if campo is None or campo.name in _OCULTOS:
                    continue
                mudancas.append(
                    Mudanca(
                        campo=str(campo.verbose_name),
                        antes=_formatar(campo, antes, nomes),
                        depois=_formatar(campo, depois, nomes),
                    )
                )
            if not mudancas:
                continue
        elif e.pgh_obj_model == "produtos.PrecoLista":
            for coluna in ("preco", "inicio", "fim"):
                campo_preco = campos[coluna]
                valor = (e.pgh_data or {}).get(coluna)
                mudancas.append(
                    Mudanca(str(campo_preco.verbose_name), "", _formatar(campo_preco, valor, nomes))
                )
        contexto = e.pgh_context or {}
        entradas.append(
            EntradaHistorico(
                quando=e.pgh_created_at,
                usuario=usuarios.get(contexto.get("user")),
                objeto=_descrever(e.pgh_obj_model, e.pgh_data or {}, nomes),
                acao=_ACOES.get(e.pgh_label, e.pgh_label),
                mudancas=mudancas,
            )
        )
    pagina_obj.object_list = entradas
    return pagina_obj
