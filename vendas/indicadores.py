"""isoVendas indicators (seed 000, "Exemplos de indicadores"): pure queries over querysets the
caller already scoped to the user, returning frozen dataclasses.

Every function takes `Pedido.objects.visiveis_para(user)`, `Oportunidade.objects.visiveis_para
(user)` or `Cliente.objects.visiveis_para(user)`; nothing here widens them, so a rep gets only
their portfolio's figures, a supervisor their team's and an administrator the company's. Periods
are cadastro's `Periodo` (inclusive calendar dates) and targets are evaluated with cadastro's
`Avaliacao` (same "atingida / em andamento / abaixo" rule on the page).

Which date each figure uses (also the footnote of the page, COMO_CALCULADO):

- Faturamento, pedidos enviados, clientes positivados, produtos mais vendidos: orders (tipo
  pedido) whose status is ENVIADO now, by the order's date (`Pedido.data`, the date it was
  typed). An order typed in March and sent in April counts in March. Value = `v_nf` (total of
  the order with taxes and freight), by the order's representative.
- Produtos: active items (cancelled items do not count) of those orders; quantity converted to
  the product's unit by the item's conversion factor (`quantidade × fator`, factor 1 when empty);
  value = the item's total.
- Conversão de orçamentos: quotes (tipo orçamento) dated within the period (`Pedido.data`);
  converted = status CONVERTIDO (became an order).
- Oportunidades por etapa: open opportunities as of now (a snapshot: the funnel has no history
  per date), plus those won / lost whose `fechada_em` falls within the period.
- Oportunidades ganhas (R$): `valor_estimado` of opportunities won within the period
  (`fechada_em`), by the opportunity's representative.

- Cross-selling: sent orders of the period with at least one registered complementary pair
  (`produtos.ProdutoComplementar`: produto and complementar both among the order's active
  items) ÷ sent orders of the period.
- Up-selling: clients with a sent order in both the period and the previous one of the same
  length whose average order value (`v_nf` ÷ orders) grew ÷ those clients.

Query budget: every figure is one grouped query (products: two; targets: three whatever the
number of targets, each distinct target period being one more conditional aggregate column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from cadastro.indicadores import Avaliacao, Periodo, percentual
from crm.graficos import Grafico, Item, barras_horizontais
from crm.money import arredondar
from produtos.models import ProdutoComplementar
from vendas.constants import (
    IndicadorVenda,
    ResultadoEtapa,
    StatusItem,
    StatusPedido,
    TipoDocumento,
)
from vendas.models import EtapaFunil, ItemPedido, MetaVenda

if TYPE_CHECKING:
    from cadastro.models import Cliente
    from vendas.models import Oportunidade, Pedido

ZERO = Decimal(0)
CENTAVO = Decimal("0.01")
TOP_PRODUTOS = 10
_DINHEIRO = DecimalField(max_digits=20, decimal_places=4)

COMO_CALCULADO: dict[str, str] = {
    "faturamento": (
        "Soma do total (v_nf: produtos, impostos e frete) dos pedidos — não orçamentos — "
        "com situação Enviado, pela data do pedido dentro do período, por representante do "
        "pedido."
    ),
    "pedidos": "Quantidade de pedidos com situação Enviado, pela data do pedido.",
    "positivados": (
        "Clientes com ao menos um pedido enviado com data no período. Por carteira: a carteira "
        "atual do cliente; por representante: o representante do pedido."
    ),
    "produtos": (
        "Itens ativos (itens cancelados não contam) dos pedidos enviados com data no período. "
        "Quantidade na unidade do produto (quantidade × fator de conversão); valor = total do "
        "item."
    ),
    "etapas": (
        "Oportunidades em andamento hoje, por etapa (retrato do funil agora); ganhas e "
        "perdidas pela data de fechamento dentro do período. Ponderado = valor estimado × "
        "probabilidade."
    ),
    "ganhas": "Valor estimado das oportunidades ganhas com data de fechamento no período.",
    "conversao": (
        "Orçamentos com data no período que viraram pedido (situação Convertido em pedido) ÷ "
        "orçamentos com data no período × 100."
    ),
    "cross_selling": (
        "Pedidos enviados com data no período que têm ao menos um item ativo cujo produto está "
        "cadastrado como complementar (cadastro do produto, “Produtos complementares”) de outro "
        "produto do mesmo pedido ÷ pedidos enviados no período × 100. Por representante do "
        "pedido. Mede venda cruzada registrada no cadastro: um par vendido junto que não está "
        "cadastrado como complementar não conta."
    ),
    "up_selling": (
        "Clientes cujo ticket médio (total dos pedidos enviados ÷ quantidade de pedidos "
        "enviados) no período foi maior que no período anterior de mesma duração ÷ clientes "
        "que tiveram pedido enviado nos dois períodos × 100. Clientes que compraram só em um "
        "dos dois períodos não entram na conta (não há com o que comparar)."
    ),
}


def _soma(valor: Decimal | None) -> Decimal:
    return arredondar(valor or ZERO)


def _nome(primeiro: str | None, ultimo: str | None, usuario: str | None) -> str:
    nome = f"{primeiro or ''} {ultimo or ''}".strip()
    return nome or usuario or "Sem representante"


def pedidos_enviados(pedidos: QuerySet[Pedido], periodo: Periodo) -> QuerySet[Pedido]:
    """Sent orders (not quotes) dated within the period."""
    return pedidos.filter(
        tipo=TipoDocumento.PEDIDO,
        status=StatusPedido.ENVIADO,
        data__gte=periodo.inicio,
        data__lte=periodo.fim,
    )


def _no_periodo(campo: str, periodo: Periodo) -> Q:
    return Q(**{f"{campo}__gte": periodo.inicio, f"{campo}__lte": periodo.fim})


def _fechada_no_periodo(periodo: Periodo) -> Q:
    return Q(fechada_em__gte=periodo.desde, fechada_em__lt=periodo.ate)


# --- per representative, per period (figures and targets) -----------------------------------


@dataclass(frozen=True, slots=True)
class Valores:
    """The rep-level figures of one representative (or the company) over one period."""

    faturamento: Decimal = ZERO
    pedidos: int = 0
    positivados: int = 0
    ganhas_valor: Decimal = ZERO
    ganhas_quantidade: int = 0

    def valor(self, indicador: str) -> Decimal:
        """The figure a MetaVenda of `indicador` is compared with."""
        valores: dict[str, Decimal] = {
            IndicadorVenda.FATURAMENTO: self.faturamento,
            IndicadorVenda.PEDIDOS: Decimal(self.pedidos),
            IndicadorVenda.CLIENTES_POSITIVADOS: Decimal(self.positivados),
            IndicadorVenda.OPORTUNIDADES_GANHAS: self.ganhas_valor,
        }
        return valores[indicador]


@dataclass(frozen=True, slots=True)
class Medicao:
    """Figures per representative id and for everybody visible (`total`), per period."""

    por_rep: dict[Periodo, dict[int, Valores]]
    total: dict[Periodo, Valores]
    nomes: dict[int, str]

    def de(self, periodo: Periodo, representante_id: int | None) -> Valores:
        if representante_id is None:
            return self.total.get(periodo, Valores())
        return self.por_rep.get(periodo, {}).get(representante_id, Valores())


def medir(
    pedidos: QuerySet[Pedido],
    oportunidades: QuerySet[Oportunidade],
    periodos: Iterable[Periodo],
) -> Medicao:
    """Rep-level figures for every period at once: 3 queries whatever the number of periods."""
    periodos = list(dict.fromkeys(periodos))
    inicio = min(p.inicio for p in periodos)
    fim = max(p.fim for p in periodos)
    enviados = pedidos.filter(
        tipo=TipoDocumento.PEDIDO, status=StatusPedido.ENVIADO, data__gte=inicio, data__lte=fim
    ).order_by()
    agregados: dict[str, Any] = {}
    for i, periodo in enumerate(periodos):
        filtro = _no_periodo("data", periodo)
        agregados[f"fat_{i}"] = Sum("v_nf", filter=filtro)
        agregados[f"ped_{i}"] = Count("pk", filter=filtro)
        agregados[f"pos_{i}"] = Count("cliente_id", filter=filtro, distinct=True)
    # Mappings: the per-period keys come from `agregados` (beyond what the stubs can infer).
    linhas: list[Mapping[str, Any]] = list(
        enviados.values(
            "representante_id",
            "representante__first_name",
            "representante__last_name",
            "representante__username",
        ).annotate(**agregados)
    )
    # Distinct clients over everybody: a client bought from two reps counts once.
    totais_pos = enviados.aggregate(
        **{
            f"pos_{i}": Count("cliente_id", filter=_no_periodo("data", p), distinct=True)
            for i, p in enumerate(periodos)
        }
    )
    ganhas_agregados: dict[str, Any] = {}
    for i, periodo in enumerate(periodos):
        filtro = _fechada_no_periodo(periodo)
        ganhas_agregados[f"val_{i}"] = Sum("valor_estimado", filter=filtro)
        ganhas_agregados[f"qtd_{i}"] = Count("pk", filter=filtro)
    ganhas: list[Mapping[str, Any]] = list(
        oportunidades.filter(
            resultado=ResultadoEtapa.GANHA,
            fechada_em__gte=min(p.desde for p in periodos),
            fechada_em__lt=max(p.ate for p in periodos),
        )
        .order_by()
        .values(
            "representante_id",
            "representante__first_name",
            "representante__last_name",
            "representante__username",
        )
        .annotate(**ganhas_agregados)
    )
    nomes: dict[int, str] = {}
    brutos: dict[Periodo, dict[int, dict[str, Any]]] = {p: {} for p in periodos}
    for linha in linhas:
        rep = linha["representante_id"]
        nomes[rep] = _nome(
            linha["representante__first_name"],
            linha["representante__last_name"],
            linha["representante__username"],
        )
        for i, periodo in enumerate(periodos):
            brutos[periodo].setdefault(rep, {}).update(
                faturamento=_soma(linha[f"fat_{i}"]),
                pedidos=linha[f"ped_{i}"],
                positivados=linha[f"pos_{i}"],
            )
    for linha in ganhas:
        rep = linha["representante_id"]
        nomes.setdefault(
            rep,
            _nome(
                linha["representante__first_name"],
                linha["representante__last_name"],
                linha["representante__username"],
            ),
        )
        for i, periodo in enumerate(periodos):
            brutos[periodo].setdefault(rep, {}).update(
                ganhas_valor=_soma(linha[f"val_{i}"]), ganhas_quantidade=linha[f"qtd_{i}"]
            )
    por_rep = {p: {rep: Valores(**v) for rep, v in reps.items()} for p, reps in brutos.items()}
    total = {}
    for i, periodo in enumerate(periodos):
        valores = por_rep[periodo].values()
        total[periodo] = Valores(
            faturamento=sum((v.faturamento for v in valores), ZERO),
            pedidos=sum(v.pedidos for v in valores),
            positivados=totais_pos[f"pos_{i}"],
            ganhas_valor=sum((v.ganhas_valor for v in valores), ZERO),
            ganhas_quantidade=sum(v.ganhas_quantidade for v in valores),
        )
    return Medicao(por_rep=por_rep, total=total, nomes=nomes)


def metas_vigentes(
    empresa_id: int | None, dia: dt.date, representantes: QuerySet[Any] | None
) -> list[MetaVenda]:
    """Targets whose period contains `dia`: the company's (no representative) and those of
    the representatives in `representantes` (ids; None = every one). Latest start wins per
    (indicator, representative). 1 query."""
    if empresa_id is None:
        return []
    metas = MetaVenda.objects.filter(
        empresa_id=empresa_id, periodo_inicio__lte=dia, periodo_fim__gte=dia
    )
    if representantes is not None:
        metas = metas.filter(Q(representante__isnull=True) | Q(representante__in=representantes))
    vistos: dict[tuple[str, int | None], MetaVenda] = {}
    for meta in metas.select_related("representante").order_by(
        "indicador", "representante_id", "-periodo_inicio", "-pk"
    ):
        vistos.setdefault((meta.indicador, meta.representante_id), meta)
    return list(vistos.values())


def ve_toda_a_empresa(user: Any) -> bool:
    """Administrators (every portfolio) keep every target of the company; a supervisor only
    those of the reps of the teams they head (contas.Equipe.supervisor)."""
    return bool(user.is_superuser or user.has_perm("cadastro.ver_todas_carteiras"))


def representantes_para_meta(user: Any) -> QuerySet[Any]:
    """Whom `user` may set a target for: an administrator, every active rep of the company
    (Representante role or owner of a portfolio); a supervisor, the active members of the
    teams they head. Always within the user's company."""
    from django.contrib.auth import get_user_model

    from cadastro.models import Carteira
    from contas.constants import Papel

    usuarios = get_user_model().objects.filter(is_active=True, empresa_id=user.empresa_id)
    if user.empresa_id is None:
        return usuarios.none()
    if ve_toda_a_empresa(user):
        grupo = get_user_model().groups.through.objects.filter(group__name=Papel.REPRESENTANTE)
        usuarios = usuarios.filter(
            Q(pk__in=grupo.values("usuario_id"))
            | Q(pk__in=Carteira.objects.values("representante_id"))
        )
    else:
        usuarios = usuarios.filter(equipe__supervisor=user)
    return usuarios.order_by("first_name", "last_name", "username")


