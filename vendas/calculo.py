"""Order recalculation: database → matrizes.fetch → engine → problems of the closing tab.

`recalcular(pedido)` is the ONE calculation of an order. It is called by every service that
changes an order (vendas/services/) with the order row already locked. It runs a FIXED number
of queries whatever the number of items (the queries are listed in `recalcular`'s docstring and
held by tests/vendas/test_calculo.py for 5 and 500 items), writes the items whose results
changed with ONE UPDATE … FROM unnest(…) (`gravar_itens`) and the totals with one UPDATE.

Speed (issue 6, measured by bench/pedido.py): the per-item Python is what a 500-item order
costs, so items are built without `Model.__init__` and read column-wise (`_itens_do_pedido`),
the products come with their prices/cost/stock in one query of plain SQL subqueries
(`_produtos`), every rule question is asked once per product (matrizes.fetch), and the
cyclic GC is paused during the calculation (`recalcular`).

Units: list prices, costs and stock are per the product's own unit (the cadastro's, the
taxable one); an item is sold in the unit the "matriz de unidade produto" gives, at
`fator` product units per sale unit. So the sale-unit price is list price × fator, and the
stock needed is quantity × fator.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.db import connection
from django.db.models import Field, Min, Model, QuerySet, Sum, signals
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format, number_format

from contas.models import Parametro
from crm.memoria import sem_coleta_de_ciclos
from crm.money import arredondar
from matrizes import fetch
from matrizes.constants import TipoMatriz
from matrizes.engine import Intervalo, PedidoResultado, Problema
from matrizes.models import Regra
from produtos.constants import RegraDataPromessa
from produtos.models import (
    Cota,
    Custo,
    Estoque,
    EstoqueProgramado,
    PrecoLista,
    Produto,
    Promocao,
    Unidade,
)
from vendas.constants import PRECO_DECIMAL_PLACES, StatusItem, tipo_problema
from vendas.models import ItemPedido, Pedido, ProgramacaoItem

if TYPE_CHECKING:

    class _ProdutoCalculado(Protocol):
        """A product of `_produtos` with its `_calculo_*` subquery annotations (the price of the
        table and the stock ones only when the order has a table / a warehouse)."""

        _calculo_preco_cliente: Decimal | None
        _calculo_preco_tabela: Decimal | None
        _calculo_custo: Decimal | None
        _calculo_cota: Decimal | None
        _calculo_quantidade: Decimal | None
        _calculo_reservado: Decimal
        _calculo_programados_datas: list[dt.date]
        _calculo_programados_quantidades: list[Decimal]


ZERO = Decimal("0.00")
CEM = Decimal("100")
CASAS_PRECO = Decimal(1).scaleb(-PRECO_DECIMAL_PLACES)
CASAS_PERCENTUAL = Decimal("0.0001")

# Company parameters (contas.Parametro, per company) that bound the margins of an order; absent
# = no bound. Read straight from the table in the same query for all keys.
PARAMETROS_MARGEM = {
    "vendas_mb_minima": "faixa_mb_minimo",
    "vendas_mb_maxima": "faixa_mb_maximo",
    "vendas_mc_minima": "faixa_mc_minimo",
    "vendas_mc_maxima": "faixa_mc_maximo",
}

CAMPOS_CALCULADOS_ITEM = [
    "unidade", "fator", "multiplo", "preco_lista", "preco_unitario", "v_prod", "v_desc",
    "v_frete", "bc_ipi", "v_ipi", "aliq_icms", "bc_icms", "v_icms", "bc_st", "v_st", "v_fcp",
    "v_difal", "bc_pis", "v_pis", "bc_cofins", "v_cofins", "total", "custo_unitario",
    "margem_bruta", "margem_contribuicao", "percentual_mb", "percentual_mc",
    "percentual_comissao", "percentual_desconto_efetivo", "percentual_desconto_alcada",
    "nivel_alcada", "papel_aprovador", "estoque_disponivel", "problemas",
]  # fmt: skip
CAMPOS_CALCULADOS_PEDIDO = [
    "v_prod", "v_desc", "v_frete", "v_ipi", "v_icms", "v_st", "v_fcp", "v_difal", "v_pis",
    "v_cofins", "v_nf", "margem_bruta", "margem_contribuicao", "percentual_mb", "percentual_mc",
    "problemas", "tem_bloqueio", "nivel_alcada", "papel_aprovador", "recalculado_em",
]  # fmt: skip


@dataclass
class Calculo:
    """What a recalculation leaves behind: the order, its items (loaded, with products) and the
    engine's result — the views render from this without querying again."""

    pedido: Pedido
    itens: list[ItemPedido]
    resultado: PedidoResultado | None
    # Items whose stored results this recalculation changed (the screen redraws only these).
    mudaram: frozenset[int] = frozenset()


def _br(valor: Decimal, casas: int = 2) -> str:
    return number_format(valor, casas, use_l10n=True, force_grouping=True)


def qtd_br(valor: Decimal) -> str:
    """A quantity as the messages show it: pt-BR decimal comma, no trailing zeros (1,5)."""
    texto = f"{valor.normalize():f}"
    return texto.replace(".", ",")


def _sem_rotulo_do_item(mensagem: str, item: ItemPedido | None) -> str:
    """The message without its "Item 3 (PAR-001): " / "Item 3: " opening: the closing tab
    already names the item beside it (a link to the row). The full `mensagem` stays for
    exports and the approval queue."""
    if item is None:
        return mensagem
    for prefixo in (f"Item {item.sequencia} ({item.produto.codigo}): ", f"Item {item.sequencia}: "):
        if mensagem.startswith(prefixo):
            resto = mensagem[len(prefixo) :]
            return resto[:1].upper() + resto[1:]
    return mensagem


def _problema(
    codigo: str,
    mensagem: str,
    *,
    item: ItemPedido | None = None,
    matriz: str | None = None,
    chaves: dict[str, str] | None = None,
) -> dict[str, Any]:
    tipo = tipo_problema(codigo)
    return {
        "codigo": codigo,
        "rotulo": tipo.rotulo,
        "mensagem": mensagem,
        "detalhe": _sem_rotulo_do_item(mensagem, item),
        "matriz": matriz,
        "chaves": chaves or {},
        "item": item.sequencia if item else None,
        "item_id": item.pk if item else None,
        "produto": item.produto.codigo if item else None,
        "bloqueia": tipo.bloqueia,
        "revela_custo": tipo.revela_custo,
    }


