"""The job lock: a Postgres session advisory lock per import.

Session level (not transaction level) because a job commits many batch transactions and must
hold the lock across all of them. When the worker process dies (even `kill -9`), its database
session ends and Postgres releases the lock by itself — which is exactly how the janitor tells
a dead job from a live one: if it can take the lock, nobody is working on the job.

(Requires a direct connection or session pooling; a transaction-mode pooler such as pgbouncer
in `transaction` mode would hand the lock to another client.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# First key of the two-key advisory lock: the "namespace" of import jobs.
_NAMESPACE = 0x1A0_0001


def tentar_travar(importacao_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_NAMESPACE, importacao_id])
        (obtida,) = cursor.fetchone()
    return bool(obtida)


def destravar(importacao_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_NAMESPACE, importacao_id])


@contextmanager
def trava_importacao(importacao_id: int) -> Iterator[bool]:
    """Yields True with the lock held (released on exit), or False if someone else has it."""
    obtida = tentar_travar(importacao_id)
    try:
        yield obtida
    finally:
        if obtida and connection.connection is not None:
            destravar(importacao_id)


def alguem_processando(importacao_id: int) -> bool:
    """True while a live session holds the job's lock (checked without keeping it)."""
    if not tentar_travar(importacao_id):
        return True
    destravar(importacao_id)
    return False
