"""isoAtendimento / FoccoCRM "Cadastro de Chamados" (FCRM0200): tickets in three phases —
opening (client, channel, type and reason, active or passive, product complained about),
execution (responsible, scheduled tasks, comments) and closing (solution) — with response
times measured.

Visibility lives in ONE place, `ChamadoQuerySet.visiveis_para`: a ticket is visible exactly
when its client is (cadastro.models.PeloClienteQuerySet), to who holds `view_chamado`.
Writes go through atendimento/services.py, which writes an EventoChamado for every change.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from atendimento.constants import (
    STATUS_PENDENTES,
    TRANSICOES,
    FormaChamado,
    StatusChamado,
    TipoEventoChamado,
)
from cadastro.models import Cliente, PeloClienteQuerySet, RegistroAuxiliar

# --- registries (maintained in the Django admin) -------------------------------------------


class TipoChamado(RegistroAuxiliar):
    """Seed 004 (FCRM0100): "tipo de chamado: cancelamento"… `prazo_horas` is the default
    due time of a new ticket of this type."""

    prazo_horas = models.PositiveIntegerField(
        "prazo padrão (horas)", default=48, help_text="Prazo de um chamado novo deste tipo."
    )

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "tipo de chamado"
        verbose_name_plural = "tipos de chamado"


class MotivoChamado(RegistroAuxiliar):
    """A reason belongs to one type (FCRM0100: "tipos e seus respectivos motivos")."""

    tipo = models.ForeignKey(TipoChamado, on_delete=models.PROTECT, related_name="motivos")

    class Meta(RegistroAuxiliar.Meta):
        ordering = ["tipo__descricao", "descricao"]
        verbose_name = "motivo de chamado"
        verbose_name_plural = "motivos de chamado"


class CanalAtendimento(RegistroAuxiliar):
    """How the contact came in: telefone, e-mail, WhatsApp, presencial, portal…"""

    class Meta(RegistroAuxiliar.Meta):
        verbose_name = "canal de atendimento"
        verbose_name_plural = "canais de atendimento"


class SequenciaChamado(models.Model):
    """Last ticket number per company (numbers are sequential per company; see
    services._proximo_numero for the concurrency-safe increment)."""

    empresa = models.OneToOneField("contas.Empresa", on_delete=models.CASCADE, related_name="+")
    ultimo = models.PositiveIntegerField("último número", default=0)

    class Meta:
        verbose_name = "sequência de chamados"
        verbose_name_plural = "sequências de chamados"

    def __str__(self) -> str:
        return f"{self.empresa_id}: {self.ultimo}"


# --- the ticket ---------------------------------------------------------------------------


class ChamadoQuerySet(PeloClienteQuerySet["Chamado"]):
    """Tickets: visible exactly when their client is (PeloClienteQuerySet): SAC agents see the
    clients of every portfolio, supervisors those of their teams, a rep their portfolio's."""

    permissao_ver = "atendimento.view_chamado"

    def pendentes(self) -> ChamadoQuerySet:
        return self.filter(status__in=STATUS_PENDENTES)

    def atrasados(self) -> ChamadoQuerySet:
        return self.pendentes().filter(prazo__lt=timezone.now())


