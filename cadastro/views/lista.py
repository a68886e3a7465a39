"""Client list (filters, sort, keyset pagination) and its Excel export.

Both routes are the same view (`crm.listas.ListaBaseView`), so the export carries exactly the
screen's visibility, filters and ordering.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.urls import NoReverseMatch, URLPattern, path, reverse

from cadastro.constants import TipoContatoEletronico
from cadastro.filters import ClienteFilter
from cadastro.models import Cliente, ContatoEletronico, Endereco, Telefone
from cadastro.tables import ClienteTable
from crm.documentos import formatar_documento, formatar_fone
from crm.listas import ListaBaseView
from crm.xlsx import Coluna


def _endereco_principal() -> QuerySet[Endereco]:
    # "Main address" is the one flagged principal — the same rule as the UF/cidade filters.
    return Endereco.objects.filter(cliente=OuterRef("pk"), principal=True).order_by("id")


def _telefone_principal() -> Subquery:
    fone = (
        Telefone.objects.filter(cliente=OuterRef("pk"))
        .order_by("-principal", "id")
        .annotate(completo=Concat("ddd", "numero", output_field=CharField()))
        .values("completo")[:1]
    )
    return Subquery(fone, output_field=CharField())


def _cidade_uf() -> Subquery:
    cidade = _endereco_principal().annotate(
        texto=Concat(
            Coalesce("municipio__nome", Value("")), Value("/"), "uf", output_field=CharField()
        )
    )
    return Subquery(cidade.values("texto")[:1], output_field=CharField())


class ClienteListaView(ListaBaseView):
    table_class = ClienteTable
    filterset_class = ClienteFilter
    model = Cliente
    permission_required = "cadastro.view_cliente"
    permissao_exportar = "cadastro.exportar_clientes"
    template_name = "cadastro/cliente_lista.html"
    template_parcial = "cadastro/partials/cliente_tabela.html"
    nome_exportacao = "clientes"
    url_exportar = "cadastro:cliente-exportar"
    rotulo_singular = "cliente"
    rotulo_plural = "clientes"
    ordem_padrao = "nome"

    def get_queryset(self) -> QuerySet[Cliente]:
        return Cliente.objects.visiveis_para(self.request.user)  # type: ignore[arg-type]

    def anotar(self, qs: QuerySet[Cliente]) -> QuerySet[Cliente]:
        return qs.select_related("status", "carteira").annotate(
            cidade_uf=_cidade_uf(), telefone_principal=_telefone_principal()
        )

    def anotar_exportacao(self, qs: QuerySet[Cliente]) -> QuerySet[Cliente]:
        email = (
            ContatoEletronico.objects.filter(
                cliente=OuterRef("pk"), tipo=TipoContatoEletronico.EMAIL
            )
            .order_by("-principal", "id")
            .values("valor")[:1]
        )
        principal = _endereco_principal()
        return qs.select_related(
            "status", "carteira", "tipo_cliente", "situacao_scpc", "representante"
        ).annotate(
            cidade=Subquery(principal.values("municipio__nome")[:1]),
            uf_principal=Subquery(principal.values("uf")[:1]),
            telefone_principal=_telefone_principal(),
            email_principal=Subquery(email),
        )

    def colunas_exportacao(self) -> Sequence[Coluna]:
        return [
            Coluna("Código", "inteiro"),
            Coluna("Nome / razão social", "texto", 40),
            Coluna("Nome fantasia", "texto"),
            Coluna("CPF/CNPJ", "texto", 20),
            Coluna("Pessoa", "texto", 16),
            Coluna("Tipo de cliente", "texto"),
            Coluna("Status", "texto", 14),
            Coluna("Situação SCPC", "texto", 18),
            Coluna("Carteira", "texto"),
            Coluna("Representante", "texto"),
            Coluna("Cidade", "texto", 24),
            Coluna("UF", "texto", 6),
            Coluna("Telefone", "texto", 17),
            Coluna("E-mail", "texto"),
            Coluna("Limite de crédito", "moeda"),
            Coluna("Nascimento / fundação", "data"),
            Coluna("Criado em", "datahora"),
        ]

    def linha_exportacao(self, c: Any) -> Sequence[Any]:
        return (
            c.pk,
            c.nome,
            c.nome_fantasia,
            formatar_documento(c.documento),
            c.get_tipo_pessoa_display(),
            c.tipo_cliente.descricao,
            c.status.descricao,
            c.situacao_scpc.descricao if c.situacao_scpc_id else None,
            c.carteira.nome if c.carteira_id else None,
            str(c.representante) if c.representante_id else None,
            c.cidade,
            c.uf_principal,
            formatar_fone(c.telefone_principal) if c.telefone_principal else None,
            c.email_principal,
            c.limite_credito,
            c.data_nascimento,
            c.criado_em,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexto = super().get_context_data(**kwargs)
        url_criar = None
        if self.request.user.has_perm("cadastro.add_cliente"):
            try:
                url_criar = reverse("cadastro:cliente-criar")
            except NoReverseMatch:  # the create screen is another module's; may not be deployed
                url_criar = None
        contexto["url_criar"] = url_criar
        return contexto


rotas: list[URLPattern] = [
    path("", ClienteListaView.as_view(), name="cliente-lista"),
    path("exportar/", ClienteListaView.as_view(exportar=True), name="cliente-exportar"),
]
