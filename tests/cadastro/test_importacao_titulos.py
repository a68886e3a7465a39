"""Receivables import ("titulos" kind of the importacoes machinery), end to end without a worker.

Good rows in, bad rows reported with a pt-BR reason, re-import updates instead of duplicating.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from cadastro.models import TituloReceber
from importacoes.models import Importacao
from importacoes.services import importacao_criar, importacao_processar
from importacoes.tipos import obter_tipo
from tests.factories import ClienteFactory, TituloReceberFactory, UsuarioFactory

pytestmark = pytest.mark.django_db

TITULOS = ["CPF/CNPJ do cliente", "Documento", "Parcela", "Espécie", "Emissão", "Vencimento",
           "Valor", "Valor pago", "Data de pagamento"]  # fmt: skip


def _xlsx(linhas: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Títulos"
    ws.append(TITULOS)
    for linha in linhas:
        ws.append(linha)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _importar(conteudo: bytes, usuario) -> Importacao:
    importacao = importacao_criar(
        tipo="titulos", arquivo=io.BytesIO(conteudo), nome_arquivo="titulos.xlsx", ator=usuario,
        enfileirar=False,
    )  # fmt: skip
    importacao_processar(importacao.pk)
    importacao.refresh_from_db()
    return importacao


def _erros(importacao: Importacao) -> dict[int, tuple[str, str]]:
    return {
        p.linha: (p.erros[0]["coluna"], p.erros[0]["mensagem"])
        for p in importacao.problemas.order_by("linha")
    }


def _mascara(cpf: str) -> str:
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"


@pytest.fixture
def cenario(pessoas):
    admin = pessoas.usuarios["admin"]
    return {
        "admin": admin,
        "a": ClienteFactory(carteira=pessoas.a),
        "b": ClienteFactory(carteira=pessoas.b, juridica=True),
    }


def test_importa_linhas_boas_e_relata_as_ruins(cenario):
    a, b = cenario["a"], cenario["b"]
    conteudo = _xlsx([
        [_mascara(a.documento), "NF100", "1", "Duplicata", "01/02/2026", "03/03/2026",
         "1.234,56", None, None],
        [b.documento, "nf100", "2", "boleto", dt.date(2026, 2, 1), dt.date(2026, 4, 1), 500.5,
         "100,25", "05/04/2026"],
        ["529.982.247-25", "NF200", "1", None, "01/02/2026", "01/03/2026", "10,00", None, None],
        [a.documento, "NF300", "1", None, "31/02/2026", "01/03/2026", "10,00", None, None],
        [a.documento, "NF400", "1", None, "01/02/2026", "01/03/2026", "-5,00", None, None],
        [a.documento, "NF500", "1", "Letra de câmbio", "01/02/2026", "01/03/2026", "5", None,
         None],
        [a.documento, "NF600", "1", None, "01/03/2026", "01/02/2026", "5", None, None],
        [a.documento, "NF700", "1", None, "01/02/2026", "01/03/2026", "5", "5", None],
        [a.documento, "NF100", "1", None, "01/02/2026", "01/03/2026", "9", None, None],
        [None, None, None, None, None, None, "1", None, None],
    ])  # fmt: skip
    imp = _importar(conteudo, cenario["admin"])
    assert (imp.criadas, imp.atualizadas, imp.rejeitadas) == (2, 0, 8)
    assert imp.status == "concluido_com_erros"
    erros = _erros(imp)
    assert erros[4] == (
        "CPF/CNPJ do cliente",
        "Cliente com CPF/CNPJ 529.982.247-25 não encontrado.",
    )
    assert erros[5] == ("Emissão", "Data “31/02/2026” não existe no calendário.")
    assert erros[6] == ("Valor", "Valor negativo (-5,00).")
    assert erros[7][0] == "Espécie" and "não encontrado" in erros[7][1]
    assert erros[8] == ("Vencimento", "O vencimento é anterior à emissão.")
    assert erros[9] == ("Data de pagamento", "Informe a data de pagamento do valor pago.")
    assert erros[10][0] == "Documento" and "repetido na planilha" in erros[10][1]
    assert erros[11][0] == "CPF/CNPJ do cliente"

    t1 = TituloReceber.objects.get(documento="NF100", parcela="1")
    assert (t1.cliente, t1.especie, t1.valor, t1.valor_pago) == (a, "duplicata", D("1234.56"), 0)
    assert (t1.emissao, t1.vencimento, t1.pago_em) == (
        dt.date(2026, 2, 1), dt.date(2026, 3, 3), None,
    )  # fmt: skip
    assert t1.empresa_id == cenario["admin"].empresa_id
    t2 = TituloReceber.objects.get(documento="NF100", parcela="2")
    assert (t2.cliente, t2.especie, t2.valor, t2.valor_pago, t2.pago_em) == (
        b, "boleto", D("500.50"), D("100.25"), dt.date(2026, 4, 5),
    )  # fmt: skip
    # the job's page links each row to the client's Financeiro tab
    assert set(imp.objetos.values_list("objeto_id", flat=True)) == {a.pk, b.pk}
    assert obter_tipo("titulos").url_objeto(a.pk) == reverse(
        "cadastro:cliente-aba", args=[a.pk, "financeiro"]
    )


def test_reimportar_atualiza_sem_duplicar(cenario):
    a = cenario["a"]
    primeira = _xlsx([
        [a.documento, "NF1", "1", None, "01/02/2026", "01/03/2026", "300,00", None, None],
        [a.documento, "NF1", "2", None, "01/02/2026", "01/04/2026", "300,00", None, None],
    ])  # fmt: skip
    imp = _importar(primeira, cenario["admin"])
    assert (imp.criadas, imp.atualizadas) == (2, 0)
    # the ERP now reports the first installment paid (late) and nothing else changed
    segunda = _xlsx([
        [a.documento, "NF1", "1", None, "01/02/2026", "01/03/2026", "300,00", "300,00",
         "04/03/2026"],
        [a.documento, "NF1", "2", None, "01/02/2026", "01/04/2026", "300,00", None, None],
    ])  # fmt: skip
    imp = _importar(segunda, cenario["admin"])
    assert (imp.criadas, imp.atualizadas, imp.sem_alteracao, imp.rejeitadas) == (0, 2, 1, 0)
    assert TituloReceber.objects.count() == 2
    paga = TituloReceber.objects.get(documento="NF1", parcela="1")
    assert (paga.valor_pago, paga.pago_em) == (D("300.00"), dt.date(2026, 3, 4))
    assert paga.dias_atraso_pagamento == 3


def test_titulo_de_outro_cliente_e_recusado(cenario):
    a, b = cenario["a"], cenario["b"]
    TituloReceberFactory(empresa=cenario["admin"].empresa, cliente=b, documento="NF9", parcela="1")
    imp = _importar(
        _xlsx([[a.documento, "NF9", "1", None, "01/02/2026", "01/03/2026", "1", None, None]]),
        cenario["admin"],
    )
    assert imp.rejeitadas == 1
    assert _erros(imp)[2] == (
        "Documento",
        "O título NF9 parcela 1 já está cadastrado para outro cliente.",
    )
    assert TituloReceber.objects.get(documento="NF9").cliente == b


def test_usuario_sem_empresa_nao_importa(cenario):
    a = cenario["a"]
    sem_empresa = UsuarioFactory(username="adm_sem_empresa", papel="Administrador", empresa=None)
    imp = _importar(
        _xlsx([[a.documento, "NF1", "", None, "01/02/2026", "01/03/2026", "1", None, None]]),
        sem_empresa,
    )
    assert imp.rejeitadas == 1
    assert "não está ligado a uma empresa" in _erros(imp)[2][1]
    assert not TituloReceber.objects.exists()


def test_so_administrador_importa_titulos(pessoas):
    tipo = obter_tipo("titulos")
    assert tipo.pode_importar(pessoas.usuarios["admin"])
    for quem in ("dono", "supervisor", "sac"):
        assert not tipo.pode_importar(pessoas.usuarios[quem])


def test_modelo_da_planilha(client, pessoas):
    client.force_login(pessoas.usuarios["admin"])
    resp = client.get(reverse("importacoes:importacao-modelo", args=["titulos"]))
    assert resp.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    cabecalho = [c.value for c in wb["Títulos"][1]]
    assert [t for t in TITULOS if t not in cabecalho] == []
