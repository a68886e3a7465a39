"""Printable documents of an order (proposal, sales map): order → HTML (Django template) →
PDF (WeasyPrint). Pure rendering: no job bookkeeping here (vendas/services/pedidos.py does that).

A4 pages, the company's logo and CNPJ on every page (a running header), "Página X de Y" from
CSS `@page` counters, pt-BR values through the same filters as the screens. Costs and margins
never appear: the proposal goes to the client.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from itertools import groupby
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from cadastro.models import ContatoEletronico, Endereco, Telefone
from crm.memoria import sem_coleta_de_ciclos
from vendas.constants import StatusItem
from vendas.models import ItemPedido, Pedido, TipoDocumentoGerado

TEMPLATES: dict[str, str] = {  # looked up by the stored `tipo`
    TipoDocumentoGerado.PROPOSTA: "vendas/pdf/proposta.html",
    TipoDocumentoGerado.MAPA: "vendas/pdf/mapa.html",
}


@cache
def logo_data_uri() -> str:
    """The company logo (static/img/logo.svg) inlined: WeasyPrint then reads no file or URL."""
    caminho = finders.find("img/logo.svg")
    if not caminho:
        return ""
    with open(caminho, "rb") as arquivo:
        return "data:image/svg+xml;base64," + base64.b64encode(arquivo.read()).decode()


@lru_cache(maxsize=32)
def _logo_arquivo(nome: str) -> str:
    """A company's uploaded logo (PNG/JPEG, `contas.Empresa.logo`) inlined; keyed by the stored
    name, which is random per upload, so a new logo is a new cache entry."""
    from django.core.files.storage import default_storage

    with default_storage.open(nome, "rb") as arquivo:
        dados = arquivo.read()
    tipo = "image/png" if dados.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{tipo};base64," + base64.b64encode(dados).decode()


def logo_da_empresa(empresa: Any) -> str:
    """The order's company logo when it has one, else the product's (static/img/logo.svg).
    A missing file falls back too: a PDF is never lost for a logo."""
    nome = getattr(getattr(empresa, "logo", None), "name", "")
    if nome:
        try:
            return _logo_arquivo(nome)
        except OSError:
            pass
    return logo_data_uri()


@dataclass(frozen=True)
class GrupoMapa:
    """Sales map: the items promised for one date (agrupamento de datas) and their subtotals."""

    data: Any  # date | None
    itens: list[ItemPedido]
    quantidade: Decimal
    peso: Decimal
    valor: Decimal
    total: Decimal


def _grupos_por_data(itens: list[ItemPedido]) -> list[GrupoMapa]:
    def chave(i: ItemPedido) -> tuple[int, Any]:
        return (0, i.data_promessa) if i.data_promessa else (1, None)

    for item in itens:
        item.v_liquido = item.v_prod - item.v_desc  # type: ignore[attr-defined]
        item.peso_total = item.quantidade * (item.fator or 1) * (item.produto.peso_bruto or 0)  # type: ignore[attr-defined]
    grupos = []
    for (_, data), grupo in groupby(sorted(itens, key=chave), key=chave):
        lista = sorted(grupo, key=lambda i: i.sequencia)
        grupos.append(
            GrupoMapa(
                data=data,
                itens=lista,
                quantidade=sum((i.quantidade for i in lista), Decimal(0)),
                peso=sum((i.peso_total for i in lista), Decimal(0)),  # type: ignore[attr-defined]
                valor=sum((i.v_prod - i.v_desc for i in lista), Decimal(0)),
                total=sum((i.total for i in lista), Decimal(0)),
            )
        )
    return grupos


def contexto(pedido: Pedido, itens: list[ItemPedido]) -> dict[str, Any]:
    """What the templates show. Three small queries (address, phone, e-mail of the client)."""
    cliente = pedido.cliente
    endereco = (
        Endereco.objects.filter(cliente=cliente)
        .select_related("municipio")
        .order_by("-principal", "id")
        .first()
    )
    telefone = Telefone.objects.filter(cliente=cliente).order_by("id").first()
    email = (
        ContatoEletronico.objects.filter(cliente=cliente, tipo="email")
        .order_by("-principal", "id")
        .first()
    )
    ativos = [i for i in itens if i.status == StatusItem.ATIVO]
    return {
        "pedido": pedido,
        "empresa": pedido.empresa,
        "cliente": cliente,
        "endereco": endereco,
        "telefone": telefone,
        "email": email,
        "itens": ativos,
        "grupos": _grupos_por_data(ativos),
        "logo": logo_da_empresa(pedido.empresa),
        "logo_empresa": bool(getattr(pedido.empresa, "logo", None)),
        "gerado_em": timezone.localtime(),
    }


def html(tipo: str, pedido: Pedido, itens: list[ItemPedido]) -> str:
    return render_to_string(TEMPLATES[tipo], contexto(pedido, itens))


def pdf(conteudo_html: str) -> tuple[bytes, int]:
    """PDF bytes and the number of pages. Imported here: WeasyPrint loads Pango on import."""
    from weasyprint import HTML

    with sem_coleta_de_ciclos():  # long PDFs: see crm.memoria
        documento = HTML(string=conteudo_html, base_url=None).render()
        return documento.write_pdf(), len(documento.pages)
