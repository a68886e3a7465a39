"""isoVendas indicators page (`vendas:indicadores`): revenue per rep, clients per portfolio,
best-selling products, opportunities per funnel stage and quote conversion, with targets.

The figures come from `vendas.indicadores` over the user's scoped querysets (a rep: their own
portfolio; a supervisor: the team's; an administrator: everything). The period selector, the
period shortcuts, the indicator cards, the target evaluation and the SVG charts are cadastro's
(`cadastro.forms_indicadores.PeriodoForm`, `cadastro.views.indicadores.Cartao`,
`cadastro.indicadores.Avaliacao`, `crm.graficos` + `includes/grafico_*.svg.html`).

Who: the roles that sell (Representante, Supervisor, Administrador: `view_pedido` and
`add_oportunidade`); SAC only reads orders and gets 403 here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cadastro.forms_indicadores import PeriodoForm
from cadastro.indicadores import Avaliacao, Periodo, percentual
from cadastro.models import Carteira, Cliente
from cadastro.views.indicadores import Cartao
from crm.graficos import Grafico, Item, barras_horizontais
from crm.listas import TIPO_XLSX
from crm.templatetags.formatos import brl, milhar
from crm.templatetags.formatos import percentual as fmt_pct
from crm.xlsx import Coluna, exportar_xlsx
from vendas import indicadores as ind
from vendas.constants import IndicadorVenda
from vendas.models import Oportunidade, Pedido

__all__ = ["indicadores_vendas", "indicadores_vendas_exportar"]

PERMISSOES = ("vendas.view_pedido", "vendas.add_oportunidade")
# Reps drawn in the revenue chart (the table lists all of them).
REPS_NO_GRAFICO = 15
CARTEIRAS_NO_GRAFICO = 15


class CartaoVenda(Cartao):
    """cadastro's indicator card, with money ("R$") as a third unit besides "%" and "n"."""

    def _texto(self, valor: Decimal | int | None) -> str | None:
        if self.unidade != "R$":
            return None
        return "–" if valor is None else brl(valor)

    @property
    def valor_texto(self) -> str:
        texto = self._texto(self.valor)
        return texto if texto is not None else super().valor_texto

    @property
    def anterior_texto(self) -> str:
        texto = self._texto(self.anterior)
        return texto if texto is not None else super().anterior_texto

    @property
    def delta(self) -> Decimal | None:
        if self.unidade == "R$" and self.valor is not None and self.anterior is not None:
            return Decimal(self.valor) - Decimal(self.anterior)
        return super().delta

    @property
    def delta_texto(self) -> str:
        if self.unidade != "R$":
            return super().delta_texto
        delta = self.delta
        if delta is None:
            return ""
        sinal = "+" if delta > 0 else ("−" if delta < 0 else "")
        return f"{sinal}{brl(abs(delta))}"

    @property
    def meta_texto(self) -> str:
        if self.avaliacao and self.unidade == "R$":
            return brl(self.avaliacao.meta.valor_meta)
        return super().meta_texto

    @property
    def realizado_texto(self) -> str:
        if self.avaliacao and self.unidade == "R$":
            return brl(self.avaliacao.realizado)
        return super().realizado_texto


def _atalhos(hoje: dt.date) -> list[tuple[str, Periodo]]:
    mes = Periodo.mes(hoje)
    return [
        ("Mês atual", mes),
        ("Mês anterior", mes.anterior()),
        ("Últimos 3 meses", Periodo.meses(hoje, 3)),
        ("Últimos 12 meses", Periodo.meses(hoje, 12)),
        ("Ano atual", Periodo.ano(hoje)),
    ]


def _url(periodo: Periodo) -> str:
    return reverse("vendas:indicadores") + "?" + urlencode(PeriodoForm.parametros(periodo))


