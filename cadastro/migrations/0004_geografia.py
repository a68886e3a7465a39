"""Data migration: IBGE municipalities (all of them), CEP ranges and sample CEPs.

Schema and data migrations are kept separate; this one only loads the shipped CSVs.
"""

from django.db import migrations


def carregar(apps, schema_editor):
    from cadastro.geografia import carregar_geografia

    carregar_geografia(apps)


def descarregar(apps, schema_editor):
    for nome in ("Cep", "FaixaCep", "Municipio"):
        apps.get_model("cadastro", nome).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cadastro", "0003_busca")]

    operations = [migrations.RunPython(carregar, descarregar)]
