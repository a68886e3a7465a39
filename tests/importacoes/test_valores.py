"""Cell parsing (importacoes/valores.py) and header matching (importacoes/leitura.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from importacoes.leitura import casar_cabecalho
from importacoes.tipos import Coluna
from importacoes.valores import (
    Opcoes,
    ValorInvalido,
    data,
    dinheiro,
    exibir,
    inteiro,
    normalizar,
    sim_nao,
    texto,
)


@pytest.mark.parametrize(
    "celula, esperado",
    [
        (dt.date(1980, 5, 17), dt.date(1980, 5, 17)),
        (dt.datetime(1980, 5, 17, 13, 45), dt.date(1980, 5, 17)),
        ("17/05/1980", dt.date(1980, 5, 17)),
        ("7/5/1980", dt.date(1980, 5, 7)),
        (" 17/05/1980 ", dt.date(1980, 5, 17)),
        ("1980-05-17", dt.date(1980, 5, 17)),
        (29358, dt.date(1980, 5, 17)),  # Excel serial (a date cell saved without format)
        (29358.0, dt.date(1980, 5, 17)),
        ("29358", dt.date(1980, 5, 17)),
        ("", None),
        (None, None),
    ],
)
def test_datas_aceitas(celula, esperado):
    assert data(celula) == esperado


@pytest.mark.parametrize(
    "celula, mensagem",
    [
        ("31/02/2020", "Data “31/02/2020” não existe no calendário."),
        ("2020/31/01", "Data “2020/31/01” inválida (use dd/mm/aaaa)."),
        ("ontem", "Data “ontem” inválida (use dd/mm/aaaa)."),
        (-3, "Data -3 inválida (use dd/mm/aaaa)."),
    ],
)
def test_datas_recusadas(celula, mensagem):
    with pytest.raises(ValorInvalido) as erro:
        data(celula)
    assert erro.value.mensagem == mensagem


@pytest.mark.parametrize(
    "celula, esperado",
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("R$ 1.234,56", Decimal("1234.56")),
        ("R$\u00a01.234.567,8", Decimal("1234567.80")),
        ("1234.56", Decimal("1234.56")),
        ("1.234", Decimal("1234.00")),
        (1234.56, Decimal("1234.56")),
        (0.1 + 0.2, Decimal("0.30")),
        (1234, Decimal("1234.00")),
        ("-10,005", Decimal("-10.01")),  # ROUND_HALF_UP, crm.money
        ("", None),
    ],
)
def test_dinheiro(celula, esperado):
    assert dinheiro(celula) == esperado


@pytest.mark.parametrize("celula", ["mil", "1,2,3", "12a", True, "1.23.4"])
def test_dinheiro_recusado(celula):
    with pytest.raises(ValorInvalido):
        dinheiro(celula)


def test_inteiro():
    assert inteiro(42.0) == 42
    assert inteiro("42") == 42
    with pytest.raises(ValorInvalido, match="deve ser um número inteiro"):
        inteiro("42,5")


@pytest.mark.parametrize(
    "celula, esperado",
    [("Sim", True), ("sim", True), ("S", True), ("X", True), (1, True), (True, True),
     ("Não", False), ("nao", False), ("N", False), (0, False), (False, False), ("", None)],
)  # fmt: skip
def test_sim_nao(celula, esperado):
    assert sim_nao(celula) is esperado


def test_sim_nao_recusado():
    with pytest.raises(ValorInvalido, match="“Talvez” não é Sim ou Não"):
        sim_nao("Talvez", rotulo="Estrangeiro")


def test_texto_de_numeros_e_limite():
    assert texto(12345678909.0) == "12345678909"
    assert texto("  abc  ") == "abc"
    assert texto(1.5) == "1,5"
    with pytest.raises(ValorInvalido, match="com 4 caracteres; o máximo é 3"):
        texto("abcd", maximo=3, rotulo="Campo")


def test_exibir_devolve_a_celula_como_o_usuario_le():
    assert exibir(dt.date(2024, 1, 2)) == "02/01/2024"
    assert exibir(dt.datetime(2024, 1, 2, 0, 0)) == "02/01/2024"
    assert exibir(1234.5) == "1234,5"
    assert exibir(7.0) == "7"
    assert exibir(True) == "Sim"
    assert exibir("=1+1") == "=1+1"


def test_opcoes_por_codigo_ou_descricao_com_cache():
    opcoes = Opcoes(
        {normalizar("SP"): "SP", normalizar("São Paulo"): "SP"}, rotulo="UF", dica="sigla"
    )
    assert opcoes("sp") == "SP"
    assert opcoes("  SAO  paulo ") == "SP"
    for _ in range(2):  # the cached refusal raises every time
        with pytest.raises(ValorInvalido, match=r"UF “XX” não encontrado\. Use: sigla\."):
            opcoes("XX")


COLUNAS = [
    Coluna("documento", "CPF/CNPJ", "", "", True, sinonimos=("CPF",)),
    Coluna("nome", "Nome / Razão social", "", ""),
    Coluna("codigo", "Código externo", "", "", True),
]


def test_cabecalho_ignora_maiusculas_acentos_e_espacos():
    cab = casar_cabecalho(["  cpf/cnpj ", "NOME / RAZAO SOCIAL", "codigo   externo"], COLUNAS)
    assert cab.indices == {"documento": 0, "nome": 1, "codigo": 2}
    assert (cab.desconhecidas, cab.repetidas, cab.faltando) == ([], [], [])


def test_cabecalho_desconhecidas_repetidas_e_faltando():
    cab = casar_cabecalho(["CPF", "Apelido", None, "cpf/cnpj", "Problemas encontrados"], COLUNAS)
    assert cab.indices == {"documento": 0}
    assert cab.desconhecidas == ["Apelido"]  # the error file's own columns are not unknown
    assert cab.repetidas == ["cpf/cnpj"]
    assert [c.chave for c in cab.faltando] == ["codigo"]
