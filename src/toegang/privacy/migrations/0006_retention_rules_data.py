"""Retention terms from the Selectielijst gemeenten en intergemeentelijke organen 2020 (DOMAIN.md §5.2)."""

from django.db import migrations

SOURCE = "Selectielijst gemeenten en intergemeentelijke organen 2020, procestype %s"
RULES = [
    ("wmo", "Plan van aanpak Wmo cliënt vastgesteld", 15, 0, SOURCE % "3 (Plannen opstellen)"),
    ("jeugd", "Plan van aanpak jeugdhulp cliënt vastgesteld", 20, 0, SOURCE % "3 (Plannen opstellen)"),
    ("participatie", "Uitkering of inkomensvoorziening verstrekt", 10, 0, SOURCE % "8 (Voorzieningen verstrekken)"),
    ("afgebroken", "Plan van aanpak of voorziening afgebroken", 0, 42, SOURCE % "3 en 8 (afgebroken)"),
    ("geweigerd", "Niet vastgesteld of geweigerd", 5, 0, SOURCE % "3 en 8 (niet vastgesteld, geweigerd)"),
]


def load(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for code, result, years, days, source in RULES:
        RetentionRule.objects.update_or_create(
            code=code, defaults={"result": result, "years": years, "days": days, "source": source}
        )


def unload(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_retentionrule_deletionrecord")]
    operations = [migrations.RunPython(load, unload)]
