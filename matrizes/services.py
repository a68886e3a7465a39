"""Escritas nas matrizes: criar, editar (nova versão), copiar, expirar, importar.

Regra de ouro: o passado não muda. Uma regra que já vigorou num dia anterior a hoje nunca é
alterada; "editar" encerra-a na véspera da nova versão e cria a nova, e nenhuma regra nasce
com vigência no passado. Assim, perguntar às matrizes com a data de um pedido antigo devolve
as mesmas respostas que ele teve (ver `matrizes/fetch.py`). Ajustes de regras que ainda não
vigoraram (início hoje ou depois) são feitos no lugar: os pedidos de hoje são recalculados
quando as matrizes mudam (SPEC, jobs).

Cada serviço trava a matriz (advisory lock da transação) para que dois supervisores não criem
ao mesmo tempo duas regras idênticas e vigentes juntas, o que seria um empate garantido.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.formats import date_format

from matrizes.constants import DEFINICOES, DIMENSOES, DIMENSOES_FK, TipoEventoRegra
from matrizes.models import EventoRegra, Regra

if TYPE_CHECKING:
    from contas.models import Usuario

UM_DIA = dt.timedelta(days=1)

# Campos que o usuário edita (o resto é controle: versão, autor, datas de registro).
CAMPOS_EDITAVEIS: tuple[str, ...] = tuple(
    f.name
    for f in Regra._meta.get_fields()
    if getattr(f, "concrete", False)
    and f.name
    not in {
        "id",
        "matriz",
        "versao",
        "versao_anterior",
        "criado_por",
        "criado_em",
        "atualizado_em",
    }
)


def _hoje(hoje: dt.date | None) -> dt.date:
    return hoje or timezone.localdate()


def _data(data: dt.date) -> str:
    return date_format(data, "d/m/Y")


def _travar_matriz(matriz: str) -> None:
    """Serializa as escritas de uma matriz até o fim da transação.

    Every write service of the matrices passes here, so this is also where open orders are
    scheduled for recalculation (a Celery job after commit; repeated requests join one job).
    """
    from vendas.services import recalculo_matrizes_alteradas  # vendas depends on matrizes

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"matrizes.regra:{matriz}"])
    recalculo_matrizes_alteradas(matriz=matriz)


def _texto(valor: Any) -> Any:
    """Valor de um campo para o JSON do evento."""
    if isinstance(valor, Model):
        return str(valor.pk)
    if isinstance(valor, Decimal | dt.date):
        return str(valor)
    return valor


def _diferencas(antes: Regra, depois: Regra) -> dict[str, list[Any]]:
    diff = {}
    for campo in CAMPOS_EDITAVEIS:
        coluna = f"{campo}_id" if _e_fk(campo) else campo
        a, d = getattr(antes, coluna), getattr(depois, coluna)
        if a != d:
            diff[campo] = [_texto(a), _texto(d)]
    return diff


def _e_fk(campo: str) -> bool:
    return campo in DIMENSOES_FK or campo == "unidade_venda"


def _faixas_se_sobrepoem(a: Regra, b: Regra) -> bool:
    """(de, até] × (de, até]; lado vazio = sem limite."""
    if (
        a.percentual_ate is not None
        and b.percentual_de is not None
        and a.percentual_ate <= b.percentual_de
    ):
        return False
    return not (
        b.percentual_ate is not None
        and a.percentual_de is not None
        and b.percentual_ate <= a.percentual_de
    )


def regras_conflitantes(regra: Regra, *, ignorar: Iterable[int] = ()) -> list[Regra]:
    """Regras da mesma matriz, com as MESMAS dimensões, vigentes em algum dia em comum (e, nas
    matrizes com faixa, com faixas que se sobrepõem): duas assim empatariam sempre."""
    qs = Regra.objects.filter(matriz=regra.matriz).exclude(pk__in=[*ignorar, regra.pk or 0])
    for dimensao in DIMENSOES:
        coluna = f"{dimensao}_id" if dimensao in DIMENSOES_FK else dimensao
        valor = regra.valor_dimensao(dimensao)
        qs = qs.filter(**({f"{coluna}__isnull": True} if valor is None else {coluna: valor}))
    if regra.vigencia_fim is not None:
        qs = qs.filter(vigencia_inicio__lte=regra.vigencia_fim)
    qs = qs.filter(Q(vigencia_fim__isnull=True) | Q(vigencia_fim__gte=regra.vigencia_inicio))
    conflitos = [r for r in qs if not r.cancelada]
    if DEFINICOES[regra.matriz].faixa:
        conflitos = [r for r in conflitos if _faixas_se_sobrepoem(regra, r)]
    return conflitos


def _validar(regra: Regra, *, ignorar: Iterable[int] = ()) -> None:
    regra.full_clean(exclude=["versao_anterior", "criado_por"])
    conflitos = regras_conflitantes(regra, ignorar=ignorar)
    if conflitos:
        ids = ", ".join(f"#{r.pk}" for r in conflitos)
        raise ValidationError(
            f"Já existe regra com as mesmas dimensões vigente no mesmo período ({ids}); "
            "as duas empatariam. Edite ou expire a existente."
        )


def _contexto(ator: Usuario | None, servico: str) -> Any:
    return pghistory.context(usuario=ator.pk if ator else None, servico=servico)


@transaction.atomic
def regra_criar(
    *,
    dados: Mapping[str, Any],
    ator: Usuario | None,
    hoje: dt.date | None = None,
    permitir_passado: bool = False,
    evento: str = TipoEventoRegra.CRIADA,
    evento_dados: dict[str, Any] | None = None,
) -> Regra:
    """Cria uma regra vigente a partir de hoje (ou depois).

    `permitir_passado` só para carga inicial (demo, migração de um ERP): criar no passado
    mudaria as respostas que pedidos antigos já tiveram.
    """
    hoje = _hoje(hoje)
    regra = Regra(**dados, criado_por=ator)
    _travar_matriz(regra.matriz)
    if not permitir_passado and regra.vigencia_inicio and regra.vigencia_inicio < hoje:
        raise ValidationError(
            {
                "vigencia_inicio": (
                    "A vigência não pode começar no passado: mudaria o cálculo de pedidos já "
                    f"feitos. Use {_data(hoje)} ou depois."
                )
            }
        )
    _validar(regra)
    with _contexto(ator, "regra_criar"):
        regra.save()
    EventoRegra.registrar(regra=regra, tipo=evento, ator=ator, dados=evento_dados)
    return regra


@transaction.atomic
def regra_editar(
    *,
    regra: Regra,
    dados: Mapping[str, Any],
    ator: Usuario | None,
    hoje: dt.date | None = None,
) -> Regra:
    """Aplica `dados` à regra e devolve a regra que passa a valer.

    - regra que ainda não vigorou (início ≥ hoje): alterada no lugar;
    - regra em uso em que só muda o fim da vigência, sem mexer em dias passados: no lugar;
    - regra em uso, qualquer outra mudança: nova versão a partir de `dados["vigencia_inicio"]`
      (≥ hoje); a atual passa a terminar na véspera.
    """
    hoje = _hoje(hoje)
    _travar_matriz(regra.matriz)
    atual = Regra.objects.select_for_update().get(pk=regra.pk)
    if Regra.objects.filter(versao_anterior=atual).exists():
        raise ValidationError("Esta versão já foi substituída; edite a versão mais recente.")
    if atual.cancelada or (atual.vigencia_fim is not None and atual.vigencia_fim < hoje):
        raise ValidationError("Regra expirada não pode ser editada; faça uma cópia dela.")

    nova = Regra.objects.get(pk=atual.pk)
    for campo, valor in dados.items():
        if campo not in CAMPOS_EDITAVEIS:
            raise ValueError(f"campo não editável: {campo}")
        setattr(nova, campo, valor)
    diff = _diferencas(atual, nova)
    if not diff:
        return atual

    if not atual.em_uso(hoje):
        if nova.vigencia_inicio < hoje:
            raise ValidationError(
                {"vigencia_inicio": f"A vigência não pode começar antes de {_data(hoje)}."}
            )
        _validar(nova)
        with _contexto(ator, "regra_editar"):
            nova.save()
        EventoRegra.registrar(
            regra=nova, tipo=TipoEventoRegra.ALTERADA, ator=ator, dados={"alteracoes": diff}
        )
        return nova

    so_o_fim = set(diff) == {"vigencia_fim"}
    if so_o_fim and (nova.vigencia_fim is None or nova.vigencia_fim >= hoje - UM_DIA):
        # Os dias passados continuam dentro da vigência: nenhuma resposta antiga muda.
        _validar(nova)
        with _contexto(ator, "regra_editar"):
            nova.save(update_fields=["vigencia_fim", "atualizado_em"])
        EventoRegra.registrar(
            regra=nova, tipo=TipoEventoRegra.ALTERADA, ator=ator, dados={"alteracoes": diff}
        )
        return nova

    inicio = nova.vigencia_inicio
    if inicio == atual.vigencia_inicio:
        inicio = hoje  # o formulário não pediu outra data: a nova versão vale a partir de hoje
    if inicio < hoje:
        raise ValidationError(
            {
                "vigencia_inicio": (
                    f"A nova versão não pode começar antes de {_data(hoje)}: a regra atual já "
                    "foi usada e o passado não muda."
                )
            }
        )
    fim_anterior = inicio - UM_DIA
    if atual.vigencia_fim is None or atual.vigencia_fim > fim_anterior:
        atual.vigencia_fim = fim_anterior
        with _contexto(ator, "regra_editar"):
            atual.save(update_fields=["vigencia_fim", "atualizado_em"])

    nova.pk = None
    nova._state.adding = True
    nova.vigencia_inicio = inicio
    nova.versao = atual.versao + 1
    nova.versao_anterior = atual
    nova.criado_por = ator
    _validar(nova, ignorar=[atual.pk])
    with _contexto(ator, "regra_editar"):
        nova.save()
    EventoRegra.registrar(
        regra=atual,
        tipo=TipoEventoRegra.SUBSTITUIDA,
        ator=ator,
        dados={"nova_versao": nova.pk, "vigente_ate": str(atual.vigencia_fim)},
    )
    EventoRegra.registrar(
        regra=nova,
        tipo=TipoEventoRegra.NOVA_VERSAO,
        ator=ator,
        dados={"versao_anterior": atual.pk, "alteracoes": _diferencas(atual, nova)},
    )
    return nova


def data_minima_expiracao(regra: Regra, hoje: dt.date) -> dt.date:
    """O mais cedo que uma regra pode terminar sem mudar o passado: ontem; ou, se ainda não
    vigorou, a véspera do início (vigência vazia = regra cancelada)."""
    return max(hoje - UM_DIA, regra.vigencia_inicio - UM_DIA)


@transaction.atomic
def regra_expirar(
    *, regra: Regra, ate: dt.date, ator: Usuario | None, hoje: dt.date | None = None
) -> Regra:
    """Encerra a vigência em `ate` (inclusive). Nunca antes de ontem: o passado não muda."""
    hoje = _hoje(hoje)
    _travar_matriz(regra.matriz)
    atual = Regra.objects.select_for_update().get(pk=regra.pk)
    minimo = data_minima_expiracao(atual, hoje)
    if ate < minimo:
        raise ValidationError(
            {
                "ate": (
                    f"A regra não pode terminar antes de {_data(minimo)}: pedidos anteriores "
                    "já a usaram."
                )
            }
        )
    if atual.vigencia_fim is not None and ate >= atual.vigencia_fim:
        raise ValidationError(
            {
                "ate": (
                    f"A regra já termina em {_data(atual.vigencia_fim)}; escolha uma data anterior."
                )
            }
        )
    anterior = atual.vigencia_fim
    atual.vigencia_fim = ate
    with _contexto(ator, "regra_expirar"):
        atual.save(update_fields=["vigencia_fim", "atualizado_em"])
    EventoRegra.registrar(
        regra=atual,
        tipo=TipoEventoRegra.EXPIRADA,
        ator=ator,
        dados={"vigente_ate": [_texto(anterior), str(ate)]},
    )
    return atual
