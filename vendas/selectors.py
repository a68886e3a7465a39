"""Reads scoped to the user. A view never calls Pedido.objects.get(pk=...)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from cadastro.busca import SemAcento
from cadastro.models import Cliente
from produtos.models import Estoque, PrecoLista, Produto
from vendas.constants import StatusItem
from vendas.models import (
    DocumentoGerado,
    ItemPedido,
    Oportunidade,
    Pedido,
    PedidoEvento,
    SolicitacaoAprovacao,
)

if TYPE_CHECKING:
    from contas.models import Usuario

RELACIONADOS_PEDIDO = (
    "cliente__tipo_cliente",
    "empresa",
    "representante",
    "condicao_pagamento",
    "tipo_frete",
    "transportadora",
    "natureza_operacao",
    "tipo_pedido",
    "origem",
    "armazem",
    "tabela_venda",
    "atualizado_por",
    "copia_de",
)


def pedido_obter(*, user: Usuario, pk: int) -> Pedido:
    """The order if `user` may see it, else 404 (never 403: do not confirm it exists)."""
    return get_object_or_404(
        Pedido.objects.visiveis_para(user).select_related(*RELACIONADOS_PEDIDO), pk=pk
    )


def pedido_itens(pedido: Pedido) -> list[ItemPedido]:
    return list(
        ItemPedido.objects.filter(pedido=pedido)
        .select_related("produto__unidade", "unidade", "lote", "motivo_cancelamento")
        .order_by("sequencia")
    )


def pedido_eventos(pedido: Pedido) -> QuerySet[PedidoEvento]:
    return PedidoEvento.objects.filter(pedido=pedido).select_related("ator")


HISTORICO_PAGINA = 100


def pedido_eventos_pagina(
    pedido: Pedido, antes: int | None = None
) -> tuple[list[PedidoEvento], bool]:
    """A page of the order's history, newest first, and whether older events remain. `antes`:
    the last event already shown (a keyset cursor on (quando, id): events written while the
    rep reads do not shift the pages, so none is shown twice or skipped)."""
    eventos = pedido_eventos(pedido)
    if antes is not None:
        quando = eventos.filter(pk=antes).values_list("quando", flat=True).first()
        if quando is None:
            return [], False
        eventos = eventos.filter(Q(quando__lt=quando) | Q(quando=quando, pk__lt=antes))
    pagina = list(eventos.order_by("-quando", "-id")[: HISTORICO_PAGINA + 1])
    return pagina[:HISTORICO_PAGINA], len(pagina) > HISTORICO_PAGINA


def pedido_solicitacoes(pedido: Pedido) -> QuerySet[SolicitacaoAprovacao]:
    return SolicitacaoAprovacao.objects.filter(pedido=pedido).select_related(
        "solicitante", "aprovador", "decidido_por"
    )


def fila_aprovacao(user: Usuario) -> QuerySet[SolicitacaoAprovacao]:
    return (
        SolicitacaoAprovacao.objects.fila_de(user)
        .select_related("pedido__cliente", "pedido__representante", "solicitante", "aprovador")
        .order_by("solicitado_em", "id")
    )


def solicitacao_obter(*, user: Usuario, pk: int) -> SolicitacaoAprovacao:
    return get_object_or_404(
        SolicitacaoAprovacao.objects.fila_de(user).select_related(
            "pedido__cliente", "pedido__representante", "solicitante"
        ),
        pk=pk,
    )


def sem_acento(texto: str) -> str:
    """Python twin of f_unaccent (lower + strip accents) for the search term."""
    decomposto = unicodedata.normalize("NFKD", texto.lower())
    return "".join(c for c in decomposto if not unicodedata.combining(c))


def clientes_buscar(*, user: Usuario, termo: str, limite: int = 10) -> list[Cliente]:
    termo = termo.strip()
    if len(termo) < 2:
        return []
    digitos = "".join(c for c in termo if c.isalnum()).upper()
    qs = Cliente.objects.visiveis_para(user)
    qs = qs.annotate(nome_sa=SemAcento("nome"))
    filtro = Q(nome_sa__contains=sem_acento(termo))
    if len(digitos) >= 3 and any(c.isdigit() for c in digitos):
        filtro |= Q(documento__startswith=digitos)
    return list(qs.filter(filtro).order_by("nome", "id")[:limite])


def _estoque_do_armazem(pedido: Pedido) -> QuerySet[Estoque]:
    """The stock rows of the order's warehouse; none when the order has no warehouse (stock is
    per warehouse: an order without one shows no available quantity)."""
    if pedido.armazem_id is None:
        return Estoque.objects.none()
    return Estoque.objects.filter(armazem_id=pedido.armazem_id)


def produtos_buscar(*, pedido: Pedido, termo: str, limite: int = 12) -> list[Produto]:
    """Products by code prefix, exact EAN or words of the description (trigram), with the
    list price for this order's client/table and the available stock in its warehouse."""
    termo = termo.strip()
    if not termo:
        return []
    codigo = termo.upper()
    qs = Produto.objects.filter(ativo=True).select_related("unidade")
    if termo.isdigit() and len(termo) in (8, 12, 13, 14):
        qs = qs.filter(Q(ean=termo) | Q(codigo__startswith=codigo))
        ordem: list = ["codigo"]
    elif len(termo) < 3:
        qs = qs.filter(codigo__startswith=codigo)
        ordem = ["codigo"]
    else:
        # Every word must appear (accents and case ignored): "parafuso 1/4", "lamp led".
        qs = qs.annotate(descricao_sa=SemAcento("descricao"))
        palavras = Q()
        for palavra in sem_acento(termo).split():
            palavras &= Q(descricao_sa__contains=palavra)
        qs = qs.filter(Q(codigo__startswith=codigo) | palavras)
        ordem = ["descricao"]
    precos = PrecoLista.objects.filter(produto=OuterRef("pk")).vigentes_em(pedido.data)
    cliente = precos.filter(cliente_id=pedido.cliente_id).values("preco")[:1]
    tabela = precos.filter(tabela_id=pedido.tabela_venda_id).values("preco")[:1]
    estoque = (
        _estoque_do_armazem(pedido)
        .filter(produto=OuterRef("pk"), unidade_id=OuterRef("unidade_id"))
        .annotate(d=F("quantidade") - F("reservado"))
    )
    dinheiro = DecimalField(max_digits=16, decimal_places=4)
    return list(
        qs.annotate(
            preco=Coalesce(
                Subquery(cliente, output_field=dinheiro), Subquery(tabela, output_field=dinheiro)
            ),
            disponivel=Subquery(estoque.values("d")[:1], output_field=dinheiro),
        ).order_by(*ordem, "id")[:limite]
    )


