"""Closing tab (aba Fechamento, issue 6): every blocking problem of vendas.constants.PROBLEMAS
produced through the order services (pedido_criar / item_adicionar / item_alterar /
pedido_alterar_cabecalho / pedido_recalcular), with its code, a message naming what to fix,
`pedido.tem_bloqueio` and `pedido_enviar` refusing; plus FOB freight not charged on the order.

Each test isolates its problem: the set of blocking codes of the order is asserted exactly, so
the refusal is the one of the problem under test and not of a side effect."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.vendas.conftest import Cenario, criar_pedido, regra
from vendas.constants import PROBLEMAS, StatusPedido
from vendas.models import Pedido
from vendas.services import (
    ErroPedido,
    item_alterar,
    pedido_alterar_cabecalho,
    pedido_criar,
    pedido_enviar,
    pedido_recalcular,
)

D = Decimal
pytestmark = pytest.mark.django_db


def _bloqueantes(pedido: Pedido) -> set[str]:
    pedido.refresh_from_db()
    return {p["codigo"] for p in pedido.problemas if p["bloqueia"]}


def _recusa_envio(
    cenario: Cenario, pedido: Pedido, codigo: str, tambem: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """Assert `codigo` is on the closing tab, blocking, the order's only blocking problem
    (with `tambem`, the ones it necessarily comes with), and that sending is refused.
    Returns the problems of that code."""
    assert PROBLEMAS[codigo].bloqueia
    assert _bloqueantes(pedido) == {codigo} | tambem, pedido.problemas
    problemas = [p for p in pedido.problemas if p["codigo"] == codigo]
    assert all(p["bloqueia"] and p["rotulo"] == PROBLEMAS[codigo].rotulo for p in problemas)
    assert pedido.tem_bloqueio
    with pytest.raises(ErroPedido, match=r"impede.* o envio: veja a aba Fechamento"):
        pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.EM_DIGITACAO
    return problemas


def _alterar(cenario: Cenario, pedido: Pedido, seq: int, **dados: Any) -> None:
    pedido.refresh_from_db()
    item = pedido.itens.get(sequencia=seq)
    item_alterar(
        pedido_id=pedido.pk, item_id=item.pk, versao=pedido.versao, dados=dados,
        ator=cenario.dono,
    )  # fmt: skip


def _cabecalho(cenario: Cenario, pedido: Pedido, **dados: Any) -> None:
    pedido.refresh_from_db()
    pedido_alterar_cabecalho(
        pedido_id=pedido.pk, versao=pedido.versao, dados=dados, ator=cenario.dono
    )


def _envia(cenario: Cenario, pedido: Pedido) -> None:
    pedido.refresh_from_db()
    envio = pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono)
    assert envio.pedido.status == StatusPedido.ENVIADO


def _cliente_em(cenario: Cenario, uf: str | None) -> Any:
    """Another client of the rep's portfolio (non-contributor, final consumer: the factory's
    default), with its address in `uf` (None: no address at all)."""
    from cadastro.models import Endereco
    from tests.factories import ClienteFactory

    cliente = ClienteFactory(
        juridica=True, carteira=cenario.pessoas.a, tabela_venda=cenario.tabela,
        nome=f"Cliente {uf or 'sem endereço'}",
    )  # fmt: skip
    if uf:
        Endereco.objects.create(cliente=cliente, tipo="comercial", logradouro="Rua C", uf=uf,
                                principal=True)  # fmt: skip
    return cliente


def _pedido_de(cenario: Cenario, cliente: Any, itens: list[tuple[Any, str]]) -> Pedido:
    from vendas.services import item_adicionar

    calculo = pedido_criar(cliente_id=cliente.pk, ator=cenario.dono)
    for produto, quantidade in itens:
        calculo = item_adicionar(
            pedido_id=calculo.pedido.pk, versao=calculo.pedido.versao, produto=produto,
            quantidade=D(quantidade), ator=cenario.dono,
        )  # fmt: skip
    return calculo.pedido


# --- the reference: an order with no problem is sent; a non-blocking one does not stop it ----


def test_pedido_so_com_lead_time_e_enviado(cenario: Cenario) -> None:
    # given one cable (lead time of 7 days, in stock, R$ 300,00)
    pedido = criar_pedido(cenario, [(cenario.cabo, "1")])
    pedido.refresh_from_db()
    # then the closing tab shows the lead time, not blocking
    (lead,) = pedido.problemas
    assert lead["codigo"] == "lead_time" and lead["bloqueia"] is False
    entrega = (pedido.data + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    assert lead["detalhe"] == f"Lead time de 7 dias; entrega a partir de {entrega}."
    assert not pedido.tem_bloqueio
    # and the order is sent
    _envia(cenario, pedido)


# --- catalogue ---------------------------------------------------------------------------


def test_produto_inativo_bloqueia(cenario: Cenario) -> None:
    # given the lamp inactivated in the catalogue (not blocked: inactive)
    lampada = cenario.lampada
    lampada.ativo = False
    lampada.save()
    # when the rep orders 3 of them
    pedido = criar_pedido(cenario, [(lampada, "3")])
    # then "bloqueado ou inativo" names the item, its product and that it is inactive
    (problema,) = _recusa_envio(cenario, pedido, "bloqueado")
    assert problema["item"] == 1 and problema["produto"] == "LAMP-LED"
    assert problema["mensagem"] == "Item 1 (LAMP-LED): produto inativo."
    # when the product is active again and the order recalculated
    lampada.ativo = True
    lampada.save()
    pedido_recalcular(pedido_id=pedido.pk)
    # then the problem is gone and the order goes
    assert _bloqueantes(pedido) == set()
    _envia(cenario, pedido)


def test_produto_bloqueado_bloqueia_com_o_motivo(cenario: Cenario) -> None:
    # given the lamp blocked with a reason
    lampada = cenario.lampada
    lampada.bloqueado, lampada.motivo_bloqueio = True, "Recall do fornecedor"
    lampada.save()
    # when ordered
    pedido = criar_pedido(cenario, [(lampada, "3")])
    # then the closing tab says why, and sending is refused
    (problema,) = _recusa_envio(cenario, pedido, "bloqueado")
    assert problema["detalhe"] == "Produto bloqueado — Recall do fornecedor."


def test_sem_preco_bloqueia_e_pede_novo_preco(cenario: Cenario) -> None:
    from produtos.models import Estoque, Produto

    # given a product in stock with no list price at all
    sem_preco = Produto.objects.create(
        codigo="SEM-PRECO", descricao="Sem preço", unidade=cenario.un, ncm="85395000"
    )
    Estoque.objects.create(produto=sem_preco, armazem=cenario.armazem, unidade=cenario.un,
                           quantidade=D("10"))  # fmt: skip
    # when ordered beside enough lamps for the minimum order value
    pedido = criar_pedido(cenario, [(cenario.lampada, "3"), (sem_preco, "1")])
    # then "produto sem preço" on item 2 asks for a new price
    (problema,) = _recusa_envio(cenario, pedido, "sem_preco")
    assert problema["item"] == 2
    assert problema["mensagem"].endswith("para este cliente ou tabela; informe um novo preço.")
    # when a new price is typed, it is solved
    _alterar(cenario, pedido, 2, novo_preco=D("5.00"))
    assert _bloqueantes(pedido) == set()


# --- stock, dates, lot ---------------------------------------------------------------------


def test_sem_estoque_no_armazem_bloqueia(cenario: Cenario) -> None:
    # given 50 lamps in stock
    # when 60 are ordered
    pedido = criar_pedido(cenario, [(cenario.lampada, "60")])
    # then the closing tab gives the stock and what was ordered, in the warehouse
    (problema,) = _recusa_envio(cenario, pedido, "sem_estoque")
    assert problema["detalhe"] == (
        f"Estoque disponível 50 UN no armazém {cenario.armazem}, pedido 60 UN."
    )
    # when the quantity fits the stock, it is solved
    _alterar(cenario, pedido, 1, quantidade=D("50"))
    assert _bloqueantes(pedido) == set()


def test_produto_fora_do_armazem_bloqueia(cenario: Cenario) -> None:
    from produtos.models import Estoque

    # given the lamp has no stock row in the order's warehouse
    Estoque.objects.filter(produto=cenario.lampada).delete()
    # when ordered
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then "não existe no armazém", naming the warehouse
    (problema,) = _recusa_envio(cenario, pedido, "sem_estoque")
    assert problema["detalhe"] == f"O produto não existe no armazém {cenario.armazem}."


def test_data_promessa_antes_do_lead_time_bloqueia(cenario: Cenario) -> None:
    # given a cable (7 days of lead time) promised in 2 days
    pedido = criar_pedido(cenario, [(cenario.cabo, "1")])
    hoje = timezone.localdate()
    _alterar(cenario, pedido, 1, data_promessa=hoje + dt.timedelta(days=2))
    # then the promise-date problem gives the first possible date
    (problema,) = _recusa_envio(cenario, pedido, "data_promessa")
    promessa = (hoje + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    possivel = (pedido.data + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    assert problema["detalhe"] == (
        f"Promessa em {promessa}, mas a entrega só é possível a partir de {possivel}."
    )
    # when promised on the first possible date, it is solved
    _alterar(cenario, pedido, 1, data_promessa=pedido.data + dt.timedelta(days=7))
    assert _bloqueantes(pedido) == set()


def test_data_promessa_sob_consulta_sem_data_bloqueia(cenario: Cenario) -> None:
    from produtos.constants import RegraDataPromessa

    # given lamps whose promise date is "sob consulta"
    lampada = cenario.lampada
    lampada.regra_data_promessa = RegraDataPromessa.SOB_CONSULTA
    lampada.save()
    # when ordered with no promise date
    pedido = criar_pedido(cenario, [(lampada, "3")])
    # then the rep is asked for the agreed date
    (problema,) = _recusa_envio(cenario, pedido, "data_promessa")
    assert problema["detalhe"] == "Data de promessa sob consulta; informe a data combinada."
    # when the date is informed, it is solved
    _alterar(cenario, pedido, 1, data_promessa=timezone.localdate() + dt.timedelta(days=3))
    assert _bloqueantes(pedido) == set()


def test_data_programada_vencida_bloqueia(cenario: Cenario) -> None:
    # given lamps promised for yesterday
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    ontem = timezone.localdate() - dt.timedelta(days=1)
    _alterar(cenario, pedido, 1, data_promessa=ontem)
    # then "programação vencida" gives the date gone
    (problema,) = _recusa_envio(cenario, pedido, "programacao_vencida")
    assert problema["detalhe"] == f"A data programada {ontem:%d/%m/%Y} já passou."


def test_programacao_de_datas_divergente_bloqueia(cenario: Cenario) -> None:
    from vendas.models import ProgramacaoItem

    # given 3 lamps scheduled in full for tomorrow
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    amanha = timezone.localdate() + dt.timedelta(days=1)
    ProgramacaoItem.objects.create(item=pedido.itens.get(), data=amanha, quantidade=D("3"))
    # when the item's quantity changes to 5
    _alterar(cenario, pedido, 1, quantidade=D("5"))
    # then the schedule no longer adds up, and the closing tab says by how much
    (problema,) = _recusa_envio(cenario, pedido, "programacao_divergente")
    assert problema["detalhe"] == (
        "A programação de datas soma 3, o item tem 5; refaça a programação."
    )


def _lote(cenario: Cenario, quantidade: str, **campos: Any) -> Any:
    from produtos.models import Lote

    campos.setdefault("produto", cenario.lampada)
    campos.setdefault("armazem", cenario.armazem)
    campos.setdefault("validade", dt.date(2099, 12, 31))
    return Lote.objects.create(numero="L7", quantidade=D(quantidade), **campos)


def test_lote_com_quantidade_insuficiente_bloqueia(cenario: Cenario) -> None:
    # given a lot of 2 lamps in the order's warehouse
    lote = _lote(cenario, "2")
    # when 3 lamps are ordered from it (beside screws, so the minimum is met either way)
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    _alterar(cenario, pedido, 2, lote=lote)
    # then "lote" says what the lot has and what was ordered
    (problema,) = _recusa_envio(cenario, pedido, "lote")
    assert problema["item"] == 2 and problema["detalhe"] == "Lote L7 tem 2, pedido 3."
    # when the quantity fits the lot, it is solved
    _alterar(cenario, pedido, 2, quantidade=D("2"))
    assert _bloqueantes(pedido) == set()


def test_lote_de_outro_armazem_bloqueia(cenario: Cenario) -> None:
    from cadastro.models import Armazem

    # given a lot of lamps in another warehouse
    recife = Armazem.objects.create(codigo="CD2", descricao="CD Recife")
    lote = _lote(cenario, "100", armazem=recife)
    # when chosen for the order's item
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    _alterar(cenario, pedido, 1, lote=lote)
    # then "lote não encontrado no armazém", naming the order's warehouse
    (problema,) = _recusa_envio(cenario, pedido, "lote")
    assert problema["detalhe"] == f"Lote L7 não está no armazém {cenario.armazem}."


def test_lote_vencido_bloqueia(cenario: Cenario) -> None:
    # given a lot of lamps expired before the order's date
    lote = _lote(cenario, "100", validade=dt.date(2024, 6, 30))
    # when chosen
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    _alterar(cenario, pedido, 1, lote=lote)
    # then the lot's expiry date is given
    (problema,) = _recusa_envio(cenario, pedido, "lote")
    assert problema["detalhe"] == "Lote L7 vencido em 30/06/2024."


# --- quantities and values -------------------------------------------------------------------


def test_multiplo_de_venda_invalido_bloqueia(cenario: Cenario) -> None:
    from produtos.models import Produto

    # given a sales multiple of 0 stored for the screw (the form refuses it; an import or a
    # direct update need not)
    Produto.objects.filter(pk=cenario.parafuso.pk).update(multiplo_venda=D("0"))
    # when screws are ordered
    pedido = criar_pedido(cenario, [(cenario.parafuso, "30")])
    # then the closing tab points at the product's registration
    (problema,) = _recusa_envio(cenario, pedido, "multiplo_invalido")
    assert problema["detalhe"] == "O múltiplo de venda cadastrado não é positivo."


def test_valor_minimo_bloqueia(cenario: Cenario) -> None:
    # given the minimum order of R$ 50,00 (regras_basicas)
    # when the order has R$ 40,00
    pedido = criar_pedido(cenario, [(cenario.lampada, "2")])
    # then "valor mínimo não atingido", an order-wide problem, naming the minimum
    (problema,) = _recusa_envio(cenario, pedido, "valor_minimo")
    assert problema["item"] is None and problema["matriz"] == "VALOR_MINIMO"
    assert problema["chaves"] == {"minimo": "50.00", "valor": "40.00"}
    assert "não atinge o valor mínimo do pedido" in problema["mensagem"]
    # when one more lamp brings it to R$ 60,00, it is solved
    _alterar(cenario, pedido, 1, quantidade=D("3"))
    assert _bloqueantes(pedido) == set()


def test_novo_preco_negativo_bloqueia(cenario: Cenario) -> None:
    # given an order with enough value
    pedido = criar_pedido(cenario, [(cenario.lampada, "5"), (cenario.parafuso, "30")])
    # when a negative new price reaches the service (the form refuses it)
    _alterar(cenario, pedido, 2, novo_preco=D("-1.00"))
    # then "preço inválido" on that item
    (problema,) = _recusa_envio(cenario, pedido, "preco")
    assert problema["item"] == 2
    assert problema["detalhe"] == "O preço unitário não pode ser negativo."


def test_desconto_maior_que_o_valor_bloqueia(cenario: Cenario) -> None:
    from vendas.models import ItemPedido

    # given an order with enough value
    pedido = criar_pedido(cenario, [(cenario.lampada, "3"), (cenario.parafuso, "30")])
    # when an item's discount above 100 % reaches the service (the form refuses it)
    _alterar(cenario, pedido, 2, desconto_percentual=D("150"))
    # then "desconto maior que o valor" gives both values
    (problema,) = _recusa_envio(cenario, pedido, "desconto", tambem=frozenset({"valor_minimo"}))
    assert problema["item"] == 2
    assert problema["detalhe"] == (
        "O desconto (R$ 90,00) é maior que o valor do produto (R$ 60,00); impostos não calculados."
    )
    assert ItemPedido.objects.get(pedido=pedido, sequencia=2).v_icms == D("0.00")


def test_frete_negativo_no_cabecalho_bloqueia(cenario: Cenario) -> None:
    # given an order with enough value
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # when a negative header freight reaches the service (the form refuses it)
    _cabecalho(cenario, pedido, valor_frete=D("-10.00"))
    # then "valor negativo", order-wide, says which value
    (problema,) = _recusa_envio(cenario, pedido, "valor_negativo")
    assert problema["item"] is None and problema["mensagem"] == "O frete do pedido é negativo."


# --- margins -----------------------------------------------------------------------------------


def _parametro(cenario: Cenario, chave: str, valor: Decimal) -> None:
    from contas.models import Parametro

    Parametro.objects.update_or_create(
        empresa=cenario.dono.empresa, usuario=None, chave=chave, defaults={"valor": str(valor)}
    )


def test_mc_abaixo_da_faixa_bloqueia(cenario: Cenario) -> None:
    # given an order of lamps (cost R$ 11,00) and its contribution margin with no bounds
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    pedido.refresh_from_db()
    mc = pedido.percentual_mc
    assert mc is not None and pedido.percentual_mb is not None
    assert _bloqueantes(pedido) == set()
    # when the company wants a contribution margin 1 point above it
    minimo = (mc + 1).quantize(D("1"))
    _parametro(cenario, "vendas_mc_minima", minimo)
    pedido_recalcular(pedido_id=pedido.pk)
    # then "MC fora da faixa" (order-wide, revealing costs), giving the margin and the range
    (problema,) = _recusa_envio(cenario, pedido, "margem_contribuicao")
    assert problema["item"] is None and problema["revela_custo"]
    assert problema["chaves"]["minimo"] == str(minimo) and problema["chaves"]["maximo"] == ""
    assert D(problema["chaves"]["percentual"]) == mc.quantize(D("0.01"))
    assert "margem de contribuição" in problema["mensagem"]
    assert f"fora da faixa [{minimo}; +∞] %" in problema["mensagem"]
    # when the minimum is lowered below the margin, it is solved
    _parametro(cenario, "vendas_mc_minima", (mc - 1).quantize(D("1")))
    pedido_recalcular(pedido_id=pedido.pk)
    assert _bloqueantes(pedido) == set()
    _envia(cenario, pedido)


def test_mc_acima_da_faixa_bloqueia(cenario: Cenario) -> None:
    # given the company caps the contribution margin at 1 %
    _parametro(cenario, "vendas_mc_maxima", D("1"))
    # when an order of lamps is made (margin far above that)
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then MC out of range (and only MC: MB has no bounds)
    (problema,) = _recusa_envio(cenario, pedido, "margem_contribuicao")
    assert problema["chaves"]["maximo"] == "1" and "[-∞; 1] %" in problema["mensagem"]


def test_mb_fora_da_faixa_bloqueia_o_envio(cenario: Cenario) -> None:
    # given the company wants at least 90 % gross margin
    _parametro(cenario, "vendas_mb_minima", D("90"))
    # when an order of lamps is made
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then MB out of range blocks sending
    (problema,) = _recusa_envio(cenario, pedido, "margem_bruta")
    assert "margem bruta" in problema["mensagem"] and "[90; +∞] %" in problema["mensagem"]


# --- matrices ----------------------------------------------------------------------------


def test_regra_de_matriz_ausente_bloqueia_nomeando_a_matriz(cenario: Cenario) -> None:
    from matrizes.models import Regra

    # given no commission rule
    Regra.objects.filter(matriz="COMISSAO").delete()
    # when an order is made
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then the problem names the matrix and the keys asked
    (problema,) = _recusa_envio(cenario, pedido, "matriz")
    assert problema["matriz"] == "COMISSAO" and problema["item"] == 1
    assert problema["chaves"]["produto"] == "LAMP-LED" and problema["chaves"]["linha"] == "ELET"
    hoje = pedido.data.strftime("%d/%m/%Y")
    assert problema["detalhe"].startswith(f"A Matriz de comissão não tem regra vigente em {hoje}")


def test_regras_empatadas_bloqueiam_nomeando_as_regras(cenario: Cenario) -> None:
    # given a second commission rule as specific as the first (both with no keys)
    segunda = regra("COMISSAO", percentual=D("5"))
    # when an order is made
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then the tie names the matrix and both rules, and says how to fix it
    (problema,) = _recusa_envio(cenario, pedido, "matriz_empate")
    assert problema["matriz"] == "COMISSAO"
    assert f"#{segunda.pk}" in problema["chaves"]["regras"]
    assert problema["mensagem"].endswith("crie uma regra mais específica ou expire uma delas.")


def test_sem_regra_de_unidade_produto_bloqueia(cenario: Cenario) -> None:
    from matrizes.models import Regra

    # given no unit × product rule
    Regra.objects.filter(matriz="UNIDADE_PRODUTO").delete()
    # when an order is made
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then "problema de matriz unidade produto", naming the matrix
    (problema,) = _recusa_envio(cenario, pedido, "matriz_unidade")
    assert problema["matriz"] == "UNIDADE_PRODUTO" and problema["item"] == 1


def test_fator_de_conversao_nao_encontrado_bloqueia(cenario: Cenario) -> None:
    # given lamps sold in boxes (CX) and no CX → UN factor registered
    regra("UNIDADE_PRODUTO", produto=cenario.lampada, unidade_venda=cenario.cx)
    # when an order of 3 boxes is made
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then "fator de conversão não encontrado" on the item
    (problema,) = _recusa_envio(cenario, pedido, "fator_conversao")
    assert problema["item"] == 1
    assert problema["detalhe"] == (
        "Falta o fator de conversão entre a unidade comercial e a tributável."
    )


def test_imposto_dependente_nao_calculado_bloqueia(cenario: Cenario) -> None:
    from matrizes.models import Regra

    # given no IPI rule: for a final consumer the IPI is part of the ICMS base
    Regra.objects.filter(matriz="IPI").delete()
    # when an order is made
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    # then the missing IPI rule and the ICMS that could not be computed both block
    (problema,) = _recusa_envio(cenario, pedido, "dependencia", tambem=frozenset({"matriz"}))
    assert problema["detalhe"] == (
        "ICMS não calculado porque depende de IPI (compõe a base do ICMS)."
    )
    assert {p["matriz"] for p in pedido.problemas if p["codigo"] == "matriz"} == {"IPI"}


def test_difal_sem_metodo_bloqueia(cenario: Cenario) -> None:
    # given a non-contributor client in RJ and the SP → RJ ICMS rule without a DIFAL method
    regra("ICMS", uf_origem="SP", uf_destino="RJ", aliquota=D("12"), fcp=D("2"),
          aliquota_interna_destino=D("20"))  # fmt: skip
    pedido = _pedido_de(cenario, _cliente_em(cenario, "RJ"), [(cenario.lampada, "3")])
    # then the closing tab asks for the UF's DIFAL method
    (problema,) = _recusa_envio(cenario, pedido, "difal_metodo")
    assert problema["chaves"] == {"uf_destino": "RJ"}
    assert "método de DIFAL" in problema["mensagem"] and "UF RJ" in problema["mensagem"]


def test_difal_com_aliquota_impossivel_bloqueia(cenario: Cenario) -> None:
    # given a "base dupla" DIFAL whose internal rate + FCP reach 100 %
    regra("ICMS", uf_origem="SP", uf_destino="RJ", aliquota=D("12"), fcp=D("10"),
          aliquota_interna_destino=D("90"), metodo_difal="base_dupla")  # fmt: skip
    pedido = _pedido_de(cenario, _cliente_em(cenario, "RJ"), [(cenario.lampada, "3")])
    # then the closing tab points at the rule's rates
    (problema,) = _recusa_envio(cenario, pedido, "difal_aliquota")
    assert problema["detalhe"] == "Alíquota interna + FCP do destino ≥ 100 %."


# --- the client ----------------------------------------------------------------------------


def test_cliente_sem_endereco_bloqueia(cenario: Cenario) -> None:
    # given a client of the portfolio with no address
    cliente = _cliente_em(cenario, None)
    # when an order is made for it
    pedido = _pedido_de(cenario, cliente, [(cenario.lampada, "3")])
    # then the UF was assumed and the rep is asked to register the address
    (problema,) = _recusa_envio(cenario, pedido, "endereco")
    assert problema["item"] is None
    assert problema["mensagem"].endswith("Cadastre o endereço do cliente.")


# --- freight -----------------------------------------------------------------------------


def _tipo_frete(codigo: str, cobra: bool) -> Any:
    from vendas.models import TipoFrete

    return TipoFrete.objects.create(codigo=codigo, descricao=codigo, cobra_no_pedido=cobra)


def test_frete_fob_nao_e_cobrado_nem_rateado(cenario: Cenario) -> None:
    # given an order of R$ 100,00 (20 screws, 3 lamps)
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    # when the header says FOB (the client hires the carrier) with R$ 10,00 of freight
    _cabecalho(cenario, pedido, tipo_frete=_tipo_frete("FOB", False), valor_frete=D("10.00"))
    pedido.refresh_from_db()
    # then the value is kept on the header but neither charged nor apportioned to the items,
    # and it does not enter the ICMS base
    assert pedido.valor_frete == D("10.00")
    assert pedido.v_frete == D("0.00") and pedido.v_nf == D("100.00")
    assert [i.v_frete for i in pedido.itens.order_by("sequencia")] == [D("0.00"), D("0.00")]
    assert pedido.v_icms == D("18.00")
    # when the freight type becomes CIF (charged on the order)
    _cabecalho(cenario, pedido, tipo_frete=_tipo_frete("CIF", True))
    pedido.refresh_from_db()
    # then the same R$ 10,00 is charged and apportioned
    assert pedido.v_frete == D("10.00") and pedido.v_nf == D("110.00")
    assert sum(i.v_frete for i in pedido.itens.all()) == D("10.00")
    assert pedido.v_icms == D("19.80")


# --- values in the messages ----------------------------------------------------------------


@pytest.mark.parametrize("caso", ["valor_minimo", "desconto", "margem_bruta"])
def test_valores_das_mensagens_em_formato_brasileiro(cenario: Cenario, caso: str) -> None:
    # given an order of R$ 40,00 (minimum R$ 50,00) / an item of R$ 60,00 with 150 % off /
    # a gross margin below a 90,5 % minimum
    if caso == "valor_minimo":
        pedido, esperado = criar_pedido(cenario, [(cenario.lampada, "2")]), ["40,00", "50,00"]
    elif caso == "desconto":
        pedido = criar_pedido(cenario, [(cenario.lampada, "3"), (cenario.parafuso, "30")])
        _alterar(cenario, pedido, 2, desconto_percentual=D("150"))
        esperado = ["90,00", "60,00"]
    else:
        _parametro(cenario, "vendas_mb_minima", D("90.5"))
        pedido, esperado = criar_pedido(cenario, [(cenario.lampada, "3")]), ["90,5"]
    pedido.refresh_from_db()
    # then the closing tab shows the values as the rep reads them (decimal comma)
    detalhe = next(p["detalhe"] for p in pedido.problemas if p["codigo"] == caso)
    assert all(valor in detalhe for valor in esperado), detalhe
