"""Benchmark of the client list at 1.000.000 clients: keyset pages against plain OFFSET.

How to run (NOT a test; takes ~7 min the first time, ~1 min afterwards)::

    psql -h 127.0.0.1 -U postgres -c "create database crm_bench"      # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/listas.py [--clientes 1000000] [--repeticoes 5]

Use a database of its own (the name must contain "bench"): the first run migrates it and fills
it with `manage.py gerar_demo --clientes N` (only the missing clients), then ANALYZEs.

What it measures, in one run, for the list filtered by the most common status and sorted by
name (the default), as the administrator (sees every client) and as a rep (one carteira):

- the first, a deep (90% down the filtered rows) and the last page, requested through the real
  view (`/clientes/`, middleware + filters + keyset + capped count + table rendering): the
  server time (median of the repetitions) and the number of queries;
- the same page's data query written with plain OFFSET (and, for the last page, the exact
  COUNT(*) that OFFSET pagination needs to know where the end is), against our keyset query
  (the very SQL the view sent). The OFFSET side leaves out the display subqueries, so the
  ratio is conservative;
- queries per page for page sizes 10 and 100.

"servidor" is wall time of the request; "CPU py" the CPU this process spent on it (Python
side). On a shared, busy machine the wall time mostly measures the queue for the CPU: the
load average is printed first so the figures can be read in context.

Goals: every page ≤ 100 ms server time, deep page query ≥ 50× faster than OFFSET, ≤ 10 queries
per page whatever the page size. The script prints the figures, the ratios and OK/FALHOU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cadastro.busca import _base, busca_global, candidatos_nome  # noqa: E402
from cadastro.models import Cliente  # noqa: E402
from cadastro.views.lista import ClienteListaView  # noqa: E402
from contas.models import Usuario  # noqa: E402
from crm.paginacao import Chave, PaginadorKeyset  # noqa: E402

POR_PAGINA = 25
META_MS = 100.0
META_RAZAO = 50.0
META_CONSULTAS = 10


def _mediana_ms(funcao: Callable[[], Any], repeticoes: int) -> float:
    funcao()  # warm-up (plans, buffers)
    tempos = []
    for _ in range(repeticoes):
        inicio = time.perf_counter()
        funcao()
        tempos.append((time.perf_counter() - inicio) * 1000)
    return statistics.median(tempos)


def preparar(clientes: int) -> None:
    nome = connection.settings_dict["NAME"]
    if "bench" not in nome:
        sys.exit(f"Recusado: use um banco só do benchmark (nome com 'bench'), não {nome!r}.")
    call_command("migrate", verbosity=0)
    existentes = Cliente.objects.count()
    if existentes < clientes:
        print(f"Gerando {clientes - existentes:,} clientes com gerar_demo…".replace(",", "."))
        call_command("gerar_demo", clientes=clientes - existentes, verbosity=1)
    else:
        call_command("gerar_demo", clientes=0, verbosity=0)  # base set (users, registries)
    with connection.cursor() as cur:
        for tabela in ("cadastro_cliente", "cadastro_endereco", "cadastro_telefone"):
            cur.execute(f"VACUUM ANALYZE {tabela}")


def _mediana_cpu_ms(funcao: Callable[[], Any], repeticoes: int) -> float:
    """Median CPU time of THIS process (Python side of the request), immune to a busy box."""
    funcao()
    tempos = []
    for _ in range(repeticoes):
        inicio = time.process_time()
        funcao()
        tempos.append((time.process_time() - inicio) * 1000)
    return statistics.median(tempos)


def _executar(sql: str, params: Any = None) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        cur.fetchall()


def _tempo_da_consulta(capturadas: list[dict[str, str]], trecho: str) -> float:
    return sum(float(q["time"]) * 1000 for q in capturadas if trecho in q["sql"])


def medir(usuario: Usuario, status_id: int, repeticoes: int) -> list[str]:
    web = Client()
    web.force_login(usuario)
    filtro = {"status": str(status_id), "por_pagina": str(POR_PAGINA)}

    # The same querysets the view builds (visibility + filter + display annotations).
    view = ClienteListaView()
    filtrado = Cliente.objects.visiveis_para(usuario).filter(status_id=status_id)
    pagina_qs = view.anotar(filtrado)
    chave = Chave.de(Cliente, "nome")
    paginador = PaginadorKeyset(pagina_qs, chave=chave, por_pagina=POR_PAGINA, contar=filtrado)
    total = filtrado.count()
    profundo = int(total * 0.9)
    alvo = paginador.queryset.order_by(*chave.ordenacao())[profundo]
    cursores = {
        "primeira": None,
        f"profunda (linha {profundo:,})".replace(",", "."): paginador.cursor_para(alvo, "a"),
        "última": paginador.cursor_ultima(),
    }
    ordem = chave.ordenacao()
    # OFFSET baseline WITHOUT the display subqueries (phone, city): with them Postgres would
    # also compute them for every skipped row (~50 s at 1M), an unfair strawman.
    ordenado = filtrado.select_related("status", "carteira").order_by(*ordem)
    offsets = {
        "primeira": ordenado[: POR_PAGINA + 1],
        "profunda": ordenado[profundo + 1 : profundo + 2 + POR_PAGINA],
    }

    linhas = [
        f"\n== {usuario.username}: {total:,} clientes com o status filtrado ==".replace(",", "."),
        f"{'página':<28}{'servidor':>10}{'CPU py':>9}{'consultas':>10}{'keyset SQL':>12}"
        f"{'OFFSET SQL':>12}{'razão':>9}",
    ]
    falhas = []
    for rotulo, cursor in cursores.items():
        tipo = rotulo.split(" ")[0]
        params = dict(filtro, **({"cursor": cursor} if cursor else {}))
        servidor = _mediana_ms(lambda p=params: web.get("/clientes/", p), repeticoes)
        cpu = _mediana_cpu_ms(lambda p=params: web.get("/clientes/", p), repeticoes)
        with CaptureQueriesContext(connection) as capturadas:
            resposta = web.get("/clientes/", params)
        assert resposta.status_code == 200, resposta.status_code
        consultas = len(capturadas)
        # The keyset page query exactly as the view sent it (LIMIT n+1, no OFFSET).
        pagina_sql = [
            q["sql"] for q in capturadas.captured_queries if f"LIMIT {POR_PAGINA + 1}" in q["sql"]
        ]
        assert len(pagina_sql) == 1 and "OFFSET" not in pagina_sql[0], pagina_sql
        keyset_sql = _mediana_ms(lambda s=pagina_sql[0]: _executar(s), repeticoes)
        if tipo == "última":
            # OFFSET pagination must count every row to know where the last page starts.
            def offset_ultima() -> None:
                n = filtrado.count()
                _executar(*ordenado[max(0, n - POR_PAGINA) :].query.sql_with_params())

            offset_sql = _mediana_ms(offset_ultima, max(1, repeticoes // 2))
        else:
            consulta = offsets[tipo].query.sql_with_params()
            offset_sql = _mediana_ms(lambda c=consulta: _executar(*c), max(1, repeticoes // 2))
        razao = offset_sql / keyset_sql if keyset_sql else float("inf")
        linhas.append(
            f"{rotulo:<28}{servidor:>8.1f}ms{cpu:>7.1f}ms{consultas:>10}{keyset_sql:>10.2f}ms"
            f"{offset_sql:>10.1f}ms{razao:>8.0f}×"
        )
        if servidor > META_MS:
            falhas.append(f"{rotulo}: {servidor:.0f} ms > {META_MS:.0f} ms")
        if consultas > META_CONSULTAS:
            falhas.append(f"{rotulo}: {consultas} consultas")
        if tipo != "primeira" and razao < META_RAZAO:
            falhas.append(f"{rotulo}: só {razao:.0f}× mais rápida que OFFSET")
        if tipo == "primeira":
            contagem = _tempo_da_consulta(capturadas.captured_queries, "COUNT(*)")
            linhas.append(f"{'  (contagem limitada)':<28}{contagem:>8.1f}ms")

    for tamanho in (10, 100):
        with CaptureQueriesContext(connection) as capturadas:
            web.get("/clientes/", dict(filtro, por_pagina=str(tamanho), ordenar="-documento"))
        n = len(capturadas)
        linhas.append(f"consultas por página ({tamanho:>3} linhas, ordem anulável): {n}")
        if n > META_CONSULTAS:
            falhas.append(f"{n} consultas com {tamanho} linhas")
    linhas.append("metas: " + ("OK" if not falhas else "FALHOU — " + "; ".join(falhas)))
    return linhas


def medir_busca(usuario: Usuario, repeticoes: int) -> list[str]:
    linhas = [f"\n== busca global ({usuario.username}) =="]
    plano = candidatos_nome(_base(usuario), "maria silva")[:500].explain()
    usa = "cliente_nome_trgm" in plano and "cliente_fantasia_trgm" in plano
    linhas.append(f"EXPLAIN candidatos por nome usa os índices trigrama: {'sim' if usa else 'NÃO'}")
    exemplo = Cliente.objects.filter(documento__isnull=False).only("documento").first()
    termos = ["silva", "maria silva", "conceicao", "joao pereira", "comercial", "xyzabc"]
    if exemplo is not None:
        termos.append(exemplo.documento or "")
    for termo in termos:
        ms = _mediana_ms(lambda t=termo: busca_global(user=usuario, termo=t), repeticoes)
        linhas.append(f"  {termo!r:<24}{ms:>8.1f}ms")
    return linhas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clientes", type=int, default=1_000_000)
    parser.add_argument("--repeticoes", type=int, default=5)
    args = parser.parse_args()
    preparar(args.clientes)
    status_id = (
        Cliente.objects.values("status_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("status_id", flat=True)[0]
    )
    total = Cliente.objects.count()
    carga = os.getloadavg()[0]
    print(f"Carga da máquina (load average 1 min): {carga:.1f} em {os.cpu_count()} núcleos.")
    print(f"Base: {total:,} clientes; {POR_PAGINA} linhas por página.".replace(",", "."))
    for username in ("admin", "rep1"):
        usuario = Usuario.objects.get(username=username)
        for linha in medir(usuario, status_id, args.repeticoes):
            print(linha)
    for linha in medir_busca(Usuario.objects.get(username="admin"), args.repeticoes):
        print(linha)


if __name__ == "__main__":
    main()
