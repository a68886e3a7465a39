"""`manage.py gerar_demo_produtos --produtos 100000`: demo catalogue with prices and stock."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from produtos.demo import gerar_produtos


class Command(BaseCommand):
    help = "Gera produtos de demonstração (NCM, EAN válido, preço, custo e estoque)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--produtos", type=int, default=1000, help="Quantos produtos gerar.")
        parser.add_argument("--semente", type=int, default=42, help="Semente aleatória.")
        parser.add_argument(
            "--se-vazio",
            action="store_true",
            help="Não faz nada se já existirem produtos (usado pelo `make run`).",
        )

    def handle(self, *args: Any, **opcoes: Any) -> None:
        from produtos.models import Produto

        if opcoes["se_vazio"] and Produto.objects.exists():
            self.stdout.write("Já existem produtos: nada a gerar.")
            return
        inicio = time.perf_counter()
        n = gerar_produtos(opcoes["produtos"], semente=opcoes["semente"])
        segundos = time.perf_counter() - inicio
        self.stdout.write(self.style.SUCCESS(f"{n} produtos gerados em {segundos:.1f} s."))