def itens_ativos(itens: list[ItemPedido]) -> list[ItemPedido]:
    return [i for i in itens if i.status == StatusItem.ATIVO]


def total_quantidade(itens: list[ItemPedido]) -> Decimal:
    return sum((i.quantidade for i in itens_ativos(itens)), Decimal(0))


def documento_obter(*, user: Usuario, pedido_id: int, pk: int) -> DocumentoGerado:
    """A generated PDF of an order the user sees, else 404 (same rule as the order)."""
    return get_object_or_404(
        DocumentoGerado.objects.visiveis_para(user).select_related("pedido"),
        pedido_id=pedido_id,
        pk=pk,
    )


# --- opportunities (sales funnel) -------------------------------------------------------------


def oportunidade_obter(*, user: Usuario, pk: int) -> Oportunidade:
    """The opportunity if `user` may see it (its client is visible), else 404."""
    return get_object_or_404(
        Oportunidade.objects.visiveis_para(user).select_related(
            "cliente", "representante", "etapa", "origem", "motivo_perda", "criado_por"
        ),
        pk=pk,
    )


# --- contracts --------------------------------------------------------------------------------

from typing import Any  # noqa: E402

from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from vendas.constants import StatusPedido, StatusProgramacao, TipoDocumento  # noqa: E402
from vendas.models import (  # noqa: E402
    ClienteEntregaContrato,
    ContatoContrato,
    Contrato,
    EventoContrato,
    ItemContrato,
    ProgramacaoContrato,
)

