"""Celery tasks of imports: thin — ids in, a service call; the job row records everything.

Routed to the "importacoes" queue (settings.CELERY_TASK_ROUTES). acks_late +
reject_on_worker_lost (settings): a worker killed mid-job leaves the message unacknowledged;
the janitor re-enqueues the job well before the broker's visibility timeout would.
"""

from __future__ import annotations

from celery import shared_task

from importacoes.services import (
    MAXIMO_TENTATIVAS,
    FalhaTransitoria,
    importacao_processar,
    importacoes_destravar,
)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAXIMO_TENTATIVAS)
def processar_importacao(self, importacao_id: int) -> str:  # type: ignore[no-untyped-def]
    executor = f"{self.request.hostname or 'local'}:{self.request.id or '-'}"
    try:
        importacao = importacao_processar(importacao_id, executor=executor)
    except FalhaTransitoria as exc:
        # The job is back to *pendente*; each start counts towards MAXIMO_TENTATIVAS.
        raise self.retry(exc=exc, countdown=10 * (self.request.retries + 1)) from exc
    return (
        importacao.status if importacao is not None else "ignorada: inexistente ou em outro worker"
    )


@shared_task
def destravar_importacoes() -> list[int]:
    """Periodic janitor (django-celery-beat, every minute): rescue jobs of dead workers."""
    return importacoes_destravar()
