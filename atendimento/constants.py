"""Choices and the status flow of tickets (chamados), as data (ARCHITECTURE §7)."""

from __future__ import annotations

from django.db import models


class StatusChamado(models.TextChoices):
    ABERTO = "aberto", "Aberto"
    EM_EXECUCAO = "em_execucao", "Em execução"
    ENCERRADO = "encerrado", "Encerrado"
    CANCELADO = "cancelado", "Cancelado"


# The three phases of the seed (FCRM0200): abertura → execução → encerramento. A ticket is
# cancelled while still open or in execution; a closed one may be reopened (back to execution,
# the client called again about the same problem); a cancelled one is final.
TRANSICOES: dict[str, frozenset[str]] = {
    StatusChamado.ABERTO: frozenset({StatusChamado.EM_EXECUCAO, StatusChamado.CANCELADO}),
    StatusChamado.EM_EXECUCAO: frozenset({StatusChamado.ENCERRADO, StatusChamado.CANCELADO}),
    StatusChamado.ENCERRADO: frozenset({StatusChamado.EM_EXECUCAO}),
    StatusChamado.CANCELADO: frozenset(),
}

# Statuses in which the ticket is still being handled (counts as late past its due time).
STATUS_PENDENTES = frozenset({StatusChamado.ABERTO, StatusChamado.EM_EXECUCAO})


def pode_transitar(de: str, para: str) -> bool:
    return para in TRANSICOES.get(de, frozenset())


class FormaChamado(models.TextChoices):
    """Seed 004: "Podendo ser ativo ou passivo"."""

    PASSIVO = "passivo", "Passivo (o cliente procurou a empresa)"
    ATIVO = "ativo", "Ativo (a empresa procurou o cliente)"


class TipoEventoChamado(models.TextChoices):
    ABERTO = "aberto", "Chamado aberto"
    EXECUCAO_INICIADA = "execucao_iniciada", "Execução iniciada"
    COMENTARIO = "comentario", "Comentário"
    TAREFA_ADICIONADA = "tarefa_adicionada", "Tarefa agendada"
    TAREFA_CONCLUIDA = "tarefa_concluida", "Tarefa concluída"
    ENCERRADO = "encerrado", "Chamado encerrado"
    CANCELADO = "cancelado", "Chamado cancelado"
    REABERTO = "reaberto", "Chamado reaberto"
