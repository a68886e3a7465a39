"""isoCadastro indicators page, its Excel export and the target (meta) form.

Everything is computed over `Cliente.objects.visiveis_para(user)`: a supervisor sees their
team's figures, an administrator the whole base. The computation lives in
`cadastro.indicadores` (pure functions returning dataclasses); this module only picks the
period, caches the figures for a few minutes (two aggregate queries over the whole visible
base are too heavy to repeat on every click at a million clients) and renders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.views.decorators.http import require_GET, require_POST

from cadastro import indicadores as ind
from cadastro.constants import Indicador
from cadastro.forms_indicadores import MetaIndicadorForm, PeriodoForm
from cadastro.models import Cliente, MetaIndicador
from crm.graficos import Grafico, Item, barras_horizontais, colunas
from crm.templatetags.formatos import milhar, percentual
from crm.xlsx import Coluna, exportar_xlsx

PERMISSAO = "cadastro.ver_indicadores_cadastro"
TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Figures are reused for this long for the same visibility and period (page says when).
CACHE_SEGUNDOS = 10 * 60
# Carteiras drawn in the churn chart (the table below it lists all of them).
CARTEIRAS_NO_GRAFICO = 15
MESES_ABREV = ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"]


# --- computation, cached per visibility and period -------------------------------------------


def _chave_cache(clientes: QuerySet[Cliente], *partes: object) -> str:
    """Same visible set (same SQL and params) and same arguments -> same entry.

    Keyed on the visibility SQL rather than the user, so every administrator shares one entry
    and nobody can ever get figures computed for somebody else's scope.
    """
    sql, params = clientes.order_by().values("pk").query.sql_with_params()
    bruto = repr((sql, params, partes))
    return "indicadores:v1:" + hashlib.sha256(bruto.encode()).hexdigest()


@dataclass(frozen=True)
class Calculo:
    dados: ind.Indicadores
    calculado_em: dt.datetime


def _calcular(clientes: QuerySet[Cliente], periodo: ind.Periodo, hoje: dt.date) -> Calculo:
    chave = _chave_cache(clientes, "pagina", periodo, hoje)
    calculo = cache.get(chave)
    if calculo is None:
        dados = ind.calcular_indicadores(clientes, periodo, hoje=hoje)
        calculo = Calculo(dados=dados, calculado_em=timezone.now())
        cache.set(chave, calculo, CACHE_SEGUNDOS)
    return calculo


def _medidor(clientes: QuerySet[Cliente], ja: ind.Indicadores, hoje: dt.date) -> Any:
    """`medir(periodo)` for target evaluation: reuses the page's periods, caches the others."""
    conhecidos = {ja.atual.periodo: ja.atual, ja.anterior.periodo: ja.anterior}

    def medir(periodo: ind.Periodo) -> ind.ValoresPeriodo:
        if periodo in conhecidos:
            return conhecidos[periodo]
        chave = _chave_cache(clientes, "periodo", periodo, hoje)
        valores = cache.get(chave)
        if valores is None:
            valores = ind.medir_periodo(clientes, periodo)
            cache.set(chave, valores, CACHE_SEGUNDOS)
        return valores

    return medir


# --- presentation ----------------------------------------------------------------------------


def _formatar(valor: Decimal | int | None, unidade: str, casas: int = 1) -> str:
    if valor is None:
        return "–"
    return percentual(valor, casas) if unidade == "%" else milhar(valor)


def _casas_da_meta(valor: Decimal) -> int:
    """A target shows the decimals it was typed with (0,15% must not read 0,1%), 1 or 2."""
    expoente = valor.normalize().as_tuple().exponent
    return 2 if isinstance(expoente, int) and expoente <= -2 else 1


