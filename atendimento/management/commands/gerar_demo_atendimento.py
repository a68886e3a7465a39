"""Demo tickets (isoAtendimento): types and reasons (seed 004: "tipo: cancelamento, motivo: não
recebimento da mercadoria"), channels, and ~150 tickets over the demo clients in every status,
a third linked to the client's demo orders, with tasks, comments and events — all through the
services, so each has its history. The dates are then spread over the last 60 days (response
and closing times vary), which is the only write outside the services.

Idempotent: registries by code; tickets only when no demo ticket exists yet (`--se-vazio`: only
when there is no ticket at all)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from atendimento.constants import FormaChamado, StatusChamado, TipoEventoChamado
from atendimento.models import (
    CanalAtendimento,
    Chamado,
    EventoChamado,
    MotivoChamado,
    TarefaChamado,
    TipoChamado,
)
from atendimento.services import (
    ErroChamado,
    chamado_abrir,
    chamado_cancelar,
    chamado_comentar,
    chamado_encerrar,
    chamado_iniciar_execucao,
    chamado_tarefa_adicionar,
    chamado_tarefa_concluir,
)
from cadastro.models import Cliente, EventoCliente
from contas.models import Usuario
from vendas.models import Pedido

MARCA = "[demonstração]"
RNG = random.Random(20261123)  # noqa: S311 - demo data, not security

CANAIS = [("TEL", "Telefone"), ("EMAIL", "E-mail"), ("WHATS", "WhatsApp"),
          ("PRESENC", "Presencial"), ("PORTAL", "Portal do cliente")]  # fmt: skip
TIPOS: list[tuple[str, str, int, list[tuple[str, str]]]] = [
    ("RECL", "Reclamação", 48, [
        ("DEFEITO", "Produto com defeito"), ("AVARIA", "Mercadoria avariada no transporte"),
        ("ATRASO", "Atraso na entrega"), ("ERRADO", "Produto diferente do pedido"),
    ]),
    ("TROCA", "Troca/devolução", 72, [
        ("TROCADEF", "Troca por defeito"), ("DEVARREP", "Devolução por arrependimento"),
    ]),
    ("CANC", "Cancelamento", 24, [
        ("NAORECEB", "Não recebimento da mercadoria"), ("DESISTIU", "Cliente desistiu da compra"),
    ]),
    ("FINAN", "Financeiro", 48, [
        ("BOLETO", "Segunda via de boleto"), ("PRORROG", "Prorrogação de vencimento"),
        ("COBRINDEV", "Cobrança indevida"),
    ]),
    ("INFO", "Dúvida/informação", 24, [
        ("PRAZO", "Prazo de entrega"), ("USO", "Uso do produto"),
    ]),
]  # fmt: skip
ASSUNTOS = {
    "DEFEITO": "Lâmpadas não acendem",
    "AVARIA": "Caixas amassadas na entrega",
    "ATRASO": "Pedido não chegou no prazo",
    "ERRADO": "Veio parafuso de outra bitola",
    "TROCADEF": "Troca de cabos com defeito",
    "DEVARREP": "Devolução de itens sem giro",
    "NAORECEB": "Mercadoria não recebida",
    "DESISTIU": "Cancelar o pedido da semana",
    "BOLETO": "Boleto não chegou por e-mail",
    "PRORROG": "Pede mais 15 dias no boleto",
    "COBRINDEV": "Cobrança de frete não combinado",
    "PRAZO": "Quando chega a reposição?",
    "USO": "Como instalar o kit LED",
}
SOLUCOES = [
    "Enviada a reposição sem custo para o cliente.",
    "Troca feita na próxima entrega; cliente de acordo.",
    "Boleto reenviado e vencimento prorrogado em 15 dias.",
    "Orientação dada por telefone; cliente satisfeito.",
    "Crédito lançado para o próximo pedido.",
]
# how many tickets end in each status
DISTRIBUICAO = [(StatusChamado.ABERTO, 25), (StatusChamado.EM_EXECUCAO, 40),
                (StatusChamado.ENCERRADO, 70), (StatusChamado.CANCELADO, 15)]  # fmt: skip


def _registros() -> tuple[list[CanalAtendimento], list[MotivoChamado]]:
    for codigo, descricao in CANAIS:
        CanalAtendimento.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})
    for codigo, descricao, horas, lista in TIPOS:
        tipo, _ = TipoChamado.objects.get_or_create(
            codigo=codigo, defaults={"descricao": descricao, "prazo_horas": horas}
        )
        for codigo_motivo, descricao_motivo in lista:
            MotivoChamado.objects.get_or_create(
                codigo=codigo_motivo, defaults={"descricao": descricao_motivo, "tipo": tipo}
            )
    canais = list(CanalAtendimento.objects.filter(codigo__in=[c for c, _ in CANAIS]))
    motivos = list(MotivoChamado.objects.filter(codigo__in=list(ASSUNTOS)).select_related("tipo"))
    return canais, motivos


class Command(BaseCommand):
    help = "Cria chamados de demonstração (idempotente)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--se-vazio", action="store_true", help="Só cria se ainda não houver chamados."
        )
        parser.add_argument("--quantidade", type=int, default=150)

    def handle(self, *args: Any, **options: Any) -> None:
        canais, motivos = _registros()
        if options["se_vazio"] and Chamado.objects.exists():
            self.stdout.write("Já há chamados: nada a fazer.")
            return
        if Chamado.objects.filter(descricao__endswith=MARCA).exists():
            self.stdout.write("Chamados de demonstração já existem: nada a fazer.")
            return
        sac = Usuario.objects.filter(username="sac").first()
        atendentes = list(Usuario.objects.filter(username__in=("sac", "supervisor", "supervisor2")))
        if sac is None or not atendentes:
            self.stderr.write("Rode antes `gerar_demo` (usuários de demonstração).")
            return
        criados = self._criar(sac, atendentes, canais, motivos, options["quantidade"])
        self.stdout.write(self.style.SUCCESS(f"{criados} chamados de demonstração criados."))

    def _criar(
        self,
        sac: Usuario,
        atendentes: list[Usuario],
        canais: list[CanalAtendimento],
        motivos: list[MotivoChamado],
        quantidade: int,
    ) -> int:
        clientes = list(
            Cliente.objects.visiveis_para(sac)
            .select_related("carteira__representante")
            .order_by("id")[:400]
        )
        if not clientes:
            self.stderr.write("Nenhum cliente de demonstração: rode `gerar_demo` antes.")
            return 0
        pedidos: dict[int, list[int]] = {}
        for pk, cliente_id in Pedido.objects.filter(
            cliente__in=[c.pk for c in clientes]
        ).values_list("pk", "cliente_id"):
            pedidos.setdefault(cliente_id, []).append(pk)
        com_pedido = [c for c in clientes if c.pk in pedidos]
        total = sum(n for _, n in DISTRIBUICAO)
        status_lista = [
            s for s, n in DISTRIBUICAO for _ in range(max(1, round(n * quantidade / total)))
        ]
        RNG.shuffle(status_lista)
        criados = 0
        for i, status in enumerate(status_lista):
            vincular = com_pedido and i % 3 == 0
            cliente = RNG.choice(com_pedido if vincular else clientes)
            try:
                with transaction.atomic():
                    self._um(i, status, cliente, pedidos, bool(vincular), sac, atendentes,
                             canais, motivos)  # fmt: skip
                criados += 1
            except ErroChamado as e:
                self.stderr.write(f"Chamado {i}: {e.mensagem}")
        return criados

    def _um(
        self,
        i: int,
        status: str,
        cliente: Cliente,
        pedidos: dict[int, list[int]],
        vincular: bool,
        sac: Usuario,
        atendentes: list[Usuario],
        canais: list[CanalAtendimento],
        motivos: list[MotivoChamado],
    ) -> None:
        motivo = RNG.choice(motivos)
        carteira = cliente.carteira
        abre = carteira.representante if carteira and i % 4 == 0 else sac
        chamado = chamado_abrir(
            cliente_id=cliente.pk,
            ator=abre,
            canal_id=RNG.choice(canais).pk,
            tipo_id=motivo.tipo_id,
            motivo_id=motivo.pk,
            forma=FormaChamado.ATIVO if i % 5 == 0 else FormaChamado.PASSIVO,
            assunto=ASSUNTOS[motivo.codigo],
            descricao=f"Cliente entrou em contato: {motivo.descricao.lower()}. {MARCA}",
            pedido_id=RNG.choice(pedidos[cliente.pk]) if vincular else None,
        )
        # who carries it on must see the client (a supervisor: only their teams' clients)
        responsavel = RNG.choice(
            [a for a in atendentes if Cliente.objects.visiveis_para(a).filter(pk=cliente.pk)]
            or [sac]
        )
        if status == StatusChamado.CANCELADO and i % 2 == 0:
            chamado_cancelar(
                chamado_id=chamado.pk, versao=chamado.versao, ator=sac,
                motivo="Aberto em duplicidade.",
            )  # fmt: skip
        elif status != StatusChamado.ABERTO:
            chamado = chamado_iniciar_execucao(
                chamado_id=chamado.pk, versao=chamado.versao, ator=sac,
                responsavel_id=responsavel.pk,
            )  # fmt: skip
            chamado_comentar(
                chamado_id=chamado.pk, ator=responsavel,
                texto="Contato feito com o cliente; providências em andamento.",
            )  # fmt: skip
            tarefa = chamado_tarefa_adicionar(
                chamado_id=chamado.pk, ator=responsavel, responsavel_id=responsavel.pk,
                descricao="Retornar ao cliente com a solução",
                data_prevista=timezone.localdate() + timedelta(days=RNG.randint(0, 5)),
            )  # fmt: skip
            if status in (StatusChamado.ENCERRADO, StatusChamado.CANCELADO):
                chamado_tarefa_concluir(
                    chamado_id=chamado.pk, tarefa_id=tarefa.pk, ator=responsavel
                )
                chamado.refresh_from_db()
            if status == StatusChamado.ENCERRADO:
                chamado_encerrar(
                    chamado_id=chamado.pk, versao=chamado.versao, ator=responsavel,
                    solucao=RNG.choice(SOLUCOES),
                )  # fmt: skip
            elif status == StatusChamado.CANCELADO:
                chamado_cancelar(
                    chamado_id=chamado.pk, versao=chamado.versao, ator=responsavel,
                    motivo="Cliente resolveu por conta própria.",
                )  # fmt: skip
        self._espalhar(chamado.pk, motivo.tipo.prazo_horas, status)

    def _espalhar(self, pk: int, prazo_horas: int, status: str) -> None:
        """Move the ticket's timestamps into the last 60 days (opening, first response,
        closing and their events), so lists, lateness and response times look lived-in."""
        agora = timezone.now()
        aberto = agora - timedelta(days=RNG.randint(0, 60), minutes=RNG.randint(0, 600))
        if status in (StatusChamado.ABERTO, StatusChamado.EM_EXECUCAO):
            # pending ones are recent: most within the due time, some late
            aberto = agora - timedelta(hours=RNG.randint(1, 4 * prazo_horas))
        resposta = aberto + timedelta(minutes=RNG.randint(10, 60 * 30))
        fim = resposta + timedelta(minutes=RNG.randint(60, 60 * 24 * 5))
        resposta, fim = min(resposta, agora), min(fim, agora)
        chamado = Chamado.objects.get(pk=pk)
        Chamado.objects.filter(pk=pk).update(
            criado_em=aberto,
            prazo=aberto + timedelta(hours=prazo_horas),
            primeira_resposta_em=resposta if chamado.primeira_resposta_em else None,
            encerrado_em=fim if chamado.encerrado_em else None,
            atualizado_em=fim if chamado.encerrado_em else resposta,
        )
        momentos: dict[str, datetime] = {
            TipoEventoChamado.ABERTO: aberto,
            TipoEventoChamado.ENCERRADO: fim,
            TipoEventoChamado.CANCELADO: fim if chamado.primeira_resposta_em else resposta,
        }
        for evento in EventoChamado.objects.filter(chamado_id=pk):
            EventoChamado.objects.filter(pk=evento.pk).update(
                quando=momentos.get(evento.tipo, resposta)
            )
        TarefaChamado.objects.filter(chamado_id=pk).update(
            criado_em=resposta,
            data_prevista=(resposta + timedelta(days=2)).date(),
        )
        TarefaChamado.objects.filter(chamado_id=pk, concluida_em__isnull=False).update(
            concluida_em=fim
        )
        EventoCliente.objects.filter(tipo="chamado", dados__chamado=pk).update(quando=aberto)
