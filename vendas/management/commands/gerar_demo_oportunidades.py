"""Demo sales funnel: stages, loss reasons, ~40 opportunities over the demo reps' clients in
every stage (through the services, so each has its history), a few sent orders and quotes
linked to them, and this month's targets. Idempotent: stages/reasons by code; opportunities,
orders and targets only when no demo opportunity exists yet."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cadastro.indicadores import Periodo
from cadastro.models import Cliente
from contas.models import Usuario
from produtos.models import PrecoLista
from vendas.calculo import Calculo
from vendas.constants import IndicadorVenda, ResultadoEtapa, StatusPedido, TipoEventoPedido
from vendas.models import EtapaFunil, MetaVenda, MotivoPerda, Oportunidade, Pedido, PedidoEvento
from vendas.services.oportunidades import (
    ErroOportunidade,
    oportunidade_criar,
    oportunidade_criar_orcamento,
    oportunidade_mover_etapa,
)
from vendas.services.pedidos import ErroPedido, item_adicionar, pedido_criar, pedido_enviar

ETAPAS = [  # código, descrição, ordem, probabilidade, resultado
    ("PROSP", "Prospecção", 10, "10", ResultadoEtapa.ABERTA),
    ("QUALI", "Qualificação", 20, "25", ResultadoEtapa.ABERTA),
    ("PROPO", "Proposta", 30, "50", ResultadoEtapa.ABERTA),
    ("NEGOC", "Negociação", 40, "75", ResultadoEtapa.ABERTA),
    ("GANHA", "Ganha", 90, "100", ResultadoEtapa.GANHA),
    ("PERDA", "Perdida", 91, "0", ResultadoEtapa.PERDIDA),
]
MOTIVOS = [
    ("PRECO", "Preço acima do concorrente"),
    ("PRAZO", "Prazo de entrega"),
    ("SEMVERBA", "Cliente sem verba"),
    ("CONCOR", "Fechou com o concorrente"),
    ("DESIST", "Desistiu da compra"),
]
ASSUNTOS = [
    "Reposição de estoque", "Abertura de nova loja", "Linha de elétricos", "Contrato anual",
    "Mix de ferragens", "Campanha de verão", "Troca de fornecedor", "Kit de iluminação LED",
    "Pedido de inauguração", "Ampliação do mix",
]  # fmt: skip
MARCA_DEMO = "Oportunidade de demonstração."
RNG = random.Random(20240601)  # noqa: S311 - demo data, not security
REPS = ("rep1", "rep2", "rep3")
# (stage code, how many) of the ~40 opportunities
DISTRIBUICAO = [("PROSP", 10), ("QUALI", 9), ("PROPO", 7), ("NEGOC", 6), ("GANHA", 5),
                ("PERDA", 3)]  # fmt: skip


def _registros() -> int:
    criados = 0
    for codigo, descricao, ordem, probabilidade, resultado in ETAPAS:
        _, novo = EtapaFunil.objects.get_or_create(
            codigo=codigo,
            defaults={"descricao": descricao, "ordem": ordem,
                      "probabilidade": Decimal(probabilidade), "resultado": resultado},
        )  # fmt: skip
        criados += int(novo)
    for codigo, descricao in MOTIVOS:
        _, novo = MotivoPerda.objects.get_or_create(
            codigo=codigo, defaults={"descricao": descricao}
        )
        criados += int(novo)
    return criados


def _digitar_itens(calculo: Calculo, ator: Usuario) -> Calculo:
    """1-3 priced products typed into the order or quote through the services."""
    precos = list(PrecoLista.objects.select_related("produto").order_by("pk")[:60])
    for preco in RNG.sample(precos, k=min(len(precos), RNG.randint(1, 3))):
        produto = preco.produto
        multiplo = produto.multiplo_venda or Decimal(1)
        calculo = item_adicionar(
            pedido_id=calculo.pedido.pk, versao=calculo.pedido.versao, produto=produto,
            quantidade=multiplo * RNG.randint(2, 20), novo_preco=preco.preco, ator=ator,
        )  # fmt: skip
    return calculo


def _vender(cliente: Cliente, ator: Usuario, oportunidade: Oportunidade | None) -> bool:
    """An order of 1-3 priced products, typed through the services and sent.

    The demo catalogue prices the clients' tables and stocks their warehouses, so most demo
    orders go out through `pedido_enviar`. One still blocked (p.ex. below the minimum value)
    is recorded as sent anyway (as if imported already invoiced from the ERP), with a `demo`
    event, so the indicators have something to show. Never do this outside demo data.
    """
    if not PrecoLista.objects.exists():
        return False
    try:
        with transaction.atomic():
            dados = {"oportunidade_id": oportunidade.pk} if oportunidade else None
            calculo = pedido_criar(cliente_id=cliente.pk, ator=ator, dados=dados)
            pedido = _digitar_itens(calculo, ator).pedido
            try:
                with transaction.atomic():
                    pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=ator)
            except ErroPedido:
                Pedido.objects.filter(pk=pedido.pk).update(status=StatusPedido.ENVIADO)
                PedidoEvento.objects.create(
                    pedido=pedido, tipo=TipoEventoPedido.ENVIADO, ator=ator, versao=pedido.versao,
                    dados={"demo": "pedido de demonstração registrado como enviado"},
                )  # fmt: skip
    except ErroPedido:
        return False
    return True


class Command(BaseCommand):
    help = "Cria o funil de vendas de demonstração (etapas, oportunidades, metas; idempotente)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        criados = _registros()
        self.stdout.write(f"{criados} etapas do funil / motivos de perda criados.")
        if Oportunidade.objects.filter(descricao__startswith=MARCA_DEMO).exists():
            self.stdout.write("Oportunidades de demonstração já existem; nada a fazer.")
            return
        reps = list(Usuario.objects.filter(username__in=REPS).order_by("username"))
        if not reps:
            self.stdout.write("Sem os representantes de demonstração (rode gerar_demo antes).")
            return
        etapas = {e.codigo: e for e in EtapaFunil.objects.all()}
        motivos = list(MotivoPerda.objects.filter(ativo=True))
        hoje = timezone.localdate()
        total = vendas = orcamentos = 0
        plano = [codigo for codigo, quantos in DISTRIBUICAO for _ in range(quantos)]
        for indice, codigo in enumerate(plano):
            rep = reps[indice % len(reps)]
            cliente = (
                Cliente.objects.visiveis_para(rep)
                .filter(carteira__representante=rep)
                .select_related("tabela_venda")
                .order_by("pk")[indice // len(reps) * 7 : indice // len(reps) * 7 + 1]
                .first()
            )
            if cliente is None:
                continue
            try:
                with transaction.atomic():
                    oportunidade = oportunidade_criar(
                        cliente_id=cliente.pk,
                        ator=rep,
                        etapa_id=etapas["PROSP"].pk,
                        dados={
                            "titulo": RNG.choice(ASSUNTOS),
                            "valor_estimado": Decimal(RNG.randrange(1_500, 90_000, 250)),
                            "previsao_fechamento": hoje + dt.timedelta(RNG.randint(-10, 90)),
                            "descricao": MARCA_DEMO,
                        },
                    )
                    caminho = [c for c, *_ in ETAPAS[1:4]]
                    destino = etapas[codigo]
                    if destino.resultado == ResultadoEtapa.ABERTA:
                        caminho = caminho[: caminho.index(codigo) + 1] if codigo != "PROSP" else []
                    else:
                        caminho = [*caminho[: RNG.randint(1, 3)], codigo]
                    for passo in caminho:
                        oportunidade = oportunidade_mover_etapa(
                            oportunidade_id=oportunidade.pk,
                            etapa_id=etapas[passo].pk,
                            versao=oportunidade.versao,
                            ator=rep,
                            motivo_perda_id=RNG.choice(motivos).pk if passo == "PERDA" else None,
                        )
                    if codigo in ("PROPO", "NEGOC"):
                        _digitar_itens(
                            oportunidade_criar_orcamento(oportunidade_id=oportunidade.pk, ator=rep),
                            rep,
                        )
                        orcamentos += 1
            except (ErroOportunidade, ErroPedido) as erro:
                self.stderr.write(f"Oportunidade não criada: {erro}")
                continue
            total += 1
            if codigo == "GANHA":
                vendas += _vender(cliente, rep, oportunidade)
        # a few more sent orders, so the revenue and product indicators have something
        for indice, rep in enumerate(reps * 4):
            cliente = (
                Cliente.objects.filter(carteira__representante=rep)
                .select_related("tabela_venda")
                .order_by("-pk")[indice : indice + 1]
                .first()
            )
            if cliente is not None:
                vendas += _vender(cliente, rep, None)
        self._metas(reps)
        self.stdout.write(
            f"{total} oportunidades, {orcamentos} orçamentos vinculados e {vendas} pedidos "
            "enviados de demonstração criados."
        )

    def _metas(self, reps: list[Usuario]) -> None:
        mes = Periodo.mes(timezone.localdate())
        empresa_id = reps[0].empresa_id
        if empresa_id is None:
            return
        comum = {"empresa_id": empresa_id, "periodo_inicio": mes.inicio, "periodo_fim": mes.fim}
        MetaVenda.objects.create(
            indicador=IndicadorVenda.FATURAMENTO, valor_meta=Decimal("60000"), **comum
        )
        MetaVenda.objects.create(
            indicador=IndicadorVenda.CLIENTES_POSITIVADOS, valor_meta=Decimal("15"), **comum
        )
        MetaVenda.objects.create(
            indicador=IndicadorVenda.OPORTUNIDADES_GANHAS, valor_meta=Decimal("100000"), **comum
        )
        for rep, valor in zip(reps, ("25000", "18000", "15000"), strict=False):
            MetaVenda.objects.create(
                indicador=IndicadorVenda.FATURAMENTO, representante=rep, valor_meta=Decimal(valor),
                **comum,
            )  # fmt: skip
