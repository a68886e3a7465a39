"""Contracts (isoVendas "Atendimento contratos"): services (numbering, status flow, items,
scheduling, delivery clients, contacts, generated orders, optimistic locking, events), the
balance selector, and the screens with owner / colleague / outsider access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ClienteFactory
from tests.vendas.conftest import criar_pedido
from vendas import selectors
from vendas.constants import (
    StatusContrato,
    StatusPedido,
    StatusProgramacao,
    TipoEventoContrato,
    TipoEventoPedido,
    pode_transitar_contrato,
)
from vendas.models import (
    ClienteEntregaContrato,
    ContatoContrato,
    Contrato,
    EventoContrato,
    ItemContrato,
    Pedido,
    PedidoEvento,
    ProgramacaoContrato,
)
from vendas.services.contratos import (
    ConflitoVersaoContrato,
    ErroContrato,
    contato_contrato_alterar,
    contato_contrato_incluir,
    contrato_alterar,
    contrato_criar,
    contrato_gerar_pedido,
    contrato_transitar,
    entrega_contrato_incluir,
    entrega_contrato_remover,
    item_contrato_adicionar,
    item_contrato_alterar,
    item_contrato_remover,
    programacao_contrato_cancelar,
    programacao_contrato_incluir,
)

pytestmark = pytest.mark.django_db
D = Decimal
HOJE = timezone.localdate


def _dados(**extra: Any) -> dict[str, Any]:
    hoje = HOJE()
    return {
        "descricao": "Fornecimento anual",
        "modalidade": None,
        "vigencia_inicio": hoje - dt.timedelta(days=30),
        "vigencia_fim": hoje + dt.timedelta(days=335),
        "condicao_pagamento": None,
        "tabela_venda": None,
        "observacoes": "",
        **extra,
    }


def novo_contrato(cena: Any, itens: tuple = (), vigente: bool = False, quem: str = "dono"):
    """A contract of cena.cliente with (produto, quantidade, preço) items, via the services."""
    ator = cena.pessoas.usuarios[quem]
    contrato = contrato_criar(cliente_id=cena.cliente.pk, dados=_dados(), ator=ator)
    for produto, quantidade, preco in itens:
        item_contrato_adicionar(
            contrato_id=contrato.pk, versao=_versao(contrato), produto=produto,
            quantidade=D(quantidade), preco_unitario=D(preco), ator=ator,
        )  # fmt: skip
    if vigente:
        contrato_transitar(
            contrato_id=contrato.pk, versao=_versao(contrato), status=StatusContrato.VIGENTE,
            ator=ator,
        )  # fmt: skip
    contrato.refresh_from_db()
    return contrato


def _versao(contrato: Contrato) -> int:
    return Contrato.objects.values_list("versao", flat=True).get(pk=contrato.pk)


def _programar(cena: Any, contrato: Contrato, item: ItemContrato, quantidade: str, **kw: Any):
    return programacao_contrato_incluir(
        contrato_id=contrato.pk, versao=_versao(contrato), item_id=item.pk,
        data=kw.pop("data", HOJE()), quantidade=D(quantidade), ator=cena.dono, **kw,
    )  # fmt: skip


# --- services -------------------------------------------------------------------------------


def test_criar_numera_em_sequencia_e_registra_evento(cenario):
    # given no contracts; when the rep creates two
    a = contrato_criar(cliente_id=cenario.cliente.pk, dados=_dados(), ator=cenario.dono)
    b = contrato_criar(cliente_id=cenario.cliente.pk, dados=_dados(), ator=cenario.dono)
    # then numbers follow each other, the rep owns them, they start em elaboração
    assert b.numero == a.numero + 1
    assert a.representante == cenario.dono and a.status == StatusContrato.RASCUNHO
    assert a.empresa_id == cenario.dono.empresa_id and a.criado_por == cenario.dono
    evento = EventoContrato.objects.get(contrato=a)
    assert evento.tipo == TipoEventoContrato.CRIADO and evento.ator == cenario.dono
    assert evento.dados["numero"] == a.numero


def test_criar_para_cliente_fora_da_carteira_e_recusado(cenario):
    with pytest.raises(ErroContrato, match="carteira"):
        contrato_criar(cliente_id=cenario.cliente_colega.pk, dados=_dados(), ator=cenario.dono)
    assert not Contrato.objects.exists()


def test_supervisor_cria_em_nome_do_representante_da_carteira(cenario):
    supervisor = cenario.pessoas.usuarios["supervisor"]
    contrato = contrato_criar(cliente_id=cenario.cliente.pk, dados=_dados(), ator=supervisor)
    assert contrato.representante == cenario.dono
    assert contrato.criado_por == supervisor


def test_criar_recusa_campos_que_o_formulario_nao_oferece(cenario):
    with pytest.raises(ErroContrato, match="não permitidos"):
        contrato_criar(
            cliente_id=cenario.cliente.pk, dados=_dados(status="vigente"), ator=cenario.dono
        )


def test_vigencia_invertida_e_recusada(cenario):
    hoje = HOJE()
    with pytest.raises(ErroContrato, match="anterior"):
        contrato_criar(
            cliente_id=cenario.cliente.pk,
            dados=_dados(vigencia_inicio=hoje, vigencia_fim=hoje - dt.timedelta(days=1)),
            ator=cenario.dono,
        )


def test_fluxo_de_situacao_como_dados():
    assert pode_transitar_contrato(StatusContrato.RASCUNHO, StatusContrato.VIGENTE)
    assert pode_transitar_contrato(StatusContrato.VIGENTE, StatusContrato.SUSPENSO)
    assert pode_transitar_contrato(StatusContrato.SUSPENSO, StatusContrato.VIGENTE)
    assert pode_transitar_contrato(StatusContrato.SUSPENSO, StatusContrato.ENCERRADO)
    assert not pode_transitar_contrato(StatusContrato.VIGENTE, StatusContrato.RASCUNHO)
    assert not pode_transitar_contrato(StatusContrato.RASCUNHO, StatusContrato.SUSPENSO)
    assert not pode_transitar_contrato(StatusContrato.ENCERRADO, StatusContrato.VIGENTE)
    assert not pode_transitar_contrato(StatusContrato.CANCELADO, StatusContrato.VIGENTE)


def test_vigente_exige_ao_menos_um_item(cenario):
    contrato = novo_contrato(cenario)
    with pytest.raises(ErroContrato, match="ao menos um item"):
        contrato_transitar(
            contrato_id=contrato.pk, versao=contrato.versao, status="vigente", ator=cenario.dono
        )
    item_contrato_adicionar(
        contrato_id=contrato.pk, versao=contrato.versao, produto=cenario.lampada,
        quantidade=D("10"), preco_unitario=D("18"), ator=cenario.dono,
    )  # fmt: skip
    contrato = contrato_transitar(
        contrato_id=contrato.pk, versao=_versao(contrato), status="vigente", ator=cenario.dono
    )
    assert contrato.status == StatusContrato.VIGENTE
    evento = EventoContrato.objects.filter(contrato=contrato).first()
    assert evento.tipo == TipoEventoContrato.STATUS_ALTERADO
    assert evento.dados["campos"]["situação"] == {"de": "Em elaboração", "para": "Vigente"}


def test_transicao_invalida_e_recusada(cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18")], vigente=True)
    with pytest.raises(ErroContrato, match="não pode passar"):
        contrato_transitar(
            contrato_id=contrato.pk, versao=contrato.versao, status="rascunho", ator=cenario.dono
        )
    contrato = contrato_transitar(
        contrato_id=contrato.pk, versao=contrato.versao, status="encerrado", ator=cenario.dono
    )
    with pytest.raises(ErroContrato, match="não pode ser alterado"):
        item_contrato_adicionar(
            contrato_id=contrato.pk, versao=contrato.versao, produto=cenario.cabo,
            quantidade=D("1"), preco_unitario=D("1"), ator=cenario.dono,
        )  # fmt: skip


def test_alterar_registra_antes_e_depois(cenario):
    contrato = novo_contrato(cenario)
    novo_fim = contrato.vigencia_fim + dt.timedelta(days=30)
    contrato_alterar(
        contrato_id=contrato.pk, versao=contrato.versao, ator=cenario.dono,
        dados={"descricao": "Fornecimento 2 anos", "vigencia_fim": novo_fim,
               "condicao_pagamento": cenario.condicao},
    )  # fmt: skip
    contrato.refresh_from_db()
    assert contrato.descricao == "Fornecimento 2 anos" and contrato.versao == 2
    campos = EventoContrato.objects.filter(contrato=contrato).first().dados["campos"]
    assert campos["descrição"] == {"de": "Fornecimento anual", "para": "Fornecimento 2 anos"}
    assert campos["fim da vigência"]["para"] == novo_fim.strftime("%d/%m/%Y")
    assert campos["condição de pagamento"] == {"de": None, "para": "28 dias"}


def test_versao_antiga_gera_conflito_com_o_nome_de_quem_alterou(cenario):
    contrato = novo_contrato(cenario)
    supervisor = cenario.pessoas.usuarios["supervisor"]
    contrato_alterar(
        contrato_id=contrato.pk, versao=1, dados={"descricao": "Do supervisor"}, ator=supervisor
    )
    with pytest.raises(ConflitoVersaoContrato) as erro:
        contrato_alterar(
            contrato_id=contrato.pk, versao=1, dados={"descricao": "Do rep"}, ator=cenario.dono
        )
    assert str(supervisor) in erro.value.mensagem
    assert "versão 2" in erro.value.mensagem
    contrato.refresh_from_db()
    assert contrato.descricao == "Do supervisor"


def test_colega_nao_altera_pelo_servico(cenario):
    contrato = novo_contrato(cenario)
    with pytest.raises(ErroContrato, match="não encontrado"):
        contrato_alterar(
            contrato_id=contrato.pk, versao=1, dados={"descricao": "X"},
            ator=cenario.pessoas.usuarios["colega"],
        )  # fmt: skip


def test_itens_recalculam_o_valor_contratado(cenario):
    contrato = novo_contrato(
        cenario, [(cenario.lampada, "100", "18.5"), (cenario.parafuso, "1000", "1.8765")]
    )
    assert contrato.valor_total == D("3726.50")  # 1.850,00 + 1.876,50
    item = ItemContrato.objects.get(contrato=contrato, produto=cenario.lampada)
    item_contrato_alterar(
        contrato_id=contrato.pk, item_id=item.pk, versao=contrato.versao,
        dados={"quantidade": D("50")}, ator=cenario.dono,
    )  # fmt: skip
    contrato.refresh_from_db()
    assert contrato.valor_total == D("2801.50")
    campos = EventoContrato.objects.filter(contrato=contrato).first().dados["campos"]
    assert campos["quantidade contratada"] == {"de": "100", "para": "50"}
    assert campos["valor contratado"] == {"de": "R$ 3.726,50", "para": "R$ 2.801,50"}


def test_produto_repetido_e_recusado(cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18")])
    with pytest.raises(ErroContrato, match="já está no contrato"):
        item_contrato_adicionar(
            contrato_id=contrato.pk, versao=contrato.versao, produto=cenario.lampada,
            quantidade=D("1"), preco_unitario=D("1"), ator=cenario.dono,
        )  # fmt: skip


def test_remover_item_so_em_elaboracao_e_sem_programacao(cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18"), (cenario.cabo, "2", "290")])
    lampada, cabo = ItemContrato.objects.filter(contrato=contrato).order_by("sequencia")
    _programar(cenario, contrato, cabo, "1")
    with pytest.raises(ErroContrato, match="programações"):
        item_contrato_remover(
            contrato_id=contrato.pk, item_id=cabo.pk, versao=_versao(contrato), ator=cenario.dono
        )
    item_contrato_remover(
        contrato_id=contrato.pk, item_id=lampada.pk, versao=_versao(contrato), ator=cenario.dono
    )
    contrato.refresh_from_db()
    assert contrato.valor_total == D("580.00")
    evento = EventoContrato.objects.filter(contrato=contrato).first()
    assert evento.tipo == TipoEventoContrato.ITEM_REMOVIDO and evento.dados["produto"] == "LAMP-LED"


def test_programacao_nao_passa_da_quantidade_contratada(cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18")])
    item = contrato.itens.get()
    _programar(cenario, contrato, item, "6")
    with pytest.raises(ErroContrato, match="ainda cabe 4"):
        _programar(cenario, contrato, item, "5")
    p = _programar(cenario, contrato, item, "4")
    # a cancelled scheduling frees its quantity
    programacao_contrato_cancelar(
        contrato_id=contrato.pk, programacao_id=p.pk, versao=_versao(contrato), ator=cenario.dono
    )
    _programar(cenario, contrato, item, "4")
    with pytest.raises(ErroContrato, match="programado"):
        item_contrato_alterar(
            contrato_id=contrato.pk, item_id=item.pk, versao=_versao(contrato),
            dados={"quantidade": D("9")}, ator=cenario.dono,
        )  # fmt: skip


def test_programacao_fora_da_vigencia_e_recusada(cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18")])
    with pytest.raises(ErroContrato, match="vigência"):
        _programar(
            cenario, contrato, contrato.itens.get(), "1",
            data=contrato.vigencia_fim + dt.timedelta(days=1),
        )  # fmt: skip


def test_programacoes_vencidas_sao_marcadas(cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18")])
    item = contrato.itens.get()
    ontem = _programar(cenario, contrato, item, "1", data=HOJE() - dt.timedelta(days=1))
    _programar(cenario, contrato, item, "1", data=HOJE())
    cancelada = _programar(cenario, contrato, item, "1", data=HOJE() - dt.timedelta(days=2))
    programacao_contrato_cancelar(
        contrato_id=contrato.pk, programacao_id=cancelada.pk, versao=_versao(contrato),
        ator=cenario.dono,
    )  # fmt: skip
    vencidas = [p.pk for p in selectors.contrato_programacoes(contrato) if p.vencida]
    assert vencidas == [ontem.pk]


def test_cliente_de_entrega_precisa_estar_na_carteira(cenario):
    contrato = novo_contrato(cenario)
    with pytest.raises(ErroContrato, match="carteira"):
        entrega_contrato_incluir(
            contrato_id=contrato.pk, versao=1, cliente_id=cenario.cliente_colega.pk,
            ator=cenario.dono,
        )  # fmt: skip
    with pytest.raises(ErroContrato, match="já recebe"):
        entrega_contrato_incluir(
            contrato_id=contrato.pk, versao=1, cliente_id=cenario.cliente.pk, ator=cenario.dono
        )
    filial = ClienteFactory(carteira=cenario.pessoas.a, nome="Filial Centro")
    entrega = entrega_contrato_incluir(
        contrato_id=contrato.pk, versao=1, cliente_id=filial.pk, ator=cenario.dono
    )
    assert entrega.cliente == filial
    evento = EventoContrato.objects.filter(contrato=contrato).first()
    assert evento.tipo == TipoEventoContrato.ENTREGA_INCLUIDA
    assert evento.dados["cliente"] == "Filial Centro"
    entrega_contrato_remover(
        contrato_id=contrato.pk, entrega_id=entrega.pk, versao=2, ator=cenario.dono
    )
    assert not ClienteEntregaContrato.objects.exists()


def test_contato_principal_e_unico(cenario):
    contrato = novo_contrato(cenario)
    a = contato_contrato_incluir(
        contrato_id=contrato.pk, versao=1, ator=cenario.dono,
        dados={"nome": "Ana", "cargo": "", "email": "", "telefone": "", "principal": True},
    )  # fmt: skip
    b = contato_contrato_incluir(
        contrato_id=contrato.pk, versao=2, ator=cenario.dono,
        dados={"nome": "Bia", "cargo": "", "email": "", "telefone": "", "principal": True},
    )  # fmt: skip
    a.refresh_from_db()
    assert not a.principal and b.principal
    contato_contrato_alterar(
        contrato_id=contrato.pk, contato_id=a.pk, versao=3, ator=cenario.dono,
        dados={"cargo": "Compradora"},
    )  # fmt: skip
    evento = EventoContrato.objects.filter(contrato=contrato).first()
    assert evento.tipo == TipoEventoContrato.CONTATO_ALTERADO
    assert evento.dados["campos"] == {"cargo": {"de": "", "para": "Compradora"}}


def test_gerar_pedido_usa_os_servicos_de_pedido_e_o_preco_contratado(cenario):
    # given a vigente contract with two items scheduled for today
    contrato = novo_contrato(
        cenario, [(cenario.lampada, "100", "17.50"), (cenario.parafuso, "1000", "1.90")],
        vigente=True,
    )  # fmt: skip
    contrato_alterar(
        contrato_id=contrato.pk, versao=_versao(contrato),
        dados={"condicao_pagamento": cenario.condicao}, ator=cenario.dono,
    )  # fmt: skip
    lampada, parafuso = contrato.itens.order_by("sequencia")
    p1 = _programar(cenario, contrato, lampada, "10")
    p2 = _programar(cenario, contrato, lampada, "5", data=HOJE() + dt.timedelta(days=3))
    p3 = _programar(cenario, contrato, parafuso, "100")
    outra = _programar(cenario, contrato, parafuso, "100", data=HOJE() + dt.timedelta(days=30))
    # when the rep generates an order from three of them
    pedido = contrato_gerar_pedido(
        contrato_id=contrato.pk, versao=_versao(contrato), programacao_ids=[p1.pk, p2.pk, p3.pk],
        ator=cenario.dono,
    )  # fmt: skip
    # then the order is under the contract, for its client, one line per item at its price
    pedido = Pedido.objects.get(pk=pedido.pk)
    assert pedido.contrato_id == contrato.pk and pedido.cliente == cenario.cliente
    assert pedido.condicao_pagamento == cenario.condicao
    linhas = {i.produto_id: i for i in pedido.itens.all()}
    assert linhas[cenario.lampada.pk].quantidade == D("15")
    assert linhas[cenario.lampada.pk].novo_preco == D("17.50")
    assert linhas[cenario.lampada.pk].data_promessa == HOJE()
    assert linhas[cenario.parafuso.pk].novo_preco == D("1.90")
    # the schedulings point at it; the other stays prevista
    for p in (p1, p2, p3):
        p.refresh_from_db()
        assert p.status == StatusProgramacao.ATENDIDA and p.pedido_id == pedido.pk
    outra.refresh_from_db()
    assert outra.status == StatusProgramacao.PREVISTA and outra.pedido_id is None
    # events on both sides
    evento = EventoContrato.objects.filter(contrato=contrato).first()
    assert evento.tipo == TipoEventoContrato.PEDIDO_GERADO
    assert evento.dados["numero"] == pedido.numero
    assert sorted(evento.dados["programacoes"]) == sorted([p1.pk, p2.pk, p3.pk])
    cabecalho = PedidoEvento.objects.get(pedido=pedido, tipo=TipoEventoPedido.CABECALHO_ALTERADO)
    assert cabecalho.dados["campos"]["contrato"]["para"] == str(contrato)
    # and the balance counts the order
    itens = {i.produto_id: i for i in selectors.contrato_itens(contrato)}
    assert itens[cenario.lampada.pk].pedido == D("15")
    assert itens[cenario.lampada.pk].saldo == D("85")
    # a scheduling already served cannot generate another order
    with pytest.raises(ErroContrato, match="Atendida"):
        contrato_gerar_pedido(
            contrato_id=contrato.pk, versao=_versao(contrato), programacao_ids=[p1.pk],
            ator=cenario.dono,
        )  # fmt: skip


def test_pedido_cancelado_devolve_as_programacoes_ao_contrato(cenario):
    from vendas.services import pedido_cancelar

    # given an order generated from two schedulings of a contract
    contrato = novo_contrato(cenario, [(cenario.lampada, "100", "17.50")], vigente=True)
    item = contrato.itens.get()
    p1 = _programar(cenario, contrato, item, "10")
    p2 = _programar(cenario, contrato, item, "5", data=HOJE() + dt.timedelta(days=3))
    pedido = contrato_gerar_pedido(
        contrato_id=contrato.pk, versao=_versao(contrato), programacao_ids=[p1.pk, p2.pk],
        ator=cenario.dono,
    )  # fmt: skip
    pedido = Pedido.objects.get(pk=pedido.pk)
    # when the order is cancelled
    pedido_cancelar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono,
                    motivo="Cliente adiou a entrega")  # fmt: skip
    # then the schedulings are due again, the contract says why, the order says which
    for p in (p1, p2):
        p.refresh_from_db()
        assert (p.status, p.pedido_id) == (StatusProgramacao.PREVISTA, None)
    evento = EventoContrato.objects.filter(contrato=contrato).first()
    assert evento.tipo == TipoEventoContrato.PROGRAMACAO_ALTERADA
    assert evento.dados["pedido_cancelado"] == pedido.numero
    cancelado = PedidoEvento.objects.get(pedido=pedido, tipo=TipoEventoPedido.CANCELADO)
    assert sorted(cancelado.dados["programacoes_contrato_liberadas"]) == sorted([p1.pk, p2.pk])
    # and a new order can be generated for them
    novo = contrato_gerar_pedido(
        contrato_id=contrato.pk, versao=_versao(contrato), programacao_ids=[p1.pk, p2.pk],
        ator=cenario.dono,
    )  # fmt: skip
    assert novo.pk != pedido.pk


def test_gerar_pedido_para_o_cliente_de_entrega(cenario):
    from cadastro.models import Endereco

    filial = ClienteFactory(
        carteira=cenario.pessoas.a, tabela_venda=cenario.tabela, nome="Filial Norte"
    )
    Endereco.objects.create(cliente=filial, tipo="comercial", logradouro="Rua C", uf="SP",
                            principal=True)  # fmt: skip
    contrato = novo_contrato(cenario, [(cenario.lampada, "100", "17.50")], vigente=True)
    entrega = entrega_contrato_incluir(
        contrato_id=contrato.pk, versao=_versao(contrato), cliente_id=filial.pk, ator=cenario.dono
    )
    item = contrato.itens.get()
    na_filial = _programar(cenario, contrato, item, "10", cliente_entrega_id=entrega.pk)
    na_matriz = _programar(cenario, contrato, item, "10")
    with pytest.raises(ErroContrato, match="clientes de entrega diferentes"):
        contrato_gerar_pedido(
            contrato_id=contrato.pk, versao=_versao(contrato),
            programacao_ids=[na_filial.pk, na_matriz.pk], ator=cenario.dono,
        )  # fmt: skip
    pedido = contrato_gerar_pedido(
        contrato_id=contrato.pk, versao=_versao(contrato), programacao_ids=[na_filial.pk],
        ator=cenario.dono,
    )  # fmt: skip
    assert pedido.cliente == filial and pedido.contrato_id == contrato.pk


def test_gerar_pedido_exige_contrato_vigente(cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "100", "17.50")])
    p = _programar(cenario, contrato, contrato.itens.get(), "10")
    with pytest.raises(ErroContrato, match="vigente"):
        contrato_gerar_pedido(
            contrato_id=contrato.pk, versao=_versao(contrato), programacao_ids=[p.pk],
            ator=cenario.dono,
        )  # fmt: skip
    assert not Pedido.objects.exists()


def test_saldo_ignora_cancelados_orcamentos_e_outros_produtos(cenario, django_assert_num_queries):
    from vendas.services import pedido_cancelar

    contrato = novo_contrato(cenario, [(cenario.lampada, "100", "17.50")], vigente=True)
    valido = criar_pedido(cenario, [(cenario.lampada, "7"), (cenario.cabo, "1")])
    cancelado = criar_pedido(cenario, [(cenario.lampada, "30")])
    sem_contrato = criar_pedido(cenario, [(cenario.lampada, "50")])
    Pedido.objects.filter(pk__in=[valido.pk, cancelado.pk]).update(contrato=contrato)
    cancelado.refresh_from_db()
    pedido_cancelar(pedido_id=cancelado.pk, versao=cancelado.versao, motivo="x", ator=cenario.dono)
    assert sem_contrato.contrato_id is None
    with django_assert_num_queries(1):
        itens = selectors.contrato_itens(contrato)
    assert itens[0].pedido == D("7") and itens[0].saldo == D("93")
    assert selectors.contrato_quantidades_pedidas(contrato) == {
        cenario.lampada.pk: D("7"),
        cenario.cabo.pk: D("1"),
    }
    with pytest.raises(ErroContrato, match="já foram pedidos 7"):
        item_contrato_alterar(
            contrato_id=contrato.pk, item_id=itens[0].pk, versao=_versao(contrato),
            dados={"quantidade": D("6")}, ator=cenario.dono,
        )  # fmt: skip
    assert Pedido.objects.get(pk=cancelado.pk).status == StatusPedido.CANCELADO


# --- screens --------------------------------------------------------------------------------


ABAS = ("itens", "programacao", "entregas", "contatos", "pedidos", "historico")


@pytest.mark.parametrize(
    "quem, esperado",
    [("dono", 200), ("supervisor", 200), ("sac", 200), ("admin", 200), ("colega", 404),
     ("supervisor_outro", 404)],
)  # fmt: skip
def test_detalhe_e_abas_respeitam_a_carteira(client, cenario, quem, esperado):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18")])
    client.force_login(cenario.pessoas.usuarios[quem])
    for aba in ABAS:
        url = reverse("vendas:contrato-detalhe", args=[contrato.pk]) + f"?aba={aba}"
        assert client.get(url).status_code == esperado, aba
    url = reverse("vendas:contrato-produto-buscar", args=[contrato.pk]) + "?q=LAMP"
    assert client.get(url).status_code == esperado


def test_detalhe_mostra_itens_saldo_e_historico(client, cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18.5")], vigente=True)
    client.force_login(cenario.dono)
    url = reverse("vendas:contrato-detalhe", args=[contrato.pk])
    html = client.get(url).content.decode()
    assert "LAMP-LED" in html and "R$ 185,00" in html and "Tornar vigente" not in html
    assert "Suspender" in html and "Encerrar" in html
    html = client.get(url + "?aba=historico").content.decode()
    assert "Situação alterada" in html and "Em elaboração → Vigente" in html


def _form_contrato(cliente_id: int, **extra: Any) -> dict[str, Any]:
    hoje = HOJE()
    return {
        "cliente": str(cliente_id),
        "descricao": "Fornecimento hospitalar",
        "vigencia_inicio": hoje.isoformat(),
        "vigencia_fim": (hoje + dt.timedelta(days=364)).isoformat(),
        **extra,
    }


def test_criar_pela_tela_ignora_campos_ocultos(client, cenario):
    client.force_login(cenario.dono)
    colega = cenario.pessoas.usuarios["colega"]
    resposta = client.post(
        reverse("vendas:contrato-novo"),
        _form_contrato(
            cenario.cliente.pk, numero="999999", status="vigente", representante=str(colega.pk),
            valor_total="1000000", versao="77", empresa="999", criado_por=str(colega.pk),
        ),
    )  # fmt: skip
    contrato = Contrato.objects.get()
    assert resposta.status_code == 302
    assert resposta["Location"] == reverse("vendas:contrato-detalhe", args=[contrato.pk])
    assert contrato.numero != 999999 and contrato.status == StatusContrato.RASCUNHO
    assert contrato.representante == cenario.dono and contrato.valor_total == 0
    assert contrato.versao == 1 and contrato.criado_por == cenario.dono


def test_criar_pela_tela_para_cliente_de_outra_carteira(client, cenario):
    client.force_login(cenario.dono)
    resposta = client.post(
        reverse("vendas:contrato-novo"), _form_contrato(cenario.cliente_colega.pk)
    )
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "Cliente não encontrado na sua carteira" in html
    assert "Fornecimento hospitalar" in html  # what was typed stays
    assert not Contrato.objects.exists()


def test_busca_de_clientes_so_mostra_a_carteira(client, cenario):
    client.force_login(cenario.dono)
    url = reverse("vendas:contrato-cliente-buscar")
    assert "Mercado Bom" in client.get(url, {"q": "Mercado"}).content.decode()
    assert "Loja do Colega" not in client.get(url, {"q": "Loja do"}).content.decode()


def test_incluir_entrega_fora_da_carteira_pela_tela(client, cenario):
    contrato = novo_contrato(cenario)
    client.force_login(cenario.dono)
    resposta = client.post(
        reverse("vendas:contrato-entrega-incluir", args=[contrato.pk]),
        {"versao": "1", "cliente": str(cenario.cliente_colega.pk), "observacao": "x"},
    )
    assert resposta.status_code == 200
    assert "Cliente de entrega não encontrado na sua carteira" in resposta.content.decode()
    assert not ClienteEntregaContrato.objects.exists()


def test_editar_pela_tela_ignora_campos_ocultos_e_avisa_conflito(client, cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18")])
    client.force_login(cenario.dono)
    url = reverse("vendas:contrato-editar", args=[contrato.pk])
    dados = _form_contrato(cenario.cliente.pk, descricao="Novo nome", versao=str(_versao(contrato)))
    dados.update(status="encerrado", numero="1", valor_total="1", cliente=cenario.cliente_colega.pk)
    assert client.post(url, dados).status_code == 302
    contrato.refresh_from_db()
    assert contrato.descricao == "Novo nome" and contrato.status == StatusContrato.RASCUNHO
    assert contrato.cliente == cenario.cliente and contrato.valor_total == D("180.00")
    # a second save with the version seen before is a conflict naming who changed it
    dados["descricao"] = "Outro nome"
    resposta = client.post(url, dados)
    html = resposta.content.decode()
    assert resposta.status_code == 200 and "foi alterado por" in html and str(cenario.dono) in html
    assert "Outro nome" in html
    contrato.refresh_from_db()
    assert contrato.descricao == "Novo nome"


def test_incluir_item_com_versao_velha_mantem_o_digitado(client, cenario):
    contrato = novo_contrato(cenario, [(cenario.lampada, "10", "18")])
    client.force_login(cenario.dono)
    resposta = client.post(
        reverse("vendas:contrato-item-adicionar", args=[contrato.pk]),
        {"versao": "1", "produto": str(cenario.cabo.pk), "quantidade": "3",
         "preco_unitario": "299,90", "observacao": "entrega fracionada"},
    )  # fmt: skip
    html = resposta.content.decode()
    assert resposta.status_code == 200 and "foi alterado por" in html
    assert "entrega fracionada" in html and "299,90" in html
    assert contrato.itens.count() == 1


def test_fluxo_pela_tela_ate_gerar_pedido(client, cenario):
    contrato = novo_contrato(cenario)
    client.force_login(cenario.dono)
    base = reverse("vendas:contrato-detalhe", args=[contrato.pk])
    r = client.post(
        reverse("vendas:contrato-item-adicionar", args=[contrato.pk]),
        {"versao": "1", "produto": str(cenario.lampada.pk), "quantidade": "20",
         "preco_unitario": "17,25"},
    )  # fmt: skip
    assert r.status_code == 302 and r["Location"] == base + "?aba=itens"
    item = contrato.itens.get()
    assert item.preco_unitario == D("17.25")
    r = client.post(
        reverse("vendas:contrato-status", args=[contrato.pk]), {"versao": "2", "status": "vigente"}
    )
    contrato.refresh_from_db()
    assert contrato.status == StatusContrato.VIGENTE
    r = client.post(
        reverse("vendas:contrato-programacao-incluir", args=[contrato.pk]),
        {"versao": "3", "item": str(item.pk), "data": HOJE().isoformat(), "quantidade": "8"},
    )
    assert r.status_code == 302
    programacao = ProgramacaoContrato.objects.get()
    r = client.post(
        reverse("vendas:contrato-gerar-pedido", args=[contrato.pk]),
        {"versao": "4", "programacoes": [str(programacao.pk)]},
    )
    pedido = Pedido.objects.get(contrato=contrato)
    assert r.status_code == 302 and r["Location"] == reverse(
        "vendas:pedido-detalhe", args=[pedido.pk]
    )
    html = client.get(base + "?aba=pedidos").content.decode()
    assert reverse("vendas:pedido-detalhe", args=[pedido.pk]) in html


def test_contatos_pela_tela(client, cenario):
    contrato = novo_contrato(cenario)
    client.force_login(cenario.dono)
    r = client.post(
        reverse("vendas:contrato-contato-incluir", args=[contrato.pk]),
        {"versao": "1", "nome": "Carla", "email": "invalido"},
    )
    assert r.status_code == 200 and not ContatoContrato.objects.exists()
    assert "Carla" in r.content.decode()
    client.post(
        reverse("vendas:contrato-contato-incluir", args=[contrato.pk]),
        {"versao": "1", "nome": "Carla", "email": "carla@exemplo.com.br", "principal": "on"},
    )
    contato = ContatoContrato.objects.get()
    assert contato.principal
    client.post(
        reverse("vendas:contrato-contato-alterar", args=[contrato.pk, contato.pk]),
        {"versao": "2", "nome": "Carla Dias", "email": "carla@exemplo.com.br"},
    )
    contato.refresh_from_db()
    assert contato.nome == "Carla Dias" and not contato.principal
    client.post(
        reverse("vendas:contrato-contato-remover", args=[contrato.pk, contato.pk]), {"versao": "3"}
    )
    assert not ContatoContrato.objects.exists()


def test_sac_le_mas_nao_altera(client, cenario):
    contrato = novo_contrato(cenario)
    client.force_login(cenario.pessoas.usuarios["sac"])
    assert client.get(reverse("vendas:contrato-detalhe", args=[contrato.pk])).status_code == 200
    r = client.post(
        reverse("vendas:contrato-contato-incluir", args=[contrato.pk]),
        {"versao": "1", "nome": "Intruso"},
    )
    assert r.status_code == 403
    assert client.get(reverse("vendas:contrato-novo")).status_code == 403
    assert not ContatoContrato.objects.exists()


def test_lista_so_mostra_contratos_visiveis_e_filtra(client, cenario):
    meu = novo_contrato(cenario, [(cenario.lampada, "10", "18")], vigente=True)
    novo_contrato(cenario)
    alheio = contrato_criar(
        cliente_id=cenario.cliente_colega.pk, dados=_dados(descricao="Do colega"),
        ator=cenario.pessoas.usuarios["colega"],
    )  # fmt: skip
    client.force_login(cenario.dono)
    url = reverse("vendas:contrato-lista")
    html = client.get(url).content.decode()
    assert "2 contratos" in html and "Do colega" not in html
    html = client.get(url, {"status": "vigente"}).content.decode()
    assert "1 contrato" in html and reverse("vendas:contrato-detalhe", args=[meu.pk]) in html
    html = client.get(url, {"busca": str(alheio.numero)}).content.decode()
    assert "Nenhum contrato encontrado" in html
    fora = (HOJE() + dt.timedelta(days=400)).isoformat()
    assert "Nenhum contrato encontrado" in client.get(url, {"vigente_em": fora}).content.decode()


def test_lista_vazia_convida_a_criar(client, cenario):
    client.force_login(cenario.dono)
    html = client.get(reverse("vendas:contrato-lista")).content.decode()
    assert "Nenhum contrato encontrado" in html and "Novo contrato" in html


def test_exportacao_tem_as_linhas_da_tela(client, cenario):
    import io

    from openpyxl import load_workbook

    novo_contrato(cenario, [(cenario.lampada, "10", "18")])
    contrato_criar(
        cliente_id=cenario.cliente_colega.pk, dados=_dados(),
        ator=cenario.pessoas.usuarios["colega"],
    )  # fmt: skip
    client.force_login(cenario.dono)
    resposta = client.get(reverse("vendas:contrato-exportar"))
    assert resposta.status_code == 200 and resposta["X-Exportacao-Linhas"] == "1"
    planilha = load_workbook(io.BytesIO(b"".join(resposta.streaming_content))).active
    linhas = list(planilha.iter_rows(values_only=True))
    assert linhas[1][2] == "Mercado Bom Preço" and linhas[1][-1] == 180


@pytest.mark.parametrize("n", [5, 50])
def test_lista_nao_cresce_em_consultas(client, cenario, django_assert_max_num_queries, n):
    hoje = HOJE()
    Contrato.objects.bulk_create(
        Contrato(
            numero=i + 1, empresa_id=cenario.dono.empresa_id, cliente=cenario.cliente,
            representante=cenario.dono, descricao=f"Contrato {i}", vigencia_inicio=hoje,
            vigencia_fim=hoje,
        )
        for i in range(n)
    )  # fmt: skip
    client.force_login(cenario.dono)
    client.get(reverse("vendas:contrato-lista"))  # warm caches (permissions, parameters)
    with django_assert_max_num_queries(10):
        resposta = client.get(reverse("vendas:contrato-lista"), {"por_pagina": "50"})
    assert resposta.content.decode().count("/vendas/contratos/") >= n


def test_lista_mesmo_numero_de_consultas_para_5_e_50(client, cenario):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hoje = HOJE()
    client.force_login(cenario.dono)
    contagens = []
    for total in (5, 50):
        Contrato.objects.all().delete()
        Contrato.objects.bulk_create(
            Contrato(
                numero=i + 1, empresa_id=cenario.dono.empresa_id, cliente=cenario.cliente,
                representante=cenario.dono, descricao=f"C{i}", vigencia_inicio=hoje,
                vigencia_fim=hoje,
            )
            for i in range(total)
        )  # fmt: skip
        client.get(reverse("vendas:contrato-lista"), {"por_pagina": "50"})
        with CaptureQueriesContext(connection) as consultas:
            client.get(reverse("vendas:contrato-lista"), {"por_pagina": "50"})
        contagens.append(len(consultas))
    assert contagens[0] == contagens[1]
