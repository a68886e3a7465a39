"""Choices, the status flow (as data) and the closing-tab problem catalogue of isoVendas."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

# Percentages typed by the rep (discount/surcharge): 4 places, like the matrices' bands.
PERCENTUAL_MAX_DIGITS = 9
PERCENTUAL_DECIMAL_PLACES = 4
# Unit prices keep 4 places (a "novo preço" of 1,2345 is common for small items); vProd is
# rounded to 0,01 by the engine (crm.money.arredondar).
PRECO_MAX_DIGITS = 16
PRECO_DECIMAL_PLACES = 4


class TipoDocumento(models.TextChoices):
    ORCAMENTO = "orcamento", "Orçamento"
    PEDIDO = "pedido", "Pedido"


class StatusPedido(models.TextChoices):
    EM_DIGITACAO = "em_digitacao", "Em digitação"
    AGUARDANDO_APROVACAO = "aguardando_aprovacao", "Aguardando aprovação"
    APROVADO = "aprovado", "Aprovado"
    RECUSADO = "recusado", "Recusado"
    ENVIADO = "enviado", "Enviado"
    CANCELADO = "cancelado", "Cancelado"
    # A quote (orçamento) that became an order (`Pedido.orcamento_origem` points back at it).
    CONVERTIDO = "convertido", "Convertido em pedido"


# The ONE place that says which status may follow which (ARCHITECTURE §7).
# - em_digitacao → aguardando_aprovacao: sent with a discount beyond the rep's alçada;
# - em_digitacao → enviado: sent within the alçada (or with a valid approval);
# - aguardando_aprovacao → aprovado / recusado: the supervisor decides;
# - aguardando_aprovacao → em_digitacao: the rep withdraws the request to change the order;
# - aprovado → enviado: the rep sends the approved version;
# - aprovado → em_digitacao: the rep changed the approved order (the approval is void);
# - recusado → em_digitacao: the rep reworks a refused order.
# - em_digitacao / aprovado / enviado → convertido: a QUOTE the client accepted becomes an order
#   (`vendas.services.orcamentos.orcamento_converter`, which refuses any tipo other than
#   orçamento: an order is never "converted"). Not from aguardando_aprovacao (the discount is
#   still undecided), recusado (refused: rework it first) or cancelado/convertido (final).
TRANSICOES: dict[str, frozenset[str]] = {
    StatusPedido.EM_DIGITACAO: frozenset(
        {
            StatusPedido.AGUARDANDO_APROVACAO,
            StatusPedido.ENVIADO,
            StatusPedido.CANCELADO,
            StatusPedido.CONVERTIDO,
        }
    ),
    StatusPedido.AGUARDANDO_APROVACAO: frozenset(
        {
            StatusPedido.APROVADO,
            StatusPedido.RECUSADO,
            StatusPedido.EM_DIGITACAO,
            StatusPedido.CANCELADO,
        }
    ),
    StatusPedido.APROVADO: frozenset(
        {
            StatusPedido.ENVIADO,
            StatusPedido.EM_DIGITACAO,
            StatusPedido.CANCELADO,
            StatusPedido.CONVERTIDO,
        }
    ),
    StatusPedido.RECUSADO: frozenset({StatusPedido.EM_DIGITACAO, StatusPedido.CANCELADO}),
    StatusPedido.ENVIADO: frozenset({StatusPedido.CONVERTIDO}),
    StatusPedido.CANCELADO: frozenset(),
    StatusPedido.CONVERTIDO: frozenset(),
}

# Statuses in which the rep may change items and header. Changing an APROVADO order first
# moves it back to em_digitacao (the approval was for another version).
STATUS_EDITAVEIS = frozenset(
    {StatusPedido.EM_DIGITACAO, StatusPedido.APROVADO, StatusPedido.RECUSADO}
)


class StatusItem(models.TextChoices):
    ATIVO = "ativo", "Ativo"
    CANCELADO = "cancelado", "Cancelado"


class TipoEventoPedido(models.TextChoices):
    CRIADO = "criado", "Criado"
    CABECALHO_ALTERADO = "cabecalho_alterado", "Cabeçalho alterado"
    ITEM_INCLUIDO = "item_incluido", "Item incluído"
    ITEM_ALTERADO = "item_alterado", "Item alterado"
    ITEM_CANCELADO = "item_cancelado", "Item cancelado"
    RECALCULADO = "recalculado", "Recalculado"
    APROVACAO_SOLICITADA = "aprovacao_solicitada", "Aprovação solicitada"
    APROVADO = "aprovado", "Aprovado"
    RECUSADO = "recusado", "Recusado"
    APROVACAO_ANULADA = "aprovacao_anulada", "Aprovação anulada"
    SOLICITACAO_RETIRADA = "solicitacao_retirada", "Solicitação de aprovação retirada"
    REABERTO = "reaberto", "Reaberto para digitação"
    ENVIADO = "enviado", "Enviado"
    CANCELADO = "cancelado", "Cancelado"
    DOCUMENTO_SOLICITADO = "documento_solicitado", "PDF solicitado"
    DOCUMENTO_GERADO = "documento_gerado", "PDF gerado"
    DOCUMENTO_FALHOU = "documento_falhou", "Falha ao gerar o PDF"
    EMAIL_SOLICITADO = "email_solicitado", "Envio por e-mail solicitado"
    EMAIL_ENVIADO = "email_enviado", "Enviado por e-mail"
    EMAIL_RECUSADO = "email_recusado", "E-mail não enviado"
    COPIADO_DE = "copiado_de", "Criado como cópia"
    COPIA_CONFERIDA = "copia_conferida", "Cópia conferida"
    PROGRAMACAO_ALTERADA = "programacao_alterada", "Programação de datas alterada"
    ANEXO_INCLUIDO = "anexo_incluido", "Anexo incluído"
    ANEXO_REMOVIDO = "anexo_removido", "Anexo removido"
    ORCAMENTO_CONVERTIDO = "orcamento_convertido", "Convertido em pedido"
    CRIADO_DE_ORCAMENTO = "criado_de_orcamento", "Criado de um orçamento"


class DecisaoAprovacao(models.TextChoices):
    PENDENTE = "pendente", "Pendente"
    APROVADA = "aprovada", "Aprovada"
    RECUSADA = "recusada", "Recusada"
    ANULADA = "anulada", "Anulada (pedido alterado)"
    RETIRADA = "retirada", "Retirada pelo representante"


class ChaveRateioFrete(models.TextChoices):
    VALOR = "valor", "Pelo valor dos itens"
    PESO = "peso", "Pelo peso dos itens"


@dataclass(frozen=True)
class TipoProblema:
    rotulo: str
    bloqueia: bool
    # Margins are costs in disguise: reps see the label, never the figures (produtos.ver_custos).
    revela_custo: bool = False


# The closing tab ("aba fechamento", seed 000: "Itens com problema de venda"): every code the
# engine, matrizes.fetch or the order's own checks produce, its label and whether it blocks
# sending. Unknown codes (a future engine version) block: never let an unexplained problem by.
PROBLEMAS: dict[str, TipoProblema] = {
    "sem_estoque": TipoProblema("Sem estoque ou não existe no armazém", bloqueia=True),
    "bloqueado": TipoProblema("Bloqueado ou inativo", bloqueia=True),
    "lead_time": TipoProblema("Item com lead time", bloqueia=False),
    "programacao_vencida": TipoProblema("Programação vencida ou sem estoque", bloqueia=True),
    "margem_bruta": TipoProblema("MB fora da faixa", bloqueia=True, revela_custo=True),
    "margem_contribuicao": TipoProblema("MC fora da faixa", bloqueia=True, revela_custo=True),
    "margem_indefinida": TipoProblema("Margem indefinida", bloqueia=False, revela_custo=True),
    "custo": TipoProblema("Produto sem custo", bloqueia=False, revela_custo=True),
    "matriz": TipoProblema("Problema de matriz", bloqueia=True),
    "matriz_empate": TipoProblema("Problema de matriz (regras empatadas)", bloqueia=True),
    "matriz_unidade": TipoProblema("Problema de matriz unidade produto", bloqueia=True),
    "dependencia": TipoProblema("Imposto não calculado", bloqueia=True),
    "difal_metodo": TipoProblema("Problema de matriz (DIFAL)", bloqueia=True),
    "difal_aliquota": TipoProblema("Problema de matriz (DIFAL)", bloqueia=True),
    "data_promessa": TipoProblema("Problema com a data de promessa", bloqueia=True),
    "fator_conversao": TipoProblema("Fator de conversão não encontrado", bloqueia=True),
    "lote": TipoProblema("Lote não encontrado no armazém ou sem estoque", bloqueia=True),
    "cota": TipoProblema("Cota do produto excedida", bloqueia=True),
    "programacao_divergente": TipoProblema(
        "Programação de datas diferente da quantidade", bloqueia=True
    ),
    "multiplo": TipoProblema("Quantidade múltipla", bloqueia=True),
    "multiplo_invalido": TipoProblema("Quantidade múltipla", bloqueia=True),
    "valor_minimo": TipoProblema("Valor mínimo não atingido", bloqueia=True),
    "sem_preco": TipoProblema("Produto sem preço", bloqueia=True),
    "quantidade": TipoProblema("Quantidade inválida", bloqueia=True),
    "preco": TipoProblema("Preço inválido", bloqueia=True),
    "valor_negativo": TipoProblema("Valor negativo", bloqueia=True),
    "desconto": TipoProblema("Desconto maior que o valor", bloqueia=True),
    "pedido_vazio": TipoProblema("Pedido sem itens", bloqueia=True),
    "endereco": TipoProblema("Cliente sem endereço", bloqueia=True),
    "copia_nao_conferida": TipoProblema("Cópia não conferida", bloqueia=True),
}


def tipo_problema(codigo: str) -> TipoProblema:
    return PROBLEMAS.get(codigo, TipoProblema(f"Problema ({codigo})", bloqueia=True))


# --- contracts (isoVendas "Contratos": "Situação do contrato", "Situação da prog de datas") ----


class StatusContrato(models.TextChoices):
    RASCUNHO = "rascunho", "Em elaboração"
    VIGENTE = "vigente", "Vigente"
    SUSPENSO = "suspenso", "Suspenso"
    ENCERRADO = "encerrado", "Encerrado"
    CANCELADO = "cancelado", "Cancelado"


class StatusProgramacao(models.TextChoices):
    PREVISTA = "prevista", "Prevista"
    ATENDIDA = "atendida", "Atendida (pedido gerado)"
    CANCELADA = "cancelada", "Cancelada"


# Which contract status may follow which (the ONE place; services/contratos.py enforces it):
# - rascunho → vigente (needs at least one item) or cancelado (never signed);
# - vigente ⇄ suspenso (supply paused, e.g. overdue payments); either → encerrado (term over).
# Encerrado and cancelado are final: a renewed agreement is a new contract.
TRANSICOES_CONTRATO: dict[str, frozenset[str]] = {
    StatusContrato.RASCUNHO: frozenset({StatusContrato.VIGENTE, StatusContrato.CANCELADO}),
    StatusContrato.VIGENTE: frozenset({StatusContrato.SUSPENSO, StatusContrato.ENCERRADO}),
    StatusContrato.SUSPENSO: frozenset({StatusContrato.VIGENTE, StatusContrato.ENCERRADO}),
    StatusContrato.ENCERRADO: frozenset(),
    StatusContrato.CANCELADO: frozenset(),
}

# Statuses in which header, items, scheduling, delivery clients and contacts may change.
STATUS_CONTRATO_EDITAVEIS = frozenset({StatusContrato.RASCUNHO, StatusContrato.VIGENTE})


def pode_transitar_contrato(de: str, para: str) -> bool:
    return para in TRANSICOES_CONTRATO.get(de, frozenset())


# --- opportunities (sales funnel) ---------------------------------------------------------


class ResultadoEtapa(models.TextChoices):
    """What reaching a funnel stage means: still open, won or lost."""

    ABERTA = "aberta", "Em andamento"
    GANHA = "ganha", "Ganha"
    PERDIDA = "perdida", "Perdida"


class IndicadorVenda(models.TextChoices):
    """isoVendas indicators that can carry a target (seed 000: "Exemplos de indicadores")."""

    FATURAMENTO = "faturamento", "Faturamento (pedidos enviados, R$)"
    PEDIDOS = "pedidos", "Quantidade de pedidos enviados"
    CLIENTES_POSITIVADOS = "clientes_positivados", "Clientes positivados"
    OPORTUNIDADES_GANHAS = "oportunidades_ganhas", "Oportunidades ganhas (R$)"


class TipoEventoContrato(models.TextChoices):
    CRIADO = "criado", "Criado"
    ALTERADO = "alterado", "Dados alterados"
    STATUS_ALTERADO = "status_alterado", "Situação alterada"
    ITEM_INCLUIDO = "item_incluido", "Item incluído"
    ITEM_ALTERADO = "item_alterado", "Item alterado"
    ITEM_REMOVIDO = "item_removido", "Item removido"
    PROGRAMACAO_INCLUIDA = "programacao_incluida", "Programação incluída"
    PROGRAMACAO_ALTERADA = "programacao_alterada", "Programação alterada"
    PROGRAMACAO_CANCELADA = "programacao_cancelada", "Programação cancelada"
    ENTREGA_INCLUIDA = "entrega_incluida", "Cliente de entrega incluído"
    ENTREGA_REMOVIDA = "entrega_removida", "Cliente de entrega removido"
    CONTATO_INCLUIDO = "contato_incluido", "Contato incluído"
    CONTATO_ALTERADO = "contato_alterado", "Contato alterado"
    CONTATO_REMOVIDO = "contato_removido", "Contato removido"
    PEDIDO_GERADO = "pedido_gerado", "Pedido gerado"


class TipoEventoOportunidade(models.TextChoices):
    CRIADA = "criada", "Criada"
    ALTERADA = "alterada", "Dados alterados"
    ETAPA_ALTERADA = "etapa_alterada", "Mudou de etapa"
    GANHA = "ganha", "Ganha"
    PERDIDA = "perdida", "Perdida"
    REABERTA = "reaberta", "Reaberta"
    ORCAMENTO_VINCULADO = "orcamento_vinculado", "Orçamento vinculado"
    ORCAMENTO_CONVERTIDO = "orcamento_convertido", "Orçamento convertido em pedido"
