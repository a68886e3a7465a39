"""Order recalculation: database → matrizes.fetch → engine → problems of the closing tab.

`recalcular(pedido)` is the ONE calculation of an order. It is called by every service that
changes an order (vendas/services/) with the order row already locked. It runs a FIXED number
of queries whatever the number of items (the queries are listed in `recalcular`'s docstring and
held by tests/vendas/test_calculo.py for 5 and 500 items), writes every item back with ONE
one UPDATE … FROM (VALUES …) (`gravar_itens`) and the totals with one UPDATE.

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
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format

from cadastro.constants import IndicadorIE
from cadastro.models import Cliente
from contas.models import Parametro
from crm.money import arredondar
from matrizes import fetch
from matrizes.constants import TipoMatriz
from matrizes.engine import Intervalo, PedidoResultado, Problema
from produtos.constants import RegraDataPromessa
from produtos.models import Custo, Estoque, EstoqueProgramado, PrecoLista, Produto, Unidade
from vendas.constants import PRECO_DECIMAL_PLACES, StatusItem, tipo_problema
from vendas.models import ItemPedido, Pedido

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
    "percentual_comissao", "percentual_desconto_efetivo", "nivel_alcada", "papel_aprovador",
    "estoque_disponivel", "problemas",
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


def _qtd(valor: Decimal) -> str:
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
            f"{_qtd(item.quantidade)} não é múltiplo de {_qtd(Decimal(p.chaves['multiplo']))}; "
            f"próxima quantidade válida: {_qtd(Decimal(p.chaves['sugerida']))}."
        )
    elif item is not None and p.item is not None and p.item != item.sequencia:
        # The engine numbers the active items 1..n; the screen shows the item's own sequence.
        mensagem = mensagem.replace(f"Item {p.item}:", f"Item {item.sequencia}:", 1)
    return _problema(codigo, mensagem, item=item, matriz=p.matriz, chaves=dict(p.chaves))


# --- loading (one query each, whatever the number of items) --------------------------------


def _precos(pedido: Pedido, produto_ids: list[int]) -> dict[int, Decimal]:
    """List price per product: the client's own price wins over the sales table's."""
    if not produto_ids:
        return {}
    filtro = Q(cliente_id=pedido.cliente_id)
    if pedido.tabela_venda_id:
        filtro |= Q(tabela_id=pedido.tabela_venda_id)
    linhas = (
        PrecoLista.objects.filter(filtro, produto_id__in=produto_ids)
        .vigentes_em(pedido.data)
        .values_list("produto_id", "cliente_id", "preco")
    )
    por_tabela: dict[int, Decimal] = {}
    por_cliente: dict[int, Decimal] = {}
    for produto_id, cliente_id, preco in linhas:
        (por_cliente if cliente_id else por_tabela)[produto_id] = preco
    return {**por_tabela, **por_cliente}


def _custos(produto_ids: list[int], data: dt.date) -> dict[int, Decimal]:
    """Latest cost up to the order's date (DISTINCT ON produto)."""
    if not produto_ids:
        return {}
    linhas = (
        Custo.objects.filter(produto_id__in=produto_ids, data__lte=data)
        .order_by("produto_id", "-data")
        .distinct("produto_id")
        .values_list("produto_id", "custo")
    )
    return dict(linhas)


def _estoques(pedido: Pedido, produto_ids: list[int]) -> dict[int, Decimal]:
    """Available stock (quantity − reserved) in the order's warehouse, in the product's unit."""
    if not produto_ids or not pedido.armazem_id:
        return {}
    linhas = Estoque.objects.filter(
        produto_id__in=produto_ids, armazem_id=pedido.armazem_id
    ).values_list("produto_id", "unidade_id", "produto__unidade_id", "quantidade", "reservado")
    saida: dict[int, Decimal] = {}
    for produto_id, unidade_id, unidade_produto, quantidade, reservado in linhas:
        if unidade_id == unidade_produto:
            saida[produto_id] = quantidade - reservado
    return saida


def _programados(
    pedido: Pedido, produto_ids: list[int]
) -> dict[int, list[tuple[dt.date, Decimal]]]:
    if not produto_ids or not pedido.armazem_id:
        return {}
    saida: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for produto_id, data, quantidade in (
        EstoqueProgramado.objects.filter(
            produto_id__in=produto_ids,
            armazem_id=pedido.armazem_id,
            data_prevista__gte=pedido.data,
        )
        .order_by("data_prevista")
        .values_list("produto_id", "data_prevista", "quantidade")
    ):
        saida[produto_id].append((data, quantidade))
    return saida


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
    if tipo == "jsonb":
        return "text"  # sent as JSON text, cast back per row in SET
    return tipo


