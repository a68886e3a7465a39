"""`manage.py gerar_demo_matrizes [--mesmo-com-regras]`: regras de demonstração das matrizes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from matrizes.demo import gerar_regras_demo


class Command(BaseCommand):
    help = "Cria regras de demonstração (ICMS, IPI, ST, PIS/COFINS, DIFAL, alçada, frete…)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mesmo-com-regras",
            action="store_true",
            help="Cria mesmo se já houver regras (por padrão, não faz nada nesse caso).",
        )

    def handle(self, *args: Any, **opcoes: Any) -> None:
        total = gerar_regras_demo(se_vazio=not opcoes["mesmo_com_regras"])
        if total:
            self.stdout.write(self.style.SUCCESS(f"{total} regras de demonstração criadas."))
        else:
            self.stdout.write("Já existem regras: nada foi criado (use --mesmo-com-regras).")
