"""The register of processing activities as shipped: purposes and legal bases from DOMAIN.md §5.1.
A municipality edits and extends it (for instance with the Wams bases once that law is in force)."""

from django.db import migrations

ENTRIES = [
    (
        "wmo-ondersteuning",
        "Wmo-ondersteuning",
        "Onderzoek, besluit over een maatwerkvoorziening of pgb, toezicht en controle.",
        "wet",
        "Wmo 2015 art. 5.1.1",
        "Wet maatschappelijke ondersteuning 2015, art. 5.1.1 (BWBR0035362)",
    ),
    (
        "jeugdhulp",
        "Jeugdhulp",
        "Toeleiding, advies, bepaling en inzet van jeugdhulp; kinderbescherming; bekostiging; controle.",
        "wet",
        "Jeugdwet art. 7.4.0",
        "Jeugdwet art. 7.4.0 lid 1",
    ),
    (
        "participatie",
        "Participatiewet",
        "Bijstand, re-integratie en Suwinet-gegevensverkeer.",
        "wet",
        "Participatiewet / Wet SUWI",
        "Participatiewet; Wet structuur uitvoeringsorganisatie werk en inkomen",
    ),
    (
        "integrale-ondersteuning",
        "Integrale ondersteuning (één gezin, één plan)",
        "Delen van dossiergegevens met partnerorganisaties voor één gezamenlijk plan over de domeinen heen.",
        "toestemming",
        "Toestemming van de betrokkene",
        "Geen algemene wettelijke grondslag voor domeinoverstijgend delen zolang de Wams (Kamerstuk 36295) niet "
        "in werking is; Jeugdwet art. 7.3.11 (delen door de jeugdhulpverlener met toestemming)",
    ),
]


def load(apps, schema_editor):
    ProcessingActivity = apps.get_model("privacy", "ProcessingActivity")
    for code, name, purpose, basis, reference, source in ENTRIES:
        ProcessingActivity.objects.update_or_create(
            code=code,
            defaults={"name": name, "purpose": purpose, "basis": basis, "reference": reference, "source": source},
        )


def unload(apps, schema_editor):
    apps.get_model("privacy", "ProcessingActivity").objects.filter(code__in=[e[0] for e in ENTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_register")]
    operations = [migrations.RunPython(load, unload)]
