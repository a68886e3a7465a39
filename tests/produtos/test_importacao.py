"""Price-list import ("precos" kind of the importacoes machinery), end to end without a worker."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cadastro.models import Origem
from importacoes.models import Importacao
from importacoes.services import importacao_criar, importacao_processar
from produtos.models import EventoProduto, PrecoLista
from tests.factories import ClienteFactory
from tests.produtos.fabricas import PrecoFactory, ProdutoFactory

pytestmark = pytest.mark.django_db

TITULOS = ["Código do produto", "Código do cliente", "CPF/CNPJ do cliente", "Origem", "Preço",
           "Início da vigência", "Fim da vigência"]  # fmt: skip


def _xlsx(linhas: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Preços"
    ws.append(TITULOS)
    for linha in linhas:
        ws.append(linha)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _importar(conteudo: bytes, usuario) -> Importacao:
    importacao = importacao_criar(
        tipo="precos", arquivo=io.BytesIO(conteudo), nome_arquivo="precos.xlsx", ator=usuario,
        enfileirar=False,
    )  # fmt: skip
    assert importacao.status == "pendente"  # stays pending until processed
    importacao_processar(importacao.pk)
    importacao.refresh_from_db()
    return importacao


def _erros(importacao: Importacao) -> dict[int, str]:
    return {p.linha: p.erros[0]["mensagem"] for p in importacao.problemas.order_by("linha")}


@pytest.fixture
def cenario(pessoas):
    erp = Origem.objects.create(codigo="ERP", descricao="ERP legado")
    cliente_a = ClienteFactory(carteira=pessoas.a, origem=erp, codigo_externo="C-1")
    cliente_b = ClienteFactory(carteira=pessoas.b, origem=erp, codigo_externo="C-2")
    return {
        "erp": erp,
        "a": cliente_a,
        "b": cliente_b,
        "p1": ProdutoFactory(codigo="P1"),
        "p2": ProdutoFactory(codigo="P2"),
        "admin": pessoas.usuarios["admin"],
        "supervisor": pessoas.usuarios["supervisor"],
    }


def test_importa_precos_por_codigo_e_por_documento(cenario):
    # given a sheet with one price by client code and one by CPF (typed with mask)
    a = cenario["a"]
    conteudo = _xlsx([
        ["P1", "C-1", None, "ERP", "19,90", "01/03/2026", None],
        ["p2", None, f"{a.documento[:3]}.{a.documento[3:6]}.{a.documento[6:9]}-{a.documento[9:]}",
         "erp", 7.5, dt.date(2026, 3, 1), None],
    ])  # fmt: skip
    # when imported by the admin
    imp = _importar(conteudo, cenario["admin"])
    # then both prices exist for client A and the job says so
    assert (imp.status, imp.criadas, imp.rejeitadas) == ("concluido", 2, 0)
    precos = {p.produto.codigo: p for p in PrecoLista.objects.filter(cliente=a)}
    assert precos["P1"].preco == Decimal("19.90")
    assert precos["P2"].preco == Decimal("7.50")
    assert precos["P1"].origem == cenario["erp"]
    assert EventoProduto.objects.filter(tipo="precos_importados").count() == 2
    assert set(imp.objetos.values_list("objeto_id", flat=True)) == {
        cenario["p1"].pk, cenario["p2"].pk,
    }  # fmt: skip


def test_linhas_invalidas_vao_para_o_arquivo_de_erros(cenario):
    conteudo = _xlsx([
        ["NAOEXISTE", "C-1", None, "ERP", "10", None, None],       # 2: unknown product
        ["P1", None, None, "ERP", "10", None, None],               # 3: no client
        ["P1", "C-1", None, "XPTO", "10", None, None],             # 4: unknown origin
        ["P1", "C-9", None, "ERP", "10", None, None],              # 5: unknown client
        ["P1", "C-1", None, "ERP", "abc", None, None],             # 6: bad price
        ["P1", "C-1", "111.111.111-11", "ERP", "10", None, None],  # 7: invalid CPF
        ["P1", "C-1", None, "ERP", "10", "10/03/2026", "01/03/2026"],  # 8: end before start
        ["P2", "C-1", cenario["b"].documento, "ERP", "10", None, None],  # 9: code ≠ document
    ])  # fmt: skip
    imp = _importar(conteudo, cenario["admin"])
    erros = _erros(imp)
    assert imp.status == "concluido_com_erros"
    assert imp.rejeitadas == 8 and imp.criadas == 0
    assert "não encontrado" in erros[2]
    assert "código ou o CPF/CNPJ" in erros[3]
    assert "Origem" in erros[4]
    assert "Cliente não encontrado" in erros[5]
    assert "não é um número" in erros[6]
    assert erros[7]  # the CPF validator's own message
    assert "anterior ao início" in erros[8]
    assert "clientes diferentes" in erros[9]
    assert not PrecoLista.objects.exists()
    # and the per-row error file is downloadable
    client_resp = reverse("importacoes:importacao-erros", args=[imp.pk])
    assert client_resp


def test_novo_preco_encerra_o_anterior_e_mesmo_inicio_substitui(cenario):
    a, p1, p2 = cenario["a"], cenario["p1"], cenario["p2"]
    antigo = PrecoFactory(produto=p1, tabela=None, cliente=a, inicio=dt.date(2026, 1, 1))
    mesmo = PrecoFactory(produto=p2, tabela=None, cliente=a, inicio=dt.date(2026, 3, 1))
    conteudo = _xlsx([
        ["P1", "C-1", None, "ERP", "12,00", "01/03/2026", None],
        ["P2", "C-1", None, "ERP", "8,00", "01/03/2026", None],
    ])  # fmt: skip
    imp = _importar(conteudo, cenario["admin"])
    antigo.refresh_from_db()
    mesmo.refresh_from_db()
    assert antigo.fim == dt.date(2026, 2, 28)
    assert mesmo.preco == Decimal("8.00")
    assert (imp.criadas, imp.atualizadas) == (1, 1)
    # importing the same file again changes nothing
    imp2 = _importar(conteudo, cenario["admin"])
    assert (imp2.criadas, imp2.atualizadas, imp2.sem_alteracao) == (0, 2, 2)


def test_preco_programado_depois_recusa_a_linha(cenario):
    PrecoFactory(produto=cenario["p1"], tabela=None, cliente=cenario["a"],
                 inicio=dt.date(2026, 6, 1))  # fmt: skip
    imp = _importar(_xlsx([["P1", "C-1", None, "ERP", "5", "01/03/2026", None]]), cenario["admin"])
    assert "programado a partir de 01/06/2026" in _erros(imp)[2]


def test_mesmo_cliente_por_codigo_e_por_documento_na_mesma_planilha(cenario):
    a = cenario["a"]
    conteudo = _xlsx([
        ["P1", "C-1", None, "ERP", "5", None, None],
        ["P1", None, a.documento, "ERP", "6", None, None],
        ["P1", "C-1", None, "ERP", "7", None, None],
    ])  # fmt: skip
    imp = _importar(conteudo, cenario["admin"])
    erros = _erros(imp)
    assert imp.criadas == 1
    assert "linha 2" in erros[3] and "linha 2" in erros[4]
    assert PrecoLista.objects.get().preco == Decimal("5.00")


def test_supervisor_so_importa_para_clientes_que_ve(cenario):
    # given client B belongs to another team's portfolio
    conteudo = _xlsx([
        ["P1", "C-1", None, "ERP", "5", None, None],
        ["P1", "C-2", None, "ERP", "5", None, None],
    ])  # fmt: skip
    imp = _importar(conteudo, cenario["supervisor"])
    assert imp.criadas == 1
    assert "Cliente não encontrado" in _erros(imp)[3]
    assert not PrecoLista.objects.filter(cliente=cenario["b"]).exists()


def test_historico_do_preco_importado_tem_o_usuario(cenario):
    imp = _importar(_xlsx([["P1", "C-1", None, "ERP", "5", None, None]]), cenario["admin"])
    evento = PrecoLista.pgh_event_model.objects.get()
    assert evento.pgh_label == "insert"
    assert evento.pgh_context.metadata["importacao"] == imp.pk
    assert evento.pgh_context.metadata["usuario"] == cenario["admin"].pk


@pytest.mark.parametrize("quem, pode", [("dono", False), ("sac", False), ("supervisor", True),
                                        ("admin", True)])  # fmt: skip
def test_modelo_e_botao_de_importar_so_para_quem_importa(client, pessoas, quem, pode):
    Origem.objects.create(codigo="ERP", descricao="ERP legado")
    client.force_login(pessoas.usuarios[quem])
    lista = client.get("/produtos/").content.decode()
    assert ("Importar preços" in lista) is pode
    resp = client.get(reverse("importacoes:importacao-modelo", args=["precos"]))
    assert resp.status_code == (200 if pode else 403)
    if pode:
        wb = openpyxl.load_workbook(io.BytesIO(resp.content))
        cabecalho = [c.value for c in wb["Preços"][1]]
        assert cabecalho[:5] == TITULOS[:5]
        assert "Instruções" in wb.sheetnames