def _linhas_representantes(
    medicao: ind.Medicao,
    periodo: Periodo,
    anterior: Periodo,
    metas: list[Any],
    hoje: dt.date,
    conversoes: ind.Conversoes,
) -> list[dict[str, Any]]:
    """One row per rep with sales, won opportunities or a target; targets evaluated."""
    metas_rep: dict[int, dict[str, Avaliacao]] = {}
    nomes = dict(medicao.nomes)
    for meta in metas:
        if meta.representante_id is None:
            continue
        metas_rep.setdefault(meta.representante_id, {})[meta.indicador] = ind.avaliar(
            meta, medicao, hoje
        )
        nomes.setdefault(
            meta.representante_id,
            meta.representante.get_full_name() or meta.representante.username,
        )
    reps = set(medicao.por_rep.get(periodo, {})) | set(metas_rep)
    linhas: list[dict[str, Any]] = []
    for rep in reps:
        atual = medicao.de(periodo, rep)
        linhas.append(
            {
                "id": rep,
                "nome": nomes.get(rep, "Sem representante"),
                "valores": atual,
                "anterior": medicao.de(anterior, rep),
                "metas": metas_rep.get(rep, {}),
            }
        )
    linhas.sort(key=lambda linha: (-linha["valores"].faturamento, linha["nome"]))
    return linhas


def _cartoes(
    medicao: ind.Medicao,
    periodo: Periodo,
    anterior: Periodo,
    avaliacoes: dict[str, Avaliacao],
    conversoes: ind.Conversoes,
    funil: ind.Funil,
) -> list[Cartao]:
    atual, antes = medicao.de(periodo, None), medicao.de(anterior, None)
    return [
        CartaoVenda(
            indicador=IndicadorVenda.FATURAMENTO,
            titulo="Faturamento (pedidos enviados)",
            valor=atual.faturamento,
            unidade="R$",
            detalhe=f"{milhar(atual.pedidos)} pedidos enviados",
            anterior=antes.faturamento,
            avaliacao=avaliacoes.get(IndicadorVenda.FATURAMENTO),
            como=ind.COMO_CALCULADO["faturamento"],
        ),
        CartaoVenda(
            indicador=IndicadorVenda.PEDIDOS,
            titulo="Pedidos enviados",
            valor=atual.pedidos,
            unidade="n",
            detalhe=(
                "Ticket médio " + (brl(atual.faturamento / atual.pedidos) if atual.pedidos else "–")
            ),
            anterior=antes.pedidos,
            avaliacao=avaliacoes.get(IndicadorVenda.PEDIDOS),
            como=ind.COMO_CALCULADO["pedidos"],
        ),
        CartaoVenda(
            indicador=IndicadorVenda.CLIENTES_POSITIVADOS,
            titulo="Clientes positivados",
            valor=atual.positivados,
            unidade="n",
            detalhe="clientes com pedido enviado no período",
            anterior=antes.positivados,
            avaliacao=avaliacoes.get(IndicadorVenda.CLIENTES_POSITIVADOS),
            como=ind.COMO_CALCULADO["positivados"],
        ),
        CartaoVenda(
            indicador=IndicadorVenda.OPORTUNIDADES_GANHAS,
            titulo="Oportunidades ganhas",
            valor=atual.ganhas_valor,
            unidade="R$",
            detalhe=(
                f"{milhar(atual.ganhas_quantidade)} ganhas · taxa de ganho "
                f"{fmt_pct(funil.taxa_ganho)} (ganhas ÷ fechadas)"
            ),
            anterior=antes.ganhas_valor,
            avaliacao=avaliacoes.get(IndicadorVenda.OPORTUNIDADES_GANHAS),
            como=ind.COMO_CALCULADO["ganhas"],
        ),
        CartaoVenda(
            indicador="conversao",
            titulo="Conversão de orçamentos",
            valor=conversoes.total.taxa,
            unidade="%",
            detalhe=(
                f"{milhar(conversoes.total.convertidos)} de "
                f"{milhar(conversoes.total.orcamentos)} orçamentos viraram pedido"
            ),
            anterior=None,
            avaliacao=None,
            como=ind.COMO_CALCULADO["conversao"],
        ),
    ]