def _colunas_gravacao() -> list[tuple[str, str, str, bool]]:
    """(attname, column, array type, is json) of the computed columns, resolved once."""
    colunas = []
    for nome in CAMPOS_CALCULADOS_ITEM:
        campo = ItemPedido._meta.get_field(nome)
        colunas.append(
            (
                campo.attname,
                campo.column,
                _tipo_array(campo),
                campo.get_internal_type() == "JSONField",
            )
        )
    return colunas


_COLUNAS: list[tuple[str, str, str, bool]] = []


def gravar_itens(itens: list[ItemPedido]) -> None:
    """Write the computed fields of `itens` in ONE statement whatever their number:
    `UPDATE … SET c = v.c … FROM unnest(%s::bigint[], %s::numeric[], …) v WHERE t.id = v.id`.

    One array parameter per column. Django's bulk_update builds one `CASE WHEN id = …` per
    column (~16.000 branches per row for 33 columns × 500 rows: 9 s measured), and a VALUES
    list with one placeholder per value costs psycopg a client-side parse of 17.000 `%s` and
    Django a `get_db_prep_save` per value (≈ 0,8 s of CPU for 500 items, profiled). Values are
    already of the column's scale (the calculation rounds them); Postgres casts each array
    element to the column's type on assignment.
    """
    if not itens:
        return
    if not _COLUNAS:
        _COLUNAS.extend(_colunas_gravacao())
    q = connection.ops.quote_name
    parametros: list[list[Any]] = [[item.pk for item in itens]]
    for attname, _coluna, _tipo, json_ in _COLUNAS:
        if json_:
            parametros.append([json.dumps(getattr(item, attname)) for item in itens])
        else:
            parametros.append([getattr(item, attname) for item in itens])
    tipos = ["bigint", *(tipo for _a, _c, tipo, _j in _COLUNAS)]
    nomes = ", ".join(q(c) for c in ("id", *(c for _a, c, _t, _j in _COLUNAS)))
    atribuicoes = ", ".join(
        f"{q(c)} = v.{q(c)}::jsonb" if json_ else f"{q(c)} = v.{q(c)}"
        for _a, c, _t, json_ in _COLUNAS
    )
    arrays = ", ".join(f"%s::{tipo}[]" for tipo in tipos)
    tabela = q(ItemPedido._meta.db_table)
    # Identifiers come from the model's metadata (quoted); every value is a bound parameter.
    sql = f"UPDATE {tabela} AS t SET {atribuicoes} FROM unnest({arrays}) AS v({nomes}) WHERE t.id = v.id"  # noqa: S608, E501
    with connection.cursor() as cursor:
        cursor.execute(sql, parametros)


def _estado(item: ItemPedido) -> tuple[Any, ...]:
    """The stored results of an item, to tell whether a recalculation changed them."""
    if not _ESTADO:
        if not _COLUNAS:
            _COLUNAS.extend(_colunas_gravacao())
        _ESTADO.append(operator.attrgetter(*(attname for attname, _c, _t, _j in _COLUNAS)))
    return _ESTADO[0](item)


_ESTADO: list[Callable[[ItemPedido], tuple[Any, ...]]] = []


# --- the calculation ---------------------------------------------------------------------


def contexto_do_pedido(pedido: Pedido) -> fetch.Contexto:
    cliente = pedido.cliente
    return fetch.Contexto(
        data=pedido.data,
        empresa=pedido.empresa,
        uf_destino=pedido.uf_destino or pedido.empresa.uf,
        contribuinte=cliente.contribuinte_icms,
        consumidor_final=consumidor_final(cliente),
        tipo_cliente=cliente.tipo_cliente,
        cliente=cliente,
        representante=pedido.representante,
        condicao_pagamento=pedido.condicao_pagamento.codigo if pedido.condicao_pagamento else None,
        cfop=pedido.natureza_operacao.cfop if pedido.natureza_operacao else None,
    )


