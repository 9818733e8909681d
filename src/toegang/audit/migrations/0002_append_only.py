"""Make the audit tables append-only in the database itself: UPDATE and DELETE are refused by
triggers on PostgreSQL and SQLite, so no code path (ORM, raw SQL, admin) can rewrite history.
TRUNCATE is left to the table owner; the application's database role must not own the tables
in production (docs/operations.md)."""

from django.db import migrations

TABLES = ["audit_auditentry", "audit_auditsubject"]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                """
                CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'audit log is append-only';
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();"
                )
        elif vendor == "sqlite":
            for table in TABLES:
                for op in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
                    )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            if vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            elif vendor == "sqlite":
                for op in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op};")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