@dataclass(frozen=True)
class Cartao:
    """One indicator card: the figure, the previous period's, the target and its definition."""

    indicador: str
    titulo: str
    valor: Decimal | int | None
    unidade: str  # "%" or "n"
    detalhe: str
    anterior: Decimal | int | None
    avaliacao: ind.Avaliacao | None
    como: str
    extras: tuple[str, ...] = ()
    casas: int = 1  # decimals of percentages (churn is small: 2)

    @property
    def valor_texto(self) -> str:
        return _formatar(self.valor, self.unidade, self.casas)

    @property
    def anterior_texto(self) -> str:
        return _formatar(self.anterior, self.unidade, self.casas)

    @property
    def delta(self) -> Decimal | None:
        """Difference to the previous period, at the precision shown (0,1 p.p. or 1 client).

        Rounded first so that a -0,04 p.p. change reads "0,0 p.p." with no arrow.
        """
        if self.valor is None or self.anterior is None:
            return None
        passo = Decimal(1).scaleb(-self.casas) if self.unidade == "%" else Decimal(1)
        return (Decimal(self.valor) - Decimal(self.anterior)).quantize(passo, ROUND_HALF_UP)

    @property
    def delta_texto(self) -> str:
        """'+1,2 p.p.' for shares, '+1.234' for quantities; '' when not comparable."""
        delta = self.delta
        if delta is None:
            return ""
        sinal = "+" if delta > 0 else ("−" if delta < 0 else "")
        if self.unidade == "%":
            return f"{sinal}{number_format(abs(delta), self.casas, force_grouping=True)} p.p."
        return f"{sinal}{milhar(abs(delta))}"

    @property
    def tendencia(self) -> str:
        """'melhora', 'piora' or '' (churn improves when it falls)."""
        delta = self.delta
        if not delta:
            return ""
        subiu = delta > 0
        if self.indicador in ind.MENOR_MELHOR:
            subiu = not subiu
        return "melhora" if subiu else "piora"

    @property
    def meta_texto(self) -> str:
        if not self.avaliacao:
            return ""
        meta = self.avaliacao.meta.valor_meta
        return _formatar(meta, self.unidade, max(self.casas, _casas_da_meta(meta)))

    @property
    def realizado_texto(self) -> str:
        if not self.avaliacao:
            return ""
        casas = max(self.casas, _casas_da_meta(self.avaliacao.meta.valor_meta))
        return _formatar(self.avaliacao.realizado, self.unidade, casas)


def _pct(valor: Decimal | None) -> str:
    return percentual(valor)


def _cartoes(dados: ind.Indicadores, avaliacoes: dict[str, ind.Avaliacao]) -> list[Cartao]:
    atual, anterior = dados.atual, dados.anterior
    fim = atual.fim
    permissoes = []
    for canal in ind.CANAIS_PERMISSAO:
        inicio_canal, fim_canal = atual.inicio.permissoes[canal], fim.permissoes[canal]
        variacao = atual.crescimento_permissoes(canal)
        permissoes.append(
            f"{ind.ROTULO_PERMISSAO[canal]}: {milhar(inicio_canal)} → {milhar(fim_canal)}"
            + (f" ({'+' if variacao > 0 else ''}{_pct(variacao)})" if variacao is not None else "")
            + f" · {_pct(ind.percentual(fim_canal, fim.total))} da base"
        )
    rotulos = dict(Indicador.choices)
    return [
        Cartao(
            indicador=Indicador.QUANTIDADE,
            titulo=rotulos[Indicador.QUANTIDADE],
            valor=fim.total,
            unidade="n",
            detalhe=f"{milhar(atual.inicio.total)} no início do período",
            anterior=anterior.fim.total,
            avaliacao=avaliacoes.get(Indicador.QUANTIDADE),
            como=ind.COMO_CALCULADO[Indicador.QUANTIDADE],
        ),
        Cartao(
            indicador=Indicador.CRESCIMENTO,
            titulo=rotulos[Indicador.CRESCIMENTO],
            valor=atual.crescimento,
            unidade="%",
            detalhe=f"{milhar(atual.novos)} novos sobre {milhar(atual.inicio.total)} no início",
            anterior=anterior.crescimento,
            avaliacao=avaliacoes.get(Indicador.CRESCIMENTO),
            como=ind.COMO_CALCULADO[Indicador.CRESCIMENTO],
        ),
        Cartao(
            indicador=Indicador.ATIVOS,
            titulo="% de cadastros ativos / inativos",
            valor=fim.pct_ativos,
            unidade="%",
            detalhe=(
                f"{milhar(fim.ativos)} ativos · {milhar(fim.inativos)} inativos "
                f"({_pct(fim.pct_inativos)})"
            ),
            anterior=anterior.fim.pct_ativos,
            avaliacao=avaliacoes.get(Indicador.ATIVOS),
            como=ind.COMO_CALCULADO[Indicador.ATIVOS],
        ),
        Cartao(
            indicador=Indicador.COM_EMAIL,
            titulo=rotulos[Indicador.COM_EMAIL],
            valor=fim.pct_email,
            unidade="%",
            detalhe=f"{milhar(fim.com_email)} de {milhar(fim.total)} cadastros",
            anterior=anterior.fim.pct_email,
            avaliacao=avaliacoes.get(Indicador.COM_EMAIL),
            como=ind.COMO_CALCULADO[Indicador.COM_EMAIL],
        ),
        Cartao(
            indicador=Indicador.COM_TELEFONE,
            titulo=rotulos[Indicador.COM_TELEFONE],
            valor=fim.pct_telefone,
            unidade="%",
            detalhe=f"{milhar(fim.com_telefone)} de {milhar(fim.total)} cadastros",
            anterior=anterior.fim.pct_telefone,
            avaliacao=avaliacoes.get(Indicador.COM_TELEFONE),
            como=ind.COMO_CALCULADO[Indicador.COM_TELEFONE],
        ),
        Cartao(
            indicador=Indicador.CONSENTIMENTO,
            titulo=rotulos[Indicador.CONSENTIMENTO],
            valor=atual.crescimento_permissoes(),
            unidade="%",
            detalhe=(
                f"{milhar(atual.inicio.permissoes_total)} → {milhar(fim.permissoes_total)} "
                "permissões (os dois canais)"
            ),
            anterior=anterior.crescimento_permissoes(),
            avaliacao=avaliacoes.get(Indicador.CONSENTIMENTO),
            como=ind.COMO_CALCULADO[Indicador.CONSENTIMENTO],
            extras=tuple(permissoes),
        ),
        Cartao(
            indicador=Indicador.CHURN,
            titulo="Índice de churn (%)",
            valor=atual.churn.pct,
            unidade="%",
            detalhe=(
                f"{milhar(atual.churn.perdidos)} inativados de "
                f"{milhar(atual.churn.ativos_inicio)} ativos no início"
            ),
            anterior=anterior.churn.pct,
            avaliacao=avaliacoes.get(Indicador.CHURN),
            como=ind.COMO_CALCULADO[Indicador.CHURN],
            casas=2,
        ),
    ]


