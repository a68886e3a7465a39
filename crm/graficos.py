"""Geometry for the server-side SVG charts (templates/includes/grafico_*.svg.html).

The CSP forbids inline scripts and the machines are offline, so charts are plain SVG drawn by
templates. Templates cannot do arithmetic, so this module turns a list of (label, value) into
rectangles and text positions in a fixed viewBox; the SVG scales with its container.

Only non-negative values are drawn (every charted indicator here is a count or a share): a
negative value is drawn as an empty bar but its text still shows the real number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

Numero = int | Decimal


@dataclass(frozen=True, slots=True)
class Barra:
    rotulo: str
    valor: Numero | None
    texto: str  # the value as the reader sees it ("12,5%", "1.234")
    x: float
    y: float
    largura: float
    altura: float
    # where the value text goes (after the bar end / above the column)
    texto_x: float
    texto_y: float
    rotulo_x: float
    rotulo_y: float
    destaque: bool = False


@dataclass(frozen=True, slots=True)
class Grafico:
    """A chart ready for the template: viewBox size, bars and, for columns, a baseline."""

    titulo: str
    descricao: str
    largura: int
    altura: int
    barras: tuple[Barra, ...]
    eixo_x1: float
    eixo_x2: float
    eixo_y: float
    vazio: bool  # nothing to draw: no items, or none with a value


@dataclass(frozen=True, slots=True)
class Item:
    rotulo: str
    valor: Numero | None
    texto: str
    destaque: bool = False


def _escala(itens: Sequence[Item]) -> Decimal:
    maior = max((Decimal(i.valor) for i in itens if i.valor is not None), default=Decimal(0))
    return maior if maior > 0 else Decimal(1)


def _proporcao(valor: Numero | None, maximo: Decimal) -> float:
    if valor is None or valor <= 0:
        return 0.0
    return float(Decimal(valor) / maximo)


def barras_horizontais(
    itens: Sequence[Item],
    *,
    titulo: str,
    descricao: str,
    largura: int = 640,
    altura_barra: int = 22,
    espaco: int = 10,
    largura_rotulo: int = 170,
    largura_texto: int = 90,
) -> Grafico:
    """One horizontal bar per item, label on the left, value text after the bar."""
    maximo = _escala(itens)
    area = largura - largura_rotulo - largura_texto
    topo = 8
    barras = []
    for indice, item in enumerate(itens):
        y = topo + indice * (altura_barra + espaco)
        comprimento = round(area * _proporcao(item.valor, maximo), 1)
        barras.append(
            Barra(
                rotulo=item.rotulo,
                valor=item.valor,
                texto=item.texto,
                x=largura_rotulo,
                y=y,
                largura=comprimento,
                altura=altura_barra,
                texto_x=largura_rotulo + comprimento + 6,
                texto_y=y + altura_barra * 0.7,
                rotulo_x=largura_rotulo - 8,
                rotulo_y=y + altura_barra * 0.7,
                destaque=item.destaque,
            )
        )
    altura = topo * 2 + max(len(itens), 1) * (altura_barra + espaco) - espaco
    return Grafico(
        titulo=titulo,
        descricao=descricao,
        largura=largura,
        altura=altura,
        barras=tuple(barras),
        eixo_x1=largura_rotulo,
        eixo_x2=largura_rotulo,
        eixo_y=altura - topo,
        vazio=all(item.valor is None for item in itens),
    )


def colunas(
    itens: Sequence[Item],
    *,
    titulo: str,
    descricao: str,
    largura: int = 640,
    altura: int = 220,
    margem_topo: int = 24,
    margem_base: int = 28,
    margem_lateral: int = 8,
) -> Grafico:
    """Vertical columns (e.g. one per month), value text above, label under the baseline."""
    maximo = _escala(itens)
    quantidade = max(len(itens), 1)
    fatia = (largura - 2 * margem_lateral) / quantidade
    largura_coluna = round(fatia * 0.62, 1)
    base = altura - margem_base
    area = base - margem_topo
    barras = []
    for indice, item in enumerate(itens):
        centro = margem_lateral + fatia * indice + fatia / 2
        alto = round(area * _proporcao(item.valor, maximo), 1)
        barras.append(
            Barra(
                rotulo=item.rotulo,
                valor=item.valor,
                texto=item.texto,
                x=round(centro - largura_coluna / 2, 1),
                y=round(base - alto, 1),
                largura=largura_coluna,
                altura=alto,
                texto_x=round(centro, 1),
                texto_y=round(base - alto - 6, 1),
                rotulo_x=round(centro, 1),
                rotulo_y=base + 18,
                destaque=item.destaque,
            )
        )
    return Grafico(
        titulo=titulo,
        descricao=descricao,
        largura=largura,
        altura=altura,
        barras=tuple(barras),
        eixo_x1=margem_lateral,
        eixo_x2=largura - margem_lateral,
        eixo_y=base,
        vazio=all(item.valor is None for item in itens),
    )
