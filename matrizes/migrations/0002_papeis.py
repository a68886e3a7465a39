"""Grant the matrices' permissions to the roles created by contas/0002_papeis.

Only Supervisor and Administrador see and maintain the matrices (SPEC: "the rules supervisors
maintain"). Representante and Atendente SAC get nothing here: the screens answer 403. Rules are
never deleted (orders point at them through their dates), so nobody gets `delete_regra`;
events are append-only, so only `view_eventoregra`.
"""

from django.db import migrations

MANUTENCAO = ["view_regra", "add_regra", "change_regra", "view_eventoregra"]
PAPEIS = {"Supervisor": MANUTENCAO, "Administrador": MANUTENCAO}


def conceder(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for nome, codigos in PAPEIS.items():
        grupo = Group.objects.get(name=nome)
        grupo.permissions.add(
            *Permission.objects.filter(content_type__app_label="matrizes", codename__in=codigos)
        )


def revogar(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for nome, codigos in PAPEIS.items():
        grupo = Group.objects.filter(name=nome).first()
        if grupo:
            grupo.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="matrizes", codename__in=codigos
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("matrizes", "0001_initial"),
        ("contas", "0002_papeis"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(conceder, revogar)]
