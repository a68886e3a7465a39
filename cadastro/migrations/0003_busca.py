"""Search support: pg_trgm + unaccent, an IMMUTABLE wrapper and the trigram index on names.

`unaccent()` is only STABLE (its dictionary could change), so it cannot back an index; the
wrapper pins the dictionary explicitly, which is the documented way to make it IMMUTABLE.
"""

from django.db import migrations

FUNCAO = """
CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
"""


class Migration(migrations.Migration):
    dependencies = [("cadastro", "0002_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS unaccent;",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunSQL(FUNCAO, reverse_sql="DROP FUNCTION IF EXISTS f_unaccent(text);"),
        migrations.RunSQL(
            "CREATE INDEX cliente_nome_trgm ON cadastro_cliente "
            "USING gin (f_unaccent(nome) gin_trgm_ops);",
            reverse_sql="DROP INDEX IF EXISTS cliente_nome_trgm;",
        ),
        migrations.RunSQL(
            "CREATE INDEX cliente_fantasia_trgm ON cadastro_cliente "
            "USING gin (f_unaccent(nome_fantasia) gin_trgm_ops);",
            reverse_sql="DROP INDEX IF EXISTS cliente_fantasia_trgm;",
        ),
    ]
