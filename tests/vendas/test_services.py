"""Order services: creation, items, the one recalculation, closing-tab problems, optimistic
locking, status flow and alçada approval bound to the order's version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.vendas.conftest import Cenario, criar_pedido, regra
from vendas.constants import (
    TRANSICOES,
    DecisaoAprovacao,
    StatusItem,
    StatusPedido,
    TipoEventoPedido,
)
from vendas.models import ItemPedido, Pedido, SolicitacaoAprovacao, TransicaoInvalida
from vendas.services import (
    ConflitoVersao,
    ErroPedido,
    item_adicionar,
    item_alterar,
    item_cancelar,
    pedido_alterar_cabecalho,
    pedido_aprovar,
    pedido_cancelar,
    pedido_criar,
    pedido_enviar,
    pedido_recalcular,
    pedido_recusar,
    pedido_retirar_solicitacao,
)

D = Decimal
pytestmark = pytest.mark.django_db


def codigos(pedido: Pedido) -> list[str]:
    pedido.refresh_from_db()
    return [p["codigo"] for p in pedido.problemas]


def alterar(cenario: Cenario, pedido: Pedido, seq: int, quem: str = "dono", **dados: Any) -> Any:
    pedido.refresh_from_db()
    item = pedido.itens.get(sequencia=seq)
    return item_alterar(
        pedido_id=pedido.pk,
        item_id=item.pk,
        versao=pedido.versao,
        dados=dados,
        ator=cenario.pessoas.usuarios[quem],
    )


# --- creation ------------------------------------------------------------------------------


def test_criar_pedido_para_cliente_da_carteira(cenario: Cenario) -> None:
    # given a rep and a client of their portfolio
    # when the rep creates an order
    calculo = pedido_criar(cliente_id=cenario.cliente.pk, ator=cenario.dono)
    pedido = calculo.pedido
    # then it is theirs, typed, with the client's warehouse/table and UF, and an event
    assert pedido.representante == cenario.dono
    assert pedido.status == StatusPedido.EM_DIGITACAO
    assert pedido.armazem == cenario.armazem and pedido.tabela_venda == cenario.tabela
    assert pedido.uf_destino == "SP"
    assert pedido.eventos.filter(tipo=TipoEventoPedido.CRIADO).count() == 1
    assert cenario.cliente.eventos.filter(tipo="pedido").exists()
    # and an empty order is a blocking problem, never a silent zero
    assert codigos(pedido) == ["pedido_vazio"]
    assert pedido.tem_bloqueio


def test_rep_nao_cria_pedido_para_cliente_fora_da_carteira(cenario: Cenario) -> None:
    # given the colleague's client
    # when the rep tries to create an order for it
    with pytest.raises(ErroPedido, match="não encontrado"):
        pedido_criar(cliente_id=cenario.cliente_colega.pk, ator=cenario.dono)
    # then nothing is written
    assert not Pedido.objects.exists()


def test_supervisor_digita_para_o_representante_da_carteira(cenario: Cenario) -> None:
    # given the supervisor of the team of carteira A's owner
    supervisor = cenario.pessoas.usuarios["supervisor"]
    # when the supervisor creates an order for a client of carteira A
    pedido = pedido_criar(cliente_id=cenario.cliente.pk, ator=supervisor).pedido
    # then the order belongs to the portfolio's rep
    assert pedido.representante == cenario.dono


# --- calculation -------------------------------------------------------------------------


def test_itens_calculados_pelas_matrizes_ao_centavo(cenario: Cenario) -> None:
    # given 20 screws at R$ 2,00 and 3 lamps at R$ 20,00 (ICMS 18 %, PIS 1,65 %, COFINS 7,6 %)
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    pedido.refresh_from_db()
    parafuso, lampada = pedido.itens.order_by("sequencia")
    # then every base and tax is stored per item and the totals are their sums
    assert (parafuso.v_prod, parafuso.v_icms, parafuso.v_pis, parafuso.v_cofins) == (
        D("40.00"), D("7.20"), D("0.66"), D("3.04"),
    )  # fmt: skip
    assert (lampada.v_prod, lampada.v_icms) == (D("60.00"), D("10.80"))
    assert pedido.v_prod == D("100.00") and pedido.v_icms == D("18.00")
    assert pedido.v_nf == D("100.00")
    assert lampada.custo_unitario == D("11.00") and lampada.margem_bruta is not None
    assert parafuso.percentual_comissao == D("3")
    assert codigos(pedido) == []


def test_quantidade_multipla_sugere_a_proxima_valida(cenario: Cenario) -> None:
    # given screws sold in multiples of 10
    pedido = criar_pedido(cenario, [(cenario.parafuso, "15"), (cenario.lampada, "3")])
    # then the closing tab says so, with the next valid quantity, and it blocks
    pedido.refresh_from_db()
    (problema,) = pedido.problemas
    assert problema["codigo"] == "multiplo" and problema["item"] == 1
    assert "próxima quantidade válida: 20" in problema["mensagem"]
    assert problema["bloqueia"] and pedido.tem_bloqueio
    # when the rep fixes the quantity
    alterar(cenario, pedido, 1, quantidade=D("20"))
    # then the problem is gone
    assert codigos(pedido) == []


def test_problema_de_matriz_nomeia_a_matriz_e_as_chaves(cenario: Cenario) -> None:
    # given the PIS/COFINS rule expired
    from matrizes.models import Regra

    Regra.objects.filter(matriz="PIS_COFINS").update(vigencia_fim=dt.date(2024, 12, 31))
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    pedido.refresh_from_db()
    matriz = [p for p in pedido.problemas if p["codigo"] == "matriz"]
    # then each missing tax names its matrix and the keys asked
    assert {p["matriz"] for p in matriz} == {"PIS", "COFINS"}
    assert all(p["chaves"].get("ncm") == "85395000" for p in matriz)
    assert pedido.tem_bloqueio


def test_sem_regra_de_unidade_produto_e_sem_fator(cenario: Cenario) -> None:
    from matrizes.models import Regra

    # given no unit×product rule at all
    Regra.objects.filter(matriz="UNIDADE_PRODUTO").delete()
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then "problema de matriz unidade produto"
    assert "matriz_unidade" in codigos(pedido)
    # given lamps sold in boxes (CX) with no conversion factor registered
    regra("UNIDADE_PRODUTO", produto=cenario.lampada, unidade_venda=cenario.cx)
    regra("UNIDADE_PRODUTO")
    pedido_recalcular(pedido_id=pedido.pk)
    assert "fator_conversao" in codigos(pedido)


def test_venda_em_caixa_converte_preco_e_estoque(cenario: Cenario) -> None:
    from produtos.models import FatorConversao

    # given lamps sold in boxes of 12 (matrix) with the factor registered
    regra("UNIDADE_PRODUTO", produto=cenario.lampada, unidade_venda=cenario.cx)
    FatorConversao.objects.create(
        produto=cenario.lampada, unidade_origem=cenario.cx, unidade_destino=cenario.un,
        fator=D("12"),
    )  # fmt: skip
    # when 5 boxes are ordered (60 lamps, 50 in stock)
    pedido = criar_pedido(cenario, [(cenario.lampada, "5")])
    item = pedido.itens.get()
    # then the box price is 12 × 20,00 and the stock check counts lamps
    assert item.unidade == cenario.cx and item.fator == D("12")
    assert item.preco_unitario == D("240.00") and item.v_prod == D("1200.00")
    assert "sem_estoque" in codigos(pedido)


def test_problemas_de_catalogo_estoque_datas_e_lote(cenario: Cenario) -> None:
    from produtos.models import Lote

    cabo, lampada = cenario.cabo, cenario.lampada
    # given a blocked lamp ordered beyond stock, a cable with lead time promised too early,
    # a lot from another product
    lampada.bloqueado, lampada.motivo_bloqueio = True, "Recall do fornecedor"
    lampada.save()
    pedido = criar_pedido(cenario, [(lampada, "60"), (cabo, "1")])
    lote = Lote.objects.create(
        produto=cenario.parafuso, armazem=cenario.armazem, numero="L1",
        validade=dt.date(2030, 1, 1), quantidade=D("100"),
    )  # fmt: skip
    hoje = timezone.localdate()
    alterar(cenario, pedido, 2, data_promessa=hoje + dt.timedelta(days=2), lote=lote)
    pedido.refresh_from_db()
    por_item = {(p["item"], p["codigo"]) for p in pedido.problemas}
    # then each item lists its own problems
    assert {(1, "bloqueado"), (1, "sem_estoque"), (2, "lead_time"), (2, "data_promessa"),
            (2, "lote")} <= por_item  # fmt: skip
    lead = next(p for p in pedido.problemas if p["codigo"] == "lead_time")
    assert lead["bloqueia"] is False
    # when the promise date is in the past
    alterar(cenario, pedido, 2, data_promessa=hoje - dt.timedelta(days=1), lote=None)
    assert "programacao_vencida" in codigos(pedido)


def test_valor_minimo_e_sem_preco(cenario: Cenario) -> None:
    from produtos.models import Produto

    # given a product without any list price
    sem_preco = Produto.objects.create(
        codigo="SEM-PRECO", descricao="Sem preço", unidade=cenario.un, ncm="85395000"
    )
    pedido = criar_pedido(cenario, [(cenario.parafuso, "10"), (sem_preco, "1")])
    # then "sem preço" for it and the order (R$ 20,00) below the R$ 50,00 minimum
    assert {"sem_preco", "valor_minimo"} <= set(codigos(pedido))
    # when a new price is typed for it
    alterar(cenario, pedido, 2, novo_preco=D("40"))
    # then both are solved
    assert codigos(pedido) == ["sem_estoque"]  # the product has no stock row in the warehouse


def test_margem_fora_da_faixa(cenario: Cenario) -> None:
    from contas.models import Parametro

    # given the company wants at least 60 % gross margin
    Parametro.objects.create(empresa=cenario.dono.empresa, chave="vendas_mb_minima", valor="60")
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then MB out of range blocks (and is flagged as revealing costs)
    pedido.refresh_from_db()
    mb = next(p for p in pedido.problemas if p["codigo"] == "margem_bruta")
    assert mb["bloqueia"] and mb["revela_custo"]


def test_cancelar_item_exige_motivo_e_sai_dos_totais(cenario: Cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    item = pedido.itens.get(sequencia=2)
    # when the lamp is cancelled with a reason
    item_cancelar(
        pedido_id=pedido.pk, item_id=item.pk, versao=pedido.versao, motivo=cenario.motivo,
        ator=cenario.dono,
    )  # fmt: skip
    pedido.refresh_from_db()
    item.refresh_from_db()
    # then it keeps its reason and leaves the totals
    assert item.status == StatusItem.CANCELADO and item.motivo_cancelamento == cenario.motivo
    assert pedido.v_prod == D("40.00")
    assert pedido.eventos.filter(tipo=TipoEventoPedido.ITEM_CANCELADO).exists()
    # and a cancelled item cannot be changed
    with pytest.raises(ErroPedido, match="cancelado"):
        alterar(cenario, pedido, 2, quantidade=D("1"))


def test_desconto_do_cabecalho_e_frete_rateados(cenario: Cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    # when the header gets 2 % discount and R$ 10,00 freight
    pedido_alterar_cabecalho(
        pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono,
        dados={"desconto_percentual": D("2"), "valor_frete": D("10.00")},
    )  # fmt: skip
    pedido.refresh_from_db()
    # then both are apportioned to the items and the total moves accordingly
    assert pedido.v_desc == D("2.00") and pedido.v_frete == D("10.00")
    assert sum(i.v_desc for i in pedido.itens.all()) == D("2.00")
    assert pedido.v_nf == D("108.00")
    evento = pedido.eventos.get(tipo=TipoEventoPedido.CABECALHO_ALTERADO)
    assert evento.dados["campos"]["desconto_percentual"] == {"de": "0", "para": "2"}


def _itens_em_massa(cenario: Cenario, pedido: Pedido, n: int) -> None:
    ItemPedido.objects.bulk_create(
        ItemPedido(pedido=pedido, sequencia=s, produto=cenario.lampada, quantidade=D("1"))
        for s in range(1, n + 1)
    )


def test_recalcular_faz_o_mesmo_numero_de_consultas_para_5_e_500_itens(
    cenario: Cenario,
) -> None:
    contagens = {}
    for n in (5, 500):
        pedido = criar_pedido(cenario)
        _itens_em_massa(cenario, pedido, n)
        pedido_recalcular(pedido_id=pedido.pk)  # first pass stores units and factors
        with CaptureQueriesContext(connection) as consultas:
            calculo = pedido_recalcular(pedido_id=pedido.pk)
        contagens[n] = len(consultas.captured_queries)
        assert calculo.pedido.v_prod == D("20.00") * n
    assert contagens[5] == contagens[500]
    assert contagens[5] <= 14


def test_adicionar_item_nao_cresce_em_consultas(cenario: Cenario) -> None:
    contagens = {}
    for n in (5, 200):
        pedido = criar_pedido(cenario)
        _itens_em_massa(cenario, pedido, n)
        calculo = pedido_recalcular(pedido_id=pedido.pk)
        with CaptureQueriesContext(connection) as consultas:
            item_adicionar(
                pedido_id=pedido.pk, versao=calculo.pedido.versao, produto=cenario.parafuso,
                quantidade=D("10"), ator=cenario.dono,
            )  # fmt: skip
        contagens[n] = len(consultas.captured_queries)
    assert contagens[5] == contagens[200]


# --- optimistic locking -----------------------------------------------------------------


def test_versao_desatualizada_e_conflito_nomeando_o_outro(cenario: Cenario) -> None:
    # given an order loaded by the rep at version v
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    vista = pedido.versao
    item = pedido.itens.get()
    supervisor = cenario.pessoas.usuarios["supervisor"]
    # and the supervisor changes it meanwhile
    item_alterar(pedido_id=pedido.pk, item_id=item.pk, versao=vista,
                 dados={"quantidade": D("30")}, ator=supervisor)  # fmt: skip
    # when the rep saves with the old version
    with pytest.raises(ConflitoVersao) as erro:
        item_alterar(pedido_id=pedido.pk, item_id=item.pk, versao=vista,
                     dados={"quantidade": D("40")}, ator=cenario.dono)  # fmt: skip
    # then the message names the other user and nothing is overwritten
    assert str(supervisor) in erro.value.mensagem
    item.refresh_from_db()
    assert item.quantidade == D("30")


# --- status flow ----------------------------------------------------------------------------


@pytest.mark.parametrize("atual", list(StatusPedido.values))
@pytest.mark.parametrize("novo", list(StatusPedido.values))
def test_transicoes_sao_dados(atual: str, novo: str) -> None:
    pedido = Pedido(status=atual)
    permitido = novo in TRANSICOES[atual]
    assert pedido.pode_transitar(novo) is permitido
    if permitido:
        pedido.transitar(novo)
        assert pedido.status == novo
    else:
        with pytest.raises(TransicaoInvalida):
            pedido.transitar(novo)


def test_pedido_com_problema_bloqueante_nao_e_enviado(cenario: Cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "15"), (cenario.lampada, "3")])
    with pytest.raises(ErroPedido, match="Fechamento"):
        pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.EM_DIGITACAO


def test_enviar_dentro_da_alcada(cenario: Cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    alterar(cenario, pedido, 2, desconto_percentual=D("5"))  # 5 % is the rep's ceiling
    pedido.refresh_from_db()
    envio = pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    assert envio.solicitacao is None and envio.pedido.status == StatusPedido.ENVIADO
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.ENVIADO
    # and a sent order is not editable any more
    with pytest.raises(ErroPedido, match="não pode ser alterado"):
        alterar(cenario, pedido, 1, quantidade=D("30"))


def _acima_da_alcada(cenario: Cenario, desconto: str = "10") -> Pedido:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    alterar(cenario, pedido, 2, desconto_percentual=D(desconto))
    pedido.refresh_from_db()
    pedido_enviar(
        pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono,
        justificativa="Cliente fecha 3 lojas se tiver 10 %",
    )  # fmt: skip
    pedido.refresh_from_db()
    return pedido


def test_desconto_acima_da_alcada_vai_para_a_fila_do_supervisor(cenario: Cenario) -> None:
    # when the rep sends with 10 % on the lamps (rep's alçada: 5 %)
    pedido = _acima_da_alcada(cenario)
    # then the order waits for the supervisor of the rep's team, with what/why
    assert pedido.status == StatusPedido.AGUARDANDO_APROVACAO
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    supervisor = cenario.pessoas.usuarios["supervisor"]
    assert solicitacao.aprovador == supervisor and solicitacao.papel_aprovador == "Supervisor"
    assert solicitacao.nivel == 2 and solicitacao.versao == pedido.versao
    assert solicitacao.justificativa.startswith("Cliente fecha")
    assert solicitacao.detalhes["itens"][0]["item"] == 2
    assert list(SolicitacaoAprovacao.objects.fila_de(supervisor)) == [solicitacao]
    # and not in the other team's supervisor queue, nor a rep's
    assert not SolicitacaoAprovacao.objects.fila_de(cenario.pessoas.usuarios["supervisor_outro"])
    assert not SolicitacaoAprovacao.objects.fila_de(cenario.dono)
    # and the order cannot be changed while waiting
    with pytest.raises(ErroPedido):
        alterar(cenario, pedido, 1, quantidade=D("30"))


def test_desconto_maior_vai_para_o_administrador(cenario: Cenario) -> None:
    pedido = _acima_da_alcada(cenario, desconto="20")
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    assert solicitacao.papel_aprovador == "Administrador" and solicitacao.aprovador is None
    assert not SolicitacaoAprovacao.objects.fila_de(cenario.pessoas.usuarios["supervisor"])
    assert list(SolicitacaoAprovacao.objects.fila_de(cenario.pessoas.usuarios["admin"])) == [
        solicitacao
    ]


def test_aprovacao_vale_para_a_versao_e_se_anula_com_alteracao(cenario: Cenario) -> None:
    pedido = _acima_da_alcada(cenario)
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    supervisor = cenario.pessoas.usuarios["supervisor"]
    # when the supervisor approves the version they saw
    pedido_aprovar(solicitacao_id=solicitacao.pk, versao=pedido.versao, ator=supervisor,
                   comentario="Ok, cliente estratégico")  # fmt: skip
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.APROVADO
    assert pedido.eventos.filter(tipo=TipoEventoPedido.APROVADO, ator=supervisor).exists()
    # when the rep then changes an item
    alterar(cenario, pedido, 1, quantidade=D("30"))
    pedido.refresh_from_db()
    solicitacao.refresh_from_db()
    # then the approval is void and the order is back in digitação
    assert solicitacao.decisao == DecisaoAprovacao.ANULADA
    assert pedido.status == StatusPedido.EM_DIGITACAO
    assert pedido.eventos.filter(tipo=TipoEventoPedido.APROVACAO_ANULADA).exists()
    # and sending again asks for a new approval
    pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.AGUARDANDO_APROVACAO
    assert SolicitacaoAprovacao.objects.filter(pedido=pedido).count() == 2


def test_aprovado_sem_alteracao_e_enviado(cenario: Cenario) -> None:
    pedido = _acima_da_alcada(cenario)
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    pedido_aprovar(solicitacao_id=solicitacao.pk, versao=pedido.versao,
                   ator=cenario.pessoas.usuarios["supervisor"])  # fmt: skip
    envio = pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    assert envio.pedido.status == StatusPedido.ENVIADO


def _aprovado(cenario: Cenario) -> tuple[Pedido, SolicitacaoAprovacao]:
    pedido = _acima_da_alcada(cenario)
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    pedido_aprovar(solicitacao_id=solicitacao.pk, versao=pedido.versao,
                   ator=cenario.pessoas.usuarios["supervisor"])  # fmt: skip
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.APROVADO
    return pedido, solicitacao


def test_recalculo_que_muda_o_total_anula_a_aprovacao(cenario: Cenario) -> None:
    from produtos.models import PrecoLista

    # given an approved order (the supervisor saw its total)
    pedido, solicitacao = _aprovado(cenario)
    total_aprovado = pedido.v_nf
    # when the lamp's list price goes up and the order is recalculated (e.g. the matrices job)
    PrecoLista.objects.filter(produto=cenario.lampada).update(preco=D("25.00"))
    pedido_recalcular(pedido_id=pedido.pk)
    pedido.refresh_from_db()
    solicitacao.refresh_from_db()
    # then the approval no longer holds: void, the order back in digitação, and an event says why
    assert pedido.v_nf > total_aprovado
    assert solicitacao.decisao == DecisaoAprovacao.ANULADA
    assert pedido.status == StatusPedido.EM_DIGITACAO
    evento = pedido.eventos.get(tipo=TipoEventoPedido.APROVACAO_ANULADA)
    assert "recálculo" in evento.dados["motivo"] and evento.dados["solicitacoes"] == [
        solicitacao.pk
    ]
    # and sending again asks the supervisor again, with the new total
    pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.AGUARDANDO_APROVACAO
    nova = SolicitacaoAprovacao.objects.get(pedido=pedido, decisao=DecisaoAprovacao.PENDENTE)
    assert nova.detalhes["total"] == f"{pedido.v_nf.normalize():f}"


def test_recalculo_sem_mudanca_mantem_a_aprovacao(cenario: Cenario) -> None:
    pedido, solicitacao = _aprovado(cenario)
    pedido_recalcular(pedido_id=pedido.pk)
    pedido.refresh_from_db()
    solicitacao.refresh_from_db()
    assert pedido.status == StatusPedido.APROVADO
    assert solicitacao.decisao == DecisaoAprovacao.APROVADA
    assert pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao,
                         ator=cenario.dono).pedido.status == StatusPedido.ENVIADO  # fmt: skip


def test_recalculo_que_pede_nivel_maior_anula_a_solicitacao_pendente(cenario: Cenario) -> None:
    from matrizes.models import Regra

    # given an order waiting for the supervisor (10 % on the lamps: level 2)
    pedido = _acima_da_alcada(cenario)
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    # when the alçada matrix changes so that above 8 % only the administrator approves
    Regra.objects.filter(matriz="ALCADA", nivel_alcada=2).update(percentual_ate=D("8"))
    Regra.objects.filter(matriz="ALCADA", nivel_alcada=3).update(percentual_de=D("8"))
    pedido_recalcular(pedido_id=pedido.pk)
    pedido.refresh_from_db()
    solicitacao.refresh_from_db()
    # then the supervisor's request is void (it is no longer theirs to decide)
    assert pedido.nivel_alcada == 3
    assert solicitacao.decisao == DecisaoAprovacao.ANULADA
    assert pedido.status == StatusPedido.EM_DIGITACAO
    assert not SolicitacaoAprovacao.objects.fila_de(cenario.pessoas.usuarios["supervisor"])


def test_enviar_aprovado_cujo_total_mudou_pede_nova_aprovacao(cenario: Cenario) -> None:
    from produtos.models import PrecoLista

    # given an approved order whose price changed with no recalculation since
    pedido, solicitacao = _aprovado(cenario)
    PrecoLista.objects.filter(produto=cenario.lampada).update(preco=D("25.00"))
    # when the rep sends it (sending recalculates first)
    envio = pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    # then it is not sent on the old approval: it asks again
    assert envio.pedido.status == StatusPedido.AGUARDANDO_APROVACAO
    assert envio.solicitacao is not None and envio.solicitacao.pk != solicitacao.pk


def test_aprovar_versao_antiga_e_conflito(cenario: Cenario) -> None:
    pedido = _acima_da_alcada(cenario)
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    with pytest.raises(ConflitoVersao):
        pedido_aprovar(solicitacao_id=solicitacao.pk, versao=pedido.versao - 1,
                       ator=cenario.pessoas.usuarios["supervisor"])  # fmt: skip


def test_recusar_exige_comentario_e_reabre(cenario: Cenario) -> None:
    pedido = _acima_da_alcada(cenario)
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    supervisor = cenario.pessoas.usuarios["supervisor"]
    with pytest.raises(ErroPedido, match="por que"):
        pedido_recusar(solicitacao_id=solicitacao.pk, versao=pedido.versao, ator=supervisor,
                       comentario=" ")  # fmt: skip
    pedido_recusar(solicitacao_id=solicitacao.pk, versao=pedido.versao, ator=supervisor,
                   comentario="Máximo 5 % neste cliente")  # fmt: skip
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.RECUSADO
    # the rep reworks it: back to digitação
    alterar(cenario, pedido, 2, desconto_percentual=D("5"))
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.EM_DIGITACAO


def test_outro_supervisor_nao_decide(cenario: Cenario) -> None:
    pedido = _acima_da_alcada(cenario)
    solicitacao = SolicitacaoAprovacao.objects.get(pedido=pedido)
    with pytest.raises(ErroPedido, match="fila"):
        pedido_aprovar(solicitacao_id=solicitacao.pk, versao=pedido.versao,
                       ator=cenario.pessoas.usuarios["supervisor_outro"])  # fmt: skip


def test_retirar_solicitacao_e_cancelar(cenario: Cenario) -> None:
    pedido = _acima_da_alcada(cenario)
    pedido_retirar_solicitacao(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.EM_DIGITACAO
    assert SolicitacaoAprovacao.objects.get().decisao == DecisaoAprovacao.RETIRADA
    with pytest.raises(ErroPedido, match="motivo"):
        pedido_cancelar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono, motivo="")
    pedido_cancelar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono,
                    motivo="Cliente desistiu")  # fmt: skip
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.CANCELADO
    with pytest.raises(ErroPedido, match="Cancelado"):
        pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