def _graficos(
    linhas_rep: list[dict[str, Any]],
    carteiras: list[ind.CarteiraClientes],
    por_quantidade: list[ind.ProdutoVendido],
    por_valor: list[ind.ProdutoVendido],
    funil: ind.Funil,
) -> dict[str, Grafico]:
    def texto_rep(linha: dict[str, Any]) -> str:
        texto = brl(linha["valores"].faturamento)
        avaliacao = linha["metas"].get(IndicadorVenda.FATURAMENTO)
        if avaliacao is not None:
            pct = percentual(avaliacao.realizado or 0, avaliacao.meta.valor_meta)
            texto += f" · {fmt_pct(pct, 0)} da meta"
        return texto

    reps = linhas_rep[:REPS_NO_GRAFICO]
    faturamento = barras_horizontais(
        [
            Item(
                linha["nome"],
                linha["valores"].faturamento,
                texto_rep(linha),
                destaque=bool(
                    (av := linha["metas"].get(IndicadorVenda.FATURAMENTO))
                    and av.situacao == "alerta"
                ),
            )
            for linha in reps
        ],
        titulo="Faturamento por representante",
        descricao="Faturamento de pedidos enviados no período: "
        + "; ".join(f"{linha['nome']}: {texto_rep(linha)}" for linha in reps),
        largura_texto=210,
    )
    cart = carteiras[:CARTEIRAS_NO_GRAFICO]
    clientes = barras_horizontais(
        [
            Item(
                c.rotulo,
                c.clientes,
                f"{milhar(c.clientes)} · {milhar(c.positivados)} positivados",
            )
            for c in cart
        ],
        titulo="Clientes por carteira",
        descricao="Clientes por carteira e positivados no período: "
        + "; ".join(f"{c.rotulo}: {c.clientes} ({c.positivados} positivados)" for c in cart),
        largura_rotulo=230,
        largura_texto=170,
    )

    def produtos(lista: list[ind.ProdutoVendido], *, por_valor: bool) -> Grafico:
        def texto(p: ind.ProdutoVendido) -> str:
            return brl(p.valor) if por_valor else f"{milhar(p.quantidade)} {p.unidade}"

        return barras_horizontais(
            [Item(p.rotulo, p.valor if por_valor else p.quantidade, texto(p)) for p in lista],
            titulo=f"Produtos mais vendidos por {'valor' if por_valor else 'quantidade'}",
            descricao="; ".join(f"{p.rotulo}: {texto(p)}" for p in lista),
            largura_rotulo=230,
            largura_texto=130,
        )

    abertas = funil.abertas
    etapas = ind.funil_grafico(
        [
            Item(
                e.descricao,
                e.quantidade,
                f"{milhar(e.quantidade)} · {brl(e.valor)}",
            )
            for e in abertas
        ],
        titulo="Funil de vendas (oportunidades em andamento)",
        descricao="Oportunidades em andamento por etapa: "
        + "; ".join(f"{e.descricao}: {e.quantidade} ({brl(e.valor)})" for e in abertas),
    )
    return {
        "faturamento": faturamento,
        "clientes": clientes,
        "produtos_quantidade": produtos(por_quantidade, por_valor=False),
        "produtos_valor": produtos(por_valor, por_valor=True),
        "funil": etapas,
    }


def _contexto(request: HttpRequest) -> dict[str, Any]:
    """Every figure of the page for the period in the query string (page and export)."""
    user: Any = request.user
    hoje = timezone.localdate()
    escolheu = "inicio" in request.GET or "fim" in request.GET
    form_periodo = PeriodoForm(request.GET if escolheu else None)
    periodo = form_periodo.periodo(hoje)
    if not escolheu:
        form_periodo = PeriodoForm(initial={"inicio": periodo.inicio, "fim": periodo.fim})
    anterior = periodo.anterior()

    clientes = Cliente.objects.visiveis_para(user)
    pedidos = Pedido.objects.visiveis_para(user)
    oportunidades = Oportunidade.objects.visiveis_para(user)
    restrito = bool(clientes.query.where)
    representantes = (
        Carteira.objects.visiveis_para(user).values("representante_id") if restrito else None
    )
    referencia = max(periodo.inicio, min(periodo.fim, hoje))
    metas = ind.metas_vigentes(getattr(user, "empresa_id", None), referencia, representantes)
    periodos = [periodo, anterior, *(Periodo(m.periodo_inicio, m.periodo_fim) for m in metas)]
    medicao = ind.medir(pedidos, oportunidades, periodos)
    avaliacoes = {
        m.indicador: ind.avaliar(m, medicao, hoje) for m in metas if m.representante_id is None
    }
    conversoes = ind.conversao_orcamentos(pedidos, periodo)
    funil = ind.oportunidades_por_etapa(oportunidades, periodo)
    carteiras = ind.clientes_por_carteira(clientes, pedidos, periodo)
    por_quantidade, por_valor = ind.produtos_mais_vendidos(pedidos, periodo)
    linhas_rep = _linhas_representantes(medicao, periodo, anterior, metas, hoje, conversoes)
    cruzadas = ind.venda_cruzada(pedidos, periodo)
    upsell = ind.up_selling(pedidos, periodo)

    return {
        "form_periodo": form_periodo,
        "periodo": periodo,
        "anterior": anterior,
        "em_andamento": periodo.em_andamento(hoje),
        "restrito": restrito,
        "atalhos": [(rotulo, p, _url(p)) for rotulo, p in _atalhos(hoje)],
        "cartoes": _cartoes(medicao, periodo, anterior, avaliacoes, conversoes, funil),
        "linhas_rep": linhas_rep,
        "carteiras": carteiras,
        "total_clientes": sum(c.clientes for c in carteiras),
        "total_positivados": sum(c.positivados for c in carteiras),
        "por_quantidade": por_quantidade,
        "por_valor": por_valor,
        "funil": funil,
        "conversoes": conversoes,
        "cruzadas": cruzadas,
        "upsell": upsell,
        "graficos": _graficos(linhas_rep, carteiras, por_quantidade, por_valor, funil),
        "como": ind.COMO_CALCULADO,
        "metas": metas,
        "pode_gerir_metas": user.has_perm("vendas.add_metavenda"),
        "indicadores_meta": IndicadorVenda,
        "url_exportar": reverse("vendas:indicadores-exportar")
        + "?"
        + urlencode(PeriodoForm.parametros(periodo)),
    }


