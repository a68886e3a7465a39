"""The catalogue side of order entry: THE way items enter an order (`itens_adicionar`: one bulk
insert, kits exploded into their components, promotions applied, ONE recalculation), the lines
a rep pastes or sends from the cart (each bad line reported, the good ones kept), and the rep's
own favourite products.

`item_adicionar` (one item, the search form) goes through `itens_adicionar` too: there is one
way to add items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q

from produtos.constants import QTD_DECIMAL_PLACES, QTD_MAX_DIGITS
from produtos.models import KitComponente, Produto
from vendas.calculo import Calculo, recalcular
from vendas.constants import TipoEventoPedido
from vendas.models import ItemPedido, Pedido, PedidoEvento, ProdutoFavorito
from vendas.selectors import promocoes_vigentes
from vendas.services.pedidos import ErroPedido, _gravar_versao, _para_alterar, _texto

if TYPE_CHECKING:
    from contas.models import Usuario
    from produtos.models import Lote

# A kit may contain kits; deeper than this is a registration loop, not a product.
PROFUNDIDADE_KIT = 4
MAXIMO_LINHAS = 500


@dataclass(frozen=True)
class Linha:
    """One product to add. `promocao_id`: the rep chose it from the promotions panel; the
    promotion is checked again here (still active, for this order's table and product) and its
    price or discount applied. `origem` is recorded in the event (carrinho, colar…)."""

    produto: Produto
    quantidade: Decimal
    desconto_percentual: Decimal = Decimal(0)
    acrescimo_percentual: Decimal = Decimal(0)
    novo_preco: Decimal | None = None
    lote: Lote | None = None
    data_promessa: Any = None
    promocao_id: int | None = None
    origem: str = ""
    kit: dict[str, str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LinhaRecusada:
    """A line of a paste/cart that was not added, and why (pt-BR, shown as is)."""

    numero: int
    texto: str
    motivo: str


@dataclass(frozen=True)
class Inclusao:
    calculo: Calculo
    novos: list[int]  # ids of the items inserted, in order
    kits: list[str] = field(default_factory=list)  # codes of the kits exploded


# --- the one way items enter an order --------------------------------------------------------


def _rotulo(n: int, linha: Linha, total: int) -> str:
    return f"Linha {n} ({linha.produto.codigo}): " if total > 1 else ""


def _aplicar_promocoes(pedido: Pedido, linhas: Sequence[Linha]) -> list[Linha]:
    ids = {linha.promocao_id for linha in linhas if linha.promocao_id}
    if not ids:
        return list(linhas)
    promocoes = {p.pk: p for p in promocoes_vigentes(pedido).filter(pk__in=ids)}
    saida = []
    for n, linha in enumerate(linhas, start=1):
        if not linha.promocao_id:
            saida.append(linha)
            continue
        promo = promocoes.get(linha.promocao_id)
        if promo is None or promo.produto_id != linha.produto.pk:
            raise ErroPedido(
                f"{_rotulo(n, linha, len(linhas))}a promoção escolhida não está mais vigente "
                "para este pedido. Atualize o painel de promoções."
            )
        if promo.preco is not None and linha.novo_preco is None:
            linha = replace(linha, novo_preco=promo.preco)
        elif promo.percentual_desconto is not None and not linha.desconto_percentual:
            linha = replace(linha, desconto_percentual=promo.percentual_desconto)
        saida.append(linha)
    return saida


def _explodir_kits(linhas: list[Linha]) -> tuple[list[Linha], list[str]]:
    """A kit line becomes one line per component (kit quantity × component quantity), with the
    kit's discount; a kit has no price of its own, so a new price or a lot on it is refused.
    One query per nesting level, whatever the number of lines. Also returns the kits' codes."""
    kits: dict[str, None] = {}
    for _nivel in range(PROFUNDIDADE_KIT + 1):
        ids = {linha.produto.pk for linha in linhas}
        componentes: dict[int, list[KitComponente]] = {}
        for c in (
            KitComponente.objects.filter(kit_id__in=ids)
            .select_related("componente")
            .order_by("kit_id", "componente__descricao", "id")
        ):
            componentes.setdefault(c.kit_id, []).append(c)
        if not componentes:
            return linhas, list(kits)
        if _nivel == PROFUNDIDADE_KIT:
            break
        saida: list[Linha] = []
        for linha in linhas:
            partes = componentes.get(linha.produto.pk)
            if not partes:
                saida.append(linha)
                continue
            kit = linha.produto
            kits[kit.codigo] = None
            if linha.promocao_id is not None and linha.novo_preco is not None:
                raise ErroPedido(
                    f"O kit {kit.codigo} entra no pedido pelos componentes, cada um com o seu "
                    "preço: a promoção de preço fixo do kit não se aplica a eles. Inclua o kit "
                    "pela busca e dê o desconto nos itens."
                )
            if linha.novo_preco is not None or linha.lote is not None:
                raise ErroPedido(
                    f"O kit {kit.codigo} entra no pedido pelos componentes: novo preço e lote "
                    "valem por componente. Inclua o kit sem eles e ajuste os itens."
                )
            origem_kit = linha.kit or {
                "codigo": kit.codigo,
                "descricao": kit.descricao,
                "quantidade": _texto(linha.quantidade),
            }
            saida.extend(
                replace(
                    linha,
                    produto=c.componente,
                    quantidade=linha.quantidade * c.quantidade,
                    promocao_id=None,
                    kit=origem_kit,
                )
                for c in partes
            )
        linhas = saida
    raise ErroPedido(
        "Kit com componentes aninhados demais (um kit que contém a si mesmo?): "
        "revise o cadastro de kits."
    )


@transaction.atomic
def itens_adicionar(
    *, pedido_id: int, versao: int, linhas: Sequence[Linha], ator: Usuario
) -> Inclusao:
    """Add every line to the order in ONE bulk insert and recalculate ONCE.

    Kits are exploded into their components (each an item; the event names the kit), a chosen
    promotion is checked and applied, one ITEM_INCLUIDO event per item (bulk). The number of
    queries does not depend on the number of lines. All or nothing: a refused line refuses
    the call (callers filter bad lines first, see `linhas_do_texto`/`linhas_do_carrinho`).
    """
    pedido = _para_alterar(pedido_id, versao)
    if not linhas:
        raise ErroPedido("Nenhum produto para incluir.")
    for n, linha in enumerate(linhas, start=1):
        if linha.quantidade is None or linha.quantidade <= 0:
            prefixo = _rotulo(n, linha, len(linhas))
            raise ErroPedido(f"{prefixo}a quantidade deve ser maior que zero." if prefixo
                             else "A quantidade deve ser maior que zero.")  # fmt: skip
    expandidas, kits = _explodir_kits(_aplicar_promocoes(pedido, linhas))
    for linha in expandidas:
        if linha.quantidade >= _LIMITE_QTD:
            raise ErroPedido(
                f"{linha.produto.codigo}: a quantidade {_texto(linha.quantidade)} é grande "
                "demais para um item (kit × componente?). Reduza a quantidade."
            )
    ultima = ItemPedido.objects.filter(pedido=pedido).aggregate(m=Max("sequencia"))["m"] or 0
    itens = ItemPedido.objects.bulk_create(
        ItemPedido(
            pedido=pedido,
            sequencia=ultima + n,
            produto=linha.produto,
            quantidade=linha.quantidade,
            unidade_id=linha.produto.unidade_id,
            desconto_percentual=linha.desconto_percentual or Decimal(0),
            acrescimo_percentual=linha.acrescimo_percentual or Decimal(0),
            novo_preco=linha.novo_preco,
            lote=linha.lote,
            data_promessa=linha.data_promessa,
            promocao_id=linha.promocao_id,
        )
        for n, linha in enumerate(expandidas, start=1)
    )
    _gravar_versao(pedido, ator)
    PedidoEvento.objects.bulk_create(
        PedidoEvento(
            pedido=pedido,
            tipo=TipoEventoPedido.ITEM_INCLUIDO,
            ator=ator,
            versao=pedido.versao,
            dados=_dados_evento(item, linha),
        )
        for item, linha in zip(itens, expandidas, strict=True)
    )
    return Inclusao(calculo=recalcular(pedido), novos=[i.pk for i in itens], kits=kits)


def _dados_evento(item: ItemPedido, linha: Linha) -> dict[str, Any]:
    dados: dict[str, Any] = {
        "item": item.sequencia,
        "produto": linha.produto.codigo,
        "quantidade": _texto(linha.quantidade),
        "desconto_percentual": _texto(linha.desconto_percentual),
        "novo_preco": _texto(linha.novo_preco),
    }
    if linha.kit:
        dados["kit"] = linha.kit
    if linha.promocao_id:
        dados["promocao"] = linha.promocao_id
    if linha.origem:
        dados["origem"] = linha.origem
    return dados


# --- lines typed, pasted or sent from the cart ------------------------------------------------

_MILHAR = re.compile(r"^\d{1,3}(\.\d{3})+$")
_LIMITE_QTD = Decimal(10) ** (QTD_MAX_DIGITS - QTD_DECIMAL_PLACES)


def quantidade_ptbr(texto: str) -> Decimal:
    """ "1,5" → 1.5; "1.500" and "1.500,25" are thousands (pt-BR); "2.5" (a spreadsheet in
    another locale) → 2.5. Raises ValueError with the reason in pt-BR."""
    bruto = texto.strip().replace(" ", "").replace("\u00a0", "")
    if not bruto:
        raise ValueError("quantidade em branco")
    if "," in bruto:
        bruto = bruto.replace(".", "").replace(",", ".")
    elif _MILHAR.match(bruto):
        bruto = bruto.replace(".", "")
    try:
        valor = Decimal(bruto)
    except InvalidOperation:
        raise ValueError(f"quantidade inválida “{texto.strip()}”") from None
    if not valor.is_finite() or valor <= 0:
        raise ValueError(f"a quantidade deve ser maior que zero (“{texto.strip()}”)")
    if valor != valor.quantize(Decimal(1).scaleb(-QTD_DECIMAL_PLACES)):
        raise ValueError(f"quantidade com mais de {QTD_DECIMAL_PLACES} casas decimais")
    if valor >= _LIMITE_QTD:
        raise ValueError("quantidade grande demais")
    return valor


def _motivo_nao_vendavel(produto: Produto) -> str | None:
    if not produto.ativo:
        return f"produto {produto.codigo} inativo"
    if produto.bloqueado:
        motivo = f": {produto.motivo_bloqueio}" if produto.motivo_bloqueio else ""
        return f"produto {produto.codigo} bloqueado{motivo}"
    return None


def _separar(linha: str) -> list[str]:
    if "\t" in linha:
        return linha.split("\t")
    return linha.split(";")


def linhas_do_texto(
    texto: str, *, origem: str = "colar"
) -> tuple[list[Linha], list[LinhaRecusada]]:
    """A paste box, one "código;quantidade" per line (tab-separated from a spreadsheet works
    too; code or EAN; pt-BR decimals). Returns the good lines and each bad one with its reason
    (unknown code, bad quantity, blocked or inactive product); products in one query."""
    brutas = [(n, linha) for n, linha in enumerate(texto.splitlines(), start=1) if linha.strip()]
    if len(brutas) > MAXIMO_LINHAS:
        raise ErroPedido(f"Cole no máximo {MAXIMO_LINHAS} linhas por vez ({len(brutas)} coladas).")
    lidas: list[tuple[int, str, str, Decimal]] = []
    recusadas: list[LinhaRecusada] = []
    for n, linha in brutas:
        partes = [p.strip() for p in _separar(linha)]
        codigo = partes[0].upper()
        if len(partes) < 2 or not partes[1]:
            recusadas.append(
                LinhaRecusada(n, linha.strip(), "falta a quantidade (use código;quantidade)")
            )
            continue
        try:
            quantidade = quantidade_ptbr(partes[1])
        except ValueError as erro:
            if n == brutas[0][0] and codigo in {"CÓDIGO", "CODIGO", "COD", "PRODUTO"}:
                continue  # the spreadsheet's header row
            recusadas.append(LinhaRecusada(n, linha.strip(), str(erro)))
            continue
        if not codigo:
            recusadas.append(LinhaRecusada(n, linha.strip(), "falta o código do produto"))
            continue
        lidas.append((n, linha.strip(), codigo, quantidade))
    codigos = {c for _, _, c, _ in lidas}
    produtos: dict[str, Produto] = {}
    if codigos:
        for p in Produto.objects.filter(Q(codigo__in=codigos) | Q(ean__in=codigos)).select_related(
            "unidade"
        ):
            produtos.setdefault(p.codigo, p)
            if p.ean:
                produtos.setdefault(p.ean, p)
    linhas: list[Linha] = []
    for n, original, codigo, quantidade in lidas:
        produto = produtos.get(codigo)
        if produto is None:
            recusadas.append(LinhaRecusada(n, original, f"código “{codigo}” não encontrado"))
        elif motivo := _motivo_nao_vendavel(produto):
            recusadas.append(LinhaRecusada(n, original, motivo))
        else:
            linhas.append(Linha(produto=produto, quantidade=quantidade, origem=origem))
    recusadas.sort(key=lambda r: r.numero)
    return linhas, recusadas


def id_do_texto(texto: Any) -> int | None:
    """A primary key typed in a request (cart, suggestions), or None. ASCII digits only:
    `"²".isdigit()` is True but `int("²")` raises; at most 18 digits, inside a bigint."""
    texto = str(texto)
    if texto.isascii() and texto.isdigit() and len(texto) <= 18:
        return int(texto)
    return None


def linhas_do_carrinho(
    *,
    pedido: Pedido,
    produtos: Sequence[str],
    quantidades: Sequence[str],
    promocoes: Sequence[str] = (),
    origem: str = "carrinho",
) -> tuple[list[Linha], list[LinhaRecusada]]:
    """The cart (or a panel's "Incluir"): parallel lists of product ids, quantities (pt-BR)
    and optional promotion ids. Bad lines are reported, the good ones kept; products and
    promotions in one query each."""
    if len(produtos) > MAXIMO_LINHAS:
        raise ErroPedido(f"No máximo {MAXIMO_LINHAS} produtos por vez.")
    ids = {i for p in produtos if (i := id_do_texto(p)) is not None}
    catalogo = {p.pk: p for p in Produto.objects.filter(pk__in=ids).select_related("unidade")}
    promo_ids = {i for p in promocoes if (i := id_do_texto(p)) is not None}
    vigentes = (
        {p.pk: p for p in promocoes_vigentes(pedido).filter(pk__in=promo_ids)} if promo_ids else {}
    )
    linhas: list[Linha] = []
    recusadas: list[LinhaRecusada] = []
    for n, bruto in enumerate(produtos, start=1):
        produto = catalogo.get(id_do_texto(bruto))  # type: ignore[arg-type]
        qtd = quantidades[n - 1] if n <= len(quantidades) else ""
        texto = f"{produto.codigo if produto else bruto};{qtd}"
        if produto is None:
            recusadas.append(LinhaRecusada(n, texto, "produto não encontrado"))
            continue
        if motivo := _motivo_nao_vendavel(produto):
            recusadas.append(LinhaRecusada(n, texto, motivo))
            continue
        try:
            quantidade = quantidade_ptbr(qtd)
        except ValueError as erro:
            recusadas.append(LinhaRecusada(n, texto, str(erro)))
            continue
        promo_bruta = promocoes[n - 1] if n <= len(promocoes) else ""
        promocao_id = None
        if promo_bruta:
            promo = vigentes.get(id_do_texto(promo_bruta))  # type: ignore[arg-type]
            if promo is None or promo.produto_id != produto.pk:
                recusadas.append(LinhaRecusada(n, texto, "a promoção não está mais vigente"))
                continue
            promocao_id = promo.pk
        linhas.append(
            Linha(produto=produto, quantidade=quantidade, promocao_id=promocao_id, origem=origem)
        )
    return linhas, recusadas


def texto_das_recusadas(recusadas: Iterable[LinhaRecusada]) -> str:
    """What goes back into the paste box: only the lines still to fix."""
    return "\n".join(r.texto for r in recusadas)


# --- favourites ---------------------------------------------------------------------------------


@transaction.atomic
def favorito_alternar(*, produto_id: int, ator: Usuario) -> bool:
    """Star/unstar a product in `ator`'s OWN favourites (there is no "on behalf of"). Returns
    whether it is a favourite now."""
    apagados, _ = ProdutoFavorito.objects.filter(usuario=ator, produto_id=produto_id).delete()
    if apagados:
        return False
    if not Produto.objects.filter(pk=produto_id, ativo=True).exists():
        raise ErroPedido("Produto não encontrado.")
    ProdutoFavorito.objects.get_or_create(usuario=ator, produto_id=produto_id)
    return True
