import django.db.models.deletion
from django.db import migrations, models


def roll_up(apps, schema_editor):
    """Fill the monthly roll-up from the daily facts already there (a database refreshed before it existed)."""
    from toegang.steering import summaries

    Fact = apps.get_model("steering", "Fact")
    first = Fact.objects.order_by("day").values_list("day", flat=True).first()
    last = Fact.objects.order_by("-day").values_list("day", flat=True).first()
    if first is not None:
        summaries.roll_up_months(first, last, fact=Fact, month_fact=apps.get_model("steering", "MonthFact"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_client_role"),
        ("steering", "0004_export"),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthFact",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("law", models.CharField(blank=True, max_length=10)),
                ("measure", models.CharField(max_length=40)),
                ("dimension", models.CharField(blank=True, max_length=40)),
                ("count", models.IntegerField(default=0)),
                ("total", models.BigIntegerField(default=0)),
                (
                    "area",
                    models.ForeignKey(
                        null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.area"
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.municipality"
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.team"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["municipality", "month"], name="monthfact_month_idx")],
            },
        ),
        migrations.RunPython(roll_up, migrations.RunPython.noop),
    ]
