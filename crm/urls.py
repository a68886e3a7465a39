from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from crm import views

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("busca/", views.busca_global, name="busca"),
    path("contas/", include("contas.urls")),
    path("clientes/", include("cadastro.urls")),
    path("importacoes/", include("importacoes.urls")),
    path("produtos/", include("produtos.urls")),
    path("matrizes/", include("matrizes.urls")),
    path("vendas/", include("vendas.urls")),
    path("atendimento/", include("atendimento.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("img/logo.svg"), permanent=True)),
]
admin.site.site_header = "CRM – Administração"
admin.site.site_title = "CRM"
admin.site.index_title = "Cadastros auxiliares e configuração"