def _do_motor(p: Problema, itens_por_numero: dict[int, ItemPedido]) -> dict[str, Any]:
    """An engine/fetch problem → the closing tab's dict, with the item's real sequence."""
    item = itens_por_numero.get(p.item) if p.item is not None else None
    codigo = p.codigo
    if codigo == "matriz" and p.matriz == TipoMatriz.UNIDADE_PRODUTO:
        codigo = "matriz_unidade"
    mensagem = p.mensagem
    if codigo == "multiplo" and item is not None and "sugerida" in p.chaves:
        mensagem = (
            f"Item {item.sequencia} ({item.produto.codigo}): a quantidade "
            f"{qtd_br(item.quantidade)} não é múltiplo de {qtd_br(Decimal(p.chaves['multiplo']))}; "
            f"próxima quantidade válida: {qtd_br(Decimal(p.chaves['sugerida']))}."
        )
    elif item is not None and p.item is not None and p.item != item.sequencia:
        # The engine numbers the active items 1..n; the screen shows the item's own sequence.
        mensagem = mensagem.replace(f"Item {p.item}:", f"Item {item.sequencia}:", 1)
    return _problema(codigo, mensagem, item=item, matriz=p.matriz, chaves=dict(p.chaves))


# --- loading (a fixed number of queries, whatever the number of items) ----------------------


@dataclass
class _DoProduto:
    """What the calculation reads of each product in the order's context, by product id:
    list price (the client's own wins over the sales table's), latest cost up to the order's
    date, available stock (quantity − reserved) in the order's warehouse in the product's
    unit, the scheduled entries from the order's date on (by date), and the balance of the
    tightest quota (`produtos.Cota`) that applies to the order's rep and/or client on its date
    (no entry: no quota)."""

    precos: dict[int, Decimal]
    custos: dict[int, Decimal]
    estoques: dict[int, Decimal]
    programados: dict[int, list[tuple[dt.date, Decimal]]]
    cotas: dict[int, Decimal] = field(default_factory=dict)


@cache
def _subconsultas_do_produto() -> dict[str, str]:
    """SQL of `_produtos`' per-product subqueries, built once from the models' metadata
    (quoted identifiers; every value is a bound parameter). Plain SQL rather than ORM
    `Subquery`s: compiling those six querysets cost ~4 ms of CPU per recalculation, the
    subqueries themselves ~0,1 ms. A price is valid on the order's date as
    `PrecoListaQuerySet.vigentes_em` says: início ≤ data ≤ fim (no fim = open)."""
    q = connection.ops.quote_name

    def col(modelo: type[Model], campo: str) -> str:
        # `campo` names a concrete field, whose column is set: stubs type get_field as any
        # field or reverse relation, and Field.column as optional (None before class setup).
        return q(modelo._meta.get_field(campo).column)  # type: ignore[union-attr,arg-type]

    def tab(modelo: type[Model]) -> str:
        return q(modelo._meta.db_table)

    produto = f"{tab(Produto)}.{col(Produto, 'id')}"
    unidade = f"{tab(Produto)}.{col(Produto, 'unidade')}"
    pl = PrecoLista
    preco = (
        f"SELECT x.{col(pl, 'preco')} FROM {tab(pl)} x "  # noqa: S608
        f"WHERE x.{col(pl, 'produto')} = {produto} "
        f"AND x.{{chave}} = %s AND x.{col(pl, 'inicio')} <= %s "
        f"AND (x.{col(pl, 'fim')} IS NULL OR x.{col(pl, 'fim')} >= %s) LIMIT 1"
    )
    estoque = (
        f"SELECT x.{{coluna}} FROM {tab(Estoque)} x "  # noqa: S608
        f"WHERE x.{col(Estoque, 'produto')} = {produto} "
        f"AND x.{col(Estoque, 'armazem')} = %s AND x.{col(Estoque, 'unidade')} = {unidade} LIMIT 1"
    )
    ep = EstoqueProgramado
    programado = (
        f"ARRAY(SELECT x.{{coluna}} FROM {tab(ep)} x "  # noqa: S608
        f"WHERE x.{col(ep, 'produto')} = {produto} "
        f"AND x.{col(ep, 'armazem')} = %s AND x.{col(ep, 'data_prevista')} >= %s "
        f"ORDER BY x.{col(ep, 'data_prevista')}, x.{col(ep, 'id')})"
    )
    cota_aplicavel = (
        f"x.{col(Cota, 'produto')} = {produto} "
        f"AND x.{col(Cota, 'inicio')} <= %s AND x.{col(Cota, 'fim')} >= %s "
        f"AND (x.{col(Cota, 'representante')} IS NULL OR x.{col(Cota, 'representante')} = %s) "
        f"AND (x.{col(Cota, 'cliente')} IS NULL OR x.{col(Cota, 'cliente')} = %s)"
    )
    return {
        "cota": (
            f"SELECT min(x.{col(Cota, 'quantidade')} - x.{col(Cota, 'consumida')}) "  # noqa: S608
            f"FROM {tab(Cota)} x WHERE {cota_aplicavel}"
        ),
        "preco_cliente": preco.format(chave=col(pl, "cliente")),
        "preco_tabela": preco.format(chave=col(pl, "tabela")),
        "custo": (
            f"SELECT x.{col(Custo, 'custo')} FROM {tab(Custo)} x "  # noqa: S608
            f"WHERE x.{col(Custo, 'produto')} = {produto} AND x.{col(Custo, 'data')} <= %s "
            f"ORDER BY x.{col(Custo, 'data')} DESC LIMIT 1"
        ),
        "quantidade": estoque.format(coluna=col(Estoque, "quantidade")),
        "reservado": estoque.format(coluna=col(Estoque, "reservado")),
        "programados_datas": programado.format(coluna=col(ep, "data_prevista")),
        "programados_quantidades": programado.format(coluna=col(ep, "quantidade")),
    }


def _sql(sql: str, parametros: list[Any]) -> RawSQL:
    """One of `_subconsultas_do_produto` as an annotation; the value comes as the driver reads
    it (Decimal, date, list). The SQL is ours (identifiers from the models), values are bound
    parameters."""
    return RawSQL(sql, parametros, Field())  # noqa: S611


