"""Helpers for import tests: spreadsheets built on the fly, the lookup registries, a runner.

Every file a test needs is made here with openpyxl (or by hand for hostile zips), never read
from disk.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl

from cadastro.models import (
    Armazem,
    CategoriaFiscal,
    LocalFaturamento,
    Origem,
    SituacaoSCPC,
    StatusCliente,
    TabelaVenda,
    TipoCliente,
)
from contas.models import Usuario
from crm.documentos import gerar_cnpj, gerar_cpf
from importacoes.models import Importacao
from importacoes.services import importacao_criar, importacao_processar

IDENTIFICACAO = ["CPF/CNPJ", "Código externo", "Origem", "Estrangeiro", "Tipo de cliente"]


def cpf(n: int) -> str:
    return gerar_cpf(300_000_000 + n)


def cnpj(n: int) -> str:
    return gerar_cnpj(40_000_000 + n)


def linha_cliente(n: int, **campos: Any) -> dict[str, Any]:
    """A valid row for client number `n` (titles → values); `campos` adds or overrides."""
    linha: dict[str, Any] = {
        "CPF/CNPJ": cpf(n),
        "Código externo": f"ERP-{n:06d}",
        "Origem": "ERP",
        "Estrangeiro": "Não",
        "Tipo de cliente": "CF",
        "Nome / Razão social": f"Cliente {n}",
    }
    linha.update(campos)
    return linha


def planilha(
    linhas: Iterable[dict[str, Any]],
    *,
    colunas: Sequence[str] | None = None,
    aba: str = "Clientes",
    cabecalho: Sequence[Any] | None = None,
) -> bytes:
    """An .xlsx with one sheet: header = `cabecalho` or `colunas` or every key, in order."""
    linhas = list(linhas)
    if colunas is None:
        colunas = []
        for linha in linhas:
            colunas.extend(k for k in linha if k not in colunas)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = aba
    ws.append(list(cabecalho) if cabecalho is not None else list(colunas))
    for linha in linhas:
        ws.append([linha.get(c) for c in colunas])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def importar(conteudo: bytes, usuario: Usuario, nome: str = "clientes.xlsx") -> Importacao:
    """Create the job as the upload screen does and process it here (no worker)."""
    importacao = importacao_criar(
        tipo="clientes",
        arquivo=io.BytesIO(conteudo),
        nome_arquivo=nome,
        ator=usuario,
        enfileirar=False,
    )
    importacao_processar(importacao.pk)
    importacao.refresh_from_db()
    return importacao


def erros_por_linha(importacao: Importacao) -> dict[int, list[str]]:
    return {
        p.linha: [f"{e['coluna']}: {e['mensagem']}" for e in p.erros]
        for p in importacao.problemas.order_by("linha")
    }


def assert_contas_fecham(importacao: Importacao) -> None:
    assert importacao.linhas_lidas == (
        importacao.criadas + importacao.atualizadas + importacao.rejeitadas
    )


def criar_registros() -> dict[str, Any]:
    """The auxiliary registries a client row refers to (fixture `registros`)."""
    local = LocalFaturamento.objects.create(codigo="MATRIZ", descricao="Matriz")
    outro_local = LocalFaturamento.objects.create(codigo="FILIAL", descricao="Filial")
    armazem = Armazem.objects.create(codigo="CD1", descricao="CD Cajamar")
    return {
        "CF": TipoCliente.objects.get_or_create(
            codigo="CF", defaults={"descricao": "Consumidor final"}
        )[0],
        "REV": TipoCliente.objects.create(codigo="REV", descricao="Revenda"),
        "ERP": Origem.objects.create(codigo="ERP", descricao="ERP legado"),
        "ECOM": Origem.objects.create(codigo="ECOM", descricao="E-commerce"),
        "ATIVO": StatusCliente.objects.get_or_create(
            codigo="ATIVO", defaults={"descricao": "Ativo"}
        )[0],
        "INATIVO": StatusCliente.objects.create(
            codigo="INATIVO", descricao="Inativo", considera_ativo=False
        ),
        "NADA": SituacaoSCPC.objects.create(codigo="NADA", descricao="Nada consta"),
        "CONS": CategoriaFiscal.objects.create(codigo="CONS", descricao="Consumidor"),
        "REVEN": CategoriaFiscal.objects.create(codigo="REVEN", descricao="Revendedor"),
        "TAB1": TabelaVenda.objects.create(
            codigo="TAB1", descricao="Tabela SP", local_faturamento=local, armazem=armazem
        ),
        "MATRIZ": local,
        "FILIAL": outro_local,
        "CD1": armazem,
    }
