from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from contas import views

app_name = "contas"
urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("sair/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "senha/alterar/",
        auth_views.PasswordChangeView.as_view(
            template_name="contas/senha_alterar.html",
            success_url=reverse_lazy("contas:senha-alterada"),
        ),
        name="senha-alterar",
    ),
    path(
        "senha/alterada/",
        auth_views.PasswordChangeDoneView.as_view(template_name="contas/senha_alterada.html"),
        name="senha-alterada",
    ),
    path(
        "senha/recuperar/",
        auth_views.PasswordResetView.as_view(
            template_name="contas/senha_recuperar.html",
            email_template_name="contas/email_senha_recuperar.txt",
            subject_template_name="contas/email_senha_recuperar_assunto.txt",
            success_url=reverse_lazy("contas:senha-recuperar-enviado"),
        ),
        name="senha-recuperar",
    ),
    path(
        "senha/recuperar/enviado/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="contas/senha_recuperar_enviado.html"
        ),
        name="senha-recuperar-enviado",
    ),
    path(
        "senha/redefinir/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="contas/senha_redefinir.html",
            success_url=reverse_lazy("contas:senha-redefinida"),
        ),
        name="senha-redefinir",
    ),
    path(
        "senha/redefinida/",
        auth_views.PasswordResetCompleteView.as_view(template_name="contas/senha_redefinida.html"),
        name="senha-redefinida",
    ),
]