def _mes_abrev(dia: dt.date) -> str:
    return f"{MESES_ABREV[dia.month - 1]}/{dia.year % 100:02d}"


def _graficos(dados: ind.Indicadores) -> dict[str, Grafico]:
    canais = barras_horizontais(
        [
            Item(f.rotulo, f.quantidade, f"{milhar(f.quantidade)} ({_pct(f.pct)})")
            for f in dados.canais
        ],
        titulo="Mapa de canal preferido",
        largura_texto=130,
        descricao="Clientes por canal preferido no fim do período: "
        + "; ".join(f"{f.rotulo}: {milhar(f.quantidade)} ({_pct(f.pct)})" for f in dados.canais),
    )
    piores = sorted(
        dados.churn_carteiras,
        key=lambda c: (c.churn.pct or Decimal(0), c.churn.perdidos),
        reverse=True,
    )[:CARTEIRAS_NO_GRAFICO]
    churn = barras_horizontais(
        [
            Item(
                c.rotulo,
                c.churn.pct,
                f"{percentual(c.churn.pct, 2)} "
                f"({milhar(c.churn.perdidos)}/{milhar(c.churn.ativos_inicio)})",
            )
            for c in piores
        ],
        titulo="Churn por carteira",
        descricao=(
            f"Churn no período das {len(piores)} carteiras com maior índice: "
            + "; ".join(f"{c.rotulo}: {percentual(c.churn.pct, 2)}" for c in piores)
        ),
        largura_rotulo=230,
        largura_texto=120,
    )
    mensal = colunas(
        [
            Item(
                _mes_abrev(m.inicio) + ("*" if m.parcial else ""),
                m.crescimento,
                _pct(m.crescimento),
                destaque=m.parcial,
            )
            for m in dados.meses
        ],
        titulo="Crescimento da base, mês a mês",
        descricao="Crescimento da base em cada um dos últimos 12 meses: "
        + "; ".join(
            f"{_mes_abrev(m.inicio)}: {_pct(m.crescimento)} ({milhar(m.novos)} novos)"
            for m in dados.meses
        ),
    )
    return {"canais": canais, "churn": churn, "mensal": mensal}


