"""The catalogue side of order entry: the one batch path that adds items (bulk insert, kits
exploded, promotions, one recalculation), pasted/cart lines with each bad line reported,
favourites, promotions, the client's last quotes, similar/complementary suggestions — and who
may see or change what."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.vendas.conftest import Cenario, criar_pedido
from vendas.constants import TipoDocumento, TipoEventoPedido
from vendas.models import ItemPedido, Pedido, PedidoEvento, ProdutoFavorito
from vendas.services import (
    ErroPedido,
    item_adicionar,
    item_alterar,
    pedido_criar,
    pedido_recalcular,
)
from vendas.services.catalogo import (
    Linha,
    favorito_alternar,
    itens_adicionar,
    linhas_do_carrinho,
    linhas_do_texto,
    quantidade_ptbr,
)

D = Decimal
pytestmark = pytest.mark.django_db

ACESSO_ESCRITA = [("dono", 200), ("supervisor", 200), ("colega", 404),
                  ("supervisor_outro", 404), ("sac", 404)]  # fmt: skip
ACESSO_LEITURA = [("dono", 200), ("supervisor", 200), ("sac", 200), ("colega", 404),
                  ("supervisor_outro", 404)]  # fmt: skip


def entrar(client: Any, cenario: Cenario, quem: str) -> None:
    client.force_login(cenario.pessoas.usuarios[quem])


def produto(cenario: Cenario, codigo: str, preco: str, estoque: str = "100", **kw: Any) -> Any:
    from produtos.models import Estoque, PrecoLista, Produto

    p = Produto.objects.create(
        codigo=codigo, descricao=kw.pop("descricao", f"Produto {codigo}"), unidade=cenario.un,
        ncm="85395000", linha=cenario.lampada.linha, **kw,
    )  # fmt: skip
    PrecoLista.objects.create(produto=p, tabela=cenario.tabela, preco=D(preco),
                              inicio=dt.date(2024, 1, 1))  # fmt: skip
    Estoque.objects.create(produto=p, armazem=cenario.armazem, unidade=cenario.un,
                           quantidade=D(estoque))  # fmt: skip
    return p


def kit(cenario: Cenario, codigo: str = "KIT-ILUM", componentes=None) -> Any:
    from produtos.models import KitComponente, Produto

    k = Produto.objects.create(codigo=codigo, descricao="Kit iluminação", unidade=cenario.un,
                               ncm="85395000", linha=cenario.lampada.linha)  # fmt: skip
    for componente, qtd in componentes or ((cenario.lampada, "2"), (cenario.parafuso, "10")):
        KitComponente.objects.create(kit=k, componente=componente, quantidade=D(qtd))
    return k


def promocao(cenario: Cenario, p: Any, *, tabela: Any = "padrao", **kw: Any) -> Any:
    from produtos.models import Promocao

    hoje = dt.date.today()
    return Promocao.objects.create(
        produto=p, descricao=kw.pop("descricao", "Queima de estoque"),
        tabela=cenario.tabela if tabela == "padrao" else tabela,
        inicio=kw.pop("inicio", hoje - dt.timedelta(days=1)),
        fim=kw.pop("fim", hoje + dt.timedelta(days=10)), **kw,
    )  # fmt: skip


def incluir(cenario: Cenario, pedido: Pedido, linhas: list[Linha], quem: str = "dono") -> Any:
    pedido.refresh_from_db()
    return itens_adicionar(
        pedido_id=pedido.pk, versao=pedido.versao, linhas=linhas,
        ator=cenario.pessoas.usuarios[quem],
    )  # fmt: skip


# --- the one way items enter an order -------------------------------------------------------


def test_lote_inclui_tudo_numa_versao_com_um_evento_por_item(cenario) -> None:
    # given an order with one item
    pedido = criar_pedido(cenario, [(cenario.cabo, "1")])
    versao = pedido.versao
    # when three lines are added in one call
    inclusao = incluir(cenario, pedido, [
        Linha(produto=cenario.parafuso, quantidade=D("20")),
        Linha(produto=cenario.lampada, quantidade=D("3"), desconto_percentual=D("2")),
        Linha(produto=cenario.lampada, quantidade=D("1.5"), origem="colar"),
    ])  # fmt: skip
    # then they follow the last item, the version moved once, one event per item
    itens = list(pedido.itens.order_by("sequencia"))
    assert [(i.sequencia, i.produto.codigo, i.quantidade) for i in itens] == [
        (1, "CABO-100", D("1")), (2, "PAR-001", D("20")), (3, "LAMP-LED", D("3")),
        (4, "LAMP-LED", D("1.5")),
    ]  # fmt: skip
    assert inclusao.novos == [i.pk for i in itens[1:]]
    pedido.refresh_from_db()
    assert pedido.versao == versao + 1
    eventos = PedidoEvento.objects.filter(pedido=pedido, tipo=TipoEventoPedido.ITEM_INCLUIDO,
                                          versao=pedido.versao)  # fmt: skip
    assert sorted(e.dados["item"] for e in eventos) == [2, 3, 4]
    assert {e.dados["item"]: e.dados.get("origem") for e in eventos}[4] == "colar"
    # and the order was recalculated with every item (40 + 60 - 1,20 + 30 + 300)
    assert pedido.v_prod == D("430.00")
    assert itens[2].v_desc == D("1.20")


def test_lote_com_quantidade_zero_nao_inclui_nada(cenario) -> None:
    pedido = criar_pedido(cenario)
    with pytest.raises(ErroPedido, match="Linha 2 \\(LAMP-LED\\): a quantidade"):
        incluir(cenario, pedido, [Linha(produto=cenario.parafuso, quantidade=D("10")),
                                  Linha(produto=cenario.lampada, quantidade=D("0"))])  # fmt: skip
    assert not pedido.itens.exists()


def test_item_adicionar_passa_pelo_mesmo_caminho_e_explode_kit(cenario) -> None:
    # given a kit of 2 lamps and 10 screws
    k = kit(cenario)
    pedido = criar_pedido(cenario)
    # when the search form adds 3 kits (item_adicionar, one item)
    item_adicionar(pedido_id=pedido.pk, versao=pedido.versao, produto=k, quantidade=D("3"),
                   ator=cenario.dono)  # fmt: skip
    # then the components are the items (quantity × component quantity), the event names the kit
    itens = list(pedido.itens.order_by("sequencia"))
    assert [(i.produto.codigo, i.quantidade) for i in itens] == [
        ("LAMP-LED", D("6")), ("PAR-001", D("30"))
    ]  # fmt: skip
    evento = PedidoEvento.objects.filter(pedido=pedido, tipo="item_incluido").first()
    assert evento.dados["kit"] == {"codigo": "KIT-ILUM", "descricao": "Kit iluminação",
                                   "quantidade": "3"}  # fmt: skip


def test_kit_pela_busca_desenha_todas_as_linhas_novas(client, cenario) -> None:
    # given an order with 2 items on screen and a kit of 2 components
    k = kit(cenario)
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.cabo, "1")])
    entrar(client, cenario, "dono")
    # when the search form adds the kit
    resp = client.post(
        reverse("vendas:item-adicionar", args=[pedido.pk]),
        {"versao": pedido.versao, "produto": k.pk, "quantidade": "1"},
        HTTP_HX_REQUEST="true",
    )
    # then both component rows are appended (not only the last), the old ones stay untouched
    html = resp.content.decode()
    novos = list(pedido.itens.filter(sequencia__gt=2).order_by("sequencia"))
    assert resp.status_code == 200 and len(novos) == 2
    posicoes = [html.index(f'id="item-{i.pk}"') for i in novos]
    assert posicoes == sorted(posicoes)
    assert html.count("beforeend:#itens-corpo") >= 1
    assert not any(f'id="item-{i.pk}"' in html for i in pedido.itens.filter(sequencia__lte=2))


def test_kit_com_promocao_de_preco_fixo_explica_e_nao_inclui(cenario) -> None:
    k = kit(cenario)
    promo = promocao(cenario, k, preco=D("99.00"))
    pedido = criar_pedido(cenario)
    with pytest.raises(ErroPedido, match="promoção de preço fixo do kit não se aplica"):
        incluir(cenario, pedido, [Linha(produto=k, quantidade=D("1"), promocao_id=promo.pk)])
    assert not pedido.itens.exists()


def test_kit_que_estoura_a_quantidade_de_um_item_e_recusado(cenario) -> None:
    # given a kit of 1.000.000 screws per unit
    k = kit(cenario, componentes=[(cenario.parafuso, "1000000")])
    pedido = criar_pedido(cenario)
    # when 100.000.000 kits are added (10^14 screws: more than an item holds)
    with pytest.raises(ErroPedido, match="grande demais"):
        incluir(cenario, pedido, [Linha(produto=k, quantidade=D("100000000"))])
    # then nothing was inserted (no database error, no half order)
    assert not pedido.itens.exists()


def test_totais_do_kit_sao_a_soma_dos_componentes(cenario) -> None:
    # given the same components bought as a kit and one by one
    k = kit(cenario)
    com_kit = criar_pedido(cenario)
    incluir(cenario, com_kit, [Linha(produto=k, quantidade=D("2"), desconto_percentual=D("3"))])
    avulso = criar_pedido(cenario)
    incluir(cenario, avulso, [
        Linha(produto=cenario.lampada, quantidade=D("4"), desconto_percentual=D("3")),
        Linha(produto=cenario.parafuso, quantidade=D("20"), desconto_percentual=D("3")),
    ])  # fmt: skip
    com_kit.refresh_from_db()
    avulso.refresh_from_db()
    # then the kit order's totals are exactly the sum of its components
    itens = list(com_kit.itens.all())
    assert com_kit.v_prod == sum((i.v_prod for i in itens), D(0)) == D("120.00")
    assert com_kit.v_nf == sum((i.total for i in itens), D(0))
    for campo in ("v_prod", "v_desc", "v_icms", "v_ipi", "v_st", "v_nf"):
        assert getattr(com_kit, campo) == getattr(avulso, campo), campo


def test_kit_com_kit_dentro_explode_ate_o_fim(cenario) -> None:
    interno = kit(cenario, "KIT-A", ((cenario.parafuso, "10"),))
    externo = kit(cenario, "KIT-B", ((interno, "2"), (cenario.lampada, "1")))
    pedido = criar_pedido(cenario)
    incluir(cenario, pedido, [Linha(produto=externo, quantidade=D("1"))])
    assert sorted((i.produto.codigo, i.quantidade) for i in pedido.itens.all()) == [
        ("LAMP-LED", D("1")), ("PAR-001", D("20"))
    ]  # fmt: skip


def test_kit_com_novo_preco_e_recusado(cenario) -> None:
    k = kit(cenario)
    pedido = criar_pedido(cenario)
    with pytest.raises(ErroPedido, match="pelos componentes"):
        incluir(cenario, pedido, [Linha(produto=k, quantidade=D("1"), novo_preco=D("5"))])
    assert not pedido.itens.exists()


@pytest.mark.parametrize("tipo", ["preco", "percentual"])
def test_promocao_escolhida_vai_para_o_item(cenario, tipo) -> None:
    oferta = {"preco": D("15.00")} if tipo == "preco" else {"percentual_desconto": D("10")}
    promo = promocao(cenario, cenario.lampada, **oferta)
    pedido = criar_pedido(cenario)
    incluir(cenario, pedido, [Linha(produto=cenario.lampada, quantidade=D("2"),
                                    promocao_id=promo.pk)])  # fmt: skip
    item = pedido.itens.get()
    if tipo == "preco":
        assert item.novo_preco == D("15.00") and item.v_prod == D("30.00")
    else:
        assert item.desconto_percentual == D("10") and item.v_desc == D("4.00")
    evento = PedidoEvento.objects.get(pedido=pedido, tipo="item_incluido")
    assert evento.dados["promocao"] == promo.pk


def test_promocao_vencida_ou_de_outro_produto_e_recusada(cenario) -> None:
    vencida = promocao(cenario, cenario.lampada, preco=D("1.00"),
                       inicio=dt.date(2024, 1, 1), fim=dt.date(2024, 1, 31))  # fmt: skip
    de_outro = promocao(cenario, cenario.parafuso, preco=D("1.00"))
    pedido = criar_pedido(cenario)
    for promo in (vencida, de_outro):
        with pytest.raises(ErroPedido, match="não está mais vigente"):
            incluir(cenario, pedido, [Linha(produto=cenario.lampada, quantidade=D("1"),
                                            promocao_id=promo.pk)])  # fmt: skip
    assert not pedido.itens.exists()


# --- a promotion is the company's discount: the alçada measures only what goes beyond it -----


@pytest.mark.parametrize("tipo", ["preco", "percentual"])
def test_promocao_nao_pede_alcada_so_o_que_passa_dela(cenario, tipo) -> None:
    # given a lamp listed at R$ 20,00 on promotion (R$ 15,00, i.e. 25 %; or 10 % off)
    oferta = {"preco": D("15.00")} if tipo == "preco" else {"percentual_desconto": D("10")}
    promo = promocao(cenario, cenario.lampada, **oferta)
    pedido = criar_pedido(cenario)
    # when the rep adds it from the promotions panel
    incluir(cenario, pedido, [Linha(produto=cenario.lampada, quantidade=D("2"),
                                    promocao_id=promo.pk)])  # fmt: skip
    item = pedido.itens.get()
    # then the discount from the list is what it is, but the alçada sees none: the rep decides
    assert item.promocao_id == promo.pk
    assert item.percentual_desconto_efetivo == (D("25") if tipo == "preco" else D("10"))
    assert item.percentual_desconto_alcada == D("0")
    assert item.papel_aprovador == "Representante"
    # and a discount beyond the promotion is measured from the promotional price
    pedido.refresh_from_db()
    item_alterar(pedido_id=pedido.pk, item_id=item.pk, versao=pedido.versao,
                 dados={"desconto_percentual": D("8")} if tipo == "preco"
                 else {"desconto_percentual": D("10"), "novo_preco": D("16.00")},
                 ator=cenario.dono)  # fmt: skip
    item.refresh_from_db()
    if tipo == "preco":  # 15,00 less 8 % = 13,80: 31 % off the list, 8 % off the promotion
        assert item.percentual_desconto_efetivo == D("31")
        assert item.percentual_desconto_alcada == D("8")
    else:  # 16,00 less 10 % = 14,40: 28 % off the list; the promotion's price was 18,00 → 20 %
        assert item.percentual_desconto_efetivo == D("28")
        assert item.percentual_desconto_alcada == D("20")
    assert item.papel_aprovador == ("Supervisor" if tipo == "preco" else "Administrador")


def test_promocao_que_deixou_de_valer_volta_a_contar_para_a_alcada(cenario) -> None:
    # given an item added under a R$ 15,00 promotion (25 % off the list)
    promo = promocao(cenario, cenario.lampada, preco=D("15.00"))
    pedido = criar_pedido(cenario)
    incluir(cenario, pedido, [Linha(produto=cenario.lampada, quantidade=D("2"),
                                    promocao_id=promo.pk)])  # fmt: skip
    # when the promotion no longer holds on the order's date and the order is recalculated
    promo.inicio = promo.fim = pedido.data + dt.timedelta(days=5)
    promo.save()
    pedido_recalcular(pedido_id=pedido.pk)
    # then the whole 25 % needs the administrator
    item = pedido.itens.get()
    assert item.percentual_desconto_alcada == D("25") == item.percentual_desconto_efetivo
    assert item.papel_aprovador == "Administrador"


def test_item_sem_promocao_mede_a_alcada_pelo_desconto_efetivo(cenario) -> None:
    pedido = criar_pedido(cenario)
    incluir(cenario, pedido, [Linha(produto=cenario.lampada, quantidade=D("2"),
                                    novo_preco=D("15.00"))])  # fmt: skip
    item = pedido.itens.get()
    assert item.promocao_id is None
    assert item.percentual_desconto_alcada == item.percentual_desconto_efetivo == D("25")
    assert item.papel_aprovador == "Administrador"


def test_alcadas_mostra_o_desconto_alem_da_promocao(client, cenario) -> None:
    promo = promocao(cenario, cenario.lampada, preco=D("15.00"))
    pedido = criar_pedido(cenario)
    incluir(cenario, pedido, [Linha(produto=cenario.lampada, quantidade=D("2"),
                                    promocao_id=promo.pk)])  # fmt: skip
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert "Desconto para a alçada %" in html
    assert "além da promoção" in html


def _consultas_para(cenario: Cenario, n: int) -> int:
    pedido = criar_pedido(cenario, [(cenario.cabo, "1")])
    pedido.refresh_from_db()
    produtos = [cenario.parafuso, cenario.lampada]
    linhas = [Linha(produto=produtos[i % 2], quantidade=D("10")) for i in range(n)]
    with CaptureQueriesContext(connection) as consultas:
        itens_adicionar(pedido_id=pedido.pk, versao=pedido.versao, linhas=linhas,
                        ator=cenario.dono)  # fmt: skip
    assert pedido.itens.count() == n + 1
    return len(consultas)


def test_consultas_do_lote_nao_crescem_com_as_linhas(cenario) -> None:
    # the same number of queries for 2 and for 20 lines (bulk insert, one recalculation)
    assert _consultas_para(cenario, 2) == _consultas_para(cenario, 20)


# --- pasted lines and the cart ------------------------------------------------------------------


@pytest.mark.parametrize(("texto", "esperado"), [
    ("1,5", D("1.5")), ("2", D("2")), ("1.500", D("1500")), ("1.500,25", D("1500.25")),
    ("2.5", D("2.5")), (" 3 ", D("3")), ("0,001", D("0.001")),
])  # fmt: skip
def test_quantidade_ptbr(texto, esperado) -> None:
    assert quantidade_ptbr(texto) == esperado


@pytest.mark.parametrize("texto", ["", "abc", "0", "-1", "1,0001", "1e3x", "99999999999999"])
def test_quantidade_ptbr_invalida(texto) -> None:
    with pytest.raises(ValueError):
        quantidade_ptbr(texto)


def test_linhas_coladas_cada_ruim_com_seu_motivo(cenario) -> None:
    bloqueado = produto(cenario, "BLOQ-1", "5.00", bloqueado=True, motivo_bloqueio="Recall")
    inativo = produto(cenario, "INAT-1", "5.00", ativo=False)
    texto = "\n".join([
        "Código\tQuantidade",  # the spreadsheet's header
        "par-001;20",
        "LAMP-LED\t1,5",  # tab from a spreadsheet, pt-BR decimal
        "7891234567895;2",  # EAN
        "NAO-EXISTE;1",
        "CABO-100;dois",
        "CABO-100",
        f"{bloqueado.codigo};1",
        f"{inativo.codigo};1",
        "",
    ])  # fmt: skip
    linhas, recusadas = linhas_do_texto(texto)
    assert [(linha.produto.codigo, linha.quantidade) for linha in linhas] == [
        ("PAR-001", D("20")), ("LAMP-LED", D("1.5")), ("LAMP-LED", D("2"))
    ]  # fmt: skip
    assert [(r.numero, r.motivo) for r in recusadas] == [
        (5, "código “NAO-EXISTE” não encontrado"),
        (6, "quantidade inválida “dois”"),
        (7, "falta a quantidade (use código;quantidade)"),
        (8, "produto BLOQ-1 bloqueado: Recall"),
        (9, "produto INAT-1 inativo"),
    ]  # fmt: skip


def test_carrinho_separa_as_linhas_ruins(cenario) -> None:
    bloqueado = produto(cenario, "BLOQ-1", "5.00", bloqueado=True, motivo_bloqueio="Recall")
    promo = promocao(cenario, cenario.lampada, preco=D("15.00"))
    pedido = criar_pedido(cenario)
    linhas, recusadas = linhas_do_carrinho(
        pedido=pedido,
        produtos=[str(cenario.parafuso.pk), str(cenario.lampada.pk), "999999",
                  str(bloqueado.pk), str(cenario.cabo.pk), str(cenario.cabo.pk)],
        quantidades=["10", "2", "1", "1", "0", "1"],
        promocoes=["", str(promo.pk), "", "", "", str(promo.pk)],
    )  # fmt: skip
    assert [(linha.produto.codigo, linha.promocao_id) for linha in linhas] == [
        ("PAR-001", None), ("LAMP-LED", promo.pk)
    ]  # fmt: skip
    assert [(r.numero, r.motivo.split(" (")[0]) for r in recusadas] == [
        (3, "produto não encontrado"), (4, "produto BLOQ-1 bloqueado: Recall"),
        (5, "a quantidade deve ser maior que zero"), (6, "a promoção não está mais vigente"),
    ]  # fmt: skip


# --- views: paste box, cart, panels ----------------------------------------------------------


def _colar(client: Any, pedido: Pedido, texto: str) -> Any:
    pedido.refresh_from_db()
    return client.post(
        reverse("vendas:itens-colar", args=[pedido.pk]),
        {"versao": pedido.versao, "texto": texto},
        HTTP_HX_REQUEST="true",
    )


def test_colar_inclui_as_boas_e_devolve_as_ruins(client, cenario) -> None:
    # given an order with one item on screen
    pedido = criar_pedido(cenario, [(cenario.cabo, "1")])
    entrar(client, cenario, "dono")
    # when the rep pastes two good lines and two bad ones
    resp = _colar(client, pedido, "PAR-001;20\nXYZ;1\nLAMP-LED;3,5\nCABO-100;-2\n")
    html = resp.content.decode()
    # then the good ones are items (appended rows), the bad ones reported and left in the box
    assert resp.status_code == 200 and resp["HX-Reswap"] == "none"
    assert [(i.produto.codigo, i.quantidade) for i in pedido.itens.order_by("sequencia")] == [
        ("CABO-100", D("1")), ("PAR-001", D("20")), ("LAMP-LED", D("3.5"))
    ]  # fmt: skip
    novos = pedido.itens.filter(sequencia__gt=1)
    assert all(f'id="item-{i.pk}"' in html for i in novos)
    assert "beforeend:#itens-corpo" in html
    assert "2 itens incluídos" in html and "2 linhas com problema" in html
    assert "código “XYZ” não encontrado" in html
    assert ">XYZ;1\nCABO-100;-2</textarea>" in html
    gatilho = json.loads(resp["HX-Trigger"])["catalogo:incluidos"]
    assert gatilho == {"origem": "colar", "recusados": [2, 4], "incluidos": 2}


def test_colar_so_linhas_ruins_nao_altera_o_pedido(client, cenario) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    resp = _colar(client, pedido, "XYZ;1")
    pedido.refresh_from_db()
    assert resp.status_code == 200 and pedido.versao == 1 and not pedido.itens.exists()
    assert "Nenhum item incluído" in resp.content.decode()


def test_colar_com_versao_antiga_mostra_conflito(client, cenario) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    resp = client.post(reverse("vendas:itens-colar", args=[pedido.pk]),
                       {"versao": pedido.versao - 1 or 99, "texto": "PAR-001;10"},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    assert resp["HX-Retarget"] == "#pedido-mensagens" and "foi alterado" in resp.content.decode()
    assert not pedido.itens.exists()


@pytest.mark.parametrize(("quem", "esperado"), ACESSO_ESCRITA)
def test_lote_e_colar_respeitam_a_carteira(client, cenario, quem, esperado) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, quem)
    resp_lote = client.post(
        reverse("vendas:itens-lote", args=[pedido.pk]),
        {"versao": 1, "produto": [cenario.lampada.pk], "quantidade": ["2"]},
        HTTP_HX_REQUEST="true",
    )
    pedido.refresh_from_db()
    resp_colar = _colar(client, pedido, "PAR-001;10")
    assert (resp_lote.status_code, resp_colar.status_code) == (esperado, esperado)
    assert pedido.itens.count() == (2 if esperado == 200 else 0)


def test_carrinho_inclui_tudo_num_pedido_e_redesenha_so_as_linhas_novas(client, cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.cabo, "1")])
    antigo = pedido.itens.get()
    entrar(client, cenario, "dono")
    resp = client.post(
        reverse("vendas:itens-lote", args=[pedido.pk]),
        {"versao": pedido.versao, "origem": "carrinho",
         "produto": [cenario.parafuso.pk, cenario.lampada.pk], "quantidade": ["20", "1,5"],
         "promocao": ["", ""]},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    html = resp.content.decode()
    assert resp.status_code == 200 and pedido.itens.count() == 3
    assert f'id="item-{antigo.pk}"' not in html  # the old row did not change
    assert html.count('<tr id="item-') == 2 and "beforeend:#itens-corpo" in html
    assert 'id="catalogo-relatorio"' in html and "2 itens incluídos" in html
    assert json.loads(resp["HX-Trigger"])["catalogo:incluidos"]["incluidos"] == 2


def test_consultas_da_tela_de_lote_nao_crescem(client, cenario) -> None:
    entrar(client, cenario, "dono")

    def consultas(n: int) -> int:
        pedido = criar_pedido(cenario, [(cenario.cabo, "1")])
        dados = {"versao": pedido.versao, "produto": [cenario.parafuso.pk] * n,
                 "quantidade": ["10"] * n}  # fmt: skip
        with CaptureQueriesContext(connection) as c:
            resp = client.post(reverse("vendas:itens-lote", args=[pedido.pk]), dados,
                               HTTP_HX_REQUEST="true")  # fmt: skip
        assert resp.status_code == 200 and pedido.itens.count() == n + 1
        return len(c)

    assert consultas(2) == consultas(20)


# --- favourites -------------------------------------------------------------------------------


def test_favorito_alterna_so_para_quem_marca(cenario) -> None:
    dono, supervisor = cenario.dono, cenario.pessoas.usuarios["supervisor"]
    assert favorito_alternar(produto_id=cenario.lampada.pk, ator=dono) is True
    assert favorito_alternar(produto_id=cenario.lampada.pk, ator=supervisor) is True
    assert favorito_alternar(produto_id=cenario.lampada.pk, ator=dono) is False
    assert list(ProdutoFavorito.objects.values_list("usuario", flat=True)) == [supervisor.pk]


@pytest.mark.parametrize(("quem", "esperado"), ACESSO_LEITURA)
def test_favoritar_pela_tela_respeita_a_carteira(client, cenario, quem, esperado) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, quem)
    resp = client.post(reverse("vendas:favorito-alternar", args=[pedido.pk, cenario.lampada.pk]),
                       HTTP_HX_REQUEST="true")  # fmt: skip
    assert resp.status_code == esperado
    assert ProdutoFavorito.objects.filter(produto=cenario.lampada).exists() is (esperado == 200)


def test_nao_se_favorita_em_nome_de_outro(client, cenario) -> None:
    # given the rep posts another user's id along with the star
    pedido = criar_pedido(cenario)
    colega = cenario.pessoas.usuarios["colega"]
    entrar(client, cenario, "dono")
    resp = client.post(
        reverse("vendas:favorito-alternar", args=[pedido.pk, cenario.lampada.pk]),
        {"usuario": colega.pk, "usuario_id": colega.pk}, HTTP_HX_REQUEST="true",
    )  # fmt: skip
    # then the favourite is the rep's own; the colleague's list is untouched
    assert resp.status_code == 200
    assert list(ProdutoFavorito.objects.values_list("usuario", flat=True)) == [cenario.dono.pk]
    assert json.loads(resp["HX-Trigger"])["catalogo:favorito"] == {
        "produto": cenario.lampada.pk, "ativo": True
    }  # fmt: skip
    assert "LAMP-LED" in resp.content.decode()  # the favourites panel, with the product


def test_favorito_de_produto_inexistente_e_404(client, cenario) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    resp = client.post(reverse("vendas:favorito-alternar", args=[pedido.pk, 999999]))
    assert resp.status_code == 404


def test_busca_poe_favoritos_primeiro_com_ultima_cotacao_e_promocao(client, cenario) -> None:
    # given two lamps; the second one is the rep's favourite, quoted before, on promotion
    outra = produto(cenario, "LAMP-AAA", "9.00", descricao="Lâmpada A halógena")
    favorita = produto(cenario, "LAMP-ZZZ", "7.00", descricao="Lâmpada Z fluorescente")
    ProdutoFavorito.objects.create(usuario=cenario.dono, produto=favorita)
    promocao(cenario, favorita, percentual_desconto=D("10"))
    cotacao = pedido_criar(cliente_id=cenario.cliente.pk, tipo=TipoDocumento.ORCAMENTO,
                           ator=cenario.dono).pedido  # fmt: skip
    item_adicionar(pedido_id=cotacao.pk, versao=cotacao.versao, produto=favorita,
                   quantidade=D("5"), novo_preco=D("6.50"), ator=cenario.dono)  # fmt: skip
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    # when the rep searches "lampada"
    html = client.get(reverse("vendas:catalogo-buscar", args=[pedido.pk]),
                      {"q": "lampada"}).content.decode()  # fmt: skip
    # then the favourite comes first, with its star, last quoted price and promotion
    assert html.index("LAMP-ZZZ") < html.index("LAMP-AAA") < html.index("LAMP-LED")
    assert "★" in html and "última cotação R$ 6,50" in html and "promoção −10,00%" in html
    assert outra.codigo in html


def test_busca_respeita_a_carteira(client, cenario) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "colega")
    assert client.get(reverse("vendas:catalogo-buscar", args=[pedido.pk]),
                      {"q": "LAMP"}).status_code == 404  # fmt: skip


# --- panels: promotions, last quotes, suggestions, item info --------------------------------


def test_painel_de_promocoes_so_da_tabela_do_pedido_e_vigentes(client, cenario) -> None:
    from cadastro.models import TabelaVenda

    outra_tabela = TabelaVenda.objects.create(codigo="RJ", descricao="Tabela RJ")
    promocao(cenario, cenario.lampada, preco=D("15.00"), descricao="Lâmpada do mês")
    promocao(cenario, cenario.parafuso, tabela=None, percentual_desconto=D("5"))
    promocao(cenario, cenario.cabo, tabela=outra_tabela, preco=D("1.00"))
    promocao(cenario, cenario.cabo, preco=D("2.00"), inicio=dt.date(2024, 1, 1),
             fim=dt.date(2024, 2, 1))  # fmt: skip
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:catalogo-painel", args=[pedido.pk, "promocoes"])).content
    html = html.decode()
    assert "LAMP-LED" in html and "PAR-001" in html and "CABO-100" not in html
    assert "R$ 15,00" in html and "Lâmpada do mês" in html and "R$ 1,90" in html  # 2,00 − 5 %
    assert 'name="promocao" value="' in html


@pytest.mark.parametrize(("quem", "esperado"), ACESSO_LEITURA)
def test_paineis_respeitam_a_carteira(client, cenario, quem, esperado) -> None:
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    item = pedido.itens.get()
    entrar(client, cenario, quem)
    for url in (
        reverse("vendas:catalogo-painel", args=[pedido.pk, "promocoes"]),
        reverse("vendas:catalogo-painel", args=[pedido.pk, "cotacoes"]),
        reverse("vendas:catalogo-painel", args=[pedido.pk, "favoritos"]),
        reverse("vendas:catalogo-sugestoes", args=[pedido.pk]) + f"?produto={item.produto_id}",
        reverse("vendas:catalogo-item-info", args=[pedido.pk, item.pk]),
    ):
        assert client.get(url).status_code == esperado, url


def test_painel_desconhecido_e_404(client, cenario) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    url = reverse("vendas:catalogo-painel", args=[pedido.pk, "custos"])
    assert client.get(url).status_code == 404


def test_ultimas_cotacoes_do_cliente(client, cenario) -> None:
    # given 6 quotes of the client, one of another client, and an order (not a quote)
    cotacoes = []
    for n in range(6):
        c = pedido_criar(cliente_id=cenario.cliente.pk, tipo=TipoDocumento.ORCAMENTO,
                         ator=cenario.dono).pedido  # fmt: skip
        Pedido.objects.filter(pk=c.pk).update(data=dt.date(2025, 1, 1) + dt.timedelta(days=n))
        cotacoes.append(c)
    item_adicionar(pedido_id=cotacoes[-1].pk, versao=cotacoes[-1].versao,
                   produto=cenario.lampada, quantidade=D("2"), ator=cenario.dono)  # fmt: skip
    de_outro = pedido_criar(cliente_id=cenario.cliente_colega.pk, tipo=TipoDocumento.ORCAMENTO,
                            ator=cenario.pessoas.usuarios["colega"]).pedido  # fmt: skip
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    resp = client.get(reverse("vendas:catalogo-painel", args=[pedido.pk, "cotacoes"]))
    html = resp.content.decode()
    # then the last 5 of this client, newest first, with date, items, total and status
    numeros = [str(c.numero) for c in reversed(cotacoes)]
    assert all(n in html for n in numeros[:5]) and f">{numeros[5]}<" not in html
    assert f">{de_outro.numero}<" not in html and f">{pedido.numero}<" not in html
    assert html.index(numeros[0]) < html.index(numeros[1])
    assert "06/01/2025" in html and "Em digitação" in html and "R$ " in html


def test_sugestoes_similares_quando_sem_estoque_e_complementares(client, cenario) -> None:
    from produtos.models import Estoque, ProdutoComplementar, ProdutoSimilar

    # given the cable is out of stock, with a similar cable and a complementary tape
    Estoque.objects.filter(produto=cenario.cabo).update(quantidade=D("0"))
    similar = produto(cenario, "CABO-200", "280.00", descricao="Cabo flexível outra marca")
    fita = produto(cenario, "FITA-1", "8.00", descricao="Fita isolante")
    ProdutoSimilar.objects.create(produto=cenario.cabo, similar=similar, observacao="mesma bitola")
    ProdutoComplementar.objects.create(produto=cenario.cabo, complementar=fita)
    ProdutoComplementar.objects.create(produto=cenario.cabo, complementar=cenario.lampada)
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    entrar(client, cenario, "dono")
    # when the rep adds the cable through the paste box
    html = _colar(client, pedido, "CABO-100;1").content.decode()
    # then the answer brings the suggestions: the similar first (no stock), the complementary
    # one not yet in the order (the lamp is already there)
    sugestoes = html[html.index('id="catalogo-sugestoes"') :]
    assert "sem estoque ou bloqueado" in sugestoes and "CABO-200" in sugestoes
    assert "mesma bitola" in sugestoes and "FITA-1" in sugestoes
    assert "Complementares" in sugestoes
    assert sugestoes.count("LAMP-LED") == 0


def test_info_do_item_mostra_o_produto_e_suas_sugestoes(client, cenario) -> None:
    from produtos.models import ProdutoSimilar

    similar = produto(cenario, "LAMP-OUTRA", "18.00")
    ProdutoSimilar.objects.create(produto=cenario.lampada, similar=similar)
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    outro = criar_pedido(cenario, [(cenario.parafuso, "10")])
    entrar(client, cenario, "dono")
    item = pedido.itens.get()
    html = client.get(reverse("vendas:catalogo-item-info", args=[pedido.pk, item.pk])).content
    assert b"Item 1:" in html and b"LAMP-OUTRA" in html
    # an item of another order through this order's URL: 404
    alheio = outro.itens.get()
    assert client.get(reverse("vendas:catalogo-item-info", args=[pedido.pk, alheio.pk])
                      ).status_code == 404  # fmt: skip


def test_detalhe_mostra_o_catalogo_com_atalhos_e_sem_js_inline(client, cenario) -> None:
    ProdutoFavorito.objects.create(usuario=cenario.dono, produto=cenario.cabo)
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    for texto in ('id="catalogo"', "Favoritos", "<kbd>f</kbd>", "Promoções", "<kbd>p</kbd>",
                  "Últimas cotações", "<kbd>u</kbd>", "Carrinho", "<kbd>c</kbd>",
                  "Colar lista", "<kbd>l</kbd>", "pedido_catalogo.js", 'data-aberto="favoritos"',
                  "CABO-100", 'data-favorito="', "catalogo/produtos/"):  # fmt: skip
        assert texto in html, texto
    assert "<script>" not in html and "onclick=" not in html
    # the item row has its star (not a favourite) and its info
    linha = html[html.index(f'id="item-{pedido.itens.get().pk}"') :]
    assert 'aria-pressed="false"' in linha[:2000] and "/info/" in linha[:2000]


def test_item_incluido_mostra_estrela_marcada(client, cenario) -> None:
    ProdutoFavorito.objects.create(usuario=cenario.dono, produto=cenario.lampada)
    pedido = criar_pedido(cenario, [(cenario.cabo, "1")])
    entrar(client, cenario, "dono")
    resp = client.post(reverse("vendas:item-adicionar", args=[pedido.pk]),
                       {"versao": pedido.versao, "produto": cenario.lampada.pk, "quantidade": "1"},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    novo = ItemPedido.objects.get(pedido=pedido, sequencia=2)
    html = resp.content.decode()
    linha = html[html.index(f'id="item-{novo.pk}"') :]
    assert f'data-favorito="{cenario.lampada.pk}" aria-pressed="true"' in linha
