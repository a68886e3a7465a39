"""Order numbers come from a Postgres sequence: unique under concurrency without locking a
table, and never reused (a cancelled order keeps its number)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("vendas", "0002_papeis")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE vendas_pedido_numero_seq START 1000;",
            reverse_sql="DROP SEQUENCE IF EXISTS vendas_pedido_numero_seq;",
        )
    ]
