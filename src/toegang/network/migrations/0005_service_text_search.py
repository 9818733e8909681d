"""Trigram indexes for the social map's word search (`icontains`, which Django writes on PostgreSQL as
UPPER(column) LIKE UPPER('%word%')): a GIN index with pg_trgm per searched column lets PostgreSQL find
the rows without reading the whole table. SQLite (the embedded demo) scans, which is fine at its size.
Creating the extension needs a role that may do so (see docs/operations.md)."""

from django.db import migrations

COLUMNS = ("name", "organization_name", "description")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS service_{column}_trgm_idx ON network_communityservice "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(f"DROP INDEX IF EXISTS service_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("network", "0004_target_groups")]
    operations = [migrations.RunPython(create, drop)]
