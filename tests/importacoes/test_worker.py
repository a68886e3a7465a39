"""A real Celery worker, killed with SIGKILL in the middle of a job, and a second one that
finishes it: the job resumes from its last committed batch and ends with exactly the right
clients, none duplicated.

Needs Redis (DB 4 by default: IMPORTACAO_TESTE_REDIS) and runs `celery worker` subprocesses
against the test database, so it is marked `worker`.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Count

from cadastro.models import Cliente, Telefone
from importacoes.constants import StatusImportacao
from importacoes.models import Importacao, ObjetoImportado
from importacoes.services import importacao_criar
from tests.importacoes.apoio import linha_cliente, planilha

REDIS = os.environ.get("IMPORTACAO_TESTE_REDIS", "redis://127.0.0.1:6379/4")
RAIZ = Path(__file__).resolve().parents[2]
LINHAS = 6000
LOTE = 200

pytestmark = pytest.mark.worker


def _url_banco() -> str:
    c = connection.settings_dict
    senha = f":{c['PASSWORD']}" if c["PASSWORD"] else ""
    return (
        f"postgres://{c['USER']}{senha}@{c['HOST'] or '127.0.0.1'}:{c['PORT'] or 5432}/{c['NAME']}"
    )


@pytest.fixture
def redis_limpo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Celery]:
    # Celery's `broker_url` setting reads the CELERY_BROKER_URL environment variable BEFORE
    # the `broker=` argument: on CI (which exports it) the task went to another Redis DB than
    # the one the worker listens on. Point the variable at our DB for this test.
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS)
    redis = pytest.importorskip("redis")
    cliente = redis.Redis.from_url(REDIS)
    try:
        cliente.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis indisponível em {REDIS}")
    cliente.flushdb()  # our own DB number: stale messages of earlier runs must not interfere
    app = Celery("teste-importacoes", broker=REDIS)
    yield app
    cliente.flushdb()


@pytest.fixture
def iniciar_worker(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    processos: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    ambiente = {
        **os.environ,
        "DATABASE_URL": _url_banco(),
        "CELERY_BROKER_URL": REDIS,
        "DJANGO_SETTINGS_MODULE": "crm.settings.dev",
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }

    def iniciar(nome: str) -> subprocess.Popen[bytes]:
        # --pool=solo: the task runs in the worker process itself, so SIGKILL on that pid
        # really kills the job mid-batch (with prefork the child would survive its parent).
        log = tmp_path / f"{nome}.log"
        logs.append(log)
        argv = [sys.executable, "-m", "celery", "-A", "crm", "worker", "-Q", "importacoes"]
        argv += ["--pool=solo", "--without-mingle", "--without-gossip", "-n", f"{nome}@teste"]
        with log.open("wb") as saida:
            processo = subprocess.Popen(
                [*argv, "--loglevel=INFO"], cwd=RAIZ, env=ambiente, stdout=saida,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        processos.append(processo)
        # Send work only once the worker has declared its queue: a message published to an
        # exchange with no queue bound yet (Redis was just flushed) would be dropped.
        _esperar(lambda: " ready." in log.read_text(errors="replace"), 60, f"{nome} pronto")
        return processo

    yield iniciar
    for log in logs:  # captured output, shown by pytest when the test fails
        sys.stderr.write(f"--- {log.name} ---\n" + log.read_text(errors="replace")[-4000:])
    for processo in processos:
        if processo.poll() is None:
            processo.terminate()
            try:
                processo.wait(timeout=20)
            except subprocess.TimeoutExpired:
                processo.kill()


def _esperar(condicao: Callable[[], bool], limite: float, descricao: str) -> None:
    fim = time.monotonic() + limite
    while time.monotonic() < fim:
        if condicao():
            return
        time.sleep(0.2)
    raise AssertionError(f"Tempo esgotado esperando: {descricao}")


def _job(pk: int) -> Importacao:
    return Importacao.objects.get(pk=pk)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_morto_com_kill_9_retoma_do_ultimo_lote(
    registros, admin, settings, redis_limpo, iniciar_worker
):
    # given a job of 6.000 rows in batches of 200, enqueued for a real worker
    settings.IMPORTACAO_TAMANHO_LOTE = LOTE
    linhas = [linha_cliente(n, Celular=f"1198{n:07d}") for n in range(LINHAS)]
    imp = importacao_criar(
        tipo="clientes", arquivo=io.BytesIO(planilha(linhas)), nome_arquivo="grande.xlsx",
        ator=admin, enfileirar=False,
    )  # fmt: skip
    primeiro = iniciar_worker("primeiro")
    redis_limpo.send_task(
        "importacoes.tasks.processar_importacao", args=[imp.pk], queue="importacoes"
    )
    # when the worker is killed (SIGKILL) after a few committed batches
    _esperar(lambda: _job(imp.pk).lote_confirmado >= 3, 120, "alguns lotes gravados")
    os.kill(primeiro.pid, signal.SIGKILL)
    primeiro.wait(timeout=10)
    morto = _job(imp.pk)
    # then the job is left half-done: processando, some batches committed, nothing else
    assert morto.status == StatusImportacao.PROCESSANDO
    assert morto.lote_confirmado < LINHAS // LOTE - 1
    gravados = (morto.lote_confirmado + 1) * LOTE
    assert morto.linhas_lidas == gravados
    assert Cliente.objects.count() == gravados
    # when another worker comes up and the janitor (a periodic task) runs
    iniciar_worker("segundo")
    redis_limpo.send_task("importacoes.tasks.destravar_importacoes", queue="importacoes")
    _esperar(lambda: _job(imp.pk).status in ("concluido", "concluido_com_erros", "falhou"),
             240, "fim da importação")  # fmt: skip
    final = _job(imp.pk)
    # then it finished on the second attempt with exact counts and no duplicates
    assert (final.status, final.tentativas) == (StatusImportacao.CONCLUIDO, 2), final.erro
    assert (final.linhas_lidas, final.criadas, final.atualizadas, final.rejeitadas) == (
        LINHAS, LINHAS, 0, 0,
    )  # fmt: skip
    assert Cliente.objects.count() == LINHAS
    assert not Cliente.objects.values("documento").annotate(n=Count("id")).filter(n__gt=1)
    assert Telefone.objects.count() == LINHAS
    assert ObjetoImportado.objects.filter(importacao=imp).count() == LINHAS
