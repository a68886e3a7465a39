"""The usual service channels (seed 000: "canais de atendimento (e-mail, telefone, redes
sociais, etc)") as data, so a new installation can open tickets; the administrator adds or
deactivates channels in the admin. Reversal removes only unused rows."""

from django.db import migrations

CANAIS = [
    ("TEL", "Telefone"),
    ("EMAIL", "E-mail"),
    ("WHATS", "WhatsApp"),
    ("PRESENC", "Presencial"),
    ("PORTAL", "Portal do cliente"),
    ("REDES", "Redes sociais"),
]


def criar(apps, schema_editor):
    Canal = apps.get_model("atendimento", "CanalAtendimento")
    for codigo, descricao in CANAIS:
        Canal.objects.get_or_create(codigo=codigo, defaults={"descricao": descricao})


def remover(apps, schema_editor):
    Canal = apps.get_model("atendimento", "CanalAtendimento")
    Chamado = apps.get_model("atendimento", "Chamado")
    usados = Chamado.objects.values("canal_id")
    Canal.objects.filter(codigo__in=[c for c, _ in CANAIS]).exclude(pk__in=usados).delete()


class Migration(migrations.Migration):
    dependencies = [("atendimento", "0002_papeis")]

    operations = [migrations.RunPython(criar, remover)]
