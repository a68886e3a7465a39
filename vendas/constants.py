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


# The ONE place that says which status may follow which (ARCHITECTURE §7).
# - em_digitacao → aguardando_aprovacao: sent with a discount beyond the rep's alçada;
# - em_digitacao → enviado: sent within the alçada (or with a valid approval);
# - aguardando_aprovacao → aprovado / recusado: the supervisor decides;
# - aguardando_aprovacao → em_digitacao: the rep withdraws the request to change the order;
# - aprovado → enviado: the rep sends the approved version;
# - aprovado → em_digitacao: the rep changed the approved order (the approval is void);
# - recusado → em_digitacao: the rep reworks a refused order.
TRANSICOES: dict[str, frozenset[str]] = {
    StatusPedido.EM_DIGITACAO: frozenset(
        {StatusPedido.AGUARDANDO_APROVACAO, StatusPedido.ENVIADO, StatusPedido.CANCELADO}
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
        {StatusPedido.ENVIADO, StatusPedido.EM_DIGITACAO, StatusPedido.CANCELADO}
    ),
    StatusPedido.RECUSADO: frozenset({StatusPedido.EM_DIGITACAO, StatusPedido.CANCELADO}),
    StatusPedido.ENVIADO: frozenset(),
    StatusPedido.CANCELADO: frozenset(),
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