@login_required
@permission_required(PERMISSOES, raise_exception=True)
@require_GET
def indicadores_vendas(request: HttpRequest) -> HttpResponse:
    return render(request, "vendas/indicadores.html", _contexto(request))


# --- xlsx export -----------------------------------------------------------------------------

SITUACOES = {"ok": "Atingida", "alerta": "Abaixo da meta", "andamento": "Em andamento"}
UNIDADES = {"R$": "R$", "n": "quantidade", "%": "%"}


def _linhas_exportacao(contexto: dict[str, Any]) -> list[list[Any]]:
    """The figures of every block of the page, one row per figure (long format: a pivot
    table in Excel rebuilds any block). Columns: bloco, item, medida, unidade, período,
    período anterior, meta, início/fim da meta, realizado no período da meta, situação."""
    linhas: list[list[Any]] = []

    def linha(
        bloco: str,
        item: str,
        medida: str,
        unidade: str,
        valor: Decimal | int | None,
        anterior: Decimal | int | None = None,
        avaliacao: Avaliacao | None = None,
    ) -> None:
        meta = avaliacao.meta if avaliacao else None
        linhas.append(
            [
                bloco, item, medida, unidade,
                None if valor is None else Decimal(valor),
                None if anterior is None else Decimal(anterior),
                meta.valor_meta if meta else None,
                meta.periodo_inicio if meta else None,
                meta.periodo_fim if meta else None,
                Decimal(avaliacao.realizado) if avaliacao and avaliacao.realizado is not None
                else None,
                SITUACOES.get(avaliacao.situacao, "") if avaliacao else "",
            ]
        )  # fmt: skip

    resumo = "Resumo"
    for cartao in contexto["cartoes"]:
        linha(
            resumo, "Total", cartao.titulo, UNIDADES[cartao.unidade], cartao.valor,
            cartao.anterior, cartao.avaliacao,
        )  # fmt: skip

    bloco = "Faturamento por representante"
    for rep in contexto["linhas_rep"]:
        atual, antes, metas = rep["valores"], rep["anterior"], rep["metas"]
        nome = rep["nome"]
        linha(bloco, nome, "Faturamento", "R$", atual.faturamento, antes.faturamento,
              metas.get(IndicadorVenda.FATURAMENTO))  # fmt: skip
        linha(bloco, nome, "Pedidos enviados", "quantidade", atual.pedidos, antes.pedidos,
              metas.get(IndicadorVenda.PEDIDOS))  # fmt: skip
        linha(bloco, nome, "Clientes positivados", "quantidade", atual.positivados,
              antes.positivados, metas.get(IndicadorVenda.CLIENTES_POSITIVADOS))  # fmt: skip
        linha(bloco, nome, "Oportunidades ganhas", "R$", atual.ganhas_valor, antes.ganhas_valor,
              metas.get(IndicadorVenda.OPORTUNIDADES_GANHAS))  # fmt: skip

    bloco = "Clientes por carteira"
    for c in contexto["carteiras"]:
        item = f"{c.rotulo} ({c.representante})" if c.representante else c.rotulo
        linha(bloco, item, "Clientes", "quantidade", c.clientes)
        linha(bloco, item, "Clientes positivados", "quantidade", c.positivados)
        linha(bloco, item, "Positivados", "%", c.pct_positivados)

    for titulo, produtos in (
        ("Produtos mais vendidos por quantidade", contexto["por_quantidade"]),
        ("Produtos mais vendidos por valor", contexto["por_valor"]),
    ):
        for p in produtos:
            linha(titulo, p.rotulo, "Quantidade", p.unidade or "quantidade", p.quantidade)
            linha(titulo, p.rotulo, "Valor", "R$", p.valor)
            linha(titulo, p.rotulo, "Pedidos", "quantidade", p.pedidos)

    bloco = "Oportunidades por etapa"
    funil: ind.Funil = contexto["funil"]
    for etapa in funil.etapas:
        nome = etapa.descricao if etapa.aberta else f"{etapa.descricao} (fechadas no período)"
        linha(bloco, nome, "Oportunidades", "quantidade", etapa.quantidade)
        linha(bloco, nome, "Valor estimado", "R$", etapa.valor)
        linha(bloco, nome, "Valor ponderado", "R$", etapa.ponderado)

    bloco = "Conversão de orçamentos"
    conversoes: ind.Conversoes = contexto["conversoes"]
    for c in (*conversoes.por_rep, conversoes.total):
        linha(bloco, c.representante, "Orçamentos", "quantidade", c.orcamentos)
        linha(bloco, c.representante, "Convertidos em pedido", "quantidade", c.convertidos)
        linha(bloco, c.representante, "Conversão", "%", c.taxa)

    bloco = "Cross-selling"
    cruzadas: ind.VendasCruzadas = contexto["cruzadas"]
    for v in (*cruzadas.por_rep, cruzadas.total):
        linha(bloco, v.representante, "Pedidos enviados", "quantidade", v.pedidos)
        linha(bloco, v.representante, "Pedidos com produto complementar", "quantidade",
              v.cruzados)  # fmt: skip
        linha(bloco, v.representante, "Cross-selling", "%", v.taxa)

    bloco = "Up-selling"
    upsell: ind.UpSelling = contexto["upsell"]
    linha(bloco, "Total", "Clientes que compraram nos dois períodos", "quantidade",
          upsell.comparaveis)  # fmt: skip
    linha(bloco, "Total", "Clientes com ticket médio maior", "quantidade", upsell.cresceram)
    linha(bloco, "Total", "Up-selling", "%", upsell.taxa)
    return linhas


