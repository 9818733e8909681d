"""The national default terms (DOMAIN.md §1.5), each with its legal source; a municipality overrides
one by adding its own row (for example the Jeugdwet term of its verordening)."""

from django.db import migrations

TERMS = [
    # law, code, label, runs from, length, unit, source
    ("wmo", "wmo-persoonlijk-plan", "Persoonlijk plan indienen", "melding", 7, "dagen", "Wmo 2015 art. 2.3.2 lid 2"),
    ("wmo", "wmo-onderzoek", "Onderzoek na melding", "melding", 6, "weken", "Wmo 2015 art. 2.3.2 lid 1"),
    ("wmo", "wmo-beschikking", "Beschikking na aanvraag", "ontvangst aanvraag", 2, "weken", "Wmo 2015 art. 2.3.5"),
    (
        "jeugd",
        "jeugd-beschikking",
        "Beschikking na aanvraag",
        "ontvangst aanvraag",
        8,
        "weken",
        "Jeugdwet art. 2.9 en Awb art. 4:13 (verordening kan korter bepalen)",
    ),
    (
        "jeugd",
        "jeugd-plan-zonder-fgp",
        "Plan als er geen familiegroepsplan komt",
        "besluit geen familiegroepsplan",
        6,
        "weken",
        "Jeugdwet art. 4.1.2 lid 5",
    ),
    (
        "pw",
        "pw-zoektermijn",
        "Zoektermijn jongeren tot 27 jaar",
        "melding",
        4,
        "weken",
        "Participatiewet art. 41 lid 4",
    ),
    ("pw", "pw-voorschot", "Voorschot", "aanvraag", 4, "weken", "Participatiewet art. 52 lid 1"),
    ("pw", "pw-beschikking", "Beschikking na aanvraag", "aanvraag", 8, "weken", "Awb art. 4:13"),
    ("awb", "awb-bezwaartermijn", "Bezwaar maken", "dag na bekendmaking", 6, "weken", "Awb art. 6:7 en 6:8"),
    (
        "awb",
        "awb-beslissing-bezwaar",
        "Beslissen op bezwaar",
        "einde bezwaartermijn",
        6,
        "weken",
        "Awb art. 7:10 lid 1",
    ),
    (
        "awb",
        "awb-beslissing-bezwaar-commissie",
        "Beslissen op bezwaar met adviescommissie",
        "einde bezwaartermijn",
        12,
        "weken",
        "Awb art. 7:10 lid 1 en 7:13",
    ),
]


def load(apps, schema_editor):
    TermRule = apps.get_model("procedures", "TermRule")
    for law, code, label, starts_at, length, unit, source in TERMS:
        TermRule.objects.update_or_create(
            code=code,
            municipality=None,
            defaults={
                "law": law,
                "label": label,
                "starts_at": starts_at,
                "length": length,
                "unit": unit,
                "source": source,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("procedures", "TermRule").objects.filter(municipality=None, code__in=[t[1] for t in TERMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
