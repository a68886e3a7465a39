"""`manage.py calcular_pedido ENTRADA.json [--matrizes] [--data AAAA-MM-DD]`.

Sem `--matrizes`: a entrada é a `PedidoEntrada` do motor, com as alíquotas em cada item
(docs/engine.md). Com `--matrizes`: a entrada traz códigos (CNPJ da empresa, CPF/CNPJ do
cliente, código dos produtos) e as alíquotas vêm das matrizes vigentes na data do pedido
(docs/engine.md, "Com as matrizes"). Imprime o resultado do motor em JSON (Decimal como texto).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from matrizes.engine import calcular_pedido, from_dict, to_dict
from matrizes.fetch import calcular, montagem_de_json


class Command(BaseCommand):
    help = "Calcula um pedido (impostos, totais, problemas) e imprime o resultado em JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entrada", help="Arquivo JSON do pedido ('-' lê da entrada padrão).")
        parser.add_argument(
            "--matrizes",
            action="store_true",
            help="Resolve as alíquotas pelas matrizes do banco (a entrada traz códigos).",
        )

    def handle(self, *args: Any, **opcoes: Any) -> None:
        caminho = opcoes["entrada"]
        try:
            texto = sys.stdin.read() if caminho == "-" else Path(caminho).read_text("utf-8")
        except OSError as erro:
            raise CommandError(f"Não foi possível ler {caminho}: {erro.strerror}") from erro
        try:
            # parse_float=Decimal: um número JSON com casas (12.30) é lido exato, do texto,
            # sem passar por float; strings ("12.30") continuam valendo.
            dados = json.loads(texto, parse_float=Decimal)
        except json.JSONDecodeError as erro:
            raise CommandError(f"JSON inválido: {erro}") from erro
        try:
            if opcoes["matrizes"]:
                resultado = calcular(montagem_de_json(dados, hoje=timezone.localdate()))
            else:
                resultado = calcular_pedido(from_dict(dados))
        except ValueError as erro:
            raise CommandError(str(erro)) from erro
        self.stdout.write(json.dumps(to_dict(resultado), ensure_ascii=False, indent=2))