def _produtos(pedido: Pedido, produto_ids: set[int]) -> tuple[dict[int, Produto], _DoProduto]:
    """The products (+ unit, line) and, as subqueries of the SAME query (one round trip instead
    of five), their prices, cost, stock and scheduled stock for this order (`_DoProduto`).
    Each subquery reads at most one row per product (prices never overlap in time per table
    or client; one cost per product and date; one stock row per product, warehouse and unit)
    through the index on its key."""
    sql = _subconsultas_do_produto()
    data = pedido.data
    anotacoes: dict[str, Any] = {
        "_calculo_preco_cliente": _sql(sql["preco_cliente"], [pedido.cliente_id, data, data]),
        "_calculo_custo": _sql(sql["custo"], [data]),
        "_calculo_cota": _sql(
            sql["cota"], [data, data, pedido.representante_id, pedido.cliente_id]
        ),
    }
    if pedido.tabela_venda_id:
        anotacoes["_calculo_preco_tabela"] = _sql(
            sql["preco_tabela"], [pedido.tabela_venda_id, data, data]
        )
    if pedido.armazem_id:
        armazem = pedido.armazem_id
        anotacoes |= {
            "_calculo_quantidade": _sql(sql["quantidade"], [armazem]),
            "_calculo_reservado": _sql(sql["reservado"], [armazem]),
            "_calculo_programados_datas": _sql(sql["programados_datas"], [armazem, data]),
            "_calculo_programados_quantidades": _sql(
                sql["programados_quantidades"], [armazem, data]
            ),
        }
    produtos = {
        p.pk: p
        for p in Produto.objects.filter(pk__in=produto_ids)
        .select_related("unidade", "linha")
        .annotate(**anotacoes)
    }
    dados = _DoProduto(precos={}, custos={}, estoques={}, programados={})
    for pk, p in cast("dict[int, _ProdutoCalculado]", produtos).items():
        preco = p._calculo_preco_cliente
        if preco is None and pedido.tabela_venda_id:
            preco = p._calculo_preco_tabela
        if preco is not None:
            dados.precos[pk] = preco
        if p._calculo_custo is not None:
            dados.custos[pk] = p._calculo_custo
        if p._calculo_cota is not None:
            dados.cotas[pk] = p._calculo_cota
        if pedido.armazem_id:
            if p._calculo_quantidade is not None:
                dados.estoques[pk] = p._calculo_quantidade - p._calculo_reservado
            if p._calculo_programados_datas:
                dados.programados[pk] = list(
                    zip(
                        p._calculo_programados_datas,
                        p._calculo_programados_quantidades,
                        strict=True,
                    )
                )
    return produtos, dados


def _faixas(pedido: Pedido) -> tuple[Intervalo | None, Intervalo | None]:
    valores = dict(
        Parametro.objects.filter(
            empresa_id=pedido.empresa_id, usuario__isnull=True, chave__in=PARAMETROS_MARGEM
        ).values_list("chave", "valor")
    )

    def dec(chave: str) -> Decimal | None:
        v = valores.get(chave)
        return Decimal(str(v)) if v is not None else None

    mb = Intervalo(minimo=dec("vendas_mb_minima"), maximo=dec("vendas_mb_maxima"))
    mc = Intervalo(minimo=dec("vendas_mc_minima"), maximo=dec("vendas_mc_maxima"))
    vazio = Intervalo()
    return (mb if mb != vazio else None, mc if mc != vazio else None)


# --- writing ---------------------------------------------------------------------------


def _tipo_array(campo: Any) -> str:
    """The element type of the unnest array of a column (precision is the column's own)."""
    tipo = campo.db_type(connection)
    if tipo.startswith(("numeric", "decimal")):
        return "numeric"
    if tipo.startswith("varchar"):
        return "text"
    return tipo


@cache
def _colunas_gravacao() -> tuple[tuple[str, str, str, bool], ...]:
    """(attname, column, array type, is json) of the computed columns, resolved once.

    This and the other `@cache`d builders below are filled on first use (they need the
    connection's quoting), atomically per call: two threads' first recalculations at the
    same time may both build them, never a half-built or doubled one."""
    colunas: list[tuple[str, str, str, bool]] = []
    for nome in CAMPOS_CALCULADOS_ITEM:
        # Concrete fields of the item, so attname and column are set (see `col` above).
        campo = cast("Field[Any, Any]", ItemPedido._meta.get_field(nome))
        colunas.append(
            (
                campo.attname,
                campo.column,  # type: ignore[arg-type]
                _tipo_array(campo),
                campo.get_internal_type() == "JSONField",
            )
        )
    return tuple(colunas)


@cache
def _sql_gravar() -> str:
    """The UPDATE of `gravar_itens`, built once from the model's metadata (quoted identifiers;
    every value is a bound parameter)."""
    q = connection.ops.quote_name
    simples = [(c, tipo) for _a, c, tipo, json_ in _colunas_gravacao() if not json_]
    jsons = [c for _a, c, _t, json_ in _colunas_gravacao() if json_]
    nomes = ", ".join(q(c) for c in ("id", *(c for c, _t in simples)))
    arrays = ", ".join(f"%s::{tipo}[]" for tipo in ("bigint", *(t for _c, t in simples)))
    # The JSON columns travel as ONE JSON array per column (element n = item n).
    atribuicoes = [f"{q(c)} = v.{q(c)}" for c, _t in simples]
    atribuicoes += [f"{q(c)} = (%s::jsonb) -> (v.n::integer - 1)" for c in jsons]
    tabela = q(ItemPedido._meta.db_table)
    return (
        f"UPDATE {tabela} AS t SET {', '.join(atribuicoes)} "  # noqa: S608
        f"FROM unnest({arrays}) WITH ORDINALITY AS v({nomes}, n) WHERE t.id = v.id"
    )


def _array_texto(valores: Sequence[Any]) -> str:
    """A Postgres array literal of numbers/ids/None: `{1.50,NULL,2}`. str(Decimal) is exact
    (Postgres reads "1E+1" as 10 too). `map(str, …)` runs in C; the str of a number never
    contains "None", so the NULLs are put in afterwards in one pass over the text."""
    return "{" + ",".join(map(str, valores)).replace("None", "NULL") + "}"


def _array_texto_str(valores: Sequence[str | None]) -> str:
    """A Postgres array literal of strings, every element quoted and escaped."""
    return (
        "{"
        + ",".join(
            "NULL" if v is None else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
            for v in valores
        )
        + "}"
    )


