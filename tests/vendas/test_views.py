"""Order screens: happy paths, owner/colleague/outsider access on every view, fields the form
does not offer, costs hidden from reps, query counts of the lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.vendas.conftest import Cenario, criar_pedido
from vendas.constants import StatusPedido
from vendas.models import Pedido, SolicitacaoAprovacao

D = Decimal
pytestmark = pytest.mark.django_db

# dono: the rep of the client's portfolio; supervisor: heads dono's team; colega: another
# rep; supervisor_outro: heads colega's team; sac: reads every client with a portfolio.
ACESSO_LEITURA = [("dono", 200), ("supervisor", 200), ("admin", 200), ("sac", 200),
                  ("colega", 404), ("supervisor_outro", 404)]  # fmt: skip
ACESSO_ESCRITA = [("dono", 200), ("supervisor", 200), ("colega", 404),
                  ("supervisor_outro", 404), ("sac", 404)]  # fmt: skip


def entrar(client: Any, cenario: Cenario, quem: str) -> None:
    client.force_login(cenario.pessoas.usuarios[quem])


@pytest.mark.parametrize(("quem", "esperado"), ACESSO_LEITURA)
def test_detalhe_do_pedido_respeita_a_carteira(client, cenario, quem, esperado) -> None:
    # given an order of a client of dono's portfolio
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    entrar(client, cenario, quem)
    # when each person opens it by URL
    resp = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk]))
    # then only who sees the client sees the order; the others get 404 (not 403)
    assert resp.status_code == esperado
    if esperado == 200:
        conteudo = resp.content.decode()
        assert "PAR-001" in conteudo and cenario.cliente.nome in conteudo


def test_detalhe_mostra_itens_impostos_totais_e_abas(client, cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "15"), (cenario.lampada, "3")])
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    for texto in ("Itens", "Descontos/acréscimos", "Alçadas", "Observações", "Fechamento",
                  "Histórico", "Quantidade múltipla", "próxima quantidade válida: 20",
                  "R$ 90,00", "Atalhos do teclado", 'id="pedido-versao"'):  # fmt: skip
        assert texto in html, texto
    # no inline script anywhere (CSP)
    assert "<script>" not in html and "onclick=" not in html


def test_rep_nao_ve_custos_nem_margens(client, cenario) -> None:
    from contas.models import Parametro

    Parametro.objects.create(empresa=cenario.dono.empresa, chave="vendas_mb_minima", valor="60")
    pedido = criar_pedido(cenario, [(cenario.lampada, "3")])
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    # then the rep sees that the margin is out of range, never the figures
    assert "MB fora da faixa" in html
    assert "MB %" not in html and "MB / MC" not in html
    pedido.refresh_from_db()
    mensagem = next(p["mensagem"] for p in pedido.problemas if p["codigo"] == "margem_bruta")
    assert mensagem not in html
    # and the supervisor (produtos.ver_custos) sees them
    entrar(client, cenario, "supervisor")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert "MB %" in html and mensagem in html


def test_lista_de_pedidos_so_da_carteira(client, cenario) -> None:
    meu = criar_pedido(cenario, [(cenario.parafuso, "20")])
    from vendas.services import pedido_criar

    do_colega = pedido_criar(
        cliente_id=cenario.cliente_colega.pk, ator=cenario.pessoas.usuarios["colega"]
    ).pedido
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-lista")).content.decode()
    assert f">{meu.numero}<" in html and f">{do_colega.numero}<" not in html
    assert "Exportar Excel" in html


@pytest.mark.parametrize("n", [3, 30])
def test_lista_de_pedidos_nao_cresce_em_consultas(
    client, cenario, django_assert_max_num_queries, n
) -> None:
    for _ in range(n):
        criar_pedido(cenario)
    entrar(client, cenario, "dono")
    with django_assert_max_num_queries(10):
        resp = client.get(reverse("vendas:pedido-lista"), {"por_pagina": 50})
    assert resp.status_code == 200


def test_exportar_pedidos_respeita_a_carteira(client, cenario) -> None:
    import io

    from openpyxl import load_workbook

    meu = criar_pedido(cenario, [(cenario.parafuso, "20")])
    from vendas.services import pedido_criar

    pedido_criar(cliente_id=cenario.cliente_colega.pk, ator=cenario.pessoas.usuarios["colega"])
    entrar(client, cenario, "dono")
    resp = client.get(reverse("vendas:pedido-exportar"))
    assert resp.status_code == 200
    planilha = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    numeros = [linha[0] for linha in planilha.iter_rows(min_row=2, values_only=True)]
    assert numeros == [meu.numero]


def test_filtro_por_cliente_e_status(client, cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    entrar(client, cenario, "dono")
    resp = client.get(
        reverse("vendas:pedido-lista"), {"busca": "bom preco", "status": "em_digitacao"}
    )
    assert f">{pedido.numero}<" in resp.content.decode()
    resp = client.get(reverse("vendas:pedido-lista"), {"status": "enviado"})
    assert f">{pedido.numero}<" not in resp.content.decode()


# --- creating ------------------------------------------------------------------------------


def test_novo_pedido_para_cliente_da_carteira(client, cenario) -> None:
    entrar(client, cenario, "dono")
    resp = client.post(
        reverse("vendas:pedido-novo"), {"cliente": cenario.cliente.pk, "tipo": "pedido"}
    )
    pedido = Pedido.objects.get()
    assert resp.status_code == 302 and resp.url == reverse(
        "vendas:pedido-detalhe", args=[pedido.pk]
    )


def test_rep_nao_cria_pedido_para_cliente_de_outra_carteira(client, cenario) -> None:
    entrar(client, cenario, "dono")
    resp = client.post(
        reverse("vendas:pedido-novo"), {"cliente": cenario.cliente_colega.pk, "tipo": "pedido"}
    )
    assert resp.status_code == 200
    assert "não encontrado na sua carteira" in resp.content.decode()
    assert not Pedido.objects.exists()


def test_post_com_campos_que_o_formulario_nao_oferece_e_ignorado(client, cenario) -> None:
    # given a rep creating an order and adding status/representative/approver/commission
    entrar(client, cenario, "dono")
    colega = cenario.pessoas.usuarios["colega"]
    client.post(reverse("vendas:pedido-novo"), {
        "cliente": cenario.cliente.pk, "tipo": "pedido", "status": "enviado",
        "representante": colega.pk, "versao": 99,
    })  # fmt: skip
    pedido = Pedido.objects.get()
    # then none of them sticks
    assert pedido.status == StatusPedido.EM_DIGITACAO and pedido.representante == cenario.dono
    # when changing the header with the same extra fields
    client.post(reverse("vendas:cabecalho-alterar", args=[pedido.pk]), {
        "versao": pedido.versao, "valor_frete": "10,00", "status": "aprovado",
        "representante": colega.pk, "papel_aprovador": "Representante", "nivel_alcada": 1,
    })  # fmt: skip
    # and adding an item with a commission and an approver
    client.post(reverse("vendas:item-adicionar", args=[pedido.pk]), {
        "versao": pedido.versao + 1, "produto": cenario.parafuso.pk, "quantidade": "20",
        "percentual_comissao": "50", "papel_aprovador": "Representante", "nivel_alcada": "1",
    }, HTTP_HX_REQUEST="true")  # fmt: skip
    pedido.refresh_from_db()
    item = pedido.itens.get()
    assert pedido.valor_frete == D("10.00")
    assert pedido.status == StatusPedido.EM_DIGITACAO and pedido.representante == cenario.dono
    assert item.percentual_comissao == D("3")


# --- htmx actions -------------------------------------------------------------------------


@pytest.mark.parametrize(("quem", "esperado"), ACESSO_ESCRITA)
def test_adicionar_item_respeita_a_carteira(client, cenario, quem, esperado) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, quem)
    resp = client.post(
        reverse("vendas:item-adicionar", args=[pedido.pk]),
        {"versao": pedido.versao, "produto": cenario.lampada.pk, "quantidade": "3"},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == esperado
    assert pedido.itens.exists() is (esperado == 200)


def test_adicionar_item_redesenha_so_as_partes(client, cenario) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, "dono")
    resp = client.post(
        reverse("vendas:item-adicionar", args=[pedido.pk]),
        {
            "versao": pedido.versao,
            "produto": cenario.lampada.pk,
            "quantidade": "3",
            "desconto_percentual": "2,5",
        },
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.lstrip().startswith('<div id="pedido-itens"')
    for alvo in ("pedido-totais", "pedido-fechamento", "pedido-alcadas", "pedido-versao",
                 "pedido-historico", "pedido-status"):  # fmt: skip
        assert f'id="{alvo}"' in html
    assert html.count('hx-swap-oob="true"') >= 7
    item = pedido.itens.get()
    assert item.desconto_percentual == D("2.5")
    assert "LAMP-LED" in html and f'value="{pedido.versao + 1}"' in html


def test_alterar_item_com_versao_antiga_mostra_conflito(client, cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    item = pedido.itens.get()
    entrar(client, cenario, "dono")
    resp = client.post(
        reverse("vendas:item-alterar", args=[pedido.pk, item.pk]),
        {"versao": pedido.versao - 1, "quantidade": "30"},
        HTTP_HX_REQUEST="true",
    )
    assert resp["HX-Retarget"] == "#pedido-mensagens"
    assert str(cenario.dono) in resp.content.decode()
    item.refresh_from_db()
    assert item.quantidade == D("20")


@pytest.mark.parametrize(("quem", "esperado"), ACESSO_ESCRITA)
def test_alterar_e_cancelar_item_respeitam_a_carteira(client, cenario, quem, esperado) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    item = pedido.itens.get(sequencia=1)
    entrar(client, cenario, quem)
    resp = client.post(
        reverse("vendas:item-alterar", args=[pedido.pk, item.pk]),
        {"versao": pedido.versao, "quantidade": "30"},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == esperado
    pedido.refresh_from_db()
    resp = client.post(
        reverse("vendas:item-cancelar", args=[pedido.pk, item.pk]),
        {"versao": pedido.versao, "motivo": cenario.motivo.pk},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == esperado
    item.refresh_from_db()
    assert (item.status == "cancelado") is (esperado == 200)


@pytest.mark.parametrize(("quem", "esperado"), [("dono", 200), ("colega", 404), ("sac", 200)])
def test_busca_de_produto_mostra_preco_e_estoque(client, cenario, quem, esperado) -> None:
    pedido = criar_pedido(cenario)
    entrar(client, cenario, quem)
    for termo in ("lamp", "LAMP", "7891234567895", "lâmpada led"):
        resp = client.get(reverse("vendas:produto-buscar", args=[pedido.pk]), {"q": termo})
        assert resp.status_code == esperado
        if esperado == 200:
            html = resp.content.decode()
            assert "LAMP-LED" in html and "R$ 20,00" in html and "estoque 50" in html, termo


def test_busca_de_cliente_so_da_carteira(client, cenario) -> None:
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:cliente-buscar"), {"q": "loja"}).content.decode()
    assert "Loja do Colega" not in html
    html = client.get(reverse("vendas:cliente-buscar"), {"q": "mercado"}).content.decode()
    assert "Mercado Bom Preço" in html


@pytest.mark.parametrize(("quem", "esperado"), [("dono", 302), ("colega", 404), ("sac", 404)])
def test_enviar_respeita_a_carteira(client, cenario, quem, esperado) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    entrar(client, cenario, quem)
    resp = client.post(reverse("vendas:pedido-enviar", args=[pedido.pk]), {"versao": pedido.versao})
    assert resp.status_code == esperado
    pedido.refresh_from_db()
    assert (pedido.status == StatusPedido.ENVIADO) is (esperado == 302)


def test_enviar_com_problema_volta_ao_fechamento(client, cenario) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "15"), (cenario.lampada, "3")])
    entrar(client, cenario, "dono")
    resp = client.post(
        reverse("vendas:pedido-enviar", args=[pedido.pk]), {"versao": pedido.versao}, follow=True
    )
    html = resp.content.decode()
    assert "impede o envio" in html and "aba=fechamento" in resp.redirect_chain[-1][0]


# --- approval queue ------------------------------------------------------------------------


def _aguardando(client, cenario) -> tuple[Pedido, SolicitacaoAprovacao]:
    from vendas.services import item_alterar, pedido_enviar

    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    item = pedido.itens.get(sequencia=2)
    item_alterar(pedido_id=pedido.pk, item_id=item.pk, versao=pedido.versao,
                 dados={"desconto_percentual": D("10")}, ator=cenario.dono)  # fmt: skip
    pedido.refresh_from_db()
    pedido_enviar(pedido_id=pedido.pk, versao=pedido.versao, ator=cenario.dono,
                  justificativa="Concorrente ofereceu 10 %")  # fmt: skip
    pedido.refresh_from_db()
    return pedido, SolicitacaoAprovacao.objects.get(pedido=pedido)


@pytest.mark.parametrize(("quem", "esperado", "na_fila"), [
    ("supervisor", 200, True), ("supervisor_outro", 200, False), ("admin", 200, True),
    ("dono", 403, False), ("sac", 403, False),
])  # fmt: skip
def test_fila_de_aprovacao(client, cenario, quem, esperado, na_fila) -> None:
    pedido, _ = _aguardando(client, cenario)
    entrar(client, cenario, quem)
    resp = client.get(reverse("vendas:aprovacao-fila"))
    assert resp.status_code == esperado
    if esperado == 200:
        html = resp.content.decode()
        assert (str(pedido.numero) in html) is na_fila
        if na_fila:
            assert "Concorrente ofereceu 10 %" in html


def test_fila_de_aprovacao_nao_cresce_em_consultas(
    client, cenario, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        _aguardando(client, cenario)
    entrar(client, cenario, "supervisor")
    with django_assert_max_num_queries(8):
        client.get(reverse("vendas:aprovacao-fila"))


@pytest.mark.parametrize(("quem", "esperado"), [
    ("supervisor", 302), ("supervisor_outro", 404), ("dono", 403),
])  # fmt: skip
def test_decidir_aprovacao(client, cenario, quem, esperado) -> None:
    pedido, solicitacao = _aguardando(client, cenario)
    entrar(client, cenario, quem)
    url = reverse("vendas:aprovacao-decidir", args=[solicitacao.pk])
    if esperado == 302:
        html = client.get(url).content.decode()
        assert "Concorrente ofereceu 10 %" in html and "Desconto efetivo" in html
        # the form carries the version the supervisor is looking at (hidden input)
        assert f'name="versao" value="{pedido.versao}"' in html
    resp = client.post(url, {"versao": pedido.versao, "decisao": "aprovar", "comentario": "ok"})
    assert resp.status_code == esperado
    pedido.refresh_from_db()
    assert (pedido.status == StatusPedido.APROVADO) is (esperado == 302)


def test_recusar_sem_comentario_mantem_o_formulario(client, cenario) -> None:
    pedido, solicitacao = _aguardando(client, cenario)
    entrar(client, cenario, "supervisor")
    resp = client.post(
        reverse("vendas:aprovacao-decidir", args=[solicitacao.pk]),
        {"versao": pedido.versao, "decisao": "recusar", "comentario": ""},
    )
    assert resp.status_code == 200 and "por que recusou" in resp.content.decode()
    pedido.refresh_from_db()
    assert pedido.status == StatusPedido.AGUARDANDO_APROVACAO


def test_menu_tem_pedidos(client, cenario) -> None:
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-lista")).content.decode()
    assert 'href="/vendas/"' in html


def test_incluir_item_num_pedido_com_itens_redesenha_so_a_linha_nova(client, cenario) -> None:
    # given an order with 3 items on screen
    pedido = criar_pedido(
        cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3"), (cenario.cabo, "1")]
    )
    entrar(client, cenario, "dono")
    # when the rep adds one more item
    resp = client.post(
        reverse("vendas:item-adicionar", args=[pedido.pk]),
        {"versao": pedido.versao, "produto": cenario.lampada.pk, "quantidade": "2"},
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    novo = pedido.itens.get(sequencia=4)
    antigos = pedido.itens.exclude(pk=novo.pk)
    # then only the new row goes out (appended), with totals, closing tab and version
    assert resp.status_code == 200 and resp["HX-Reswap"] == "none"
    assert f'id="item-{novo.pk}"' in html and "beforeend:#itens-corpo" in html
    assert not any(f'id="item-{i.pk}"' in html for i in antigos)
    for parte in ('id="pedido-totais"', 'id="pedido-fechamento"', 'id="pedido-versao"',
                  "afterbegin:#historico-lista", "Item incluído"):  # fmt: skip
        assert parte in html, parte


def test_alterar_desconto_do_pedido_redesenha_todas_as_linhas(client, cenario) -> None:
    # given an order with 2 items
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20"), (cenario.lampada, "3")])
    entrar(client, cenario, "dono")
    # when the header discount changes (every item's values change)
    resp = client.post(
        reverse("vendas:cabecalho-alterar", args=[pedido.pk]),
        {"versao": pedido.versao, "desconto_percentual": "2"},
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    # then the whole items table is redrawn (the usual swap), with every row
    assert resp.status_code == 200 and "HX-Reswap" not in resp
    assert all(f'id="item-{i.pk}"' in html for i in pedido.itens.all())


def test_fechamento_nao_repete_o_rotulo_do_item(client, cenario) -> None:
    # given an item with a multiple-quantity problem
    pedido = criar_pedido(cenario, [(cenario.parafuso, "15")])
    item = pedido.itens.get()
    entrar(client, cenario, "dono")
    # when the closing tab is shown
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    # then the item is named once (the link), the reason follows without repeating it
    assert "Item 1 (PAR-001)</a>" in html
    assert "Item 1 (PAR-001): a quantidade" not in html
    assert "A quantidade 15 não é múltiplo de 10" in html
    assert item.problemas[0]["mensagem"].startswith("Item 1 (PAR-001): a quantidade")


def test_cabecalho_liga_o_contrato_e_a_oportunidade_do_pedido(client, cenario) -> None:
    import datetime as dt

    from vendas.models import Contrato, EtapaFunil, Oportunidade

    # given an order placed under a contract, answering an opportunity
    pedido = criar_pedido(cenario, [(cenario.lampada, "1")])
    contrato = Contrato.objects.create(
        numero=77, empresa=pedido.empresa, cliente=cenario.cliente, representante=cenario.dono,
        descricao="Fornecimento 2027", vigencia_inicio=dt.date(2026, 1, 1),
        vigencia_fim=dt.date(2027, 12, 31),
    )  # fmt: skip
    etapa = EtapaFunil.objects.create(codigo="PROP", descricao="Proposta", ordem=1)
    oportunidade = Oportunidade.objects.create(
        titulo="Loja nova", empresa=pedido.empresa, cliente=cenario.cliente,
        representante=cenario.dono, etapa=etapa,
    )  # fmt: skip
    Pedido.objects.filter(pk=pedido.pk).update(contrato=contrato, oportunidade=oportunidade)
    entrar(client, cenario, "dono")
    # when the rep opens it
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    # then the header links both, and the client's contracts and opportunities
    assert reverse("vendas:contrato-detalhe", args=[contrato.pk]) in html and "contrato 77" in html
    assert reverse("vendas:oportunidade-detalhe", args=[oportunidade.pk]) in html
    assert f"{reverse('vendas:contrato-lista')}?cliente={cenario.cliente.pk}" in html
    assert f"{reverse('vendas:oportunidade-lista')}?cliente={cenario.cliente.pk}" in html


def test_cabecalho_nao_oferece_nem_aceita_registro_inativo(client, cenario) -> None:
    from vendas.models import CondicaoPagamento, OrigemPedido, TipoPedido

    # given a retired payment condition, an active one, and an order on the retired one
    antiga = CondicaoPagamento.objects.create(codigo="90DD", descricao="90 dias", ativo=False)
    nova = CondicaoPagamento.objects.create(codigo="30DD", descricao="30 dias")
    TipoPedido.objects.create(codigo="BONIF", descricao="Bonificação")
    OrigemPedido.objects.create(codigo="NEOGRID", descricao="Neogrid")
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    # then the header offers the active conditions, the order type and origin, not the retired
    assert "30 dias" in html and "90 dias" not in html
    assert 'id="id_tipo_pedido"' in html and "Bonificação" in html
    assert 'id="id_origem"' in html and "Neogrid" in html
    # when a crafted POST picks the retired one
    resp = client.post(reverse("vendas:cabecalho-alterar", args=[pedido.pk]),
                       {"versao": pedido.versao, "condicao_pagamento": antiga.pk},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    pedido.refresh_from_db()
    # then it is refused with a message and nothing changes
    assert "escolha válida" in resp.content.decode().lower()
    assert pedido.condicao_pagamento_id is None
    # and an order already on a condition retired since keeps showing and saving it
    client.post(reverse("vendas:cabecalho-alterar", args=[pedido.pk]),
                {"versao": pedido.versao, "condicao_pagamento": nova.pk},
                HTTP_HX_REQUEST="true")  # fmt: skip
    CondicaoPagamento.objects.filter(pk=nova.pk).update(ativo=False)
    pedido.refresh_from_db()
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert "30 dias" in html
    resp = client.post(reverse("vendas:cabecalho-alterar", args=[pedido.pk]),
                       {"versao": pedido.versao, "valor_frete": "5,00"},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    pedido.refresh_from_db()
    assert pedido.condicao_pagamento_id == nova.pk and pedido.valor_frete == D("5.00")


@pytest.mark.parametrize(("quem", "esperado"), ACESSO_LEITURA)
def test_historico_mostra_todos_os_eventos_em_paginas(client, cenario, quem, esperado) -> None:
    from vendas.models import PedidoEvento
    from vendas.selectors import HISTORICO_PAGINA

    # given an order with more events than one page holds
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    PedidoEvento.objects.bulk_create(
        PedidoEvento(pedido=pedido, tipo="recalculado", versao=pedido.versao,
                     dados={"motivo": f"evento {n}"})
        for n in range(HISTORICO_PAGINA + 20)
    )  # fmt: skip
    total = pedido.eventos.count()
    entrar(client, cenario, quem)
    resp = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk]))
    assert resp.status_code == esperado
    if esperado != 200:
        url = reverse("vendas:pedido-historico", args=[pedido.pk])
        assert client.get(url).status_code == 404
        return
    # then the tab shows one page and a button for the older ones
    ids = [e.pk for e in resp.context["eventos"]]
    assert len(ids) == HISTORICO_PAGINA and "Mostrar eventos anteriores" in resp.content.decode()
    # when the rep asks for them (and an event is written meanwhile)
    PedidoEvento.objects.create(pedido=pedido, tipo="recalculado", versao=pedido.versao)
    mais = client.get(reverse("vendas:pedido-historico", args=[pedido.pk]),
                      {"antes": ids[-1]}, HTTP_HX_REQUEST="true")  # fmt: skip
    # then every remaining event comes, none repeated, and no more button
    resto = [e.pk for e in mais.context["eventos"]]
    assert len(ids) + len(resto) == total and not set(ids) & set(resto)
    assert 'hx-swap-oob="beforeend:#historico-lista"' in mais.content.decode()
    assert "Mostrar eventos anteriores" not in mais.content.decode()
    # and a bad cursor is a 404, not an error
    assert client.get(reverse("vendas:pedido-historico", args=[pedido.pk]),
                      {"antes": "x"}).status_code == 404  # fmt: skip


@pytest.mark.parametrize(("quem", "ve_botao", "esperado"),
                         [("dono", True, 302), ("supervisor", True, 302), ("sac", False, 404),
                          ("colega", False, 404)])  # fmt: skip
def test_cancelar_pedido_pela_tela_com_motivo(client, cenario, quem, ve_botao, esperado) -> None:
    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    entrar(client, cenario, quem)
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert ("Motivo do cancelamento" in html) is ve_botao
    url = reverse("vendas:pedido-cancelar", args=[pedido.pk])
    # without a reason: refused, nothing changes
    if esperado == 302:
        client.post(url, {"versao": pedido.versao, "motivo": " "})
        pedido.refresh_from_db()
        assert pedido.status == StatusPedido.EM_DIGITACAO
    resp = client.post(url, {"versao": pedido.versao, "motivo": "Cliente desistiu"})
    assert resp.status_code == esperado
    pedido.refresh_from_db()
    if esperado == 302:
        assert pedido.status == StatusPedido.CANCELADO
        evento = pedido.eventos.get(tipo="cancelado")
        assert evento.dados["motivo"] == "Cliente desistiu"
        html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
        assert "Motivo do cancelamento" not in html  # a cancelled order cannot be cancelled
    else:
        assert pedido.status == StatusPedido.EM_DIGITACAO


def test_cabecalho_do_cliente_leva_aos_titulos_a_receber(client, cenario) -> None:
    from django.contrib.auth.models import Permission

    pedido = criar_pedido(cenario, [(cenario.parafuso, "20")])
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    url = reverse("cadastro:cliente-detalhe", args=[cenario.cliente.pk]) + "?aba=financeiro"
    assert f'href="{url}">Títulos a receber' in html
    assert client.get(url).status_code == 200
    # without the permission to see receivables, no link
    dono = cenario.dono
    for grupo in dono.groups.all():
        grupo.permissions.remove(Permission.objects.get(codename="view_tituloreceber"))
    entrar(client, cenario, "dono")
    html = client.get(reverse("vendas:pedido-detalhe", args=[pedido.pk])).content.decode()
    assert "Títulos a receber" not in html
