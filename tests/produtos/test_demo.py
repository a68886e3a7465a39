"""Demo catalogue: valid products (NCM, EAN check digit), prices, costs and stock, re-runnable."""

from __future__ import annotations

import pytest
from stdnum import ean as stdnum_ean

from produtos.demo import gerar_produtos
from produtos.models import Custo, Estoque, PrecoLista, Produto

pytestmark = pytest.mark.django_db


def test_gera_produtos_validos_com_preco_custo_e_estoque():
    # when 200 demo products are generated
    assert gerar_produtos(200) == 200
    # then every one passes the model's validation, has a valid EAN, a price, a cost and stock
    produtos = list(Produto.objects.all())
    assert len(produtos) == 200
    for p in produtos[:50]:
        p.full_clean()
    assert all(stdnum_ean.is_valid(p.ean) for p in produtos if p.ean)
    assert PrecoLista.objects.count() == 200
    assert Custo.objects.count() == 200
    assert Estoque.objects.values("produto").distinct().count() == 200


def test_tabelas_e_armazens_dos_clientes_recebem_preco_e_estoque():
    from cadastro.models import Armazem, TabelaVenda

    # given the clients' sales table (cadastro's demo) with its own warehouse
    armazem = Armazem.objects.create(codigo="CD-GRU", descricao="CD Guarulhos")
    tabela = TabelaVenda.objects.create(codigo="TAB-SE", descricao="Sudeste", armazem=armazem)
    # when the catalogue is generated
    gerar_produtos(20)
    # then every product can be sold from that table: a price in it, stock in its warehouse
    assert PrecoLista.objects.filter(tabela=tabela).count() == 20
    em_estoque = Estoque.objects.filter(armazem=armazem, quantidade__gte=50)
    assert em_estoque.values("produto").distinct().count() == 20


def test_rodar_de_novo_acrescenta_sem_colidir():
    gerar_produtos(30)
    gerar_produtos(30, semente=7)
    assert Produto.objects.count() == 60
    assert Produto.objects.values("codigo").distinct().count() == 60


def test_comando_com_se_vazio_nao_gera_de_novo(db):
    from django.core.management import call_command

    from produtos.models import Produto

    call_command("gerar_demo_produtos", "--produtos", "5", "--se-vazio")
    call_command("gerar_demo_produtos", "--produtos", "5", "--se-vazio")
    assert Produto.objects.count() == 5
