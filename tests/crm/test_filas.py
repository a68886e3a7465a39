"""Every task goes to a named queue that `make run` and docker-compose's worker consume."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crm.celery import app

RAIZ = Path(__file__).resolve().parents[2]


def _filas_consumidas(texto: str) -> set[str]:
    achado = re.search(r"-Q[\s\",]+([a-z_,]+)", texto)
    assert achado, "o worker não declara -Q"
    return set(achado.group(1).split(","))


@pytest.mark.parametrize(
    ("tarefa", "fila"),
    [
        ("vendas.tasks.gerar_documento", "vendas"),
        ("vendas.tasks.recalcular_pedidos_abertos", "vendas"),
        ("importacoes.tasks.processar_importacao", "importacoes"),
    ],
)
def test_tarefa_vai_para_a_fila_nomeada(tarefa: str, fila: str) -> None:
    rota = app.amqp.router.route({}, tarefa)
    assert rota["queue"].name == fila


def test_workers_consomem_todas_as_filas() -> None:
    from django.conf import settings

    filas = {settings.CELERY_TASK_DEFAULT_QUEUE} | {
        r["queue"] for r in settings.CELERY_TASK_ROUTES.values()
    }
    ambiente = (RAIZ / "scripts" / "ambiente.py").read_text()
    compose = (RAIZ / "docker-compose.yml").read_text()
    assert filas <= _filas_consumidas(ambiente)
    assert filas <= _filas_consumidas(compose)
