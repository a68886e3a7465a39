"""Grant the catalogue's permissions to the roles created by contas/0002_papeis.

Everybody views products and prices; Supervisor and Administrador maintain them. Costs are the
exception: `view_custo` and `ver_custos` go only to Supervisor and Administrador (reps never see
costs or margins).
"""

from django.db import migrations

from crm.migracoes import conceder_permissoes, revogar_permissoes

MODELOS = [
    "unidade", "linhaproduto", "grupoproduto", "marca", "modelo", "classificacaoproduto",
    "tipoproduto", "especieproduto", "produto", "eventoproduto", "produtosimilar",
    "produtocomplementar", "kitcomponente", "fatorconversao", "precolista", "custo", "promocao",
    "estoque", "lote", "estoqueprogramado", "cota", "anexo",
]  # fmt: skip
SEM_CUSTO = [m for m in MODELOS if m != "custo"]
# Products are inactivated or blocked, never deleted (orders point at them); events are
# append-only.
SEM_EXCLUSAO = {"produto", "eventoproduto"}

LEITURA = [f"view_{m}" for m in SEM_CUSTO]
MANUTENCAO = (
    [f"view_{m}" for m in MODELOS]
    + [f"add_{m}" for m in MODELOS if m != "eventoproduto"]
    + [f"change_{m}" for m in MODELOS if m != "eventoproduto"]
    + [f"delete_{m}" for m in MODELOS if m not in SEM_EXCLUSAO]
    + ["ver_custos", "exportar_produtos", "importar_precos"]
)

PAPEIS = {
    "Representante": [*LEITURA, "exportar_produtos"],
    "Atendente SAC": LEITURA,
    "Supervisor": MANUTENCAO,
    "Administrador": MANUTENCAO,
}


def conceder(apps, schema_editor):
    conceder_permissoes(apps, PAPEIS, app_label="produtos")


def revogar(apps, schema_editor):
    revogar_permissoes(apps, PAPEIS, app_label="produtos")


class Migration(migrations.Migration):
    dependencies = [
        ("produtos", "0002_busca"),
        ("contas", "0002_papeis"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(conceder, revogar)]
