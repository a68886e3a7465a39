"""Product search at 100k rows: trigram GIN on f_unaccent(descricao) (function from cadastro).

Code prefix uses the varchar_pattern_ops btree from 0001; EAN exact uses its unique index.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("produtos", "0001_initial"), ("cadastro", "0003_busca")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX produto_descricao_trgm ON produtos_produto "
            "USING gin (f_unaccent(descricao) gin_trgm_ops);",
            reverse_sql="DROP INDEX IF EXISTS produto_descricao_trgm;",
        ),
    ]
