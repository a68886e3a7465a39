"""Import screens: who may use them, the upload flow, the polled fragment, downloads, the list."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from importacoes.constants import StatusImportacao
from importacoes.models import Importacao
from tests.importacoes.apoio import importar, linha_cliente, planilha

pytestmark = pytest.mark.django_db


def _urls(imp: Importacao) -> list[str]:
    return [
        reverse("importacoes:importacao-lista"),
        reverse("importacoes:importacao-exportar"),
        reverse("importacoes:importacao-criar") + "?tipo=clientes",
        reverse("importacoes:importacao-modelo", args=["clientes"]),
        reverse("importacoes:importacao-detalhe", args=[imp.pk]),
        reverse("importacoes:importacao-progresso", args=[imp.pk]),
        reverse("importacoes:importacao-erros", args=[imp.pk]),
    ]


def test_administrador_usa_todas_as_telas(registros, pessoas, client):
    # given a finished import with a rejected row
    admin = pessoas.usuarios["admin"]
    imp = importar(planilha([linha_cliente(1), linha_cliente(2, Origem="X")]), admin)
    client.force_login(admin)
    # when each screen is requested, then every one answers
    assert {url: client.get(url).status_code for url in _urls(imp)} == dict.fromkeys(
        _urls(imp), 200
    )


@pytest.mark.parametrize("quem", ["dono", "colega", "supervisor", "sac"])
def test_outros_papeis_nao_importam_nem_veem_clientes(quem, registros, pessoas, client):
    # given a client import made by the admin
    imp = importar(
        planilha([linha_cliente(1), linha_cliente(2, Origem="X")]), pessoas.usuarios["admin"]
    )
    client.force_login(pessoas.usuarios[quem])
    lista, _exportar, criar, modelo, *do_job = _urls(imp)
    # when they try the client-import screens, then: forbidden (403)
    assert client.get(criar).status_code == 403
    assert client.get(modelo).status_code == 403
    arquivo = io.BytesIO(planilha([linha_cliente(3)]))
    arquivo.name = "c.xlsx"
    assert client.post(criar, {"arquivo": arquivo}).status_code == 403
    # and the client job is out of reach: 403 (no import screen at all) or 404 (hidden)
    for url in do_job:
        assert client.get(url).status_code in {403, 404}, url
    # the list is theirs only if their role imports some other kind, and never shows this job
    resposta = client.get(lista)
    assert resposta.status_code in {200, 403}
    if resposta.status_code == 200:
        assert imp.nome_arquivo not in resposta.content.decode()
    assert Importacao.objects.count() == 1


def test_anonimo_vai_para_o_login(client):
    resposta = client.get(reverse("importacoes:importacao-lista"))
    assert resposta.status_code == 302
    assert reverse("contas:login") in resposta["Location"]


def test_job_inexistente_e_tipo_desconhecido_404(admin, client):
    client.force_login(admin)
    assert client.get(reverse("importacoes:importacao-detalhe", args=[999])).status_code == 404
    assert client.get(reverse("importacoes:importacao-modelo", args=["xyz"])).status_code == 404
    assert client.get(reverse("importacoes:importacao-criar") + "?tipo=xyz").status_code == 404


def test_upload_cria_job_pendente_e_mostra_o_resultado(
    registros, admin, client, django_capture_on_commit_callbacks
):
    # given the admin on the upload screen
    client.force_login(admin)
    arquivo = io.BytesIO(planilha([linha_cliente(1), linha_cliente(2, Origem="X")]))
    arquivo.name = "meus clientes.xlsx"
    # when a file is sent (the job runs on commit: Celery is eager in tests)
    with django_capture_on_commit_callbacks(execute=True):
        resposta = client.post(
            reverse("importacoes:importacao-criar") + "?tipo=clientes", {"arquivo": arquivo}
        )
    imp = Importacao.objects.get()
    # then it redirects to the job's page, which shows counts, the error file and the client
    assert resposta["Location"] == reverse("importacoes:importacao-detalhe", args=[imp.pk])
    assert (imp.nome_arquivo, imp.criado_por) == ("meus clientes.xlsx", admin)
    pagina = client.get(resposta["Location"]).content.decode()
    assert "Concluído com erros" in pagina
    assert 'id="contagem-criadas">1<' in pagina
    assert 'id="contagem-rejeitadas">1<' in pagina
    assert reverse("importacoes:importacao-erros", args=[imp.pk]) in pagina
    assert "Cliente 1" in pagina
    assert 'hx-trigger="every 1s"' not in pagina  # finished: no polling


def test_upload_sem_arquivo_mantem_a_tela_com_erro(admin, client):
    client.force_login(admin)
    resposta = client.post(reverse("importacoes:importacao-criar"), {})
    assert resposta.status_code == 400
    assert "Escolha a planilha a importar." in resposta.content.decode()


def test_fragmento_so_faz_polling_enquanto_em_andamento(registros, admin, client):
    imp = importar(planilha([linha_cliente(1)]), admin)
    client.force_login(admin)
    url = reverse("importacoes:importacao-progresso", args=[imp.pk])
    for status, com_polling in (
        (StatusImportacao.PENDENTE, True),
        (StatusImportacao.PROCESSANDO, True),
        (StatusImportacao.CONCLUIDO, False),
        (StatusImportacao.FALHOU, False),
    ):
        Importacao.objects.filter(pk=imp.pk).update(status=status)
        resposta = client.get(url, HTTP_HX_REQUEST="true")
        conteudo = resposta.content.decode()
        assert ('hx-trigger="every 1s"' in conteudo) is com_polling, status
        assert resposta["Cache-Control"] == "no-store"
        assert "<html" not in conteudo


def test_progresso_mostra_contagens_parciais(registros, admin, client):
    imp = importar(planilha([linha_cliente(1)]), admin)
    Importacao.objects.filter(pk=imp.pk).update(
        status=StatusImportacao.PROCESSANDO, total_estimado=200, linhas_percorridas=50
    )
    client.force_login(admin)
    conteudo = client.get(
        reverse("importacoes:importacao-progresso", args=[imp.pk])
    ).content.decode()
    assert 'aria-valuenow="25"' in conteudo
    assert "width: 25%" in conteudo


def test_arquivo_de_erros_e_modelo_para_baixar(registros, admin, client):
    imp = importar(planilha([linha_cliente(1), linha_cliente(2, Origem="X")]), admin)
    client.force_login(admin)
    erros = client.get(reverse("importacoes:importacao-erros", args=[imp.pk]))
    assert erros["Content-Disposition"] == f'attachment; filename="importacao_{imp.pk}_erros.xlsx"'
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(erros.streaming_content))).active
    assert ws.max_row == 2
    modelo = client.get(reverse("importacoes:importacao-modelo", args=["clientes"]))
    assert modelo["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "modelo_importacao_clientes_" in modelo["Content-Disposition"]
    # a job without problem rows has no error file
    limpa = importar(planilha([linha_cliente(5)]), admin)
    assert client.get(reverse("importacoes:importacao-erros", args=[limpa.pk])).status_code == 404


def test_lista_nao_cresce_em_consultas(registros, admin, client, django_assert_max_num_queries):
    for n in range(30):
        Importacao.objects.create(
            tipo="clientes", nome_arquivo=f"{n}.xlsx", criado_por=admin, arquivo="x.xlsx"
        )
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        resposta = client.get(reverse("importacoes:importacao-lista") + "?por_pagina=25")
    assert resposta.status_code == 200
    assert "30 importações" in resposta.content.decode()


def test_lista_filtra_e_exporta(registros, admin, client):
    importar(planilha([linha_cliente(1)]), admin)
    importar(planilha([linha_cliente(2), linha_cliente(3, Origem="X")]), admin)
    client.force_login(admin)
    filtrada = client.get(reverse("importacoes:importacao-lista") + "?status=concluido_com_erros")
    assert "1 importação" in filtrada.content.decode()
    exportada = client.get(reverse("importacoes:importacao-exportar"))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(exportada.streaming_content))).active
    assert [c.value for c in ws[1]][:3] == ["Nº", "Tipo", "Arquivo"]
    assert ws.max_row == 3


def test_lista_comeca_pela_mais_recente(registros, admin, client):
    for nome in ("antiga.xlsx", "recente.xlsx"):
        Importacao.objects.create(tipo="clientes", nome_arquivo=nome, criado_por=admin, arquivo="x")
    client.force_login(admin)
    pagina = client.get(reverse("importacoes:importacao-lista")).content.decode()
    assert pagina.index("recente.xlsx") < pagina.index("antiga.xlsx")
