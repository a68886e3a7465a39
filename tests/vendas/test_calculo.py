"""The one recalculation (vendas/calculo.py): the client's ICMS flags come from its record
(indIEDest, consumidor final), never from CPF vs CNPJ; a fixed number of queries whatever the
number of items; only the items whose results changed are written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadastro.constants import IndicadorIE, TipoPessoa
from crm.documentos import gerar_cpf
from tests.vendas.conftest import Cenario, criar_pedido, regra
from vendas.calculo import contexto_do_pedido
from vendas.models import ItemPedido
from vendas.services import pedido_alterar_cabecalho, pedido_recalcular

D = Decimal
pytestmark = pytest.mark.django_db


def _cliente_fiscal(cenario: Cenario, *, indicador: str, consumidor_final: bool, pf: bool = False):
    cliente = cenario.cliente
    cliente.indicador_ie = indicador
    cliente.consumidor_final = consumidor_final
    cliente.inscricao_estadual = "110042490114" if indicador == IndicadorIE.CONTRIBUINTE else ""
    if pf:
        cliente.tipo_pessoa = TipoPessoa.FISICA
        cliente.documento = gerar_cpf(4242)
    cliente.save()
    return cliente


@pytest.mark.parametrize(
    ("indicador", "consumidor_final", "pf", "contribuinte", "final"),
    [
        # a company with IE that resells: contributor, not a final consumer
        (IndicadorIE.CONTRIBUINTE, False, False, True, False),
        # a company with IE buying for its own use (uso e consumo)
        (IndicadorIE.CONTRIBUINTE, True, False, True, True),
        # a rural producer: CPF, but with IE — a contributor (never inferred from the CPF)
        (IndicadorIE.CONTRIBUINTE, False, True, True, False),
        # a company exempt from IE: not a contributor
        (IndicadorIE.ISENTO, False, False, False, False),
        # a company without IE whose record says "revenda": NF-e forces final consumer
        (IndicadorIE.NAO_CONTRIBUINTE, False, False, False, True),
    ],
)
def test_contexto_vem_do_cadastro_do_cliente(
    cenario: Cenario, indicador: str, consumidor_final: bool, pf: bool, contribuinte: bool,
    final: bool,
) -> None:  # fmt: skip
    # given a client whose record says how it stands before the ICMS
    _cliente_fiscal(cenario, indicador=indicador, consumidor_final=consumidor_final, pf=pf)
    pedido = criar_pedido(cenario)
    pedido.refresh_from_db()
    # when the order's context for the matrices is built
    contexto = contexto_do_pedido(pedido)
    # then contributor / final consumer are the record's, whatever CPF or CNPJ
    assert (contexto.contribuinte, contexto.consumidor_final) == (contribuinte, final)


def test_aliquota_da_matriz_segue_o_indicador_da_ie(cenario: Cenario) -> None:
    # given an ICMS rule only for contributors (12 %) beside the general one (18 %)
    regra("ICMS", uf_origem="SP", uf_destino="SP", contribuinte=True, aliquota=D("12"),
          fcp=D("0"))  # fmt: skip
    # when a contributor company buys
    _cliente_fiscal(cenario, indicador=IndicadorIE.CONTRIBUINTE, consumidor_final=False)
    pedido = criar_pedido(cenario, [(cenario.lampada, "2")])
    item = pedido.itens.get()
    # then the contributor rule answers
    assert item.aliq_icms == D("12")
    # and when the same company is recorded as not a contributor, the general rule answers
    _cliente_fiscal(cenario, indicador=IndicadorIE.NAO_CONTRIBUINTE, consumidor_final=True)
    pedido_recalcular(pedido_id=pedido.pk)
    item.refresh_from_db()
    assert item.aliq_icms == D("18")


def test_ipi_entra_na_base_do_icms_so_para_consumidor_final(cenario: Cenario) -> None:
    # given IPI of 10 % on the lamp (R$ 20,00)
    regra("IPI", produto=cenario.lampada, aliquota=D("10"))
    # when a contributor reseller buys 1: the IPI stays out of the ICMS base (CF 155 §2º XI)
    _cliente_fiscal(cenario, indicador=IndicadorIE.CONTRIBUINTE, consumidor_final=False)
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    item = pedido.itens.get()
    assert (item.v_ipi, item.bc_icms) == (D("2.00"), D("20.00"))
    # and when the client buys for its own use, the IPI enters the base
    _cliente_fiscal(cenario, indicador=IndicadorIE.CONTRIBUINTE, consumidor_final=True)
    pedido_recalcular(pedido_id=pedido.pk)
    item.refresh_from_db()
    assert (item.v_ipi, item.bc_icms) == (D("2.00"), D("22.00"))


def _pedido_com_itens(cenario: Cenario, n: int) -> Any:
    pedido = criar_pedido(cenario)
    produtos = [cenario.parafuso, cenario.lampada, cenario.cabo]
    ItemPedido.objects.bulk_create(
        ItemPedido(pedido=pedido, sequencia=s, produto=produtos[s % 3], quantidade=D(s % 5 + 1))
        for s in range(1, n + 1)
    )
    pedido_recalcular(pedido_id=pedido.pk)
    return pedido


def test_consultas_iguais_para_5_e_500_itens(cenario: Cenario) -> None:
    # given orders of 5 and 500 items
    contagens = []
    for n in (5, 500):
        pedido = _pedido_com_itens(cenario, n)
        # when each is recalculated after a header change that changes every item
        pedido.refresh_from_db()
        with CaptureQueriesContext(connection) as consultas:
            pedido_alterar_cabecalho(
                pedido_id=pedido.pk,
                versao=pedido.versao,
                dados={"desconto_percentual": D("1")},
                ator=cenario.dono,
            )
        contagens.append(len(consultas.captured_queries))
        # then every item was written with the new values
        assert not ItemPedido.objects.filter(pedido=pedido, v_desc=0).exists()
    # and the number of queries does not depend on the number of items
    assert contagens[0] == contagens[1]


def test_so_os_itens_que_mudaram_sao_gravados(cenario: Cenario) -> None:
    # given a recalculated order of 20 items
    pedido = _pedido_com_itens(cenario, 20)
    # when it is recalculated again with nothing changed
    with CaptureQueriesContext(connection) as consultas:
        pedido_recalcular(pedido_id=pedido.pk)
    # then no item row is written (the stored results are already these)
    assert not [q for q in consultas.captured_queries if 'UPDATE "vendas_itempedido"' in q["sql"]]
    # and when one item's quantity changes, that item's new results are stored
    item = pedido.itens.get(sequencia=3)
    ItemPedido.objects.filter(pk=item.pk).update(quantidade=D("40"))
    pedido_recalcular(pedido_id=pedido.pk)
    item.refresh_from_db()
    assert item.v_prod == D("40") * item.preco_unitario
