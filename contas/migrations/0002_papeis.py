"""Roles as groups, with the permissions of each screen (SetaERP: permission per screen).

Later apps add their own data migrations granting their permissions to these groups.
"""

from django.db import migrations

from crm.migracoes import conceder_permissoes

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
    conceder_permissoes(apps, PAPEIS, criar_grupos=True)


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
