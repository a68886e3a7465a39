"""Grant contracts, opportunities, attachments, favourites and sales targets to the roles.

Reps and supervisors keep their clients' contracts and opportunities and attach files to
orders; every user keeps their own favourite products. Supervisors and administrators set the
sales targets; administrators maintain the new registries (modalities, scheduling types, funnel
stages, loss reasons). SAC reads. Nothing is deleted except a rep's own favourite, an item
line of a contract still in elaboration and an attachment (the services check who may).
"""

from django.db import migrations

from crm.migracoes import conceder_permissoes, revogar_permissoes

REGISTROS = ["modalidadecontrato", "tipoprogramacao", "etapafunil", "motivoperda"]
LEITURA = [
    "view_contrato", "view_itemcontrato", "view_programacaocontrato",
    "view_clienteentregacontrato", "view_contatocontrato", "view_eventocontrato",
    "view_oportunidade", "view_eventooportunidade", "view_anexopedido",
    "view_programacaoitem", "view_metavenda", *[f"view_{m}" for m in REGISTROS],
]  # fmt: skip
DIGITACAO = [
    *LEITURA,
    "add_contrato", "change_contrato", "add_itemcontrato", "change_itemcontrato",
    "delete_itemcontrato", "add_programacaocontrato", "change_programacaocontrato",
    "add_clienteentregacontrato", "delete_clienteentregacontrato", "add_contatocontrato",
    "change_contatocontrato", "delete_contatocontrato", "add_oportunidade",
    "change_oportunidade", "add_anexopedido", "delete_anexopedido", "add_programacaoitem",
    "change_programacaoitem", "delete_programacaoitem", "view_produtofavorito",
    "add_produtofavorito", "delete_produtofavorito",
]  # fmt: skip
METAS = ["add_metavenda", "change_metavenda", "delete_metavenda"]
MANUTENCAO = [*[f"add_{m}" for m in REGISTROS], *[f"change_{m}" for m in REGISTROS]]

PAPEIS = {
    "Representante": DIGITACAO,
    "Supervisor": [*DIGITACAO, *METAS],
    "Atendente SAC": LEITURA,
    "Administrador": [*DIGITACAO, *METAS, *MANUTENCAO],
}


def conceder(apps, schema_editor):
    conceder_permissoes(apps, PAPEIS, app_label="vendas")


def revogar(apps, schema_editor):
    revogar_permissoes(apps, PAPEIS, app_label="vendas")


class Migration(migrations.Migration):
    dependencies = [("vendas", "0005_contratos_oportunidades_anexos")]

    operations = [migrations.RunPython(conceder, revogar)]
