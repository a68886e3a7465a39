"""Reads scoped to the user. A view never calls Cliente.objects.get(pk=...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from pghistory.models import Events

from cadastro.constants import CanalContato, FiltroTitulos, OrigemAlteracao, TipoEventoCliente
from cadastro.models import (
    Carteira,
    Cliente,
    ContatoEletronico,
    Endereco,
    EventoCliente,
    EventoConsentimento,
    PessoaContato,
    Telefone,
    TituloReceber,
)
from crm.documentos import formatar_cep, formatar_documento, formatar_fone
from crm.money import arredondar

if TYPE_CHECKING:
    from contas.models import Usuario


def cliente_obter(*, user: Usuario, pk: int, para_alterar: bool = False) -> Cliente:
    """The client if `user` may see it, else 404 (never 403: do not confirm it exists)."""
    qs = Cliente.objects.visiveis_para(user).select_related(
        "tipo_cliente", "status", "situacao_scpc", "categoria_fiscal", "origem", "carteira",
        "representante", "tabela_venda",
    )  # fmt: skip
    if para_alterar:
        qs = qs.select_for_update(of=("self",))
    return get_object_or_404(qs, pk=pk)


def carteira_listar(*, user: Usuario):
    return Carteira.objects.visiveis_para(user).select_related("representante")


# --- client detail: sub-records, consent, audit history, timeline ------------------------


def enderecos_do_cliente(cliente: Cliente) -> models.QuerySet[Endereco]:
    return cliente.enderecos.select_related("municipio")


def telefones_do_cliente(cliente: Cliente) -> models.QuerySet[Telefone]:
    return cliente.telefones.all()


def contatos_eletronicos_do_cliente(cliente: Cliente) -> models.QuerySet[ContatoEletronico]:
    return cliente.contatos_eletronicos.all()


def pessoas_contato_do_cliente(cliente: Cliente) -> models.QuerySet[PessoaContato]:
    return cliente.pessoas_contato.select_related("tipo")


@dataclass(frozen=True)
class ConsentimentoAtual:
    canal: str
    rotulo: str
    evento: EventoConsentimento | None

    @property
    def concedido(self) -> bool:
        """Never asked counts as not consented (LGPD: consent is opt-in)."""
        return bool(self.evento and self.evento.concedido)

    @property
    def situacao(self) -> str:
        if self.evento is None:
            return "Não informado"
        return "Concedido" if self.evento.concedido else "Revogado"


def consentimentos_atuais(cliente: Cliente) -> list[ConsentimentoAtual]:
    """Current consent per channel = the latest event of each channel (one DISTINCT ON query)."""
    ultimos = (
        EventoConsentimento.objects.filter(cliente=cliente)
        .select_related("ator")
        .order_by("canal", "-quando", "-id")
        .distinct("canal")
    )
    por_canal = {e.canal: e for e in ultimos}
    return [
        ConsentimentoAtual(canal=valor, rotulo=str(rotulo), evento=por_canal.get(valor))
        for valor, rotulo in CanalContato.choices
    ]


def consentimentos_historico(cliente: Cliente, *, pagina: Any = 1, por_pagina: int = 20) -> Page:
    qs = EventoConsentimento.objects.filter(cliente=cliente).select_related("ator")
    return Paginator(qs.order_by("-quando", "-id"), por_pagina).get_page(pagina)


def linha_do_tempo(cliente: Cliente, *, pagina: Any = 1, por_pagina: int = 25) -> Page:
    """Business events of the client (created, changed, consent, later orders/tickets…)."""
    qs = EventoCliente.objects.filter(cliente=cliente).select_related("ator")
    return Paginator(qs.order_by("-quando", "-id"), por_pagina).get_page(pagina)


@dataclass(frozen=True)
class UltimaAlteracao:
    usuario: Any  # Usuario | None
    quando: datetime | None

    @property
    def autor(self) -> str:
        if self.usuario is None:
            return "outro usuário"
        return self.usuario.get_full_name() or self.usuario.username


def cliente_ultima_alteracao(cliente: Cliente) -> UltimaAlteracao:
    """Who last wrote the client row and when: the audit trail (catches every write path),
    the timeline when the audit has nothing."""
    evento_modelo = apps.get_model("cadastro", "ClienteEvent")
    evento = (
        evento_modelo.objects.filter(pgh_obj_id=cliente.pk)
        .select_related("pgh_context")
        .order_by("-pgh_id")
        .first()
    )
    if evento is not None:
        contexto = evento.pgh_context.metadata if evento.pgh_context else {}
        usuario = None
        if contexto.get("user"):
            usuario = get_user_model().objects.filter(pk=contexto["user"]).first()
        return UltimaAlteracao(usuario=usuario, quando=evento.pgh_created_at)
    ultimo = (
        cliente.eventos.filter(tipo__in=[TipoEventoCliente.ALTERADO, TipoEventoCliente.CRIADO])
        .select_related("ator")
        .first()
    )
    if ultimo is not None:
        return UltimaAlteracao(usuario=ultimo.ator, quando=ultimo.quando)
    return UltimaAlteracao(usuario=None, quando=None)


# Audit history (pghistory) rendered for people: pt-BR labels, formatted values, who and when.

# The client's own record and its children; other apps' audit (prices per client…) stays theirs.
_MODELOS_HISTORICO = (
    "ClienteEvent",
    "EnderecoEvent",
    "TelefoneEvent",
    "ContatoEletronicoEvent",
    "PessoaContatoEvent",
)
_OCULTOS = {"id", "cliente", "criado_em", "atualizado_em", "versao"}
_ACOES = {"insert": "incluído", "update": "alterado", "delete": "excluído"}
_FORMATADORES = {
    ("cadastro.Cliente", "documento"): formatar_documento,
    ("cadastro.Endereco", "cep"): formatar_cep,
    ("cadastro.PessoaContato", "telefone"): formatar_fone,
    ("cadastro.Telefone", "numero"): formatar_fone,
}


@dataclass(frozen=True)
class Mudanca:
    campo: str
    antes: str
    depois: str


@dataclass
class EntradaHistorico:
    quando: datetime
    usuario: Any
    origem: str
    modelo: str
    objeto: str
    acao: str
    mudancas: list[Mudanca] = field(default_factory=list)
    # An update with no earlier snapshot (rows loaded in bulk with the triggers off, before
    # the audit existed): what changed is unknown, only that it changed.
    sem_anterior: bool = False


def _campos_por_coluna(modelo: type[models.Model]) -> dict[str, models.Field]:
    return {str(f.column): f for f in modelo._meta.concrete_fields}


def _vazio(valor: Any) -> bool:
    return valor is None or valor == ""


def _formatar_valor(rotulo_modelo: str, campo: models.Field, valor: Any, nomes: dict) -> str:
    if _vazio(valor):
        return "—"
    formatador = _FORMATADORES.get((rotulo_modelo, campo.name))
    if formatador:
        return formatador(str(valor))
    if campo.is_relation:
        return nomes.get((campo.related_model, valor), f"#{valor}")
    if campo.choices:
        return str(dict(campo.flatchoices).get(valor, valor))
    if isinstance(campo, models.BooleanField):
        return "Sim" if valor else "Não"
    if isinstance(campo, models.DateTimeField):
        momento = parse_datetime(str(valor))
        if momento is None:
            return str(valor)
        return date_format(timezone.localtime(momento), "SHORT_DATETIME_FORMAT")
    if isinstance(campo, models.DateField):
        dia = parse_date(str(valor)[:10])
        return date_format(dia, "SHORT_DATE_FORMAT") if isinstance(dia, date) else str(valor)
    if isinstance(campo, models.DecimalField):
        try:
            return number_format(Decimal(str(valor)), campo.decimal_places, force_grouping=True)
        except InvalidOperation:
            return str(valor)
    return str(valor)


def _descrever_objeto(rotulo_modelo: str, dados: dict[str, Any], nomes: dict) -> str:
    if rotulo_modelo == "cadastro.Cliente":
        return "Cadastro"
    if rotulo_modelo == "cadastro.Telefone":
        return formatar_fone(f"{dados.get('ddd') or ''}{dados.get('numero') or ''}")
    if rotulo_modelo == "cadastro.Endereco":
        partes = [dados.get("logradouro"), dados.get("numero"), dados.get("bairro")]
        return ", ".join(p for p in partes if p)
    if rotulo_modelo in ("cadastro.ContatoEletronico",):
        return str(dados.get("valor") or "")
    if rotulo_modelo == "cadastro.PessoaContato":
        return str(dados.get("nome") or "")
    return f"#{dados.get('id')}"


def historico_cliente(cliente: Cliente, *, pagina: Any = 1, por_pagina: int = 25) -> Page:
    """Field-level audit of the client and its sub-records (pghistory), newest first.

    Each entry says who (the pghistory context user), when, from where, what record and which
    fields went from what to what, with pt-BR labels and formatted values. A page costs a fixed
    number of queries: count, events, the users, and one per referenced model on the page.
    """
    qs = (
        Events.objects.references(cliente)
        .across(*(apps.get_model("cadastro", nome) for nome in _MODELOS_HISTORICO))
        .order_by("-pgh_created_at", "-pgh_id")
    )
    pagina_obj = Paginator(qs, por_pagina).get_page(pagina)
    eventos = list(pagina_obj.object_list)

    modelos = {e.pgh_obj_model: apps.get_model(e.pgh_obj_model) for e in eventos}
    colunas = {rotulo: _campos_por_coluna(m) for rotulo, m in modelos.items()}

    # Resolve foreign keys of the page's diffs in one query per related model.
    ids: dict[type[models.Model], set[Any]] = {}
    for e in eventos:
        for coluna, par in (e.pgh_diff or {}).items():
            campo = colunas[e.pgh_obj_model].get(coluna)
            relacionado = campo.related_model if campo is not None else None
            if relacionado is not None and campo.name not in _OCULTOS:  # type: ignore[union-attr]
                ids.setdefault(relacionado, set()).update(v for v in par if v is not None)
    nomes: dict[tuple[type[models.Model], Any], str] = {}
    for relacionado, chaves in ids.items():
        for obj in relacionado._default_manager.filter(pk__in=chaves):
            nomes[(relacionado, obj.pk)] = str(obj)

    # Updates without a diff: the first snapshot of a row (no earlier event to compare with)
    # or a change of hidden columns only. One query per event table tells them apart.
    primeiros: set[tuple[str, str]] = set()
    sem_diff: dict[str, set[str]] = {}
    for e in eventos:
        if e.pgh_label == "update" and e.pgh_diff is None:
            sem_diff.setdefault(e.pgh_model, set()).add(e.pgh_obj_id)
    for rotulo_evento, objetos in sem_diff.items():
        tabela = apps.get_model(rotulo_evento)
        for obj_id, primeiro in (
            tabela.objects.filter(pgh_obj_id__in=objetos)
            .values_list("pgh_obj_id")
            .annotate(primeiro=models.Min("pgh_id"))
        ):
            primeiros.add((f"{rotulo_evento}:{primeiro}", str(obj_id)))

    usuarios_ids = {(e.pgh_context or {}).get("user") for e in eventos} - {None}
    usuarios = get_user_model().objects.in_bulk(usuarios_ids) if usuarios_ids else {}

    entradas = []
    for e in eventos:
        modelo = modelos[e.pgh_obj_model]
        contexto = e.pgh_context or {}
        mudancas = []
        sem_anterior = False
        if e.pgh_label == "update" and e.pgh_diff is None:
            if (e.pgh_slug, e.pgh_obj_id) not in primeiros:
                continue
            sem_anterior = True
        elif e.pgh_label == "update":
            for coluna, (antes, depois) in sorted((e.pgh_diff or {}).items()):
                campo = colunas[e.pgh_obj_model].get(coluna)
                if campo is None or campo.name in _OCULTOS:
                    continue
                mudancas.append(
                    Mudanca(
                        campo=str(campo.verbose_name),
                        antes=_formatar_valor(e.pgh_obj_model, campo, antes, nomes),
                        depois=_formatar_valor(e.pgh_obj_model, campo, depois, nomes),
                    )
                )
            if not mudancas:
                continue
        origem = contexto.get("origem")
        rotulo_origem = OrigemAlteracao(origem).label if origem in OrigemAlteracao.values else ""
        rotulo_modelo = (
            "Cliente"
            if e.pgh_obj_model == "cadastro.Cliente"
            else str(modelo._meta.verbose_name).capitalize()
        )
        entradas.append(
            EntradaHistorico(
                quando=e.pgh_created_at,
                usuario=usuarios.get(contexto.get("user")),
                origem=str(rotulo_origem),
                modelo=rotulo_modelo,
                objeto=_descrever_objeto(e.pgh_obj_model, e.pgh_data or {}, nomes),
                acao=_ACOES.get(e.pgh_label, e.pgh_label),
                mudancas=mudancas,
                sem_anterior=sem_anterior,
            )
        )
    pagina_obj.object_list = entradas
    return pagina_obj


# --- receivables (the client's Financeiro tab) ---------------------------------------------
#
# Visibility: callers pass a client they got from `cliente_obter(user=...)`; nothing here
# reaches a receivable except through its client.

ZERO = Decimal("0.00")
JANELA_ATRASO_MEDIO = timedelta(days=365)


class _DiasEntre(models.Func):
    """date − date in Postgres is an integer number of days."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = models.IntegerField()


