"""BaseTable.campo_ordenacao: the keyset sort key for a `?ordenar=` alias."""

from __future__ import annotations

import django_tables2 as tables

from cadastro.models import Cliente
from crm.tables import BaseTable, DadosPagina


class TabelaDecrescente(BaseTable):
    nome = tables.Column()
    criado_em = tables.Column()
    documento = tables.Column(orderable=False)
    carteira = tables.Column(order_by=("carteira__nome", "nome"))

    class Meta(BaseTable.Meta):
        model = Cliente
        fields = ("nome", "criado_em", "documento", "carteira")
        order_by = ("-criado_em",)


def _tabela() -> TabelaDecrescente:
    return TabelaDecrescente(DadosPagina([], Cliente))


def test_meta_order_by_decrescente_nao_inverte_a_direcao() -> None:
    tabela = _tabela()
    assert tabela.campo_ordenacao("-criado_em") == "-criado_em"
    assert tabela.campo_ordenacao("criado_em") == "criado_em"


def test_ordenacao_por_outra_coluna() -> None:
    tabela = _tabela()
    assert tabela.campo_ordenacao("nome") == "nome"
    assert tabela.campo_ordenacao("-nome") == "-nome"


def test_colunas_sem_chave_unica_ou_inexistentes_nao_ordenam() -> None:
    tabela = _tabela()
    assert tabela.campo_ordenacao("documento") is None  # orderable=False
    assert tabela.campo_ordenacao("carteira") is None  # two keys: keyset needs one
    assert tabela.campo_ordenacao("senha") is None
