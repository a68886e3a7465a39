"""Grant the receivables (títulos a receber) to the roles.

SPEC: a rep "sees their clients' … receivables" and a SAC ticket "shows the client's
receivables", so every role reads them (always through the client's visibility) and exports
what it sees; only administrators import them from the ERP's spreadsheet. Nobody edits them
on screen: the ERP is their source.
"""

from django.db import migrations

from crm.migracoes import conceder_permissoes, revogar_permissoes

LEITURA = ["view_tituloreceber", "exportar_titulos"]

PAPEIS = {
    "Representante": LEITURA,
    "Supervisor": LEITURA,
    "Atendente SAC": LEITURA,
    "Administrador": [*LEITURA, "importar_titulos"],
}


def conceder(apps, schema_editor):
    conceder_permissoes(apps, PAPEIS, app_label="cadastro")


def revogar(apps, schema_editor):
    revogar_permissoes(apps, PAPEIS, app_label="cadastro")


class Migration(migrations.Migration):
    dependencies = [
        ("cadastro", "0009_titulos_receber"),
        ("contas", "0002_papeis"),
    ]

    operations = [migrations.RunPython(conceder, revogar)]
