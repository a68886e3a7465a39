"""Spreadsheet import jobs: one row per uploaded file, polled by the screen while it runs.

A job is processed in batches; each batch commits its writes, its rejected rows and the job's
counters in ONE transaction, and records its index in `lote_confirmado`. A worker that dies
loses at most the batch in flight, and whoever picks the job up again starts after
`lote_confirmado` (see importacoes/services.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from importacoes.constants import (
    EM_ANDAMENTO,
    FINAIS,
    AcaoObjeto,
    SituacaoLinha,
    StatusImportacao,
)


class Importacao(models.Model):
    tipo = models.CharField(
        max_length=20, help_text="Código do tipo de importação (importacoes/tipos.py)."
    )
    arquivo = models.FileField(upload_to="importacoes/%Y/%m/", max_length=255)
    nome_arquivo = models.CharField("arquivo", max_length=255)
    tamanho_arquivo = models.PositiveBigIntegerField("tamanho (bytes)", default=0)
    status = models.CharField(
        max_length=20, choices=StatusImportacao.choices, default=StatusImportacao.PENDENTE
    )
    # Counters: always linhas_lidas = criadas + atualizadas + rejeitadas (a constraint holds it).
    linhas_lidas = models.PositiveIntegerField("lidas", default=0)
    criadas = models.PositiveIntegerField(default=0)
    atualizadas = models.PositiveIntegerField(default=0)
    sem_alteracao = models.PositiveIntegerField(
        "sem alteração", default=0, help_text="Das atualizadas, quantas já estavam iguais."
    )
    rejeitadas = models.PositiveIntegerField(default=0)
    duplicadas = models.PositiveIntegerField(
        default=0, help_text="Das rejeitadas, quantas repetiam um cadastro da mesma planilha."
    )
    com_aviso = models.PositiveIntegerField(
        "importadas com aviso", default=0, help_text="Importadas, mas com algum campo recusado."
    )
    # Progress and resume.
    total_estimado = models.PositiveIntegerField(default=0)
    linhas_percorridas = models.PositiveIntegerField(default=0)
    tamanho_lote = models.PositiveIntegerField(default=0)
    lote_confirmado = models.IntegerField(
        default=-1, help_text="Índice do último lote gravado (-1: nenhum)."
    )
    tentativas = models.PositiveSmallIntegerField(default=0)
    erro = models.TextField(blank=True)
    cabecalho = models.JSONField(
        default=list, blank=True, help_text="Títulos das colunas como vieram no arquivo."
    )
    colunas_desconhecidas = models.JSONField(default=list, blank=True)
    avisos_arquivo = models.JSONField(default=list, blank=True)
    contexto_historico = models.UUIDField(null=True, blank=True, editable=False)
    executor = models.CharField(max_length=200, blank=True)
    criado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="importacoes"
    )
    criado_em = models.DateTimeField(auto_now_add=True)
    iniciado_em = models.DateTimeField(null=True, blank=True)
    concluido_em = models.DateTimeField(null=True, blank=True)
    heartbeat_em = models.DateTimeField(null=True, blank=True)
    atualizado_em = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-criado_em", "-id"]
        verbose_name = "importação"
        verbose_name_plural = "importações"
        indexes = [
            models.Index(fields=["-criado_em", "-id"], name="importacao_criado"),
            models.Index(
                fields=["status", "heartbeat_em"],
                name="importacao_em_andamento",
                condition=Q(status__in=["pendente", "processando"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(linhas_lidas=F("criadas") + F("atualizadas") + F("rejeitadas")),
                name="importacao_contagens_fecham",
            ),
            models.CheckConstraint(
                condition=Q(sem_alteracao__lte=F("atualizadas")),
                name="importacao_sem_alteracao_le_atualizadas",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in StatusImportacao]),
                name="importacao_status_valido",
            ),
        ]

    def __str__(self) -> str:
        return f"Importação {self.pk} ({self.nome_arquivo})"

    @property
    def em_andamento(self) -> bool:
        return self.status in EM_ANDAMENTO

    @property
    def finalizada(self) -> bool:
        return self.status in FINAIS

    @property
    def progresso(self) -> int:
        """Percent of the sheet already committed (100 once finished)."""
        if self.finalizada:
            return 100
        if not self.total_estimado:
            return 0
        return min(99, self.linhas_percorridas * 100 // self.total_estimado)

    @property
    def etiqueta(self) -> str:
        """CSS modifier of the status badge."""
        return {
            StatusImportacao.CONCLUIDO: "ok",
            StatusImportacao.CONCLUIDO_COM_ERROS: "alerta",
            StatusImportacao.FALHOU: "alerta",
            StatusImportacao.PROCESSANDO: "andamento",
        }.get(self.status, "")  # type: ignore[call-overload]

    @property
    def tem_problemas(self) -> bool:
        return bool(self.rejeitadas or self.com_aviso)

    @property
    def duracao(self) -> Any:
        if self.iniciado_em and self.concluido_em:
            return self.concluido_em - self.iniciado_em
        return None


class LinhaProblema(models.Model):
    """A row of the file that was rejected, or imported with a field refused (aviso).

    `valores` keeps the row exactly as it came (as text), so the error file can give it back.
    """

    importacao = models.ForeignKey(Importacao, on_delete=models.CASCADE, related_name="problemas")
    linha = models.PositiveIntegerField(help_text="Número da linha na planilha (1 = cabeçalho).")
    situacao = models.CharField(max_length=10, choices=SituacaoLinha.choices)
    valores = models.JSONField(default=list)
    erros = models.JSONField(default=list, help_text='[{"coluna": …, "mensagem": …}]')

    class Meta:
        ordering = ["importacao", "linha"]
        verbose_name = "linha com problema"
        verbose_name_plural = "linhas com problema"
        constraints = [
            models.UniqueConstraint(fields=["importacao", "linha"], name="problema_linha_unica")
        ]

    def __str__(self) -> str:
        return f"Linha {self.linha}"


class ObjetoImportado(models.Model):
    """Which record each accepted row created or updated (links on the job's page)."""

    importacao = models.ForeignKey(Importacao, on_delete=models.CASCADE, related_name="objetos")
    objeto_id = models.BigIntegerField()
    linha = models.PositiveIntegerField()
    acao = models.CharField(max_length=15, choices=AcaoObjeto.choices)

    class Meta:
        ordering = ["importacao", "linha"]
        verbose_name = "registro importado"
        verbose_name_plural = "registros importados"
        constraints = [
            models.UniqueConstraint(
                fields=["importacao", "linha"], name="objeto_importado_linha_unica"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_acao_display()} {self.objeto_id} (linha {self.linha})"
