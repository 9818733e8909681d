"""An index for the search by the start of a surname (`geslachtsnaam__istartswith`, which Django
writes as UPPER(geslachtsnaam) LIKE UPPER('text%')). On PostgreSQL a prefix LIKE can only use a
btree index with the pattern operator class unless the database collation is "C". SQLite (the
embedded demo) scans the table, which is fine at its size."""

from django.db import migrations

INDEX = "person_surname_prefix_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON people_person ((UPPER("geslachtsnaam"::text)) text_pattern_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_membership_no_overlap")]
    operations = [migrations.RunPython(create, drop)]
