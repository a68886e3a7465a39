"""Global search (cadastro/busca.py + /busca/): every kind of term, visibility, indexes."""

from __future__ import annotations

import pytest
from django.db import connection

from cadastro.busca import (
    _base,
    busca_global,
    buscar_documento,
    buscar_email,
    buscar_telefone,
    candidatos_nome,
)
from tests.factories import ClienteFactory, EmailFactory, TelefoneFactory

pytestmark = pytest.mark.django_db

CNPJ_ALFA = "12ABC34501DE35"  # alphanumeric CNPJ (IN RFB 2.229/2024), valid check digits


def _nomes(resultado, grupo: str) -> list[str]:
    return [c.nome for c in resultado.grupos.get(grupo, [])]


@pytest.fixture
def base(pessoas):
    """Clients of carteira A (dono's) and one look-alike of each in carteira B (colega's)."""
    joao = ClienteFactory(nome="João Conceição", documento="52998224725", carteira=pessoas.a)
    TelefoneFactory(cliente=joao, ddd="11", numero="987654321", principal=True)
    TelefoneFactory(cliente=joao, ddd="21", numero="987654321")  # same number, other DDD
    TelefoneFactory(cliente=joao, ddd="11", numero="33334444", tipo="fixo")
    EmailFactory(cliente=joao, valor="joao.conceicao@exemplo.com.br")
    empresa = ClienteFactory(
        juridica=True,
        documento=CNPJ_ALFA,
        nome="Comércio de Pães Ltda",
        nome_fantasia="Padaria Estrela",
        carteira=pessoas.a,
    )
    ClienteFactory(nome="Mariana Alves", carteira=pessoas.a)
    ClienteFactory(nome="Ana Maria Souza", carteira=pessoas.a)
    outro = ClienteFactory(
        nome="João Conceição Segundo", documento="11144477735", carteira=pessoas.b
    )
    TelefoneFactory(cliente=outro, ddd="11", numero="912345678")
    EmailFactory(cliente=outro, valor="segredo@exemplo.com.br")
    return {"joao": joao, "empresa": empresa, "outro": outro}


@pytest.mark.parametrize("termo", ["529.982.247-25", "52998224725", " 529 982 247 25 "])
def test_cpf_com_ou_sem_mascara(pessoas, base, termo):
    r = busca_global(user=pessoas.usuarios["dono"], termo=termo)
    assert _nomes(r, "CPF/CNPJ") == ["João Conceição"]


@pytest.mark.parametrize("termo", ["12.ABC.345/01DE-35", "12abc34501de35", "12ABC345"])
def test_cnpj_alfanumerico_com_ou_sem_mascara_e_raiz(pessoas, base, termo):
    r = busca_global(user=pessoas.usuarios["dono"], termo=termo)
    assert _nomes(r, "CPF/CNPJ") == ["Comércio de Pães Ltda"]


@pytest.mark.parametrize(
    "termo", ["(11) 98765-4321", "11987654321", "+55 11 98765-4321", "011 98765-4321"]
)
def test_telefone_com_ddd(pessoas, base, termo):
    r = busca_global(user=pessoas.usuarios["dono"], termo=termo)
    assert _nomes(r, "Telefone") == ["João Conceição"]


@pytest.mark.parametrize("termo", ["98765-4321", "987654321", "3333-4444"])
def test_telefone_sem_ddd_aparece_uma_vez(pessoas, base, termo):
    # João has 987654321 in two DDDs: he is listed once
    r = busca_global(user=pessoas.usuarios["dono"], termo=termo)
    assert _nomes(r, "Telefone") == ["João Conceição"]


def test_telefone_com_ddd_errado_nao_encontra(pessoas, base):
    r = busca_global(user=pessoas.usuarios["dono"], termo="(31) 98765-4321")
    assert _nomes(r, "Telefone") == []


@pytest.mark.parametrize(
    "termo", ["joao.conceicao@exemplo.com.br", "JOAO.Conceicao@Exemplo.com.br", "joao.conc"]
)
def test_email_completo_ou_comeco(pessoas, base, termo):
    r = busca_global(user=pessoas.usuarios["dono"], termo=termo + ("" if "@" in termo else "@"))
    assert _nomes(r, "E-mail") == (["João Conceição"] if "@" in termo else [])


def test_email_parcial_pelo_comeco(pessoas, base):
    r = busca_global(user=pessoas.usuarios["dono"], termo="joao.conceicao@exem")
    assert _nomes(r, "E-mail") == ["João Conceição"]


@pytest.mark.parametrize("termo", ["joao conceicao", "JOÃO", "conceicao", "Joao Conceicão"])
def test_nome_sem_acento_e_sem_caixa(pessoas, base, termo):
    r = busca_global(user=pessoas.usuarios["dono"], termo=termo)
    assert _nomes(r, "Nome") == ["João Conceição"]


