"""Retention term for a signal (melding) that was triaged without a trajectory: answered with advice or
referred to the voorliggend veld. Selectielijst gemeenten en intergemeentelijke organen 2020,
procestype 21 "Adviseren" (procesobject: het advies), resultaat 21.1 "Verstrekt": vernietigen,
procestermijn nihil, bewaartermijn 5 jaar (P5Y). Source: VNG-Realisatie/VNG-referentielijsten
src/fixtures/selectielijst_2020_resultaten.json, pk 303; procestype in selectielijst_2020_fixture.json."""

from django.db import migrations

RULE = (
    "melding",
    "Melding afgehandeld zonder traject (advies of voorliggend veld)",
    5,
    0,
    "Selectielijst gemeenten en intergemeentelijke organen 2020, procestype 21 (Adviseren), "
    "resultaat 21.1 Verstrekt: vernietigen 5 jaar na de triage",
)


def load(apps, schema_editor):
    code, result, years, days, source = RULE
    apps.get_model("privacy", "RetentionRule").objects.update_or_create(
        code=code, defaults={"result": result, "years": years, "days": days, "source": source}
    )


def unload(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(code=RULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0006_retention_rules_data")]
    operations = [migrations.RunPython(load, unload)]
