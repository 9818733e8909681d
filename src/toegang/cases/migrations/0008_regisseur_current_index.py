"""A professional's current regisseur assignments in a partial index (end_date IS NULL), replacing the
index on (professional, end_date). With the old one the planner on seed M preferred the unique index of
the current regisseur per trajectory and filtered all 3,400 current assignments for one professional's
50 (3.7 ms of the caseload query); the partial index answers from the index alone (0.07 ms).
docs/performance.md, session 26. Built before the old one goes, so a lookup always has an index."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_trajectory_household_team_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="regisseurassignment",
            index=models.Index(
                condition=models.Q(("end_date__isnull", True)),
                fields=["professional", "trajectory"],
                name="regisseur_current_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="regisseurassignment",
            name="regisseur_professional_idx",
        ),
    ]
