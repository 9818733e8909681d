"""Toegang's default mapping of every iWmo/iJw product category (procedures 0005) to an Iv3 taakveld of
programme 6, Sociaal domein (DOMAIN.md §4.1), for the cost indicators. It is an assumption: the
municipality checks it against its own begroting and changes the rows it books differently."""

from django.db import migrations

IV3 = "Iv3-taakvelden programma 6 Sociaal domein (BBV), indeling volgens begroting.gemeentehw.nl/2023 (DOMAIN.md §4.1)"
SOURCE = f"Standaardindeling van Toegang, een aanname die de gemeente toetst aan haar eigen begroting; {IV3}"

TAAKVELDEN = {
    "6.6": "Maatwerkvoorzieningen (Wmo)",
    "6.71": "Maatwerkdienstverlening 18+",
    "6.72": "Maatwerkdienstverlening 18-",
    "6.73": "Pleegzorg, gezinsgericht, jeugdhulp met verblijf",
    "6.74": "Jeugd-GGZ, crisis, gesloten plaatsing",
    "6.81": "Geëscaleerde zorg 18+",
    "6.82": "Geëscaleerde zorg 18-",
}

# law, product category -> taakveld; the choices DOMAIN.md does not make are marked with a note.
LINES = {
    # Wmo services: 6.71
    **{("wmo", f"{code:02d}"): ("6.71", "") for code in range(1, 11)},
    # Wmo aids, housing and transport provisions: 6.6
    **{("wmo", f"{code:02d}"): ("6.6", "") for code in range(11, 15)},
    # Beschermd wonen and opvang: 6.81
    **{("wmo", f"{code:02d}"): ("6.81", "") for code in range(15, 19)},
    # Jeugd
    ("jeugd", "40"): ("6.72", "keuze van Toegang: ambulant"),
    ("jeugd", "41"): ("6.72", "keuze van Toegang: dagbehandeling zonder verblijf"),
    ("jeugd", "42"): ("6.72", "keuze van Toegang: ambulant"),
    ("jeugd", "43"): ("6.73", ""),
    ("jeugd", "44"): ("6.73", ""),
    ("jeugd", "45"): ("6.72", ""),
    ("jeugd", "46"): ("6.74", ""),
    ("jeugd", "47"): ("6.82", ""),
    ("jeugd", "48"): ("6.82", ""),
    ("jeugd", "49"): ("6.82", ""),
    ("jeugd", "50"): ("6.72", "keuze van Toegang: maatwerkarrangement zonder verblijf"),
    ("jeugd", "51"): ("6.74", ""),
    ("jeugd", "52"): ("6.74", ""),
    ("jeugd", "53"): ("6.72", "keuze van Toegang: ambulant"),
    ("jeugd", "54"): ("6.74", ""),
    ("jeugd", "55"): ("6.74", "keuze van Toegang: vooral specialistische zorg"),
}


def load(apps, schema_editor):
    BudgetLine = apps.get_model("steering", "BudgetLine")
    ProductCategory = apps.get_model("procedures", "ProductCategory")
    categories = set(ProductCategory.objects.values_list("law", "code"))
    for (law, category), (taakveld, note) in LINES.items():
        if (law, category) not in categories:
            continue  # a category the municipality removed: nothing to book on
        source = f"{SOURCE} ({note})" if note else SOURCE
        BudgetLine.objects.update_or_create(
            law=law,
            category=category,
            defaults={"taakveld": taakveld, "taakveld_name": TAAKVELDEN[taakveld], "source": source},
        )


def unload(apps, schema_editor):
    BudgetLine = apps.get_model("steering", "BudgetLine")
    for law, category in LINES:
        BudgetLine.objects.filter(law=law, category=category).delete()


class Migration(migrations.Migration):
    dependencies = [("steering", "0002_catalogue"), ("procedures", "0005_product_categories")]
    operations = [migrations.RunPython(load, unload)]