def consumidor_final(cliente: Cliente) -> bool:
    """indFinal of the NF-e from the client record. A non-contributor (indIEDest = 9) is always
    a final consumer: SEFAZ refuses an NF-e with indIEDest = 9 and indFinal = 0 (rejeição 696,
    "Operação com não contribuinte deve indicar operação com consumidor final"), so a record
    saying otherwise cannot change the taxes."""
    if cliente.indicador_ie == IndicadorIE.NAO_CONTRIBUINTE:
        return True
    return cliente.consumidor_final


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
) -> tuple[fetch.Montagem, dict[int, Decimal | None]]:
    """Prices in the sale unit (× fator) → fetch.montar_pedido. Returns the montagem and the
    list price per item (sale unit) used."""
    financeiro = (
        pedido.condicao_pagamento.percentual_custo_financeiro
        if pedido.condicao_pagamento
        else Decimal(0)
    )
    entradas: list[fetch.ItemPedido] = []
    listas: dict[int, Decimal | None] = {}
    desconto_total_itens = ZERO
    liquido_itens = ZERO
    for item in ativos:
        fator = fatores.get(item.pk) or Decimal(1)
        lista = precos.get(item.produto_id)
        lista_venda = arredondar(lista * fator, CASAS_PRECO) if lista is not None else None
        listas[item.pk] = lista_venda
        base = item.novo_preco if item.novo_preco is not None else (lista_venda or ZERO)
        item.preco_unitario = arredondar(base * (1 + item.acrescimo_percentual / CEM), CASAS_PRECO)
        v_prod = arredondar(item.quantidade * item.preco_unitario)
        desconto = arredondar(v_prod * item.desconto_percentual / CEM)
        desconto_total_itens += desconto
        liquido_itens += v_prod - desconto
        custo = custos.get(item.produto_id)
        entradas.append(
            fetch.ItemPedido(
                produto=item.produto,
                quantidade=item.quantidade,
                preco_unitario=item.preco_unitario,
                desconto_item=desconto,
                custo_unitario=arredondar(custo * fator) if custo is not None else None,
                custo_financeiro=arredondar((v_prod - desconto) * financeiro / CEM),
                percentual_desconto=_desconto_efetivo(
                    item, lista_venda, pedido.desconto_percentual
                ),
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
    )
    return montagem, listas


def _verificacoes_do_item(
    pedido: Pedido,
    item: ItemPedido,
    fator: Decimal | None,
    estoque: Decimal | None,
    programados: list[tuple[dt.date, Decimal]],
    tem_preco: bool,
    hoje: dt.date,
) -> list[dict[str, Any]]:
    """The order's own checks (catalogue, stock, dates, lot): the engine knows none of them."""
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
    armazem = str(pedido.armazem) if pedido.armazem_id else "—"
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
                    f"{rotulo}: estoque disponível {_qtd(estoque)} {produto.unidade} no armazém "
                    f"{armazem}, pedido {_qtd(necessario)} {produto.unidade}.",
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
                    f"{rotulo}: lote {lote.numero} tem {_qtd(lote.quantidade)}, pedido "
                    f"{_qtd(necessario)}.",
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


def _alcadas(
    contexto: fetch.Contexto, ativos: list[ItemPedido], descontos: dict[int, Decimal]
) -> tuple[dict[int, fetch.Resposta], list[dict[str, Any]]]:
    """One more rules query: the alçada band of each item's effective discount. Items of the
    same product with the same discount ask the same question: asked once."""
    chaves_ctx, rotulos_ctx = contexto.chaves()
    unicas: dict[tuple[int, Decimal], fetch.Pergunta] = {}
    for item in ativos:
        chave = (item.produto_id, descontos[item.pk])
        if chave not in unicas:
            chaves_prod, rotulos_prod = fetch.chaves_do_produto(item.produto)
            unicas[chave] = fetch.Pergunta(
                matriz=TipoMatriz.ALCADA,
                data=contexto.data,
                chaves={**chaves_ctx, **chaves_prod},
                rotulos={**rotulos_ctx, **rotulos_prod},
                percentual=descontos[item.pk],
            )
    perguntas = list(unicas.values())
    resolvidas = fetch.resolver(perguntas, fetch.carregar_regras(perguntas)) if perguntas else []
    por_pergunta = dict(zip(unicas, resolvidas, strict=True))
    respostas = [por_pergunta[(i.produto_id, descontos[i.pk])] for i in ativos]
    por_item: dict[int, fetch.Resposta] = {}
    problemas: list[dict[str, Any]] = []
    for item, resposta in zip(ativos, respostas, strict=True):
        por_item[item.pk] = resposta
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
    return por_item, problemas


def carregar_itens(pedido: Pedido) -> list[ItemPedido]:
    """The order's items with their products (+ unit, line), units, lots and cancellation
    reasons, in three queries whatever the number of items. An order repeats products (500
    items of 50 products): each product and unit is built once and shared by its items,
    instead of one copy per row as a `select_related` join would build (≈ 4× fewer model
    instances for the bench order)."""
    itens = list(
        ItemPedido.objects.filter(pedido_id=pedido.pk)
        .select_related("lote", "motivo_cancelamento")
        .order_by("sequencia")
    )
    if not itens:
        return itens
    produtos = {
        p.pk: p
        for p in Produto.objects.filter(pk__in={i.produto_id for i in itens}).select_related(
            "unidade", "linha"
        )
    }
    unidades = {p.unidade_id: p.unidade for p in produtos.values()}
    faltam = {i.unidade_id for i in itens if i.unidade_id and i.unidade_id not in unidades}
    if faltam:
        unidades.update((u.pk, u) for u in Unidade.objects.filter(pk__in=faltam))
    campo_produto = ItemPedido._meta.get_field("produto")
    campo_unidade = ItemPedido._meta.get_field("unidade")
    for item in itens:
        campo_produto.set_cached_value(item, produtos[item.produto_id])
        campo_unidade.set_cached_value(
            item, unidades.get(item.unidade_id) if item.unidade_id else None
        )
    return itens


def recalcular(pedido: Pedido) -> Calculo:
    """Recalculate and store every item and the totals of `pedido` (already locked by the caller,
    loaded with `cliente__tipo_cliente`, `empresa`, `representante`, `condicao_pagamento`,
    `tipo_frete`, `natureza_operacao`, `armazem`).

    Queries, the same for 5 or 500 items: items (1), their products (1) and sale units (1,
    only when some item is sold in a unit other than its product's), list prices (1), costs (1),
    stock (1), scheduled stock (1), margin parameters (1), matrix rules (1) + conversion
    factors (1, only when some item is sold in another unit), alçada rules (1), items
    update (1), order update (1). A unit change found by the matrices (the sale-unit price
    depends on the factor) repeats the rules query once.
    """
    itens = carregar_itens(pedido)
    ativos = [i for i in itens if i.status == StatusItem.ATIVO]
    antes = {i.pk: _estado(i) for i in ativos}
    produto_ids = sorted({i.produto_id for i in ativos})
    precos = _precos(pedido, produto_ids)
    custos = _custos(produto_ids, pedido.data)
    estoques = _estoques(pedido, produto_ids)
    programados = _programados(pedido, produto_ids)
    faixas = _faixas(pedido)
    contexto = contexto_do_pedido(pedido)

    fatores = {i.pk: i.fator for i in ativos if i.fator is not None}
    montagem, listas = _montar(pedido, contexto, ativos, precos, custos, fatores, faixas)
    novos = {
        i.pk: e.fator_conversao
        for i, e in zip(ativos, montagem.entrada.itens, strict=True)
        if e.fator_conversao is not None
    }
    if any((novos.get(i.pk) or Decimal(1)) != (fatores.get(i.pk) or Decimal(1)) for i in ativos):
        montagem, listas = _montar(pedido, contexto, ativos, precos, custos, novos, faixas)
    resultado = fetch.calcular(montagem) if ativos else None

    descontos = {
        i.pk: _desconto_efetivo(i, listas[i.pk], pedido.desconto_percentual) for i in ativos
    }
    alcadas, problemas_alcada = _alcadas(contexto, ativos, descontos)
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
    for numero, item in enumerate(ativos, start=1):
        r = resultado.itens[numero - 1] if resultado else None
        e = montagem.entrada.itens[numero - 1]
        respostas = montagem.respostas_itens[numero - 1]
        regra_unidade = respostas[TipoMatriz.UNIDADE_PRODUTO].regra
        unidade = (
            regra_unidade.unidade_venda if regra_unidade and regra_unidade.unidade_venda else None
        )
        item.unidade = unidade or item.produto.unidade
        item.fator = e.fator_conversao
        item.multiplo = e.multiplo
        item.preco_lista = listas[item.pk]
        item.custo_unitario = e.custo_unitario
        item.percentual_comissao = e.percentual_comissao
        item.percentual_desconto_efetivo = descontos[item.pk].quantize(CASAS_PERCENTUAL)
        alcada = alcadas[item.pk].regra
        item.nivel_alcada = alcada.nivel_alcada if alcada else None
        item.papel_aprovador = (alcada.papel_aprovador or "") if alcada else ""
        if item.nivel_alcada is not None and (
            nivel_pedido is None or item.nivel_alcada > nivel_pedido
        ):
            nivel_pedido, papel_pedido = item.nivel_alcada, item.papel_aprovador
        item.estoque_disponivel = estoques.get(item.produto_id)
        if r is not None:
            for campo in (
                "v_prod", "v_desc", "v_frete", "bc_ipi", "v_ipi", "bc_icms", "v_icms", "bc_st",
                "v_st", "v_fcp", "v_difal", "bc_pis", "v_pis", "bc_cofins", "v_cofins", "total",
            ):  # fmt: skip
                setattr(item, campo, getattr(r, campo))
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
        problemas = [_do_motor(p, por_numero) for p in (r.problemas if r else ())]
        problemas.extend(p for p in problemas_alcada if p["item_id"] == item.pk)
        problemas.extend(
            _verificacoes_do_item(
                pedido,
                item,
                e.fator_conversao,
                estoques.get(item.produto_id),
                programados.get(item.produto_id, []),
                item.preco_lista is not None or item.novo_preco is not None,
                hoje,
            )
        )
        item.problemas = problemas

    # Only the items whose results changed are written: adding one item to a 200-item order
    # writes that item (and those a header apportionment moved), not the 200.
    mudaram = [i for i in ativos if _estado(i) != antes[i.pk]]
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
        mudaram=frozenset(i.pk for i in mudaram),
    )
