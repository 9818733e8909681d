"""A person's memberships with household, start date and id in one index: the person search reads it
for every surname it walks without visiting the table (docs/performance.md, session 25).

It replaces the plain index of the foreign key, which goes by name after the new one is built. Not
with Django's AlterField(db_index=False): that drops every plain index on the column, re-adds the
foreign key (a check of every row) and on SQLite rebuilds the table, which loses the triggers that
refuse overlapping memberships (0002). tests/test_database.py checks that every index and constraint
of the models is in the database."""

import django.db.models.deletion
from django.db import migrations, models

FK_INDEX = "people_membership_person_id_dd6d28d1"


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_surname_key_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(fields=["person", "household", "start_date", "id"], name="membership_person_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="membership",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memberships",
                        to="people.person",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{FK_INDEX}"',
                    f'CREATE INDEX "{FK_INDEX}" ON "people_membership" ("person_id")',
                ),
            ],
        ),
    ]
