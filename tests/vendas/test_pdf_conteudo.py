"""What a long proposal / sales map PDF prints, page by page (read back with pdftotext): the
templates are tuned for WeasyPrint's speed (issue 6), and none of that may cost information —
every page keeps the company header, the repeated table header and "Página X de Y"; every item
line keeps its values; the totals and observations close the document."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.vendas.conftest import Cenario
from vendas import pdf
from vendas.models import ItemPedido, Pedido
from vendas.selectors import pedido_itens

pytestmark = pytest.mark.django_db

ITENS = 60  # two A4 pages of proposal, two of sales map


def _pedido_longo(cenario: Cenario) -> Pedido:
    """An order of ITENS lines (the three products in turn), written at once and recalculated
    once, as the bench does: adding them one by one through the service is slow."""
    from vendas.services import pedido_criar, pedido_recalcular

    pedido = pedido_criar(cliente_id=cenario.cliente.pk, ator=cenario.dono).pedido
    produtos = [(cenario.parafuso, Decimal(10)), (cenario.lampada, Decimal(1))]
    ItemPedido.objects.bulk_create(
        ItemPedido(pedido=pedido, sequencia=s, produto=produto, quantidade=quantidade)
        for s in range(1, ITENS + 1)
        for produto, quantidade in [produtos[s % 2]]
    )
    pedido_recalcular(pedido_id=pedido.pk)
    Pedido.objects.filter(pk=pedido.pk).update(observacoes="Entregar na doca 3.\nLigar antes.")
    return Pedido.objects.select_related(
        "cliente", "empresa", "representante", "condicao_pagamento", "tipo_frete", "transportadora"
    ).get(pk=pedido.pk)


def _paginas(tipo: str, pedido: Pedido, pasta: Path) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) ausente: rode `make sistema`")
    dados, paginas = pdf.pdf(pdf.html(tipo, pedido, pedido_itens(pedido)))
    arquivo = pasta / f"{tipo}.pdf"
    arquivo.write_bytes(dados)
    texto = subprocess.run(
        ["pdftotext", "-layout", str(arquivo), "-"], capture_output=True, text=True, check=True
    ).stdout
    folhas = texto.split("\f")
    if folhas and not folhas[-1].strip():
        folhas.pop()
    assert len(folhas) == paginas
    return folhas


def _brl(valor: Any) -> str:
    from crm.templatetags.formatos import brl  # the filter the templates use

    return str(brl(valor))


def test_proposta_longa_cada_pagina_tem_cabecalho_e_numero(cenario: Cenario, tmp_path) -> None:
    # given a 60-item order; when its proposal is printed
    pedido = _pedido_longo(cenario)
    folhas = _paginas("proposta", pedido, tmp_path)
    empresa = pedido.empresa
    # then it spans pages, and every page has the company, its CNPJ, the document, the
    # repeated table header and "Página X de Y"
    assert len(folhas) >= 2
    for n, folha in enumerate(folhas, start=1):
        assert empresa.nome in folha and f"CNPJ {empresa.cnpj_formatado}" in folha
        assert "Proposta comercial" in folha and f"nº {pedido.numero}" in folha
        assert f"Página {n} de {len(folhas)}" in folha
        for coluna in ("Produto", "Qtd", "Preço unit.", "ICMS-ST", "Total", "Entrega"):
            assert coluna in folha, (n, coluna)
    # the client block is on the first page
    assert cenario.cliente.nome in folhas[0] and "Condições" in folhas[0]
    # every item line is printed once, with its total in pt-BR money
    texto = "\n".join(folhas)
    assert texto.count("PAR-001") == ITENS // 2 and texto.count("LAMP-LED") == ITENS // 2
    # (code, description and the quantity with its unit on each line)
    assert "PAR-001 – Parafuso" in texto and " UN" in texto
    for item in pedido_itens(pedido):
        assert _brl(item.total) in texto
    # and the totals and the observations close it, on the last page
    assert "Produtos" in folhas[-1] and _brl(pedido.v_nf) in folhas[-1]
    assert "Entregar na doca 3." in folhas[-1] and "Ligar antes." in folhas[-1]


def test_mapa_longo_cada_pagina_tem_cabecalho_e_subtotal(cenario: Cenario, tmp_path) -> None:
    # given the same order; when its sales map is printed
    pedido = _pedido_longo(cenario)
    folhas = _paginas("mapa", pedido, tmp_path)
    # then every page has the document, the repeated table header and its number
    assert len(folhas) >= 2
    for n, folha in enumerate(folhas, start=1):
        assert "Mapa de vendas" in folha and f"Página {n} de {len(folhas)}" in folha
        for coluna in ("Entrega", "Peso (kg)", "Estoque", "Valor líquido", "ICMS", "Total"):
            assert coluna in folha, (n, coluna)
    texto = "\n".join(folhas)
    # the items (no promised date: one group) close with their subtotal and the order's total
    assert texto.count("PAR-001") == ITENS // 2
    assert f"({ITENS} itens)" in texto and "Sem data" in texto
    assert _brl(pedido.v_nf) in folhas[-1]