# Orders that consume a contract's balance: real orders (not quotes) still alive. A quote
# converted into an order counts through that order, so CONVERTIDO is left out too.
STATUS_PEDIDO_FORA_DO_SALDO = (StatusPedido.CANCELADO, StatusPedido.CONVERTIDO)


def contrato_obter(*, user: Usuario, pk: int) -> Contrato:
    """The contract if `user` may see it (its client is visible), else 404."""
    return get_object_or_404(
        Contrato.objects.visiveis_para(user).select_related(
            "cliente", "representante", "modalidade", "condicao_pagamento", "tabela_venda",
            "criado_por",
        ),
        pk=pk,
    )  # fmt: skip


def _itens_pedidos_do_contrato(contrato_id: Any) -> QuerySet[ItemPedido]:
    return ItemPedido.objects.filter(
        pedido__contrato_id=contrato_id, pedido__tipo=TipoDocumento.PEDIDO, status=StatusItem.ATIVO
    ).exclude(pedido__status__in=STATUS_PEDIDO_FORA_DO_SALDO)


def contrato_quantidades_pedidas(contrato: Contrato) -> dict[int, Decimal]:
    """{produto_id: quantity ordered under the contract} — ONE aggregate query."""
    linhas = (
        _itens_pedidos_do_contrato(contrato.pk)
        .values("produto_id")
        .annotate(q=Sum("quantidade"))
        .order_by()
    )
    return {linha["produto_id"]: linha["q"] for linha in linhas}


def contrato_itens(contrato: Contrato) -> list[ItemContrato]:
    """Items with `programado` (non-cancelled scheduling), `pedido` (ordered under the
    contract, same product) and `saldo` (contracted − ordered): one query for all of it."""
    qtd = DecimalField(max_digits=18, decimal_places=3)
    programado = (
        ProgramacaoContrato.objects.filter(item=OuterRef("pk"))
        .exclude(status=StatusProgramacao.CANCELADA)
        .values("item")
        .annotate(s=Sum("quantidade"))
        .values("s")
    )
    pedido = (
        _itens_pedidos_do_contrato(OuterRef("contrato_id"))
        .filter(produto_id=OuterRef("produto_id"))
        .values("produto_id")
        .annotate(s=Sum("quantidade"))
        .values("s")
    )
    itens: list[ItemContrato] = list(
        ItemContrato.objects.filter(contrato=contrato)
        .select_related("produto__unidade")
        .annotate(
            programado=Coalesce(Subquery(programado, output_field=qtd), Decimal(0)),
            pedido=Coalesce(Subquery(pedido, output_field=qtd), Decimal(0)),
        )
        .order_by("sequencia")
    )
    for item in itens:  # display attributes (and the annotation `pedido`)
        item.saldo = item.quantidade - item.pedido  # type: ignore[attr-defined]
        item.valor = item.quantidade * item.preco_unitario  # type: ignore[attr-defined]
    return itens


def contrato_programacoes(contrato: Contrato) -> list[ProgramacaoContrato]:
    """The scheduling by date; `vencida`: still PREVISTA with the date already past."""
    hoje = timezone.localdate()
    programacoes = list(
        ProgramacaoContrato.objects.filter(item__contrato=contrato)
        .select_related("item__produto__unidade", "tipo", "cliente_entrega__cliente", "pedido")
        .order_by("data", "item__sequencia", "id")
    )
    for p in programacoes:
        p.vencida = p.status == StatusProgramacao.PREVISTA and p.data < hoje  # type: ignore[attr-defined]
    return programacoes


def contrato_entregas(contrato: Contrato) -> list[ClienteEntregaContrato]:
    return list(
        ClienteEntregaContrato.objects.filter(contrato=contrato)
        .select_related("cliente")
        .annotate(n_programacoes=Count("programacoes"))
        .order_by("cliente__nome", "id")
    )


