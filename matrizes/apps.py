from django.apps import AppConfig


class MatrizesConfig(AppConfig):
    name = "matrizes"
    verbose_name = "Matrizes de regras"
