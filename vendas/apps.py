from django.apps import AppConfig


class VendasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vendas"
    verbose_name = "Vendas (isoVendas)"