def metas_visiveis(user: Any) -> QuerySet[MetaVenda]:
    """Targets `user` sees on the targets screen: the company's own ones and, for a
    supervisor, those of their teams' reps (an administrator: every one of the company)."""
    if getattr(user, "empresa_id", None) is None:
        return MetaVenda.objects.none()
    metas = MetaVenda.objects.filter(empresa_id=user.empresa_id)
    if ve_toda_a_empresa(user):
        return metas
    return metas.filter(Q(representante__isnull=True) | Q(representante__equipe__supervisor=user))


def metas_editaveis(user: Any) -> QuerySet[MetaVenda]:
    """Targets `user` may change or delete: an administrator, every one of the company; a
    supervisor, those of their teams' reps (the company's are the administrator's)."""
    metas = metas_visiveis(user)
    if ve_toda_a_empresa(user):
        return metas
    return metas.filter(representante__equipe__supervisor=user)


def avaliar(meta: MetaVenda, medicao: Medicao, hoje: dt.date) -> Avaliacao:
    """A target against the figure over the target's own period (cadastro's Avaliacao)."""
    periodo = Periodo(meta.periodo_inicio, meta.periodo_fim)
    realizado = medicao.de(periodo, meta.representante_id).valor(meta.indicador)
    return Avaliacao(
        meta=meta,  # type: ignore[arg-type]  # duck-typed: indicador, valor_meta, período
        realizado=realizado,
        periodo=periodo,
        em_andamento=periodo.em_andamento(hoje),
    )