def contrato_contatos(contrato: Contrato) -> list[ContatoContrato]:
    return list(ContatoContrato.objects.filter(contrato=contrato))


def contrato_pedidos(*, user: Usuario, contrato: Contrato) -> list[Pedido]:
    """Orders placed under the contract that the user sees (a delivery client outside the
    user's portfolio hides its order, as everywhere)."""
    return list(
        Pedido.objects.visiveis_para(user)
        .filter(contrato=contrato)
        .select_related("cliente", "representante")
        .order_by("-numero")[:200]
    )


def contrato_eventos(contrato: Contrato) -> QuerySet[EventoContrato]:
    return EventoContrato.objects.filter(contrato=contrato).select_related("ator")


def contrato_produtos_buscar(*, contrato: Contrato, termo: str, limite: int = 12) -> list[Produto]:
    """The order screen's product search (same matching, list price and stock), priced for
    the contract's client with the contract's table (or the client's) as of today."""
    tabela = contrato.tabela_venda or contrato.cliente.tabela_venda
    referencia = Pedido(
        data=timezone.localdate(),
        cliente_id=contrato.cliente_id,
        tabela_venda_id=tabela.pk if tabela else None,
        armazem_id=tabela.armazem_id if tabela else None,
    )
    return produtos_buscar(pedido=referencia, termo=termo, limite=limite)


# --- items: lots, date scheduling; attachments (pedido helper) ---------------------------------

from produtos.models import Lote  # noqa: E402
from vendas.models import AnexoPedido, ProgramacaoItem  # noqa: E402


def item_obter(*, pedido: Pedido, pk: int) -> ItemPedido:
    """An item of an order already obtained through `pedido_obter` (visibility), else 404."""
    return get_object_or_404(
        ItemPedido.objects.select_related("produto__unidade", "lote"), pedido=pedido, pk=pk
    )


def lotes_do_item(*, pedido: Pedido, item: ItemPedido) -> list[Lote]:
    """The product's lots in the order's warehouse, first to expire first (FEFO), each marked
    `vencido` (expired on the order's date) and `suficiente` (holds the item's quantity)."""
    if pedido.armazem_id is None:
        return []
    necessario = item.quantidade * (item.fator or 1)
    lotes = list(
        Lote.objects.filter(produto_id=item.produto_id, armazem_id=pedido.armazem_id).order_by(
            "validade", "numero"
        )[:50]
    )
    for lote in lotes:
        lote.vencido = lote.vencido_em(pedido.data)  # type: ignore[attr-defined]
        lote.suficiente = lote.quantidade >= necessario  # type: ignore[attr-defined]
    return lotes


def estoque_do_item(*, pedido: Pedido, item: ItemPedido) -> Decimal | None:
    """Available stock (quantity − reserved) of the item's product in the order's warehouse."""
    linha = (
        _estoque_do_armazem(pedido)
        .filter(produto_id=item.produto_id, unidade_id=item.produto.unidade_id)
        .values_list("quantidade", "reservado")
        .first()
    )
    return linha[0] - linha[1] if linha else None


def pedido_programacoes(pedido: Pedido) -> list[ProgramacaoItem]:
    return list(ProgramacaoItem.objects.filter(item__pedido=pedido).order_by("item_id", "data"))


def pedido_anexos(pedido: Pedido) -> list[AnexoPedido]:
    return list(AnexoPedido.objects.filter(pedido=pedido).select_related("enviado_por")[:200])


def anexo_obter(*, pedido: Pedido, pk: int) -> AnexoPedido:
    """An attachment of an order already obtained through `pedido_obter`, else 404."""
    return get_object_or_404(AnexoPedido, pedido=pedido, pk=pk)


# --- catalogue of the order screen: favourites, promotions, last quotes, suggestions ---------
# Every panel shows its products as the search does (price for this order's client/table,
# stock in its warehouse) plus the catalogue marks (`anotar_catalogo`), in a fixed number of
# queries whatever the number of products.

