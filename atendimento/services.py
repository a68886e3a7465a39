"""Writes on tickets (chamados). Each service is atomic, takes an explicit `ator`, checks the
ator's permission and visibility (never trusting ids from a POST), locks the ticket row,
checks the version the user saw (optimistic locking, like orders), and writes one
EventoChamado; status changes also go to the client's timeline (EventoCliente "chamado").

Only these functions change a ticket. What the forms do not offer (status, número, aberto_por,
versão, the response times) is never taken from user input: the views pass the cleaned fields
one by one.

Response time: `primeira_resposta_em` is stamped once, by the start of execution or by the
first comment/task of someone other than the opener (the opener writing more is not an
answer to the client).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format

from atendimento.constants import FormaChamado, StatusChamado, TipoEventoChamado
from atendimento.models import (
    CanalAtendimento,
    Chamado,
    EventoChamado,
    MotivoChamado,
    SequenciaChamado,
    TarefaChamado,
    TipoChamado,
)
from cadastro.constants import TipoEventoCliente
from cadastro.models import Cliente, EventoCliente

if TYPE_CHECKING:
    from contas.models import Usuario
    from produtos.models import Produto
    from vendas.models import Pedido

__all__ = [
    "ConflitoChamado",
    "ErroChamado",
    "chamado_abrir",
    "chamado_cancelar",
    "chamado_comentar",
    "chamado_encerrar",
    "chamado_iniciar_execucao",
    "chamado_reabrir",
    "chamado_tarefa_adicionar",
    "chamado_tarefa_concluir",
    "responsaveis_possiveis",
]

PERMISSAO_ATENDER = "atendimento.change_chamado"


class ErroChamado(Exception):
    """A business rule refused the change; `mensagem` is shown to the user as is (pt-BR)."""

    def __init__(self, mensagem: str) -> None:
        self.mensagem = mensagem
        super().__init__(mensagem)


class ConflitoChamado(ErroChamado):
    """Somebody changed the ticket after this user loaded it: never overwrite silently."""

    def __init__(self, chamado: Chamado, versao_vista: int) -> None:
        self.chamado = chamado
        self.versao_vista = versao_vista
        quem = "outro usuário"
        if chamado.atualizado_por is not None:
            quem = chamado.atualizado_por.get_full_name() or chamado.atualizado_por.username
        quando = date_format(timezone.localtime(chamado.atualizado_em), "d/m/Y H:i")
        super().__init__(
            f"O chamado {chamado.numero} foi alterado por {quem} em {quando} (versão "
            f"{chamado.versao}; você estava na versão {versao_vista}). Recarregue o chamado "
            "para ver as mudanças antes de alterar de novo."
        )


# --- helpers -------------------------------------------------------------------------------


def _nome(usuario: Usuario | None) -> str:
    if usuario is None:
        return ""
    return usuario.get_full_name() or usuario.username


def _evento(
    chamado: Chamado, tipo_evento: str, ator: Usuario | None, /, **dados: Any
) -> EventoChamado:
    return EventoChamado.objects.create(chamado=chamado, tipo=tipo_evento, ator=ator, dados=dados)


def _linha_do_tempo(chamado: Chamado, ator: Usuario, descricao: str) -> None:
    EventoCliente.registrar(
        cliente=chamado.cliente,
        tipo=TipoEventoCliente.CHAMADO,
        ator=ator,
        descricao=descricao[:255],
        dados={"chamado": chamado.pk, "numero": chamado.numero, "status": chamado.status},
    )


def _exigir(ator: Usuario, permissao: str, mensagem: str) -> None:
    if not ator.is_active or not ator.has_perm(permissao):
        raise ErroChamado(mensagem)


def _pode_atender(ator: Usuario) -> None:
    _exigir(ator, PERMISSAO_ATENDER, "Você não tem permissão para atender chamados.")


def _proximo_numero(empresa_id: int) -> int:
    """The company's next ticket number. One upsert: concurrent openings of the same company
    queue on the sequence row (held until commit), so numbers never repeat, and a rolled-back
    opening gives its number back."""
    tabela = SequenciaChamado._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tabela} (empresa_id, ultimo) VALUES (%s, 1) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (empresa_id) DO UPDATE SET ultimo = {tabela}.ultimo + 1 "
            "RETURNING ultimo",
            [empresa_id],
        )
        return int(cursor.fetchone()[0])


def _travar(*, ator: Usuario, chamado_id: int, versao: int | None) -> Chamado:
    """The ticket under FOR UPDATE (only its row), if the ator sees it; its version checked."""
    chamado = (
        Chamado.objects.visiveis_para(ator)
        .select_for_update(of=("self",))
        .select_related("cliente", "atualizado_por", "aberto_por")
        .filter(pk=chamado_id)
        .order_by()
        .first()
    )
    if chamado is None:
        raise ErroChamado("Chamado não encontrado.")
    if versao is not None and chamado.versao != versao:
        raise ConflitoChamado(chamado, versao)
    return chamado


def _transitar(chamado: Chamado, novo: str) -> str:
    if not chamado.pode_transitar(novo):
        raise ErroChamado(
            f"O chamado está “{chamado.get_status_display()}”: não pode passar a "
            f"“{StatusChamado(novo).label}”."
        )
    anterior = chamado.status
    chamado.status = novo
    return anterior


def _gravar(chamado: Chamado, ator: Usuario, campos: tuple[str, ...]) -> None:
    chamado.versao += 1
    chamado.atualizado_por = ator
    chamado.save(update_fields=[*campos, "versao", "atualizado_por", "atualizado_em"])


def _resposta(chamado: Chamado, ator: Usuario, agora: datetime) -> bool:
    """Stamp the first response when `ator` answers (not the opener). True when stamped."""
    if chamado.primeira_resposta_em is not None or ator.pk == chamado.aberto_por_id:
        return False
    chamado.primeira_resposta_em = agora
    return True


def responsaveis_possiveis() -> Any:
    """Active users who may carry a ticket on (hold the 'atender' permission)."""
    from contas.models import Usuario

    return (
        Usuario.objects.with_perm(PERMISSAO_ATENDER, include_superusers=False)
        .filter(is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def _responsavel(responsavel_id: int) -> Usuario:
    responsavel = responsaveis_possiveis().filter(pk=responsavel_id).first()
    if responsavel is None:
        raise ErroChamado("Responsável não encontrado ou sem permissão para atender chamados.")
    return responsavel


def _texto_obrigatorio(texto: str | None, mensagem: str) -> str:
    limpo = (texto or "").strip()
    if not limpo:
        raise ErroChamado(mensagem)
    return limpo


# --- opening -------------------------------------------------------------------------------


@transaction.atomic
def chamado_abrir(
    *,
    cliente_id: int,
    ator: Usuario,
    canal_id: int,
    tipo_id: int,
    motivo_id: int,
    forma: str,
    assunto: str,
    descricao: str,
    pedido_id: int | None = None,
    produto: Produto | None = None,
    prazo: datetime | None = None,
    responsavel_id: int | None = None,
) -> Chamado:
    """Open a ticket for a client the ator sees (status aberto, next number of the company).

    `pedido_id` (an order or a quote) must be visible to the ator and be the client's. Without
    a typed `prazo` the type's default applies. Only who may carry tickets names the
    responsible at opening (a rep opens; the SAC assigns).
    """
    _exigir(ator, "atendimento.add_chamado", "Você não tem permissão para abrir chamados.")
    cliente = Cliente.objects.visiveis_para(ator).filter(pk=cliente_id).first()
    if cliente is None:
        raise ErroChamado("Cliente não encontrado na sua carteira.")
    if ator.empresa_id is None:
        raise ErroChamado("Seu usuário não está ligado a uma empresa: peça ao administrador.")
    canal = CanalAtendimento.objects.filter(pk=canal_id, ativo=True).first()
    if canal is None:
        raise ErroChamado("Canal de atendimento não encontrado ou inativo.")
    tipo = TipoChamado.objects.filter(pk=tipo_id, ativo=True).first()
    if tipo is None:
        raise ErroChamado("Tipo de chamado não encontrado ou inativo.")
    motivo = MotivoChamado.objects.filter(pk=motivo_id, ativo=True).first()
    if motivo is None or motivo.tipo_id != tipo.pk:
        raise ErroChamado(f"Escolha um motivo do tipo “{tipo.descricao}”.")
    if forma not in FormaChamado.values:
        raise ErroChamado("Forma de atendimento inválida (ativo ou passivo).")
    assunto = _texto_obrigatorio(assunto, "Informe o assunto do chamado.")
    descricao = _texto_obrigatorio(descricao, "Descreva a solicitação do cliente.")
    pedido = _pedido_do_cliente(ator=ator, cliente=cliente, pedido_id=pedido_id)
    if produto is not None and not produto.ativo:
        raise ErroChamado("Produto inativo.")
    responsavel = None
    if responsavel_id is not None:
        _pode_atender(ator)
        responsavel = _responsavel(responsavel_id)
    agora = timezone.now()
    chamado = Chamado.objects.create(
        empresa_id=ator.empresa_id,
        numero=_proximo_numero(ator.empresa_id),
        cliente=cliente,
        canal=canal,
        tipo=tipo,
        motivo=motivo,
        forma=forma,
        status=StatusChamado.ABERTO,
        assunto=assunto,
        descricao=descricao,
        produto=produto,
        pedido=pedido,
        aberto_por=ator,
        responsavel=responsavel,
        prazo=prazo or agora + timedelta(hours=tipo.prazo_horas),
        atualizado_por=ator,
    )
    _evento(
        chamado,
        TipoEventoChamado.ABERTO,
        ator,
        numero=chamado.numero,
        tipo=tipo.descricao,
        motivo=motivo.descricao,
        canal=canal.descricao,
        forma=forma,
        pedido=pedido.numero if pedido else None,
        responsavel=_nome(responsavel) or None,
    )
    _linha_do_tempo(chamado, ator, f"Chamado {chamado.numero} aberto: {assunto}")
    return chamado


def _pedido_do_cliente(*, ator: Usuario, cliente: Cliente, pedido_id: int | None) -> Pedido | None:
    if pedido_id is None:
        return None
    from vendas.models import Pedido

    pedido = Pedido.objects.visiveis_para(ator).filter(pk=pedido_id).first()
    if pedido is None:
        raise ErroChamado("Pedido/orçamento não encontrado.")
    if pedido.cliente_id != cliente.pk:
        raise ErroChamado(
            f"O {pedido.get_tipo_display().lower()} {pedido.numero} é de outro cliente: "
            "escolha um pedido ou orçamento do cliente do chamado."
        )
    return pedido


# --- execution -----------------------------------------------------------------------------


@transaction.atomic
def chamado_iniciar_execucao(
    *, chamado_id: int, versao: int, ator: Usuario, responsavel_id: int
) -> Chamado:
    """aberto → em_execucao with the user who carries it on; counts as the first response."""
    _pode_atender(ator)
    chamado = _travar(ator=ator, chamado_id=chamado_id, versao=versao)
    responsavel = _responsavel(responsavel_id)
    anterior = _transitar(chamado, StatusChamado.EM_EXECUCAO)
    chamado.responsavel = responsavel
    if chamado.primeira_resposta_em is None:
        chamado.primeira_resposta_em = timezone.now()
    _gravar(chamado, ator, ("status", "responsavel", "primeira_resposta_em"))
    _evento(
        chamado,
        TipoEventoChamado.EXECUCAO_INICIADA,
        ator,
        de=anterior,
        responsavel=_nome(responsavel),
        responsavel_id=responsavel.pk,
    )
    _linha_do_tempo(chamado, ator, f"Chamado {chamado.numero} em execução com {_nome(responsavel)}")
    return chamado


@transaction.atomic
def chamado_comentar(*, chamado_id: int, ator: Usuario, texto: str) -> EventoChamado:
    """A comment on an open or running ticket (append-only: no version needed, two agents may
    comment at once). Someone other than the opener commenting is the first response."""
    _pode_atender(ator)
    chamado = _travar(ator=ator, chamado_id=chamado_id, versao=None)
    if not chamado.pendente:
        raise ErroChamado(
            f"O chamado está “{chamado.get_status_display()}”: reabra-o para comentar."
        )
    texto = _texto_obrigatorio(texto, "Escreva o comentário.")
    if _resposta(chamado, ator, timezone.now()):
        chamado.save(update_fields=["primeira_resposta_em", "atualizado_em"])
    return _evento(chamado, TipoEventoChamado.COMENTARIO, ator, texto=texto)


@transaction.atomic
def chamado_tarefa_adicionar(
    *,
    chamado_id: int,
    ator: Usuario,
    descricao: str,
    responsavel_id: int,
    data_prevista: date,
) -> TarefaChamado:
    """Schedule a task of the execution phase for a user who may carry tickets."""
    _pode_atender(ator)
    chamado = _travar(ator=ator, chamado_id=chamado_id, versao=None)
    if chamado.status != StatusChamado.EM_EXECUCAO:
        raise ErroChamado("Tarefas são agendadas na execução: inicie a execução do chamado.")
    descricao = _texto_obrigatorio(descricao, "Descreva a tarefa.")
    responsavel = _responsavel(responsavel_id)
    if data_prevista < timezone.localdate():
        raise ErroChamado("A data prevista da tarefa não pode estar no passado.")
    tarefa = TarefaChamado.objects.create(
        chamado=chamado,
        descricao=descricao,
        responsavel=responsavel,
        data_prevista=data_prevista,
        criado_por=ator,
    )
    if _resposta(chamado, ator, timezone.now()):
        chamado.save(update_fields=["primeira_resposta_em", "atualizado_em"])
    _evento(
        chamado,
        TipoEventoChamado.TAREFA_ADICIONADA,
        ator,
        tarefa=tarefa.pk,
        descricao=descricao,
        responsavel=_nome(responsavel),
        data_prevista=data_prevista.isoformat(),
    )
    return tarefa


@transaction.atomic
def chamado_tarefa_concluir(*, chamado_id: int, tarefa_id: int, ator: Usuario) -> TarefaChamado:
    _pode_atender(ator)
    chamado = _travar(ator=ator, chamado_id=chamado_id, versao=None)
    if chamado.status != StatusChamado.EM_EXECUCAO:
        raise ErroChamado(
            f"O chamado está “{chamado.get_status_display()}”: as tarefas não mudam mais."
        )
    tarefa = TarefaChamado.objects.select_for_update().filter(pk=tarefa_id, chamado=chamado).first()
    if tarefa is None:
        raise ErroChamado("Tarefa não encontrada neste chamado.")
    if tarefa.concluida_em is not None:
        raise ErroChamado("A tarefa já foi concluída.")
    agora = timezone.now()
    tarefa.concluida_em = agora
    tarefa.concluida_por = ator
    tarefa.save(update_fields=["concluida_em", "concluida_por"])
    if _resposta(chamado, ator, agora):
        chamado.save(update_fields=["primeira_resposta_em", "atualizado_em"])
    _evento(
        chamado, TipoEventoChamado.TAREFA_CONCLUIDA, ator, tarefa=tarefa.pk,
        descricao=tarefa.descricao,
    )  # fmt: skip
    return tarefa


# --- closing -------------------------------------------------------------------------------


@transaction.atomic
def chamado_encerrar(*, chamado_id: int, versao: int, ator: Usuario, solucao: str) -> Chamado:
    """em_execucao → encerrado with the solution (required); pending tasks must be done."""
    _pode_atender(ator)
    chamado = _travar(ator=ator, chamado_id=chamado_id, versao=versao)
    solucao = _texto_obrigatorio(solucao, "Informe a solução para encerrar o chamado.")
    _transitar(chamado, StatusChamado.ENCERRADO)
    pendentes = chamado.tarefas.filter(concluida_em__isnull=True).count()
    if pendentes:
        raise ErroChamado(
            f"Há {pendentes} tarefa{'s' if pendentes > 1 else ''} pendente"
            f"{'s' if pendentes > 1 else ''}: conclua-as antes de encerrar o chamado."
        )
    agora = timezone.now()
    chamado.solucao = solucao
    chamado.encerrado_em = agora
    _resposta(chamado, ator, agora)
    _gravar(chamado, ator, ("status", "solucao", "encerrado_em", "primeira_resposta_em"))
    _evento(chamado, TipoEventoChamado.ENCERRADO, ator, solucao=solucao)
    _linha_do_tempo(chamado, ator, f"Chamado {chamado.numero} encerrado")
    return chamado


@transaction.atomic
def chamado_cancelar(*, chamado_id: int, versao: int, ator: Usuario, motivo: str) -> Chamado:
    """aberto/em_execucao → cancelado, with the reason (required). Final."""
    _pode_atender(ator)
    chamado = _travar(ator=ator, chamado_id=chamado_id, versao=versao)
    motivo = _texto_obrigatorio(motivo, "Informe o motivo do cancelamento.")
    anterior = _transitar(chamado, StatusChamado.CANCELADO)
    chamado.motivo_cancelamento = motivo
    _gravar(chamado, ator, ("status", "motivo_cancelamento"))
    _evento(chamado, TipoEventoChamado.CANCELADO, ator, de=anterior, motivo=motivo)
    _linha_do_tempo(chamado, ator, f"Chamado {chamado.numero} cancelado")
    return chamado


@transaction.atomic
def chamado_reabrir(*, chamado_id: int, versao: int, ator: Usuario, motivo: str = "") -> Chamado:
    """encerrado → em_execucao (the client came back on the same problem). The previous
    solution and closing time stay in the history; the closing time is measured again."""
    _pode_atender(ator)
    chamado = _travar(ator=ator, chamado_id=chamado_id, versao=versao)
    _transitar(chamado, StatusChamado.EM_EXECUCAO)
    solucao_anterior = chamado.solucao
    encerrado_em = chamado.encerrado_em
    chamado.solucao = ""
    chamado.encerrado_em = None
    _gravar(chamado, ator, ("status", "solucao", "encerrado_em"))
    _evento(
        chamado,
        TipoEventoChamado.REABERTO,
        ator,
        motivo=(motivo or "").strip(),
        solucao_anterior=solucao_anterior,
        encerrado_em=encerrado_em.isoformat() if encerrado_em else None,
    )
    _linha_do_tempo(chamado, ator, f"Chamado {chamado.numero} reaberto")
    return chamado
