"""A SAC agent opens a ticket from the order's SAC tab, starts its execution and closes it with
a solution; the ticket then shows in the order's SAC tab with its response time."""

from __future__ import annotations

from tests.atendimento.conftest import registros  # noqa: F401  (fixture)
from tests.e2e.conftest import entrar
from tests.vendas.conftest import cenario, criar_pedido  # noqa: F401  (fixture)


def test_sac_abre_chamado_pela_aba_sac_do_pedido_e_encerra(
    pagina,
    screenshot,
    cenario,  # noqa: F811
    registros,  # noqa: F811
):
    from atendimento.models import Chamado

    pedido = criar_pedido(cenario, [(cenario.lampada, "2")])
    page = pagina
    entrar(page, "sac")
    page.goto(f"/vendas/{pedido.pk}/?aba=sac")
    assert page.is_visible("#aba-sac")
    assert "Nenhum chamado para este pedido" in page.inner_text("#aba-sac")
    page.click("#abrir-chamado")

    # the new-ticket form comes prefilled with the client and this order
    page.wait_for_selector("#form-chamado")
    assert cenario.cliente.nome in page.inner_text("#chamado-cliente")
    assert page.input_value("#id_pedido") == str(pedido.pk)
    page.select_option("#id_canal", str(registros.canal.pk))
    page.select_option("#id_tipo", str(registros.tipo.pk))
    # type → reason: the options come from the server
    page.wait_for_selector(f"#id_motivo option[value='{registros.motivo.pk}']", state="attached")
    page.select_option("#id_motivo", str(registros.motivo.pk))
    page.fill("#id_assunto", "Lâmpadas queimadas")
    page.fill("#id_descricao", "Duas lâmpadas chegaram sem acender.")
    page.fill("#busca-produto", "LAMP")
    page.click("#produto-opcoes [data-produto]")
    page.wait_for_selector("#produto-escolhido")
    screenshot(page, "atendimento_01_novo")
    page.click("#form-chamado button[type=submit]")

    # back on the ticket: start the execution, close with a solution
    page.wait_for_selector("#form-iniciar")
    chamado = Chamado.objects.get()
    assert chamado.pedido_id == pedido.pk and chamado.produto_id == cenario.lampada.pk
    page.click("#form-iniciar button[type=submit]")
    page.wait_for_selector("#form-encerrar")
    # the solution is required (the browser asks for it; the server refuses it too)
    assert page.get_attribute("#form-encerrar textarea", "required") is not None
    page.fill("#form-encerrar textarea", "Lâmpadas trocadas na próxima entrega.")
    page.click("#form-encerrar button[type=submit]")
    page.wait_for_selector("#form-reabrir")
    screenshot(page, "atendimento_02_encerrado")
    chamado.refresh_from_db()
    assert chamado.status == "encerrado" and chamado.primeira_resposta_em is not None

    # the order's SAC tab lists it
    page.click(f"a[href='/vendas/{pedido.pk}/?aba=sac']")
    page.wait_for_selector("#tabela-sac")
    linha = page.inner_text("#tabela-sac tbody tr")
    assert str(chamado.numero) in linha and "Encerrado" in linha
    screenshot(page, "atendimento_03_aba_sac")
    assert page.erros_js == []