from django.db.models import Count as _Contar  # noqa: E402

from crm.money import arredondar as _arredondar  # noqa: E402
from produtos.models import KitComponente as _KitComponente  # noqa: E402
from produtos.models import ProdutoComplementar as _ProdutoComplementar  # noqa: E402
from produtos.models import ProdutoSimilar as _ProdutoSimilar  # noqa: E402
from produtos.models import Promocao as _Promocao  # noqa: E402
from vendas.constants import TipoDocumento as _TipoDocumento  # noqa: E402
from vendas.models import ProdutoFavorito as _ProdutoFavorito  # noqa: E402

LIMITE_PAINEL = 60
ULTIMAS_COTACOES = 5


def produtos_com_preco(*, pedido: Pedido, qs: QuerySet[Produto]) -> QuerySet[Produto]:
    """`qs` with `preco` (the client's price, else the order's table) and `disponivel` (stock
    in the order's warehouse, in the product's unit), as `produtos_buscar` shows them."""
    precos = PrecoLista.objects.filter(produto=OuterRef("pk")).vigentes_em(pedido.data)
    cliente = precos.filter(cliente_id=pedido.cliente_id).values("preco")[:1]
    tabela = precos.filter(tabela_id=pedido.tabela_venda_id).values("preco")[:1]
    estoque = (
        _estoque_do_armazem(pedido)
        .filter(produto=OuterRef("pk"), unidade_id=OuterRef("unidade_id"))
        .annotate(d=F("quantidade") - F("reservado"))
    )
    dinheiro = DecimalField(max_digits=16, decimal_places=4)
    return qs.select_related("unidade").annotate(
        preco=Coalesce(
            Subquery(cliente, output_field=dinheiro), Subquery(tabela, output_field=dinheiro)
        ),
        disponivel=Subquery(estoque.values("d")[:1], output_field=dinheiro),
    )


def promocoes_vigentes(pedido: Pedido) -> QuerySet[_Promocao]:
    """Active promotions for this order (on its date; its price table's or every table's)."""
    return _Promocao.objects.filter(
        Q(tabela_id=pedido.tabela_venda_id) | Q(tabela__isnull=True),
        inicio__lte=pedido.data,
        fim__gte=pedido.data,
    )


def favoritos_ids(user: Usuario) -> set[int]:
    return set(_ProdutoFavorito.objects.filter(usuario=user).values_list("produto_id", flat=True))


def _cotacoes_do_cliente(pedido: Pedido, user: Usuario) -> QuerySet[Pedido]:
    """The client's other quotes that `user` may see (the order's own visibility rule)."""
    return (
        Pedido.objects.visiveis_para(user)
        .filter(cliente_id=pedido.cliente_id, tipo=_TipoDocumento.ORCAMENTO)
        .exclude(pk=pedido.pk)
    )


def ultimos_precos_cotados(
    *, pedido: Pedido, user: Usuario, produto_ids: list[int]
) -> dict[int, Mapping[str, Any]]:
    """Per product, the price of its item in this client's latest quote (one query)."""
    if not produto_ids:
        return {}
    linhas = (
        ItemPedido.objects.filter(
            pedido__in=_cotacoes_do_cliente(pedido, user).values("pk"),
            produto_id__in=produto_ids,
            status=StatusItem.ATIVO,
        )
        .order_by("produto_id", "-pedido__data", "-pedido__numero", "-sequencia")
        .distinct("produto_id")
        .values(
            "produto_id",
            "preco_unitario",
            "desconto_percentual",
            "quantidade",
            "pedido_id",
            "pedido__numero",
            "pedido__data",
        )
    )
    return {linha["produto_id"]: linha for linha in linhas}


