"""The sales funnel in a real browser: the rep creates an opportunity choosing the client in the
lookup, moves its card on the board with the keyboard-accessible "Mover" form (htmx swaps the
board: counts and sums follow), is told a loss needs a reason, loses it with a reason, and
from another opportunity opens a quote linked to it."""

from __future__ import annotations

from decimal import Decimal

from tests.e2e.conftest import entrar
from tests.vendas.conftest import cenario  # noqa: F401  (fixture)

D = Decimal


def _etapas() -> dict[str, object]:
    from vendas.constants import ResultadoEtapa
    from vendas.models import EtapaFunil, MotivoPerda

    MotivoPerda.objects.create(codigo="PRECO", descricao="Preço acima do concorrente")
    dados = [("PROSP", "Prospecção", 10, "10", ResultadoEtapa.ABERTA),
             ("PROPO", "Proposta", 30, "50", ResultadoEtapa.ABERTA),
             ("GANHA", "Ganha", 90, "100", ResultadoEtapa.GANHA),
             ("PERDA", "Perdida", 91, "0", ResultadoEtapa.PERDIDA)]  # fmt: skip
    return {
        codigo: EtapaFunil.objects.create(
            codigo=codigo, descricao=nome, ordem=ordem, probabilidade=D(prob), resultado=res
        )
        for codigo, nome, ordem, prob, res in dados
    }


def test_funil_do_cadastro_ao_orcamento(pagina, screenshot, cenario):  # noqa: F811
    from vendas.constants import ResultadoEtapa, TipoDocumento
    from vendas.models import Oportunidade, Pedido

    etapas = _etapas()
    page = pagina
    entrar(page, "dono")
    # create: client from the lookup, value in pt-BR
    page.goto("/vendas/oportunidades/nova/")
    page.fill("#busca-cliente", "Mercado")
    page.click("#cliente-opcoes a[data-escolher-cliente]")
    assert "Mercado Bom Preço" in page.inner_text("#cliente-escolhido")
    page.fill("#id_titulo", "Kit de iluminação LED")
    page.fill("#id_valor_estimado", "12.500,00")
    page.click("button:has-text('Criar oportunidade')")
    page.wait_for_url("**/vendas/oportunidades/*/")
    op = Oportunidade.objects.get()
    assert op.cliente == cenario.cliente and op.representante == cenario.dono
    assert "R$ 12.500,00" in page.inner_text("main")

    # the board: the card is in Prospecção; move it with the keyboard
    page.goto("/vendas/oportunidades/funil/")
    coluna = f"section[data-etapa='{etapas['PROSP'].pk}']"
    assert "Kit de iluminação LED" in page.inner_text(coluna)
    cartao = f"#oportunidade-{op.pk}"
    page.focus(f"{cartao} details.mover summary")
    page.keyboard.press("Enter")
    page.select_option(f"#mover-etapa-{op.pk}", label="Proposta")
    page.focus(f"{cartao} button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=agora está em Proposta")
    proposta = f"section[data-etapa='{etapas['PROPO'].pk}']"
    assert "Kit de iluminação LED" in page.inner_text(proposta)
    assert "ponderado R$ 6.250,00" in page.inner_text(proposta)
    screenshot(page, "funil_movido")

    # a loss without a reason is refused on the board, with the reason it closes
    page.click(f"{cartao} details.mover summary")
    page.select_option(f"#mover-etapa-{op.pk}", label="Perdida (encerra: perdida)")
    page.click(f"{cartao} button[type=submit]")
    page.wait_for_selector("[role=alert]:has-text('motivo da perda')")
    page.click(f"{cartao} details.mover summary")
    page.select_option(f"#mover-etapa-{op.pk}", label="Perdida (encerra: perdida)")
    page.select_option(f"#mover-motivo-{op.pk}", label="Preço acima do concorrente")
    page.click(f"{cartao} button[type=submit]")
    page.wait_for_selector("text=perdida.")
    assert page.locator(cartao).count() == 0
    op.refresh_from_db()
    assert op.resultado == ResultadoEtapa.PERDIDA and op.motivo_perda is not None

    # another opportunity: "Novo orçamento" opens a quote linked to it
    outra = Oportunidade.objects.create(
        titulo="Reposição", empresa=cenario.dono.empresa, cliente=cenario.cliente,
        representante=cenario.dono, etapa=etapas["PROPO"], probabilidade=D(50),
    )  # fmt: skip
    page.goto(f"/vendas/oportunidades/{outra.pk}/")
    page.click("button:has-text('Novo orçamento')")
    page.wait_for_url("**/vendas/*/")
    orcamento = Pedido.objects.get(oportunidade=outra)
    assert orcamento.tipo == TipoDocumento.ORCAMENTO
    assert page.url.endswith(f"/vendas/{orcamento.pk}/")
    assert not page.erros_js
