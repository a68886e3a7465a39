"""Ticket services: the three phases, the status flow, versions, visibility of client and
order, response times and the events written."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from atendimento.constants import TRANSICOES, StatusChamado, TipoEventoChamado, pode_transitar
from atendimento.models import Chamado, EventoChamado
from atendimento.services import (
    ConflitoChamado,
    ErroChamado,
    chamado_cancelar,
    chamado_comentar,
    chamado_encerrar,
    chamado_iniciar_execucao,
    chamado_reabrir,
    chamado_tarefa_adicionar,
    chamado_tarefa_concluir,
)
from cadastro.models import EventoCliente
from tests.atendimento.conftest import abrir
from tests.factories import UsuarioFactory
from tests.vendas.conftest import criar_pedido

pytestmark = pytest.mark.django_db


def _u(cenario, quem):
    return cenario.pessoas.usuarios[quem]


def _tipos(chamado):
    return list(
        EventoChamado.objects.filter(chamado=chamado)
        .order_by("quando", "pk")
        .values_list("tipo", flat=True)
    )


# --- opening ---------------------------------------------------------------------------------


def test_abrir_numera_por_empresa_define_prazo_e_registra_eventos(cenario, registros):
    sac = _u(cenario, "sac")
    agora = timezone.now()
    primeiro = abrir(cenario.cliente, sac, registros)
    segundo = abrir(cenario.cliente, sac, registros)
    assert (primeiro.numero, segundo.numero) == (1, 2)
    assert primeiro.status == StatusChamado.ABERTO
    assert primeiro.aberto_por == sac and primeiro.responsavel is None
    # the type's default due time (24 h)
    assert abs((primeiro.prazo - agora) - dt.timedelta(hours=24)) < dt.timedelta(minutes=1)
    assert _tipos(primeiro) == [TipoEventoChamado.ABERTO]
    evento = EventoCliente.objects.filter(cliente=cenario.cliente, tipo="chamado").last()
    assert evento is not None and evento.dados["chamado"] == primeiro.pk
    assert evento.descricao == f"Chamado {primeiro.numero} aberto: Lâmpada queimada"
    # another company starts its own numbering
    outra = UsuarioFactory(username="sac_outra", papel="Atendente SAC")
    assert outra.empresa_id != sac.empresa_id
    assert abrir(cenario.cliente, outra, registros).numero == 1


def test_numero_e_unico_por_empresa(cenario, registros):
    chamado = abrir(cenario.cliente, _u(cenario, "sac"), registros)
    with pytest.raises(IntegrityError):
        Chamado.objects.create(
            **{f.attname: getattr(chamado, f.attname) for f in Chamado._meta.concrete_fields
               if f.name not in ("id",)}
        )  # fmt: skip


def test_rep_abre_para_o_proprio_cliente_mas_nao_para_o_do_colega(cenario, registros):
    dono = _u(cenario, "dono")
    assert abrir(cenario.cliente, dono, registros).aberto_por == dono
    with pytest.raises(ErroChamado, match="Cliente não encontrado"):
        abrir(cenario.cliente_colega, dono, registros)
    assert Chamado.objects.count() == 1


def test_rep_nao_escolhe_responsavel_na_abertura(cenario, registros):
    with pytest.raises(ErroChamado, match="permissão para atender"):
        abrir(cenario.cliente, _u(cenario, "dono"), registros, responsavel_id=_u(cenario, "sac").pk)


def test_sac_escolhe_responsavel_que_atende(cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros, responsavel_id=_u(cenario, "supervisor").pk)
    assert chamado.responsavel == _u(cenario, "supervisor")
    with pytest.raises(ErroChamado, match="Responsável não encontrado"):
        abrir(cenario.cliente, sac, registros, responsavel_id=_u(cenario, "dono").pk)


def test_motivo_de_outro_tipo_e_recusado(cenario, registros):
    with pytest.raises(ErroChamado, match="motivo do tipo"):
        abrir(cenario.cliente, _u(cenario, "sac"), registros,
              motivo_id=registros.motivo_outro_tipo.pk)  # fmt: skip


@pytest.mark.parametrize("campo", ["assunto", "descricao"])
def test_assunto_e_descricao_obrigatorios(cenario, registros, campo):
    with pytest.raises(ErroChamado):
        abrir(cenario.cliente, _u(cenario, "sac"), registros, **{campo: "   "})


def test_pedido_do_cliente_e_vinculado(cenario, registros):
    pedido = criar_pedido(cenario, [(cenario.lampada, "2")])
    chamado = abrir(cenario.cliente, _u(cenario, "sac"), registros, pedido_id=pedido.pk)
    assert chamado.pedido == pedido


def test_pedido_de_outro_cliente_e_recusado(cenario, registros):
    """The SAC agent sees both clients' orders, but the order must be the ticket's client's."""
    do_colega = criar_pedido_do(cenario, "colega", cenario.cliente_colega)
    with pytest.raises(ErroChamado, match="é de outro cliente"):
        abrir(cenario.cliente, _u(cenario, "sac"), registros, pedido_id=do_colega.pk)
    assert Chamado.objects.count() == 0


