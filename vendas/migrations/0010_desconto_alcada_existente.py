"""Items calculated before 0009 measured the alçada on the effective discount: that is their
alçada discount until the next recalculation (no promotion was recorded on them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("vendas", "0009_item_promocao_desconto_alcada")]

    operations = [
        migrations.RunSQL(
            "UPDATE vendas_itempedido SET percentual_desconto_alcada = percentual_desconto_efetivo "
            "WHERE percentual_desconto_alcada IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
