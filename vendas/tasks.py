"""Celery tasks of isoVendas: thin — ids in, a service call; the job rows record everything.

acks_late + reject_on_worker_lost (settings): a worker killed mid-job leaves the message
unacknowledged, the broker re-delivers it and the service takes the job over (documents) or
goes on after the last order done (recalculation).
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=300, soft_time_limit=280)
def gerar_documento(documento_id: int) -> str:
    from vendas.services import documento_gerar

    documento = documento_gerar(documento_id)
    return documento.status if documento is not None else "inexistente"


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=3600, soft_time_limit=3500)
def recalcular_pedidos_abertos(recalculo_id: int) -> str:
    from vendas.services import recalculo_processar

    job = recalculo_processar(recalculo_id)
    return f"{job.processados}/{job.total}" if job is not None else "inexistente"
