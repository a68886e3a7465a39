"""Fixtures das matrizes: uma empresa em SP, produtos com NCM/linha/unidade e um atalho para
criar regras direto no banco (com vigência no passado, como uma carga inicial)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

D = Decimal
INICIO = dt.date(2024, 1, 1)


@dataclass
class Catalogo:
    empresa: Any
    un: Any
    cx: Any
    ferragens: Any
    eletricos: Any
    parafuso: Any  # NCM 73181500, linha FERR, nacional
    lampada: Any  # NCM 85395000, CEST 0900500, linha ELET
    importado: Any  # NCM 84713012, origem 1
    revenda: Any  # TipoCliente REV
    consumidor: Any  # TipoCliente CF


@pytest.fixture
def catalogo(db: Any) -> Catalogo:
    from cadastro.models import TipoCliente
    from produtos.models import LinhaProduto, Produto, Unidade
    from tests.factories import EmpresaFactory

    un = Unidade.objects.create(codigo="UN", descricao="Unidade")
    cx = Unidade.objects.create(codigo="CX", descricao="Caixa")
    ferragens = LinhaProduto.objects.create(codigo="FERR", descricao="Ferragens")
    eletricos = LinhaProduto.objects.create(codigo="ELET", descricao="Elétricos")
    parafuso = Produto.objects.create(
        codigo="PAR-001",
        descricao="Parafuso sextavado 1/4",
        unidade=un,
        ncm="73181500",
        linha=ferragens,
        peso_bruto=D("0.050"),
    )
    lampada = Produto.objects.create(
        codigo="LAMP-LED",
        descricao="Lâmpada LED 9W",
        unidade=un,
        ncm="85395000",
        cest="0900500",
        linha=eletricos,
    )
    importado = Produto.objects.create(
        codigo="NB-IMP",
        descricao="Notebook importado",
        unidade=un,
        ncm="84713012",
        origem="1",
        linha=eletricos,
    )
    revenda, _ = TipoCliente.objects.get_or_create(codigo="REV", defaults={"descricao": "Revenda"})
    consumidor, _ = TipoCliente.objects.get_or_create(
        codigo="CF", defaults={"descricao": "Consumidor final"}
    )
    return Catalogo(
        empresa=EmpresaFactory(uf="SP", regime_tributario="real"),
        un=un,
        cx=cx,
        ferragens=ferragens,
        eletricos=eletricos,
        parafuso=parafuso,
        lampada=lampada,
        importado=importado,
        revenda=revenda,
        consumidor=consumidor,
    )


def criar_regra(matriz: str, **campos: Any) -> Any:
    """Cria uma regra validada (clean) sem passar pelos serviços: vigência padrão 01/01/2024."""
    from matrizes.models import Regra

    campos.setdefault("vigencia_inicio", INICIO)
    regra = Regra(matriz=matriz, **campos)
    regra.full_clean()
    regra.save()
    return regra


def regras_fiscais_sp(empresa: Any = None) -> None:
    """O mínimo para uma venda de SP: IPI 0 geral, ICMS SP→SP 18 %, PIS/COFINS não cumulativo."""
    criar_regra("IPI", aliquota=D("0"))
    criar_regra("ICMS", uf_origem="SP", uf_destino="SP", aliquota=D("18"), fcp=D("0"))
    criar_regra("PIS_COFINS", aliquota_pis=D("1.65"), aliquota_cofins=D("7.6"))
    criar_regra("UNIDADE_PRODUTO")
    criar_regra("COMISSAO", percentual=D("3"))
    criar_regra("VALOR_MINIMO", valor=D("100.00"))