def promocoes_por_produto(
    *, pedido: Pedido, produto_ids: list[int] | None = None
) -> dict[int, _Promocao]:
    """The active promotion of each product for this order (its table's before the general
    one, then the latest). `produto_ids=None`: every product on promotion."""
    qs = promocoes_vigentes(pedido).filter(produto__ativo=True)
    if produto_ids is not None:
        if not produto_ids:
            return {}
        qs = qs.filter(produto_id__in=produto_ids)
    qs = qs.order_by("produto_id", F("tabela_id").asc(nulls_last=True), "-inicio", "-id")
    return {p.produto_id: p for p in qs.distinct("produto_id")}


def _preco_promocional(promo: _Promocao | None, preco: Decimal | None) -> Decimal | None:
    """The offer's price: its own, else its discount over the product's `preco`."""
    if promo is None:
        return None
    if promo.preco is not None:
        return promo.preco
    # Else its percentage (the check constraint promocao_preco_ou_percentual: one of the two).
    if preco is None or promo.percentual_desconto is None:
        return None
    return _arredondar(preco * (1 - promo.percentual_desconto / Decimal(100)))


def anotar_catalogo(
    *, pedido: Pedido, user: Usuario, produtos: list[Produto], favoritos: set[int] | None = None
) -> list[Produto]:
    """Marks each product with `favorito`, `promocao` (+ `preco_promocional`), `cotacao` (its
    price in this client's latest quote), `kit` (number of components) and `no_pedido`."""
    ids = [p.pk for p in produtos]
    if favoritos is None:
        favoritos = favoritos_ids(user) if ids else set()
    promocoes = promocoes_por_produto(pedido=pedido, produto_ids=ids)
    cotacoes = ultimos_precos_cotados(pedido=pedido, user=user, produto_ids=ids)
    kits = dict(
        _KitComponente.objects.filter(kit_id__in=ids)
        .values("kit_id")
        .annotate(n=_Contar("id"))
        .values_list("kit_id", "n")
    ) if ids else {}  # fmt: skip
    no_pedido = set(
        ItemPedido.objects.filter(
            pedido=pedido, produto_id__in=ids, status=StatusItem.ATIVO
        ).values_list("produto_id", flat=True)
    ) if ids else set()  # fmt: skip
    # Display attributes on the products (`preco` is `produtos_com_preco`'s annotation).
    for p in produtos:
        promocao = promocoes.get(p.pk)
        p.favorito = p.pk in favoritos  # type: ignore[attr-defined]
        p.promocao = promocao  # type: ignore[attr-defined]
        p.preco_promocional = _preco_promocional(promocao, p.preco)  # type: ignore[attr-defined]
        p.cotacao = cotacoes.get(p.pk)  # type: ignore[attr-defined]
        p.kit = kits.get(p.pk, 0)  # type: ignore[attr-defined]
        p.no_pedido = p.pk in no_pedido  # type: ignore[attr-defined]
    return produtos


def catalogo_buscar(*, pedido: Pedido, user: Usuario, termo: str, limite: int = 12) -> list:
    """The product search with the rep's favourites first and the catalogue marks. Looks a
    few pages deep so a favourite that matches is not cut by the alphabetical limit."""
    produtos = produtos_buscar(pedido=pedido, termo=termo, limite=limite * 4)
    if not produtos:
        return []
    favoritos = favoritos_ids(user)
    produtos.sort(key=lambda p: p.pk not in favoritos)  # stable: search order kept
    return anotar_catalogo(
        pedido=pedido, user=user, produtos=produtos[:limite], favoritos=favoritos
    )


def favoritos_listar(*, pedido: Pedido, user: Usuario) -> list[Produto]:
    favoritos = _ProdutoFavorito.objects.filter(usuario=user).values("produto_id")
    qs = Produto.objects.filter(ativo=True, pk__in=favoritos)
    produtos = list(
        produtos_com_preco(pedido=pedido, qs=qs).order_by("descricao", "id")[:LIMITE_PAINEL]
    )
    return anotar_catalogo(pedido=pedido, user=user, produtos=produtos)


