"""Models: what the database and full_clean refuse (EAN, NCM, CEST, origin, overlaps…)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from produtos.constants import ORIGENS_IMPORTADAS, OrigemMercadoria
from produtos.models import (
    Cota,
    FatorConversao,
    KitComponente,
    PrecoLista,
    Produto,
    ProdutoSimilar,
    Promocao,
    validar_ean,
)
from tests.factories import ClienteFactory
from tests.produtos.fabricas import PrecoFactory, ProdutoFactory, ean_valido, tabela, unidade

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ean", ["7891234567895", "96385074", "012345678905", "17891234567892"])
def test_ean_com_digito_verificador_certo_e_aceito(ean):
    # given a GTIN-13/8/12/14 with its check digit; when validated; then nothing is raised
    validar_ean(ean)


@pytest.mark.parametrize("ean", ["7891234567890", "789123456789", "abc", "1234567"])
def test_ean_invalido_e_recusado(ean):
    # given a wrong check digit, wrong length or letters; when validated; then refused
    with pytest.raises(ValidationError, match="EAN/GTIN inválido"):
        validar_ean(ean)


def test_produto_valido_passa_no_full_clean():
    p = Produto(codigo=" abc-1 ", descricao="Parafuso", unidade=unidade(), ncm="73181500")
    p.full_clean()
    assert p.codigo == "ABC-1"  # normalized by clean()


@pytest.mark.parametrize(
    "campo, valor, mensagem",
    [
        ("ncm", "7318150", "8 dígitos"),
        ("ncm", "7318.15.00", "8 dígitos"),
        ("cest", "123456", "7 dígitos"),
        ("ean", "7891234567890", "EAN/GTIN inválido"),
    ],
)
def test_produto_recusa_dados_fiscais_mal_formados(campo, valor, mensagem):
    p = Produto(codigo="X1", descricao="X", unidade=unidade(), ncm="73181500")
    setattr(p, campo, valor)
    with pytest.raises(ValidationError, match=mensagem):
        p.full_clean()


def test_ncm_mal_formado_e_barrado_pelo_banco_mesmo_sem_full_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        Produto.objects.create(codigo="X1", descricao="X", unidade=unidade(), ncm="123")


def test_origem_tem_as_nove_descricoes_oficiais():
    assert [c.value for c in OrigemMercadoria] == [str(i) for i in range(9)]
    assert OrigemMercadoria("6").label.startswith(
        "6 – Estrangeira – Importação direta, sem similar"
    )
    assert {"1", "2", "3", "8"} == ORIGENS_IMPORTADAS
    assert ProdutoFactory(origem="1").importado
    assert not ProdutoFactory(origem="0").importado


def test_origem_fora_de_0_a_8_e_barrada_pelo_banco():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProdutoFactory(origem="9")


def test_bloqueio_exige_motivo():
    p = ProdutoFactory.build(bloqueado=True, motivo_bloqueio="  ")
    with pytest.raises(ValidationError, match="motivo do bloqueio"):
        p.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProdutoFactory(bloqueado=True, motivo_bloqueio="")


def test_peso_liquido_maior_que_bruto_e_recusado():
    p = ProdutoFactory.build(peso_bruto=Decimal("1"), peso_liquido=Decimal("2"))
    with pytest.raises(ValidationError, match="peso líquido"):
        p.full_clean()


def test_ean_repetido_e_recusado_mas_vazio_pode_repetir():
    ProdutoFactory(ean=ean_valido(1))
    with pytest.raises(ValidationError, match="Já existe um produto com este EAN"):
        ProdutoFactory.build(ean=ean_valido(1)).full_clean()
    ProdutoFactory(ean="")
    ProdutoFactory(ean="")  # no error: blank EANs do not collide


def test_preco_de_tabela_com_vigencia_sobreposta_e_barrado_pelo_banco():
    # given a price of P in table T valid from 01/01 open-ended
    p = PrecoFactory(inicio=dt.date(2025, 1, 1))
    # when another price of the same key starts inside that validity; then the DB refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        PrecoFactory(produto=p.produto, tabela=p.tabela, inicio=dt.date(2025, 6, 1))
    # and full_clean says why, in Portuguese
    outro = PrecoLista(
        produto=p.produto, tabela=p.tabela, preco=Decimal("1"), inicio=dt.date(2025, 6, 1)
    )
    with pytest.raises(ValidationError, match="vigência sobreposta"):
        outro.full_clean()


def test_precos_sem_sobreposicao_ou_de_outra_chave_convivem():
    p = PrecoFactory(inicio=dt.date(2025, 1, 1), fim=dt.date(2025, 5, 31))
    PrecoFactory(produto=p.produto, tabela=p.tabela, inicio=dt.date(2025, 6, 1))
    PrecoFactory(produto=p.produto, tabela=tabela("ATAC", "Atacado"), inicio=dt.date(2025, 1, 1))
    cliente = ClienteFactory()
    PrecoFactory(produto=p.produto, tabela=None, cliente=cliente, inicio=dt.date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PrecoFactory(produto=p.produto, tabela=None, cliente=cliente, inicio=dt.date(2025, 3, 1))
    assert PrecoLista.objects.filter(produto=p.produto).count() == 4


def test_preco_exige_tabela_ou_cliente_e_vigencia_ordenada():
    produto = ProdutoFactory()
    sem_chave = PrecoLista(produto=produto, preco=Decimal(1), inicio=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="tabela de preço ou o cliente"):
        sem_chave.full_clean()
    invertido = PrecoLista(
        produto=produto, tabela=tabela(), preco=Decimal(1),
        inicio=dt.date(2025, 2, 1), fim=dt.date(2025, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="anterior ao início"):
        invertido.full_clean()


def test_relacoes_de_um_produto_consigo_mesmo_sao_recusadas():
    p = ProdutoFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProdutoSimilar.objects.create(produto=p, similar=p)
    with pytest.raises(IntegrityError), transaction.atomic():
        KitComponente.objects.create(kit=p, componente=p, quantidade=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        FatorConversao.objects.create(
            produto=p, unidade_origem=unidade(), unidade_destino=unidade(), fator=2
        )


def test_promocao_exige_preco_ou_percentual_nunca_os_dois():
    p = ProdutoFactory()
    base = {"produto": p, "descricao": "Queima", "inicio": dt.date(2025, 1, 1),
            "fim": dt.date(2025, 1, 31)}  # fmt: skip
    with pytest.raises(ValidationError, match="um dos dois"):
        Promocao(**base).full_clean()
    with pytest.raises(ValidationError, match="um dos dois"):
        Promocao(**base, preco=Decimal(5), percentual_desconto=Decimal(10)).full_clean()
    Promocao(**base, percentual_desconto=Decimal(10)).full_clean()


def test_cota_exige_representante_ou_cliente():
    p = ProdutoFactory()
    cota = Cota(produto=p, inicio=dt.date(2025, 1, 1), fim=dt.date(2025, 1, 31), quantidade=10)
    with pytest.raises(ValidationError, match="representante, o cliente ou ambos"):
        cota.full_clean()
    cota.cliente = ClienteFactory()
    cota.full_clean()
    assert cota.saldo == Decimal(10)
