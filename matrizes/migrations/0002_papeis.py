"""Grant the matrices' permissions to the roles created by contas/0002_papeis.

Only Supervisor and Administrador see and maintain the matrices (SPEC: "the rules supervisors
maintain"). Representante and Atendente SAC get nothing here: the screens answer 403. Rules are
never deleted (orders point at them through their dates), so nobody gets `delete_regra`;
events are append-only, so only `view_eventoregra`.
"""

from django.db import migrations

from crm.migracoes import conceder_permissoes, revogar_permissoes

MANUTENCAO = ["view_regra", "add_regra", "change_regra", "view_eventoregra"]
PAPEIS = {"Supervisor": MANUTENCAO, "Administrador": MANUTENCAO}


def conceder(apps, schema_editor):
    conceder_permissoes(apps, PAPEIS, app_label="matrizes")


def revogar(apps, schema_editor):
    revogar_permissoes(apps, PAPEIS, app_label="matrizes")


class Migration(migrations.Migration):
    dependencies = [
        ("matrizes", "0001_initial"),
        ("contas", "0002_papeis"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(conceder, revogar)]
