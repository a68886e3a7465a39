"""Importação de regras pela máquina de importações (tipo "regras"), de ponta a ponta sem worker:
o arquivo fica pendente, é processado, as linhas boas viram regras e as ruins voltam com o
motivo; o layout é o da exportação da lista (ida e volta)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from crm.xlsx import Coluna, exportar_xlsx
from importacoes.models import Importacao
from importacoes.services import importacao_criar, importacao_processar
from importacoes.tipos import obter_tipo
from matrizes import planilha
from matrizes.models import EventoRegra, Regra
from tests.matrizes.conftest import Catalogo, criar_regra

D = Decimal
pytestmark = pytest.mark.django_db


def _xlsx(*linhas: dict[str, Any]) -> bytes:
    """Uma planilha com as colunas da exportação; cada linha por nome de campo."""
    valores = [
        [linha.get(c.campo) if c.campo else None for c in planilha.COLUNAS] for linha in linhas
    ]
    return exportar_xlsx(planilha.colunas_xlsx(), valores, titulo_planilha="Regras")


def _importar(conteudo: bytes, usuario: Any) -> Importacao:
    importacao = importacao_criar(
        tipo="regras",
        arquivo=io.BytesIO(conteudo),
        nome_arquivo="regras.xlsx",
        ator=usuario,
        enfileirar=False,
    )
    assert importacao.status == "pendente"
    importacao_processar(importacao.pk)
    importacao.refresh_from_db()
    return importacao


def _erros(importacao: Importacao) -> dict[int, list[str]]:
    return {
        p.linha: [f"{e['coluna']}: {e['mensagem']}" for e in p.erros]
        for p in importacao.problemas.order_by("linha")
    }


def test_importa_regras_validas(pessoas: Any, catalogo: Catalogo) -> None:
    # given a sheet with an ICMS rule keyed on UFs and an IPI rule keyed on a product code
    hoje = timezone.localdate()
    conteudo = _xlsx(
        {
            "matriz": "ICMS",
            "uf_origem": "SP",
            "uf_destino": "rj",
            "aliquota": D("12"),
            "fcp": D("2"),
            "contribuinte": False,
            "vigencia_inicio": hoje,
        },
        {
            "matriz": "IPI",
            "produto": "par-001",
            "linha": "ferr",
            "aliquota": D("6.5"),
            "observacao": "TIPI",
        },
    )
    # when the supervisor imports it
    imp = _importar(conteudo, pessoas.usuarios["supervisor"])
    # then both rules exist (codes resolved, empty start = today) and the job links them
    assert (imp.status, imp.criadas, imp.rejeitadas) == ("concluido", 2, 0)
    icms = Regra.objects.get(matriz="ICMS")
    assert (icms.uf_destino, icms.contribuinte, icms.aliquota) == ("RJ", False, D("12"))
    ipi = Regra.objects.get(matriz="IPI")
    assert (ipi.produto, ipi.linha, ipi.aliquota, ipi.vigencia_inicio) == (
        catalogo.parafuso,
        catalogo.ferragens,
        D("6.5"),
        hoje,
    )
    assert ipi.criado_por == pessoas.usuarios["supervisor"]
    assert set(EventoRegra.objects.values_list("tipo", flat=True)) == {"importada"}
    assert sorted(imp.objetos.values_list("objeto_id", flat=True)) == sorted([icms.pk, ipi.pk])
    assert obter_tipo("regras").url_objeto(ipi.pk) == reverse(
        "matrizes:regra-detalhe", args=[ipi.pk]
    )


def test_linhas_com_erro_voltam_com_o_motivo_e_as_boas_entram(
    pessoas: Any, catalogo: Catalogo
) -> None:
    hoje = timezone.localdate()
    boa = {"matriz": "IPI", "ncm": "85395000", "aliquota": D("5"), "vigencia_inicio": hoje}
    conteudo = _xlsx(
        boa,  # linha 2
        {"matriz": "IPI", "produto": "NAO-EXISTE", "aliquota": D("5")},  # 3
        {"matriz": "ICMS", "aliquota": D("18")},  # 4: sem FCP
        {"matriz": "XPTO"},  # 5
        {"matriz": "IPI", "aliquota": D("5"), "vigencia_inicio": dt.date(2020, 1, 1)},  # 6
        {**boa, "aliquota": D("7")},  # 7: mesma regra da linha 2 no mesmo período
        {"matriz": "IPI", "aliquota": D("5"), "uf_destino": "RJ"},  # 8: dimensão alheia
        {"matriz": "IPI", "aliquota": D("5"), "tipo_cliente": "NAO"},  # 9
    )
    imp = _importar(conteudo, pessoas.usuarios["supervisor"])
    assert (imp.status, imp.criadas, imp.rejeitadas) == ("concluido_com_erros", 1, 7)
    erros = _erros(imp)
    assert erros[3] == ["Produto (código): “NAO-EXISTE” não encontrado."]
    assert erros[4] == ["FCP (%): Obrigatório nesta matriz."]
    assert "desconhecida" in erros[5][0]
    assert "passado" in erros[6][0]
    assert "mesmas dimensões" in erros[7][0]
    assert erros[8] == ["UF destino: A Matriz IPI não usa esta dimensão."]
    assert erros[9] == ["Tipo de cliente (código): “NAO” não encontrado."]
    assert Regra.objects.get().aliquota == D("5")


def test_cliente_fora_da_visibilidade_nao_e_encontrado(pessoas: Any, catalogo: Catalogo) -> None:
    from tests.factories import ClienteFactory

    alheio = ClienteFactory(carteira=pessoas.b)
    conteudo = _xlsx(
        {"matriz": "DESCONTO_ACRESCIMO", "cliente": alheio.documento, "percentual": D("2")}
    )
    imp = _importar(conteudo, pessoas.usuarios["supervisor"])
    assert imp.rejeitadas == 1
    assert "entre os clientes que você vê" in _erros(imp)[2][0]
    assert not Regra.objects.exists()


def test_exportar_ajustar_e_importar_de_volta(
    client: Any, pessoas: Any, catalogo: Catalogo
) -> None:
    # given rules exported from the list
    criar_regra("IPI", ncm="08539500", produto=catalogo.lampada, aliquota=D("5.5"))
    criar_regra("ALCADA", percentual_de=D("5"), nivel_alcada=2, papel_aprovador="Supervisor")
    client.force_login(pessoas.usuarios["supervisor"])
    exportado = client.get(reverse("matrizes:regra-exportar") + "?matriz=IPI")
    livro = load_workbook(io.BytesIO(b"".join(exportado.streaming_content)))
    aba = livro.active
    cabecalho = [c.value for c in aba[1]]
    # when the supervisor changes the NCM and the start date and imports it back
    aba.cell(row=2, column=cabecalho.index("NCM") + 1, value="08539600")
    aba.cell(row=2, column=cabecalho.index("Vigente de") + 1, value=timezone.localdate())
    saida = io.BytesIO()
    livro.save(saida)
    imp = _importar(saida.getvalue(), pessoas.usuarios["supervisor"])
    # then a new rule exists with the same product and rate (ID and Versão are ignored)
    assert (imp.criadas, imp.rejeitadas, imp.colunas_desconhecidas) == (1, 0, [])
    nova = Regra.objects.get(ncm="08539600")
    assert (nova.produto, nova.aliquota) == (catalogo.lampada, D("5.5"))


def test_planilha_sem_a_coluna_matriz(pessoas: Any) -> None:
    conteudo = exportar_xlsx([Coluna("NCM"), Coluna("Alíquota (%)")], [["85395000", 5]])
    imp = _importar(conteudo, pessoas.usuarios["supervisor"])
    assert imp.criadas == 0
    assert imp.status in {"falhou", "concluido_com_erros"}


def test_modelo_e_tela_de_importacao_do_tipo_regras(client: Any, pessoas: Any) -> None:
    client.force_login(pessoas.usuarios["supervisor"])
    tela = client.get(reverse("importacoes:importacao-criar") + "?tipo=regras")
    assert tela.status_code == 200
    assert "regras de matrizes" in tela.content.decode().lower()
    modelo = client.get(reverse("importacoes:importacao-modelo", args=["regras"]))
    assert modelo.status_code == 200
    conteudo = modelo.content if hasattr(modelo, "content") else b"".join(modelo.streaming_content)
    livro = load_workbook(io.BytesIO(conteudo))
    titulos = [c.value for c in livro["Regras"][1]]
    assert titulos[:3] == ["ID", "Matriz", "Empresa (CNPJ)"]
    lista = reverse("matrizes:regra-lista")
    assert "?tipo=regras" in client.get(lista).content.decode()
