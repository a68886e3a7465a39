"""The order's SAC tab (atendimento.Chamado linked to the order): lists the order's tickets
through the user-scoped queryset, offers "Abrir chamado" prefilled with client and order only
to who may open tickets, has an empty state, and costs the same whatever the number of tickets.
The client header links to the client's tickets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.atendimento.conftest import abrir, registros  # noqa: F401  (fixture)
from tests.vendas.conftest import cenario, criar_pedido  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _u(cenario, quem):  # noqa: F811
    return cenario.pessoas.usuarios[quem]


# --- the order's SAC tab -----------------------------------------------------------------------


def test_aba_sac_do_pedido_lista_os_chamados_e_abre_novo(client, cenario, registros):  # noqa: F811
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    outro = criar_pedido(cenario, [(cenario.lampada, "1")])
    abrir(cenario.cliente, _u(cenario, "sac"), registros, pedido_id=pedido.pk, assunto="Deste")
    abrir(cenario.cliente, _u(cenario, "sac"), registros, pedido_id=outro.pk, assunto="Do outro")
    client.force_login(_u(cenario, "sac"))
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk]), {"aba": "sac"})
    html = html.content.decode()
    assert 'id="aba-sac"' in html and "Deste" in html and "Do outro" not in html
    novo = reverse("atendimento:chamado-novo")
    assert f"{novo}?cliente={cenario.cliente.pk}&amp;pedido={pedido.pk}" in html
    assert f"/atendimento/?cliente={cenario.cliente.pk}" in html  # client header link


def test_aba_sac_vazia_e_sem_botao_para_quem_nao_abre(client, cenario):  # noqa: F811
    from django.contrib.auth.models import Permission

    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    dono = _u(cenario, "dono")
    client.force_login(dono)
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert "Nenhum chamado para este pedido." in html and 'id="abrir-chamado"' in html
    # a rep without add_chamado (removed from the group) sees no button
    dono.groups.first().permissions.remove(Permission.objects.get(codename="add_chamado"))
    client.force_login(dono)
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert 'id="abrir-chamado"' not in html


def _consultas_do_pedido(client, pedido) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk]))
    assert resp.status_code == 200
    return len(ctx.captured_queries)


def test_aba_sac_nao_cresce_em_consultas(client, cenario, registros):  # noqa: F811
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    client.force_login(_u(cenario, "sac"))
    abrir(cenario.cliente, _u(cenario, "sac"), registros, pedido_id=pedido.pk,
          responsavel_id=_u(cenario, "sac").pk)  # fmt: skip
    uma = _consultas_do_pedido(client, pedido)
    for quem in ("supervisor", "admin", "sac", "supervisor"):
        abrir(cenario.cliente, _u(cenario, "sac"), registros, pedido_id=pedido.pk,
              responsavel_id=_u(cenario, quem).pk)  # fmt: skip
    assert _consultas_do_pedido(client, pedido) == uma
