"""Shared fixtures: the people who matter for visibility tests.

`pessoas.usuarios` maps: dono (rep owning carteira A), colega (rep owning carteira B, another
team), supervisor (heads dono's team), supervisor_outro (heads colega's team), sac, admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

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
