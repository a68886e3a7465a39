"""Shared fixtures: the people who matter for visibility tests.

`pessoas.usuarios` maps: dono (rep owning carteira A), colega (rep owning carteira B, another
team), supervisor (heads dono's team), supervisor_outro (heads colega's team), sac, admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

# Property tests check values, not speed: on a shared 2-core CI machine under the whole suite's
# load, Hypothesis's timing health check and per-example deadline fail runs whose every
# example passed (seen: "Input generation is slow" at load 8). Same examples, no timing.
settings.register_profile(
    "crm", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("crm")

if TYPE_CHECKING:
    from cadastro.models import Carteira
    from contas.models import Usuario


@dataclass
class Pessoas:
    usuarios: dict[str, Usuario]
    a: Carteira
    b: Carteira


@pytest.fixture
def pessoas(db: Any) -> Pessoas:
    # Imported here so pure tests (engine, xlsx) can run without Django settings.
    from tests.factories import CarteiraFactory, EquipeFactory, UsuarioFactory

    equipe_a = EquipeFactory(supervisor=UsuarioFactory(username="supervisor", papel="Supervisor"))
    equipe_b = EquipeFactory(
        supervisor=UsuarioFactory(username="supervisor_outro", papel="Supervisor")
    )
    dono = UsuarioFactory(username="dono", papel="Representante", equipe=equipe_a)
    colega = UsuarioFactory(username="colega", papel="Representante", equipe=equipe_b)
    usuarios = {
        "dono": dono,
        "colega": colega,
        "supervisor": equipe_a.supervisor,
        "supervisor_outro": equipe_b.supervisor,
        "sac": UsuarioFactory(username="sac", papel="Atendente SAC"),
        "admin": UsuarioFactory(username="admin", papel="Administrador", is_staff=True),
    }
    return Pessoas(
        usuarios=usuarios,
        a=CarteiraFactory(representante=dono, nome="Carteira A"),
        b=CarteiraFactory(representante=colega, nome="Carteira B"),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests (live_server, threads, real workers) flush every table afterwards.

    That would also wipe what data migrations load (roles and their permissions, IBGE
    municipalities) for the tests that follow, so every transactional test gets
    `serialized_rollback=True`: Django reloads the migrated data after the flush.
    """
    for item in items:
        marcador = item.get_closest_marker("django_db")
        transacional = bool(marcador and marcador.kwargs.get("transaction"))
        fixtures = getattr(item, "fixturenames", ())
        if transacional or "live_server" in fixtures or "transactional_db" in fixtures:
            kwargs = dict(marcador.kwargs) if marcador else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


_CONTEUDO_SERIALIZADO: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> None:  # extends pytest-django's fixture
    """Keep the serialized migrated data ourselves (see `pytest_runtest_setup`)."""
    from django.db import connections

    for alias in connections:
        conteudo = getattr(connections[alias], "_test_serialized_contents", None)
        if conteudo is not None:
            _CONTEUDO_SERIALIZADO[alias] = conteudo


def _repor_conteudo_serializado() -> None:
    """Django keeps the serialized data on the connection object, which is per context.

    Playwright's sync API switches greenlets (each with its own contextvars), after which
    `connections["default"]` can be a fresh object without it: the flush after the test would
    then run post_migrate and the next transactional test would start with no roles or
    municipalities. Put it back before each test and before each teardown.
    """
    if not _CONTEUDO_SERIALIZADO:
        return
    from django.db import connections

    for alias, conteudo in _CONTEUDO_SERIALIZADO.items():
        if not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = conteudo  # type: ignore[attr-defined]


def pytest_runtest_setup(item: pytest.Item) -> None:
    _repor_conteudo_serializado()


def pytest_runtest_teardown(item: pytest.Item) -> None:
    _repor_conteudo_serializado()