# --- clients per portfolio -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CarteiraClientes:
    carteira_id: int | None
    codigo: str
    nome: str
    representante: str
    clientes: int
    positivados: int

    @property
    def rotulo(self) -> str:
        return f"{self.codigo} – {self.nome}" if self.carteira_id else "Sem carteira"

    @property
    def pct_positivados(self) -> Decimal | None:
        return percentual(self.positivados, self.clientes)


def clientes_por_carteira(
    clientes: QuerySet[Cliente], pedidos: QuerySet[Pedido], periodo: Periodo
) -> list[CarteiraClientes]:
    """Visible clients per current portfolio and how many bought in the period; 1 query."""
    compradores = pedidos_enviados(pedidos, periodo).order_by().values("cliente_id")
    linhas = (
        clientes.order_by()
        .values(
            "carteira_id",
            "carteira__codigo",
            "carteira__nome",
            "carteira__representante__first_name",
            "carteira__representante__last_name",
            "carteira__representante__username",
        )
        .annotate(
            total=Count("pk"),
            positivados=Count("pk", filter=Q(pk__in=compradores)),
        )
        .order_by("-total", "carteira__nome")
    )
    return [
        CarteiraClientes(
            carteira_id=linha["carteira_id"],
            codigo=linha["carteira__codigo"] or "",
            nome=linha["carteira__nome"] or "",
            representante=_nome(
                linha["carteira__representante__first_name"],
                linha["carteira__representante__last_name"],
                linha["carteira__representante__username"],
            )
            if linha["carteira_id"]
            else "",
            clientes=linha["total"],
            positivados=linha["positivados"],
        )
        for linha in linhas
    ]


