from typing import Any

from django.core.management.base import BaseCommand

from vendas.demo import garantir_registros


class Command(BaseCommand):
    help = "Cria os cadastros auxiliares de demonstração do isoVendas (idempotente)."

    def handle(self, *args: Any, **options: Any) -> None:
        criados = garantir_registros()
        self.stdout.write(f"{criados} cadastros auxiliares de vendas criados.")
