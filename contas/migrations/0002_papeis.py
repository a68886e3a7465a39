"""Roles as groups, with the permissions of each screen (SetaERP: permission per screen).

Later apps add their own data migrations granting their permissions to these groups.
"""

from django.db import migrations

PAPEIS = {
    "Representante": [
        "cadastro.view_cliente",
        "cadastro.add_cliente",
        "cadastro.change_cliente",
        "cadastro.exportar_clientes",
        "cadastro.view_carteira",
    ],
    "Supervisor": [
        "cadastro.view_cliente",
        "cadastro.add_cliente",
        "cadastro.change_cliente",
        "cadastro.exportar_clientes",
        "cadastro.ver_clientes_sem_carteira",
        "cadastro.ver_indicadores_cadastro",
        "cadastro.view_carteira",
    ],
    "Atendente SAC": [
        "cadastro.view_cliente",
        "cadastro.change_cliente",
        "cadastro.ver_clientes_com_carteira",
        "cadastro.view_carteira",
    ],
    "Administrador": [
        "cadastro.view_cliente",
        "cadastro.add_cliente",
        "cadastro.change_cliente",
        "cadastro.exportar_clientes",
        "cadastro.ver_todos_clientes",
        "cadastro.ver_todas_carteiras",
        "cadastro.ver_indicadores_cadastro",
        "cadastro.importar_clientes",
        "cadastro.view_carteira",
        "cadastro.add_carteira",
        "cadastro.change_carteira",
        "cadastro.add_metaindicador",
        "cadastro.change_metaindicador",
        "cadastro.view_metaindicador",
        "contas.view_usuario",
        "contas.add_usuario",
        "contas.change_usuario",
        "contas.view_empresa",
        "contas.change_empresa",
        "contas.view_parametro",
        "contas.add_parametro",
        "contas.change_parametro",
    ],
}


def criar_papeis(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; create them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for nome, codigos in PAPEIS.items():
        grupo, _ = Group.objects.get_or_create(name=nome)
        for codigo in codigos:
            app_label, codename = codigo.split(".")
            grupo.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remover_papeis(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=PAPEIS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contas", "0001_initial"),
        ("cadastro", "0003_busca"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(criar_papeis, remover_papeis)]
