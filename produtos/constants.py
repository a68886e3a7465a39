"""Choices and sizes of the catalogue."""

from __future__ import annotations

from django.db import models

# Quantities (stock, kit components, quotas): 3 decimal places covers kg/m/l sold by fraction.
QTD_MAX_DIGITS = 14
QTD_DECIMAL_PLACES = 3
# Conversion factors need more precision than quantities (1 CX = 0,083333 DZ…).
FATOR_MAX_DIGITS = 15
FATOR_DECIMAL_PLACES = 6
PESO_MAX_DIGITS = 12
PESO_DECIMAL_PLACES = 3

ANEXO_TAMANHO_MAXIMO = 10 * 1024 * 1024


class OrigemMercadoria(models.TextChoices):
    """Origem da mercadoria (tabela A do CST do ICMS; Ajuste SINIEF 20/2012 e Res. SF 13/2012).

    The origin decides the 4% interstate ICMS rate for imported goods (Res. SF 13/2012): origins
    1, 2, 3 and 8 are "importados" for that purpose.
    """

    NACIONAL = "0", "0 – Nacional, exceto as indicadas nos códigos 3, 4, 5 e 8"
    ESTRANGEIRA_DIRETA = "1", "1 – Estrangeira – Importação direta, exceto a indicada no código 6"
    ESTRANGEIRA_INTERNO = (
        "2",
        ("2 – Estrangeira – Adquirida no mercado interno, exceto a indicada no código 7"),
    )
    NACIONAL_40 = (
        "3",
        (
            "3 – Nacional, mercadoria ou bem com Conteúdo de Importação superior a 40% "
            "e inferior ou igual a 70%"
        ),
    )
    NACIONAL_PPB = (
        "4",
        (
            "4 – Nacional, cuja produção tenha sido feita em conformidade com os processos "
            "produtivos básicos de que tratam as legislações citadas nos Ajustes"
        ),
    )
    NACIONAL_ATE_40 = (
        "5",
        ("5 – Nacional, mercadoria ou bem com Conteúdo de Importação inferior ou igual a 40%"),
    )
    ESTRANGEIRA_DIRETA_CAMEX = (
        "6",
        (
            "6 – Estrangeira – Importação direta, sem similar nacional, constante em lista da "
            "CAMEX e gás natural"
        ),
    )
    ESTRANGEIRA_INTERNO_CAMEX = (
        "7",
        (
            "7 – Estrangeira – Adquirida no mercado interno, sem similar nacional, constante "
            "lista CAMEX e gás natural"
        ),
    )
    NACIONAL_70 = "8", ("8 – Nacional, mercadoria ou bem com Conteúdo de Importação superior a 70%")


# Res. SF 13/2012, art. 1º: 4% interstate rate for these origins.
ORIGENS_IMPORTADAS = frozenset({"1", "2", "3", "8"})


class RegraDataPromessa(models.TextChoices):
    """How the promise date of an order item is computed (order screen, next issue)."""

    PRAZO_FIXO = "prazo_fixo", "Data do pedido + prazo de entrega"
    ESTOQUE = "estoque", "Com estoque: data do pedido; sem estoque: + prazo de entrega"
    PROGRAMADO = "programado", "Próxima entrada de estoque programado"
    SOB_CONSULTA = "sob_consulta", "Sob consulta (informada manualmente)"


class TipoEventoProduto(models.TextChoices):
    CRIADO = "criado", "Produto criado"
    ALTERADO = "alterado", "Produto alterado"
    BLOQUEADO = "bloqueado", "Produto bloqueado"
    DESBLOQUEADO = "desbloqueado", "Produto desbloqueado"
    SECAO_INCLUIDA = "secao_incluida", "Item incluído"
    SECAO_REMOVIDA = "secao_removida", "Item removido"
    PRECO_DEFINIDO = "preco_definido", "Preço definido"
    PRECOS_IMPORTADOS = "precos_importados", "Preços importados"
