"""Drop the foreign-key constraint from audit subjects to their entry on PostgreSQL (see the comment
on AuditSubject.entry). On SQLite the constraint stays: removing it would rebuild the table, and a
rebuilt table loses the append-only triggers; the embedded database logs short lists only."""

import django.db.models.deletion
from django.db import migrations, models


def foreign_keys(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "audit_auditsubject")
    return [name for name, info in constraints.items() if info["foreign_key"] and info["columns"] == ["entry_id"]]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in foreign_keys(schema_editor):
            schema_editor.execute(f'ALTER TABLE audit_auditsubject DROP CONSTRAINT "{name}"')


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and not foreign_keys(schema_editor):
        schema_editor.execute(
            "ALTER TABLE audit_auditsubject ADD CONSTRAINT audit_auditsubject_entry_fk FOREIGN KEY (entry_id) "
            "REFERENCES audit_auditentry (id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_drop_redundant_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditsubject",
                    name="entry",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subjects",
                        to="audit.auditentry",
                    ),
                ),
            ],
        )
    ]