def titulos_filtrados(
    cliente: Cliente, filtro: str, *, hoje: date | None = None
) -> models.QuerySet[TituloReceber]:
    """The client's titles under one filter of the tab, in the tab's order.

    Open titles (em aberto, vencidos) come oldest due date first: what to collect first;
    paid and all come newest first: the recent history.
    """
    hoje = hoje or timezone.localdate()
    qs = TituloReceber.objects.do_cliente(cliente)
    if filtro == FiltroTitulos.VENCIDOS:
        return qs.vencidos(hoje).order_by("vencimento", "documento", "parcela", "id")
    if filtro == FiltroTitulos.PAGOS:
        return qs.pagos().order_by("-vencimento", "-documento", "-parcela", "-id")
    if filtro == FiltroTitulos.TODOS:
        return qs.order_by("-vencimento", "-documento", "-parcela", "-id")
    return qs.em_aberto().order_by("vencimento", "documento", "parcela", "id")


def filtro_titulos(valor: str | None) -> str:
    """The tab's filter from the query string; anything unknown is "em aberto" (the default)."""
    return valor if valor in FiltroTitulos.values else FiltroTitulos.ABERTOS


def titulos_do_cliente(
    cliente: Cliente, filtro: str, pagina: Any = 1, *, por_pagina: int = 20
) -> Page:
    """One page of the client's titles (count + page: two queries, whatever the page size)."""
    qs = titulos_filtrados(cliente, filtro_titulos(filtro)).select_related("pedido")
    return Paginator(qs, por_pagina).get_page(pagina)