def _atalhos(hoje: dt.date, metas: dict[str, MetaIndicador]) -> list[tuple[str, ind.Periodo]]:
    """Quick period links; the periods of the targets in force come last."""
    mes = ind.Periodo.mes(hoje)
    atalhos = [
        ("Mês atual", mes),
        ("Mês anterior", mes.anterior()),
        ("Últimos 3 meses", ind.Periodo.meses(hoje, 3)),
        ("Últimos 12 meses", ind.Periodo.meses(hoje, 12)),
        ("Ano atual", ind.Periodo.ano(hoje)),
    ]
    vistos = {p for _, p in atalhos}
    for meta in metas.values():
        periodo = ind.Periodo(meta.periodo_inicio, meta.periodo_fim)
        if periodo not in vistos:
            vistos.add(periodo)
            atalhos.append((f"Período da meta ({meta.get_indicador_display()})", periodo))
    return atalhos


def _url_pagina(periodo: ind.Periodo | None, **extra: str) -> str:
    parametros = PeriodoForm.parametros(periodo) if periodo else {}
    parametros.update(extra)
    url = reverse("cadastro:indicadores")
    return f"{url}?{urlencode(parametros)}" if parametros else url


def _painel(
    clientes: QuerySet[Cliente],
    periodo: ind.Periodo,
    hoje: dt.date,
    metas: dict[str, MetaIndicador],
    *,
    so_cache: bool,
) -> dict[str, Any] | None:
    """The figures part of the page; None when `so_cache` and something is not cached yet."""
    if so_cache:
        necessarios = [_chave_cache(clientes, "pagina", periodo, hoje)]
        necessarios += [
            _chave_cache(clientes, "periodo", ind.Periodo(m.periodo_inicio, m.periodo_fim), hoje)
            for m in metas.values()
            if ind.Periodo(m.periodo_inicio, m.periodo_fim) not in (periodo, periodo.anterior())
        ]
        if len(cache.get_many(necessarios)) < len(necessarios):
            return None
    calculo = _calcular(clientes, periodo, hoje)
    dados = calculo.dados
    avaliacoes = ind.avaliar_metas(metas.values(), medir=_medidor(clientes, dados, hoje), hoje=hoje)
    return {
        "dados": dados,
        "calculado_em": calculo.calculado_em,
        "cartoes": _cartoes(dados, avaliacoes),
        "graficos": _graficos(dados),
        "meta_churn": avaliacoes.get(Indicador.CHURN),
    }


