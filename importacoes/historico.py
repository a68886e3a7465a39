"""Field-level history (django-pghistory) for set-based writes, one statement per batch.

pghistory records history with a row-level trigger per tracked table. Measured on this schema
(bench/importacao.py, `historico` section): each trigger call runs two PL/pgSQL functions that
read a custom setting inside a BEGIN…EXCEPTION block, i.e. a subtransaction per row, plus an
`INSERT … ON CONFLICT` into pghistory_context per row. For an import that writes ~5 tracked
rows per client, that alone costs more than the rest of the import.

So the import keeps the history — the very same event rows, same table, same labels, linked
to a pghistory Context that names the import and the user — but writes them itself, set-based:
inside the batch transaction it tells pgtrigger to skip the history triggers of the tables it
writes (`SET LOCAL pgtrigger.ignore`, the mechanism pgtrigger provides for this) and inserts
the event rows with `INSERT … SELECT` from the rows it just wrote (`RETURNING`). Other
sessions are unaffected: the setting is local to the transaction.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import pghistory.trigger
import pgtrigger
from django.db import models
from pghistory.models import Context


@dataclass(frozen=True)
class Historico:
    tabela_evento: str
    colunas: tuple[str, ...]  # tracked columns, as in the event table
    rotulos: frozenset[str]  # pgh_label values this model records ("insert", "update", …)
    gatilhos: tuple[str, ...]  # names of the history triggers in Postgres

    def inserir_de(self, origem: str, rotulo: str, *, contexto: str = "%(contexto)s") -> str:
        """`INSERT INTO <events> … SELECT … FROM <origem>` (a CTE or table with the new rows).

        `origem` must expose the tracked columns and `id`; `contexto` is the placeholder of the
        pghistory context id.
        """
        if rotulo not in self.rotulos:
            raise ValueError(f"{self.tabela_evento} não registra eventos {rotulo!r}")
        colunas = ", ".join(f'"{c}"' for c in self.colunas)
        origem_colunas = ", ".join(f'o."{c}"' for c in self.colunas)
        return (
            f'INSERT INTO "{self.tabela_evento}" ({colunas}, pgh_created_at, pgh_label, '  # noqa: S608 (identifiers from model metadata; values bound)
            f"pgh_obj_id, pgh_context_id) SELECT {origem_colunas}, now(), '{rotulo}', o.id, "
            f"{contexto}::uuid FROM {origem} o"
        )


@cache
def historico_de(modelo: type[models.Model]) -> Historico:
    evento = modelo.pgh_event_model  # type: ignore[attr-defined]
    proprios = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"}
    colunas = tuple(f.column for f in evento._meta.concrete_fields if f.column not in proprios)
    gatilhos = tuple(
        t.get_pgid(modelo)  # type: ignore[arg-type]  # the model class, as pgtrigger does
        for m, t in pgtrigger.registered()
        if m is modelo and isinstance(t, pghistory.trigger.Event)
    )
    rotulos = frozenset(t.label for t in evento.pgh_trackers)
    return Historico(evento._meta.db_table, colunas, rotulos, gatilhos)


_IDENTIFICADOR = re.compile(r"^[a-z0-9_]+$")


def sql_ignorar_gatilhos(*modelos: type[models.Model]) -> str:
    """SQL that skips the history triggers of `modelos` until the end of the transaction.

    Setting the variable (even for tables not listed) also spares every other pgtrigger
    trigger the exception path of `_pgtrigger_should_ignore` for this transaction. Returned as
    a literal statement (trigger names are generated identifiers, checked here) so callers can
    send it together with other parameterless statements in one round trip.
    """
    nomes = sorted({g for m in modelos for g in historico_de(m).gatilhos})
    if not all(_IDENTIFICADOR.match(n) for n in nomes):
        raise ValueError(f"Nome de gatilho inesperado: {nomes}")
    return "SELECT set_config('pgtrigger.ignore', '{" + ",".join(nomes) + "}', true)"


# Back to "ignore nothing" (the same as unset): a batch running inside an outer transaction
# (tests, a caller's atomic block) must not leave history switched off for what follows.
SQL_RESTAURAR_GATILHOS = "SELECT set_config('pgtrigger.ignore', '{}', true)"


def criar_contexto(**metadados: Any) -> str:
    """A pghistory Context row for a batch job's events (who and which job made them)."""
    contexto = Context.objects.create(id=uuid.uuid4(), metadata=metadados)
    return str(contexto.id)