def gravar_itens(itens: list[ItemPedido]) -> None:
    """Write the computed fields of `itens` in ONE statement whatever their number:
    `UPDATE … SET c = v.c … FROM unnest(%s::bigint[], %s::numeric[], …) v WHERE t.id = v.id`.

    One parameter per column, each ONE string: the array literal (`{1.50,NULL,2.00}`) built
    with `str` here, and for the JSON column one JSON array. Django's bulk_update builds one
    `CASE WHEN id = …` per column (~16.000 branches per row for 33 columns × 500 rows: 9 s
    measured); a VALUES list with one placeholder per value costs psycopg a client-side parse of
    17.000 `%s`; a Python list per column makes psycopg quote each of the 17.000 elements
    (≈ 10 ms of CPU for 500 items, profiled), the literal costs one `str` each. Values are
    already of the column's scale (the calculation rounds them); Postgres casts each array
    element to the column's type on assignment.
    """
    if not itens:
        return
    parametros: list[str] = [_array_texto([item.id for item in itens])]
    jsons: list[str] = []
    # One C-level attrgetter call per item (a tuple of its computed values), transposed into
    # columns: not one Python-level getattr per value (17.000 of them for 500 items).
    colunas = zip(*map(_leitor_de_estado(), itens), strict=True)
    for (_attname, _coluna, tipo, json_), valores in zip(_colunas_gravacao(), colunas, strict=True):
        if json_:
            jsons.append(json.dumps(list(valores)))
        elif tipo == "text":
            parametros.append(_array_texto_str(valores))
        else:
            parametros.append(_array_texto(valores))
    # The placeholders of the SET clause (JSON columns) come before those of FROM.
    with connection.cursor() as cursor:
        cursor.execute(_sql_gravar(), [*jsons, *parametros])


@cache
def _leitor_de_estado() -> Callable[[ItemPedido], tuple[Any, ...]]:
    """item → the tuple of its computed values, in `_colunas_gravacao` order: what is stored,
    to tell whether a recalculation changed it, and what `gravar_itens` writes."""
    return operator.attrgetter(*(attname for attname, _c, _t, _j in _colunas_gravacao()))


# --- the calculation ---------------------------------------------------------------------


def contexto_do_pedido(pedido: Pedido) -> fetch.Contexto:
    cliente = pedido.cliente
    contribuinte, consumidor_final = fetch.destinatario_do_cliente(cliente)
    return fetch.Contexto(
        data=pedido.data,
        empresa=pedido.empresa,
        uf_destino=pedido.uf_destino or pedido.empresa.uf,
        contribuinte=contribuinte,
        consumidor_final=consumidor_final,
        tipo_cliente=cliente.tipo_cliente,
        cliente=cliente,
        representante=pedido.representante,
        condicao_pagamento=pedido.condicao_pagamento.codigo if pedido.condicao_pagamento else None,
        cfop=pedido.natureza_operacao.cfop if pedido.natureza_operacao else None,
    )


def _desconto_efetivo(
    item: ItemPedido, preco_lista_venda: Decimal | None, desconto_pedido: Decimal
) -> Decimal:
    """Discount (%) the rep gives on this item against the list price: own discount, header
    discount and a "novo preço" below the list all count; a surcharge counts negative.
    Unrounded: the alçada and commission bands compare the exact value."""
    fator_liquido = (1 - item.desconto_percentual / CEM) * (1 - desconto_pedido / CEM)
    if preco_lista_venda and preco_lista_venda > 0:
        return (1 - item.preco_unitario * fator_liquido / preco_lista_venda) * CEM
    return (1 - fator_liquido) * CEM


def _montar(
    pedido: Pedido,
    contexto: fetch.Contexto,
    ativos: list[ItemPedido],
    precos: dict[int, Decimal],
    custos: dict[int, Decimal],
    fatores: dict[int, Decimal],
    faixas: tuple[Intervalo | None, Intervalo | None],
    promocoes: dict[int, Promocao],
) -> tuple[fetch.Montagem, list[Decimal | None], list[Decimal], list[Decimal]]:
    """Prices in the sale unit (× fator) → fetch.montar_pedido. Returns the montagem, the list
    price per item (sale unit) used, each item's effective discount (`_desconto_efetivo`) and
    the discount the alçada measures (`_desconto_alcada`), in the order of `ativos`."""
    financeiro = (
        pedido.condicao_pagamento.percentual_custo_financeiro
        if pedido.condicao_pagamento
        else Decimal(0)
    )
    entradas: list[fetch.ItemPedido] = []
    listas: list[Decimal | None] = []
    descontos: list[Decimal] = []
    descontos_alcada: list[Decimal] = []
    liquido_itens = ZERO
    desconto_pedido = pedido.desconto_percentual
    um = Decimal(1)
    for item in ativos:
        fator = fatores.get(item.id) or um
        lista = precos.get(item.produto_id)
        if lista is None:
            lista_venda = None
        elif fator == um:
            lista_venda = arredondar(lista, CASAS_PRECO)
        else:
            lista_venda = arredondar(lista * fator, CASAS_PRECO)
        listas.append(lista_venda)
        base = item.novo_preco if item.novo_preco is not None else (lista_venda or ZERO)
        if item.acrescimo_percentual:
            base = base * (1 + item.acrescimo_percentual / CEM)
        preco = item.preco_unitario = arredondar(base, CASAS_PRECO)
        v_prod = arredondar(item.quantidade * preco)
        desconto = arredondar(v_prod * item.desconto_percentual / CEM)
        liquido_itens += v_prod - desconto
        custo = custos.get(item.produto_id)
        efetivo = _desconto_efetivo(item, lista_venda, desconto_pedido)
        descontos.append(efetivo)
        promocao = promocoes.get(item.promocao_id) if item.promocao_id else None
        descontos_alcada.append(
            efetivo
            if promocao is None
            else _desconto_alcada(item, promocao, lista_venda, fator, desconto_pedido)
        )
        entradas.append(
            fetch.ItemPedido(
                produto=item.produto,
                quantidade=item.quantidade,
                preco_unitario=preco,
                desconto_item=desconto,
                custo_unitario=arredondar(custo * fator) if custo is not None else None,
                custo_financeiro=arredondar((v_prod - desconto) * financeiro / CEM),
                percentual_desconto=efetivo,
            )
        )
    desconto_cabecalho = arredondar(liquido_itens * pedido.desconto_percentual / CEM)
    cobra_frete = pedido.tipo_frete is None or pedido.tipo_frete.cobra_no_pedido
    montagem = fetch.montar_pedido(
        contexto,
        entradas,
        desconto_cabecalho=desconto_cabecalho,
        frete_cabecalho=pedido.valor_frete if cobra_frete else ZERO,
        chave_rateio_frete=pedido.chave_rateio_frete,
        faixa_margem_bruta=faixas[0],
        faixa_margem_contribuicao=faixas[1],
        carregar=(TipoMatriz.ALCADA,),
    )
    return montagem, listas, descontos, descontos_alcada


