"""Opportunities in the sales funnel (seed 000: "Oportunidades por etapa de vendas (funil)").

Every business change writes one EventoOportunidade (who, when, from/to). Changes of content
(data, stage, result) bump `versao`: the screen sends the version it saw and a stale one is
refused naming who changed it last (optimistic locking, like orders). Reaching a stage whose
`resultado` is ganha/perdida closes the opportunity (`resultado`, `fechada_em`; a loss needs a
MotivoPerda); a closed opportunity only moves again through `oportunidade_reabrir`.

The representative is never typed: it is the owner of the client's portfolio, or the user when
the user owns it (same rule as `pedido_criar`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.formats import date_format, number_format

from cadastro.models import Cliente
from vendas.constants import ResultadoEtapa, TipoDocumento, TipoEventoOportunidade
from vendas.models import (
    EtapaFunil,
    EventoOportunidade,
    MotivoPerda,
    Oportunidade,
    OrigemPedido,
    Pedido,
)

if TYPE_CHECKING:
    from contas.models import Usuario
    from vendas.calculo import Calculo

__all__ = [
    "CAMPOS_EDITAVEIS",
    "ConflitoOportunidade",
    "ErroOportunidade",
    "oportunidade_alterar",
    "oportunidade_criar",
    "oportunidade_criar_orcamento",
    "oportunidade_mover_etapa",
    "oportunidade_reabrir",
    "oportunidade_registrar_conversao",
]

# What a user may type. representante, resultado, fechada_em, motivo_perda (outside a move to
# a lost stage), versao and criado_por are set here only.
CAMPOS_EDITAVEIS = (
    "titulo",
    "valor_estimado",
    "probabilidade",
    "previsao_fechamento",
    "origem",
    "descricao",
)


class ErroOportunidade(Exception):
    """A business rule refused the change; `mensagem` is shown to the user as is."""

    def __init__(self, mensagem: str) -> None:
        super().__init__(mensagem)
        self.mensagem = mensagem


class ConflitoOportunidade(ErroOportunidade):
    """Somebody changed the opportunity after the user loaded it."""

    def __init__(self, oportunidade: Oportunidade, versao_vista: int) -> None:
        ultimo = (
            EventoOportunidade.objects.filter(oportunidade=oportunidade)
            .select_related("ator")
            .order_by("-quando", "-pk")
            .first()
        )
        quem = "outro usuário"
        quando = ""
        if ultimo is not None:
            if ultimo.ator is not None:
                quem = ultimo.ator.get_full_name() or ultimo.ator.username
            quando = " em " + date_format(timezone.localtime(ultimo.quando), "d/m/Y \\à\\s H:i")
        super().__init__(
            f"A oportunidade “{oportunidade.titulo}” foi alterada por {quem}{quando}, depois "
            "que você a abriu. Confira a versão atual e repita a operação."
        )
        self.versao_vista = versao_vista
        self.versao_atual = oportunidade.versao


def _evento(
    oportunidade: Oportunidade, tipo: str, ator: Usuario | None, **dados: Any
) -> EventoOportunidade:
    return EventoOportunidade.objects.create(
        oportunidade=oportunidade, tipo=tipo, ator=ator, dados=dados
    )


def _texto(valor: Any) -> Any:
    """A JSON-safe rendering of a field value for the event log."""
    if valor is None or isinstance(valor, (str, int, bool)):
        return valor
    if isinstance(valor, Decimal):
        return str(valor)
    if hasattr(valor, "isoformat"):
        return valor.isoformat()
    return str(valor)


def _legivel(valor: Any) -> str:
    """The value as the history shows it (pt-BR numbers and dates)."""
    if valor is None or valor == "":
        return "—"
    if isinstance(valor, Decimal):
        return number_format(valor, 2, use_l10n=True, force_grouping=True)
    if hasattr(valor, "strftime"):
        return valor.strftime("%d/%m/%Y")
    texto = str(valor)
    return texto if len(texto) <= 80 else texto[:77] + "…"


def _travar(*, ator: Usuario, oportunidade_id: int, versao: int | None) -> Oportunidade:
    """The opportunity locked for update, if the user sees it; its version checked."""
    oportunidade = (
        Oportunidade.objects.visiveis_para(ator)
        .select_for_update(of=("self",))
        .select_related("etapa")
        .filter(pk=oportunidade_id)
        .first()
    )
    if oportunidade is None:
        raise ErroOportunidade("Oportunidade não encontrada.")
    if versao is not None and oportunidade.versao != versao:
        raise ConflitoOportunidade(oportunidade, versao)
    return oportunidade


def _pode_alterar(ator: Usuario) -> None:
    if not ator.has_perm("vendas.change_oportunidade"):
        raise ErroOportunidade("Você não tem permissão para alterar oportunidades.")


def _etapa_ativa(etapa_id: int) -> EtapaFunil:
    etapa = EtapaFunil.objects.filter(pk=etapa_id, ativo=True).first()
    if etapa is None:
        raise ErroOportunidade("Etapa do funil não encontrada ou inativa.")
    return etapa


def _rotulo(campo: str) -> str:
    """The verbose name of an editable field (CAMPOS_EDITAVEIS are the model's own fields)."""
    modelo = Oportunidade._meta.get_field(campo)
    return str(modelo.verbose_name) if isinstance(modelo, Field) else campo


def _validar_dados(dados: Mapping[str, Any]) -> dict[str, Any]:
    desconhecidos = set(dados) - set(CAMPOS_EDITAVEIS)
    if desconhecidos:
        # Never silently accept representante/resultado/fechada_em from a caller.
        raise ErroOportunidade(f"Campos não editáveis: {', '.join(sorted(desconhecidos))}.")
    limpos = dict(dados)
    valor = limpos.get("valor_estimado")
    if valor is not None and valor < 0:
        raise ErroOportunidade("O valor estimado não pode ser negativo.")
    probabilidade = limpos.get("probabilidade")
    if probabilidade is not None and not (0 <= probabilidade <= 100):
        raise ErroOportunidade("A probabilidade vai de 0 a 100%.")
    origem = limpos.get("origem")
    if isinstance(origem, OrigemPedido) and not origem.ativo:
        raise ErroOportunidade("Origem inativa.")
    if "titulo" in limpos and not str(limpos["titulo"] or "").strip():
        raise ErroOportunidade("Informe o título da oportunidade.")
    return limpos


@transaction.atomic
def oportunidade_criar(
    *,
    cliente_id: int,
    ator: Usuario,
    dados: Mapping[str, Any],
    etapa_id: int | None = None,
) -> Oportunidade:
    """A new open opportunity for a client the user sees.

    `etapa_id` must be an open stage (default: the first one); without a typed probability the
    stage's default applies. The representative is the client's portfolio owner unless the user
    owns it (a supervisor registering for the team).
    """
    if not ator.has_perm("vendas.add_oportunidade"):
        raise ErroOportunidade("Você não tem permissão para criar oportunidades.")
    cliente = (
        Cliente.objects.visiveis_para(ator)
        .select_related("carteira__representante")
        .filter(pk=cliente_id)
        .first()
    )
    if cliente is None:
        raise ErroOportunidade("Cliente não encontrado na sua carteira.")
    if ator.empresa_id is None:
        raise ErroOportunidade("Seu usuário não está ligado a uma empresa: peça ao administrador.")
    limpos = _validar_dados(dados)
    if etapa_id is None:
        etapa = (
            EtapaFunil.objects.filter(ativo=True, resultado=ResultadoEtapa.ABERTA)
            .order_by("ordem", "pk")
            .first()
        )
        if etapa is None:
            raise ErroOportunidade("Nenhuma etapa do funil cadastrada: peça ao administrador.")
    else:
        etapa = _etapa_ativa(etapa_id)
    if etapa.resultado != ResultadoEtapa.ABERTA:
        raise ErroOportunidade("Uma oportunidade nova começa numa etapa em andamento.")
    representante = ator
    carteira = cliente.carteira  # select_related above; None without a carteira (no query)
    if carteira is not None and carteira.representante_id != ator.pk:
        representante = carteira.representante
    if limpos.get("probabilidade") is None:
        limpos["probabilidade"] = etapa.probabilidade
    oportunidade = Oportunidade.objects.create(
        empresa_id=ator.empresa_id,
        cliente=cliente,
        representante=representante,
        etapa=etapa,
        resultado=ResultadoEtapa.ABERTA,
        criado_por=ator,
        **limpos,
    )
    _evento(
        oportunidade,
        TipoEventoOportunidade.CRIADA,
        ator,
        etapa=etapa.descricao,
        etapa_id=etapa.pk,
        valor_estimado=_texto(oportunidade.valor_estimado),
    )
    return oportunidade


@transaction.atomic
def oportunidade_alterar(
    *, oportunidade_id: int, versao: int, ator: Usuario, dados: Mapping[str, Any]
) -> Oportunidade:
    """Change the typed data (not stage, result, client or representative)."""
    _pode_alterar(ator)
    oportunidade = _travar(ator=ator, oportunidade_id=oportunidade_id, versao=versao)
    limpos = _validar_dados(dados)
    if "probabilidade" in limpos and limpos["probabilidade"] is None:
        limpos["probabilidade"] = oportunidade.etapa.probabilidade  # cleared: stage default
    mudancas: dict[str, dict[str, Any]] = {}
    for campo, valor in limpos.items():
        antes = getattr(oportunidade, campo)
        if antes != valor:
            mudancas[campo] = {
                "rotulo": _rotulo(campo),
                "de": _texto(antes),
                "para": _texto(valor),
                "de_texto": _legivel(antes),
                "para_texto": _legivel(valor),
            }
            setattr(oportunidade, campo, valor)
    if not mudancas:
        return oportunidade
    oportunidade.versao += 1
    oportunidade.save()
    _evento(oportunidade, TipoEventoOportunidade.ALTERADA, ator, campos=mudancas)
    return oportunidade


@transaction.atomic
def oportunidade_mover_etapa(
    *,
    oportunidade_id: int,
    etapa_id: int,
    versao: int,
    ator: Usuario,
    motivo_perda_id: int | None = None,
) -> Oportunidade:
    """Move an open opportunity to another stage; a won/lost stage closes it.

    The probability becomes the new stage's default (the rep may change it afterwards).
    """
    _pode_alterar(ator)
    oportunidade = _travar(ator=ator, oportunidade_id=oportunidade_id, versao=versao)
    if oportunidade.resultado != ResultadoEtapa.ABERTA:
        raise ErroOportunidade(
            f"A oportunidade está {oportunidade.get_resultado_display().lower()}: reabra-a "
            "antes de mudar de etapa."
        )
    etapa = _etapa_ativa(etapa_id)
    if etapa.pk == oportunidade.etapa_id:
        raise ErroOportunidade(f"A oportunidade já está na etapa “{etapa.descricao}”.")
    motivo: MotivoPerda | None = None
    if etapa.resultado == ResultadoEtapa.PERDIDA:
        if motivo_perda_id is None:
            raise ErroOportunidade("Informe o motivo da perda.")
        motivo = MotivoPerda.objects.filter(pk=motivo_perda_id, ativo=True).first()
        if motivo is None:
            raise ErroOportunidade("Motivo de perda não encontrado ou inativo.")
    anterior = oportunidade.etapa
    oportunidade.etapa = etapa
    oportunidade.probabilidade = etapa.probabilidade
    oportunidade.resultado = etapa.resultado
    oportunidade.motivo_perda = motivo
    oportunidade.fechada_em = None if etapa.resultado == ResultadoEtapa.ABERTA else timezone.now()
    oportunidade.versao += 1
    oportunidade.save()
    tipo = {
        ResultadoEtapa.GANHA: TipoEventoOportunidade.GANHA,
        ResultadoEtapa.PERDIDA: TipoEventoOportunidade.PERDIDA,
    }.get(etapa.resultado, TipoEventoOportunidade.ETAPA_ALTERADA)  # type: ignore[call-overload]
    extra = {"motivo": motivo.descricao, "motivo_id": motivo.pk} if motivo else {}
    _evento(
        oportunidade,
        tipo,
        ator,
        de=anterior.descricao,
        de_id=anterior.pk,
        para=etapa.descricao,
        para_id=etapa.pk,
        **extra,
    )
    return oportunidade


@transaction.atomic
def oportunidade_reabrir(
    *, oportunidade_id: int, etapa_id: int, versao: int, ator: Usuario
) -> Oportunidade:
    """Reopen a won/lost opportunity into an open stage (explicit, with its own event)."""
    _pode_alterar(ator)
    oportunidade = _travar(ator=ator, oportunidade_id=oportunidade_id, versao=versao)
    if oportunidade.resultado == ResultadoEtapa.ABERTA:
        raise ErroOportunidade("A oportunidade já está em andamento.")
    etapa = _etapa_ativa(etapa_id)
    if etapa.resultado != ResultadoEtapa.ABERTA:
        raise ErroOportunidade("Reabra numa etapa em andamento.")
    anterior = oportunidade.etapa
    resultado_anterior = oportunidade.resultado
    oportunidade.etapa = etapa
    oportunidade.probabilidade = etapa.probabilidade
    oportunidade.resultado = ResultadoEtapa.ABERTA
    oportunidade.motivo_perda = None
    oportunidade.fechada_em = None
    oportunidade.versao += 1
    oportunidade.save()
    _evento(
        oportunidade,
        TipoEventoOportunidade.REABERTA,
        ator,
        de=anterior.descricao,
        de_id=anterior.pk,
        para=etapa.descricao,
        para_id=etapa.pk,
        resultado_anterior=resultado_anterior,
    )
    return oportunidade


@transaction.atomic
def oportunidade_criar_orcamento(*, oportunidade_id: int, ator: Usuario) -> Calculo:
    """A new quote (Pedido tipo orçamento) for the opportunity's client, linked to it."""
    if not ator.has_perm("vendas.add_pedido"):
        raise ErroOportunidade("Você não tem permissão para criar orçamentos.")
    oportunidade = _travar(ator=ator, oportunidade_id=oportunidade_id, versao=None)
    if oportunidade.resultado != ResultadoEtapa.ABERTA:
        raise ErroOportunidade("Só oportunidades em andamento recebem novos orçamentos.")
    # Imported here: vendas.services.pedidos calls back into this module on conversion.
    from vendas.services.pedidos import pedido_criar

    # pedido_criar re-checks the client's visibility and sets the representative itself.
    calculo = pedido_criar(
        cliente_id=oportunidade.cliente_id,
        tipo=TipoDocumento.ORCAMENTO,
        ator=ator,
        dados={"oportunidade_id": oportunidade.pk},
    )
    pedido = calculo.pedido
    _evento(
        oportunidade,
        TipoEventoOportunidade.ORCAMENTO_VINCULADO,
        ator,
        pedido=pedido.pk,
        numero=pedido.numero,
    )
    return calculo


@transaction.atomic
def oportunidade_registrar_conversao(
    *, orcamento: Pedido, pedido: Pedido, ator: Usuario | None
) -> EventoOportunidade | None:
    """Record on the quote's opportunity that the quote became `pedido`.

    Called by the quote-to-order conversion (`orcamento_converter`) inside its transaction.
    Does nothing for a quote without opportunity. The order inherits the link, so the
    opportunity lists it too. The opportunity's stage does not change: winning it is the
    rep's decision (the funnel move), not a side effect.
    """
    if orcamento.oportunidade_id is None:
        return None
    if pedido.oportunidade_id is None:
        Pedido.objects.filter(pk=pedido.pk).update(oportunidade_id=orcamento.oportunidade_id)
        pedido.oportunidade_id = orcamento.oportunidade_id
    return EventoOportunidade.objects.create(
        oportunidade_id=orcamento.oportunidade_id,
        tipo=TipoEventoOportunidade.ORCAMENTO_CONVERTIDO,
        ator=ator,
        dados={
            "orcamento": orcamento.pk,
            "numero_orcamento": orcamento.numero,
            "pedido": pedido.pk,
            "numero_pedido": pedido.numero,
        },
    )