# --- best-selling products -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProdutoVendido:
    produto_id: int
    codigo: str
    descricao: str
    unidade: str
    quantidade: Decimal
    valor: Decimal
    pedidos: int

    @property
    def rotulo(self) -> str:
        return f"{self.codigo} – {self.descricao}"


def produtos_mais_vendidos(
    pedidos: QuerySet[Pedido], periodo: Periodo, limite: int = TOP_PRODUTOS
) -> tuple[list[ProdutoVendido], list[ProdutoVendido]]:
    """Top products by quantity and by value among active items of sent orders; 2 queries."""
    quantidade = ExpressionWrapper(
        F("quantidade") * Coalesce(F("fator"), Value(Decimal(1))), output_field=_DINHEIRO
    )
    base = (
        ItemPedido.objects.filter(
            pedido__in=pedidos_enviados(pedidos, periodo).order_by().values("pk"),
            status=StatusItem.ATIVO,
        )
        .order_by()
        .values("produto_id", "produto__codigo", "produto__descricao", "produto__unidade__codigo")
        .annotate(
            qtd=Sum(quantidade), valor=Sum("total"), pedidos=Count("pedido_id", distinct=True)
        )
    )

    def ler(ordem: str) -> list[ProdutoVendido]:
        return [
            ProdutoVendido(
                produto_id=linha["produto_id"],
                codigo=linha["produto__codigo"],
                descricao=linha["produto__descricao"],
                unidade=linha["produto__unidade__codigo"] or "",
                quantidade=linha["qtd"] or ZERO,
                valor=_soma(linha["valor"]),
                pedidos=linha["pedidos"],
            )
            for linha in base.order_by(f"-{ordem}", "produto__codigo")[:limite]
        ]

    return ler("qtd"), ler("valor")


