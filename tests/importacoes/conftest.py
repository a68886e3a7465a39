"""Fixtures of the import tests (helpers in apoio.py)."""

from __future__ import annotations

from typing import Any

import pytest

from contas.models import Usuario
from tests.importacoes.apoio import criar_registros


@pytest.fixture
def registros(db: Any) -> dict[str, Any]:
    return criar_registros()


@pytest.fixture
def admin(pessoas: Any) -> Usuario:
    return pessoas.usuarios["admin"]