def _contexto(
    request: HttpRequest,
    parametros: QueryDict,
    *,
    form_meta: MetaIndicadorForm | None = None,
    so_cache: bool = False,
) -> dict[str, Any]:
    """Everything the page shows; `parametros` carries the period (and `editar`/`indicador`).

    With `so_cache`, the figures come only if already cached (`painel_pronto`); otherwise the
    page goes out at once and the figures arrive by an htmx request that computes them.
    """
    user = request.user
    hoje = timezone.localdate()
    escolheu = "inicio" in parametros or "fim" in parametros
    form_periodo = PeriodoForm(parametros if escolheu else None)
    periodo = form_periodo.periodo(hoje)
    if not escolheu:  # show the default period in the inputs
        form_periodo = PeriodoForm(initial={"inicio": periodo.inicio, "fim": periodo.fim})
    clientes = Cliente.objects.visiveis_para(user)  # type: ignore[arg-type]
    empresa_id: int | None = getattr(user, "empresa_id", None)
    referencia = max(periodo.inicio, min(periodo.fim, hoje))
    metas = ind.metas_vigentes(empresa_id, referencia)
    painel = _painel(clientes, periodo, hoje, metas, so_cache=so_cache)

    pode_criar = user.has_perm("cadastro.add_metaindicador")
    pode_editar = user.has_perm("cadastro.change_metaindicador")
    editando: MetaIndicador | None = None
    if form_meta is None and empresa_id is not None and (pode_criar or pode_editar):
        editar = str(parametros.get("editar", ""))
        if editar.isdigit() and pode_editar:
            editando = get_object_or_404(MetaIndicador, pk=int(editar), empresa_id=empresa_id)
            form_meta = MetaIndicadorForm(instance=editando, empresa_id=empresa_id)
        elif pode_criar:
            inicial: dict[str, Any] = {"periodo_inicio": periodo.inicio, "periodo_fim": periodo.fim}
            if parametros.get("indicador") in Indicador.values:
                inicial["indicador"] = parametros["indicador"]
            form_meta = MetaIndicadorForm(initial=inicial, empresa_id=empresa_id)
    elif form_meta is not None and form_meta.instance.pk:
        editando = form_meta.instance

    metas_empresa = (
        MetaIndicador.objects.filter(empresa_id=empresa_id).order_by("-periodo_fim", "indicador")[
            :50
        ]
        if empresa_id is not None
        else MetaIndicador.objects.none()
    )
    parametros_periodo = PeriodoForm.parametros(periodo)
    return {
        **(painel or {}),
        "painel_pronto": painel is not None,
        "url_painel": _url_pagina(periodo),
        "form_periodo": form_periodo,
        "periodo": periodo,
        "anterior": periodo.anterior(),
        "em_andamento": periodo.em_andamento(hoje),
        "hoje": hoje,
        "cache_minutos": CACHE_SEGUNDOS // 60,
        "restrito": bool(clientes.query.where),
        "como_canal": ind.COMO_CANAL_PREFERIDO,
        "como_mensal": ind.COMO_CRESCIMENTO_MENSAL,
        "como_churn": ind.COMO_CALCULADO[Indicador.CHURN],
        "atalhos": [(rotulo, p, _url_pagina(p)) for rotulo, p in _atalhos(hoje, metas)],
        "url_exportar": reverse("cadastro:indicadores-exportar")
        + "?"
        + urlencode(parametros_periodo),
        "empresa_id": empresa_id,
        "metas_empresa": metas_empresa,
        "form_meta": form_meta,
        "meta_editando": editando,
        "url_meta": (
            reverse("cadastro:meta-salvar", args=[editando.pk])
            if editando
            else reverse("cadastro:meta-salvar")
        ),
        "pode_criar_meta": pode_criar and empresa_id is not None,
        "pode_editar_meta": pode_editar and empresa_id is not None,
        "parametros_periodo": parametros_periodo,
        "qs_periodo": urlencode(parametros_periodo),
        "url_voltar": _url_pagina(periodo),
    }


# --- views -----------------------------------------------------------------------------------


@login_required
@permission_required(PERMISSAO, raise_exception=True)
@require_GET
def indicadores(request: HttpRequest) -> HttpResponse:
    """The page; figures not cached yet are computed by the htmx request the page makes.

    So the page shows up at once even when the figures take seconds (a million clients), and
    without JavaScript the "Calcular agora" link asks for them synchronously.
    """
    if getattr(request, "htmx", False):
        contexto = _contexto(request, request.GET)
        resposta = render(request, "cadastro/partials/indicador_painel.html", contexto)
    else:
        sincrono = request.GET.get("calcular") == "1"
        contexto = _contexto(request, request.GET, so_cache=not sincrono)
        resposta = render(request, "cadastro/indicadores.html", contexto)
    patch_vary_headers(resposta, ["HX-Request"])
    return resposta