def _desconto_alcada(
    item: ItemPedido,
    promocao: Promocao,
    lista_venda: Decimal | None,
    fator: Decimal,
    desconto_pedido: Decimal,
) -> Decimal:
    """The discount an item added under a promotion that still holds asks the alçada for:
    measured from the promotional price (the promotion's price in the sale unit, or the list
    price less the promotion's %), so the promotion itself needs nobody's approval and only
    what the rep gave beyond it does. (Commission bands still see the discount from the list.)"""
    if promocao.preco is not None:
        referencia: Decimal | None = arredondar(promocao.preco * fator, CASAS_PRECO)
    elif promocao.percentual_desconto is not None and lista_venda is not None:
        referencia = lista_venda * (1 - promocao.percentual_desconto / CEM)
    else:
        referencia = lista_venda
    return _desconto_efetivo(item, referencia, desconto_pedido)


def _promocoes_do_pedido(pedido: Pedido, ativos: list[ItemPedido]) -> dict[int, Promocao]:
    """The promotions the items were added under that still hold for this order (its date and
    price table: `selectors.promocoes_vigentes`, the promotions panel's own rule) and are of
    the item's product. One query, only when some item has a promotion."""
    ids = {i.promocao_id for i in ativos if i.promocao_id}
    if not ids:
        return {}
    from vendas.selectors import promocoes_vigentes

    validas = {p.pk: p for p in promocoes_vigentes(pedido).filter(pk__in=ids)}
    return {
        i.promocao_id: validas[i.promocao_id]
        for i in ativos
        if i.promocao_id in validas and validas[i.promocao_id].produto_id == i.produto_id
    }


def _verificacoes_do_item(
    pedido: Pedido,
    item: ItemPedido,
    fator: Decimal | None,
    estoque: Decimal | None,
    programados: Sequence[tuple[dt.date, Decimal]],
    tem_preco: bool,
    hoje: dt.date,
    armazem: str,
) -> list[dict[str, Any]]:
    """The order's own checks (catalogue, stock, dates, lot): the engine knows none of them.
    `armazem`: the order's warehouse as the messages name it."""
    produto = item.produto
    problemas: list[dict[str, Any]] = []
    rotulo = f"Item {item.sequencia} ({produto.codigo})"
    if not produto.ativo:
        problemas.append(_problema("bloqueado", f"{rotulo}: produto inativo.", item=item))
    elif produto.bloqueado:
        problemas.append(
            _problema(
                "bloqueado", f"{rotulo}: produto bloqueado — {produto.motivo_bloqueio}.", item=item
            )
        )
    if not tem_preco:
        problemas.append(
            _problema(
                "sem_preco",
                f"{rotulo}: sem preço de lista vigente em {date_format(pedido.data, 'd/m/Y')} "
                "para este cliente ou tabela; informe um novo preço.",
                item=item,
            )
        )
    necessario = item.quantidade * (fator or Decimal(1))
    data_minima = pedido.data + dt.timedelta(days=produto.prazo_entrega_dias)
    if not pedido.armazem_id:
        problemas.append(
            _problema("sem_estoque", f"{rotulo}: o pedido não tem armazém.", item=item)
        )
    elif estoque is None:
        problemas.append(
            _problema(
                "sem_estoque", f"{rotulo}: o produto não existe no armazém {armazem}.", item=item
            )
        )
    elif estoque < necessario:
        entrada = None
        if produto.regra_data_promessa in (RegraDataPromessa.ESTOQUE, RegraDataPromessa.PROGRAMADO):
            acumulado = estoque
            for data, quantidade in programados:
                acumulado += quantidade
                if acumulado >= necessario:
                    entrada = data
                    break
        if entrada is None:
            problemas.append(
                _problema(
                    "sem_estoque",
                    f"{rotulo}: estoque disponível {qtd_br(estoque)} {produto.unidade} no armazém "
                    f"{armazem}, pedido {qtd_br(necessario)} {produto.unidade}.",
                    item=item,
                )
            )
        else:
            data_minima = max(data_minima, entrada)
    if produto.prazo_entrega_dias:
        problemas.append(
            _problema(
                "lead_time",
                f"{rotulo}: lead time de {produto.prazo_entrega_dias} dias; entrega a partir de "
                f"{date_format(data_minima, 'd/m/Y')}.",
                item=item,
            )
        )
    if item.data_promessa is not None:
        if item.data_promessa < hoje:
            problemas.append(
                _problema(
                    "programacao_vencida",
                    f"{rotulo}: a data programada {date_format(item.data_promessa, 'd/m/Y')} "
                    "já passou.",
                    item=item,
                )
            )
        elif item.data_promessa < data_minima:
            problemas.append(
                _problema(
                    "data_promessa",
                    f"{rotulo}: promessa em {date_format(item.data_promessa, 'd/m/Y')}, mas a "
                    f"entrega só é possível a partir de {date_format(data_minima, 'd/m/Y')}.",
                    item=item,
                )
            )
    elif produto.regra_data_promessa == RegraDataPromessa.SOB_CONSULTA:
        problemas.append(
            _problema(
                "data_promessa",
                f"{rotulo}: data de promessa sob consulta; informe a data combinada.",
                item=item,
            )
        )
    lote = item.lote
    if lote is not None:
        if lote.produto_id != item.produto_id or lote.armazem_id != pedido.armazem_id:
            problemas.append(
                _problema(
                    "lote",
                    f"{rotulo}: lote {lote.numero} não está no armazém {armazem}.",
                    item=item,
                )
            )
        elif lote.quantidade < necessario:
            problemas.append(
                _problema(
                    "lote",
                    f"{rotulo}: lote {lote.numero} tem {qtd_br(lote.quantidade)}, pedido "
                    f"{qtd_br(necessario)}.",
                    item=item,
                )
            )
        elif lote.vencido_em(pedido.data):
            problemas.append(
                _problema(
                    "lote",
                    f"{rotulo}: lote {lote.numero} vencido em "
                    f"{date_format(lote.validade, 'd/m/Y')}.",
                    item=item,
                )
            )
    return problemas


def quantidades_por_produto(itens: Iterable[ItemPedido]) -> dict[int, Decimal]:
    """Active items' quantities in each product's own unit (quantity × conversion factor),
    summed by product: what stock and quotas are measured in."""
    total: dict[int, Decimal] = defaultdict(Decimal)
    for item in itens:
        if item.status == StatusItem.ATIVO:
            total[item.produto_id] += item.quantidade * (item.fator or Decimal(1))
    return dict(total)


