"""Import jobs: create from an upload, process in resumable batches, rescue stuck ones.

Processing (`importacao_processar`), in one worker at a time (advisory lock, locks.py):

1. A reader thread opens the sheet (python-calamine), matches the header and validates rows
   in Python, handing over one batch at a time (a bounded queue: at most a couple of batches
   in memory). Meanwhile the main thread writes the previous batch: parsing/validation (Python)
   and writing (Postgres) overlap on the two cores.
2. Per batch, ONE transaction: the kind's set-based writer (`TipoImportacao.gravar`), the
   problem rows, the job's counters and `lote_confirmado = k`. A deadlock, a serialization
   failure or a unique violation (another import racing on the same keys) rolls the batch
   back and retries it; the kind turns what the database would refuse into row errors, so a
   retry converges. Nothing of a batch is half-written.
3. Rows that repeat a record already accepted in the same file are rejected (first valid
   occurrence wins); the seen keys survive a resume (rebuilt from committed batches).
4. A worker killed mid-job loses only the batch in flight: the next run starts after
   `lote_confirmado`. Each start counts as an attempt; after `MAXIMO_TENTATIVAS` the job
   fails for good.

Invariant kept by construction (and by a CHECK constraint): lidas = criadas + atualizadas +
rejeitadas.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from crm.arquivos import verificar_xlsx
from importacoes.constants import (
    FINAIS,
    SituacaoLinha,
    StatusImportacao,
    pode_transitar,
)
from importacoes.historico import criar_contexto
from importacoes.leitura import Cabecalho, ErroArquivo, Planilha, casar_cabecalho
from importacoes.locks import alguem_processando, trava_importacao
from importacoes.models import Importacao, LinhaProblema
from importacoes.tipos import ErroCampo, TipoImportacao, obter_tipo
from importacoes.valores import exibir, vazio

if TYPE_CHECKING:
    from contas.models import Usuario

logger = logging.getLogger(__name__)

MAXIMO_TENTATIVAS = 3
# Batch retries on deadlock / serialization failure / unique race before the attempt fails.
_REPETICOES_LOTE = 6
# A pending job whose message may have been lost is re-enqueued after this long.
PENDENTE_REENFILEIRAR_APOS = timedelta(minutes=5)
_FIM = object()


class TransicaoInvalida(Exception):
    def __init__(self, de: str, para: str) -> None:
        super().__init__(f"Importação não pode passar de {de} para {para}.")


class FalhaTransitoria(Exception):
    """The attempt failed for a reason a retry may fix (database down, worker problem)."""


# --- status ----------------------------------------------------------------------------------


def importacao_transitar(*, importacao_id: int, para: str, **campos: Any) -> Importacao:
    """Move the job to `para` under a row lock; a move the flow forbids raises."""
    with transaction.atomic():
        importacao = Importacao.objects.select_for_update().get(pk=importacao_id)
        if not pode_transitar(importacao.status, para):
            raise TransicaoInvalida(importacao.status, para)
        importacao.status = para
        for nome, valor in campos.items():
            setattr(importacao, nome, valor)
        importacao.save(update_fields=["status", "atualizado_em", *campos])
    return importacao


# --- creating --------------------------------------------------------------------------------


@transaction.atomic
def importacao_criar(
    *,
    tipo: str,
    arquivo: BinaryIO | File,
    nome_arquivo: str,
    ator: Usuario,
    enfileirar: bool = True,
) -> Importacao:
    """Check the file, store it and create the job as *pendente*; enqueued after commit.

    Raises `PermissionDenied` for a user without the kind's permission and
    `crm.arquivos.ArquivoRecusado` (with a pt-BR `mensagem`) for a hostile or invalid file —
    checked before anything is stored, by content, in constant memory.
    """
    tipo_importacao = obter_tipo(tipo)
    if not tipo_importacao.pode_importar(ator):
        raise PermissionDenied("Sem permissão para esta importação.")
    verificar_xlsx(arquivo, tamanho_maximo=settings.IMPORTACAO_TAMANHO_MAXIMO)  # type: ignore[arg-type]
    conteudo = arquivo if isinstance(arquivo, File) else File(arquivo, name=nome_arquivo)
    tamanho = conteudo.size or 0
    importacao = Importacao(
        tipo=tipo,
        nome_arquivo=Path(nome_arquivo).name[:255],
        tamanho_arquivo=tamanho,
        criado_por=ator,
        tamanho_lote=settings.IMPORTACAO_TAMANHO_LOTE,
        heartbeat_em=timezone.now(),
    )
    importacao.arquivo.save(f"{tipo}.xlsx", conteudo, save=False)
    importacao.save()
    if enfileirar:
        pk = importacao.pk
        transaction.on_commit(lambda: enfileirar_importacao(pk))
    return importacao


def enfileirar_importacao(importacao_id: int) -> None:
    """Send the job to the workers; if the broker is down the janitor will send it later."""
    from importacoes.tasks import processar_importacao

    try:
        processar_importacao.delay(importacao_id)
    except Exception:
        logger.exception("importacao %s: não foi possível enfileirar agora", importacao_id)


# --- processing ------------------------------------------------------------------------------


def importacao_processar(importacao_id: int, *, executor: str = "") -> Importacao | None:
    """Run (or resume) the job. Returns None when another worker holds it.

    Safe to call twice, concurrently or after the end: the lock lets one run, a finished job is
    left alone. Raises `FalhaTransitoria` when the attempt failed but may be retried.
    """
    executor = executor or f"{socket.gethostname()}:{os.getpid()}"
    with trava_importacao(importacao_id) as obtida:
        if not obtida:
            logger.info("importacao %s: já em processamento por outro worker", importacao_id)
            return None
        importacao = _iniciar(importacao_id, executor)
        if importacao is None or importacao.status in FINAIS:
            return importacao
        try:
            _Execucao(importacao).executar()
        except ErroArquivo as exc:
            return _falhar(importacao_id, exc.mensagem)
        except Exception as exc:
            logger.exception(
                "importacao %s: tentativa %s falhou", importacao_id, importacao.tentativas
            )
            mensagem = f"Tentativa {importacao.tentativas} interrompida: {exc}"[:2000]
            if importacao.tentativas >= MAXIMO_TENTATIVAS:
                return _falhar(
                    importacao_id,
                    f"A importação falhou {MAXIMO_TENTATIVAS} vezes e foi abandonada. "
                    f"Último erro: {exc}",
                )
            importacao_transitar(
                importacao_id=importacao_id,
                para=StatusImportacao.PENDENTE,
                erro=mensagem,
                heartbeat_em=timezone.now(),
            )
            raise FalhaTransitoria(mensagem) from exc
    return Importacao.objects.get(pk=importacao_id)


def _iniciar(importacao_id: int, executor: str) -> Importacao | None:
    with transaction.atomic():
        importacao = Importacao.objects.select_for_update().filter(pk=importacao_id).first()
        if importacao is None or importacao.status in FINAIS:
            return importacao
        if importacao.tentativas >= MAXIMO_TENTATIVAS:
            # Every start counts: a file that kills the worker (memory, a crash in a parser)
            # must not take the queue down forever.
            importacao.status = StatusImportacao.FALHOU
            importacao.erro = (
                f"A importação foi interrompida {importacao.tentativas} vezes sem terminar "
                "e foi abandonada."
            )
            importacao.concluido_em = timezone.now()
            importacao.save()
            return importacao
        agora = timezone.now()
        importacao.tentativas += 1
        importacao.executor = executor[:200]
        importacao.heartbeat_em = agora
        importacao.iniciado_em = importacao.iniciado_em or agora
        if importacao.contexto_historico is None:
            importacao.contexto_historico = criar_contexto(
                importacao=importacao.pk,
                usuario=importacao.criado_por_id,
                origem="importacao",
                tipo=importacao.tipo,
            )
        if importacao.status == StatusImportacao.PENDENTE:
            importacao.status = StatusImportacao.PROCESSANDO
        importacao.save()
    return importacao


def _falhar(importacao_id: int, mensagem: str) -> Importacao:
    return importacao_transitar(
        importacao_id=importacao_id,
        para=StatusImportacao.FALHOU,
        erro=mensagem,
        concluido_em=timezone.now(),
    )


@contextlib.contextmanager
def _caminho_local(importacao: Importacao) -> Iterator[Path]:
    """A path calamine can open: the stored file itself, or a temporary local copy."""
    try:
        caminho: Path | None = Path(importacao.arquivo.path)
    except NotImplementedError:  # a storage without local files (S3…)
        caminho = None
    if caminho is not None:
        yield caminho
        return
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as copia:
        with importacao.arquivo.open("rb") as origem:
            shutil.copyfileobj(origem, copia)
        copia.flush()
        yield Path(copia.name)


@dataclass
class _Item:
    linha: int
    registro: Any
    erros: list[ErroCampo]
    brutos: list[Any]


@dataclass
class _Lote:
    indice: int
    itens: list[_Item] = field(default_factory=list)
    ultima_linha: int = 0


class _Leitor(threading.Thread):
    """Opens the sheet and validates rows, one batch at a time, into a bounded queue.

    Everything calamine is created and used in this thread only. Validation is pure Python
    over the kind's read-only context: no database access here.
    """

    def __init__(self, caminho: Path, tipo: TipoImportacao, ctx: Any, tamanho_lote: int) -> None:
        super().__init__(name="importacao-leitor", daemon=True)
        self.caminho = caminho
        self.tipo = tipo
        self.ctx = ctx
        self.tamanho_lote = tamanho_lote
        # One batch waiting while another is written: validation and writing overlap, and at
        # most two batches of rows live in memory.
        self.fila: queue.Queue[Any] = queue.Queue(maxsize=1)
        self.parar = threading.Event()

    def _entregar(self, item: Any) -> bool:
        while not self.parar.is_set():
            try:
                self.fila.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        try:
            with Planilha(self.caminho, nome_preferido=self.tipo.nome_planilha) as planilha:
                cabecalho = casar_cabecalho(planilha.cabecalho, self.tipo.colunas)
                if not self._entregar((planilha, cabecalho)) or cabecalho.faltando:
                    return
                indices = list(cabecalho.indices.items())
                validar = self.tipo.validar
                ctx = self.ctx
                primeira = planilha.linha_cabecalho + 1
                lote = _Lote(0)
                for numero, brutos in planilha.linhas():
                    indice = (numero - primeira) // self.tamanho_lote
                    if indice != lote.indice:
                        if not self._entregar(lote):
                            return
                        lote = _Lote(indice)
                    lote.ultima_linha = numero
                    largura = len(brutos)
                    valores = {
                        chave: brutos[i] for chave, i in indices if i < largura and brutos[i] != ""
                    }
                    if not valores and all(vazio(v) for v in brutos):
                        continue  # a blank row is not a row
                    registro, erros = validar(valores, ctx, numero)
                    lote.itens.append(_Item(numero, registro, erros, brutos))
                self._entregar(lote)
                self._entregar(_FIM)
        except BaseException as exc:
            self._entregar(exc)


class _Execucao:
    def __init__(self, importacao: Importacao) -> None:
        self.importacao = importacao
        self.tipo = obter_tipo(importacao.tipo)
        # Keys of every accepted record of the file → its row. Stored as 64-bit hashes: for
        # 100.000 rows the exact tuples cost ~30 MB more, and a false "repeated" needs a
        # 64-bit collision (≈ 1e-9 for 200.000 keys).
        self.vistos: dict[int, int] = {}

    def executar(self) -> None:
        imp = self.importacao
        if not imp.tamanho_lote:
            imp.tamanho_lote = settings.IMPORTACAO_TAMANHO_LOTE
            imp.save(update_fields=["tamanho_lote"])
        ctx = self.tipo.preparar(imp)
        self.tipo.preparar_conexao(imp)
        rejeitadas_antes: set[int] = set()
        if imp.lote_confirmado >= 0:
            rejeitadas_antes = set(
                imp.problemas.filter(situacao=SituacaoLinha.REJEITADA).values_list(
                    "linha", flat=True
                )
            )
        with _caminho_local(imp) as caminho:
            leitor = _Leitor(caminho, self.tipo, ctx, imp.tamanho_lote)
            leitor.start()
            try:
                self._consumir(leitor, ctx, rejeitadas_antes)
            finally:
                leitor.parar.set()
                leitor.join(timeout=30)

    def _proximo(self, leitor: _Leitor) -> Any:
        item = leitor.fila.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def _consumir(self, leitor: _Leitor, ctx: Any, rejeitadas_antes: set[int]) -> None:
        imp = self.importacao
        planilha, cabecalho = self._proximo(leitor)
        self._registrar_cabecalho(planilha, cabecalho)
        while (lote := self._proximo(leitor)) is not _FIM:
            if lote.indice <= imp.lote_confirmado:
                # Committed before the worker died: only rebuild the keys it accepted.
                for item in lote.itens:
                    if item.registro is not None and item.linha not in rejeitadas_antes:
                        for chave in self.tipo.chaves(item.registro):
                            self.vistos.setdefault(hash(chave.valor), item.linha)
                continue
            self._gravar(lote, ctx, planilha.linha_cabecalho)
        self._concluir()

    def _registrar_cabecalho(self, planilha: Planilha, cabecalho: Cabecalho) -> None:
        imp = self.importacao
        if cabecalho.faltando:
            nomes = ", ".join(f"“{c.titulo}”" for c in cabecalho.faltando)
            raise ErroArquivo(
                f"Faltam colunas obrigatórias no cabeçalho (linha {planilha.linha_cabecalho} "
                f"da aba “{planilha.nome_folha}”): {nomes}. Baixe o modelo para conferir os "
                "títulos."
            )
        if imp.lote_confirmado >= 0:
            return
        avisos = [
            f"Coluna “{t}” repetida: valeu a primeira ocorrência." for t in cabecalho.repetidas
        ]
        Importacao.objects.filter(pk=imp.pk).update(
            cabecalho=cabecalho.titulos,
            colunas_desconhecidas=cabecalho.desconhecidas,
            avisos_arquivo=avisos,
            total_estimado=planilha.total_estimado,
            heartbeat_em=timezone.now(),
        )

    def _gravar(self, lote: _Lote, ctx: Any, linha_cabecalho: int) -> None:
        imp = self.importacao
        problemas: dict[int, tuple[str, list[ErroCampo], list[Any]]] = {}
        brutos: dict[int, list[Any]] = {}
        validos = []
        chaves_lote: dict[Hashable, int] = {}
        chaves_por_linha: dict[int, list[Hashable]] = {}
        duplicadas = 0
        for item in lote.itens:
            brutos[item.linha] = item.brutos
            if item.registro is None:
                problemas[item.linha] = (SituacaoLinha.REJEITADA, item.erros, item.brutos)
                continue
            chaves = self.tipo.chaves(item.registro)
            repetida = None
            for chave in chaves:
                anterior = self.vistos.get(hash(chave.valor)) or chaves_lote.get(chave.valor)
                if anterior is not None:
                    repetida = (chave, anterior)
                    break
            if repetida is not None:
                chave, anterior = repetida
                mensagem = (
                    f"{self.tipo.nome_registro.capitalize()} repetido na planilha: "
                    f"{chave.descricao} já está na linha "
                    f"{anterior} (vale a primeira ocorrência; esta linha foi ignorada)."
                )
                problemas[item.linha] = (
                    SituacaoLinha.REJEITADA,
                    [ErroCampo(chave.coluna, mensagem)],
                    item.brutos,
                )
                duplicadas += 1
                continue
            for chave in chaves:
                chaves_lote[chave.valor] = item.linha
            chaves_por_linha[item.linha] = [c.valor for c in chaves]
            validos.append(item.registro)

        resultado = None
        for repeticao in range(_REPETICOES_LOTE):
            try:
                with transaction.atomic():
                    resultado = self.tipo.gravar(validos, ctx, imp)
                    self._confirmar(lote, linha_cabecalho, problemas, brutos, resultado, duplicadas)
                break
            except (OperationalError, IntegrityError) as exc:
                if not _transitorio(exc) or repeticao == _REPETICOES_LOTE - 1:
                    raise
                logger.warning(
                    "importacao %s lote %s: %s; repetindo", imp.pk, lote.indice, exc.__class__
                )
                time.sleep(0.05 * (2**repeticao))
        assert resultado is not None
        for linha, chaves_linha in chaves_por_linha.items():
            if linha not in resultado.rejeitadas:
                for valor in chaves_linha:
                    self.vistos.setdefault(hash(valor), linha)
        imp.lote_confirmado = lote.indice

    def _confirmar(
        self,
        lote: _Lote,
        linha_cabecalho: int,
        problemas: dict[int, tuple[str, list[ErroCampo], list[Any]]],
        brutos: dict[int, list[Any]],
        resultado: Any,
        duplicadas: int,
    ) -> None:
        imp = self.importacao
        todos = dict(problemas)
        for linha, erros in resultado.rejeitadas.items():
            todos[linha] = (SituacaoLinha.REJEITADA, erros, brutos[linha])
        for linha, erros in resultado.avisos.items():
            if linha not in todos:
                todos[linha] = (SituacaoLinha.IMPORTADA_COM_AVISO, erros, brutos[linha])
        rejeitadas = sum(1 for s, _, _ in todos.values() if s == SituacaoLinha.REJEITADA)
        com_aviso = len(todos) - rejeitadas
        lidas = len(lote.itens)
        if resultado.criadas + resultado.atualizadas + rejeitadas != lidas:
            raise AssertionError(
                f"lote {lote.indice}: {resultado.criadas} criadas + {resultado.atualizadas} "
                f"atualizadas + {rejeitadas} rejeitadas != {lidas} lidas"
            )
        if todos:
            LinhaProblema.objects.bulk_create(
                [
                    LinhaProblema(
                        importacao_id=imp.pk,
                        linha=linha,
                        situacao=situacao,
                        valores=[exibir(v) for v in valores],
                        erros=[e.como_dict() for e in erros],
                    )
                    for linha, (situacao, erros, valores) in sorted(todos.items())
                ]
            )
        # The filter on lote_confirmado makes a batch count once even if two runs of the same
        # job ever overlapped (the lock prevents it; this is the last line of defence).
        atualizadas = Importacao.objects.filter(pk=imp.pk, lote_confirmado=lote.indice - 1).update(
            linhas_lidas=F("linhas_lidas") + lidas,
            criadas=F("criadas") + resultado.criadas,
            atualizadas=F("atualizadas") + resultado.atualizadas,
            sem_alteracao=F("sem_alteracao") + resultado.sem_alteracao,
            rejeitadas=F("rejeitadas") + rejeitadas,
            duplicadas=F("duplicadas") + duplicadas,
            com_aviso=F("com_aviso") + com_aviso,
            lote_confirmado=lote.indice,
            linhas_percorridas=max(lote.ultima_linha - linha_cabecalho, 0),
            heartbeat_em=timezone.now(),
        )
        if atualizadas != 1:
            raise AssertionError(f"importacao {imp.pk}: lote {lote.indice} fora de ordem")

    def _concluir(self) -> None:
        imp = Importacao.objects.get(pk=self.importacao.pk)
        status = (
            StatusImportacao.CONCLUIDO_COM_ERROS if imp.rejeitadas else StatusImportacao.CONCLUIDO
        )
        importacao_transitar(
            importacao_id=imp.pk,
            para=status,
            concluido_em=timezone.now(),
            linhas_percorridas=max(imp.linhas_percorridas, imp.total_estimado),
            erro="",
        )


def _transitorio(exc: DatabaseError) -> bool:
    """Deadlock, serialization failure or unique violation: worth running the batch again."""
    causa = exc.__cause__
    codigo = getattr(causa, "sqlstate", None) or getattr(causa, "pgcode", None)
    return codigo in {"40P01", "40001", "23505"}


# --- the janitor -----------------------------------------------------------------------------


def importacoes_destravar() -> list[int]:
    """Give back to the queue the jobs no live worker is processing; returns their ids.

    - *processando* with nobody holding its lock: the worker died (kill -9, OOM, machine
      lost). It goes back to *pendente* and is enqueued again; it resumes after its last
      committed batch. After MAXIMO_TENTATIVAS starts it fails instead.
    - *pendente* for a while with nobody on it: its message was lost (broker down at upload
      time, purged queue): enqueued again.
    """
    agora = timezone.now()
    devolvidas = []
    candidatos = Importacao.objects.filter(
        status__in=[StatusImportacao.PENDENTE, StatusImportacao.PROCESSANDO]
    ).values_list("pk", "status", "heartbeat_em")
    for pk, status, heartbeat in candidatos:
        if (
            status == StatusImportacao.PENDENTE
            and heartbeat
            and (agora - heartbeat < PENDENTE_REENFILEIRAR_APOS)
        ):
            continue
        if alguem_processando(pk):
            continue
        with transaction.atomic():
            imp = Importacao.objects.select_for_update().get(pk=pk)
            if imp.status not in (StatusImportacao.PENDENTE, StatusImportacao.PROCESSANDO):
                continue
            if imp.status == StatusImportacao.PROCESSANDO:
                if imp.tentativas >= MAXIMO_TENTATIVAS:
                    imp.status = StatusImportacao.FALHOU
                    imp.erro = (
                        f"O processamento foi interrompido {imp.tentativas} vezes sem terminar "
                        "e foi abandonado."
                    )
                    imp.concluido_em = agora
                    imp.save()
                    logger.error("importacao %s: abandonada após %s tentativas", pk, imp.tentativas)
                    continue
                imp.status = StatusImportacao.PENDENTE
                imp.erro = (
                    f"O processamento (tentativa {imp.tentativas}) foi interrompido; retomado a "
                    f"partir do lote {imp.lote_confirmado + 2}."
                )
            imp.heartbeat_em = agora
            imp.save()
            transaction.on_commit(partial(enfileirar_importacao, pk))
        devolvidas.append(pk)
        logger.warning("importacao %s: devolvida à fila pelo zelador", pk)
    return devolvidas
