"""Fixtures of the ticket tests: the people of tests/conftest.py and the order scenario of
tests/vendas (a client in the dono's portfolio, one in the colega's), ticket registries and
`abrir` to open a ticket through the service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.vendas.conftest import cenario  # noqa: F401  (fixture)


@dataclass
class Registros:
    canal: Any
    tipo: Any
    motivo: Any
    outro_tipo: Any
    motivo_outro_tipo: Any


@pytest.fixture
def registros(db: Any) -> Registros:
    from tests.factories import CanalAtendimentoFactory, MotivoChamadoFactory, TipoChamadoFactory

    tipo = TipoChamadoFactory(codigo="RECL", descricao="Reclamação", prazo_horas=24)
    outro = TipoChamadoFactory(codigo="CANC", descricao="Cancelamento")
    return Registros(
        canal=CanalAtendimentoFactory(),
        tipo=tipo,
        motivo=MotivoChamadoFactory(codigo="DEFEITO", descricao="Produto com defeito", tipo=tipo),
        outro_tipo=outro,
        motivo_outro_tipo=MotivoChamadoFactory(
            codigo="NAORECEB", descricao="Não recebimento da mercadoria", tipo=outro
        ),
    )


def abrir(cliente: Any, ator: Any, registros: Registros, **extra: Any) -> Any:
    from atendimento.services import chamado_abrir

    dados: dict[str, Any] = {
        "cliente_id": cliente.pk,
        "ator": ator,
        "canal_id": registros.canal.pk,
        "tipo_id": registros.tipo.pk,
        "motivo_id": registros.motivo.pk,
        "forma": "passivo",
        "assunto": "Lâmpada queimada",
        "descricao": "Cliente recebeu lâmpadas que não acendem.",
    }
    dados.update(extra)
    return chamado_abrir(**dados)
