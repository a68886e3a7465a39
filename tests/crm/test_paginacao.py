"""Keyset pagination (crm/paginacao.py): no row skipped or repeated, in both directions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from cadastro.models import Cliente
from crm.paginacao import Chave, PaginadorKeyset, contar_limitado, texto_total
from tests.factories import CarteiraFactory, ClienteFactory

pytestmark = pytest.mark.django_db

NOMES = ["Ana", "Bruno", "Ana", "Carla", "Ana", "Bruno", "Davi"]


@pytest.fixture
def clientes() -> list[Cliente]:
    """23 clients with repeated names, repeated timestamps, some without document/carteira."""
    carteiras = [CarteiraFactory(nome="Norte"), CarteiraFactory(nome="Sul")]
    momento = timezone.make_aware(dt.datetime(2024, 5, 1, 10, 0, 0, 123456))
    criados = []
    for i in range(23):
        if i % 5 == 0:
            c = ClienteFactory(
                nome=NOMES[i % len(NOMES)], documento=None, estrangeiro=True, carteira=None
            )
        else:
            c = ClienteFactory(nome=NOMES[i % len(NOMES)], carteira=carteiras[i % 2])
        # Several rows share the very same microsecond: the tiebreaker must hold them apart.
        Cliente.objects.filter(pk=c.pk).update(
            criado_em=momento + dt.timedelta(microseconds=i // 3)
        )
        criados.append(c)
    return criados


def _valor(c: Cliente, campo: str) -> object:
    obj: object = c
    for parte in campo.split("__"):
        obj = getattr(obj, parte) if obj is not None else None
    return obj


def _esperado(campo: str, desc: bool) -> list[int]:
    """Python oracle: NULLs last ascending, first descending; id breaks ties in the same way."""
    linhas = list(Cliente.objects.select_related("carteira", "status"))
    com = [c for c in linhas if _valor(c, campo) is not None]
    sem = [c for c in linhas if _valor(c, campo) is None]
    com.sort(key=lambda c: (_valor(c, campo), c.pk), reverse=desc)
    sem.sort(key=lambda c: c.pk, reverse=desc)
    ordem = sem + com if desc else com + sem
    return [c.pk for c in ordem]


def _paginador(ordem: str, por_pagina: int = 5) -> PaginadorKeyset[Cliente]:
    return PaginadorKeyset(
        Cliente.objects.all(), chave=Chave.de(Cliente, ordem), por_pagina=por_pagina
    )


ORDENS = [
    "nome", "-nome", "documento", "-documento", "carteira__nome", "-carteira__nome",
    "criado_em", "-criado_em", "status__descricao", "-pk",
]  # fmt: skip


@pytest.mark.parametrize("ordem", ORDENS)
@pytest.mark.parametrize("por_pagina", [1, 4, 5, 23, 30])
def test_avancar_e_voltar_percorre_todas_as_linhas_uma_vez(clientes, ordem, por_pagina):
    # given 23 clients with duplicate sort values and NULLs
    esperado = _esperado(ordem.lstrip("-").replace("pk", "id"), ordem.startswith("-"))
    paginador = _paginador(ordem, por_pagina)
    # when walking forward with "Próxima" from the first page
    vistos: list[int] = []
    pagina = paginador.pagina(None)
    assert pagina.tem_anterior is False
    paginas = 1
    while True:
        vistos += [c.pk for c in pagina]
        if not pagina.tem_proxima:
            break
        pagina = paginador.pagina(pagina.cursor_proxima)
        assert pagina.tem_anterior is True
        paginas += 1
        assert paginas < 50
    # then every row shows up once, in order
    assert vistos == esperado
    # and walking back from "Última" with "Anterior" yields the pages before, until a
    # short remainder, which is shown as the first page (re-aligned to the start)
    n = por_pagina
    pagina = paginador.pagina(paginador.cursor_ultima())
    assert pagina.tem_proxima is False
    inicio = max(0, len(esperado) - n)
    assert [c.pk for c in pagina] == esperado[inicio:]
    while pagina.tem_anterior:
        pagina = paginador.pagina(pagina.cursor_anterior)
        assert pagina.tem_proxima is True
        inicio = max(0, inicio - n)
        assert [c.pk for c in pagina] == esperado[inicio : inicio + n]
    assert inicio == 0
    assert pagina.e_primeira


def test_anterior_devolve_exatamente_a_pagina_anterior(clientes):
    paginador = _paginador("nome", 5)
    p1 = paginador.pagina(None)
    p2 = paginador.pagina(p1.cursor_proxima)
    p3 = paginador.pagina(p2.cursor_proxima)
    # when going back from page 3
    de_volta = paginador.pagina(p3.cursor_anterior)
    # then it is page 2, with both links
    assert [c.pk for c in de_volta] == [c.pk for c in p2]
    assert de_volta.tem_anterior and de_volta.tem_proxima
    assert [c.pk for c in paginador.pagina(de_volta.cursor_anterior)] == [c.pk for c in p1]


def test_ultima_pagina_e_busca_reversa_sem_offset(clientes, django_assert_max_num_queries):
    paginador = _paginador("nome", 5)
    esperado = _esperado("nome", False)
    # when asking for the last page
    with django_assert_max_num_queries(2) as capturadas:
        ultima = paginador.pagina(paginador.cursor_ultima())
    # then it holds the last 5 rows, read in reverse order with LIMIT and no OFFSET
    assert [c.pk for c in ultima] == esperado[-5:]
    assert ultima.e_ultima and ultima.tem_anterior
    sql = " ".join(q["sql"] for q in capturadas.captured_queries)
    assert "OFFSET" not in sql.upper()
    assert "DESC" in sql.upper()


def test_coluna_anulavel_le_os_dois_segmentos_em_no_maximo_tres_consultas(
    clientes, django_assert_max_num_queries
):
    paginador = _paginador("documento", 10)
    esperado = _esperado("documento", False)
    p1 = paginador.pagina(None)
    p2 = paginador.pagina(p1.cursor_proxima)
    # when the page crosses from the documented rows into the NULL ones
    with django_assert_max_num_queries(3):
        p3 = paginador.pagina(p2.cursor_proxima)
    # then it continues with the NULL rows by id
    assert [c.pk for c in p1] + [c.pk for c in p2] + [c.pk for c in p3] == esperado


@pytest.mark.parametrize(
    "cursor",
    ["lixo", signing.dumps({"o": "nome", "d": "a"}, salt="outro"), ""],
)
def test_cursor_invalido_volta_para_a_primeira_pagina(clientes, cursor):
    paginador = _paginador("nome", 5)
    assert [c.pk for c in paginador.pagina(cursor)] == _esperado("nome", False)[:5]


def test_cursor_de_outra_ordenacao_e_ignorado(clientes):
    por_nome = _paginador("nome", 5)
    cursor = por_nome.pagina(None).cursor_proxima
    por_data = _paginador("-criado_em", 5)
    assert [c.pk for c in por_data.pagina(cursor)] == _esperado("criado_em", True)[:5]


def test_cursor_alem_do_fim_mostra_a_ultima_pagina(clientes):
    paginador = _paginador("nome", 5)
    esperado = _esperado("nome", False)
    penultima = paginador.pagina(paginador.cursor_ultima())
    cursor = penultima.cursor_proxima or paginador.cursor_para(penultima.objetos[-1], "a")
    # rows after the cursor disappear (deleted by someone else)
    assert [c.pk for c in paginador.pagina(cursor)] == esperado[-5:]


def test_contagem_limitada(clientes, django_assert_num_queries):
    # when counting with a cap below the total
    with django_assert_num_queries(1) as q:
        total, passou = contar_limitado(Cliente.objects.all(), limite=10)
    # then it stops at the cap and says so
    assert (total, passou) == (10, True)
    assert "LIMIT 11" in q.captured_queries[0]["sql"]
    assert contar_limitado(Cliente.objects.all(), limite=100) == (23, False)


def test_texto_do_total():
    assert texto_total(1, False, "cliente", "clientes") == "1 cliente"
    assert texto_total(1234, False, "cliente", "clientes") == "1.234 clientes"
    assert texto_total(100_000, True, "cliente", "clientes") == "mais de 100.000 clientes"
    assert texto_total(0, False, "cliente", "clientes") == "0 clientes"


def test_chave_sabe_quais_colunas_sao_anulaveis():
    assert Chave.de(Cliente, "nome").anulavel is False
    assert Chave.de(Cliente, "-documento") == Chave("documento", desc=True, anulavel=True)
    assert Chave.de(Cliente, "carteira__nome").anulavel is True
    assert Chave.de(Cliente, "status__descricao").anulavel is False


def test_contagem_grande_fica_em_cache_e_pequena_nao(db, monkeypatch, django_assert_num_queries):
    from django.core.cache import cache

    from cadastro.models import Municipio
    from crm import paginacao

    cache.clear()
    grandes = Municipio.objects.all()  # 5.571 rows loaded by the migrations
    pequenas = Municipio.objects.filter(uf="AC")  # 22 rows
    monkeypatch.setattr(paginacao, "CONTAGEM_CACHE_MINIMA", 1000)
    with django_assert_num_queries(1):
        assert paginacao.contar_limitado(grandes, 100_000) == (5571, False)
    with django_assert_num_queries(0):  # second page of the same list: no recount
        assert paginacao.contar_limitado(grandes, 100_000) == (5571, False)
    for _ in range(2):
        with django_assert_num_queries(1):  # small counts are always exact
            assert paginacao.contar_limitado(pequenas, 100_000) == (22, False)
