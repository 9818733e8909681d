"""iStandaarden release 3.2 product categories (DOMAIN.md §2.5): WMO020 for the Wmo and JZ020 for the
Jeugdwet, from https://informatiemodel.istandaarden.nl/informatiemodel/iwmo/3.2/codelijsten/ and
.../ijw/3.2/codelijsten/."""

from django.db import migrations

WMO = "iWmo 3.2 codelijst WMO020 Productcategorie"
JW = "iJw 3.2 codelijst JZ020 Productcategorie"
CATEGORIES = [
    ("wmo", "01", "Hulp bij het huishouden", WMO),
    ("wmo", "02", "Begeleiding", WMO),
    ("wmo", "03", "Persoonlijke verzorging", WMO),
    ("wmo", "04", "Kortdurend verblijf", WMO),
    ("wmo", "05", "Woondiensten", WMO),
    ("wmo", "06", "Overige ondersteuning gericht op het individu of huishouden/gezin", WMO),
    ("wmo", "07", "Dagbesteding", WMO),
    ("wmo", "08", "Vervoerdiensten", WMO),
    ("wmo", "09", "Overige groepsgerichte ondersteuning", WMO),
    ("wmo", "10", "Overige maatwerk arrangementen", WMO),
    ("wmo", "11", "Rolstoelen", WMO),
    ("wmo", "12", "Vervoervoorzieningen", WMO),
    ("wmo", "13", "Woonvoorzieningen", WMO),
    ("wmo", "14", "Overige hulpmiddelen", WMO),
    ("wmo", "15", "Beschermd wonen", WMO),
    ("wmo", "16", "Opvang", WMO),
    ("wmo", "17", "Spoedopvang", WMO),
    ("wmo", "18", "Overige beschermd wonen en opvang", WMO),
    ("jeugd", "40", "Persoonlijke verzorging", JW),
    ("jeugd", "41", "Dagbehandeling", JW),
    ("jeugd", "42", "Vervoerdiensten", JW),
    ("jeugd", "43", "Jeugdhulp verblijf (incl. behandeling)", JW),
    ("jeugd", "44", "Jeugdhulp verblijf (excl. behandeling)", JW),
    ("jeugd", "45", "Jeugdhulp ambulant", JW),
    ("jeugd", "46", "Jeugdhulp crisis", JW),
    ("jeugd", "47", "Jeugdreclassering", JW),
    ("jeugd", "48", "Jeugdbescherming", JW),
    ("jeugd", "49", "Activiteiten in het preventief justitieel kader", JW),
    ("jeugd", "50", "Maatwerkarrangementen jeugd", JW),
    ("jeugd", "51", "Generalistische basis-ggz", JW),
    ("jeugd", "52", "Specialistische ggz", JW),
    ("jeugd", "53", "Kindergeneeskunde", JW),
    ("jeugd", "54", "Jeugd-ggz", JW),
    ("jeugd", "55", "Landelijk ingekochte zorg", JW),
]


def load(apps, schema_editor):
    ProductCategory = apps.get_model("procedures", "ProductCategory")
    for law, code, name, source in CATEGORIES:
        ProductCategory.objects.update_or_create(law=law, code=code, defaults={"name": name, "source": source})


def unload(apps, schema_editor):
    apps.get_model("procedures", "ProductCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0004_decisions")]
    operations = [migrations.RunPython(load, unload)]
