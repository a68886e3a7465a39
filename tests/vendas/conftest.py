"""Fixtures of the order tests: the people of tests/conftest.py, a small catalogue with prices
and stock in the client's warehouse, the fiscal rules of a sale inside SP, alçada bands and
registries. `criar_pedido` builds an order through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

D = Decimal


@dataclass
class Cenario:
    pessoas: Any
    cliente: Any  # in carteira A (dono's), SP, tabela with warehouse
    cliente_colega: Any  # in carteira B (colega's)
    tabela: Any
    armazem: Any
    un: Any
    cx: Any
    parafuso: Any  # PAR-001, múltiplo 10, R$ 2,00, estoque 1.000
    lampada: Any  # LAMP-LED, R$ 20,00, estoque 50, custo 11,00
    cabo: Any  # CABO-100, R$ 300,00, estoque 5, lead time 7 dias
    condicao: Any
    motivo: Any

    @property
    def dono(self) -> Any:
        return self.pessoas.usuarios["dono"]


def regra(matriz: str, **campos: Any) -> Any:
    from matrizes.models import Regra

    campos.setdefault("vigencia_inicio", dt.date(2024, 1, 1))
    r = Regra(matriz=matriz, **campos)
    r.full_clean()
    r.save()
    return r


def regras_basicas() -> None:
    """A sale inside SP answered by every matrix; alçada: up to 5 % the rep, up to 15 % the
    supervisor, above that the administrator; minimum order R$ 50,00."""
    regra("IPI", aliquota=D("0"))
    regra("ICMS", uf_origem="SP", uf_destino="SP", aliquota=D("18"), fcp=D("0"))
    regra("PIS_COFINS", aliquota_pis=D("1.65"), aliquota_cofins=D("7.6"))
    regra("UNIDADE_PRODUTO")
    regra("COMISSAO", percentual=D("3"))
    regra("VALOR_MINIMO", valor=D("50.00"))
    regra("ALCADA", percentual_ate=D("5"), nivel_alcada=1, papel_aprovador="Representante")
    regra("ALCADA", percentual_de=D("5"), percentual_ate=D("15"), nivel_alcada=2,
          papel_aprovador="Supervisor")  # fmt: skip
    regra("ALCADA", percentual_de=D("15"), nivel_alcada=3, papel_aprovador="Administrador")


@pytest.fixture
def cenario(pessoas: Any) -> Cenario:
    from cadastro.models import Armazem, Endereco, TabelaVenda
    from produtos.models import Custo, Estoque, LinhaProduto, PrecoLista, Produto, Unidade
    from tests.factories import ClienteFactory
    from vendas.models import CondicaoPagamento, MotivoCancelamento

    armazem = Armazem.objects.create(codigo="CD1", descricao="CD Campinas")
    tabela = TabelaVenda.objects.create(codigo="SP", descricao="Tabela SP", armazem=armazem)
    un = Unidade.objects.create(codigo="UN", descricao="Unidade")
    cx = Unidade.objects.create(codigo="CX", descricao="Caixa")
    ferr = LinhaProduto.objects.create(codigo="FERR", descricao="Ferragens")
    elet = LinhaProduto.objects.create(codigo="ELET", descricao="Elétricos")
    parafuso = Produto.objects.create(
        codigo="PAR-001", descricao="Parafuso sextavado 1/4", unidade=un, ncm="73181500",
        linha=ferr, multiplo_venda=D("10"), peso_bruto=D("0.050"),
    )  # fmt: skip
    lampada = Produto.objects.create(
        codigo="LAMP-LED", descricao="Lâmpada LED 9W", unidade=un, ncm="85395000", linha=elet,
        ean="7891234567895",
    )  # fmt: skip
    cabo = Produto.objects.create(
        codigo="CABO-100", descricao="Cabo flexível 2,5mm 100m", unidade=un, ncm="85444200",
        linha=elet, prazo_entrega_dias=7,
    )  # fmt: skip
    inicio = dt.date(2024, 1, 1)
    for produto, preco, estoque in ((parafuso, "2.00", "1000"), (lampada, "20.00", "50"),
                                    (cabo, "300.00", "5")):  # fmt: skip
        PrecoLista.objects.create(produto=produto, tabela=tabela, preco=D(preco), inicio=inicio)
        Estoque.objects.create(produto=produto, armazem=armazem, unidade=un, quantidade=D(estoque))
    Custo.objects.create(produto=lampada, data=inicio, custo=D("11.00"))
    cliente = ClienteFactory(
        juridica=True, carteira=pessoas.a, tabela_venda=tabela, nome="Mercado Bom Preço"
    )
    Endereco.objects.create(cliente=cliente, tipo="comercial", logradouro="Rua A", uf="SP",
                            principal=True)  # fmt: skip
    cliente_colega = ClienteFactory(
        juridica=True, carteira=pessoas.b, tabela_venda=tabela, nome="Loja do Colega"
    )
    Endereco.objects.create(cliente=cliente_colega, tipo="comercial", logradouro="Rua B", uf="SP",
                            principal=True)  # fmt: skip
    regras_basicas()
    return Cenario(
        pessoas=pessoas,
        cliente=cliente,
        cliente_colega=cliente_colega,
        tabela=tabela,
        armazem=armazem,
        un=un,
        cx=cx,
        parafuso=parafuso,
        lampada=lampada,
        cabo=cabo,
        condicao=CondicaoPagamento.objects.create(codigo="28DD", descricao="28 dias"),
        motivo=MotivoCancelamento.objects.create(codigo="DESIST", descricao="Cliente desistiu"),
    )


def criar_pedido(cenario: Cenario, itens: list[tuple[Any, str]] = (), quem: str = "dono") -> Any:
    """An order of `cenario.cliente` with (produto, quantidade) items, through the services."""
    from vendas.services import item_adicionar, pedido_criar

    ator = cenario.pessoas.usuarios[quem]
    calculo = pedido_criar(cliente_id=cenario.cliente.pk, ator=ator)
    for produto, quantidade in itens:
        calculo = item_adicionar(
            pedido_id=calculo.pedido.pk,
            versao=calculo.pedido.versao,
            produto=produto,
            quantidade=D(quantidade),
            ator=ator,
        )
    return calculo.pedido
