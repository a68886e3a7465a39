"""Two imports of overlapping files at the same time, in real transactions (threads).

No deadlock may reach the user (batches lock existing clients in document order and insert in
document order; a deadlock would be retried), and no client is duplicated (the unique
constraints are the last line of defence; a race becomes an update or a row error).
"""

from __future__ import annotations

import io
import random
import threading

import pytest
from django.db import connection
from django.db.models import Count

from cadastro.models import Cliente, ContatoEletronico, Endereco, Telefone
from importacoes.constants import StatusImportacao
from importacoes.models import Importacao
from importacoes.services import importacao_criar, importacao_processar
from tests.importacoes.apoio import cpf, linha_cliente, planilha


def _linha(n: int) -> dict:
    return linha_cliente(
        n, Logradouro=f"Rua {n}", UF="SP", Celular=f"1198{n:07d}", **{"E-mail": f"c{n}@x.com.br"}
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_duas_importacoes_sobrepostas_simultaneas(registros, admin, settings):
    # given two files sharing 300 clients, each in its own shuffled order, in batches of 60
    settings.IMPORTACAO_TAMANHO_LOTE = 60
    aleatorio = random.Random(4)
    a, b = list(range(0, 600)), list(range(300, 900))
    aleatorio.shuffle(a)
    aleatorio.shuffle(b)
    jobs = [
        importacao_criar(
            tipo="clientes",
            arquivo=io.BytesIO(planilha([_linha(n) for n in numeros])),
            nome_arquivo=f"{nome}.xlsx",
            ator=admin,
            enfileirar=False,
        )
        for nome, numeros in (("a", a), ("b", b))
    ]
    largada = threading.Barrier(2)
    erros: list[BaseException] = []

    def processar(pk: int) -> None:
        try:
            largada.wait()
            importacao_processar(pk)
        except BaseException as exc:  # reported by the assertion below
            erros.append(exc)
        finally:
            connection.close()

    # when both run at the same time
    threads = [threading.Thread(target=processar, args=(j.pk,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    # then both finish cleanly
    assert erros == []
    feitos = list(Importacao.objects.order_by("pk"))
    # (on failure, say why: the job's error and the first rows it rejected, with their reasons)
    por_que = [
        (j.status, j.erro, [(p.linha, p.erros) for p in j.problemas.all()[:5]]) for j in feitos
    ]
    assert [j.status for j in feitos] == [StatusImportacao.CONCLUIDO] * 2, por_que
    # with exactly 900 clients, none duplicated, each with one address, phone and e-mail
    assert Cliente.objects.count() == 900
    assert not Cliente.objects.values("documento").annotate(n=Count("id")).filter(n__gt=1)
    for modelo in (Endereco, Telefone, ContatoEletronico):
        por_cliente = modelo.objects.values("cliente").annotate(n=Count("id"))
        assert por_cliente.count() == 900 and not por_cliente.filter(n__gt=1), modelo
    # and every row counted once: created by one job or updated by the other
    assert sum(j.criadas for j in feitos) == 900
    assert [j.criadas + j.atualizadas for j in feitos] == [600, 600]
    assert all(j.rejeitadas == 0 for j in feitos)
    assert Cliente.objects.filter(documento=cpf(450)).get().enderecos.count() == 1
