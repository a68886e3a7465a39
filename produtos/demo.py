"""Demo catalogue: realistic pt-BR products (NCM, valid EAN-13), prices, costs and stock.

`gerar_produtos(100_000)` runs in seconds: ids are reserved from the sequence and rows go in with
COPY, so neither the ORM nor one INSERT per row is in the way. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from stdnum import ean as stdnum_ean

from cadastro.models import Armazem, CategoriaFiscal, TabelaVenda
from crm.money import arredondar
from produtos.models import GrupoProduto, LinhaProduto, Marca, Produto, Unidade

# (descrição base, NCM, unidade, linha, grupo, faixa de preço em R$, variações, origem)
FAMILIAS: list[tuple[str, str, str, str, str, tuple[int, int], Sequence[str], str]] = [
    ("Parafuso sextavado zincado", "73181500", "CX", "Ferragens", "Fixadores", (18, 95),
     ["M6 x 20mm", "M6 x 30mm", "M8 x 25mm", "M8 x 40mm", "M10 x 50mm", "M12 x 60mm"], "0"),
    ("Porca sextavada", "73181600", "CX", "Ferragens", "Fixadores", (9, 40),
     ["M6", "M8", "M10", "M12", "M16"], "0"),
    ("Arruela lisa", "73182200", "CX", "Ferragens", "Fixadores", (6, 30),
     ["1/4\"", "5/16\"", "3/8\"", "1/2\""], "0"),
    ("Cabo flexível", "85444200", "RL", "Elétrica", "Fios e cabos", (89, 520),
     ["1,5mm² 100m", "2,5mm² 100m", "4mm² 100m", "6mm² 100m", "10mm² 50m"], "0"),
    ("Disjuntor termomagnético", "85362000", "UN", "Elétrica", "Proteção", (12, 140),
     ["unipolar 16A", "unipolar 20A", "unipolar 32A", "bipolar 40A", "tripolar 63A"], "0"),
    ("Tomada 2P+T", "85366990", "UN", "Elétrica", "Acabamento", (7, 38),
     ["10A branca", "20A branca", "10A preta", "20A preta"], "0"),
    ("Lâmpada LED bulbo", "85395000", "UN", "Elétrica", "Iluminação", (6, 45),
     ["9W 6500K", "12W 6500K", "15W 3000K", "20W 6500K", "30W 6500K"], "2"),
    ("Tinta acrílica fosca", "32091010", "GL", "Tintas", "Tintas imobiliárias", (65, 390),
     ["branco neve 3,6L", "gelo 3,6L", "palha 3,6L", "branco 18L", "cinza 18L"], "0"),
    ("Massa corrida PVA", "32149000", "GL", "Tintas", "Preparação", (25, 120),
     ["3,6L", "18L", "25kg"], "0"),
    ("Café torrado e moído", "09012100", "PCT", "Alimentos", "Mercearia", (14, 42),
     ["tradicional 500g", "extraforte 500g", "gourmet 250g", "descafeinado 250g"], "0"),
    ("Arroz branco tipo 1", "10063021", "PCT", "Alimentos", "Mercearia", (18, 36),
     ["1kg", "2kg", "5kg"], "0"),
    ("Feijão carioca tipo 1", "07133399", "PCT", "Alimentos", "Mercearia", (6, 14),
     ["1kg", "2kg"], "0"),
    ("Açúcar cristal", "17019900", "PCT", "Alimentos", "Mercearia", (4, 22),
     ["1kg", "2kg", "5kg"], "0"),
    ("Óleo de soja refinado", "15079011", "UN", "Alimentos", "Mercearia", (6, 11),
     ["900ml"], "0"),
    ("Detergente líquido", "34022000", "UN", "Limpeza", "Cozinha", (2, 9),
     ["neutro 500ml", "limão 500ml", "maçã 500ml", "coco 5L"], "0"),
    ("Sabão em pó", "34022000", "CX", "Limpeza", "Lavanderia", (9, 48),
     ["800g", "1,6kg", "4kg"], "0"),
    ("Água sanitária", "28289011", "UN", "Limpeza", "Desinfecção", (3, 16),
     ["1L", "2L", "5L"], "0"),
    ("Luva nitrílica sem pó", "40151900", "CX", "EPI", "Proteção das mãos", (28, 65),
     ["P c/100", "M c/100", "G c/100"], "1"),
    ("Respirador PFF2", "63079010", "CX", "EPI", "Proteção respiratória", (45, 160),
     ["com válvula c/10", "sem válvula c/20"], "1"),
    ("Papel sulfite A4 75g", "48025610", "PCT", "Escritório", "Papelaria", (22, 38),
     ["resma 500 folhas"], "0"),
    ("Caneta esferográfica", "96081000", "CX", "Escritório", "Papelaria", (18, 75),
     ["azul c/50", "preta c/50", "vermelha c/50"], "2"),
    ("Cimento CP II-E-32", "25232910", "SC", "Construção", "Básicos", (29, 42),
     ["50kg", "25kg"], "0"),
    ("Argamassa colante AC-I", "32149000", "SC", "Construção", "Básicos", (14, 32),
     ["20kg"], "0"),
    ("Tubo PVC soldável", "39172300", "BR", "Hidráulica", "Tubos", (19, 160),
     ["20mm 6m", "25mm 6m", "32mm 6m", "50mm 6m"], "0"),
    ("Registro de gaveta bruto", "84818093", "UN", "Hidráulica", "Metais", (35, 140),
     ["1/2\"", "3/4\"", "1\""], "0"),
]  # fmt: skip

MARCAS = ["Aurora", "Serrana", "Ipê", "Jequitibá", "Boa Vista", "Paulista", "Litoral",
          "Cerrado", "Pampa", "Guará", "Tupã", "Maracá"]  # fmt: skip
UNIDADES = {
    "UN": "Unidade", "CX": "Caixa", "PCT": "Pacote", "RL": "Rolo", "GL": "Galão",
    "SC": "Saco", "BR": "Barra", "KG": "Quilograma", "L": "Litro", "M": "Metro", "DZ": "Dúzia",
}  # fmt: skip
ARMAZENS = {"CD-SP": "CD São Paulo", "CD-PR": "CD Curitiba", "LOJA-01": "Loja Centro"}

PREFIXO_CODIGO = "P"
# GS1 Brasil country prefix 789 + a fictitious company prefix; the item reference follows.
PREFIXO_EAN = "7894900"


def _ean13(sequencial: int) -> str:
    corpo = f"{PREFIXO_EAN}{sequencial % 100_000:05d}"
    return corpo + stdnum_ean.calc_check_digit(corpo)


def _registro(modelo: Any, codigo: str, descricao: str) -> int:
    obj, _ = modelo.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})
    return obj.pk


def _reservar_ids(tabela: str, n: int) -> list[int]:
    with connection.cursor() as c:
        c.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [tabela, n],
        )
        return [linha[0] for linha in c.fetchall()]


def _copiar(tabela: str, colunas: Sequence[str], linhas: Iterable[Sequence[object]]) -> None:
    with connection.cursor() as c:
        sql = f"COPY {tabela} ({', '.join(colunas)}) FROM STDIN"
        with c.cursor.copy(sql) as copia:
            for linha in linhas:
                copia.write_row(linha)


@transaction.atomic
def gerar_produtos(n: int, *, semente: int = 42, hoje: dt.date | None = None) -> int:
    """Create `n` demo products with a price in every sales table, a cost, stock in 1–3 of
    the catalogue's warehouses and in every warehouse of the clients' sales tables.

    Codes continue after the highest existing demo code, so running it twice adds more products.
    EANs are valid EAN-13 (unique for up to 100,000 products per run; beyond that they repeat,
    so EAN is left blank past that point).
    """
    if n <= 0:
        return 0
    rnd = random.Random(semente)  # noqa: S311 — demo data, not security
    hoje = hoje or timezone.localdate()
    agora = timezone.now()

    unidades = {cod: _registro(Unidade, cod, desc) for cod, desc in UNIDADES.items()}
    linhas = {f[3]: _registro(LinhaProduto, f[3][:20].upper(), f[3]) for f in FAMILIAS}
    grupos = {f[4]: _registro(GrupoProduto, f[4][:20].upper(), f[4]) for f in FAMILIAS}
    marcas = [_registro(Marca, m.upper(), m) for m in MARCAS]
    armazens = [_registro(Armazem, cod, desc) for cod, desc in ARMAZENS.items()]
    tabela = _registro(TabelaVenda, "PADRAO", "Tabela padrão")
    # The clients' own sales tables and their warehouses (cadastro's demo, loaded first by
    # `make run`): every product gets a price in each table and stock in each of those
    # warehouses, so an order typed in the demo can actually be sent.
    tabelas_clientes = dict(
        TabelaVenda.objects.filter(ativo=True).exclude(pk=tabela).values_list("pk", "armazem_id")
    )
    armazens_clientes = sorted({a for a in tabelas_clientes.values() if a} - set(armazens))
    categoria = _registro(CategoriaFiscal, "REVENDA", "Mercadoria para revenda")

    existentes = Produto.objects.filter(codigo__regex=rf"^{PREFIXO_CODIGO}[0-9]{{7}}$").count()
    inicio_seq = existentes + 1
    eans_usados = set(
        Produto.objects.filter(ean__startswith=PREFIXO_EAN).values_list("ean", flat=True)
    )

    ids = _reservar_ids("produtos_produto", n)
    produtos: list[tuple[object, ...]] = []
    precos: list[tuple[object, ...]] = []
    custos: list[tuple[object, ...]] = []
    estoques: list[tuple[object, ...]] = []
    for i, pk in enumerate(ids):
        seq = inicio_seq + i
        desc, ncm, un, linha, grupo, (pmin, pmax), variacoes, origem = FAMILIAS[
            rnd.randrange(len(FAMILIAS))
        ]
        marca_idx = rnd.randrange(len(marcas))
        descricao = (
            f"{desc} {rnd.choice(variacoes)} {MARCAS[marca_idx]} ref. {rnd.randint(100, 9999)}"
        )
        ean = _ean13(seq)
        if ean in eans_usados:
            ean = ""
        else:
            eans_usados.add(ean)
        bloqueado = rnd.random() < 0.01
        peso = Decimal(rnd.randint(50, 25_000)) / 1000
        produtos.append((
            pk, f"{PREFIXO_CODIGO}{seq:07d}", descricao, ean, unidades[un], True, bloqueado,
            "Fornecedor em recuperação judicial" if bloqueado else "", linhas[linha],
            grupos[grupo], marcas[marca_idx], ncm, origem, "", categoria, peso,
            arredondar(peso * Decimal("0.92"), Decimal("0.001")), Decimal("1"),
            rnd.choice([0, 2, 5, 7, 15]), "prazo_fixo", rnd.choice([None, 1, 2, 3]), "",
            agora, agora,
        ))  # fmt: skip
        preco = arredondar(Decimal(rnd.randint(pmin * 100, pmax * 100)) / 100)
        custo = arredondar(preco * Decimal(rnd.randint(55, 78)) / 100)
        for tab in (tabela, *tabelas_clientes):
            precos.append((pk, tab, preco, hoje.replace(day=1), agora, agora))
        custos.append((pk, hoje.replace(day=1), custo, "", agora))
        for arm in rnd.sample(armazens, rnd.randint(1, len(armazens))):
            estoques.append(
                (pk, arm, unidades[un], Decimal(rnd.randint(0, 2_000)), Decimal(0), agora)
            )
        for arm in armazens_clientes:
            estoques.append(
                (pk, arm, unidades[un], Decimal(rnd.randint(50, 2_000)), Decimal(0), agora)
            )

    _copiar(
        "produtos_produto",
        ["id", "codigo", "descricao", "ean", "unidade_id", "ativo", "bloqueado",
         "motivo_bloqueio", "linha_id", "grupo_id", "marca_id", "ncm", "origem", "cest",
         "categoria_fiscal_id", "peso_bruto", "peso_liquido", "multiplo_venda",
         "prazo_entrega_dias", "regra_data_promessa", "nivel_alcada", "dados_complementares",
         "criado_em", "atualizado_em"],
        produtos,
    )  # fmt: skip
    _copiar(
        "produtos_precolista",
        ["produto_id", "tabela_id", "preco", "inicio", "criado_em", "atualizado_em"],
        precos,
    )
    _copiar("produtos_custo", ["produto_id", "data", "custo", "observacao", "criado_em"], custos)
    _copiar(
        "produtos_estoque",
        ["produto_id", "armazem_id", "unidade_id", "quantidade", "reservado", "atualizado_em"],
        estoques,
    )
    with connection.cursor() as c:
        for nome in ("produto", "precolista", "custo", "estoque"):
            c.execute(f"ANALYZE produtos_{nome}")
    return n
