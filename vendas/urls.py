from django.urls import path

from vendas import views

app_name = "vendas"
urlpatterns = [
    path(
        "",
        views.PedidoListaView.as_view(url_exportar="vendas:pedido-exportar"),
        name="pedido-lista",
    ),
    path("exportar/", views.PedidoListaView.as_view(exportar=True), name="pedido-exportar"),
    path("novo/", views.pedido_novo, name="pedido-novo"),
    path("clientes/", views.cliente_buscar, name="cliente-buscar"),
    path("aprovacoes/", views.aprovacao_fila, name="aprovacao-fila"),
    path("aprovacoes/<int:pk>/", views.aprovacao_decidir, name="aprovacao-decidir"),
    path("recalculos/", views.recalculo_novo, name="recalculo-novo"),
    path("recalculos/<int:pk>/", views.recalculo_detalhe, name="recalculo-detalhe"),
    path("<int:pk>/", views.pedido_detalhe, name="pedido-detalhe"),
    path("<int:pk>/historico/", views.pedido_historico_view, name="pedido-historico"),
    path("<int:pk>/produtos/", views.produto_buscar, name="produto-buscar"),
    path("<int:pk>/itens/", views.item_adicionar_view, name="item-adicionar"),
    path("<int:pk>/itens/<int:item>/", views.item_alterar_view, name="item-alterar"),
    path("<int:pk>/itens/<int:item>/cancelar/", views.item_cancelar_view, name="item-cancelar"),
    path("<int:pk>/cabecalho/", views.cabecalho_alterar_view, name="cabecalho-alterar"),
    path("<int:pk>/enviar/", views.pedido_enviar_view, name="pedido-enviar"),
    path("<int:pk>/retirar/", views.pedido_retirar_view, name="pedido-retirar"),
    path("<int:pk>/cancelar/", views.pedido_cancelar_view, name="pedido-cancelar"),
    path("<int:pk>/documentos/", views.documento_gerar_view, name="documento-gerar"),
    path(
        "<int:pk>/documentos/<int:documento>/",
        views.documento_progresso,
        name="documento-progresso",
    ),
    path(
        "<int:pk>/documentos/<int:documento>/baixar/",
        views.documento_baixar,
        name="documento-baixar",
    ),
    path("<int:pk>/email/", views.pedido_email_view, name="pedido-email"),
    path("<int:pk>/copiar/", views.pedido_copiar_view, name="pedido-copiar"),
    path("<int:pk>/copia/conferir/", views.copia_conferir_view, name="copia-conferir"),
    # --- catalogue of the order screen: search, favourites, promotions, quotes, batch ---
    path("<int:pk>/catalogo/produtos/", views.catalogo_buscar, name="catalogo-buscar"),
    path("<int:pk>/catalogo/sugestoes/", views.sugestoes_view, name="catalogo-sugestoes"),
    path("<int:pk>/catalogo/<slug:painel>/", views.catalogo_painel, name="catalogo-painel"),
    path(
        "<int:pk>/favoritos/<int:produto>/",
        views.favorito_alternar_view,
        name="favorito-alternar",
    ),
    path("<int:pk>/itens/<int:item>/info/", views.item_info_view, name="catalogo-item-info"),
    path("<int:pk>/itens/lote/", views.itens_lote_view, name="itens-lote"),
    path("<int:pk>/itens/colar/", views.itens_colar_view, name="itens-colar"),
    # --- items: date scheduling, lots; attachments; quote conversion; screen mode ---
    path("modo/", views.pedido_modo_view, name="pedido-modo"),
    path("<int:pk>/programacao/", views.programacao_painel, name="programacao-painel"),
    path(
        "<int:pk>/itens/<int:item>/programacao/",
        views.programacao_item,
        name="programacao-item",
    ),
    path("<int:pk>/itens/<int:item>/lotes/", views.item_lotes, name="item-lotes"),
    path("<int:pk>/anexos/", views.anexo_incluir_view, name="anexo-incluir"),
    path("<int:pk>/anexos/<int:anexo>/", views.anexo_baixar, name="anexo-baixar"),
    path("<int:pk>/anexos/<int:anexo>/remover/", views.anexo_remover_view, name="anexo-remover"),
    path("<int:pk>/converter/", views.orcamento_converter_view, name="orcamento-converter"),
    # --- opportunities (sales funnel) and sales indicators ---
    path(
        "oportunidades/",
        views.OportunidadeListaView.as_view(url_exportar="vendas:oportunidade-exportar"),
        name="oportunidade-lista",
    ),
    path(
        "oportunidades/exportar/",
        views.OportunidadeListaView.as_view(exportar=True),
        name="oportunidade-exportar",
    ),
    path("oportunidades/funil/", views.oportunidade_funil, name="oportunidade-funil"),
    path("oportunidades/nova/", views.oportunidade_nova, name="oportunidade-nova"),
    path("oportunidades/<int:pk>/", views.oportunidade_detalhe, name="oportunidade-detalhe"),
    path("oportunidades/<int:pk>/editar/", views.oportunidade_editar, name="oportunidade-editar"),
    path("oportunidades/<int:pk>/mover/", views.oportunidade_mover, name="oportunidade-mover"),
    path(
        "oportunidades/<int:pk>/reabrir/",
        views.oportunidade_reabrir_view,
        name="oportunidade-reabrir",
    ),
    path(
        "oportunidades/<int:pk>/orcamento/",
        views.oportunidade_orcamento,
        name="oportunidade-orcamento",
    ),
    path("indicadores/", views.indicadores_vendas, name="indicadores"),
    path(
        "indicadores/exportar/",
        views.indicadores_vendas_exportar,
        name="indicadores-exportar",
    ),
    # --- sales targets ---
    path(
        "indicadores/metas/",
        views.MetaVendaListaView.as_view(url_exportar="vendas:meta-exportar"),
        name="meta-lista",
    ),
    path(
        "indicadores/metas/exportar/",
        views.MetaVendaListaView.as_view(exportar=True),
        name="meta-exportar",
    ),
    path("indicadores/metas/nova/", views.meta_nova, name="meta-nova"),
    path("indicadores/metas/<int:pk>/", views.meta_editar, name="meta-editar"),
    path("indicadores/metas/<int:pk>/excluir/", views.meta_excluir, name="meta-excluir"),
    # --- contracts ---
    path(
        "contratos/",
        views.ContratoListaView.as_view(url_exportar="vendas:contrato-exportar"),
        name="contrato-lista",
    ),
    path(
        "contratos/exportar/",
        views.ContratoListaView.as_view(exportar=True),
        name="contrato-exportar",
    ),
    path("contratos/novo/", views.contrato_novo, name="contrato-novo"),
    path("contratos/clientes/", views.contrato_cliente_buscar, name="contrato-cliente-buscar"),
    path("contratos/<int:pk>/", views.contrato_detalhe, name="contrato-detalhe"),
    path("contratos/<int:pk>/editar/", views.contrato_editar, name="contrato-editar"),
    path("contratos/<int:pk>/situacao/", views.contrato_status_view, name="contrato-status"),
    path(
        "contratos/<int:pk>/produtos/",
        views.contrato_produto_buscar,
        name="contrato-produto-buscar",
    ),
    path(
        "contratos/<int:pk>/itens/",
        views.item_contrato_adicionar_view,
        name="contrato-item-adicionar",
    ),
    path(
        "contratos/<int:pk>/itens/<int:item>/",
        views.item_contrato_alterar_view,
        name="contrato-item-alterar",
    ),
    path(
        "contratos/<int:pk>/itens/<int:item>/remover/",
        views.item_contrato_remover_view,
        name="contrato-item-remover",
    ),
    path(
        "contratos/<int:pk>/programacoes/",
        views.programacao_contrato_incluir_view,
        name="contrato-programacao-incluir",
    ),
    path(
        "contratos/<int:pk>/programacoes/<int:item>/cancelar/",
        views.programacao_contrato_cancelar_view,
        name="contrato-programacao-cancelar",
    ),
    path(
        "contratos/<int:pk>/gerar-pedido/",
        views.contrato_gerar_pedido_view,
        name="contrato-gerar-pedido",
    ),
    path(
        "contratos/<int:pk>/entregas/",
        views.entrega_contrato_incluir_view,
        name="contrato-entrega-incluir",
    ),
    path(
        "contratos/<int:pk>/entregas/<int:item>/remover/",
        views.entrega_contrato_remover_view,
        name="contrato-entrega-remover",
    ),
    path(
        "contratos/<int:pk>/contatos/",
        views.contato_contrato_incluir_view,
        name="contrato-contato-incluir",
    ),
    path(
        "contratos/<int:pk>/contatos/<int:item>/",
        views.contato_contrato_alterar_view,
        name="contrato-contato-alterar",
    ),
    path(
        "contratos/<int:pk>/contatos/<int:item>/remover/",
        views.contato_contrato_remover_view,
        name="contrato-contato-remover",
    ),
]