def test_pedido_que_o_ator_nao_ve_e_recusado(cenario, registros):
    """A rep cannot link a foreign order by typing its id (never trust ids from the POST)."""
    do_colega = criar_pedido_do(cenario, "colega", cenario.cliente_colega)
    with pytest.raises(ErroChamado, match="não encontrado"):
        abrir(cenario.cliente, _u(cenario, "dono"), registros, pedido_id=do_colega.pk)


def criar_pedido_do(cenario, quem, cliente):
    from vendas.services import pedido_criar

    return pedido_criar(cliente_id=cliente.pk, ator=_u(cenario, quem)).pedido


def test_sem_permissao_nao_abre(cenario, registros):
    sem_papel = UsuarioFactory(username="sem_papel")
    with pytest.raises(ErroChamado, match="permissão para abrir"):
        abrir(cenario.cliente, sem_papel, registros)


# --- status flow -----------------------------------------------------------------------------


def test_transicoes_sao_as_do_fluxo():
    assert TRANSICOES[StatusChamado.ABERTO] == {StatusChamado.EM_EXECUCAO, StatusChamado.CANCELADO}
    assert pode_transitar(StatusChamado.EM_EXECUCAO, StatusChamado.ENCERRADO)
    assert pode_transitar(StatusChamado.ENCERRADO, StatusChamado.EM_EXECUCAO)
    assert not pode_transitar(StatusChamado.ABERTO, StatusChamado.ENCERRADO)
    assert not pode_transitar(StatusChamado.CANCELADO, StatusChamado.EM_EXECUCAO)
    assert not pode_transitar(StatusChamado.ENCERRADO, StatusChamado.CANCELADO)


def test_ciclo_completo_com_tempos_de_resposta(cenario, registros):
    sac, supervisor = _u(cenario, "sac"), _u(cenario, "supervisor")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        chamado = abrir(cenario.cliente, _u(cenario, "dono"), registros)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC), tick=False):
        chamado = chamado_iniciar_execucao(
            chamado_id=chamado.pk, versao=chamado.versao, ator=sac, responsavel_id=supervisor.pk
        )
    assert chamado.status == StatusChamado.EM_EXECUCAO and chamado.responsavel == supervisor
    assert chamado.tempo_primeira_resposta == dt.timedelta(hours=1, minutes=30)
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        tarefa = chamado_tarefa_adicionar(
            chamado_id=chamado.pk, ator=supervisor, descricao="Trocar as lâmpadas",
            responsavel_id=supervisor.pk, data_prevista=dt.date(2026, 3, 4),
        )  # fmt: skip
        chamado_comentar(chamado_id=chamado.pk, ator=supervisor, texto="Troca agendada.")
        chamado_tarefa_concluir(chamado_id=chamado.pk, tarefa_id=tarefa.pk, ator=supervisor)
    chamado.refresh_from_db()
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        chamado = chamado_encerrar(
            chamado_id=chamado.pk, versao=chamado.versao, ator=supervisor,
            solucao="Lâmpadas trocadas na loja.",
        )  # fmt: skip
    assert chamado.status == StatusChamado.ENCERRADO
    assert chamado.tempo_encerramento == dt.timedelta(days=2)
    assert chamado.tempo_primeira_resposta == dt.timedelta(hours=1, minutes=30)  # unchanged
    assert _tipos(chamado) == [
        TipoEventoChamado.ABERTO,
        TipoEventoChamado.EXECUCAO_INICIADA,
        TipoEventoChamado.TAREFA_ADICIONADA,
        TipoEventoChamado.COMENTARIO,
        TipoEventoChamado.TAREFA_CONCLUIDA,
        TipoEventoChamado.ENCERRADO,
    ]
    ultimo = EventoChamado.objects.filter(chamado=chamado).order_by("-pk").first()
    assert ultimo.ator == supervisor and ultimo.dados["solucao"] == "Lâmpadas trocadas na loja."