@dataclass(frozen=True)
class ResumoFinanceiro:
    """The figures of the Financeiro tab's cards (and later of the segmentation filters)."""

    em_aberto: Decimal
    vencido: Decimal
    a_vencer: Decimal
    titulos_em_aberto: int
    titulos_vencidos: int
    maior_atraso: int  # days, of the oldest overdue title; 0 when nothing is overdue
    atraso_medio: Decimal | None  # days, titles paid in the last 12 months; None: none paid
    pagos_12_meses: int
    limite_credito: Decimal | None
    credito_disponivel: Decimal | None  # None when the client has no credit limit

    @property
    def tem_titulos(self) -> bool:
        return self.titulos_em_aberto > 0 or self.pagos_12_meses > 0


def resumo_financeiro(cliente: Cliente, *, hoje: date | None = None) -> ResumoFinanceiro:
    """Totals of the client's receivables in ONE aggregate query, in Decimal.

    - em aberto: sum of the balances (valor − valor_pago) of the titles not fully paid;
      vencido: of those past due; a vencer: of those due today or later;
    - maior atraso: days since the due date of the oldest overdue title;
    - atraso médio: mean of (pago_em − vencimento) over the titles fully paid in the last 365
      days, counting an early payment as 0 (paying early does not offset paying late), to one
      decimal place, half-up;
    - crédito disponível: the client's credit limit minus what is open (may be negative:
      the client is over the limit).
    """
    hoje = hoje or timezone.localdate()
    saldo = models.F("valor") - models.F("valor_pago")
    aberto = models.Q(valor_pago__lt=models.F("valor"))
    vencido = aberto & models.Q(vencimento__lt=hoje)
    pago_recente = models.Q(
        valor_pago__gte=models.F("valor"),
        pago_em__isnull=False,
        pago_em__gt=hoje - JANELA_ATRASO_MEDIO,
        pago_em__lte=hoje,
    )
    atraso = Greatest(_DiasEntre(models.F("pago_em"), models.F("vencimento")), models.Value(0))
    dinheiro = models.DecimalField(max_digits=16, decimal_places=2)
    r = TituloReceber.objects.do_cliente(cliente).aggregate(
        em_aberto=models.Sum(saldo, filter=aberto, output_field=dinheiro),
        vencido=models.Sum(saldo, filter=vencido, output_field=dinheiro),
        titulos_em_aberto=models.Count("pk", filter=aberto),
        titulos_vencidos=models.Count("pk", filter=vencido),
        vencimento_mais_antigo=models.Min("vencimento", filter=vencido),
        soma_atraso=models.Sum(atraso, filter=pago_recente),
        pagos_12_meses=models.Count("pk", filter=pago_recente),
    )
    em_aberto = r["em_aberto"] or ZERO
    vencido_total = r["vencido"] or ZERO
    pagos = r["pagos_12_meses"]
    atraso_medio = (
        arredondar(Decimal(r["soma_atraso"]) / Decimal(pagos), Decimal("0.1")) if pagos else None
    )
    antigo = r["vencimento_mais_antigo"]
    limite = cliente.limite_credito
    return ResumoFinanceiro(
        em_aberto=em_aberto,
        vencido=vencido_total,
        a_vencer=em_aberto - vencido_total,
        titulos_em_aberto=r["titulos_em_aberto"],
        titulos_vencidos=r["titulos_vencidos"],
        maior_atraso=(hoje - antigo).days if antigo else 0,
        atraso_medio=atraso_medio,
        pagos_12_meses=pagos,
        limite_credito=limite,
        credito_disponivel=None if limite is None else limite - em_aberto,
    )
