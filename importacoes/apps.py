from django.apps import AppConfig


class ImportacoesConfig(AppConfig):
    name = "importacoes"
    verbose_name = "Importações"
