"""URLs das matrizes (`matrizes:<entidade>-<acao>`)."""

from django.urls import path

from matrizes import views

app_name = "matrizes"
urlpatterns = [
    path("", views.RegraListaView.as_view(), name="regra-lista"),
    path("exportar/", views.RegraListaView.as_view(exportar=True), name="regra-exportar"),
    path("nova/", views.regra_criar_view, name="regra-criar"),
    path("testar/", views.regra_testar_view, name="regra-testar"),
    path("opcoes/produtos/", views.produto_opcoes_view, name="produto-opcoes"),
    path("opcoes/clientes/", views.cliente_opcoes_view, name="cliente-opcoes"),
    path("<int:pk>/", views.regra_detalhe_view, name="regra-detalhe"),
    path("<int:pk>/editar/", views.regra_editar_view, name="regra-editar"),
    path("<int:pk>/copiar/", views.regra_copiar_view, name="regra-copiar"),
    path("<int:pk>/expirar/", views.regra_expirar_view, name="regra-expirar"),
]
