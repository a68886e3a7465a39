"""Benchmark of the price-list import: 50.000 rows, ours against django-import-export's default.

How to run (NOT a test; a few minutes, mostly django-import-export)::

    psql -h 127.0.0.1 -U postgres -c "create database crm_bench_precos"      # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_precos \\
        .venv/bin/python bench/precos.py [--linhas 50000] [--linhas-iex 50000] [--repeticoes 3]

Use a database of its own (the name must contain "bench"): the script migrates it and creates
what the rows refer to (an origin, 500 clients with external codes, `linhas / 500` products)
once, then ANALYZEs.

The same .xlsx (product code, client code, origin, price, start) is imported:
- by ours: `importacao_criar` + `importacao_processar` — the real job, as the worker runs it
  (hostile-file check, calamine reading, validation, set-based batches, history with context,
  events, per-row problems, counters), timed from upload to "concluído";
- by django-import-export 4 with a plain `ModelResource` and its defaults (one transaction,
  ForeignKeyWidget lookups by code, one INSERT per row, dry_run=False), timed from reading the
  file with tablib to the end of `import_data`.
Both start from no prices for those clients, so both insert every row. `--linhas-iex` lets the
slow side run on fewer rows (its time is then scaled linearly, and the output says so).

Goals: ours ≤ 4 s for 50.000 rows and ≥ 25× faster than django-import-export.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

CLIENTES = 500


def preparar(linhas: int) -> tuple[list[str], list[str]]:
    from cadastro.models import Cliente, Origem, StatusCliente, TipoCliente
    from crm.documentos import gerar_cpf
    from produtos.demo import gerar_produtos
    from produtos.models import Produto

    call_command("migrate", verbosity=0)
    origem, _ = Origem.objects.get_or_create(codigo="ERP", defaults={"descricao": "ERP"})
    tipo, _ = TipoCliente.objects.get_or_create(codigo="CF", defaults={"descricao": "CF"})
    status, _ = StatusCliente.objects.get_or_create(codigo="ATIVO", defaults={"descricao": "Ativo"})
    existentes = set(
        Cliente.objects.filter(origem=origem, codigo_externo__startswith="B-").values_list(
            "codigo_externo", flat=True
        )
    )
    novos = [
        Cliente(
            tipo_pessoa="F",
            documento=gerar_cpf(700_000_000 + i),
            tipo_cliente=tipo,
            status=status,
            origem=origem,
            codigo_externo=f"B-{i:05d}",
            nome=f"Cliente {i}",
        )
        for i in range(CLIENTES)
        if f"B-{i:05d}" not in existentes
    ]
    Cliente.objects.bulk_create(novos, batch_size=1000)
    precisa = -(-linhas // CLIENTES)
    faltam = precisa - Produto.objects.count()
    if faltam > 0:
        gerar_produtos(faltam)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    produtos = list(Produto.objects.order_by("id").values_list("codigo", flat=True)[:precisa])
    clientes = [f"B-{i:05d}" for i in range(CLIENTES)]
    return produtos, clientes


def planilha(produtos: list[str], clientes: list[str], linhas: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Preços")
    ws.append(["Código do produto", "Código do cliente", "Origem", "Preço", "Início da vigência"])
    n = 0
    for produto in produtos:
        for cliente in clientes:
            if n == linhas:
                break
            ws.append([produto, cliente, "ERP", f"{10 + n % 990},{n % 100:02d}", "01/01/2026"])
            n += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def limpar_precos() -> None:
    from produtos.models import PrecoLista

    with transaction.atomic():
        PrecoLista.objects.filter(cliente__codigo_externo__startswith="B-").delete()


def rodar_nosso(conteudo: bytes, usuario: object) -> tuple[float, object]:
    from importacoes.services import importacao_criar, importacao_processar

    inicio = time.perf_counter()
    imp = importacao_criar(
        tipo="precos", arquivo=io.BytesIO(conteudo), nome_arquivo="bench.xlsx",
        ator=usuario, enfileirar=False,
    )  # fmt: skip
    importacao_processar(imp.pk)
    segundos = time.perf_counter() - inicio
    imp.refresh_from_db()
    return segundos, imp


def rodar_iex(conteudo: bytes, linhas: int) -> float:
    # Imported before the clock starts: module loading is not import time.
    import tablib
    from import_export import fields, resources, widgets

    from cadastro.models import Cliente, Origem
    from produtos.models import PrecoLista, Produto

    tablib.Dataset().load(planilha(["X"], ["Y"], 1), format="xlsx")  # warm the xlsx loader

    class PrecoResource(resources.ModelResource):
        produto = fields.Field(
            "produto", "Código do produto", widgets.ForeignKeyWidget(Produto, "codigo")
        )
        cliente = fields.Field(
            "cliente", "Código do cliente", widgets.ForeignKeyWidget(Cliente, "codigo_externo")
        )
        origem = fields.Field("origem", "Origem", widgets.ForeignKeyWidget(Origem, "codigo"))
        preco = fields.Field("preco", "Preço", widgets.DecimalWidget())
        inicio = fields.Field("inicio", "Início da vigência", widgets.DateWidget("%d/%m/%Y"))

        class Meta:
            model = PrecoLista
            fields = ("produto", "cliente", "origem", "preco", "inicio")
            # No id column in a price sheet: every row is a new price (import_id_fields would
            # otherwise default to "id" and refuse the file).
            import_id_fields: tuple[str, ...] = ()

        def before_import_row(self, row, **kwargs):
            row["Preço"] = row["Preço"].replace(".", "").replace(",", ".")

    inicio = time.perf_counter()
    dados = tablib.Dataset().load(io.BytesIO(conteudo), format="xlsx")
    if linhas < len(dados):
        dados = dados.subset(rows=range(linhas))
    resultado = PrecoResource().import_data(dados, dry_run=False, raise_errors=True)
    segundos = time.perf_counter() - inicio
    assert not resultado.has_errors() and resultado.totals["new"] == len(dados), resultado.totals
    return segundos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--linhas", type=int, default=50_000)
    parser.add_argument("--linhas-iex", type=int, default=None)
    parser.add_argument("--repeticoes", type=int, default=3)
    args = parser.parse_args()
    nome = connection.settings_dict["NAME"]
    if "bench" not in nome:
        sys.exit(f"Use um banco só para o bench (o nome deve conter 'bench'); atual: {nome}")
    linhas_iex = min(args.linhas_iex or args.linhas, args.linhas)

    with open("/proc/loadavg") as f:
        print(f"carga da máquina (loadavg): {f.read().split()[:3]}")
    produtos, clientes = preparar(args.linhas)
    conteudo = planilha(produtos, clientes, args.linhas)
    print(f"planilha: {args.linhas} linhas, {len(conteudo) / 1024:.0f} KiB")

    from contas.models import Usuario
    from tests.factories import UsuarioFactory

    usuario = Usuario.objects.filter(username="bench_admin").first() or UsuarioFactory(
        username="bench_admin", papel="Administrador"
    )

    tempos = []
    for _ in range(args.repeticoes):
        limpar_precos()
        segundos, imp = rodar_nosso(conteudo, usuario)
        assert imp.status == "concluido" and imp.criadas == args.linhas, (
            imp.status, imp.criadas, imp.rejeitadas, imp.erro,
        )  # fmt: skip
        tempos.append(segundos)
        print(f"  nosso: {segundos:.2f} s ({args.linhas / segundos:,.0f} linhas/s)")
    nosso = statistics.median(tempos)

    limpar_precos()
    iex = rodar_iex(conteudo, linhas_iex)
    escalado = iex * args.linhas / linhas_iex
    nota = "" if linhas_iex == args.linhas else f" (medido em {linhas_iex} linhas, escalado)"
    print(f"  django-import-export: {iex:.2f} s{nota} → {escalado:.1f} s para {args.linhas}")
    limpar_precos()

    razao = escalado / nosso
    print(f"\nnosso (mediana de {args.repeticoes}): {nosso:.2f} s para {args.linhas} linhas")
    print(f"django-import-export (padrão): {escalado:.1f} s")
    print(f"razão: {razao:.1f}×")
    ok_tempo = nosso <= 4.0 * args.linhas / 50_000
    ok_razao = razao >= 25
    print(f"meta ≤ 4 s por 50.000 linhas: {'OK' if ok_tempo else 'FALHOU'}")
    print(f"meta ≥ 25× django-import-export: {'OK' if ok_razao else 'FALHOU'}")


if __name__ == "__main__":
    main()
