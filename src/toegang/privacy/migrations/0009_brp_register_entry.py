"""The register entry for reading persons from the BRP (people/brp/, docs/brp.md, docs/privacy.md).

A municipality receives BRP data as an overheidsorgaan for its statutory task (Wet BRP art. 3.3 with an
autorisatiebesluit; DOMAIN.md §6.3: "autorisatiebesluit plus gebruikersdoel"); in the social domain that
task is the Wmo 2015 (art. 5.1.1) and the Jeugdwet (art. 7.4.0), which allow the BSN and the data needed
for the onderzoek and the help (DOMAIN.md §5.1). Every BRP query is written to the audit log with this
reference as its legal basis."""

from django.db import migrations

CODE = "brp-bevraging"


def load(apps, schema_editor):
    apps.get_model("privacy", "ProcessingActivity").objects.update_or_create(
        code=CODE,
        defaults={
            "name": "BRP-bevraging (vooringevuld registreren)",
            "purpose": (
                "Persoonsgegevens (naam, geboortedatum, adres) en de bewoners van een adres uit de BRP ophalen "
                "om een inwoner of een huishouden juist te registreren voor onderzoek en hulp; alleen de velden "
                "die het scherm nodig heeft."
            ),
            "basis": "wet",
            "reference": "Wet BRP art. 3.3 i.v.m. Wmo 2015 art. 5.1.1 / Jeugdwet art. 7.4.0",
            "source": (
                "Wet basisregistratie personen art. 3.3 (verstrekking aan overheidsorganen, autorisatiebesluit; "
                "BWBR0033715); Wmo 2015 art. 5.1.1 (BWBR0035362); Jeugdwet art. 7.4.0"
            ),
        },
    )


def unload(apps, schema_editor):
    apps.get_model("privacy", "ProcessingActivity").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0008_legal_basis_partner_kinds")]
    operations = [migrations.RunPython(load, unload)]
