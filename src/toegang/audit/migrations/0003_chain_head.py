"""PostgreSQL: one function that takes the audit chain's advisory lock and returns the chain's head, so
appending an entry costs one query for both (audit/chain.py). SQLite needs no lock: its IMMEDIATE write
transaction already serialises appends."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_chain_head(lock_key bigint) RETURNS varchar AS $$
DECLARE
    head varchar;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT chain_hash INTO head FROM audit_auditentry ORDER BY id DESC LIMIT 1;
    RETURN head;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS audit_chain_head(bigint);")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunPython(create, drop)]
