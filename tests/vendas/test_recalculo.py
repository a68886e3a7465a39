"""Recalculating every open order when a matrix changes: a Celery job with progress in a row,
resumable, one bad order never stopping the others."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from tests.vendas.conftest import Cenario, criar_pedido, regra
from vendas.constants import StatusPedido, TipoEventoPedido
from vendas.models import Pedido, RecalculoPedidos, StatusJob
from vendas.services import (
    recalculo_matrizes_alteradas,
    recalculo_processar,
    recalculo_solicitar,
)

D = Decimal
pytestmark = pytest.mark.django_db


def test_matriz_alterada_recalcula_os_pedidos_abertos(
    cenario: Cenario, django_capture_on_commit_callbacks: Any
) -> None:
    # given two open orders and a sent one
    abertos = [criar_pedido(cenario, [(cenario.lampada, "3")]) for _ in range(2)]
    enviado = criar_pedido(cenario, [(cenario.lampada, "3")])
    Pedido.objects.filter(pk=enviado.pk).update(status=StatusPedido.ENVIADO)
    total_enviado = Pedido.objects.get(pk=enviado.pk).v_nf
    # when the IPI matrix gives the lamp 10 % and the matrices' service calls the hook
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        regra("IPI", produto=cenario.lampada, aliquota=D("10"))
        recalculo_matrizes_alteradas(matriz="IPI", ator=cenario.pessoas.usuarios["admin"])
    # then one job recalculated the open orders (the task ran on commit), not the sent one
    job = RecalculoPedidos.objects.get()
    assert job.status == StatusJob.PRONTO and job.progresso == 100
    assert (job.processados, job.total, job.alterados) == (2, 2, 2)
    assert "IPI" in job.motivo
    for pedido in abertos:
        pedido.refresh_from_db()
        assert pedido.v_ipi == D("6.00")
        assert pedido.eventos.filter(tipo=TipoEventoPedido.RECALCULADO).exists()
    assert Pedido.objects.get(pk=enviado.pk).v_nf == total_enviado


def test_pedidos_no_mesmo_commit_juntam_se_num_job(cenario: Cenario) -> None:
    # given a job still queued; when another matrix changes before it starts
    primeiro = recalculo_solicitar(motivo="Matriz IPI alterada")
    segundo = recalculo_solicitar(motivo="Matriz ICMS alterada")
    # then both reasons are in the one job
    assert primeiro.pk == segundo.pk
    assert RecalculoPedidos.objects.count() == 1
    assert "IPI" in segundo.motivo and "ICMS" in segundo.motivo


def test_job_reentregue_continua_de_onde_parou(cenario: Cenario) -> None:
    # given three open orders and a job that had done the first one when its worker died
    pedidos = [criar_pedido(cenario, [(cenario.lampada, "1")]) for _ in range(3)]
    job = RecalculoPedidos.objects.create(
        motivo="teste", status=StatusJob.PROCESSANDO, total=3, processados=1,
        ultimo_pedido=pedidos[0].pk,
    )  # fmt: skip
    from django.utils import timezone

    RecalculoPedidos.objects.filter(pk=job.pk).update(iniciado_em=timezone.now())
    # when the task is delivered again
    job = recalculo_processar(job.pk)
    # then it goes on after the last order done, and finishes
    assert job.status == StatusJob.PRONTO and job.processados == 3
    # and running it again does nothing more
    assert recalculo_processar(job.pk).processados == 3


def test_pedido_com_erro_nao_para_os_outros(cenario: Cenario, monkeypatch: Any) -> None:
    from vendas.services import pedidos as services

    pedidos = [criar_pedido(cenario, [(cenario.lampada, "1")]) for _ in range(3)]
    original = services.pedido_recalcular

    def falha_no_segundo(*, pedido_id: int, ator: Any = None) -> Any:
        if pedido_id == pedidos[1].pk:
            raise RuntimeError("regra corrompida")
        return original(pedido_id=pedido_id, ator=ator)

    monkeypatch.setattr(services, "pedido_recalcular", falha_no_segundo)
    job = recalculo_solicitar(motivo="teste")
    job = recalculo_processar(job.pk)
    assert job.status == StatusJob.PRONTO and job.processados == 3
    assert [f["numero"] for f in job.falhas] == [pedidos[1].numero]


@pytest.mark.parametrize(
    ("quem", "esperado"), [("supervisor", 200), ("admin", 200), ("dono", 403), ("sac", 403)]
)
def test_tela_do_recalculo(client, cenario, quem, esperado) -> None:
    # given a finished job
    job = recalculo_solicitar(motivo="Matriz IPI alterada")
    recalculo_processar(job.pk)
    client.force_login(cenario.pessoas.usuarios[quem])
    # when someone opens its page
    resp = client.get(reverse("vendas:recalculo-detalhe", args=[job.pk]))
    # then supervisors/admins see the progress; reps get 403 (a screen of other roles)
    assert resp.status_code == esperado
    if esperado == 200:
        assert "Concluído" in resp.content.decode()


@pytest.mark.parametrize(("quem", "esperado"), [("supervisor", 302), ("dono", 403)])
def test_pedir_recalculo_pela_fila(client, cenario, quem, esperado) -> None:
    client.force_login(cenario.pessoas.usuarios[quem])
    resp = client.post(reverse("vendas:recalculo-novo"))
    assert resp.status_code == esperado
    assert RecalculoPedidos.objects.exists() is (esperado == 302)


def test_salvar_regra_pela_tela_de_matrizes_agenda_o_recalculo(
    cenario: Cenario, django_capture_on_commit_callbacks: Any
) -> None:
    # given an open order and no recalculation queued
    from matrizes.services import regra_criar

    criar_pedido(cenario, [(cenario.lampada, "1")])
    RecalculoPedidos.objects.all().delete()
    # when a supervisor creates a rule through the matrices service
    with django_capture_on_commit_callbacks(execute=True):
        regra_criar(
            dados={
                "matriz": "COMISSAO",
                "percentual": Decimal("4"),
                "representante": cenario.pessoas.usuarios["dono"],
                "vigencia_inicio": dt.date.today(),
            },
            ator=cenario.pessoas.usuarios["supervisor"],
        )
    # then one recalculation job was requested for the open orders
    assert RecalculoPedidos.objects.count() == 1
    assert RecalculoPedidos.objects.get().motivo.endswith("alterada")


def test_falhas_do_recalculo_so_listam_pedidos_visiveis(client, cenario) -> None:
    # given a finished job whose failures are an order of dono's team and one of another team
    from tests.factories import ClienteFactory

    meu = criar_pedido(cenario, [(cenario.parafuso, "20")])
    outro_cliente = ClienteFactory(carteira=cenario.pessoas.b)
    outro = Pedido.objects.create(
        tipo="pedido", numero=meu.numero + 1000, empresa=meu.empresa, cliente=outro_cliente,
        representante=cenario.pessoas.usuarios["colega"], data=meu.data,
    )  # fmt: skip
    job = RecalculoPedidos.objects.create(motivo="Matriz IPI alterada", status=StatusJob.PRONTO,
                                          falhas=[{"pedido": meu.pk, "numero": meu.numero,
                                                   "erro": "Erro A"},
                                                  {"pedido": outro.pk, "numero": outro.numero,
                                                   "erro": "Erro B"}])  # fmt: skip
    # when dono's supervisor opens it
    client.force_login(cenario.pessoas.usuarios["supervisor"])
    html = client.get(reverse("vendas:recalculo-detalhe", args=[job.pk])).content.decode()
    # then the count is the job's, but only the visible order is named
    assert "2 pedidos não puderam ser recalculados" in html
    assert "Erro A" in html and "Erro B" not in html
    assert "1 de carteiras que você não vê" in html
