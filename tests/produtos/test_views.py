"""Screens: every view with rep / SAC / supervisor / admin, costs hidden from reps, queries."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from produtos.models import (
    Anexo,
    Custo,
    Estoque,
    EventoProduto,
    KitComponente,
    PrecoLista,
    Produto,
    ProdutoSimilar,
)
from produtos.secoes import ABAS
from tests.factories import ClienteFactory
from tests.produtos.fabricas import PrecoFactory, ProdutoFactory, armazem, tabela, unidade

pytestmark = pytest.mark.django_db

LISTA = "/produtos/"
PAPEIS = ["dono", "sac", "supervisor", "admin"]


def _entrar(client, pessoas, quem: str):
    client.force_login(pessoas.usuarios[quem])
    return pessoas.usuarios[quem]


@pytest.fixture
def produto():
    p = ProdutoFactory(codigo="CAF-1", descricao="Café torrado 500g")
    PrecoFactory(produto=p, preco=Decimal("21.90"), inicio=dt.date(2020, 1, 1))
    Custo.objects.create(produto=p, data=dt.date(2020, 1, 1), custo=Decimal("13.37"))
    Estoque.objects.create(produto=p, armazem=armazem(), unidade=unidade(), quantidade=40)
    return p


# --- list --------------------------------------------------------------------------------------


@pytest.mark.parametrize("quem", PAPEIS)
def test_lista_abre_para_todos_os_papeis(client, pessoas, produto, quem):
    _entrar(client, pessoas, quem)
    resp = client.get(LISTA)
    assert resp.status_code == 200
    assert "Café torrado 500g" in resp.content.decode()
    assert "R$ 21,90" in resp.content.decode()


@pytest.mark.parametrize("quem, ve", [("dono", False), ("sac", False), ("supervisor", True),
                                      ("admin", True)])  # fmt: skip
def test_custo_e_margem_so_aparecem_para_supervisor_e_admin(client, pessoas, produto, quem, ve):
    # given a product with cost 13,37 and price 21,90
    _entrar(client, pessoas, quem)
    corpo = client.get(LISTA).content.decode()
    # then only supervisors/admins see the cost and the margin columns
    assert ("R$ 13,37" in corpo) is ve
    assert ("Margem" in corpo) is ve
    assert ("38,9%" in corpo) is ve


def test_lista_anonimo_vai_para_o_login(client):
    resp = client.get(LISTA)
    assert resp.status_code == 302 and "/contas/" in resp["Location"]


def test_lista_nao_cresce_em_consultas(client, pessoas, django_assert_max_num_queries):
    # given 60 products with prices, costs and stock
    for _ in range(60):
        p = ProdutoFactory()
        PrecoFactory(produto=p)
        Custo.objects.create(produto=p, data=dt.date(2020, 1, 1), custo=Decimal(1))
    _entrar(client, pessoas, "supervisor")
    client.get(LISTA)  # warm caches that are not per page
    # when a 50-row page is requested; then the number of queries is fixed
    with django_assert_max_num_queries(12):
        resp = client.get(LISTA + "?por_pagina=50")
    assert resp.status_code == 200


def test_filtros_e_busca_sem_acento(client, pessoas, produto):
    ProdutoFactory(codigo="SAB-1", descricao="Sabão em pó", bloqueado=True, motivo_bloqueio="x")
    _entrar(client, pessoas, "dono")
    corpo = client.get(LISTA, {"q": "cafe"}).content.decode()
    assert "CAF-1" in corpo and "SAB-1" not in corpo
    corpo = client.get(LISTA, {"q": "SABAO"}).content.decode()
    assert "SAB-1" in corpo
    corpo = client.get(LISTA, {"situacao": "bloqueados"}).content.decode()
    assert "SAB-1" in corpo and "CAF-1" not in corpo
    corpo = client.get(LISTA, {"q": produto.ean}).content.decode()
    assert "CAF-1" in corpo and "SAB-1" not in corpo
    corpo = client.get(LISTA, {"com_estoque": "true"}).content.decode()
    assert "CAF-1" in corpo and "SAB-1" not in corpo


def test_ordenacao_por_codigo(client, pessoas):
    ProdutoFactory(codigo="B1", descricao="Alfa")
    ProdutoFactory(codigo="A1", descricao="Beta")
    _entrar(client, pessoas, "dono")
    corpo = client.get(LISTA, {"ordenar": "codigo"}).content.decode()
    assert corpo.index(">A1<") < corpo.index(">B1<")
    corpo = client.get(LISTA).content.decode()  # default: description
    assert corpo.index(">B1<") < corpo.index(">A1<")


def test_lista_htmx_devolve_so_a_tabela(client, pessoas, produto):
    _entrar(client, pessoas, "dono")
    resp = client.get(LISTA, {"q": "cafe"}, HTTP_HX_REQUEST="true")
    corpo = resp.content.decode()
    assert 'id="produto-tabela"' in corpo and "<html" not in corpo
    assert resp["Vary"] == "HX-Request" or "HX-Request" in resp["Vary"]


def _planilha(resp):
    return load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active


def test_exportar_excel_tem_as_linhas_filtradas_sem_custo_para_rep(client, pessoas, produto):
    ProdutoFactory(codigo="OUTRO", descricao="Outro produto")
    _entrar(client, pessoas, "dono")
    resp = client.get(LISTA + "exportar/", {"q": "cafe"})
    assert resp.status_code == 200
    ws = _planilha(resp)
    cabecalho = [c.value for c in ws[1]]
    linhas = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(linhas) == 1 and linhas[0][0] == "CAF-1"
    assert linhas[0][cabecalho.index("Preço")] == pytest.approx(21.90)
    assert "Custo" not in cabecalho and "Margem" not in cabecalho


def test_exportar_excel_do_supervisor_tem_custo_e_margem(client, pessoas, produto):
    _entrar(client, pessoas, "supervisor")
    ws = _planilha(client.get(LISTA + "exportar/"))
    cabecalho = [c.value for c in ws[1]]
    linha = next(ws.iter_rows(min_row=2, values_only=True))
    assert linha[cabecalho.index("Custo")] == pytest.approx(13.37)
    assert linha[cabecalho.index("Margem")] == pytest.approx(0.3895, abs=1e-4)


def test_sac_nao_exporta(client, pessoas, produto):
    _entrar(client, pessoas, "sac")
    assert client.get(LISTA + "exportar/").status_code == 403


# --- autocomplete ------------------------------------------------------------------------------


def test_autocomplete_devolve_options_html(client, pessoas, produto):
    _entrar(client, pessoas, "dono")
    resp = client.get(reverse("produtos:produto-autocompletar"), {"q": "cafe"})
    corpo = resp.content.decode()
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/html")
    assert '<option value="CAF-1"' in corpo
    # the input that triggered it may send its own name instead of q
    resp = client.get(reverse("produtos:produto-autocompletar"), {"similares-similar": "caf"})
    assert '<option value="CAF-1"' in resp.content.decode()


def test_autocomplete_vendaveis_tira_bloqueados(client, pessoas):
    ProdutoFactory(codigo="CAF-9", descricao="Café bloqueado", bloqueado=True, motivo_bloqueio="x")
    _entrar(client, pessoas, "dono")
    url = reverse("produtos:produto-autocompletar")
    assert "CAF-9" in client.get(url, {"q": "cafe"}).content.decode()
    assert "CAF-9" not in client.get(url, {"q": "cafe", "vendaveis": "1"}).content.decode()


# --- detail and tabs ---------------------------------------------------------------------------


@pytest.mark.parametrize("quem", PAPEIS)
@pytest.mark.parametrize("aba", [a.slug for a in ABAS if a.slug != "custos"])
def test_todas_as_abas_abrem_para_todos_os_papeis(client, pessoas, produto, quem, aba):
    _entrar(client, pessoas, quem)
    resp = client.get(reverse("produtos:produto-aba", args=[produto.pk, aba]))
    assert resp.status_code == 200
    assert "Café torrado 500g" in resp.content.decode()


@pytest.mark.parametrize(
    "quem, esperado", [("dono", 403), ("sac", 403), ("supervisor", 200), ("admin", 200)]
)
def test_aba_custos_e_proibida_para_rep_e_sac(client, pessoas, produto, quem, esperado):
    _entrar(client, pessoas, quem)
    resp = client.get(reverse("produtos:produto-aba", args=[produto.pk, "custos"]))
    assert resp.status_code == esperado
    detalhe = client.get(reverse("produtos:produto-detalhe", args=[produto.pk])).content.decode()
    assert ("/aba/custos/" in detalhe) is (esperado == 200)
    assert ("13,37" in resp.content.decode()) is (esperado == 200)


def test_aba_inexistente_e_produto_inexistente_sao_404(client, pessoas, produto):
    _entrar(client, pessoas, "admin")
    assert client.get(f"/produtos/{produto.pk}/aba/nada/").status_code == 404
    assert client.get("/produtos/999999/").status_code == 404


def test_aba_htmx_devolve_so_o_painel(client, pessoas, produto):
    _entrar(client, pessoas, "dono")
    resp = client.get(
        reverse("produtos:produto-aba", args=[produto.pk, "precos"]), HTTP_HX_REQUEST="true"
    )
    corpo = resp.content.decode()
    assert "<html" not in corpo and 'aria-selected="true">Preço de lista' in corpo


def test_preco_de_cliente_de_outra_carteira_nao_aparece_nem_se_remove(client, pessoas, produto):
    # given a price for a client of rep A's portfolio
    cliente = ClienteFactory(carteira=pessoas.a, nome="Mercado do Dono")
    preco = PrecoFactory(produto=produto, tabela=None, cliente=cliente)
    url = reverse("produtos:produto-aba", args=[produto.pk, "precos"])
    # when the colleague opens the tab; then the client price is not there
    _entrar(client, pessoas, "colega")
    assert "Mercado do Dono" not in client.get(url).content.decode()
    _entrar(client, pessoas, "dono")
    assert "Mercado do Dono" in client.get(url).content.decode()
    # and the other team's supervisor cannot remove it (404: outside visibility)
    _entrar(client, pessoas, "supervisor_outro")
    remover = reverse("produtos:secao-remover", args=[produto.pk, "precos", preco.pk])
    assert client.post(remover).status_code == 404
    assert PrecoLista.objects.filter(pk=preco.pk).exists()


# --- create / edit -----------------------------------------------------------------------------


def test_criar_simples_so_pede_obrigatorios(client, pessoas):
    unidade()
    _entrar(client, pessoas, "supervisor")
    resp = client.get(reverse("produtos:produto-criar"))
    campos = resp.context["form"].fields
    assert set(campos) == {"codigo", "descricao", "unidade", "ncm", "origem"}
    avancado = client.get(reverse("produtos:produto-criar") + "?modo=avancado")
    assert {"ean", "cest", "linha", "nivel_alcada", "regra_data_promessa"} <= set(
        avancado.context["form"].fields
    )


def test_criar_produto_simples(client, pessoas):
    un = unidade()
    _entrar(client, pessoas, "supervisor")
    resp = client.post(
        reverse("produtos:produto-criar"),
        {"codigo": "novo-1", "descricao": "Caneta azul", "unidade": un.pk,
         "ncm": "9608.10.00", "origem": "0"},
    )  # fmt: skip
    produto = Produto.objects.get(codigo="NOVO-1")
    assert resp.status_code == 302 and resp["Location"].endswith(f"/produtos/{produto.pk}/")
    assert produto.ncm == "96081000"
    assert EventoProduto.objects.filter(produto=produto, tipo="criado").exists()


def test_criar_avancado_recusado_mantem_o_que_foi_digitado(client, pessoas):
    un = unidade()
    _entrar(client, pessoas, "admin")
    resp = client.post(
        reverse("produtos:produto-criar") + "?modo=avancado",
        {"codigo": "X-1", "descricao": "Descrição digitada", "unidade": un.pk, "ncm": "123",
         "origem": "0", "ean": "7891234567890", "multiplo_venda": "1", "prazo_entrega_dias": "0",
         "regra_data_promessa": "prazo_fixo"},
    )  # fmt: skip
    corpo = resp.content.decode()
    assert resp.status_code == 422
    assert "Descrição digitada" in corpo
    assert "8 dígitos" in corpo and "EAN/GTIN inválido" in corpo
    assert not Produto.objects.exists()


@pytest.mark.parametrize("quem", ["dono", "sac"])
def test_rep_e_sac_nao_criam_nem_editam(client, pessoas, produto, quem):
    _entrar(client, pessoas, quem)
    assert client.get(reverse("produtos:produto-criar")).status_code == 403
    assert client.get(reverse("produtos:produto-editar", args=[produto.pk])).status_code == 403
    resp = client.post(
        reverse("produtos:secao-incluir", args=[produto.pk, "fiscal"]),
        {"fiscal-ncm": "11111111", "fiscal-origem": "0"},
    )
    assert resp.status_code == 403
    produto.refresh_from_db()
    assert produto.ncm == "73181500"


def test_editar_bloqueia_com_motivo_e_aparece_no_historico(client, pessoas, produto):
    _entrar(client, pessoas, "supervisor")
    url = reverse("produtos:produto-editar", args=[produto.pk])
    form = client.get(url).context["form"]
    dados = {k: v for k, v in form.initial.items() if v is not None and k != "codigo"}
    dados.update(unidade=produto.unidade_id, bloqueado="on", motivo_bloqueio="Recall")
    resp = client.post(url, dados)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    produto.refresh_from_db()
    assert produto.bloqueado and produto.motivo_bloqueio == "Recall"
    historico = client.get(reverse("produtos:produto-aba", args=[produto.pk, "historico"]))
    corpo = historico.content.decode()
    assert "Recall" in corpo and "supervisor" in corpo.lower()


# --- sections ----------------------------------------------------------------------------------


def test_supervisor_inclui_e_remove_similar_pelo_codigo(client, pessoas, produto):
    outro = ProdutoFactory(codigo="CAF-2")
    _entrar(client, pessoas, "supervisor")
    url = reverse("produtos:secao-incluir", args=[produto.pk, "similares"])
    resp = client.post(url, {"similares-similar": "caf-2", "similares-observacao": "mesmo uso"})
    assert resp.status_code == 302
    item = ProdutoSimilar.objects.get(produto=produto, similar=outro)
    # repeated: refused with the reason, and what was typed stays
    resp = client.post(url, {"similares-similar": "CAF-2"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "já está na lista" in resp.content.decode()
    remover = reverse("produtos:secao-remover", args=[produto.pk, "similares", item.pk])
    assert client.post(remover, HTTP_HX_REQUEST="true").status_code == 200
    assert not ProdutoSimilar.objects.exists()


def test_kit_nao_aceita_kit_como_componente(client, pessoas, produto):
    kit, componente = ProdutoFactory(codigo="KIT-1"), ProdutoFactory(codigo="COMP-1")
    KitComponente.objects.create(kit=produto, componente=componente, quantidade=1)
    _entrar(client, pessoas, "admin")
    url = reverse("produtos:secao-incluir", args=[kit.pk, "kit"])
    resp = client.post(url, {"kit-componente": "CAF-1", "kit-quantidade": "2"})
    assert resp.status_code == 422 and "kits não podem conter kits" in resp.content.decode()
    resp = client.post(url, {"kit-componente": "COMP-1", "kit-quantidade": "2,5"})
    assert resp.status_code == 302
    assert KitComponente.objects.get(kit=kit).quantidade == Decimal("2.5")


def test_preco_pela_tela_encerra_o_anterior(client, pessoas, produto):
    _entrar(client, pessoas, "supervisor")
    url = reverse("produtos:secao-incluir", args=[produto.pk, "precos"])
    resp = client.post(url, {"precos-tabela": tabela().pk, "precos-preco": "1.234,56",
                             "precos-inicio": "01/03/2025"})  # fmt: skip
    assert resp.status_code == 302
    precos = list(PrecoLista.objects.filter(produto=produto).order_by("inicio"))
    assert precos[0].fim == dt.date(2025, 2, 28)
    assert precos[1].preco == Decimal("1234.56")


def test_preco_por_cliente_exige_cliente_visivel(client, pessoas, produto):
    fora = ClienteFactory(carteira=pessoas.b)
    _entrar(client, pessoas, "supervisor")  # heads team A only
    url = reverse("produtos:secao-incluir", args=[produto.pk, "precos"])
    resp = client.post(url, {"precos-cliente_texto": fora.documento, "precos-preco": "10",
                             "precos-inicio": "01/03/2025"})  # fmt: skip
    assert resp.status_code == 422 and "Cliente não encontrado" in resp.content.decode()


def test_rep_nao_inclui_custo(client, pessoas, produto):
    _entrar(client, pessoas, "dono")
    resp = client.post(
        reverse("produtos:secao-incluir", args=[produto.pk, "custos"]),
        {"custos-data": "01/01/2025", "custos-custo": "1"},
    )
    assert resp.status_code == 403
    assert Custo.objects.count() == 1


def test_campos_do_produto_pela_aba(client, pessoas, produto):
    _entrar(client, pessoas, "admin")
    resp = client.post(
        reverse("produtos:secao-incluir", args=[produto.pk, "fiscal"]),
        {"fiscal-ncm": "0901.21.00", "fiscal-origem": "1", "fiscal-cest": "17.099.00"},
    )
    assert resp.status_code == 302
    produto.refresh_from_db()
    assert (produto.ncm, produto.origem, produto.cest) == ("09012100", "1", "1709900")


def test_rep_ve_aba_fiscal_so_leitura(client, pessoas, produto):
    _entrar(client, pessoas, "dono")
    corpo = client.get(reverse("produtos:produto-aba", args=[produto.pk, "fiscal"])).content
    texto = corpo.decode()
    assert "73181500" in texto and 'name="fiscal-ncm"' not in texto


def test_anexo_valida_tipo_e_conteudo(client, pessoas, produto, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _entrar(client, pessoas, "supervisor")
    url = reverse("produtos:secao-incluir", args=[produto.pk, "anexos"])
    falso = SimpleUploadedFile("ficha.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    resp = client.post(url, {"anexos-arquivo": falso})
    assert resp.status_code == 422 and "não corresponde à extensão" in resp.content.decode()
    exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream")
    resp = client.post(url, {"anexos-arquivo": exe})
    assert "Tipo de arquivo não aceito" in resp.content.decode()
    pdf = SimpleUploadedFile("ficha.pdf", b"%PDF-1.4 conteudo", "application/pdf")
    resp = client.post(url, {"anexos-arquivo": pdf, "anexos-descricao": "Ficha técnica"})
    assert resp.status_code == 302
    anexo = Anexo.objects.get()
    assert (anexo.nome_original, anexo.tipo_conteudo, anexo.tamanho) == (
        "ficha.pdf", "application/pdf", 17,
    )  # fmt: skip


def test_anexo_grande_demais_e_recusado(client, pessoas, produto, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _entrar(client, pessoas, "supervisor")
    grande = SimpleUploadedFile("g.txt", b"a" * (10 * 1024 * 1024 + 1), "text/plain")
    resp = client.post(
        reverse("produtos:secao-incluir", args=[produto.pk, "anexos"]), {"anexos-arquivo": grande}
    )
    assert "tamanho máximo de 10 MB" in resp.content.decode()
    assert not Anexo.objects.exists()


def test_aba_com_muitos_itens_mostra_os_primeiros(client, pessoas, produto):
    from produtos.views.detalhe import LIMITE_LINHAS_SECAO

    for i in range(LIMITE_LINHAS_SECAO + 5):
        Estoque.objects.create(
            produto=produto, armazem=armazem(f"A{i}", f"Armazém {i:03d}"), unidade=unidade(),
            quantidade=1,
        )  # fmt: skip
    _entrar(client, pessoas, "dono")
    corpo = client.get(reverse("produtos:produto-aba", args=[produto.pk, "estoque"])).content
    assert "Mostrando os primeiros 200 itens." in corpo.decode()
