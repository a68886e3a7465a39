"""Tables of isoVendas (django-tables2 over crm.tables.BaseTable)."""

from __future__ import annotations

import django_tables2 as tables

from crm.tables import BaseTable
from vendas.models import Pedido


class PedidoTable(BaseTable):
    numero = tables.TemplateColumn(
        template_name="vendas/tables/pedido_numero.html", verbose_name="Número",
        order_by=("numero",),
    )  # fmt: skip
    tipo = tables.Column(verbose_name="Documento", orderable=False)
    data = tables.DateColumn(verbose_name="Data", format="d/m/Y", order_by=("data",))
    cliente = tables.Column(verbose_name="Cliente", accessor="cliente__nome", orderable=False)
    representante = tables.Column(verbose_name="Representante", orderable=False)
    status = tables.TemplateColumn(
        template_name="vendas/tables/pedido_status.html", verbose_name="Situação",
        orderable=False,
    )  # fmt: skip
    v_nf = tables.TemplateColumn(
        template_name="vendas/tables/pedido_total.html", verbose_name="Total",
        order_by=("v_nf",), attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )  # fmt: skip

    class Meta(BaseTable.Meta):
        model = Pedido
        fields = ("numero", "tipo", "data", "cliente", "representante", "status", "v_nf")
        sequence = fields
        order_by = ("-numero",)
        empty_text = "Nenhum pedido encontrado."

    def render_tipo(self, record: Pedido) -> str:
        return record.get_tipo_display()


# --- opportunities ----------------------------------------------------------------------------

from vendas.models import Oportunidade  # noqa: E402

_NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class OportunidadeTable(BaseTable):
    titulo = tables.TemplateColumn(
        template_name="vendas/tables/oportunidade_titulo.html", verbose_name="Oportunidade",
        orderable=False,
    )  # fmt: skip
    cliente = tables.Column(verbose_name="Cliente", accessor="cliente__nome", orderable=False)
    representante = tables.Column(verbose_name="Representante", orderable=False)
    etapa = tables.TemplateColumn(
        template_name="vendas/tables/oportunidade_etapa.html", verbose_name="Etapa",
        orderable=False,
    )  # fmt: skip
    valor_estimado = tables.TemplateColumn(
        "{{ value|brl }}", verbose_name="Valor estimado",
        order_by=("valor_estimado",), attrs=_NUM,
    )  # fmt: skip
    probabilidade = tables.TemplateColumn(
        "{{ value|percentual:0 }}", verbose_name="Prob.", orderable=False,
        attrs=_NUM,
    )  # fmt: skip
    ponderado = tables.TemplateColumn(
        "{{ record.valor_ponderado|brl }}", verbose_name="Ponderado",
        orderable=False, attrs=_NUM,
    )  # fmt: skip
    previsao_fechamento = tables.DateColumn(
        verbose_name="Previsão", format="d/m/Y", order_by=("previsao_fechamento",)
    )
    criado_em = tables.DateColumn(verbose_name="Criada em", format="d/m/Y", order_by=("criado_em",))

    class Meta(BaseTable.Meta):
        model = Oportunidade
        fields = ("titulo", "cliente", "representante", "etapa", "valor_estimado",
                  "probabilidade", "ponderado", "previsao_fechamento", "criado_em")  # fmt: skip
        sequence = fields
        order_by = ("-criado_em",)
        empty_text = "Nenhuma oportunidade encontrada."


# --- contracts --------------------------------------------------------------------------------

from vendas.models import Contrato  # noqa: E402


class ContratoTable(BaseTable):
    numero = tables.TemplateColumn(
        template_name="vendas/tables/contrato_numero.html", verbose_name="Número",
        order_by=("numero",),
    )  # fmt: skip
    descricao = tables.Column(verbose_name="Descrição", orderable=False)
    cliente = tables.Column(verbose_name="Cliente", accessor="cliente__nome", orderable=False)
    representante = tables.Column(verbose_name="Representante", orderable=False)
    vigencia_inicio = tables.DateColumn(
        verbose_name="Início", format="d/m/Y", order_by=("vigencia_inicio",)
    )
    vigencia_fim = tables.DateColumn(verbose_name="Fim", format="d/m/Y", order_by=("vigencia_fim",))
    status = tables.TemplateColumn(
        template_name="vendas/tables/contrato_status.html", verbose_name="Situação",
        orderable=False,
    )  # fmt: skip
    valor_total = tables.TemplateColumn(
        template_name="vendas/tables/contrato_valor.html", verbose_name="Valor contratado",
        order_by=("valor_total",), attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )  # fmt: skip

    class Meta(BaseTable.Meta):
        model = Contrato
        fields = ("numero", "descricao", "cliente", "representante", "vigencia_inicio",
                  "vigencia_fim", "status", "valor_total")  # fmt: skip
        sequence = fields
        order_by = ("-numero",)
        empty_text = "Nenhum contrato encontrado."


# --- sales targets (metas) ---------------------------------------------------------------------

from vendas.models import MetaVenda  # noqa: E402


class MetaVendaTable(BaseTable):
    """`situacao` and `editavel` are annotations of the list view (MetaVendaListaView.anotar)."""

    indicador = tables.Column(verbose_name="Indicador", order_by=("indicador",))
    representante = tables.TemplateColumn(
        template_name="vendas/tables/meta_representante.html", verbose_name="Representante",
        orderable=False,
    )  # fmt: skip
    valor_meta = tables.TemplateColumn(
        template_name="vendas/tables/meta_valor.html", verbose_name="Meta",
        order_by=("valor_meta",), attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )  # fmt: skip
    periodo_inicio = tables.DateColumn(
        verbose_name="Início", format="d/m/Y", order_by=("periodo_inicio",)
    )
    periodo_fim = tables.DateColumn(verbose_name="Fim", format="d/m/Y", order_by=("periodo_fim",))
    situacao = tables.TemplateColumn(
        template_name="vendas/tables/meta_situacao.html", verbose_name="Situação",
        orderable=False,
    )  # fmt: skip
    acoes = tables.TemplateColumn(
        template_name="vendas/tables/meta_acoes.html", verbose_name="Ações", orderable=False,
    )  # fmt: skip

    class Meta(BaseTable.Meta):
        model = MetaVenda
        fields = ("indicador", "representante", "valor_meta", "periodo_inicio", "periodo_fim",
                  "situacao", "acoes")  # fmt: skip
        sequence = fields
        order_by = ("-periodo_inicio",)
        empty_text = "Nenhuma meta encontrada."