def test_nome_com_erro_de_digitacao_por_semelhanca(pessoas, base):
    r = busca_global(user=pessoas.usuarios["dono"], termo="Joao Consseicao")
    assert _nomes(r, "Nome") == ["João Conceição"]


def test_nome_fantasia(pessoas, base):
    r = busca_global(user=pessoas.usuarios["dono"], termo="padaria estrela")
    assert _nomes(r, "Nome") == ["Comércio de Pães Ltda"]


def test_ranking_quem_comeca_com_o_termo_vem_antes(pessoas, base):
    r = busca_global(user=pessoas.usuarios["dono"], termo="ana")
    assert _nomes(r, "Nome")[:2] == ["Ana Maria Souza", "Mariana Alves"]


def test_nome_curto_pede_mais_letras(pessoas, base):
    r = busca_global(user=pessoas.usuarios["dono"], termo="jo")
    assert r.vazio
    assert r.avisos == ["Digite ao menos 3 letras para buscar por nome."]


@pytest.mark.parametrize(
    "termo", ["segredo@exemplo.com.br", "111.444.777-35", "(11) 91234-5678", "Segundo"]
)
def test_busca_nunca_mostra_cliente_de_outra_carteira(pessoas, base, termo):
    # given a client of carteira B that matches the term
    # when dono (carteira A) searches
    r = busca_global(user=pessoas.usuarios["dono"], termo=termo)
    # then it is not found; colega (B) and SAC do find it
    assert "João Conceição Segundo" not in [n for g in r.grupos for n in _nomes(r, g)]
    for quem in ("colega", "sac"):
        r = busca_global(user=pessoas.usuarios[quem], termo=termo)
        assert "João Conceição Segundo" in [n for g in r.grupos for n in _nomes(r, g)]


# --- the view --------------------------------------------------------------------------------


def test_view_htmx_devolve_o_dropdown_e_a_pagina_completa_sem_htmx(client, pessoas, base):
    client.force_login(pessoas.usuarios["dono"])
    parcial = client.get("/busca/", {"q": "conceicao"}, HTTP_HX_REQUEST="true")
    html = parcial.content.decode()
    assert "<html" not in html
    assert "João Conceição" in html
    assert f'href="/clientes/{base["joao"].pk}/"' in html
    assert "Ver todos os resultados" in html
    assert "HX-Request" in parcial["Vary"]
    pagina = client.get("/busca/", {"q": "conceicao"})
    assert "<html" in pagina.content.decode()
    assert "Segundo" not in pagina.content.decode()


def test_view_sem_resultado_e_exige_login(client, pessoas, base):
    assert client.get("/busca/", {"q": "x"}).status_code == 302
    client.force_login(pessoas.usuarios["dono"])
    html = client.get("/busca/", {"q": "zzzzzz"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Nenhum cliente encontrado" in html


def test_view_consultas_constantes(client, pessoas, base, django_assert_max_num_queries):
    ClienteFactory.create_batch(30, nome="Joana Conceição", carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    with django_assert_max_num_queries(8):
        resp = client.get("/busca/", {"q": "conceicao"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200


# --- indexes (EXPLAIN) ----------------------------------------------------------------------


def _plano(qs, *, so_bitmap: bool = False) -> str:
    # The test tables are tiny, so the planner would rightly prefer a sequential scan; turning
    # scans off asks "CAN this query use the index?", which is what breaks when someone
    # writes a non-indexable predicate (ILIKE on a column, lower() without the wrapper…).
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        if so_bitmap:  # a full scan of some other btree would also dodge the seqscan
            cur.execute("SET LOCAL enable_indexscan = off")
            cur.execute("SET LOCAL enable_indexonlyscan = off")
    return qs.explain()


def test_busca_por_nome_usa_os_indices_trigrama(pessoas, base):
    admin = pessoas.usuarios["admin"]
    for plano in (
        _plano(candidatos_nome(_base(admin), "joao conceicao"), so_bitmap=True),
        _plano(candidatos_nome(_base(admin), "joao consseicao", parecidos=True), so_bitmap=True),
    ):
        assert "Bitmap Index Scan on cliente_nome_trgm" in plano
        assert "Bitmap Index Scan on cliente_fantasia_trgm" in plano


def test_busca_por_documento_telefone_email_usa_indices(pessoas, base):
    admin = pessoas.usuarios["admin"]
    # either the unique index or the pattern-ops prefix index (cadastro 0005) will do
    assert "cliente_documento_" in _plano(buscar_documento(_base(admin), "52998224725"))
    assert "cliente_documento_" in _plano(buscar_documento(_base(admin), "12ABC345"))
    assert "telefone_numero" in _plano(buscar_telefone(_base(admin), "98765-4321"))
    plano_email = _plano(buscar_email(_base(admin), "joao@exemplo.com"))
    assert "contato_eletronico_valor" in plano_email or "contato_valor_prefixo" in plano_email
    assert "contato_eletronico_valor" in _plano(buscar_email(_base(admin), "joao@exe"))
