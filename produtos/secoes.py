"""The maintenance area of a product: tabs (abas) made of sections (seções).

Seed "Manutenção de Produtos": Produto, Similar, Fator de Conversão, Preço de Lista, Custos,
Dados Fiscais, Linha de Produtos, Promoção, Alçada, Kit, Armazém, Lotes, Unidades, Produto
Complementar, Cotas, Anexos — plus the history. Each section is either a list of rows of a
child model (with an "incluir" form and a "remover" button) or a group of product fields
(with a "salvar" form). Declared here once; the views and the one tab template are generic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Model, QuerySet

from produtos import forms as f
from produtos import models as m
from produtos import selectors

if TYPE_CHECKING:
    from contas.models import Usuario

TipoColuna = Literal["texto", "moeda", "data", "quantidade", "percentual", "booleano", "arquivo"]


@dataclass(frozen=True)
class Coluna:
    titulo: str
    atributo: str  # attribute path on the row ("armazem.descricao")
    tipo: TipoColuna = "texto"


@dataclass(frozen=True)
class Secao:
    slug: str
    titulo: str
    ajuda: str = ""
    # A list of child rows …
    modelo: type[Model] | None = None
    form_item: type[f.FormSecao] | None = None
    colunas: tuple[Coluna, ...] = ()
    linhas: Callable[[Usuario, m.Produto], QuerySet[Any]] | None = None
    # … or a group of product fields.
    form_produto: type[f.ProdutoForm] | None = None
    permissao_ver: str = "produtos.view_produto"
    permissao_editar: str = "produtos.change_produto"
    vazio: str = "Nada cadastrado."

    def pode_ver(self, user: Usuario) -> bool:
        return user.has_perm(self.permissao_ver)

    def pode_editar(self, user: Usuario) -> bool:
        return self.pode_ver(user) and user.has_perm(self.permissao_editar)


@dataclass(frozen=True)
class Aba:
    slug: str
    titulo: str
    secoes: tuple[Secao, ...] = ()
    permissao: str = "produtos.view_produto"
    template: str = "produtos/partials/produto_aba.html"
    extras: dict[str, Any] = field(default_factory=dict)

    def pode_ver(self, user: Usuario) -> bool:
        return user.has_perm(self.permissao)


def _filhos(relacao: str, *relacionados: str) -> Callable[[Usuario, m.Produto], QuerySet[Any]]:
    def linhas(user: Usuario, produto: m.Produto) -> QuerySet[Any]:
        qs = getattr(produto, relacao).all()
        return qs.select_related(*relacionados) if relacionados else qs

    return linhas


SIMILAR = Secao(
    "similares", "Produtos similares",
    ajuda="Sugeridos no pedido quando este produto está sem estoque ou bloqueado.",
    modelo=m.ProdutoSimilar, form_item=f.SimilarForm,
    colunas=(Coluna("Código", "similar.codigo"), Coluna("Descrição", "similar.descricao"),
             Coluna("Observação", "observacao")),
    linhas=_filhos("similares", "similar"), permissao_editar="produtos.add_produtosimilar",
    vazio="Nenhum produto similar.",
)  # fmt: skip
COMPLEMENTAR = Secao(
    "complementares", "Produtos complementares",
    ajuda="Sugeridos no pedido (venda cruzada) quando este produto é incluído.",
    modelo=m.ProdutoComplementar, form_item=f.ComplementarForm,
    colunas=(Coluna("Código", "complementar.codigo"),
             Coluna("Descrição", "complementar.descricao"), Coluna("Observação", "observacao")),
    linhas=_filhos("complementares", "complementar"),
    permissao_editar="produtos.add_produtocomplementar", vazio="Nenhum produto complementar.",
)  # fmt: skip
FATORES = Secao(
    "fatores", "Fatores de conversão",
    ajuda="1 unidade de origem = fator × unidade de destino. O múltiplo vale na unidade de origem.",
    modelo=m.FatorConversao, form_item=f.FatorForm,
    colunas=(Coluna("Unidade de origem", "unidade_origem.codigo"),
             Coluna("Fator", "fator", "quantidade"),
             Coluna("Unidade de destino", "unidade_destino.codigo"),
             Coluna("Múltiplo de venda", "multiplo_venda", "quantidade")),
    linhas=_filhos("fatores", "unidade_origem", "unidade_destino"),
    permissao_editar="produtos.add_fatorconversao", vazio="Nenhum fator de conversão.",
)  # fmt: skip
PRECOS = Secao(
    "precos", "Preços de lista",
    ajuda="Por tabela de preço ou por cliente. Um novo preço encerra o anterior na véspera.",
    modelo=m.PrecoLista, form_item=f.PrecoForm,
    colunas=(Coluna("Tabela", "tabela.descricao"), Coluna("Cliente", "cliente.nome"),
             Coluna("Preço", "preco", "moeda"), Coluna("Início", "inicio", "data"),
             Coluna("Fim", "fim", "data"), Coluna("Origem", "origem.descricao")),
    linhas=lambda user, produto: selectors.precos_listar(user=user, produto=produto),
    permissao_ver="produtos.view_precolista", permissao_editar="produtos.add_precolista",
    vazio="Nenhum preço de lista.",
)  # fmt: skip
CUSTOS = Secao(
    "custos", "Custos",
    ajuda="O custo vigente numa data é o último lançado até ela. Base das margens (MB/MC).",
    modelo=m.Custo, form_item=f.CustoForm,
    colunas=(Coluna("Vigente a partir de", "data", "data"), Coluna("Custo", "custo", "moeda"),
             Coluna("Observação", "observacao")),
    linhas=lambda user, produto: selectors.custos_listar(user=user, produto=produto),
    permissao_ver="produtos.ver_custos", permissao_editar="produtos.add_custo",
    vazio="Nenhum custo lançado.",
)  # fmt: skip
FISCAL = Secao("fiscal", "Dados fiscais", form_produto=f.DadosFiscaisForm)
LINHA = Secao("linha", "Linha, grupo e classificação", form_produto=f.LinhaForm)
PROMOCOES = Secao(
    "promocoes", "Promoções",
    modelo=m.Promocao, form_item=f.PromocaoForm,
    colunas=(Coluna("Descrição", "descricao"), Coluna("Tabela", "tabela.descricao"),
             Coluna("Início", "inicio", "data"), Coluna("Fim", "fim", "data"),
             Coluna("Preço promocional", "preco", "moeda"),
             Coluna("Desconto", "percentual_desconto", "percentual")),
    linhas=_filhos("promocoes", "tabela"), permissao_editar="produtos.add_promocao",
    vazio="Nenhuma promoção.",
)  # fmt: skip
ALCADA = Secao(
    "alcada",
    "Alçada",
    ajuda="Descontos neste produto exigem aprovação de quem tem ao menos este nível.",
    form_produto=f.AlcadaForm,
)
KIT = Secao(
    "kit", "Componentes do kit",
    ajuda="Ao vender o kit, baixam-se os componentes nas quantidades abaixo (por kit).",
    modelo=m.KitComponente, form_item=f.KitForm,
    colunas=(Coluna("Código", "componente.codigo"), Coluna("Componente", "componente.descricao"),
             Coluna("Quantidade", "quantidade", "quantidade"),
             Coluna("Unidade", "componente.unidade.codigo")),
    linhas=_filhos("componentes", "componente__unidade"),
    permissao_editar="produtos.add_kitcomponente", vazio="Este produto não é um kit.",
)  # fmt: skip
ESTOQUE = Secao(
    "estoque", "Estoque por armazém e unidade",
    modelo=m.Estoque, form_item=f.EstoqueForm,
    colunas=(Coluna("Armazém", "armazem.descricao"), Coluna("Unidade", "unidade.codigo"),
             Coluna("Quantidade", "quantidade", "quantidade"),
             Coluna("Reservado", "reservado", "quantidade"),
             Coluna("Disponível", "disponivel", "quantidade")),
    linhas=_filhos("estoques", "armazem", "unidade"), permissao_editar="produtos.add_estoque",
    vazio="Sem estoque em nenhum armazém.",
)  # fmt: skip
PROGRAMADO = Secao(
    "programado", "Estoque programado",
    ajuda="Entradas previstas (compras, produção): usadas pela regra de data de promessa.",
    modelo=m.EstoqueProgramado, form_item=f.EstoqueProgramadoForm,
    colunas=(Coluna("Armazém", "armazem.descricao"),
             Coluna("Data prevista", "data_prevista", "data"),
             Coluna("Quantidade", "quantidade", "quantidade"), Coluna("Documento", "documento")),
    linhas=_filhos("estoques_programados", "armazem"),
    permissao_editar="produtos.add_estoqueprogramado", vazio="Nenhuma entrada programada.",
)  # fmt: skip
ENTREGA = Secao("entrega", "Prazo de entrega e data de promessa", form_produto=f.EntregaForm)
LOTES = Secao(
    "lotes", "Lotes",
    modelo=m.Lote, form_item=f.LoteForm,
    colunas=(Coluna("Armazém", "armazem.descricao"), Coluna("Lote", "numero"),
             Coluna("Fabricação", "fabricacao", "data"), Coluna("Validade", "validade", "data"),
             Coluna("Quantidade", "quantidade", "quantidade")),
    linhas=_filhos("lotes", "armazem"), permissao_editar="produtos.add_lote",
    vazio="Nenhum lote.",
)  # fmt: skip
UNIDADES = Secao(
    "unidades",
    "Unidade, múltiplo de venda e pesos",
    ajuda="Unidades de venda além desta: veja a aba Fator de conversão.",
    form_produto=f.UnidadesForm,
)
COTAS = Secao(
    "cotas", "Cotas",
    ajuda="Quanto um representante e/ou um cliente pode comprar deste produto no período.",
    modelo=m.Cota, form_item=f.CotaForm,
    colunas=(Coluna("Representante", "representante"), Coluna("Cliente", "cliente.nome"),
             Coluna("Início", "inicio", "data"), Coluna("Fim", "fim", "data"),
             Coluna("Quantidade", "quantidade", "quantidade"),
             Coluna("Consumida", "consumida", "quantidade"),
             Coluna("Saldo", "saldo", "quantidade")),
    linhas=lambda user, produto: selectors.cotas_listar(user=user, produto=produto),
    permissao_editar="produtos.add_cota", vazio="Nenhuma cota.",
)  # fmt: skip
ANEXOS = Secao(
    "anexos", "Anexos",
    ajuda=(
        "PDF, imagens (PNG, JPG, WEBP), planilhas e documentos (XLSX, DOCX), TXT e CSV, "
        "até 10 MB."
    ),
    modelo=m.Anexo, form_item=f.AnexoForm,
    colunas=(Coluna("Arquivo", "arquivo", "arquivo"), Coluna("Descrição", "descricao"),
             Coluna("Enviado por", "enviado_por"), Coluna("Enviado em", "enviado_em", "data")),
    linhas=_filhos("anexos", "enviado_por"), permissao_editar="produtos.add_anexo",
    vazio="Nenhum anexo.",
)  # fmt: skip

ABAS: tuple[Aba, ...] = (
    Aba("produto", "Produto", template="produtos/partials/produto_aba_produto.html"),
    Aba("similares", "Similar", (SIMILAR,)),
    Aba("fatores", "Fator de conversão", (FATORES,)),
    Aba("precos", "Preço de lista", (PRECOS,), permissao="produtos.view_precolista"),
    Aba("custos", "Custos", (CUSTOS,), permissao="produtos.ver_custos"),
    Aba("fiscal", "Dados fiscais", (FISCAL,)),
    Aba("linha", "Linha", (LINHA,)),
    Aba("promocoes", "Promoção", (PROMOCOES,)),
    Aba("alcada", "Alçada", (ALCADA,)),
    Aba("kit", "Kit", (KIT,)),
    Aba("estoque", "Armazém", (ESTOQUE, PROGRAMADO, ENTREGA)),
    Aba("lotes", "Lotes", (LOTES,)),
    Aba("unidades", "Unidades", (UNIDADES,)),
    Aba("complementares", "Complementar", (COMPLEMENTAR,)),
    Aba("cotas", "Cotas", (COTAS,)),
    Aba("anexos", "Anexos", (ANEXOS,)),
    Aba("historico", "Histórico", template="produtos/partials/produto_aba_historico.html"),
)
ABAS_POR_SLUG = {a.slug: a for a in ABAS}
SECOES_POR_SLUG = {s.slug: (a, s) for a in ABAS for s in a.secoes}


def abas_visiveis(user: Usuario) -> list[Aba]:
    return [a for a in ABAS if a.pode_ver(user)]