@login_required
@permission_required(PERMISSOES, raise_exception=True)
@require_GET
def indicadores_vendas_exportar(request: HttpRequest) -> HttpResponse:
    """The page's figures for the chosen period as .xlsx (crm.xlsx: typed cells, formulas
    neutralised), same visibility as the page."""
    contexto = _contexto(request)
    periodo, anterior = contexto["periodo"], contexto["anterior"]
    colunas = [
        Coluna("Bloco", "texto", 34),
        Coluna("Item", "texto", 40),
        Coluna("Medida", "texto", 34),
        Coluna("Unidade", "texto", 12),
        Coluna(f"Período {periodo.inicio:%d/%m/%Y} a {periodo.fim:%d/%m/%Y}", "decimal", 24),
        Coluna(f"Anterior {anterior.inicio:%d/%m/%Y} a {anterior.fim:%d/%m/%Y}", "decimal", 24),
        Coluna("Meta", "decimal", 16),
        Coluna("Início da meta", "data"),
        Coluna("Fim da meta", "data"),
        Coluna("Realizado no período da meta", "decimal", 18),
        Coluna("Situação da meta", "texto", 16),
    ]
    conteudo = exportar_xlsx(
        colunas, _linhas_exportacao(contexto), titulo_planilha="Indicadores de vendas"
    )
    resposta = HttpResponse(conteudo, content_type=TIPO_XLSX)
    nome = f"indicadores_vendas_{periodo.inicio:%Y%m%d}_{periodo.fim:%Y%m%d}.xlsx"
    resposta["Content-Disposition"] = f'attachment; filename="{nome}"'
    return resposta
