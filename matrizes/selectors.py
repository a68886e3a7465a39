"""Leituras das matrizes: a regra, suas versões, seu histórico e a simulação da tela "testar".

As regras não têm visibilidade por carteira: quem tem `matrizes.view_regra` (Supervisor,
Administrador) vê todas. O cliente escolhido na simulação, esse sim, passa pela visibilidade
(`Cliente.objects.visiveis_para`) no formulário.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pghistory.models
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from crm.templatetags.formatos import brl
from matrizes.constants import DEFINICOES, TipoMatriz
from matrizes.engine import ItemResultado, PedidoResultado, preco_por_dentro
from matrizes.fetch import (
    Contexto,
    ItemPedido,
    Pergunta,
    Resposta,
    calcular,
    chaves_do_produto,
    destinatario_do_cliente,
    montar_pedido,
    resolver,
)
from matrizes.models import EventoRegra, Regra, rotulo_campo, rotulo_curto, rotulo_valor

if TYPE_CHECKING:
    from cadastro.models import Cliente
    from contas.models import Empresa
    from produtos.models import Produto

LIMITE_VERSOES = 200


def regras_listar() -> QuerySet[Regra]:
    return Regra.objects.all()


def regra_obter(*, pk: int) -> Regra:
    return get_object_or_404(Regra.objects.com_relacionados(), pk=pk)


def regra_versoes(regra: Regra) -> list[Regra]:
    """Todas as versões da cadeia da regra, da primeira à última (uma consulta por versão,
    limitada: cadeias têm poucas versões)."""
    anteriores: list[Regra] = []
    atual = regra
    while atual.versao_anterior_id and len(anteriores) < LIMITE_VERSOES:
        atual = Regra.objects.com_relacionados().get(pk=atual.versao_anterior_id)
        anteriores.append(atual)
    seguintes: list[Regra] = []
    atual = regra
    while len(seguintes) < LIMITE_VERSOES:
        proxima = Regra.objects.com_relacionados().filter(versao_anterior=atual).first()
        if proxima is None:
            break
        seguintes.append(proxima)
        atual = proxima
    return [*reversed(anteriores), regra, *seguintes]


@dataclass(frozen=True)
class EntradaHistorico:
    quando: dt.datetime
    quem: str
    o_que: str
    alteracoes: list[tuple[str, str, str]]  # (campo, antes, depois)
    servico: str


def _rotulo_campo(nome: str) -> str:
    try:
        return rotulo_campo(nome)
    except Exception:
        return nome


def _nome(coluna: str) -> str:
    """O pghistory guarda FKs pelo attname ("produto_id"): volta ao nome do campo."""
    try:
        return str(Regra._meta.get_field(coluna).name)
    except Exception:
        return coluna


CAMPOS_SEM_HISTORICO = frozenset({"id", "atualizado_em", "criado_em", "criado_por", "versao"})


class _Formatador:
    """Valores do JSON do pghistory (números como float, FKs como id) → como a tela mostra."""

    def __init__(self, eventos: list[Any]) -> None:
        ids: dict[str, set[Any]] = {}
        for evento in eventos:
            for campo, valor in self._valores(evento):
                if self._fk(campo) and valor is not None:
                    ids.setdefault(campo, set()).add(valor)
        self.rotulos: dict[tuple[str, Any], str] = {}
        for campo, pks in ids.items():
            relacionado = Regra._meta.get_field(campo).related_model
            for objeto in relacionado._default_manager.filter(pk__in=pks):  # type: ignore[union-attr]
                temporaria = Regra(**{campo: objeto})
                texto = rotulo_valor(temporaria, campo) if campo != "versao_anterior" else ""
                self.rotulos[(campo, objeto.pk)] = texto or f"#{objeto.pk}"

    @staticmethod
    def _fk(campo: str) -> bool:
        try:
            return bool(Regra._meta.get_field(campo).is_relation)
        except Exception:
            return False

    @staticmethod
    def _valores(evento: Any) -> list[tuple[str, Any]]:
        if evento.pgh_diff:
            return [(_nome(c), v) for c, par in evento.pgh_diff.items() for v in par]
        return [(_nome(c), v) for c, v in (evento.pgh_data or {}).items()]

    def texto(self, campo: str, valor: Any) -> str:
        if valor is None or valor == "":
            return "—"
        if self._fk(campo):
            return self.rotulos.get((campo, valor), f"#{valor}")
        try:
            field = Regra._meta.get_field(campo)
            temporaria = Regra(**{campo: field.to_python(valor)})  # type: ignore[union-attr]
            return rotulo_valor(temporaria, campo) or "—"
        except Exception:
            return str(valor)


def regra_historico(regra: Regra) -> list[EntradaHistorico]:
    """O que mudou na regra (pghistory: cada inserção/alteração com o diff e quem fez), mais
    recente primeiro; na criação, os valores iniciais."""
    eventos = list(
        pghistory.models.Events.objects.tracks(regra).order_by("-pgh_created_at", "-pgh_id")
    )
    ids = {
        (e.pgh_context or {}).get("usuario") or (e.pgh_context or {}).get("user") for e in eventos
    }
    nomes = {
        u.pk: (u.get_full_name() or u.username)
        for u in get_user_model().objects.filter(pk__in=[i for i in ids if i])
    }
    formatador = _Formatador(eventos)
    rotulos_evento = {"insert": "Criação", "update": "Alteração", "delete": "Exclusão"}
    saida = []
    for evento in eventos:
        contexto = evento.pgh_context or {}
        autor = contexto.get("usuario") or contexto.get("user")
        if evento.pgh_diff:
            pares = [(_nome(c), antes, depois) for c, (antes, depois) in evento.pgh_diff.items()]
        else:
            pares = [
                (_nome(c), None, v)
                for c, v in (evento.pgh_data or {}).items()
                if v is not None and v != ""
            ]
        ordem = [f.name for f in Regra._meta.concrete_fields]
        alteracoes = [
            (_rotulo_campo(c), formatador.texto(c, antes), formatador.texto(c, depois))
            for c, antes, depois in sorted(
                pares, key=lambda p: ordem.index(p[0]) if p[0] in ordem else 999
            )
            if c not in CAMPOS_SEM_HISTORICO
        ]
        saida.append(
            EntradaHistorico(
                quando=evento.pgh_created_at,
                quem=nomes.get(autor, "Sistema") if autor else "Sistema",
                o_que=rotulos_evento.get(evento.pgh_label, evento.pgh_label),
                alteracoes=alteracoes,
                servico=str(contexto.get("servico", "")),
            )
        )
    return saida


def regra_eventos(regra: Regra) -> QuerySet[EventoRegra]:
    return EventoRegra.objects.filter(regra=regra).select_related("ator")


# ---------------------------------------------------------------------------------------------
# Tela "testar"
# ---------------------------------------------------------------------------------------------


class SemDestino(Exception):
    """O cliente não tem endereço: sem UF de destino não há como perguntar às matrizes."""


def contexto_do_cliente(
    cliente: Cliente,
    *,
    empresa: Empresa,
    data: dt.date,
    contribuinte: bool | None = None,
    consumidor_final: bool | None = None,
    condicao_pagamento: str | None = None,
    cfop: str | None = None,
    cenario: str | None = None,
) -> Contexto:
    """O cabeçalho de um pedido para este cliente.

    Contribuinte (indicador da IE = 1) e consumidor final vêm do cadastro do cliente; a tela
    "testar" pode sobrepor os dois para simular outro caso.
    """
    from cadastro.models import Endereco

    uf = (
        Endereco.objects.filter(cliente=cliente)
        .order_by("-principal", "id")
        .values_list("uf", flat=True)
        .first()
    )
    if not uf:
        raise SemDestino(
            f"O cliente {cliente.nome} não tem endereço: a UF de destino é uma chave das "
            "matrizes fiscais. Cadastre o endereço e tente de novo."
        )
    do_cadastro = destinatario_do_cliente(cliente)
    if contribuinte is None:
        contribuinte = do_cadastro[0]
    if consumidor_final is None:
        consumidor_final = do_cadastro[1]
    representante = cliente.representante
    if representante is None and cliente.carteira_id:
        representante = cliente.carteira.representante  # type: ignore[union-attr]
    return Contexto(
        data=data,
        empresa=empresa,
        uf_destino=uf,
        contribuinte=contribuinte,
        consumidor_final=consumidor_final,
        tipo_cliente=cliente.tipo_cliente,
        cliente=cliente,
        representante=representante,
        condicao_pagamento=condicao_pagamento,
        cfop=cfop,
        cenario=cenario,
    )


# Ordem em que a tela mostra as respostas.
ORDEM_TESTE = (
    TipoMatriz.IPI,
    TipoMatriz.ICMS,
    TipoMatriz.ICMS_ST,
    TipoMatriz.PIS_COFINS,
    TipoMatriz.PIS_COFINS_REPASSE,
    TipoMatriz.UNIDADE_PRODUTO,
    TipoMatriz.VALOR_MINIMO,
    TipoMatriz.FRETE,
    TipoMatriz.CONDICAO_PAGAMENTO_CLIENTE,
    TipoMatriz.DESCONTO_ACRESCIMO,
    TipoMatriz.CENARIO_NEGOCIACAO,
    TipoMatriz.NEGOCIACAO,
    TipoMatriz.ALCADA,
    TipoMatriz.COMISSAO,
)
# Sem regra nestas matrizes não é problema: ST ausente = item sem ST; as demais são opcionais
# para um pedido (não há frete, desconto automático ou cenário de negociação configurados).
AUSENCIA_NORMAL = frozenset(
    {
        TipoMatriz.ICMS_ST,
        TipoMatriz.PIS_COFINS_REPASSE,
        TipoMatriz.FRETE,
        TipoMatriz.DESCONTO_ACRESCIMO,
        TipoMatriz.CENARIO_NEGOCIACAO,
        TipoMatriz.NEGOCIACAO,
        TipoMatriz.CONDICAO_PAGAMENTO_CLIENTE,
    }
)


@dataclass(frozen=True)
class RespostaExplicada:
    resposta: Resposta
    ausencia_normal: bool
    observacao: str = ""

    @property
    def matriz(self) -> str:
        return self.resposta.pergunta.matriz

    @property
    def nome(self) -> str:
        return self.resposta.nome_matriz

    @property
    def chaves(self) -> dict[str, str]:
        return self.resposta.pergunta.chaves_da_matriz()

    @property
    def chaves_rotuladas(self) -> list[tuple[str, str]]:
        """As chaves com o rótulo da tela ("UF de destino", não "uf_destino")."""
        return [
            ("desconto" if chave == "percentual" else rotulo_curto(chave), valor)
            for chave, valor in self.chaves.items()
        ]

    @property
    def problema(self) -> Any:
        return self.resposta.problema()


@dataclass(frozen=True)
class Simulacao:
    contexto: Contexto
    produto: Produto
    respostas: list[RespostaExplicada]
    resultado: PedidoResultado
    item: ItemResultado
    percentual_desconto: Decimal


def simular(
    *,
    contexto: Contexto,
    produto: Produto,
    quantidade: Decimal,
    preco_unitario: Decimal,
    percentual_desconto: Decimal | None,
) -> Simulacao:
    """Pergunta a todas as matrizes por um item e calcula os impostos dele pelo motor."""
    desconto_pct = percentual_desconto or Decimal(0)
    valor = quantidade * preco_unitario
    desconto = (valor * desconto_pct / 100).quantize(Decimal("0.01"))
    item = ItemPedido(
        produto=produto,
        quantidade=quantidade,
        preco_unitario=preco_unitario,
        desconto_item=desconto,
        percentual_desconto=desconto_pct,
    )
    montagem = montar_pedido(contexto, [item])
    resultado = calcular(montagem)
    respostas: dict[str, Resposta] = dict(montagem.respostas_itens[0])
    respostas.update(montagem.respostas_pedido)

    chaves_ctx, rotulos_ctx = contexto.chaves()
    chaves_prod, rotulos_prod = chaves_do_produto(produto)
    chaves = {**chaves_ctx, **chaves_prod}
    rotulos = {**rotulos_ctx, **rotulos_prod}

    def pergunta(matriz: str, **extra: Any) -> Pergunta:
        return Pergunta(
            matriz=matriz,
            data=contexto.data,
            chaves={**chaves, **extra},
            rotulos=rotulos,
            percentual=desconto_pct if DEFINICOES[matriz].faixa else None,
        )

    faltam = [m for m in ORDEM_TESTE if m not in respostas and m != TipoMatriz.NEGOCIACAO]
    for resposta in resolver([pergunta(m) for m in faltam]):
        respostas[resposta.pergunta.matriz] = resposta
    cenario = respostas[TipoMatriz.CENARIO_NEGOCIACAO].regra
    codigo_cenario = cenario.cenario_atribuido if cenario else None
    (negociacao,) = resolver([pergunta(TipoMatriz.NEGOCIACAO, cenario=codigo_cenario)])
    respostas[TipoMatriz.NEGOCIACAO] = negociacao

    explicadas = [
        RespostaExplicada(
            resposta=respostas[m],
            ausencia_normal=m in AUSENCIA_NORMAL,
            observacao=_observacao(m, respostas[m], preco_unitario, desconto_pct, resultado),
        )
        for m in ORDEM_TESTE
    ]
    return Simulacao(
        contexto=contexto,
        produto=produto,
        respostas=explicadas,
        resultado=resultado,
        item=resultado.itens[0],
        percentual_desconto=desconto_pct,
    )


def _observacao(
    matriz: str,
    resposta: Resposta,
    preco: Decimal,
    desconto_pct: Decimal,
    resultado: PedidoResultado,
) -> str:
    """Uma frase sobre o que a regra significa para este item."""
    regra = resposta.regra
    if regra is None:
        if matriz == TipoMatriz.ICMS_ST and not resposta.empatadas:
            return "Sem regra de ST: o item não tem substituição tributária."
        return ""
    if matriz == TipoMatriz.PIS_COFINS_REPASSE and regra.aliquota_pis is not None:
        aliquotas = [regra.aliquota_pis, regra.aliquota_cofins or Decimal(0)]
        bruto = preco_por_dentro(preco, aliquotas)
        return (
            f"Para receber {brl(preco)} líquidos de PIS/COFINS, o preço unitário seria "
            f"{brl(bruto)}."
        )
    if matriz == TipoMatriz.VALOR_MINIMO and regra.valor is not None:
        liquido = resultado.v_prod - resultado.v_desc
        situacao = "atinge" if liquido >= regra.valor else "NÃO atinge"
        return f"Este item sozinho ({brl(liquido)}) {situacao} o mínimo de {brl(regra.valor)}."
    if matriz == TipoMatriz.ALCADA:
        return (
            f"Desconto de {rotulo_valor(Regra(percentual=desconto_pct), 'percentual')} → "
            f"aprovação: {regra.get_papel_aprovador_display()} (nível {regra.nivel_alcada})."
        )
    if matriz == TipoMatriz.COMISSAO:
        return (
            f"Desconto de {rotulo_valor(Regra(percentual=desconto_pct), 'percentual')} → "
            f"comissão de {rotulo_valor(regra, 'percentual')}."
        )
    if matriz == TipoMatriz.ICMS_ST and not regra.aplica_st:
        return "A regra mais específica dispensa a ST para este caso."
    return ""
