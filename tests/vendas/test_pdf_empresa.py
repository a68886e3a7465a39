"""The proposal/sales-map PDF carries the order's company logo (contas.Empresa.logo) when set,
else the product's logo, and the company's CNPJ formatted."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile

from tests.vendas.conftest import criar_pedido
from vendas import pdf
from vendas.selectors import pedido_itens

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png() -> bytes:
    from PIL import Image

    imagem = Image.new("RGB", (240, 60), (200, 30, 30))
    saida = io.BytesIO()
    imagem.save(saida, format="PNG")
    return saida.getvalue()


def _html(pedido) -> str:
    from vendas.models import Pedido

    pedido = Pedido.objects.select_related("empresa", "cliente", "representante").get(pk=pedido.pk)
    return pdf.html("proposta", pedido, pedido_itens(pedido))


def test_sem_logo_da_empresa_usa_o_logo_padrao_e_mostra_o_cnpj(cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    empresa = pedido.empresa
    html = _html(pedido)
    assert "data:image/svg+xml;base64," in html and 'class="logo-empresa"' not in html
    cnpj = empresa.cnpj
    formatado = f"{cnpj[:2]}.{cnpj[2:5]}.{cnpj[5:8]}/{cnpj[8:12]}-{cnpj[12:]}"
    assert f"CNPJ {formatado}" in html


def test_logo_da_empresa_no_pdf(cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    empresa = pedido.empresa
    empresa.logo.save("logo.png", ContentFile(_png()), save=True)
    html = _html(pedido)
    assert 'class="logo-empresa"' in html and "data:image/png;base64," in html
    dados, paginas = pdf.pdf(html)
    assert dados.startswith(b"%PDF") and paginas == 1


def test_arquivo_do_logo_sumiu_volta_ao_padrao(cenario):
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    empresa = pedido.empresa
    empresa.logo.name = "contas/logos/nao-existe.png"
    empresa.save(update_fields=["logo"])
    assert "data:image/svg+xml;base64," in _html(pedido)


def test_rodape_imprime_o_nome_da_empresa_com_sinais(cenario, tmp_path):
    import shutil
    import subprocess

    # given a company whose name has signs a CSS string must escape
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    empresa = pedido.empresa
    empresa.nome = 'Silva & Filhos "Atacado" \\ Cia'
    empresa.save(update_fields=["nome"])
    # when the proposal is rendered
    dados, _paginas = pdf.pdf(_html(pedido))
    # then the footer (a CSS `content:` string) prints it as typed
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) ausente: rode `make sistema`")
    arquivo = tmp_path / "proposta.pdf"
    arquivo.write_bytes(dados)
    texto = subprocess.run(
        ["pdftotext", str(arquivo), "-"], capture_output=True, text=True, check=True
    ).stdout
    # (once in the page header, once in the footer)
    assert texto.count('Silva & Filhos "Atacado" \\ Cia · CNPJ') == 2, texto
