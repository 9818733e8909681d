"""The status code of a triaged signal spelt as the word: "getriageerd" (was "getrieerd", which the API
published as an enum value). Existing rows are rewritten; the check constraint follows."""

from django.db import migrations, models


def spell_out(apps, schema_editor):
    apps.get_model("signals", "Signal").objects.filter(status="getrieerd").update(status="getriageerd")


def spell_back(apps, schema_editor):
    apps.get_model("signals", "Signal").objects.filter(status="getriageerd").update(status="getrieerd")


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="signal",
            name="signal_outcome_when_triaged",
        ),
        migrations.AlterField(
            model_name="signal",
            name="status",
            field=models.CharField(
                choices=[("nieuw", "Nieuw"), ("getriageerd", "Getriageerd")],
                default="nieuw",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(spell_out, spell_back),
        migrations.AddConstraint(
            model_name="signal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("outcome", ""), ("status", "nieuw")),
                    models.Q(("status", "getriageerd"), models.Q(("outcome", ""), _negated=True)),
                    _connector="OR",
                ),
                name="signal_outcome_when_triaged",
            ),
        ),
    ]