def promocoes_listar(*, pedido: Pedido, user: Usuario) -> list[Produto]:
    """Products of the order's price table on an active promotion (with the offer)."""
    promocoes = promocoes_por_produto(pedido=pedido)
    qs = Produto.objects.filter(pk__in=list(promocoes))
    produtos = list(
        produtos_com_preco(pedido=pedido, qs=qs).order_by("descricao", "id")[:LIMITE_PAINEL]
    )
    return anotar_catalogo(pedido=pedido, user=user, produtos=produtos)


def ultimas_cotacoes(*, pedido: Pedido, user: Usuario) -> list[Pedido]:
    """This client's last quotes the user may see: date, total, status, active items."""
    return list(
        _cotacoes_do_cliente(pedido, user)
        .select_related("representante")
        .annotate(n_itens=_Contar("itens", filter=Q(itens__status=StatusItem.ATIVO)))
        .order_by("-data", "-numero")[:ULTIMAS_COTACOES]
    )


class Sugestao(TypedDict):
    """A related product of `sugestoes`: `de` is the product of the order it relates to."""

    produto: Produto
    de: Produto | None
    observacao: str


def sugestoes(*, pedido: Pedido, user: Usuario, produto_ids: list[int]) -> dict[str, Any]:
    """Similar products (alternatives: put first when the product has no stock or is
    blocked) and complementary ones (cross-selling, those already in the order left out) of
    `produto_ids`, with price and stock."""
    if not produto_ids:
        return {"origens": [], "alerta": [], "similares": [], "complementares": [], "total": 0}
    similares = list(
        _ProdutoSimilar.objects.filter(produto_id__in=produto_ids).values_list(
            "produto_id", "similar_id", "observacao"
        )
    )
    complementares = list(
        _ProdutoComplementar.objects.filter(produto_id__in=produto_ids).values_list(
            "produto_id", "complementar_id", "observacao"
        )
    )
    relacionados = {s for _, s, _ in similares} | {c for _, c, _ in complementares}
    qs = Produto.objects.filter(pk__in={*produto_ids, *relacionados})
    todos = {p.pk: p for p in produtos_com_preco(pedido=pedido, qs=qs).order_by("descricao", "id")}
    anotar_catalogo(pedido=pedido, user=user, produtos=list(todos.values()))
    origens = [todos[i] for i in produto_ids if i in todos]
    for o in origens:  # `disponivel`: annotation of `produtos_com_preco`
        o.sem_estoque = o.disponivel is None or o.disponivel <= 0  # type: ignore[attr-defined]

    def montar(pares: list[tuple[int, int, str]], *, esconder_no_pedido: bool) -> list[Sugestao]:
        saida: list[Sugestao] = []
        vistos: set[int] = set()
        for origem, alvo, observacao in pares:
            p = todos.get(alvo)
            if p is None or alvo in vistos or alvo in produto_ids or not p.ativo:
                continue
            if esconder_no_pedido and p.no_pedido:  # type: ignore[attr-defined]
                continue
            vistos.add(alvo)
            saida.append({"produto": p, "de": todos.get(origem), "observacao": observacao})
        saida.sort(key=lambda s: (s["produto"].bloqueado, s["produto"].descricao))
        return saida

    alternativas = montar(similares, esconder_no_pedido=False)
    adicionais = montar(complementares, esconder_no_pedido=True)
    return {
        "origens": origens,
        "alerta": [
            o
            for o in origens
            if o.sem_estoque or o.bloqueado or not o.ativo  # type: ignore[attr-defined]
        ],
        "similares": alternativas,
        "complementares": adicionais,
        "total": len(alternativas) + len(adicionais),
    }


def catalogo_painel(*, pedido: Pedido, user: Usuario) -> dict:
    """What the order page shows of the catalogue at load: the rep's favourites and how many
    promotions and quotes the other panels hold (those load when opened)."""
    return {
        "favoritos": favoritos_listar(pedido=pedido, user=user),
        "n_promocoes": promocoes_vigentes(pedido)
        .filter(produto__ativo=True)
        .values("produto_id")
        .distinct()
        .count(),
        "n_cotacoes": min(_cotacoes_do_cliente(pedido, user).count(), ULTIMAS_COTACOES),
    }