def _verificar_cotas(ativos: list[ItemPedido], cotas: dict[int, Decimal]) -> None:
    """Seed "Cotas": a product under quota may not be ordered beyond the balance of the
    tightest quota of the order's rep/client. The order's items of that product add up (two
    lines of the same product share the balance); each of them gets the problem."""
    if not cotas:
        return
    pedidas = quantidades_por_produto(ativos)
    for item in ativos:
        saldo = cotas.get(item.produto_id)
        if saldo is None or pedidas[item.produto_id] <= saldo:
            continue
        produto = item.produto
        item.problemas.append(
            _problema(
                "cota",
                f"Item {item.sequencia} ({produto.codigo}): cota do produto com saldo de "
                f"{qtd_br(max(saldo, Decimal(0)))} {produto.unidade}; o pedido soma "
                f"{qtd_br(pedidas[item.produto_id])} {produto.unidade}.",
                item=item,
            )
        )


def programacao_diverge(
    quantidade: Decimal, soma: Decimal, primeira: dt.date, hoje: dt.date
) -> tuple[bool, bool]:
    """THE rule of an item's date schedule, for the closing tab (below) and the schedule tab
    (`services.programacao.divergencias`): (its parts no longer add up to the item's quantity,
    its earliest part is due on a date already gone)."""
    return soma != quantidade, primeira < hoje


def _verificar_programacoes(pedido: Pedido, ativos: list[ItemPedido], hoje: dt.date) -> None:
    """Seed "Programação de datas": an item split across dates must be split in full (the
    parts are checked when saved, but changing the item's quantity afterwards leaves them
    short or over), and no part may be due on a date already gone ("Programação vencida")."""
    if not ativos:
        return
    partes = {
        item_id: (soma, primeira)
        for item_id, soma, primeira in ProgramacaoItem.objects.filter(item__pedido_id=pedido.pk)
        .values_list("item_id")
        .annotate(soma=Sum("quantidade"), primeira=Min("data"))
        .values_list("item_id", "soma", "primeira")
    }
    for item in ativos:
        if item.id not in partes:
            continue
        soma, primeira = partes[item.id]
        rotulo = f"Item {item.sequencia} ({item.produto.codigo})"
        divergente, vencida = programacao_diverge(item.quantidade, soma, primeira, hoje)
        if divergente:
            item.problemas.append(
                _problema(
                    "programacao_divergente",
                    f"{rotulo}: a programação de datas soma {qtd_br(soma)}, o item tem "
                    f"{qtd_br(item.quantidade)}; refaça a programação.",
                    item=item,
                )
            )
        if vencida:
            item.problemas.append(
                _problema(
                    "programacao_vencida",
                    f"{rotulo}: a programação de datas tem entrega em "
                    f"{date_format(primeira, 'd/m/Y')}, que já passou.",
                    item=item,
                )
            )


def _alcadas(
    contexto: fetch.Contexto,
    ativos: list[ItemPedido],
    descontos: list[Decimal],
    regras: Sequence[Regra],
) -> tuple[list[fetch.Resposta], list[dict[str, Any]]]:
    """The alçada band of each item's effective discount, answered from `regras` (loaded with
    the other matrices' by `montar_pedido(carregar=…)`: no query of its own). Items of the
    same product with the same discount ask the same question: asked once."""
    chaves_ctx, rotulos_ctx = contexto.chaves()
    do_produto: dict[int, tuple[dict[str, Any], dict[str, str]]] = {}
    unicas: dict[tuple[int, Decimal], fetch.Pergunta] = {}
    chaves_itens = []
    for item, desconto in zip(ativos, descontos, strict=True):
        chave = (item.produto_id, desconto)
        chaves_itens.append(chave)
        if chave not in unicas:
            if item.produto_id not in do_produto:
                chaves_prod, rotulos_prod = fetch.chaves_do_produto(item.produto)
                do_produto[item.produto_id] = (
                    {**chaves_ctx, **chaves_prod},
                    {**rotulos_ctx, **rotulos_prod},
                )
            chaves, rotulos = do_produto[item.produto_id]
            unicas[chave] = fetch.Pergunta(
                matriz=TipoMatriz.ALCADA,
                data=contexto.data,
                chaves=chaves,
                rotulos=rotulos,
                percentual=desconto,
            )
    perguntas = list(unicas.values())
    resolvidas = fetch.resolver(perguntas, regras) if perguntas else []
    por_pergunta = dict(zip(unicas, resolvidas, strict=True))
    respostas = [por_pergunta[chave] for chave in chaves_itens]
    problemas: list[dict[str, Any]] = []
    for item, resposta in zip(ativos, respostas, strict=True):
        if resposta.regra is not None:  # answered: skip building a message nobody reads
            continue
        problema = resposta.problema(item=item.sequencia)
        if problema is not None:
            problemas.append(
                _problema(
                    "matriz_empate" if problema.codigo == "matriz_empate" else "matriz",
                    problema.mensagem,
                    item=item,
                    matriz=problema.matriz,
                    chaves=dict(problema.chaves),
                )
            )
    return respostas, problemas


def _instancias(
    modelo: type[Model], linhas: Iterable[tuple[Any, ...]], attnames: Sequence[str]
) -> list[Any]:
    """Model instances from rows of values already converted as Django would (`_colunas`),
    built without `Model.__init__`: a 70-column item costs ~25 µs through `__init__` (one
    descriptor `__set__` per field) and ~2 µs here. Only for models nobody listens
    `pre_init`/`post_init` on (checked by the caller): the instance is otherwise the one
    `from_db` builds (not adding, this connection's alias)."""
    novo = modelo.__new__
    saida = []
    for linha in linhas:
        obj = novo(modelo)
        obj.__dict__.update(zip(attnames, linha, strict=True))
        estado = obj._state = ModelState()
        estado.adding = False
        estado.db = connection.alias
        saida.append(obj)
    return saida


def _attnames(modelo: type[Model]) -> list[str]:
    return [f.attname for f in modelo._meta.concrete_fields]


def _sem_sinais_de_init(*modelos: type[Model]) -> bool:
    return not any(
        signals.pre_init.has_listeners(m) or signals.post_init.has_listeners(m) for m in modelos
    )