# --- opportunities per funnel stage ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EtapaResumo:
    etapa_id: int
    descricao: str
    resultado: str
    probabilidade: Decimal
    quantidade: int
    valor: Decimal
    ponderado: Decimal

    @property
    def aberta(self) -> bool:
        return self.resultado == ResultadoEtapa.ABERTA


@dataclass(frozen=True, slots=True)
class Funil:
    etapas: tuple[EtapaResumo, ...]

    @property
    def abertas(self) -> tuple[EtapaResumo, ...]:
        return tuple(e for e in self.etapas if e.aberta)

    @property
    def fechadas(self) -> tuple[EtapaResumo, ...]:
        return tuple(e for e in self.etapas if not e.aberta)

    @property
    def em_andamento(self) -> EtapaResumo:
        abertas = self.abertas
        return EtapaResumo(
            etapa_id=0,
            descricao="Em andamento",
            resultado=ResultadoEtapa.ABERTA,
            probabilidade=ZERO,
            quantidade=sum(e.quantidade for e in abertas),
            valor=sum((e.valor for e in abertas), ZERO),
            ponderado=sum((e.ponderado for e in abertas), ZERO),
        )

    def ganhas(self) -> int:
        return sum(e.quantidade for e in self.etapas if e.resultado == ResultadoEtapa.GANHA)

    def perdidas(self) -> int:
        return sum(e.quantidade for e in self.etapas if e.resultado == ResultadoEtapa.PERDIDA)

    @property
    def taxa_ganho(self) -> Decimal | None:
        """Won ÷ (won + lost) within the period, x 100."""
        return percentual(self.ganhas(), self.ganhas() + self.perdidas())


