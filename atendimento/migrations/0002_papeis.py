"""Grant the ticket screens to the roles.

SAC agents and supervisors carry tickets (open, act, close); a rep sees the tickets of their
portfolio's clients and may open one for them; administrators also maintain the registries
(types, reasons, channels). Every role may export the ticket list it sees.
"""

from django.db import migrations

from crm.migracoes import conceder_permissoes, revogar_permissoes

REGISTROS = ["tipochamado", "motivochamado", "canalatendimento"]
LEITURA = [
    "view_chamado", "view_eventochamado", "view_tarefachamado", "exportar_chamados",
    *[f"view_{m}" for m in REGISTROS],
]  # fmt: skip
ABERTURA = [*LEITURA, "add_chamado"]
ATENDIMENTO = [*ABERTURA, "change_chamado", "add_tarefachamado", "change_tarefachamado"]
ADMINISTRACAO = [
    *ATENDIMENTO,
    "delete_chamado", "delete_tarefachamado",
    *[f"{acao}_{m}" for acao in ("add", "change", "delete") for m in REGISTROS],
]  # fmt: skip

PAPEIS = {
    "Representante": ABERTURA,
    "Supervisor": ATENDIMENTO,
    "Atendente SAC": ATENDIMENTO,
    "Administrador": ADMINISTRACAO,
}


def conceder(apps, schema_editor):
    conceder_permissoes(apps, PAPEIS, app_label="atendimento")


def revogar(apps, schema_editor):
    revogar_permissoes(apps, PAPEIS, app_label="atendimento")


class Migration(migrations.Migration):
    dependencies = [("atendimento", "0001_inicial"), ("contas", "0002_papeis")]

    operations = [migrations.RunPython(conceder, revogar)]
