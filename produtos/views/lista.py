"""Product list (filters, sort, keyset pagination), its Excel export and the autocomplete.

List and export are the same view (`crm.listas.ListaBaseView`), so the file has exactly the
screen's rows. Cost and margin columns exist only for `produtos.ver_custos`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.views.decorators.http import require_GET

from crm.listas import ListaBaseView
from crm.xlsx import Coluna
from produtos.filters import ProdutoFilter
from produtos.models import Produto
from produtos.selectors import (
    hoje,
    pode_ver_custos,
    produto_buscar,
    produto_listar,
    subquery_custo_atual,
    subquery_estoque_total,
    subquery_preco_vigente,
)
from produtos.tables import ProdutoTable, ProdutoTableSemCusto


class ProdutoListaView(ListaBaseView):
    table_class = ProdutoTable
    filterset_class = ProdutoFilter
    model = Produto
    permission_required = "produtos.view_produto"
    permissao_exportar = "produtos.exportar_produtos"
    template_name = "produtos/produto_lista.html"
    template_parcial = "produtos/partials/produto_tabela.html"
    nome_exportacao = "produtos"
    url_exportar = "produtos:produto-exportar"
    rotulo_singular = "produto"
    rotulo_plural = "produtos"
    ordem_padrao = "descricao"

    def get_queryset(self) -> QuerySet[Produto]:
        return produto_listar(user=self.request.user)  # type: ignore[arg-type]

    def custos_visiveis(self) -> bool:
        return pode_ver_custos(self.request.user)  # type: ignore[arg-type]

    def anotar(self, qs: QuerySet[Produto]) -> QuerySet[Produto]:
        data = hoje()
        anotacoes: dict[str, Any] = {
            "preco_vigente": subquery_preco_vigente(self.filterset.tabela_escolhida(), data),
            "estoque_total": subquery_estoque_total(),
        }
        if self.custos_visiveis():
            anotacoes["custo_atual"] = subquery_custo_atual(data)
        return qs.select_related("unidade", "marca").annotate(**anotacoes)

    def anotar_exportacao(self, qs: QuerySet[Produto]) -> QuerySet[Produto]:
        return self.anotar(qs).select_related(
            "linha", "grupo", "tipo", "categoria_fiscal", "modelo", "classificacao"
        )

    def get_table_class(self) -> type[ProdutoTable]:
        return ProdutoTable if self.custos_visiveis() else ProdutoTableSemCusto

    def colunas_exportacao(self) -> Sequence[Coluna]:
        colunas = [
            Coluna("Código", "texto", 14),
            Coluna("Descrição", "texto", 50),
            Coluna("EAN", "texto", 16),
            Coluna("Unidade", "texto", 8),
            Coluna("Linha", "texto", 18),
            Coluna("Grupo", "texto", 18),
            Coluna("Marca", "texto", 16),
            Coluna("Tipo", "texto", 16),
            Coluna("NCM", "texto", 10),
            Coluna("Origem", "texto", 8),
            Coluna("CEST", "texto", 9),
            Coluna("Categoria fiscal", "texto", 20),
            Coluna("Peso bruto (kg)", "decimal"),
            Coluna("Múltiplo de venda", "decimal"),
            Coluna("Prazo de entrega (dias)", "inteiro"),
            Coluna("Nível de alçada", "inteiro"),
            Coluna("Preço", "moeda"),
            Coluna("Estoque disponível", "decimal"),
            Coluna("Ativo", "booleano"),
            Coluna("Bloqueado", "booleano"),
            Coluna("Motivo do bloqueio", "texto"),
        ]
        if self.custos_visiveis():
            colunas += [Coluna("Custo", "moeda"), Coluna("Margem", "percentual")]
        return colunas

    def linha_exportacao(self, p: Any) -> Sequence[Any]:
        linha = [
            p.codigo,
            p.descricao,
            p.ean or None,
            p.unidade.codigo,
            p.linha.descricao if p.linha_id else None,
            p.grupo.descricao if p.grupo_id else None,
            p.marca.descricao if p.marca_id else None,
            p.tipo.descricao if p.tipo_id else None,
            p.ncm,
            p.origem,
            p.cest or None,
            p.categoria_fiscal.descricao if p.categoria_fiscal_id else None,
            p.peso_bruto,
            p.multiplo_venda,
            p.prazo_entrega_dias,
            p.nivel_alcada,
            p.preco_vigente,
            p.estoque_total,
            p.ativo,
            p.bloqueado,
            p.motivo_bloqueio or None,
        ]
        if self.custos_visiveis():
            margem = None
            if p.preco_vigente and p.custo_atual is not None:
                margem = ((p.preco_vigente - p.custo_atual) / p.preco_vigente).quantize(
                    Decimal("0.0001")
                )
            linha += [p.custo_atual, margem]
        return linha

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        user = self.request.user
        contexto["pode_criar"] = user.has_perm("produtos.add_produto")
        contexto["pode_importar"] = user.has_perm("produtos.importar_precos")
        try:
            contexto["url_importar_precos"] = (
                reverse("importacoes:importacao-criar") + "?tipo=precos"
            )
            contexto["url_modelo_precos"] = reverse(
                "importacoes:importacao-modelo", args=["precos"]
            )
        except NoReverseMatch:  # the import screens are another module's
            contexto["url_importar_precos"] = contexto["url_modelo_precos"] = None
        return contexto


@login_required
@permission_required("produtos.view_produto", raise_exception=True)
@require_GET
def produto_autocomplete(request: HttpRequest) -> HttpResponse:
    """`<option>`s for a `<datalist>` (or any htmx target): code as value, description as label.

    For the order screen: `?vendaveis=1` leaves out inactive and blocked products.
    """
    # `q`, or the value of the input that triggered the request (htmx sends it by its name).
    termo: str = request.GET.get("q") or next(
        (str(v) for k, v in request.GET.items() if k not in ("q", "vendaveis") and v), ""
    )
    produtos = produto_buscar(
        user=request.user,  # type: ignore[arg-type]
        termo=termo,
        so_vendaveis=request.GET.get("vendaveis") == "1",
    )
    resposta = render(
        request,
        "produtos/partials/produto_opcoes.html",
        {"produtos": produtos, "termo": termo},
    )
    resposta["Cache-Control"] = "private, max-age=30"
    return resposta


rotas: list[URLPattern] = [
    path("", ProdutoListaView.as_view(), name="produto-lista"),
    path("exportar/", ProdutoListaView.as_view(exportar=True), name="produto-exportar"),
    path("autocompletar/", produto_autocomplete, name="produto-autocompletar"),
]