class Chamado(models.Model):
    empresa = models.ForeignKey("contas.Empresa", on_delete=models.PROTECT, related_name="+")
    numero = models.PositiveIntegerField("número")
    cliente = models.ForeignKey(Cliente, on_delete=models.PROTECT, related_name="chamados")
    canal = models.ForeignKey(
        CanalAtendimento, on_delete=models.PROTECT, related_name="+", verbose_name="canal"
    )
    tipo = models.ForeignKey(TipoChamado, on_delete=models.PROTECT, related_name="chamados")
    motivo = models.ForeignKey(MotivoChamado, on_delete=models.PROTECT, related_name="chamados")
    forma = models.CharField(max_length=8, choices=FormaChamado.choices)
    status = models.CharField(
        "situação", max_length=12, choices=StatusChamado.choices, default=StatusChamado.ABERTO
    )
    assunto = models.CharField(max_length=150)
    descricao = models.TextField("descrição")
    produto = models.ForeignKey(
        "produtos.Produto",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chamados",
        verbose_name="produto reclamado",
    )
    # An order OR a quote (Pedido.tipo) of the same client (FCRM0200: "só pode ser cadastrado
    # um pedido ou um orçamento no chamado").
    pedido = models.ForeignKey(
        "vendas.Pedido",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chamados",
        verbose_name="pedido/orçamento",
    )
    aberto_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chamados_abertos",
        verbose_name="aberto por",
    )
    responsavel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chamados_responsavel",
        verbose_name="responsável",
    )
    prazo = models.DateTimeField(null=True, blank=True)
    primeira_resposta_em = models.DateTimeField("primeira resposta em", null=True, blank=True)
    encerrado_em = models.DateTimeField("encerrado em", null=True, blank=True)
    solucao = models.TextField("solução", blank=True)
    motivo_cancelamento = models.TextField("motivo do cancelamento", blank=True)
    versao = models.PositiveIntegerField("versão", default=1)
    atualizado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    criado_em = models.DateTimeField("aberto em", auto_now_add=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    objects = ChamadoQuerySet.as_manager()

    class Meta:
        ordering = ["-criado_em", "-id"]
        verbose_name = "chamado"
        permissions = [("exportar_chamados", "Exportar chamados")]
        constraints = [
            models.UniqueConstraint(fields=["empresa", "numero"], name="chamado_numero_empresa"),
            models.CheckConstraint(
                condition=Q(status__in=StatusChamado.values), name="chamado_status_valido"
            ),
            models.CheckConstraint(
                condition=~Q(status=StatusChamado.ENCERRADO) | ~Q(solucao=""),
                name="chamado_encerrado_com_solucao",
                violation_error_message="Informe a solução para encerrar o chamado.",
            ),
        ]
        indexes = [
            models.Index(fields=["cliente", "-criado_em"], name="chamado_cliente"),
            models.Index(fields=["status", "prazo"], name="chamado_status_prazo"),
            models.Index(fields=["responsavel", "status"], name="chamado_responsavel"),
            models.Index(fields=["criado_em", "id"], name="chamado_criado_id"),
        ]

    def __str__(self) -> str:
        return f"Chamado {self.numero}"

    def pode_transitar(self, novo: str) -> bool:
        return novo in TRANSICOES.get(self.status, frozenset())

    @property
    def pendente(self) -> bool:
        return self.status in STATUS_PENDENTES

    @property
    def atrasado(self) -> bool:
        return bool(self.pendente and self.prazo and self.prazo < timezone.now())

    @property
    def tempo_primeira_resposta(self) -> timedelta | None:
        """Opening → first response (start of execution, or the first action of someone
        other than the opener)."""
        if self.primeira_resposta_em is None:
            return None
        return self.primeira_resposta_em - self.criado_em

    @property
    def tempo_encerramento(self) -> timedelta | None:
        """Opening → closing (of the last closing, after a reopening)."""
        if self.encerrado_em is None:
            return None
        return self.encerrado_em - self.criado_em


class EventoChamado(models.Model):
    """The ticket's history: one row per business change, written by the services. Comments
    are events too (tipo comentario, dados["texto"])."""

    chamado = models.ForeignKey(Chamado, on_delete=models.CASCADE, related_name="eventos")
    tipo = models.CharField(max_length=20, choices=TipoEventoChamado.choices)
    ator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    quando = models.DateTimeField(auto_now_add=True)
    dados = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-quando", "-id"]
        verbose_name = "evento do chamado"
        verbose_name_plural = "eventos do chamado"
        indexes = [models.Index(fields=["chamado", "-quando"], name="chamado_evento_quando")]

    def __str__(self) -> str:
        return f"{self.chamado_id}: {self.get_tipo_display()}"


class TarefaChamado(models.Model):
    """A task scheduled in the execution phase (FCRM0200: "agendadas as tarefas para
    resolução do chamado ou continuidade dele")."""

    chamado = models.ForeignKey(Chamado, on_delete=models.CASCADE, related_name="tarefas")
    descricao = models.CharField("descrição", max_length=255)
    responsavel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tarefas_chamado",
        verbose_name="responsável",
    )
    data_prevista = models.DateField("data prevista")
    concluida_em = models.DateTimeField("concluída em", null=True, blank=True)
    concluida_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    criado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    criado_em = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["data_prevista", "id"]
        verbose_name = "tarefa do chamado"
        verbose_name_plural = "tarefas do chamado"

    def __str__(self) -> str:
        return self.descricao

    @property
    def atrasada(self) -> bool:
        return self.concluida_em is None and self.data_prevista < timezone.localdate()
