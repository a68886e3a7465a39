"""Reads of import jobs, scoped to the user: a job is visible to whoever may run its kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from importacoes.models import Importacao, ObjetoImportado
from importacoes.tipos import tipos_do_usuario

if TYPE_CHECKING:
    from contas.models import Usuario


def importacoes_visiveis(user: Usuario) -> QuerySet[Importacao]:
    codigos = [t.codigo for t in tipos_do_usuario(user)] if user.is_authenticated else []
    return Importacao.objects.filter(tipo__in=codigos)


def importacao_obter(*, user: Usuario, pk: int) -> Importacao:
    """The job, or 404 when it does not exist or its kind is not the user's."""
    return get_object_or_404(importacoes_visiveis(user).select_related("criado_por"), pk=pk)


def objetos_importados(importacao: Importacao) -> QuerySet[ObjetoImportado]:
    """Records the job created or changed (not those it found already equal), by row."""
    return importacao.objetos.exclude(acao="sem_alteracao").order_by("linha")
