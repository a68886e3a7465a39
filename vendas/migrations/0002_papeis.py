"""Grant the order module's permissions to the roles created by contas/0002_papeis.

Reps enter orders and quotes; supervisors also approve (alçada); SAC only reads (a ticket may
link an order); administrators also maintain the auxiliary registries. Nobody deletes orders,
items, events or approval requests: an order is cancelled, an item cancelled with a reason.
"""

from django.db import migrations

from crm.migracoes import conceder_permissoes, revogar_permissoes

REGISTROS = [
    "tipopedido", "origempedido", "condicaopagamento", "transportadora", "tipofrete",
    "naturezaoperacao", "motivocancelamento",
]  # fmt: skip
LEITURA = [
    "view_pedido", "view_itempedido", "view_pedidoevento", "view_solicitacaoaprovacao",
    *[f"view_{m}" for m in REGISTROS],
]  # fmt: skip
DIGITACAO = [*LEITURA, "add_pedido", "change_pedido", "add_itempedido", "change_itempedido",
             "exportar_pedidos"]  # fmt: skip
MANUTENCAO = [*[f"add_{m}" for m in REGISTROS], *[f"change_{m}" for m in REGISTROS]]

PAPEIS = {
    "Representante": DIGITACAO,
    "Supervisor": [*DIGITACAO, "aprovar_pedido"],
    "Atendente SAC": LEITURA,
    "Administrador": [*DIGITACAO, "aprovar_pedido", *MANUTENCAO],
}


def conceder(apps, schema_editor):
    conceder_permissoes(apps, PAPEIS, app_label="vendas")


def revogar(apps, schema_editor):
    revogar_permissoes(apps, PAPEIS, app_label="vendas")


class Migration(migrations.Migration):
    dependencies = [
        ("vendas", "0001_initial"),
        ("contas", "0002_papeis"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(conceder, revogar)]