def oportunidades_por_etapa(oportunidades: QuerySet[Oportunidade], periodo: Periodo) -> Funil:
    """Open opportunities now per stage, and won/lost within the period; 2 queries."""
    ponderado = ExpressionWrapper(
        F("valor_estimado") * F("probabilidade") / Decimal(100), output_field=_DINHEIRO
    )
    etapas = list(EtapaFunil.objects.filter(ativo=True).order_by("ordem", "pk"))
    linhas = {
        linha["etapa_id"]: linha
        for linha in oportunidades.filter(
            Q(resultado=ResultadoEtapa.ABERTA)
            | (~Q(resultado=ResultadoEtapa.ABERTA) & _fechada_no_periodo(periodo))
        )
        .order_by()
        .values("etapa_id")
        .annotate(quantidade=Count("pk"), valor=Sum("valor_estimado"), ponderado=Sum(ponderado))
    }
    resumo = []
    for etapa in etapas:
        linha: Mapping[str, Any] = linhas.get(etapa.pk, {})
        resumo.append(
            EtapaResumo(
                etapa_id=etapa.pk,
                descricao=etapa.descricao,
                resultado=etapa.resultado,
                probabilidade=etapa.probabilidade,
                quantidade=linha.get("quantidade", 0),
                valor=_soma(linha.get("valor")),
                ponderado=_soma(linha.get("ponderado")),
            )
        )
    return Funil(etapas=tuple(resumo))


# --- quote conversion ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conversao:
    representante: str
    orcamentos: int
    convertidos: int

    @property
    def taxa(self) -> Decimal | None:
        return percentual(self.convertidos, self.orcamentos)


@dataclass(frozen=True, slots=True)
class Conversoes:
    por_rep: tuple[Conversao, ...]
    total: Conversao = field(default_factory=lambda: Conversao("Total", 0, 0))


def conversao_orcamentos(pedidos: QuerySet[Pedido], periodo: Periodo) -> Conversoes:
    """Quotes dated within the period and how many became orders, per rep; 1 query."""
    linhas = (
        pedidos.filter(
            tipo=TipoDocumento.ORCAMENTO, data__gte=periodo.inicio, data__lte=periodo.fim
        )
        .order_by()
        .values(
            "representante_id",
            "representante__first_name",
            "representante__last_name",
            "representante__username",
        )
        .annotate(
            orcamentos=Count("pk"),
            convertidos=Count("pk", filter=Q(status=StatusPedido.CONVERTIDO)),
        )
    )
    por_rep = sorted(
        (
            Conversao(
                representante=_nome(
                    linha["representante__first_name"],
                    linha["representante__last_name"],
                    linha["representante__username"],
                ),
                orcamentos=linha["orcamentos"],
                convertidos=linha["convertidos"],
            )
            for linha in linhas
        ),
        key=lambda c: (-c.orcamentos, c.representante),
    )
    total = Conversao(
        representante="Total",
        orcamentos=sum(c.orcamentos for c in por_rep),
        convertidos=sum(c.convertidos for c in por_rep),
    )
    return Conversoes(por_rep=tuple(por_rep), total=total)


# --- cross-selling and up-selling ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VendaCruzada:
    representante: str
    pedidos: int
    cruzados: int

    @property
    def taxa(self) -> Decimal | None:
        return percentual(self.cruzados, self.pedidos)


@dataclass(frozen=True, slots=True)
class VendasCruzadas:
    por_rep: tuple[VendaCruzada, ...]
    total: VendaCruzada = field(default_factory=lambda: VendaCruzada("Total", 0, 0))


