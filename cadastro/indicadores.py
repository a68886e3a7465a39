"""isoCadastro indicators: pure computation over a client queryset the caller already scoped.

Every function takes `clientes`, normally `Cliente.objects.visiveis_para(user)`, so a supervisor
gets their team's figures and an administrator the whole base; nothing here widens it. Results
are frozen dataclasses; nothing loops over clients in Python: each figure comes from an
aggregate query (conditional `Count(filter=...)`), a handful of queries for the whole page.

Time. A period is a pair of calendar dates (inclusive) in the company time zone
(settings.TIME_ZONE). Its instants are `desde` = start of the first day and `ate` = start of the
day after the last day; "no início" means as of `desde` and "no fim" as of `ate` (for a period
that has not ended yet, that is simply now). Client records deleted since are not counted
anywhere (deletions of clients are not audited).

Definitions (also written on the page, "Como é calculado"):

- Quantidade de cadastros: clients created before the instant (`criado_em < t`).
- Crescimento da base (%): novos no período / base no início x 100, where novos = clients created
  within the period and base no início = Quantidade at `desde`. No base at the start: no figure.
- % ativos / inativos: share of the base at the end whose status *at that instant* has
  `StatusCliente.considera_ativo` (see "status at an instant" below).
- % com e-mail / com telefone: share of the base at the end with at least one e-mail
  (ContatoEletronico tipo e-mail) / one Telefone registered before the instant. Contacts that were
  deleted since do not count (their deletion is audited, but only current rows are read here).
- Crescimento de permissões: for mala-direta (canal carta) and e-mail marketing (canal e-mail),
  the clients whose consent for that channel is granted as of the instant, the state being the
  latest EventoConsentimento for (client, channel) with `quando < t` (the log is append-only).
  Growth = (fim - início) / início x 100; the target compares the sum of both channels.
- Mapa de canal preferido: distribution of `Cliente.canal_preferido` (current value, "não
  informado" when blank) over the base at the end of the period.
- Churn por carteira: active clients at the start (created before `desde` and active as of
  `desde`) that are not active as of `ate`, divided by those active at the start, x 100; per the
  client's *current* carteira (the one that defines visibility). A client that went inactive and
  came back within the period is not churn; clients created within the period are not in it.

Status at an instant comes from the pghistory audit of Cliente (`ClienteEvent`: one row per
insert and per update of a tracked field, `status` included): the status of the latest event
with `pgh_created_at < t`. A client with no audit event before `t` (e.g. loaded before the audit
existed) is taken at its current status. Only clients with audit events at or after the earliest
instant asked for can differ from their current status, so the query reads the audit rows of
those clients only and takes everybody else's current status.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from cadastro.constants import CanalContato, Indicador, TipoContatoEletronico

# ClienteEvent is the audit model pghistory.track generates for Cliente (invisible to mypy)
from cadastro.models import (  # type: ignore[attr-defined]
    Carteira,
    ClienteEvent,
    ContatoEletronico,
    EventoConsentimento,
    MetaIndicador,
    StatusCliente,
    Telefone,
)

if TYPE_CHECKING:
    from cadastro.models import Cliente

CEM = Decimal(100)
CENTESIMO = Decimal("0.01")

# Mala-direta is the letter channel; e-mail marketing the e-mail channel.
CANAIS_PERMISSAO: tuple[str, ...] = (CanalContato.CARTA, CanalContato.EMAIL)
ROTULO_PERMISSAO: dict[str, str] = {
    CanalContato.CARTA: "Mala-direta (carta)",
    CanalContato.EMAIL: "E-mail marketing",
}
NAO_INFORMADO = ""

# Indicators where a lower figure is better (the target is a ceiling).
MENOR_MELHOR = frozenset({Indicador.CHURN})
# Indicators that are shares of a whole (a target above 100% makes no sense).
PERCENTUAIS_ATE_100 = frozenset(
    {Indicador.ATIVOS, Indicador.COM_EMAIL, Indicador.COM_TELEFONE, Indicador.CHURN}
)


# What the page says under "Como é calculado" (the module docstring says the same, in full).
COMO_CALCULADO: dict[str, str] = {
    Indicador.QUANTIDADE: (
        "Clientes cadastrados até o fim do período (data de cadastro até o último dia). "
        "Cadastros excluídos não contam."
    ),
    Indicador.CRESCIMENTO: (
        "Novos cadastros no período ÷ quantidade de cadastros no início do período × 100. "
        "Sem base no início não há percentual."
    ),
    Indicador.ATIVOS: (
        "Clientes da base no fim do período cujo status, naquela data, “conta como ativo” "
        "(cadastro de status) ÷ base no fim × 100; inativos são o restante. O status em cada "
        "data vem do histórico de alterações do cliente; sem histórico anterior à data, vale o "
        "status atual."
    ),
    Indicador.COM_EMAIL: (
        "Clientes da base no fim do período com ao menos um e-mail cadastrado até aquela data "
        "÷ base no fim × 100. E-mails já excluídos não contam."
    ),
    Indicador.COM_TELEFONE: (
        "Clientes da base no fim do período com ao menos um telefone cadastrado até aquela "
        "data ÷ base no fim × 100. Telefones já excluídos não contam."
    ),
    Indicador.CONSENTIMENTO: (
        "Permissões em vigor de mala-direta (canal carta) e de e-mail marketing (canal e-mail): "
        "para cada cliente e canal vale o último registro de consentimento até a data. "
        "Crescimento = (permissões no fim − permissões no início) ÷ permissões no início × 100, "
        "somando os dois canais; cada canal também aparece separado."
    ),
    Indicador.CHURN: (
        "Clientes ativos no início do período que não estão ativos no fim ÷ ativos no início "
        "× 100, pela carteira atual do cliente. Quem inativou e voltou dentro do período não "
        "conta; cadastros novos do período não entram. Mudanças de status vêm do histórico "
        "de alterações do cliente."
    ),
}
COMO_CANAL_PREFERIDO = (
    "Distribuição do canal preferido atual dos clientes da base no fim do período; "
    "“Não informado” quando o campo está vazio."
)
COMO_CRESCIMENTO_MENSAL = (
    "Para cada mês: novos cadastros no mês ÷ base no início do mês × 100. O mês corrente é parcial."
)


# --- arithmetic --------------------------------------------------------------------------


def percentual(parte: int | Decimal, todo: int | Decimal) -> Decimal | None:
    """parte / todo x 100, 2 places (half up); None when there is no whole to divide by."""
    if not todo:
        return None
    return (Decimal(parte) * CEM / Decimal(todo)).quantize(CENTESIMO, ROUND_HALF_UP)


def variacao(inicio: int, fim: int) -> Decimal | None:
    """(fim - inicio) / inicio x 100; None when the start is zero."""
    return percentual(fim - inicio, inicio)


# --- periods -----------------------------------------------------------------------------


def inicio_do_dia(dia: dt.date) -> dt.datetime:
    """Midnight of `dia` in the company time zone (aware)."""
    return dt.datetime.combine(dia, dt.time.min, tzinfo=timezone.get_default_timezone())


def _somar_meses(dia: dt.date, meses: int) -> dt.date:
    indice = dia.year * 12 + dia.month - 1 + meses
    return dt.date(indice // 12, indice % 12 + 1, 1)


def _ultimo_dia(dia: dt.date) -> dt.date:
    return dia.replace(day=calendar.monthrange(dia.year, dia.month)[1])


@dataclass(frozen=True, slots=True)
class Periodo:
    """Inclusive calendar dates; `desde`/`ate` are its half-open instants [desde, ate)."""

    inicio: dt.date
    fim: dt.date

    def __post_init__(self) -> None:
        if self.fim < self.inicio:
            raise ValueError("O fim do período não pode ser anterior ao início.")

    @classmethod
    def mes(cls, dia: dt.date) -> Periodo:
        """The calendar month containing `dia`."""
        return cls(dia.replace(day=1), _ultimo_dia(dia))

    @classmethod
    def meses(cls, dia: dt.date, quantidade: int) -> Periodo:
        """`quantidade` whole calendar months, the last one being the month of `dia`."""
        return cls(_somar_meses(dia.replace(day=1), 1 - quantidade), _ultimo_dia(dia))

    @classmethod
    def ano(cls, dia: dt.date) -> Periodo:
        return cls(dt.date(dia.year, 1, 1), dt.date(dia.year, 12, 31))

    @property
    def desde(self) -> dt.datetime:
        return inicio_do_dia(self.inicio)

    @property
    def ate(self) -> dt.datetime:
        return inicio_do_dia(self.fim + dt.timedelta(days=1))

    @property
    def dias(self) -> int:
        return (self.fim - self.inicio).days + 1

    @property
    def meses_inteiros(self) -> int:
        """Number of whole calendar months it spans, or 0 when it is not whole months."""
        if self.inicio.day != 1 or self.fim != _ultimo_dia(self.fim):
            return 0
        return (self.fim.year - self.inicio.year) * 12 + self.fim.month - self.inicio.month + 1

    def anterior(self) -> Periodo:
        """The comparison period, right before this one.

        Whole months compare with the same number of months before (March vs February, a
        quarter vs the previous quarter); any other range with the same number of days before.
        """
        meses = self.meses_inteiros
        if meses:
            inicio = _somar_meses(self.inicio, -meses)
            return Periodo(inicio, self.inicio - dt.timedelta(days=1))
        return Periodo(
            self.inicio - dt.timedelta(days=self.dias), self.inicio - dt.timedelta(days=1)
        )

    def em_andamento(self, hoje: dt.date) -> bool:
        return self.fim >= hoje

    def contem(self, dia: dt.date) -> bool:
        return self.inicio <= dia <= self.fim


def periodo_padrao(hoje: dt.date) -> Periodo:
    """The page default: the current calendar month (compared with the previous one)."""
    return Periodo.mes(hoje)


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Retrato:
    """The base as of one instant."""

    total: int
    ativos: int
    com_email: int
    com_telefone: int
    permissoes: dict[str, int] = field(default_factory=dict)

    @property
    def inativos(self) -> int:
        return self.total - self.ativos

    @property
    def pct_ativos(self) -> Decimal | None:
        return percentual(self.ativos, self.total)

    @property
    def pct_inativos(self) -> Decimal | None:
        return percentual(self.inativos, self.total)

    @property
    def pct_email(self) -> Decimal | None:
        return percentual(self.com_email, self.total)

    @property
    def pct_telefone(self) -> Decimal | None:
        return percentual(self.com_telefone, self.total)

    @property
    def permissoes_total(self) -> int:
        return sum(self.permissoes.get(c, 0) for c in CANAIS_PERMISSAO)


@dataclass(frozen=True, slots=True)
class Churn:
    ativos_inicio: int
    perdidos: int

    @property
    def pct(self) -> Decimal | None:
        return percentual(self.perdidos, self.ativos_inicio)


@dataclass(frozen=True, slots=True)
class ChurnCarteira:
    carteira_id: int | None
    codigo: str
    nome: str
    churn: Churn

    @property
    def rotulo(self) -> str:
        return f"{self.codigo} – {self.nome}" if self.carteira_id else "Sem carteira"


@dataclass(frozen=True, slots=True)
class ValoresPeriodo:
    """Every indicator over one period: the base at its start and at its end, and churn."""

    periodo: Periodo
    inicio: Retrato
    fim: Retrato
    churn: Churn

    @property
    def novos(self) -> int:
        # Quantity at the end minus at the start is exactly "created within the period".
        return self.fim.total - self.inicio.total

    @property
    def crescimento(self) -> Decimal | None:
        return percentual(self.novos, self.inicio.total)

    def crescimento_permissoes(self, canal: str | None = None) -> Decimal | None:
        """Growth % of granted consents for one channel, or for both channels together."""
        if canal is None:
            return variacao(self.inicio.permissoes_total, self.fim.permissoes_total)
        return variacao(self.inicio.permissoes.get(canal, 0), self.fim.permissoes.get(canal, 0))

    def valor(self, indicador: str) -> Decimal | None:
        """The figure a MetaIndicador for `indicador` is compared with."""
        valores: dict[str, Decimal | None] = {
            Indicador.QUANTIDADE: Decimal(self.fim.total),
            Indicador.CRESCIMENTO: self.crescimento,
            Indicador.ATIVOS: self.fim.pct_ativos,
            Indicador.COM_EMAIL: self.fim.pct_email,
            Indicador.COM_TELEFONE: self.fim.pct_telefone,
            Indicador.CONSENTIMENTO: self.crescimento_permissoes(),
            Indicador.CHURN: self.churn.pct,
        }
        return valores[indicador]


@dataclass(frozen=True, slots=True)
class FatiaCanal:
    canal: str
    rotulo: str
    quantidade: int
    pct: Decimal | None


@dataclass(frozen=True, slots=True)
class Mes:
    """One month of the base-growth series."""

    inicio: dt.date
    base_inicio: int
    novos: int
    parcial: bool

    @property
    def base_fim(self) -> int:
        return self.base_inicio + self.novos

    @property
    def crescimento(self) -> Decimal | None:
        return percentual(self.novos, self.base_inicio)


@dataclass(frozen=True, slots=True)
class Indicadores:
    """What the page shows: the chosen period, the previous one, channel map, churn, months."""

    atual: ValoresPeriodo
    anterior: ValoresPeriodo
    canais: tuple[FatiaCanal, ...]
    churn_carteiras: tuple[ChurnCarteira, ...]
    meses: tuple[Mes, ...]


# --- queries -----------------------------------------------------------------------------
#
# Two queries carry everything, whatever the size of the base: one pass over the visible
# clients (grouped by carteira, every figure a conditional COUNT ... FILTER) and one pass over
# the consent log. They are raw SQL built around the ORM's own SQL for `clientes` (so the
# visibility rule is never restated) because the ORM cannot LEFT JOIN a grouped derived table:
# the ORM form (`Count(filter=Exists(...))` per contact type and instant) runs one correlated
# subquery per client and took 11.7 s at 1M clients against about 2 s for the joins below
# (EXPLAIN ANALYZE figures in docs/indicadores.md).


# Table names only ever come from here (never from input); every value travels as a param.
_EVENTOS = ClienteEvent._meta.db_table
_STATUS = StatusCliente._meta.db_table
_CARTEIRAS = Carteira._meta.db_table
_CONTATOS = ContatoEletronico._meta.db_table
_TELEFONES = Telefone._meta.db_table
_CONSENTIMENTOS = EventoConsentimento._meta.db_table


def _sql_visiveis(clientes: QuerySet[Cliente], *colunas: str) -> tuple[str, list[Any]]:
    """SQL + params of `clientes` (the caller's visibility) selecting `colunas`, for raw SQL."""
    consulta = clientes.order_by().values(*colunas).query
    sql, params = consulta.get_compiler(using=clientes.db).as_sql()
    return sql, list(params)


class _Sql:
    """Builds SQL text and its positional params side by side, so they cannot drift apart."""

    def __init__(self) -> None:
        self.partes: list[str] = []
        self.params: list[Any] = []

    def __call__(self, texto: str, *params: Any) -> _Sql:
        self.partes.append(texto)
        self.params.extend(params)
        return self

    @property
    def texto(self) -> str:
        return "\n".join(self.partes)


@dataclass(frozen=True, slots=True)
class _Carteira:
    """One row of the client pass: figures of one (current) carteira."""

    carteira_id: int | None
    codigo: str
    nome: str
    totais: tuple[int, ...]  # per instant: clients created before it
    ativos: tuple[int, ...]  # per instant: ... and active as of it
    com_email: tuple[int, ...]
    com_telefone: tuple[int, ...]
    perdidos: tuple[int, ...]  # [i], i >= 1: active as of instant i-1 and not as of i
    canais: dict[str, int]  # preferred channel, base as of the last instant
    fronteiras: tuple[int, ...]  # clients created before each extra boundary (months)


CANAIS_MAPA: tuple[str, ...] = (*CanalContato.values, NAO_INFORMADO)


def _varrer_clientes(
    clientes: QuerySet[Cliente],
    instantes: Sequence[dt.datetime],
    fronteiras: Sequence[dt.datetime] = (),
) -> list[_Carteira]:
    """The pass over the visible clients, grouped by current carteira (1 query).

    Status as of each instant: "status at an instant" in the module docstring. E-mail/phone
    as of t: the first e-mail/phone of the client was registered before t.
    """
    n = len(instantes)
    ordem = "ORDER BY e.pgh_created_at DESC, e.pgh_id DESC"
    visiveis, params_visiveis = _sql_visiveis(
        clientes, "id", "carteira_id", "status_id", "criado_em", "canal_preferido"
    )
    # The contact and audit CTEs read their whole tables and the visible clients are applied by
    # the final join, whatever the scope: restricting each CTE to the visible ids (a semi-join
    # per CTE) measured 2-4x slower for supervisors' scopes (19-80% of a 200k base), and only
    # Supervisor and Administrador open this page. Cost: one pass over e-mails and phones and
    # over the audit rows of clients changed since the earliest instant.
    q = _Sql()
    q(f"WITH vis AS ({visiveis}),", *params_visiveis)
    # Only clients audited at/after the earliest instant can differ from their current status.
    # Materialized so their audit rows are fetched by id once: as a plain IN (...) the planner
    # merge-joined the whole audit table, once per parallel worker (3x the rows at 1M).
    q(
        f"alterados AS MATERIALIZED (SELECT DISTINCT a.pgh_obj_id AS id FROM {_EVENTOS} a"  # noqa: S608
        " WHERE a.pgh_created_at >= %s),",
        min(instantes),
    )
    q("historico AS (SELECT e.pgh_obj_id AS id")
    for i, t in enumerate(instantes):
        # a status since deleted cannot count as active
        q(
            f", (array_agg(COALESCE(st.considera_ativo, false) {ordem})"
            f" FILTER (WHERE e.pgh_created_at < %s))[1] AS ativo_{i}",
            t,
        )
    q(f"FROM alterados al JOIN {_EVENTOS} e ON e.pgh_obj_id = al.id")
    q(f"LEFT JOIN {_STATUS} st ON st.id = e.status_id")
    q("GROUP BY e.pgh_obj_id),")
    q(f"emails AS (SELECT cliente_id, MIN(criado_em) AS desde FROM {_CONTATOS}")  # noqa: S608
    q("WHERE tipo = %s", str(TipoContatoEletronico.EMAIL))
    q("GROUP BY cliente_id),")
    q(f"telefones AS (SELECT cliente_id, MIN(criado_em) AS desde FROM {_TELEFONES}")  # noqa: S608
    q("GROUP BY cliente_id),")
    q("base AS (SELECT c.carteira_id, c.criado_em, c.canal_preferido,")
    q("em.desde AS email_desde, tf.desde AS telefone_desde")
    for i in range(n):
        # no audit row before the instant: the current status (module docstring)
        q(f", COALESCE(h.ativo_{i}, atual.considera_ativo) AS ativo_{i}")
    q("FROM vis c")
    q(f"JOIN {_STATUS} atual ON atual.id = c.status_id")
    q("LEFT JOIN historico h ON h.id = c.id")
    q("LEFT JOIN emails em ON em.cliente_id = c.id")
    q("LEFT JOIN telefones tf ON tf.cliente_id = c.id),")
    q("por_carteira AS (SELECT b.carteira_id")
    for i, t in enumerate(instantes):
        q(f", COUNT(*) FILTER (WHERE b.criado_em < %s) AS total_{i}", t)
        q(f", COUNT(*) FILTER (WHERE b.criado_em < %s AND b.ativo_{i}) AS ativos_{i}", t)
        q(", COUNT(*) FILTER (WHERE b.criado_em < %s AND b.email_desde < %s)", t, t)
        q(", COUNT(*) FILTER (WHERE b.criado_em < %s AND b.telefone_desde < %s)", t, t)
        if i:
            q(
                f", COUNT(*) FILTER (WHERE b.criado_em < %s AND b.ativo_{i - 1}"
                f" AND NOT b.ativo_{i})",
                instantes[i - 1],
            )
    for canal in CANAIS_MAPA:
        q(
            ", COUNT(*) FILTER (WHERE b.criado_em < %s AND b.canal_preferido = %s)",
            instantes[-1],
            str(canal),
        )
    for t in fronteiras:
        q(", COUNT(*) FILTER (WHERE b.criado_em < %s)", t)
    q("FROM base b GROUP BY b.carteira_id)")
    q("SELECT ca.codigo, ca.nome, p.* FROM por_carteira p")
    q(f"LEFT JOIN {_CARTEIRAS} ca ON ca.id = p.carteira_id")
    q("ORDER BY ca.nome NULLS FIRST, p.carteira_id")
    with connection.cursor() as cursor:
        cursor.execute(q.texto, q.params)
        linhas = cursor.fetchall()

    resultado = []
    for codigo, nome, carteira_id, *valores in linhas:
        coluna = iter(valores)
        totais, ativos, emails, telefones, perdidos = [], [], [], [], [0]
        for i in range(n):
            totais.append(next(coluna))
            ativos.append(next(coluna))
            emails.append(next(coluna))
            telefones.append(next(coluna))
            if i:
                perdidos.append(next(coluna))
        canais = {canal: next(coluna) for canal in CANAIS_MAPA}
        resultado.append(
            _Carteira(
                carteira_id=carteira_id,
                codigo=codigo or "",
                nome=nome or "",
                totais=tuple(totais),
                ativos=tuple(ativos),
                com_email=tuple(emails),
                com_telefone=tuple(telefones),
                perdidos=tuple(perdidos),
                canais=canais,
                fronteiras=tuple(coluna),
            )
        )
    return resultado


def _permissoes(
    clientes: QuerySet[Cliente], instantes: Sequence[dt.datetime]
) -> list[dict[str, int]]:
    """Clients with consent granted as of each instant, per channel (carta, e-mail); 1 query.

    The state of (client, channel) as of t is the latest EventoConsentimento with quando < t
    (ties broken by id): an event is in force from its `quando` until the next event of the
    same client and channel, so "granted as of t" = a grant in force at t. One window pass over
    the log of the visible clients. Only clients of the base as of t (criado_em < t) count.
    """
    visiveis, params_visiveis = _sql_visiveis(clientes, "id", "criado_em")
    q = _Sql()
    q("SELECT x.canal")
    for t in instantes:
        q(
            ", COUNT(*) FILTER (WHERE x.concedido AND x.quando < %s"
            " AND (x.proximo IS NULL OR x.proximo >= %s) AND x.criado_em < %s)",
            t,
            t,
            t,
        )
    q("FROM (SELECT ev.canal, ev.concedido, ev.quando, c.criado_em,")
    q("LEAD(ev.quando) OVER (PARTITION BY ev.cliente_id, ev.canal ORDER BY ev.quando, ev.id)")
    q(f"AS proximo FROM {_CONSENTIMENTOS} ev")
    q(f"JOIN ({visiveis}) c ON c.id = ev.cliente_id", *params_visiveis)
    q(
        "WHERE ev.canal = ANY(%s) AND ev.quando < %s) x",
        [str(canal) for canal in CANAIS_PERMISSAO],
        max(instantes),
    )
    q("GROUP BY x.canal")
    with connection.cursor() as cursor:
        cursor.execute(q.texto, q.params)
        linhas = cursor.fetchall()
    resultado: list[dict[str, int]] = [dict.fromkeys(CANAIS_PERMISSAO, 0) for _ in instantes]
    for canal, *quantidades in linhas:
        for i, quantidade in enumerate(quantidades):
            resultado[i][canal] = quantidade
    return resultado


def _somar(linhas: Sequence[_Carteira], campo: str, i: int) -> int:
    return sum(getattr(linha, campo)[i] for linha in linhas)


def _retratos(linhas: Sequence[_Carteira], permissoes: Sequence[dict[str, int]]) -> list[Retrato]:
    return [
        Retrato(
            total=_somar(linhas, "totais", i),
            ativos=_somar(linhas, "ativos", i),
            com_email=_somar(linhas, "com_email", i),
            com_telefone=_somar(linhas, "com_telefone", i),
            permissoes=permissoes[i],
        )
        for i in range(len(permissoes))
    ]


def _churn(linhas: Sequence[_Carteira], i: int) -> Churn:
    return Churn(
        ativos_inicio=_somar(linhas, "ativos", i - 1), perdidos=_somar(linhas, "perdidos", i)
    )


def medir_periodo(clientes: QuerySet[Cliente], periodo: Periodo) -> ValoresPeriodo:
    """Every indicator over one period, 2 queries (used for targets with their own period)."""
    instantes = (periodo.desde, periodo.ate)
    linhas = _varrer_clientes(clientes, instantes)
    retratos = _retratos(linhas, _permissoes(clientes, instantes))
    return ValoresPeriodo(
        periodo=periodo, inicio=retratos[0], fim=retratos[1], churn=_churn(linhas, 1)
    )


def calcular_indicadores(
    clientes: QuerySet[Cliente], periodo: Periodo, *, hoje: dt.date, meses: int = 12
) -> Indicadores:
    """Every indicator for `periodo` and for the period before it, over `clientes`; 2 queries.

    Also the preferred-channel map at the end of the period and the month-by-month base growth
    for the `meses` months up to the period's last month (or the current one, if earlier).
    """
    anterior = periodo.anterior()
    # `anterior` ends the day before `periodo` starts, so three instants describe both
    instantes = (anterior.desde, periodo.desde, periodo.ate)
    ultimo_mes = min(periodo.fim, hoje).replace(day=1)
    inicios_mes = [_somar_meses(ultimo_mes, i - meses + 1) for i in range(meses + 1)]
    linhas = _varrer_clientes(clientes, instantes, [inicio_do_dia(d) for d in inicios_mes])
    retratos = _retratos(linhas, _permissoes(clientes, instantes))

    total_fim = retratos[2].total
    rotulos = dict(CanalContato.choices)
    canais = tuple(
        FatiaCanal(
            canal=canal,
            rotulo=rotulos.get(canal, "Não informado"),
            quantidade=sum(linha.canais[canal] for linha in linhas),
            pct=percentual(sum(linha.canais[canal] for linha in linhas), total_fim),
        )
        for canal in CANAIS_MAPA
    )
    base_mes = [_somar(linhas, "fronteiras", i) for i in range(meses + 1)]
    serie = tuple(
        Mes(
            inicio=inicios_mes[i],
            base_inicio=base_mes[i],
            novos=base_mes[i + 1] - base_mes[i],
            parcial=inicios_mes[i + 1] > hoje,
        )
        for i in range(meses)
    )
    por_carteira = tuple(
        ChurnCarteira(
            carteira_id=linha.carteira_id,
            codigo=linha.codigo,
            nome=linha.nome,
            churn=Churn(ativos_inicio=linha.ativos[1], perdidos=linha.perdidos[2]),
        )
        for linha in linhas
        if linha.ativos[1] or linha.perdidos[2]
    )
    return Indicadores(
        atual=ValoresPeriodo(
            periodo=periodo, inicio=retratos[1], fim=retratos[2], churn=_churn(linhas, 2)
        ),
        anterior=ValoresPeriodo(
            periodo=anterior, inicio=retratos[0], fim=retratos[1], churn=_churn(linhas, 1)
        ),
        canais=canais,
        churn_carteiras=por_carteira,
        meses=serie,
    )


# --- targets -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Avaliacao:
    """A target against the figure measured over the target's own period."""

    meta: MetaIndicador
    realizado: Decimal | None
    periodo: Periodo
    em_andamento: bool

    @property
    def menor_melhor(self) -> bool:
        return self.meta.indicador in MENOR_MELHOR

    @property
    def atingida(self) -> bool | None:
        if self.realizado is None:
            return None
        if self.menor_melhor:
            return self.realizado <= self.meta.valor_meta
        return self.realizado >= self.meta.valor_meta

    @property
    def situacao(self) -> str:
        """'ok', 'alerta' or 'andamento' (not reached yet, but the period is still running).

        A ceiling (churn) already exceeded is an alert even while the period runs.
        """
        atingida = self.atingida
        if atingida:
            return "ok"
        if self.em_andamento and not (self.menor_melhor and atingida is False):
            return "andamento"
        return "alerta"

    @property
    def progresso(self) -> int:
        """Bar width 0-100: share of the target reached (of the ceiling used, for churn)."""
        if self.realizado is None or self.realizado <= 0:
            return 0
        if self.meta.valor_meta <= 0:
            return 100
        proporcao = self.realizado * CEM / self.meta.valor_meta
        return int(min(proporcao, CEM).to_integral_value(ROUND_HALF_UP))


def metas_vigentes(empresa_id: int | None, dia: dt.date) -> dict[str, MetaIndicador]:
    """Per indicator, the company's target whose period contains `dia` (latest start wins)."""
    if empresa_id is None:
        return {}
    metas = MetaIndicador.objects.filter(
        empresa_id=empresa_id, periodo_inicio__lte=dia, periodo_fim__gte=dia
    ).order_by("indicador", "-periodo_inicio", "-pk")
    vigentes: dict[str, MetaIndicador] = {}
    for meta in metas:
        vigentes.setdefault(meta.indicador, meta)
    return vigentes


def avaliar_metas(
    metas: Iterable[MetaIndicador],
    *,
    medir: Callable[[Periodo], ValoresPeriodo],
    hoje: dt.date,
) -> dict[str, Avaliacao]:
    """Each target measured over its own period; `medir` is called once per distinct period."""
    medidos: dict[Periodo, ValoresPeriodo] = {}
    avaliacoes: dict[str, Avaliacao] = {}
    for meta in metas:
        periodo = Periodo(meta.periodo_inicio, meta.periodo_fim)
        if periodo not in medidos:
            medidos[periodo] = medir(periodo)
        avaliacoes[meta.indicador] = Avaliacao(
            meta=meta,
            realizado=medidos[periodo].valor(meta.indicador),
            periodo=periodo,
            em_andamento=periodo.em_andamento(hoje),
        )
    return avaliacoes
