"""Data: the periodic janitor (django-celery-beat) that rescues jobs of dead workers."""

from django.db import migrations

NOME = "importacoes: zelador de importações travadas"
TAREFA = "importacoes.tasks.destravar_importacoes"


def criar(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    intervalo, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NOME,
        defaults={"task": TAREFA, "interval": intervalo, "enabled": True, "queue": "importacoes"},
    )


def remover(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NOME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("importacoes", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(criar, remover)]
