"""A trigram index for the members' name search on PostgreSQL.

The member list (web and API) searches names with `icontains`, which PostgreSQL runs as
`UPPER(name) LIKE UPPER('%...%')`: without this index a search reads every member (1.1 s
at 1,000,000 members). pg_trgm is a trusted extension from PostgreSQL 13, so the database
owner may create it. SQLite has no such index and needs none at a regency's size.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS membership_name_trgm ON membership_membership "
    "USING gin (UPPER(name::text) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS membership_name_trgm"]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("membership", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
