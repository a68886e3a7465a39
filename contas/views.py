from django.contrib.auth import views as auth_views

from contas.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "contas/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
