"""Banco → motor: responde às perguntas das matrizes e monta a entrada do `engine`.

Uma pergunta é (matriz, data, chaves): "qual regra da Matriz ICMS vale em 10/03/2025 para
empresa=1, uf_origem=SP, uf_destino=RJ, ncm=84713012…?". A resposta é a regra **vigente na
data** que **casa** com a pergunta e é a **mais específica**:

- casa: toda dimensão que a regra preenche é igual à chave da pergunta (dimensão vazia na
  regra = qualquer valor; chave ausente na pergunta só casa com dimensão vazia); nas matrizes
  com faixa (alçada, comissão), o percentual da pergunta cai em (de, até];
- especificidade = número de dimensões preenchidas na regra (todas as dimensões pesam igual:
  NCM vale o mesmo que UF; quem quiser que o produto vença o NCM preenche as duas);
- empate entre as mais específicas é **erro de configuração**, reportado como problema
  (`matriz_empate`, com as regras empatadas), nunca resolvido escolhendo uma;
- nenhuma regra é problema `matriz` nomeando a matriz e as chaves perguntadas, nunca zero.

Consultas: `carregar_regras` busca as candidatas de TODAS as perguntas numa única consulta
(por dimensão: coluna vazia OU valor entre os perguntados) e `resolver` decide em Python;
`montar_pedido` faz, para N itens, um número fixo de consultas (regras + fatores de conversão).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.formats import date_format

from crm.documentos import formatar_documento
from crm.money import arredondar, formatar_br
from matrizes import engine
from matrizes.constants import (
    DEFINICOES,
    DIMENSOES,
    REGIAO_DA_UF,
    TipoMatriz,
)
from matrizes.engine import (
    Destinatario,
    Empresa,
    Intervalo,
    ItemEntrada,
    PedidoEntrada,
    PedidoResultado,
    Problema,
    RegraItem,
)
from matrizes.models import Regra, sem_zeros

if TYPE_CHECKING:
    from cadastro.models import Cliente, TipoCliente
    from contas.models import Empresa as EmpresaModel
    from contas.models import Usuario
    from produtos.models import Produto, Unidade

# O mesmo objeto ZERO do motor: os campos opcionais que ficam nele o motor não re-arredonda.
ZERO = engine.ZERO
CEM = Decimal("100")
UM = Decimal("1")

# Nome da matriz nas mensagens do motor → tipo de matriz que responde.
MATRIZ_DO_MOTOR: dict[str, str] = {
    "IPI": TipoMatriz.IPI,
    "ICMS": TipoMatriz.ICMS,
    "DIFAL": TipoMatriz.ICMS,
    "FCP": TipoMatriz.ICMS,
    "ICMS-ST": TipoMatriz.ICMS_ST,
    "PIS": TipoMatriz.PIS_COFINS,
    "COFINS": TipoMatriz.PIS_COFINS,
}

REGIMES_MOTOR = {
    "simples": "simples_nacional",
    "presumido": "lucro_presumido",
    "real": "lucro_real",
}

# Perguntas feitas por item ao montar um pedido, na ordem em que a tela "testar" as mostra.
MATRIZES_DO_ITEM = (
    TipoMatriz.IPI,
    TipoMatriz.ICMS,
    TipoMatriz.ICMS_ST,
    TipoMatriz.PIS_COFINS,
    TipoMatriz.UNIDADE_PRODUTO,
    TipoMatriz.COMISSAO,
)


# ---------------------------------------------------------------------------------------------
# Perguntas e respostas
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pergunta:
    """`chaves`: dimensão → valor comparável (pk nas FKs); `rotulos`: o mesmo para mensagens.

    `percentual`: o percentual de desconto, para as matrizes com faixa (sem arredondar).
    """

    matriz: str
    data: dt.date
    chaves: Mapping[str, Any]
    rotulos: Mapping[str, str] = field(default_factory=dict)
    percentual: Decimal | None = None

    def chaves_da_matriz(self) -> dict[str, str]:
        """As chaves que esta matriz usa, com rótulos legíveis, na ordem das dimensões."""
        dimensoes = DEFINICOES[self.matriz].dimensoes
        saida = {
            d: self.rotulos.get(d, str(self.chaves[d]))
            for d in DIMENSOES
            if d in dimensoes and self.chaves.get(d) is not None
        }
        if DEFINICOES[self.matriz].faixa and self.percentual is not None:
            saida["percentual"] = f"{self.percentual:f}"
        return saida


@dataclass(frozen=True)
class Resposta:
    pergunta: Pergunta
    regra: Regra | None
    candidatas: tuple[Regra, ...]  # todas as que casam e estão vigentes, mais específica antes
    empatadas: tuple[Regra, ...]  # as mais específicas quando há mais de uma

    @property
    def especificidade(self) -> int | None:
        return self.candidatas[0].especificidade if self.candidatas else None

    @property
    def nome_matriz(self) -> str:
        return str(TipoMatriz(self.pergunta.matriz).label)

    def problema(self, *, item: int | None = None) -> Problema | None:
        if self.regra is not None:
            return None
        p = self.pergunta
        chaves = p.chaves_da_matriz()
        descricao = ", ".join(f"{k}={v}" for k, v in chaves.items()) or "nenhuma chave"
        data = date_format(p.data, "d/m/Y")
        prefixo = f"Item {item}: " if item is not None else ""
        if self.empatadas:
            ids = ", ".join(f"#{r.pk}" for r in self.empatadas)
            return Problema(
                codigo="matriz_empate",
                matriz=p.matriz,
                chaves={**chaves, "regras": ids},
                item=item,
                mensagem=(
                    f"{prefixo}erro de configuração na {self.nome_matriz}: as regras {ids} "
                    f"empatam (especificidade {self.especificidade}) para {descricao} em {data}; "
                    "crie uma regra mais específica ou expire uma delas."
                ),
            )
        if self.regra is None:
            return Problema(
                codigo="matriz",
                matriz=p.matriz,
                chaves=chaves,
                item=item,
                mensagem=(
                    f"{prefixo}a {self.nome_matriz} não tem regra vigente em {data} para "
                    f"{descricao}."
                ),
            )
        return None


def carregar_regras(perguntas: Sequence[Pergunta], *, relacionados: bool = False) -> list[Regra]:
    """Uma consulta: as regras que podem responder a alguma das perguntas.

    Filtra por matriz, pelo intervalo de datas perguntadas e, em cada dimensão, por "vazia ou
    entre os valores perguntados"; o resto (data exata, faixa, especificidade) é `resolver`.
    """
    if not perguntas:
        return []
    datas = [p.data for p in perguntas]
    qs = Regra.objects.filter(
        matriz__in={p.matriz for p in perguntas}, vigencia_inicio__lte=max(datas)
    ).filter(Q(vigencia_fim__isnull=True) | Q(vigencia_fim__gte=min(datas)))
    # As perguntas de um pedido repetem o mesmo dicionário de chaves (um por produto).
    todas_chaves = list({id(p.chaves): p.chaves for p in perguntas}.values())
    condicoes = []
    parametros: list[list[Any]] = []
    for dimensao, coluna in _colunas_das_dimensoes():
        valores = {c[dimensao] for c in todas_chaves if c.get(dimensao) is not None}
        if valores:
            condicoes.append(f"({coluna} IS NULL OR {coluna} = ANY(%s))")
            parametros.append(sorted(valores, key=str))
        else:
            condicoes.append(f"{coluna} IS NULL")
    # Uma condição SQL só, com um array por dimensão: as 16 `Q(… | …__in=…)` custavam ~3 ms
    # de CPU para montar e compilar a cada pedido; o resultado é o mesmo.
    qs = qs.filter(RawSQL(" AND ".join(condicoes), parametros, BooleanField()))  # noqa: S611
    if relacionados:
        qs = qs.com_relacionados()
    return list(qs.order_by("id"))


def _colunas_das_dimensoes() -> list[tuple[str, str]]:
    """(dimensão, coluna qualificada com a tabela) de `carregar_regras`, uma vez só: com
    `relacionados` a consulta junta tabelas que têm colunas de mesmo nome."""
    if not _COLUNAS_DIMENSOES:
        q = connection.ops.quote_name
        tabela = q(Regra._meta.db_table)
        # Dimensões são campos concretos, com coluna: os stubs tipam get_field como qualquer
        # campo ou relação reversa, e Field.column como opcional (None antes do registro).
        _COLUNAS_DIMENSOES.extend(
            (d, f"{tabela}.{q(Regra._meta.get_field(d).column)}")  # type: ignore[union-attr,arg-type]
            for d in DIMENSOES
        )
    return _COLUNAS_DIMENSOES


_COLUNAS_DIMENSOES: list[tuple[str, str]] = []


def casa(regra: Regra, pergunta: Pergunta) -> bool:
    if regra.matriz != pergunta.matriz or not regra.vigente_em(pergunta.data):
        return False
    for dimensao in DIMENSOES:
        valor = regra.valor_dimensao(dimensao)
        if valor is not None and pergunta.chaves.get(dimensao) != valor:
            return False
    return regra.na_faixa(pergunta.percentual)


# Dimensões pelas quais `resolver` indexa as regras de cada matriz: as do produto, que separam
# as regras que um pedido carrega (todos os itens têm o mesmo contexto; cada um, o seu produto).
_DIMENSOES_INDICE = ("produto", "ncm")


@dataclass(frozen=True, slots=True)
class _Candidata:
    """Uma regra pré-processada para `resolver`: as dimensões preenchidas já extraídas, para
    não repetir 16 getattr por regra em cada pergunta (500 itens × 6 matrizes)."""

    regra: Regra
    dimensoes: tuple[tuple[str, Any], ...]
    especificidade: int
    indice: tuple[Any, ...]

    @classmethod
    def de(cls, regra: Regra) -> _Candidata:
        preenchidas = tuple((d, v) for d in DIMENSOES if (v := regra.valor_dimensao(d)) is not None)
        valores = dict(preenchidas)
        return cls(
            regra=regra,
            dimensoes=preenchidas,
            especificidade=len(preenchidas),
            indice=tuple(valores.get(d) for d in _DIMENSOES_INDICE),
        )

    def casa(self, pergunta: Pergunta) -> bool:
        regra = self.regra
        if not regra.vigente_em(pergunta.data):
            return False
        chaves = pergunta.chaves
        for dimensao, valor in self.dimensoes:
            if chaves.get(dimensao) != valor:
                return False
        return regra.na_faixa(pergunta.percentual)


class _Indice:
    """As candidatas de uma matriz na ordem de `resolver` (mais específica antes, depois pk),
    repartidas pelo valor que dão a `_DIMENSOES_INDICE` (None = vale para qualquer valor).

    Uma pergunta só casa com regras cujo produto é o dela ou vazio e cujo NCM é o dela ou
    vazio: olha 4 grupos em vez de todas as regras da matriz (com 50 produtos e uma regra por
    produto, 50 verificações por pergunta viram 1 ou 2)."""

    __slots__ = ("grupos",)

    def __init__(self, candidatas: Sequence[_Candidata]) -> None:
        self.grupos: dict[tuple[Any, ...], list[tuple[int, _Candidata]]] = defaultdict(list)
        for ordem, candidata in enumerate(candidatas):
            self.grupos[candidata.indice].append((ordem, candidata))

    def casam(self, pergunta: Pergunta) -> list[_Candidata]:
        chaves = pergunta.chaves
        produto, ncm = (chaves.get(d) for d in _DIMENSOES_INDICE)
        grupos = self.grupos
        achadas = [
            par
            for chave in {(produto, ncm), (produto, None), (None, ncm), (None, None)}
            if chave in grupos
            for par in grupos[chave]
            if par[1].casa(pergunta)
        ]
        achadas.sort(key=_ordem)
        return [candidata for _ordem_, candidata in achadas]


def _ordem(par: tuple[int, _Candidata]) -> int:
    return par[0]


def resolver(
    perguntas: Sequence[Pergunta], regras: Iterable[Regra] | None = None
) -> list[Resposta]:
    """Responde cada pergunta com a regra vigente mais específica (ou o problema)."""
    if regras is None:
        regras = carregar_regras(perguntas)
    por_matriz: dict[str, list[_Candidata]] = defaultdict(list)
    for regra in regras:
        por_matriz[regra.matriz].append(_Candidata.de(regra))
    indices: dict[str, _Indice] = {}
    for matriz, lista in por_matriz.items():
        lista.sort(key=lambda c: (-c.especificidade, c.regra.pk))
        indices[matriz] = _Indice(lista)
    nenhum = _Indice(())
    respostas = []
    for pergunta in perguntas:
        candidatas = indices.get(pergunta.matriz, nenhum).casam(pergunta)
        topo = [c.regra for c in candidatas if c.especificidade == candidatas[0].especificidade]
        respostas.append(
            Resposta(
                pergunta=pergunta,
                regra=topo[0] if len(topo) == 1 else None,
                candidatas=tuple(c.regra for c in candidatas),
                empatadas=tuple(topo) if len(topo) > 1 else (),
            )
        )
    return respostas


# ---------------------------------------------------------------------------------------------
# Pedido: contexto do cabeçalho + itens → PedidoEntrada do motor
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contexto:
    """O que o cabeçalho do pedido sabe e as matrizes perguntam."""

    data: dt.date
    empresa: EmpresaModel
    uf_destino: str
    contribuinte: bool
    consumidor_final: bool
    tipo_cliente: TipoCliente | None = None
    cliente: Cliente | None = None
    representante: Usuario | None = None
    condicao_pagamento: str | None = None
    cfop: str | None = None
    cenario: str | None = None
    excluir_icms_base_pis_cofins: bool = False
    casas_mva_ajustada: int = 2

    def chaves(self) -> tuple[dict[str, Any], dict[str, str]]:
        chaves: dict[str, Any] = {
            "empresa": self.empresa.pk,
            "uf_origem": self.empresa.uf,
            "uf_destino": self.uf_destino,
            "regiao": REGIAO_DA_UF.get(self.uf_destino),
            "tipo_cliente": self.tipo_cliente.pk if self.tipo_cliente else None,
            "cliente": self.cliente.pk if self.cliente else None,
            "contribuinte": self.contribuinte,
            "consumidor_final": self.consumidor_final,
            "condicao_pagamento": self.condicao_pagamento or None,
            "representante": self.representante.pk if self.representante else None,
            "cfop": self.cfop or None,
            "cenario": self.cenario or None,
        }
        rotulos = {
            "empresa": formatar_documento(self.empresa.cnpj),
            "tipo_cliente": self.tipo_cliente.codigo if self.tipo_cliente else "",
            "cliente": (
                formatar_documento(self.cliente.documento) or f"#{self.cliente.pk}"
                if self.cliente
                else ""
            ),
            "contribuinte": "sim" if self.contribuinte else "não",
            "consumidor_final": "sim" if self.consumidor_final else "não",
            "representante": self.representante.username if self.representante else "",
        }
        return chaves, rotulos


@dataclass(frozen=True)
class ItemPedido:
    """Um item como o pedido o conhece (na unidade de venda); `percentual_desconto` é o
    desconto que decide a faixa de comissão (None = calculado dos descontos do pedido)."""

    produto: Produto
    quantidade: Decimal
    preco_unitario: Decimal
    desconto_item: Decimal = ZERO
    frete_item: Decimal = ZERO
    seguro: Decimal = ZERO
    outras: Decimal = ZERO
    custo_unitario: Decimal | None = None
    custo_frete: Decimal = ZERO
    custo_financeiro: Decimal = ZERO
    percentual_desconto: Decimal | None = None


@dataclass(frozen=True)
class Montagem:
    """A entrada do motor e, por item, a resposta de cada matriz (para explicar o cálculo)."""

    entrada: PedidoEntrada
    respostas_itens: tuple[dict[str, Resposta], ...]
    respostas_pedido: dict[str, Resposta]
    problemas_itens: tuple[tuple[Problema, ...], ...]
    problemas_pedido: tuple[Problema, ...]
    # As regras carregadas das matrizes de `montar_pedido(carregar=…)`.
    regras: tuple[Regra, ...] = ()


def destinatario_do_cliente(cliente: Cliente) -> tuple[bool, bool]:
    """(contribuinte do ICMS, consumidor final) do cadastro do cliente, nunca de CPF × CNPJ.

    Contribuinte: o indicador da IE (indIEDest da NF-e) é 1; 2 (isento de inscrição) e
    9 (não contribuinte) não são. Consumidor final: o campo do cadastro, exceto para o não
    contribuinte, que sempre é — a SEFAZ rejeita NF-e com indIEDest = 9 e indFinal = 0
    (rejeição 696, "Operação com não contribuinte deve indicar operação com consumidor
    final"), então um cadastro dizendo o contrário não pode mudar os impostos."""
    from cadastro.constants import IndicadorIE

    if cliente.indicador_ie == IndicadorIE.NAO_CONTRIBUINTE:
        return False, True
    return cliente.indicador_ie == IndicadorIE.CONTRIBUINTE, bool(cliente.consumidor_final)


def chaves_do_produto(produto: Produto) -> tuple[dict[str, Any], dict[str, str]]:
    chaves = {
        "ncm": produto.ncm or None,
        "cest": produto.cest or None,
        "produto": produto.pk,
        "linha": produto.linha_id,
    }
    rotulos = {
        "produto": produto.codigo,
        "linha": produto.linha.codigo if produto.linha_id and produto.linha else "",
    }
    return chaves, rotulos


def percentual_desconto_item(
    item: ItemPedido, desconto_cabecalho: Decimal, total_produtos: Decimal
) -> Decimal:
    """Desconto do item (%) = desconto do próprio item sobre o seu valor + o desconto do
    cabeçalho sobre o total, sem arredondar (as faixas comparam o valor exato)."""
    if item.percentual_desconto is not None:
        return item.percentual_desconto
    valor = item.quantidade * item.preco_unitario
    proprio = item.desconto_item * CEM / valor if valor > 0 else Decimal(0)
    cabecalho = desconto_cabecalho * CEM / total_produtos if total_produtos > 0 else Decimal(0)
    return proprio + cabecalho


def perguntas_do_item(
    contexto: Contexto, produto: Produto, *, percentual_desconto: Decimal | None
) -> list[Pergunta]:
    chaves_ctx, rotulos_ctx = contexto.chaves()
    chaves_prod, rotulos_prod = chaves_do_produto(produto)
    chaves = {**chaves_ctx, **chaves_prod}
    rotulos = {**rotulos_ctx, **rotulos_prod}
    return [
        Pergunta(
            matriz=matriz,
            data=contexto.data,
            chaves=chaves,
            rotulos=rotulos,
            percentual=percentual_desconto if DEFINICOES[matriz].faixa else None,
        )
        for matriz in MATRIZES_DO_ITEM
    ]


def _perguntas_do_produto(
    contexto: Contexto,
    chaves_ctx: Mapping[str, Any],
    rotulos_ctx: Mapping[str, str],
    produto: Produto,
    matrizes: Sequence[str],
) -> dict[str, Pergunta]:
    """As perguntas de `perguntas_do_item` sem percentual, com o contexto já calculado."""
    chaves_prod, rotulos_prod = chaves_do_produto(produto)
    chaves = {**chaves_ctx, **chaves_prod}
    rotulos = {**rotulos_ctx, **rotulos_prod}
    return {
        matriz: Pergunta(matriz=matriz, data=contexto.data, chaves=chaves, rotulos=rotulos)
        for matriz in matrizes
    }


def perguntas_do_pedido(contexto: Contexto, matrizes: Sequence[str]) -> list[Pergunta]:
    chaves, rotulos = contexto.chaves()
    return [
        Pergunta(matriz=m, data=contexto.data, chaves=chaves, rotulos=rotulos) for m in matrizes
    ]


def _limpo(valor: Decimal | None) -> Decimal | None:
    """12.0000 → 12, 1.6500 → 1.65 (o banco guarda 4 casas; a saída do motor fica legível)."""
    return None if valor is None else sem_zeros(valor)


def regra_item(respostas: Mapping[str, Resposta]) -> RegraItem:
    """As respostas fiscais de um item → `RegraItem` do motor (None onde nenhuma respondeu)."""
    ipi = respostas[TipoMatriz.IPI].regra
    icms = respostas[TipoMatriz.ICMS].regra
    st_resposta = respostas[TipoMatriz.ICMS_ST]
    st = st_resposta.regra
    pis_cofins = respostas[TipoMatriz.PIS_COFINS].regra
    # Sem regra de ST, o item não tem ST; empate na ST é erro: marca sujeito sem MVA para o
    # motor não calcular, e o problema de empate explica.
    sujeito_st = bool(st and st.aplica_st) or bool(st_resposta.empatadas)
    interna_destino = icms.aliquota_interna_destino if icms else None
    if st is not None and st.aliquota_interna_destino is not None:
        interna_destino = st.aliquota_interna_destino
    por_matriz = {
        matriz: respostas[matriz].pergunta.chaves_da_matriz()
        for matriz in set(MATRIZ_DO_MOTOR.values())
    }
    chaves_por_motor = {nome: por_matriz[matriz] for nome, matriz in MATRIZ_DO_MOTOR.items()}
    return RegraItem(
        ipi=_limpo(ipi.aliquota) if ipi else None,
        icms=_limpo(icms.aliquota) if icms else None,
        red_bc_icms=_limpo(icms.reducao_base) if icms else None,
        sujeito_st=sujeito_st,
        mva=_limpo(st.mva) if st and st.aplica_st else None,
        ajustar_mva=bool(st and st.ajustar_mva),
        red_bc_st=_limpo(st.reducao_base) if st and st.aplica_st else None,
        icms_interno_destino=_limpo(interna_destino),
        fcp=_limpo(icms.fcp) if icms else None,
        difal_metodo=icms.metodo_difal if icms else None,  # type: ignore[arg-type]
        pis=_limpo(pis_cofins.aliquota_pis) if pis_cofins else None,
        cofins=_limpo(pis_cofins.aliquota_cofins) if pis_cofins else None,
        chaves=chaves_por_motor,
    )


def _problemas_das_respostas(
    respostas: Mapping[str, Resposta], numero: int, *, ignorar_ausencia: Iterable[str]
) -> list[Problema]:
    """Problemas que o motor não vê: empates (todas) e ausências das matrizes não fiscais.

    A ausência de IPI/ICMS/PIS/COFINS já vira problema `matriz` no motor; a de ST significa
    "sem ST" e não é problema.
    """
    ignorar = set(ignorar_ausencia)
    problemas = []
    for matriz, resposta in respostas.items():
        if resposta.regra is None and not resposta.empatadas and matriz in ignorar:
            continue
        problema = resposta.problema(item=numero)
        if problema is not None:
            problemas.append(problema)
    return problemas


def montar_pedido(
    contexto: Contexto,
    itens: Sequence[ItemPedido],
    *,
    desconto_cabecalho: Decimal = ZERO,
    frete_cabecalho: Decimal = ZERO,
    chave_rateio_frete: str = "valor",
    faixa_margem_bruta: Intervalo | None = None,
    faixa_margem_contribuicao: Intervalo | None = None,
    carregar: Sequence[str] = (),
) -> Montagem:
    """Pergunta às matrizes por todos os itens de uma vez e monta a `PedidoEntrada`.

    Consultas: 1 para as regras de todos os itens e do pedido, +1 para os fatores de conversão
    se algum item for vendido noutra unidade — o mesmo número para 5 ou 500 itens. Os produtos
    chegam carregados (com `linha` e `unidade`, via select_related) de quem chama.

    `carregar`: outras matrizes que quem chama vai perguntar pelos mesmos itens depois (a
    alçada, que depende do desconto efetivo): as regras delas vêm na mesma consulta e ficam em
    `Montagem.regras`, para `resolver` sem consultar de novo.
    """
    from produtos.models import FatorConversao

    total_produtos = sum((i.quantidade * i.preco_unitario for i in itens), Decimal(0))
    chaves_ctx, rotulos_ctx = contexto.chaves()
    # As matrizes sem faixa respondem pelo produto; a comissão (com faixa), pelo produto e pelo
    # percentual de desconto. Cada pergunta é feita e respondida uma vez e os itens do mesmo
    # produto compartilham as respostas: um pedido de 500 itens de 50 produtos faz 250
    # perguntas por produto + 1 por (produto, percentual), em vez de 3.000.
    por_produto: dict[Any, dict[str, Pergunta]] = {}
    grupos: dict[tuple[Any, Decimal], dict[str, Pergunta]] = {}
    chaves_itens: list[tuple[Any, Decimal]] = []
    for i in itens:
        percentual = percentual_desconto_item(i, desconto_cabecalho, total_produtos)
        produto_pk = i.produto.pk
        chave = (produto_pk, percentual)
        if chave not in grupos:
            do_produto = por_produto.get(produto_pk)
            if do_produto is None:
                do_produto = por_produto[produto_pk] = _perguntas_do_produto(
                    contexto, chaves_ctx, rotulos_ctx, i.produto, (*MATRIZES_DO_ITEM, *carregar)
                )
            grupos[chave] = {
                matriz: (
                    replace(do_produto[matriz], percentual=percentual)
                    if DEFINICOES[matriz].faixa
                    else do_produto[matriz]
                )
                for matriz in MATRIZES_DO_ITEM
            }
        chaves_itens.append(chave)
    perguntas_pedido = perguntas_do_pedido(contexto, [TipoMatriz.VALOR_MINIMO])
    unicas = [
        p for grupo in por_produto.values() for m, p in grupo.items() if m in MATRIZES_DO_ITEM
    ]
    unicas += [p for grupo in grupos.values() for m, p in grupo.items() if DEFINICOES[m].faixa]
    unicas += perguntas_pedido
    # As perguntas de `carregar` (sem faixa, mesmas chaves) só ampliam a consulta das regras.
    extras = [p for g in por_produto.values() for m, p in g.items() if m not in MATRIZES_DO_ITEM]
    regras = carregar_regras(unicas + extras)
    por_pergunta = {id(r.pergunta): r for r in resolver(unicas, regras)}
    respostas_grupo: dict[tuple[Any, Decimal], dict[str, Resposta]] = {
        chave: {m: por_pergunta[id(p)] for m, p in grupo.items()} for chave, grupo in grupos.items()
    }
    respostas_pedido = {p.matriz: por_pergunta[id(p)] for p in perguntas_pedido}
    por_item: list[dict[str, Resposta]] = [respostas_grupo[c] for c in chaves_itens]
    # A regra fiscal de um item só depende das matrizes sem faixa: uma por produto.
    regras_produto: dict[Any, RegraItem] = {}
    regras_item: dict[tuple[Any, Decimal], RegraItem] = {}
    for chave, resp in respostas_grupo.items():
        if chave[0] not in regras_produto:
            regras_produto[chave[0]] = regra_item(resp)
        regras_item[chave] = regras_produto[chave[0]]

    # O que os itens de um grupo (produto, percentual) têm em comum, calculado uma vez.
    # Unidade de venda: a da matriz (ou a do produto); o fator vem do cadastro do produto.
    produto_do_grupo: dict[tuple[Any, Decimal], Produto] = {}
    for item, chave in zip(itens, chaves_itens, strict=True):
        produto_do_grupo.setdefault(chave, item.produto)
    unidade_do_grupo: dict[tuple[Any, Decimal], Unidade | None] = {}
    for chave, resp in respostas_grupo.items():
        regra_unidade = resp[TipoMatriz.UNIDADE_PRODUTO].regra
        unidade = regra_unidade.unidade_venda if regra_unidade else None
        produto = produto_do_grupo[chave]
        unidade_do_grupo[chave] = unidade if unidade and unidade.pk != produto.unidade_id else None
    fatores: dict[tuple[int, int], FatorConversao] = {}
    pares = {
        (produto_do_grupo[chave].pk, u.pk): produto_do_grupo[chave].unidade_id
        for chave, u in unidade_do_grupo.items()
        if u
    }
    if pares:
        # O fator converte a unidade de venda na unidade do cadastro (a tributável).
        filtro = Q()
        for (produto_id, unidade_id), unidade_destino in sorted(pares.items()):
            filtro |= Q(
                produto_id=produto_id,
                unidade_origem_id=unidade_id,
                unidade_destino_id=unidade_destino,
            )
        for cadastrado in FatorConversao.objects.filter(filtro):
            fatores[(cadastrado.produto_id, cadastrado.unidade_origem_id)] = cadastrado
    zero = Decimal(0)
    do_grupo: dict[tuple[Any, Decimal], dict[str, Any]] = {}
    for chave, resp in respostas_grupo.items():
        produto = produto_do_grupo[chave]
        unidade = unidade_do_grupo[chave]
        regra_unidade = resp[TipoMatriz.UNIDADE_PRODUTO].regra
        fator: Decimal | None = UM
        multiplo: Decimal | None = produto.multiplo_venda
        if unidade is not None:
            conversao = fatores.get((produto.pk, unidade.pk))
            fator = conversao.fator if conversao else None
            multiplo = conversao.multiplo_venda if conversao else None
        if regra_unidade is not None and regra_unidade.multiplo is not None:
            multiplo = regra_unidade.multiplo
        comissao = resp[TipoMatriz.COMISSAO].regra
        do_grupo[chave] = {
            "codigo": produto.codigo,
            "regra": regras_item[chave],
            "peso": produto.peso_bruto or zero,
            "fator_conversao": fator,
            "multiplo": multiplo,
            "origem": int(produto.origem),
            "percentual_comissao": ((_limpo(comissao.percentual) or ZERO) if comissao else ZERO),
        }
    # Problemas das respostas (`_problemas_das_respostas`): só nos grupos em que uma matriz
    # empatou ou, fora das que o motor já aponta, não respondeu.
    ignorar = (TipoMatriz.IPI, TipoMatriz.ICMS, TipoMatriz.PIS_COFINS, TipoMatriz.ICMS_ST)
    com_problema = {
        chave
        for chave, resp in respostas_grupo.items()
        if any(r.regra is None and (r.empatadas or m not in ignorar) for m, r in resp.items())
    }
    entradas: list[ItemEntrada] = []
    problemas_itens: list[tuple[Problema, ...]] = []
    for numero, (item, chave) in enumerate(zip(itens, chaves_itens, strict=True), start=1):
        entradas.append(
            ItemEntrada(
                quantidade=item.quantidade,
                preco_unitario=item.preco_unitario,
                desconto_item=item.desconto_item,
                frete_item=item.frete_item,
                seguro=item.seguro,
                outras=item.outras,
                custo_unitario=item.custo_unitario,
                custo_frete=item.custo_frete,
                custo_financeiro=item.custo_financeiro,
                **do_grupo[chave],
            )
        )
        problemas_itens.append(
            tuple(
                _problemas_das_respostas(respostas_grupo[chave], numero, ignorar_ausencia=ignorar)
            )
            if chave in com_problema
            else ()
        )

    problemas_pedido: list[Problema] = []
    minimo = respostas_pedido[TipoMatriz.VALOR_MINIMO]
    problema_minimo = minimo.problema()
    if problema_minimo is not None:
        problemas_pedido.append(problema_minimo)
    elif minimo.regra is not None and minimo.regra.valor is not None:
        liquido = sum(
            (
                arredondar(i.quantidade * i.preco_unitario) - arredondar(i.desconto_item)
                for i in itens
            ),
            Decimal(0),
        ) - arredondar(desconto_cabecalho)
        if liquido < minimo.regra.valor:
            problemas_pedido.append(
                Problema(
                    codigo="valor_minimo",
                    matriz=TipoMatriz.VALOR_MINIMO,
                    chaves={"minimo": f"{minimo.regra.valor:f}", "valor": f"{liquido:f}"},
                    mensagem=(
                        f"O valor dos produtos com desconto (R$ {formatar_br(liquido)}) não "
                        f"atinge o valor mínimo do pedido (R$ {formatar_br(minimo.regra.valor)}, "
                        f"regra #{minimo.regra.pk})."
                    ),
                )
            )

    empresa = contexto.empresa
    entrada = PedidoEntrada(
        empresa=Empresa(
            uf=empresa.uf,
            regime=REGIMES_MOTOR.get(empresa.regime_tributario, "lucro_real"),  # type: ignore[arg-type]
            excluir_icms_base_pis_cofins=contexto.excluir_icms_base_pis_cofins,
            casas_mva_ajustada=contexto.casas_mva_ajustada,
        ),
        destinatario=Destinatario(
            uf=contexto.uf_destino,
            contribuinte=contexto.contribuinte,
            consumidor_final=contexto.consumidor_final,
        ),
        itens=tuple(entradas),
        desconto_cabecalho=desconto_cabecalho,
        frete_cabecalho=frete_cabecalho,
        chave_rateio_frete=chave_rateio_frete,  # type: ignore[arg-type]
        faixa_margem_bruta=faixa_margem_bruta,
        faixa_margem_contribuicao=faixa_margem_contribuicao,
    )
    return Montagem(
        entrada=entrada,
        respostas_itens=tuple(por_item),
        respostas_pedido=respostas_pedido,
        problemas_itens=tuple(problemas_itens),
        problemas_pedido=tuple(problemas_pedido),
        regras=tuple(r for r in regras if r.matriz in carregar),
    )


def calcular(montagem: Montagem) -> PedidoResultado:
    """Roda o motor e junta os problemas das matrizes aos do motor.

    Onde a matriz tem empate, o problema `matriz` que o motor daria ("não tem regra") é
    trocado pelo de empate, que diz a verdade.
    """
    resultado = engine.calcular_pedido(montagem.entrada)
    itens = []
    todos: list[Problema] = list(montagem.problemas_pedido)
    todos.extend(p for p in resultado.problemas if p.item is None)
    for item, extras in zip(resultado.itens, montagem.problemas_itens, strict=True):
        if not extras:  # nada a juntar (o caso comum): o item do motor fica como está
            itens.append(item)
            todos.extend(item.problemas)
            continue
        empatadas = {p.matriz for p in extras if p.codigo == "matriz_empate"}
        do_motor = [
            p
            for p in item.problemas
            if not (p.codigo == "matriz" and MATRIZ_DO_MOTOR.get(p.matriz or "") in empatadas)
        ]
        problemas = (*extras, *do_motor)
        itens.append(replace(item, problemas=problemas))
        todos.extend(problemas)
    return replace(resultado, itens=tuple(itens), problemas=tuple(todos))


# ---------------------------------------------------------------------------------------------
# JSON com códigos (calcular_pedido --matrizes) → Montagem
# ---------------------------------------------------------------------------------------------

CAMPOS_PEDIDO_JSON = frozenset(
    {
        "data",
        "empresa",
        "cliente",
        "uf_destino",
        "contribuinte",
        "consumidor_final",
        "condicao_pagamento",
        "cfop",
        "excluir_icms_base_pis_cofins",
        "casas_mva_ajustada",
        "desconto_cabecalho",
        "frete_cabecalho",
        "chave_rateio_frete",
        "faixa_margem_bruta",
        "faixa_margem_contribuicao",
        "itens",
    }
)
CAMPOS_ITEM_JSON = frozenset(
    {
        "produto",
        "quantidade",
        "preco_unitario",
        "desconto_item",
        "frete_item",
        "seguro",
        "outras",
        "custo_unitario",
        "custo_frete",
        "custo_financeiro",
        "percentual_desconto",
    }
)


def _dec(valor: Any, caminho: str, *, opcional: bool = False) -> Decimal | None:
    if valor is None and opcional:
        return None
    return engine._decimal(valor, caminho)


def _intervalo(valor: Any, caminho: str) -> Intervalo | None:
    if valor is None:
        return None
    if not isinstance(valor, Mapping) or set(valor) - {"minimo", "maximo"}:
        raise ValueError(f'{caminho}: esperado {{"minimo", "maximo"}}')
    return Intervalo(
        minimo=_dec(valor.get("minimo"), f"{caminho}.minimo", opcional=True),
        maximo=_dec(valor.get("maximo"), f"{caminho}.maximo", opcional=True),
    )


def montagem_de_json(dados: Mapping[str, Any], *, hoje: dt.date) -> Montagem:
    """Pedido com códigos (CNPJ da empresa, CPF/CNPJ do cliente, código dos produtos) →
    perguntas às matrizes → `Montagem`. Erros de entrada: ValueError com o caminho do campo.

    Consultas fixas: empresa, cliente (+ endereço), produtos (uma para todos), regras, fatores.
    """
    from cadastro.models import Cliente, Endereco
    from contas.models import Empresa as EmpresaModel
    from crm.documentos import limpar
    from produtos.models import Produto

    if not isinstance(dados, Mapping):
        raise ValueError("pedido: esperado um objeto")
    desconhecidos = set(dados) - CAMPOS_PEDIDO_JSON
    if desconhecidos:
        raise ValueError(f"pedido: campos desconhecidos {sorted(desconhecidos)}")
    try:
        data = dt.date.fromisoformat(dados["data"]) if dados.get("data") else hoje
    except (TypeError, ValueError) as erro:
        raise ValueError("data: use AAAA-MM-DD") from erro

    empresa = EmpresaModel.objects.filter(cnpj=limpar(dados.get("empresa"))).first()
    if empresa is None:
        raise ValueError(f"empresa: nenhuma empresa com CNPJ {dados.get('empresa')!r}")

    cliente = None
    if dados.get("cliente") is not None:
        documento = limpar(dados["cliente"])
        cliente = (
            Cliente.objects.select_related("tipo_cliente", "representante", "carteira")
            .filter(documento=documento)
            .first()
        )
        if cliente is None:
            raise ValueError(f"cliente: nenhum cliente com CPF/CNPJ {dados['cliente']!r}")

    uf = dados.get("uf_destino")
    if uf is None and cliente is not None:
        uf = (
            Endereco.objects.filter(cliente=cliente)
            .order_by("-principal", "id")
            .values_list("uf", flat=True)
            .first()
        )
    if not uf:
        raise ValueError("uf_destino: informe a UF de destino (o cliente não tem endereço)")
    contribuinte = dados.get("contribuinte")
    consumidor_final = dados.get("consumidor_final")
    if cliente is None and (contribuinte is None or consumidor_final is None):
        raise ValueError("contribuinte/consumidor_final: obrigatórios sem cliente")
    if cliente is not None:
        # O que o JSON não disser vem do cadastro (indicador da IE), nunca do tipo de pessoa.
        do_cadastro = destinatario_do_cliente(cliente)
        if contribuinte is None:
            contribuinte = do_cadastro[0]
        if consumidor_final is None:
            consumidor_final = do_cadastro[1]
    if not isinstance(contribuinte, bool):
        raise ValueError("contribuinte: esperado true/false")
    if not isinstance(consumidor_final, bool):
        raise ValueError("consumidor_final: esperado true/false")
    representante = None
    if cliente is not None:
        representante = cliente.representante or (
            cliente.carteira.representante if cliente.carteira_id else None  # type: ignore[union-attr]
        )

    itens_json = dados.get("itens")
    if not isinstance(itens_json, list) or not itens_json:
        raise ValueError("itens: informe ao menos um item")
    codigos = set()
    for i, item in enumerate(itens_json):
        if not isinstance(item, Mapping):
            raise ValueError(f"itens[{i}]: esperado um objeto")
        desconhecidos = set(item) - CAMPOS_ITEM_JSON
        if desconhecidos:
            raise ValueError(f"itens[{i}]: campos desconhecidos {sorted(desconhecidos)}")
        if not isinstance(item.get("produto"), str):
            raise ValueError(f"itens[{i}].produto: informe o código do produto")
        codigos.add(item["produto"].strip().upper())
    produtos = {
        p.codigo: p
        for p in Produto.objects.select_related("linha", "unidade").filter(codigo__in=codigos)
    }
    itens: list[ItemPedido] = []
    for i, item in enumerate(itens_json):
        caminho = f"itens[{i}]"
        codigo = item["produto"].strip().upper()
        if codigo not in produtos:
            raise ValueError(f"{caminho}.produto: produto {codigo!r} não existe")

        def valor(nome: str, padrao: str = "0", caminho: str = caminho, item: Any = item) -> Any:
            return _dec(item.get(nome, padrao), f"{caminho}.{nome}")

        itens.append(
            ItemPedido(
                produto=produtos[codigo],
                quantidade=valor("quantidade", None),  # type: ignore[arg-type]
                preco_unitario=valor("preco_unitario", None),  # type: ignore[arg-type]
                desconto_item=valor("desconto_item"),
                frete_item=valor("frete_item"),
                seguro=valor("seguro"),
                outras=valor("outras"),
                custo_unitario=_dec(
                    item.get("custo_unitario"), f"{caminho}.custo_unitario", opcional=True
                ),
                custo_frete=valor("custo_frete"),
                custo_financeiro=valor("custo_financeiro"),
                percentual_desconto=_dec(
                    item.get("percentual_desconto"),
                    f"{caminho}.percentual_desconto",
                    opcional=True,
                ),
            )
        )
    rateio = dados.get("chave_rateio_frete", "valor")
    if rateio not in ("valor", "peso"):
        raise ValueError("chave_rateio_frete: use 'valor' ou 'peso'")
    excluir = dados.get("excluir_icms_base_pis_cofins", False)
    casas = dados.get("casas_mva_ajustada", 2)
    if not isinstance(excluir, bool):
        raise ValueError("excluir_icms_base_pis_cofins: esperado true/false")
    if not isinstance(casas, int) or isinstance(casas, bool):
        raise ValueError("casas_mva_ajustada: esperado inteiro")
    contexto = Contexto(
        data=data,
        empresa=empresa,
        uf_destino=str(uf).upper(),
        contribuinte=contribuinte,
        consumidor_final=consumidor_final,
        tipo_cliente=cliente.tipo_cliente if cliente else None,
        cliente=cliente,
        representante=representante,
        condicao_pagamento=(dados.get("condicao_pagamento") or None),
        cfop=(dados.get("cfop") or None),
        excluir_icms_base_pis_cofins=excluir,
        casas_mva_ajustada=casas,
    )
    return montar_pedido(
        contexto,
        itens,
        desconto_cabecalho=_dec(dados.get("desconto_cabecalho", "0"), "desconto_cabecalho"),  # type: ignore[arg-type]
        frete_cabecalho=_dec(dados.get("frete_cabecalho", "0"), "frete_cabecalho"),  # type: ignore[arg-type]
        chave_rateio_frete=rateio,
        faixa_margem_bruta=_intervalo(dados.get("faixa_margem_bruta"), "faixa_margem_bruta"),
        faixa_margem_contribuicao=_intervalo(
            dados.get("faixa_margem_contribuicao"), "faixa_margem_contribuicao"
        ),
    )
