"""Drop two single-column indexes that a composite index already covers (audit_actor_at_idx starts
with actor_id, auditsubject_unique with entry_id): fewer indexes to update on every log write.

The indexes are dropped with DROP INDEX rather than AlterField, because on SQLite AlterField rebuilds
the table, and a rebuilt table loses the append-only triggers."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REDUNDANT = [("audit_auditentry", "actor_id"), ("audit_auditsubject", "entry_id")]


def single_column_indexes(schema_editor, table, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]
    ]


def drop(apps, schema_editor):
    for table, column in REDUNDANT:
        for name in single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f'DROP INDEX "{name}"')


def restore(apps, schema_editor):
    for table, column in REDUNDANT:
        if not single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f'CREATE INDEX "{table}_{column}_idx" ON "{table}" ("{column}")')


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_prunable_by_retention"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditsubject",
                    name="entry",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subjects",
                        to="audit.auditentry",
                    ),
                ),
            ],
        )
    ]
