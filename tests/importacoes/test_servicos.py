"""The job machinery: states, whole-file failures, resume after a crash, attempts, the lock,
the janitor, batch retries on deadlock. Synchronous (the worker test is test_worker.py)."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection
from django.utils import timezone

from cadastro.importacao import ImportacaoClientes
from cadastro.models import Cliente
from importacoes import services
from importacoes.constants import StatusImportacao, pode_transitar
from importacoes.locks import _NAMESPACE
from importacoes.models import Importacao
from importacoes.services import (
    MAXIMO_TENTATIVAS,
    FalhaTransitoria,
    TransicaoInvalida,
    importacao_criar,
    importacao_processar,
    importacao_transitar,
    importacoes_destravar,
)
from importacoes.tasks import processar_importacao
from tests.importacoes.apoio import (
    assert_contas_fecham,
    erros_por_linha,
    importar,
    linha_cliente,
    planilha,
)

pytestmark = pytest.mark.django_db


def _job(admin, conteudo: bytes) -> Importacao:
    return importacao_criar(
        tipo="clientes", arquivo=io.BytesIO(conteudo), nome_arquivo="c.xlsx", ator=admin,
        enfileirar=False,
    )  # fmt: skip


class _Falha:
    """Replaces ImportacaoClientes.gravar: fails on the listed calls, else writes normally."""

    def __init__(self, monkeypatch, falhar_em: set[int], erro: Exception | None = None) -> None:
        self.chamadas = 0
        self.falhar_em = falhar_em
        self.erro = erro or RuntimeError("worker morreu no meio do lote")
        original = ImportacaoClientes.gravar

        def gravar(tipo, registros, ctx, importacao):
            self.chamadas += 1
            if self.chamadas in self.falhar_em:
                raise self.erro
            return original(tipo, registros, ctx, importacao)

        monkeypatch.setattr(ImportacaoClientes, "gravar", gravar)


def test_transicoes_de_status():
    assert pode_transitar(StatusImportacao.PENDENTE, StatusImportacao.PROCESSANDO)
    assert pode_transitar(StatusImportacao.PROCESSANDO, StatusImportacao.PENDENTE)
    assert not pode_transitar(StatusImportacao.CONCLUIDO, StatusImportacao.PROCESSANDO)
    assert not pode_transitar(StatusImportacao.FALHOU, StatusImportacao.PENDENTE)


def test_transicao_proibida_levanta(registros, admin):
    imp = importar(planilha([linha_cliente(1)]), admin)
    with pytest.raises(TransicaoInvalida):
        importacao_transitar(importacao_id=imp.pk, para=StatusImportacao.PROCESSANDO)


def test_contagens_fecham_ate_no_banco(registros, admin):
    imp = importar(planilha([linha_cliente(1)]), admin)
    with pytest.raises(IntegrityError):
        Importacao.objects.filter(pk=imp.pk).update(criadas=5)


def test_coluna_obrigatoria_ausente_falha_o_arquivo_sem_repetir(registros, admin):
    # given a file without the Origem and Tipo de cliente columns
    conteudo = planilha([{"CPF/CNPJ": "1", "Código externo": "X", "Estrangeiro": "Não"}])
    # when processed
    imp = importar(conteudo, admin)
    # then the job fails at once (no retry would help) saying which columns are missing
    assert imp.status == StatusImportacao.FALHOU
    assert imp.tentativas == 1
    assert "Faltam colunas obrigatórias" in imp.erro
    assert "“Origem”, “Tipo de cliente”" in imp.erro
    assert imp.linhas_lidas == 0


def test_planilha_so_com_cabecalho_e_planilha_vazia(registros, admin):
    so_cabecalho = importar(planilha([], colunas=list(linha_cliente(1))), admin)
    assert (so_cabecalho.status, so_cabecalho.linhas_lidas) == (StatusImportacao.CONCLUIDO, 0)
    vazia = importar(planilha([], colunas=[]), admin)
    assert vazia.status == StatusImportacao.FALHOU
    assert vazia.erro == "A planilha está vazia: não há linha de cabeçalho."


def test_aba_com_o_nome_do_modelo_tem_preferencia(registros, admin):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Instruções"
    wb.active.append(["isto não é a planilha de dados"])
    dados = wb.create_sheet("clientes")
    dados.append(list(linha_cliente(1)))
    dados.append(list(linha_cliente(1).values()))
    buffer = io.BytesIO()
    wb.save(buffer)
    assert importar(buffer.getvalue(), admin).criadas == 1


def test_retoma_do_ultimo_lote_confirmado_sem_duplicar(registros, admin, monkeypatch, settings):
    # given 10 rows in batches of 3, the last one repeating the first client
    settings.IMPORTACAO_TAMANHO_LOTE = 3
    linhas = [linha_cliente(n) for n in range(9)] + [linha_cliente(0, **{"Código externo": "Z"})]
    imp = _job(admin, planilha(linhas))
    # when the worker dies while writing the third batch
    falha = _Falha(monkeypatch, falhar_em={3})
    with pytest.raises(FalhaTransitoria):
        importacao_processar(imp.pk)
    imp.refresh_from_db()
    # then the two committed batches stay, the job is back to pendente, nothing half-written
    assert (imp.status, imp.lote_confirmado, imp.linhas_lidas, imp.tentativas) == (
        StatusImportacao.PENDENTE, 1, 6, 1,
    )  # fmt: skip
    assert Cliente.objects.count() == 6
    assert "Tentativa 1 interrompida" in imp.erro
    # when it runs again
    importacao_processar(imp.pk)
    imp.refresh_from_db()
    # then it resumes at batch 2 (not re-writing 0 and 1) and ends with exact counts
    assert falha.chamadas == 3 + 2
    assert (imp.status, imp.linhas_lidas, imp.criadas, imp.rejeitadas, imp.duplicadas) == (
        StatusImportacao.CONCLUIDO_COM_ERROS, 10, 9, 1, 1,
    )  # fmt: skip
    assert_contas_fecham(imp)
    assert Cliente.objects.count() == 9
    # and the repetition of a row committed before the crash is still caught
    assert "já está na linha 2" in erros_por_linha(imp)[11][0]
    assert imp.erro == ""


def test_tres_tentativas_e_falhou(registros, admin, monkeypatch):
    imp = _job(admin, planilha([linha_cliente(1)]))
    _Falha(monkeypatch, falhar_em={1, 2, 3, 4})
    for _ in range(MAXIMO_TENTATIVAS - 1):
        with pytest.raises(FalhaTransitoria):
            importacao_processar(imp.pk)
    resultado = importacao_processar(imp.pk)
    assert resultado.status == StatusImportacao.FALHOU
    assert resultado.tentativas == MAXIMO_TENTATIVAS
    assert "falhou 3 vezes" in resultado.erro
    # a finished job is left alone
    assert importacao_processar(imp.pk).status == StatusImportacao.FALHOU


def test_inicio_conta_tentativa_mesmo_que_o_worker_morra(registros, admin):
    # given a job already started 3 times by workers that died (kill -9 leaves no trace)
    imp = _job(admin, planilha([linha_cliente(1)]))
    Importacao.objects.filter(pk=imp.pk).update(
        status=StatusImportacao.PROCESSANDO, tentativas=MAXIMO_TENTATIVAS
    )
    # when picked up again, it fails instead of running a 4th time
    assert importacao_processar(imp.pk).status == StatusImportacao.FALHOU
    assert Cliente.objects.count() == 0


def test_lote_repetido_apos_deadlock(registros, admin, monkeypatch):
    # given a batch that hits a deadlock the first time
    erro = OperationalError("deadlock detected")
    erro.__cause__ = psycopg.errors.DeadlockDetected()
    imp = _job(admin, planilha([linha_cliente(1), linha_cliente(2)]))
    falha = _Falha(monkeypatch, falhar_em={1}, erro=erro)
    # when processed
    importacao_processar(imp.pk)
    imp.refresh_from_db()
    # then the batch was retried, not the job: done in one attempt
    assert (falha.chamadas, imp.status, imp.criadas, imp.tentativas) == (
        2, StatusImportacao.CONCLUIDO, 2, 1,
    )  # fmt: skip


def _outra_importacao_grava(registros) -> None:
    from cadastro.models import Origem

    try:
        Cliente.objects.create(
            documento="11144477735", tipo_pessoa="F", nome="Da outra importação",
            tipo_cliente=registros["CF"], status=registros["ATIVO"],
            origem=Origem.objects.get(codigo="ERP"), codigo_externo="ERP-000002",
        )  # fmt: skip
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_violacao_de_unicidade_em_corrida_repete_o_lote_e_vira_erro_de_linha(
    registros, admin, monkeypatch
):
    # given a batch whose first write loses a race: another import committed, meanwhile, a
    # client with the same external code (the unique constraint fires)
    imp = _job(admin, planilha([linha_cliente(1), linha_cliente(2)]))
    original = ImportacaoClientes.gravar
    chamadas = []

    def gravar(tipo, registros_, ctx, importacao):
        chamadas.append(1)
        if len(chamadas) == 1:
            # the other import, in its own connection, commits first
            outra = threading.Thread(target=_outra_importacao_grava, args=(registros,))
            outra.start()
            outra.join()
            erro = IntegrityError("duplicate key value violates unique constraint")
            erro.__cause__ = psycopg.errors.UniqueViolation()
            raise erro
        return original(tipo, registros_, ctx, importacao)

    monkeypatch.setattr(ImportacaoClientes, "gravar", gravar)
    # when processed
    importacao_processar(imp.pk)
    imp.refresh_from_db()
    # then the batch ran again and the loser became a row error, not a crash
    assert (len(chamadas), imp.status, imp.criadas, imp.rejeitadas) == (
        2, StatusImportacao.CONCLUIDO_COM_ERROS, 1, 1,
    )  # fmt: skip
    assert "já é de outro cliente: Da outra importação" in erros_por_linha(imp)[3][0]


def _outra_sessao():
    config = connection.settings_dict
    return psycopg.connect(
        dbname=config["NAME"], user=config["USER"], host=config["HOST"],
        port=config["PORT"] or 5432, password=config["PASSWORD"] or None, autocommit=True,
    )  # fmt: skip


def test_trava_impede_dois_processamentos_do_mesmo_job(registros, admin):
    imp = _job(admin, planilha([linha_cliente(1)]))
    with _outra_sessao() as outra:
        outra.execute("SELECT pg_advisory_lock(%s, %s)", [_NAMESPACE, imp.pk])
        # while another session (worker) holds the job, a second run does nothing
        assert importacao_processar(imp.pk) is None
        imp.refresh_from_db()
        assert (imp.status, imp.tentativas) == (StatusImportacao.PENDENTE, 0)
        assert importacoes_destravar() == []  # and the janitor sees it alive
        outra.execute("SELECT pg_advisory_unlock(%s, %s)", [_NAMESPACE, imp.pk])
    # once it is released, the job runs
    assert importacao_processar(imp.pk).status == StatusImportacao.CONCLUIDO


def test_zelador_devolve_jobs_de_workers_mortos(
    registros, admin, monkeypatch, django_capture_on_commit_callbacks
):
    enfileiradas: list[int] = []
    monkeypatch.setattr(processar_importacao, "delay", lambda pk: enfileiradas.append(pk))
    morta = _job(admin, planilha([linha_cliente(1)]))
    Importacao.objects.filter(pk=morta.pk).update(
        status=StatusImportacao.PROCESSANDO, tentativas=1, lote_confirmado=3
    )
    esgotada = _job(admin, planilha([linha_cliente(2)]))
    Importacao.objects.filter(pk=esgotada.pk).update(
        status=StatusImportacao.PROCESSANDO, tentativas=MAXIMO_TENTATIVAS
    )
    recente = _job(admin, planilha([linha_cliente(3)]))
    perdida = _job(admin, planilha([linha_cliente(4)]))
    Importacao.objects.filter(pk=perdida.pk).update(
        heartbeat_em=timezone.now() - services.PENDENTE_REENFILEIRAR_APOS - timedelta(seconds=1)
    )
    # when the janitor runs
    with django_capture_on_commit_callbacks(execute=True):
        devolvidas = importacoes_destravar()
    # then the dead job and the lost message go back to the queue; the exhausted one fails
    assert sorted(devolvidas) == sorted([morta.pk, perdida.pk])
    assert sorted(enfileiradas) == sorted([morta.pk, perdida.pk])
    morta.refresh_from_db()
    assert morta.status == StatusImportacao.PENDENTE
    assert "retomado a partir do lote 5" in morta.erro
    esgotada.refresh_from_db()
    assert esgotada.status == StatusImportacao.FALHOU
    recente.refresh_from_db()
    assert recente.status == StatusImportacao.PENDENTE


def test_tarefa_celery_processa_pelo_id(registros, admin):
    imp = _job(admin, planilha([linha_cliente(1)]))
    resultado = processar_importacao.delay(imp.pk)
    assert resultado.get() == StatusImportacao.CONCLUIDO
    assert Cliente.objects.count() == 1


def test_upload_enfileira_so_depois_do_commit(registros, admin, monkeypatch,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    enfileiradas: list[int] = []
    monkeypatch.setattr(processar_importacao, "delay", lambda pk: enfileiradas.append(pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        imp = importacao_criar(
            tipo="clientes", arquivo=io.BytesIO(planilha([linha_cliente(1)])),
            nome_arquivo="c.xlsx", ator=admin,
        )  # fmt: skip
    assert imp.status == StatusImportacao.PENDENTE
    assert enfileiradas == []
    for callback in callbacks:
        callback()
    assert enfileiradas == [imp.pk]


def test_broker_fora_do_ar_nao_derruba_o_upload(registros, admin, monkeypatch,
                                               django_capture_on_commit_callbacks):  # fmt: skip
    def sem_broker(pk):
        raise ConnectionError("redis fora do ar")

    monkeypatch.setattr(processar_importacao, "delay", sem_broker)
    with django_capture_on_commit_callbacks(execute=True):
        imp = importacao_criar(
            tipo="clientes", arquivo=io.BytesIO(planilha([linha_cliente(1)])),
            nome_arquivo="c.xlsx", ator=admin,
        )  # fmt: skip
    assert Importacao.objects.get(pk=imp.pk).status == StatusImportacao.PENDENTE
