from django.apps import AppConfig


class CadastroConfig(AppConfig):
    name = "cadastro"
    verbose_name = "isoCadastro"
