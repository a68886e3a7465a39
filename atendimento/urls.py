from django.urls import path

from atendimento import views

app_name = "atendimento"

urlpatterns = [
    path(
        "",
        views.ChamadoListaView.as_view(url_exportar="atendimento:chamado-exportar"),
        name="chamado-lista",
    ),
    path("exportar/", views.ChamadoListaView.as_view(exportar=True), name="chamado-exportar"),
    path("novo/", views.chamado_novo, name="chamado-novo"),
    path("novo/cliente/", views.chamado_cliente, name="chamado-cliente"),
    path("novo/produto/", views.chamado_produto, name="chamado-produto"),
    path("novo/motivos/", views.chamado_motivos, name="chamado-motivos"),
    path("<int:pk>/", views.chamado_detalhe, name="chamado-detalhe"),
    path("<int:pk>/iniciar/", views.chamado_iniciar, name="chamado-iniciar"),
    path("<int:pk>/comentar/", views.chamado_comentar_view, name="chamado-comentar"),
    path("<int:pk>/tarefas/", views.chamado_tarefa_adicionar_view, name="chamado-tarefa-adicionar"),
    path(
        "<int:pk>/tarefas/<int:tarefa>/concluir/",
        views.chamado_tarefa_concluir_view,
        name="chamado-tarefa-concluir",
    ),
    path("<int:pk>/encerrar/", views.chamado_encerrar_view, name="chamado-encerrar"),
    path("<int:pk>/cancelar/", views.chamado_cancelar_view, name="chamado-cancelar"),
    path("<int:pk>/reabrir/", views.chamado_reabrir_view, name="chamado-reabrir"),
]
