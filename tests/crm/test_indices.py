"""No table carries two identical indexes (same columns, operator classes, predicate and
expressions): each one costs every INSERT/UPDATE and the bulk imports for nothing. A Meta index
on a lone ForeignKey column is the usual culprit: Django already indexes every FK."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_nenhum_indice_duplicado() -> None:
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT t.relname, string_agg(i.relname, ', ' ORDER BY i.relname)
              FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_class t ON t.oid = x.indrelid
              JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = current_schema()
             GROUP BY t.relname, x.indkey::text, x.indclass::text,
                      coalesce(pg_get_expr(x.indpred, x.indrelid), ''),
                      coalesce(pg_get_expr(x.indexprs, x.indrelid), '')
            HAVING count(*) > 1
            """
        )
        duplicados = cur.fetchall()
    assert duplicados == []
