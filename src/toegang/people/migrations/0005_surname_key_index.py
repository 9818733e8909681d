"""The name search matches and orders by ``UPPER(geslachtsnaam) COLLATE "C"`` (cases/search.py,
``_surname_key``). This index holds that expression with the first names: a prefix LIKE becomes a
range on it (C collation) and the rows come out in the page's order, so a common prefix stops at the
page's cap. It replaces the pattern-ops index of 0003, which could match but not order. SQLite (the
embedded demo) scans the table, which is fine at its size."""

from django.db import migrations

INDEX = "person_surname_key_idx"
OLD = "person_surname_prefix_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON people_person ((UPPER("geslachtsnaam"::text) COLLATE "C"), "voornamen")'
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {OLD} ON people_person ((UPPER("geslachtsnaam"::text)) text_pattern_ops)'
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_person_source")]
    operations = [migrations.RunPython(create, drop)]
