"""`manage.py gerar_demo --clientes N [--se-vazio] [--semente S]`: demo and scale data.

Always ensures the fixed base set (company, registries, demo users/teams/carteiras); then
writes N realistic clients with COPY. `make run` calls it with --se-vazio on every start.
The work lives in `cadastro.demo` so benchmarks can call `gerar_demo()` directly.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadastro.demo import LOTE_PADRAO, SEMENTE_PADRAO, USUARIOS_DEMO, gerar_demo


class Command(BaseCommand):
    help = "Gera dados de demonstração: base fixa (usuários, cadastros auxiliares) e N clientes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clientes", type=int, default=0, help="Quantos clientes gerar.")
        parser.add_argument(
            "--se-vazio",
            action="store_true",
            help="Só gera clientes se a base não tiver nenhum (a base fixa é sempre conferida).",
        )
        parser.add_argument("--semente", type=int, default=SEMENTE_PADRAO)
        parser.add_argument("--lote", type=int, default=LOTE_PADRAO, help="Clientes por transação.")
        parser.add_argument(
            "--com-historico",
            action="store_true",
            help="Mantém os gatilhos do pghistory (mais lento; grava uma versão por linha).",
        )

    def handle(self, *args: Any, **opcoes: Any) -> None:
        if opcoes["clientes"] < 0 or opcoes["lote"] < 1:
            raise CommandError("--clientes deve ser >= 0 e --lote >= 1.")
        verboso = opcoes["verbosity"] >= 1
        resumo = gerar_demo(
            clientes=opcoes["clientes"],
            se_vazio=opcoes["se_vazio"],
            semente=opcoes["semente"],
            lote=opcoes["lote"],
            historico=True if opcoes["com_historico"] else None,
            progresso=self.stdout.write if verboso else None,
        )
        if verboso:
            self.stdout.write(self.style.SUCCESS(resumo.texto()))
            self.stdout.write("Logins de demonstração (usuário / senha):")
            for u in USUARIOS_DEMO:
                self.stdout.write(f"  {u.papel:<14} {u.username:<12} {u.senha}")
