from django.apps import AppConfig


class ProdutosConfig(AppConfig):
    name = "produtos"
    verbose_name = "Produtos"
