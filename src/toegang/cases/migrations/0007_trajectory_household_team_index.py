"""The trajectories of a household with their team in one index: the access predicate's "a trajectory
of the user's team in this household" is answered from the index alone (docs/performance.md, session 25).

It replaces the plain index of the foreign key, which goes by name after the new one is built. Not
with Django's AlterField(db_index=False): that drops every plain index on the column, on PostgreSQL
also the partial unique index ``trajectory_one_open_per_household`` (one open trajectory per
household), re-adds the foreign key (a check of every row) and on SQLite rebuilds the table.
tests/test_database.py checks that every index and constraint of the models is in the database."""

import django.db.models.deletion
from django.db import migrations, models

FK_INDEX = "cases_trajectory_household_id_4857aabe"


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_stand_in"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="trajectory",
            index=models.Index(fields=["household", "team"], name="trajectory_household_team_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="trajectory",
                    name="household",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="trajectories",
                        to="people.household",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{FK_INDEX}"',
                    f'CREATE INDEX "{FK_INDEX}" ON "cases_trajectory" ("household_id")',
                ),
            ],
        ),
    ]
