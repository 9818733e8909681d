"""The audit log stays append-only, with one sanctioned exception: removing the oldest entries at the
end of their retention (`audit/retention.py`). PostgreSQL: the trigger function lets a DELETE through
only when the transaction set `toegang.audit_prune = on`. SQLite: the delete triggers fire unless a
row exists in audit_auditprunegate, which only the pruning transaction writes. UPDATE stays refused."""

from django.db import migrations

TABLES = ["audit_auditentry", "audit_auditsubject"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('toegang.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""
PG_FUNCTION_OLD = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        elif vendor == "sqlite":
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                    "WHEN NOT EXISTS (SELECT 1 FROM audit_auditprunegate) "
                    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
                )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(PG_FUNCTION_OLD)
        elif vendor == "sqlite":
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
                )


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_anchor_and_gate")]
    operations = [migrations.RunPython(forward, backward)]
