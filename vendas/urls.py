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
]
