"""`manage.py gerar_demo_titulos [--clientes N] [--se-vazio] [--semente S]`: demo receivables.

Gives the demo clients (those in a carteira, the ones with orders first) receivables as the
ERP would report them: paid on time or early, paid late, open and not yet due, partly paid and
overdue — each client with a payment profile (good payer, late payer, defaulter) so the
Financeiro tab and the segmentation's "days late" show every case. Some titles are the
installments of the client's demo orders.

Idempotent: documents are numbered from the client (DM<client>-<n>/<parcela>) and written with
ON CONFLICT DO NOTHING, so a second run adds nothing; `--se-vazio` skips everything when any
title exists (what `make run` uses on every start).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cadastro.constants import EspecieTitulo
from cadastro.demo import EMPRESA_DEMO
from cadastro.models import Cliente, TituloReceber
from contas.models import Empresa
from crm.money import arredondar

SEMENTE_PADRAO = 20260310
# (profile, weight): how often the open titles of past due dates stay unpaid, and how late
# the paid ones were paid.
PERFIS = (("bom", 6), ("atrasa", 3), ("inadimplente", 1))
ESPECIES = (
    (EspecieTitulo.DUPLICATA, 6),
    (EspecieTitulo.BOLETO, 6),
    (EspecieTitulo.CHEQUE, 1),
    (EspecieTitulo.CARTAO, 1),
    (EspecieTitulo.PIX, 1),
)


def _escolher(rng: random.Random, opcoes: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([o for o, _ in opcoes], weights=[p for _, p in opcoes])[0]


def _parcelas(total: Decimal, quantas: int) -> list[Decimal]:
    """Equal installments, the rounding difference on the last one (sums to the total)."""
    parte = arredondar(total / quantas)
    return [parte] * (quantas - 1) + [total - parte * (quantas - 1)]


def titulos_do_cliente(
    cliente_id: int,
    empresa_id: int,
    hoje: dt.date,
    rng: random.Random,
    pedidos: list[tuple[int, dt.date]],
) -> list[TituloReceber]:
    perfil = _escolher(rng, PERFIS)
    titulos = []
    documentos = rng.randint(2, 8)
    for n in range(1, documentos + 1):
        pedido_id, emissao = (None, hoje - dt.timedelta(days=rng.randint(0, 420)))
        if pedidos and n <= len(pedidos):
            pedido_id, emissao = pedidos[n - 1]
        quantas = rng.choice((1, 1, 2, 3, 3, 4))
        total = Decimal(rng.randint(15_000, 800_000)) / 100
        especie = _escolher(rng, ESPECIES)
        for p, valor in enumerate(_parcelas(total, quantas), start=1):
            vencimento = emissao + dt.timedelta(days=28 * p)
            valor_pago, pago_em = Decimal("0.00"), None
            if vencimento < hoje:
                sorte = rng.random()
                fica_aberto = {"bom": 0.03, "atrasa": 0.2, "inadimplente": 0.6}[perfil]
                if sorte < fica_aberto:
                    if rng.random() < 0.3:  # partly paid, the rest overdue
                        valor_pago = arredondar(valor * Decimal(rng.randint(20, 70)) / 100)
                        pago_em = min(hoje, vencimento + dt.timedelta(days=rng.randint(0, 10)))
                else:
                    atraso = {
                        "bom": rng.choice((-3, -1, 0, 0, 0, 1)),
                        "atrasa": rng.randint(0, 25),
                        "inadimplente": rng.randint(10, 60),
                    }[perfil]
                    pago_em = min(hoje, max(emissao, vencimento + dt.timedelta(days=atraso)))
                    valor_pago = valor
            elif rng.random() < 0.1:  # not yet due, an advance already paid
                valor_pago = arredondar(valor / 2)
                pago_em = min(hoje, emissao + dt.timedelta(days=rng.randint(0, 5)))
            titulos.append(
                TituloReceber(
                    empresa_id=empresa_id,
                    cliente_id=cliente_id,
                    pedido_id=pedido_id,
                    documento=f"DM{cliente_id:07d}-{n}",
                    parcela=f"{p}/{quantas}" if quantas > 1 else "",
                    especie=especie,
                    emissao=emissao,
                    vencimento=vencimento,
                    valor=valor,
                    valor_pago=valor_pago,
                    pago_em=pago_em,
                )
            )
    return titulos


def gerar_demo_titulos(*, clientes: int, se_vazio: bool, semente: int) -> int:
    """Write the demo titles; returns how many were created."""
    if se_vazio and TituloReceber.objects.exists():
        return 0
    empresa = (
        Empresa.objects.filter(cnpj=EMPRESA_DEMO["cnpj"]).first()
        or Empresa.objects.order_by("pk").first()
    )
    if empresa is None:
        raise CommandError("Nenhuma empresa cadastrada: rode antes `manage.py gerar_demo`.")
    # vendas.Pedido without importing vendas (it imports cadastro): the FK knows the model.
    pedido_modelo: Any = TituloReceber._meta.get_field("pedido").related_model
    pedidos_do_cliente = pedido_modelo.objects.filter(cliente=OuterRef("pk"), tipo="pedido")
    alvo = list(
        Cliente.objects.filter(carteira__isnull=False)
        .annotate(tem_pedido=Exists(pedidos_do_cliente))
        .order_by("-tem_pedido", "pk")
        .values_list("pk", flat=True)[:clientes]
    )
    pedidos: dict[int, list[tuple[int, dt.date]]] = {}
    for pk, cliente_id, data in (
        pedido_modelo.objects.filter(cliente_id__in=alvo, tipo="pedido")
        .order_by("cliente_id", "-data", "pk")
        .values_list("pk", "cliente_id", "data")
    ):
        pedidos.setdefault(cliente_id, []).append((pk, data))
    hoje = timezone.localdate()
    antes = TituloReceber.objects.count()
    with transaction.atomic():
        for cliente_id in alvo:
            rng = random.Random(semente + cliente_id)  # noqa: S311 (demo data, not security)
            titulos = titulos_do_cliente(
                cliente_id, empresa.pk, hoje, rng, pedidos.get(cliente_id, [])[:2]
            )
            TituloReceber.objects.bulk_create(titulos, ignore_conflicts=True)
    return TituloReceber.objects.count() - antes


class Command(BaseCommand):
    help = "Gera títulos a receber de demonstração para os clientes das carteiras (idempotente)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clientes", type=int, default=300, help="Quantos clientes.")
        parser.add_argument(
            "--se-vazio", action="store_true", help="Não faz nada se já houver algum título."
        )
        parser.add_argument("--semente", type=int, default=SEMENTE_PADRAO)

    def handle(self, *args: Any, **opcoes: Any) -> None:
        if opcoes["clientes"] < 0:
            raise CommandError("--clientes deve ser >= 0.")
        criados = gerar_demo_titulos(
            clientes=opcoes["clientes"], se_vazio=opcoes["se_vazio"], semente=opcoes["semente"]
        )
        self.stdout.write(f"{criados} títulos a receber de demonstração criados.")
