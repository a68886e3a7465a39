"""importacoes URLs (names are a contract: other screens link to them)."""

from django.urls import path

from importacoes import views

app_name = "importacoes"
urlpatterns = [
    path("", views.ImportacaoListaView.as_view(), name="importacao-lista"),
    path("exportar/", views.ImportacaoListaView.as_view(exportar=True), name="importacao-exportar"),
    path("nova/", views.importacao_criar_view, name="importacao-criar"),
    path("modelo/<slug:tipo>/", views.importacao_modelo_view, name="importacao-modelo"),
    path("<int:pk>/", views.importacao_detalhe_view, name="importacao-detalhe"),
    path("<int:pk>/progresso/", views.importacao_progresso_view, name="importacao-progresso"),
    path("<int:pk>/erros/", views.importacao_erros_view, name="importacao-erros"),
]
