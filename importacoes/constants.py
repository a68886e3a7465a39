"""Import job states and the moves allowed between them (status flows as data)."""

from __future__ import annotations

from django.db import models


class StatusImportacao(models.TextChoices):
    PENDENTE = "pendente", "Pendente"
    PROCESSANDO = "processando", "Processando"
    CONCLUIDO = "concluido", "Concluído"
    CONCLUIDO_COM_ERROS = "concluido_com_erros", "Concluído com erros"
    FALHOU = "falhou", "Falhou"


# PROCESSANDO → PENDENTE is the janitor giving a dead worker's job back to the queue.
TRANSICOES: dict[str, frozenset[str]] = {
    StatusImportacao.PENDENTE: frozenset({StatusImportacao.PROCESSANDO, StatusImportacao.FALHOU}),
    StatusImportacao.PROCESSANDO: frozenset(
        {
            StatusImportacao.PENDENTE,
            StatusImportacao.CONCLUIDO,
            StatusImportacao.CONCLUIDO_COM_ERROS,
            StatusImportacao.FALHOU,
        }
    ),
    StatusImportacao.CONCLUIDO: frozenset(),
    StatusImportacao.CONCLUIDO_COM_ERROS: frozenset(),
    StatusImportacao.FALHOU: frozenset(),
}

EM_ANDAMENTO = frozenset({StatusImportacao.PENDENTE, StatusImportacao.PROCESSANDO})
FINAIS = frozenset(
    {StatusImportacao.CONCLUIDO, StatusImportacao.CONCLUIDO_COM_ERROS, StatusImportacao.FALHOU}
)


def pode_transitar(de: str, para: str) -> bool:
    return para in TRANSICOES.get(de, frozenset())


class AcaoObjeto(models.TextChoices):
    CRIADO = "criado", "Criado"
    ATUALIZADO = "atualizado", "Atualizado"
    SEM_ALTERACAO = "sem_alteracao", "Sem alteração"


class SituacaoLinha(models.TextChoices):
    REJEITADA = "rejeitada", "Rejeitada"
    IMPORTADA_COM_AVISO = "aviso", "Importada com aviso"