def _colunas(qs: QuerySet[Any], campos: Sequence[Field]) -> list[Sequence[Any]]:
    """The columns of `qs.values_list(<campos>)` (model fields, in that order), with the values
    Django would give: one `fetchall`, then each field's converters (JSON: `json.loads`)
    applied column by column. Django's per-row loop (a list per row, every converter looked up
    per row, 100-row chunks) cost ~4 ms of CPU for the 500 rows × 80 columns of the bench
    order; reading the columns directly, ~1 ms."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        linhas = cursor.fetchall()
    if not linhas:
        return [() for _campo in campos]
    colunas: list[Sequence[Any]] = list(zip(*linhas, strict=True))
    for posicao, campo in enumerate(campos):
        expressao = campo.get_col(campo.model._meta.db_table)
        conversores = [
            *connection.ops.get_db_converters(expressao),
            *campo.get_db_converters(connection),
        ]
        for conversor in conversores:
            colunas[posicao] = [conversor(v, expressao, connection) for v in colunas[posicao]]
    return colunas


def _itens_do_pedido(pedido: Pedido) -> list[ItemPedido]:
    """The order's items with their lot and cancellation reason (one query, a LEFT JOIN as
    `select_related` would do), built as `_instancias`."""
    qs = ItemPedido.objects.filter(pedido_id=pedido.pk).order_by("sequencia")
    campo_lote = ItemPedido._meta.get_field("lote")
    campo_motivo = ItemPedido._meta.get_field("motivo_cancelamento")
    Lote = campo_lote.related_model
    Motivo = campo_motivo.related_model
    if not _sem_sinais_de_init(ItemPedido, Lote, Motivo):
        return list(qs.select_related("lote", "motivo_cancelamento"))
    campos = {
        "": ItemPedido._meta.concrete_fields,
        "lote__": Lote._meta.concrete_fields,
        "motivo_cancelamento__": Motivo._meta.concrete_fields,
    }
    colunas = _colunas(
        qs.values_list(*(f"{prefixo}{c.attname}" for prefixo, cs in campos.items() for c in cs)),
        [c for cs in campos.values() for c in cs],
    )
    a, b = len(campos[""]), len(campos[""]) + len(campos["lote__"])
    nomes = [c.attname for c in campos[""]]
    itens = _instancias(ItemPedido, zip(*colunas[:a], strict=True), nomes)
    lotes = _relacionados(Lote, colunas[a:b])
    motivos = _relacionados(Motivo, colunas[b:])
    for item in itens:
        cache = item._state.fields_cache
        cache[campo_lote.cache_name] = lotes.get(item.lote_id)
        cache[campo_motivo.cache_name] = motivos.get(item.motivo_cancelamento_id)
    return itens


def _relacionados(modelo: type[Model], colunas: list[Sequence[Any]]) -> dict[Any, Model]:
    """The distinct rows of a LEFT JOINed model (`colunas`, its concrete fields in order, the
    primary key first; None where the item has none) as instances by primary key."""
    nomes = _attnames(modelo)
    assert nomes[0] == modelo._meta.pk.attname
    linhas = {linha[0]: linha for linha in zip(*colunas, strict=True) if linha[0] is not None}
    return dict(zip(linhas, _instancias(modelo, linhas.values(), nomes), strict=True))


def carregar_itens(pedido: Pedido) -> list[ItemPedido]:
    """The order's items with their products (+ unit, line), units, lots and cancellation
    reasons, in three queries whatever the number of items. An order repeats products (500
    items of 50 products): each product and unit is built once and shared by its items,
    instead of one copy per row as a `select_related` join would build (≈ 4× fewer model
    instances for the bench order)."""
    return _carregar(pedido)[0]


def _carregar(pedido: Pedido) -> tuple[list[ItemPedido], _DoProduto]:
    """`carregar_itens` and what the calculation reads of each product (`_produtos`)."""
    itens = _itens_do_pedido(pedido)
    if not itens:
        return itens, _DoProduto(precos={}, custos={}, estoques={}, programados={})
    produtos, dados = _produtos(pedido, {i.produto_id for i in itens})
    unidades = {p.unidade_id: p.unidade for p in produtos.values()}
    faltam = {i.unidade_id for i in itens if i.unidade_id and i.unidade_id not in unidades}
    if faltam:
        unidades.update((u.pk, u) for u in Unidade.objects.filter(pk__in=faltam))
    nome_produto = ItemPedido._meta.get_field("produto").cache_name
    nome_unidade = ItemPedido._meta.get_field("unidade").cache_name
    for item in itens:
        cache = item._state.fields_cache
        cache[nome_produto] = produtos[item.produto_id]
        cache[nome_unidade] = unidades.get(item.unidade_id) if item.unidade_id else None
    return itens, dados


def recalcular(pedido: Pedido) -> Calculo:
    """Recalculate and store every item and the totals of `pedido` (already locked by the caller,
    loaded with `cliente__tipo_cliente`, `empresa`, `representante`, `condicao_pagamento`,
    `tipo_frete`, `natureza_operacao`, `armazem`).

    Queries, the same for 5 or 500 items: items with their lots and cancellation reasons (1),
    their products with list prices, costs, stock and scheduled stock (1, `_produtos`) and sale
    units (1, only when some item is sold in a unit other than its product's), margin
    parameters (1), matrix rules, the alçada's included (1) + conversion factors (1, only when
    some item is sold in another unit), the items' date-scheduling sums (1), items update (1,
    only when some item's results changed), order update (1); quota balances come with the
    products. A unit change found by the matrices (the sale-unit price depends on the factor)
    repeats the rules query once.
    """
    # The calculation allocates tens of thousands of short-lived objects for 500 items; with
    # the cyclic garbage collector on they trigger ~13 young collections and one full one
    # (every tracked object of the process, ~100.000 in a Django worker) per recalculation:
    # ~20 % of its CPU time (measured, bench/pedido.py). Nothing here needs a cycle collected
    # before it ends.
    with sem_coleta_de_ciclos():
        return _recalcular(pedido)


def _recalcular(pedido: Pedido) -> Calculo:
    itens, dados = _carregar(pedido)
    ativos = [i for i in itens if i.status == StatusItem.ATIVO]
    estado = _leitor_de_estado()
    antes = list(map(estado, ativos))
    precos, custos = dados.precos, dados.custos
    estoques, programados = dados.estoques, dados.programados
    faixas = _faixas(pedido)
    contexto = contexto_do_pedido(pedido)

    fatores = {i.id: i.fator for i in ativos if i.fator is not None}
    promocoes = _promocoes_do_pedido(pedido, ativos)
    montagem, listas, descontos, descontos_alcada = _montar(
        pedido, contexto, ativos, precos, custos, fatores, faixas, promocoes
    )
    novos = {
        i.id: e.fator_conversao
        for i, e in zip(ativos, montagem.entrada.itens, strict=True)
        if e.fator_conversao is not None
    }
    um = Decimal(1)
    if any((novos.get(i.id) or um) != (fatores.get(i.id) or um) for i in ativos):
        montagem, listas, descontos, descontos_alcada = _montar(
            pedido, contexto, ativos, precos, custos, novos, faixas, promocoes
        )
    resultado = fetch.calcular(montagem) if ativos else None

    alcadas, problemas_alcada = _alcadas(contexto, ativos, descontos_alcada, montagem.regras)
    hoje = timezone.localdate()
    por_numero = dict(enumerate(ativos, start=1))
    problemas_pedido: list[dict[str, Any]] = []
    if not pedido.uf_destino:
        problemas_pedido.append(
            _problema(
                "endereco",
                "O cliente não tem endereço: a UF de destino foi assumida igual à da empresa. "
                "Cadastre o endereço do cliente.",
            )
        )
    if pedido.copia_de_id and pedido.copia_conferida_em is None:
        problemas_pedido.append(
            _problema(
                "copia_nao_conferida",
                "Cópia de outro pedido: confira o comparativo (preços, estoque, promoções e "
                "matrizes mudaram desde o original?) e confirme antes de enviar.",
            )
        )
    if resultado is None:
        problemas_pedido.append(_problema("pedido_vazio", "O pedido não tem itens ativos."))
    else:
        problemas_pedido.extend(
            _do_motor(p, por_numero) for p in resultado.problemas if p.item is None
        )

    nivel_pedido: int | None = None
    papel_pedido = ""
    alcada_por_item: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in problemas_alcada:
        alcada_por_item[p["item_id"]].append(p)
    campo_unidade = ItemPedido._meta.get_field("unidade").cache_name
    armazem = str(pedido.armazem) if pedido.armazem_id else "—"
    resultados = resultado.itens if resultado else [None] * len(ativos)
    for item, r, e, respostas, lista, desconto, desconto_alcada, alcada_resposta in zip(
        ativos,
        resultados,
        montagem.entrada.itens,
        montagem.respostas_itens,
        listas,
        descontos,
        descontos_alcada,
        alcadas,
        strict=True,
    ):
        produto = item.produto
        regra_unidade = respostas[TipoMatriz.UNIDADE_PRODUTO].regra
        unidade = (
            regra_unidade.unidade_venda if regra_unidade and regra_unidade.unidade_venda else None
        ) or produto.unidade
        # What `item.unidade = unidade` does, without the descriptor's checks (same model).
        item.unidade_id = unidade.pk if unidade is not None else None
        item._state.fields_cache[campo_unidade] = unidade
        item.fator = e.fator_conversao
        item.multiplo = e.multiplo
        item.preco_lista = lista
        item.custo_unitario = e.custo_unitario
        item.percentual_comissao = e.percentual_comissao
        item.percentual_desconto_efetivo = desconto.quantize(CASAS_PERCENTUAL)
        item.percentual_desconto_alcada = desconto_alcada.quantize(CASAS_PERCENTUAL)
        alcada = alcada_resposta.regra
        item.nivel_alcada = alcada.nivel_alcada if alcada else None
        item.papel_aprovador = (alcada.papel_aprovador or "") if alcada else ""
        if item.nivel_alcada is not None and (
            nivel_pedido is None or item.nivel_alcada > nivel_pedido
        ):
            nivel_pedido, papel_pedido = item.nivel_alcada, item.papel_aprovador
        estoque = estoques.get(item.produto_id)
        item.estoque_disponivel = estoque
        if r is not None:
            item.v_prod = r.v_prod
            item.v_desc = r.v_desc
            item.v_frete = r.v_frete
            item.bc_ipi = r.bc_ipi
            item.v_ipi = r.v_ipi
            item.bc_icms = r.bc_icms
            item.v_icms = r.v_icms
            item.bc_st = r.bc_st
            item.v_st = r.v_st
            item.v_fcp = r.v_fcp
            item.v_difal = r.v_difal
            item.bc_pis = r.bc_pis
            item.v_pis = r.v_pis
            item.bc_cofins = r.bc_cofins
            item.v_cofins = r.v_cofins
            item.total = r.total
            item.aliq_icms = r.aliq_icms
            m = r.margens
            item.margem_bruta = m.mb if m else None
            item.margem_contribuicao = m.mc if m else None
            item.percentual_mb = (
                m.percentual_mb.quantize(CASAS_PERCENTUAL)
                if m and m.percentual_mb is not None
                else None
            )
            item.percentual_mc = (
                m.percentual_mc.quantize(CASAS_PERCENTUAL)
                if m and m.percentual_mc is not None
                else None
            )
        problemas = [_do_motor(p, por_numero) for p in r.problemas] if r and r.problemas else []
        if item.id in alcada_por_item:
            problemas.extend(alcada_por_item[item.id])
        problemas.extend(
            _verificacoes_do_item(
                pedido,
                item,
                e.fator_conversao,
                estoque,
                programados.get(item.produto_id, ()),
                lista is not None or item.novo_preco is not None,
                hoje,
                armazem,
            )
        )
        item.problemas = problemas
    _verificar_cotas(ativos, dados.cotas)
    _verificar_programacoes(pedido, ativos, hoje)

    # Only the items whose results changed are written: adding one item to a 200-item order
    # writes that item (and those a header apportionment moved), not the 200.
    mudaram = [i for i, e in zip(ativos, antes, strict=True) if estado(i) != e]
    if mudaram:
        gravar_itens(mudaram)

    todos = problemas_pedido + [p for i in ativos for p in i.problemas]
    if resultado is not None:
        for campo in (
            "v_prod", "v_desc", "v_frete", "v_ipi", "v_icms", "v_st", "v_fcp", "v_difal", "v_pis",
            "v_cofins", "v_nf",
        ):  # fmt: skip
            setattr(pedido, campo, getattr(resultado, campo))
        m = resultado.margens
    else:
        for campo in ("v_prod", "v_desc", "v_frete", "v_ipi", "v_icms", "v_st", "v_fcp",
                      "v_difal", "v_pis", "v_cofins", "v_nf"):  # fmt: skip
            setattr(pedido, campo, ZERO)
        m = None
    pedido.margem_bruta = m.mb if m else None
    pedido.margem_contribuicao = m.mc if m else None
    pedido.percentual_mb = (
        m.percentual_mb.quantize(CASAS_PERCENTUAL) if m and m.percentual_mb is not None else None
    )
    pedido.percentual_mc = (
        m.percentual_mc.quantize(CASAS_PERCENTUAL) if m and m.percentual_mc is not None else None
    )
    pedido.problemas = todos
    pedido.tem_bloqueio = any(p["bloqueia"] for p in todos)
    pedido.nivel_alcada = nivel_pedido
    pedido.papel_aprovador = papel_pedido
    pedido.recalculado_em = timezone.now()
    pedido.save(update_fields=[*CAMPOS_CALCULADOS_PEDIDO, "atualizado_em"])
    return Calculo(
        pedido=pedido,
        itens=itens,
        resultado=resultado,
        mudaram=frozenset(i.id for i in mudaram),
    )
