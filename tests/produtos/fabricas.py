"""Factories of the catalogue (Faker pt_BR), shared by the produtos tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory
from stdnum import ean as stdnum_ean

from cadastro.models import Armazem, TabelaVenda
from produtos import models as m

_seq = itertools.count(1)


def ean_valido(n: int) -> str:
    corpo = f"789123{n:06d}"
    return corpo + stdnum_ean.calc_check_digit(corpo)


def unidade(codigo: str = "UN", descricao: str = "Unidade") -> m.Unidade:
    obj, _ = m.Unidade.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})
    return obj


def tabela(codigo: str = "PADRAO", descricao: str = "Tabela padrão") -> TabelaVenda:
    obj, _ = TabelaVenda.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})
    return obj


def armazem(codigo: str = "CD-SP", descricao: str = "CD São Paulo") -> Armazem:
    obj, _ = Armazem.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})
    return obj


class ProdutoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Produto

    codigo = factory.LazyFunction(lambda: f"T{next(_seq):06d}")
    descricao = factory.Sequence(lambda n: f"Produto de teste {n}")
    ean = factory.LazyFunction(lambda: ean_valido(500_000 + next(_seq)))
    unidade = factory.LazyFunction(unidade)
    ncm = "73181500"
    origem = "0"


class PrecoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PrecoLista

    produto = factory.SubFactory(ProdutoFactory)
    tabela = factory.LazyFunction(tabela)
    preco = Decimal("10.00")
    inicio = dt.date(2025, 1, 1)
