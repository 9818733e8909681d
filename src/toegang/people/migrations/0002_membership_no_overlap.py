"""The database refuses overlapping membership periods of one person (DESIGN.md rule 6).

PostgreSQL: an exclusion constraint over the inclusive date range (btree_gist).
SQLite: triggers on insert and update that abort when another period of the person overlaps.
"""

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist;",
    "ALTER TABLE people_membership ADD CONSTRAINT membership_no_overlap EXCLUDE USING gist "
    "(person_id WITH =, daterange(start_date, end_date, '[]') WITH &&);",
]
PG_DOWN = ["ALTER TABLE people_membership DROP CONSTRAINT IF EXISTS membership_no_overlap;"]

SQLITE_CONDITION = (
    "EXISTS (SELECT 1 FROM people_membership m WHERE m.person_id = NEW.person_id AND m.id IS NOT NEW.id "
    "AND m.start_date <= COALESCE(NEW.end_date, '9999-12-31') "
    "AND COALESCE(m.end_date, '9999-12-31') >= NEW.start_date)"
)
SQLITE_UP = [
    f"CREATE TRIGGER membership_no_overlap_{op} BEFORE {op.upper()} ON people_membership "
    f"WHEN {SQLITE_CONDITION} BEGIN SELECT RAISE(ABORT, 'membership_no_overlap'); END;"
    for op in ("insert", "update")
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS membership_no_overlap_{op};" for op in ("insert", "update")]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
