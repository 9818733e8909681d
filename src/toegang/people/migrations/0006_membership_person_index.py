"""A person's memberships with household, start date and id in one index (the person search reads it for
every surname it walks without visiting the table); it replaces the plain index of the foreign key,
and is built before that one goes (docs/performance.md, session 25).

On SQLite, altering the field makes Django rebuild the table, and the rebuild drops the triggers that
refuse overlapping memberships (0002); they are made again after it."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

no_overlap = importlib.import_module("toegang.people.migrations.0002_membership_no_overlap")
remake_triggers = no_overlap._run({"sqlite": no_overlap.SQLITE_DOWN + no_overlap.SQLITE_UP})


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_surname_key_index"),
    ]

    operations = [
        # on the way back the field's rebuild comes last: the triggers are made again after it
        migrations.RunPython(migrations.RunPython.noop, remake_triggers),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(fields=["person", "household", "start_date", "id"], name="membership_person_idx"),
        ),
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
        migrations.RunPython(remake_triggers, migrations.RunPython.noop),
    ]