def venda_cruzada(pedidos: QuerySet[Pedido], periodo: Periodo) -> VendasCruzadas:
    """Sent orders of the period and how many hold a registered complementary pair, per rep;
    1 query (the pair test is an EXISTS per order over its own active items)."""
    produtos_do_pedido = ItemPedido.objects.filter(
        pedido_id=OuterRef(OuterRef("pk")), status=StatusItem.ATIVO
    ).values("produto_id")
    par = ProdutoComplementar.objects.filter(
        produto_id__in=produtos_do_pedido, complementar_id__in=produtos_do_pedido
    )
    linhas = (
        pedidos_enviados(pedidos, periodo)
        .order_by()
        .alias(cruzado=Exists(par))
        .values(
            "representante_id",
            "representante__first_name",
            "representante__last_name",
            "representante__username",
        )
        .annotate(total=Count("pk"), cruzados=Count("pk", filter=Q(cruzado=True)))
    )
    por_rep = sorted(
        (
            VendaCruzada(
                representante=_nome(
                    linha["representante__first_name"],
                    linha["representante__last_name"],
                    linha["representante__username"],
                ),
                pedidos=linha["total"],
                cruzados=linha["cruzados"],
            )
            for linha in linhas
        ),
        key=lambda v: (-v.pedidos, v.representante),
    )
    total = VendaCruzada(
        representante="Total",
        pedidos=sum(v.pedidos for v in por_rep),
        cruzados=sum(v.cruzados for v in por_rep),
    )
    return VendasCruzadas(por_rep=tuple(por_rep), total=total)


@dataclass(frozen=True, slots=True)
class UpSelling:
    comparaveis: int  # clients with a sent order in both periods
    cresceram: int  # ... whose average order value grew

    @property
    def taxa(self) -> Decimal | None:
        return percentual(self.cresceram, self.comparaveis)


def up_selling(pedidos: QuerySet[Pedido], periodo: Periodo) -> UpSelling:
    """Clients whose average sent-order value grew against the previous period of the same
    length, among those who bought in both; 1 query (grouped per client inside, counted
    outside)."""
    anterior = periodo.anterior()
    atual, antes = _no_periodo("data", periodo), _no_periodo("data", anterior)
    por_cliente = (
        pedidos.filter(
            tipo=TipoDocumento.PEDIDO,
            status=StatusPedido.ENVIADO,
            data__gte=anterior.inicio,
            data__lte=periodo.fim,
        )
        .order_by()
        .values("cliente_id")
        .annotate(
            fat_a=Coalesce(Sum("v_nf", filter=atual), Value(ZERO), output_field=_DINHEIRO),
            n_a=Count("pk", filter=atual),
            fat_p=Coalesce(Sum("v_nf", filter=antes), Value(ZERO), output_field=_DINHEIRO),
            n_p=Count("pk", filter=antes),
        )
        .filter(n_a__gt=0, n_p__gt=0)
        # fat_a / n_a > fat_p / n_p, without a division (both counts are positive here)
        .annotate(cresceu=GreaterThan(F("fat_a") * F("n_p"), F("fat_p") * F("n_a")))
    )
    resultado = por_cliente.aggregate(
        comparaveis=Count("cliente_id"), cresceram=Count("cliente_id", filter=Q(cresceu=True))
    )
    return UpSelling(
        comparaveis=resultado["comparaveis"] or 0, cresceram=resultado["cresceram"] or 0
    )


# --- charts ----------------------------------------------------------------------------------


def funil_grafico(
    itens: Sequence[Item], *, titulo: str, descricao: str, largura: int = 640
) -> Grafico:
    """A funnel: crm.graficos' horizontal bars, each centred on the drawing area.

    Same Grafico/Barra as every other chart, so `includes/grafico_barras.svg.html` draws it.
    """
    largura_rotulo, largura_texto = 150, 190
    base = barras_horizontais(
        itens,
        titulo=titulo,
        descricao=descricao,
        largura=largura,
        altura_barra=28,
        espaco=6,
        largura_rotulo=largura_rotulo,
        largura_texto=largura_texto,
    )
    area = largura - largura_rotulo - largura_texto
    centro = largura_rotulo + area / 2
    barras = tuple(
        replace(
            b,
            x=round(centro - b.largura / 2, 1),
            texto_x=largura - largura_texto + 8,
        )
        for b in base.barras
    )
    return replace(base, barras=barras)
