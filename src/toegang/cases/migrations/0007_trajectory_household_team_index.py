"""The trajectories of a household with their team in one index: the access predicate's "a trajectory
of the user's team in this household" is answered from the index alone. It replaces the plain index
of the foreign key, and is built before that one goes (docs/performance.md, session 25)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_stand_in"),
        ("people", "0006_membership_person_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="trajectory",
            index=models.Index(fields=["household", "team"], name="trajectory_household_team_idx"),
        ),
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
    ]
