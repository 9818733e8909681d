"""PostgreSQL: when retention has removed every entry, the chain goes on from the latest anchor's hash (which
`audit verify` starts from), not from the beginning (audit/chain.py does the same on SQLite)."""

from importlib import import_module

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_chain_head(lock_key bigint) RETURNS varchar AS $$
DECLARE
    head varchar;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT chain_hash INTO head FROM audit_auditentry ORDER BY id DESC LIMIT 1;
    IF head IS NULL THEN
        SELECT chain_hash INTO head FROM audit_auditanchor ORDER BY through_id DESC LIMIT 1;
    END IF;
    RETURN head;
END;
$$ LANGUAGE plpgsql;
"""

PREVIOUS = import_module("toegang.audit.migrations.0003_chain_head").CREATE  # the function as 0003 made it


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0008_partition_by_id")]
    operations = [migrations.RunPython(forward, backward)]