def test_comentario_de_outro_que_nao_o_autor_e_a_primeira_resposta(cenario, registros):
    sac, supervisor = _u(cenario, "sac"), _u(cenario, "supervisor")
    chamado = abrir(cenario.cliente, sac, registros)
    chamado_comentar(chamado_id=chamado.pk, ator=sac, texto="Liguei, sem resposta.")
    chamado.refresh_from_db()
    assert chamado.primeira_resposta_em is None  # the opener writing more is no answer
    chamado_comentar(chamado_id=chamado.pk, ator=supervisor, texto="Vou ligar de novo.")
    chamado.refresh_from_db()
    assert chamado.primeira_resposta_em is not None
    assert chamado.versao == 1  # comments are append-only: no version bump, no conflict


def test_encerrar_exige_solucao(cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    chamado = chamado_iniciar_execucao(
        chamado_id=chamado.pk, versao=1, ator=sac, responsavel_id=sac.pk
    )
    with pytest.raises(ErroChamado, match="Informe a solução"):
        chamado_encerrar(chamado_id=chamado.pk, versao=chamado.versao, ator=sac, solucao="  ")
    chamado.refresh_from_db()
    assert chamado.status == StatusChamado.EM_EXECUCAO
    assert _tipos(chamado)[-1] == TipoEventoChamado.EXECUCAO_INICIADA


def test_banco_recusa_encerrado_sem_solucao(cenario, registros):
    chamado = abrir(cenario.cliente, _u(cenario, "sac"), registros)
    with pytest.raises(IntegrityError):
        Chamado.objects.filter(pk=chamado.pk).update(status=StatusChamado.ENCERRADO)


def test_nao_encerra_aberto_nem_com_tarefa_pendente(cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    with pytest.raises(ErroChamado, match="não pode passar a “Encerrado”"):
        chamado_encerrar(chamado_id=chamado.pk, versao=1, ator=sac, solucao="Resolvido")
    chamado = chamado_iniciar_execucao(
        chamado_id=chamado.pk, versao=1, ator=sac, responsavel_id=sac.pk
    )
    chamado_tarefa_adicionar(
        chamado_id=chamado.pk, ator=sac, descricao="Buscar a mercadoria",
        responsavel_id=sac.pk, data_prevista=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(ErroChamado, match="1 tarefa pendente"):
        chamado_encerrar(chamado_id=chamado.pk, versao=chamado.versao, ator=sac, solucao="Ok")


def test_tarefa_so_na_execucao_e_nao_no_passado(cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    with pytest.raises(ErroChamado, match="inicie a execução"):
        chamado_tarefa_adicionar(
            chamado_id=chamado.pk, ator=sac, descricao="X", responsavel_id=sac.pk,
            data_prevista=timezone.localdate(),
        )  # fmt: skip
    chamado_iniciar_execucao(chamado_id=chamado.pk, versao=1, ator=sac, responsavel_id=sac.pk)
    with pytest.raises(ErroChamado, match="passado"):
        chamado_tarefa_adicionar(
            chamado_id=chamado.pk, ator=sac, descricao="X", responsavel_id=sac.pk,
            data_prevista=timezone.localdate() - dt.timedelta(days=1),
        )  # fmt: skip


def test_tarefa_de_outro_chamado_nao_e_concluida(cenario, registros):
    sac = _u(cenario, "sac")
    um = abrir(cenario.cliente, sac, registros)
    outro = abrir(cenario.cliente, sac, registros)
    for c in (um, outro):
        chamado_iniciar_execucao(chamado_id=c.pk, versao=1, ator=sac, responsavel_id=sac.pk)
    tarefa = chamado_tarefa_adicionar(
        chamado_id=outro.pk, ator=sac, descricao="X", responsavel_id=sac.pk,
        data_prevista=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(ErroChamado, match="Tarefa não encontrada"):
        chamado_tarefa_concluir(chamado_id=um.pk, tarefa_id=tarefa.pk, ator=sac)
    chamado_tarefa_concluir(chamado_id=outro.pk, tarefa_id=tarefa.pk, ator=sac)
    with pytest.raises(ErroChamado, match="já foi concluída"):
        chamado_tarefa_concluir(chamado_id=outro.pk, tarefa_id=tarefa.pk, ator=sac)


def test_cancelar_exige_motivo_e_e_final(cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    with pytest.raises(ErroChamado, match="motivo do cancelamento"):
        chamado_cancelar(chamado_id=chamado.pk, versao=1, ator=sac, motivo="")
    chamado = chamado_cancelar(chamado_id=chamado.pk, versao=1, ator=sac, motivo="Duplicado")
    assert chamado.status == StatusChamado.CANCELADO
    assert chamado.motivo_cancelamento == "Duplicado"
    for acao in (
        lambda: chamado_reabrir(chamado_id=chamado.pk, versao=chamado.versao, ator=sac),
        lambda: chamado_iniciar_execucao(
            chamado_id=chamado.pk, versao=chamado.versao, ator=sac, responsavel_id=sac.pk
        ),
        lambda: chamado_comentar(chamado_id=chamado.pk, ator=sac, texto="Oi"),
    ):
        with pytest.raises(ErroChamado):
            acao()
    assert _tipos(chamado) == [TipoEventoChamado.ABERTO, TipoEventoChamado.CANCELADO]


def test_cancelar_em_execucao(cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    chamado = chamado_iniciar_execucao(
        chamado_id=chamado.pk, versao=1, ator=sac, responsavel_id=sac.pk
    )
    chamado = chamado_cancelar(
        chamado_id=chamado.pk, versao=chamado.versao, ator=sac, motivo="Cliente desistiu"
    )
    assert chamado.status == StatusChamado.CANCELADO


def test_reabrir_volta_a_execucao_e_guarda_a_solucao_anterior(cenario, registros):
    sac = _u(cenario, "sac")
    chamado = abrir(cenario.cliente, sac, registros)
    chamado = chamado_iniciar_execucao(
        chamado_id=chamado.pk, versao=1, ator=sac, responsavel_id=sac.pk
    )
    chamado = chamado_encerrar(
        chamado_id=chamado.pk, versao=chamado.versao, ator=sac, solucao="Trocado"
    )
    chamado = chamado_reabrir(
        chamado_id=chamado.pk, versao=chamado.versao, ator=sac, motivo="Voltou a falhar"
    )
    assert chamado.status == StatusChamado.EM_EXECUCAO
    assert chamado.encerrado_em is None and chamado.solucao == ""
    evento = EventoChamado.objects.filter(chamado=chamado).order_by("-pk").first()
    assert evento.tipo == TipoEventoChamado.REABERTO
    assert evento.dados["solucao_anterior"] == "Trocado"
    assert evento.dados["motivo"] == "Voltou a falhar"


def test_versao_antiga_e_recusada_nomeando_quem_alterou(cenario, registros):
    sac, supervisor = _u(cenario, "sac"), _u(cenario, "supervisor")
    supervisor.first_name, supervisor.last_name = "Sara", "Supervisora"
    supervisor.save()
    chamado = abrir(cenario.cliente, sac, registros)
    chamado_iniciar_execucao(
        chamado_id=chamado.pk, versao=1, ator=supervisor, responsavel_id=supervisor.pk
    )
    with pytest.raises(ConflitoChamado) as erro:
        chamado_cancelar(chamado_id=chamado.pk, versao=1, ator=sac, motivo="Duplicado")
    assert "alterado por Sara Supervisora" in erro.value.mensagem
    assert "você estava na versão 1" in erro.value.mensagem
    chamado.refresh_from_db()
    assert chamado.status == StatusChamado.EM_EXECUCAO


@pytest.mark.parametrize("quem", ["dono", "colega"])
def test_rep_nao_atende(cenario, registros, quem):
    """A rep opens and reads; carrying a ticket on is for SAC and supervisors."""
    chamado = abrir(cenario.cliente, _u(cenario, "dono"), registros)
    with pytest.raises(ErroChamado, match="permissão para atender"):
        chamado_iniciar_execucao(
            chamado_id=chamado.pk, versao=1, ator=_u(cenario, quem),
            responsavel_id=_u(cenario, "sac").pk,
        )  # fmt: skip
    with pytest.raises(ErroChamado, match="permissão para atender"):
        chamado_comentar(chamado_id=chamado.pk, ator=_u(cenario, quem), texto="x")


def test_supervisor_de_outra_equipe_nao_alcanca_o_chamado(cenario, registros):
    chamado = abrir(cenario.cliente, _u(cenario, "dono"), registros)
    with pytest.raises(ErroChamado, match="Chamado não encontrado"):
        chamado_iniciar_execucao(
            chamado_id=chamado.pk, versao=1, ator=_u(cenario, "supervisor_outro"),
            responsavel_id=_u(cenario, "supervisor_outro").pk,
        )  # fmt: skip