@login_required
@permission_required(PERMISSAO, raise_exception=True)
@require_GET
def indicadores_exportar(request: HttpRequest) -> HttpResponse:
    """The indicator table as .xlsx: one row per figure, current and previous period, target."""
    contexto = _contexto(request, request.GET)
    periodo, anterior = contexto["periodo"], contexto["anterior"]
    dados: ind.Indicadores = contexto["dados"]
    colunas_xlsx = [
        Coluna("Indicador", "texto", 42),
        Coluna("Unidade", "texto", 10),
        Coluna(f"Período {periodo.inicio:%d/%m/%Y} a {periodo.fim:%d/%m/%Y}", "decimal", 24),
        Coluna(f"Anterior {anterior.inicio:%d/%m/%Y} a {anterior.fim:%d/%m/%Y}", "decimal", 24),
        Coluna("Meta", "decimal"),
        Coluna("Início da meta", "data"),
        Coluna("Fim da meta", "data"),
        Coluna("Realizado no período da meta", "decimal", 18),
        Coluna("Situação", "texto", 12),
        Coluna("Como é calculado", "texto", 80),
    ]
    situacoes = {"ok": "Atingida", "alerta": "Alerta", "andamento": "Em andamento"}

    def _num(valor: Decimal | int | None) -> Decimal | None:
        return None if valor is None else Decimal(valor)

    linhas: list[list[Any]] = []
    for cartao in contexto["cartoes"]:
        av = cartao.avaliacao
        linhas.append(
            [
                cartao.titulo,
                "%" if cartao.unidade == "%" else "cadastros",
                _num(cartao.valor),
                _num(cartao.anterior),
                av.meta.valor_meta if av else None,
                av.meta.periodo_inicio if av else None,
                av.meta.periodo_fim if av else None,
                av.realizado if av else None,
                situacoes[av.situacao] if av else "",
                cartao.como,
            ]
        )
    for fatia in dados.canais:
        linhas.append(
            [f"Canal preferido: {fatia.rotulo}", "%", fatia.pct, None, None, None, None, None, "",
             ind.COMO_CANAL_PREFERIDO]
        )  # fmt: skip
    for carteira in dados.churn_carteiras:
        linhas.append(
            [f"Churn: {carteira.rotulo}", "%", carteira.churn.pct, None, None, None, None, None,
             "", f"{carteira.churn.perdidos} de {carteira.churn.ativos_inicio} ativos no início"]
        )  # fmt: skip
    for mes in dados.meses:
        linhas.append(
            [f"Crescimento da base em {_mes_abrev(mes.inicio)}", "%", mes.crescimento, None, None,
             None, None, None, "", f"{mes.novos} novos sobre {mes.base_inicio} no início do mês"]
        )  # fmt: skip
    conteudo = exportar_xlsx(colunas_xlsx, linhas, titulo_planilha="Indicadores")
    resposta = HttpResponse(conteudo, content_type=TIPO_XLSX)
    carimbo = timezone.localtime().strftime("%Y%m%d_%H%M")
    resposta["Content-Disposition"] = f'attachment; filename="indicadores_cadastro_{carimbo}.xlsx"'
    return resposta


@login_required
@permission_required(PERMISSAO, raise_exception=True)
@require_POST
def meta_salvar(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or edit a target of the user's company; back to the page on success."""
    user = request.user
    permissao = "cadastro.change_metaindicador" if pk else "cadastro.add_metaindicador"
    if not user.has_perm(permissao):
        raise PermissionDenied
    empresa_id: int | None = getattr(user, "empresa_id", None)
    if empresa_id is None:
        messages.error(
            request, "Seu usuário não está vinculado a uma empresa; metas são por empresa."
        )
        return redirect("cadastro:indicadores")
    instancia = get_object_or_404(MetaIndicador, pk=pk, empresa_id=empresa_id) if pk else None
    form = MetaIndicadorForm(request.POST, instance=instancia, empresa_id=empresa_id)
    form_periodo = PeriodoForm(request.POST)
    periodo = form_periodo.periodo(timezone.localdate()) if form_periodo.is_valid() else None
    if form.is_valid():
        meta = form.save()
        messages.success(
            request,
            f"Meta de “{meta.get_indicador_display()}” {'alterada' if pk else 'salva'}: "
            f"{meta.periodo_inicio:%d/%m/%Y} a {meta.periodo_fim:%d/%m/%Y}.",
        )
        destino = _url_pagina(periodo)
        if getattr(request, "htmx", False):
            resposta = HttpResponse()
            resposta["HX-Redirect"] = destino
            return resposta
        return redirect(destino)
    if getattr(request, "htmx", False):
        contexto = {
            "form_meta": form,
            "meta_editando": instancia,
            "url_meta": request.path,
            "parametros_periodo": PeriodoForm.parametros(periodo) if periodo else {},
            "url_voltar": _url_pagina(periodo),
        }
        return render(request, "cadastro/partials/indicador_meta_form.html", contexto)
    # Without htmx: the whole page again (the period travels in the form's hidden fields),
    # the form keeping what was typed.
    contexto = _contexto(request, request.POST, form_meta=form, so_cache=True)
    return render(request, "cadastro/indicadores.html", contexto)


rotas: list[URLPattern] = [
    path("indicadores/", indicadores, name="indicadores"),
    path("indicadores/exportar/", indicadores_exportar, name="indicadores-exportar"),
    path("indicadores/metas/", meta_salvar, name="meta-salvar"),
    path("indicadores/metas/<int:pk>/", meta_salvar, name="meta-salvar"),
]
