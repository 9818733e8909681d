"""Reference data: the 13 life-domain names of ZRM 2017 and the 5 level labels of its scale.

Only names and labels are shipped (DOMAIN.md §3.1): the matrix criteria are © GGD Amsterdam and a
municipality loads its licensed content itself.
"""

from django.db import migrations

DOMAIN_SOURCE = "Zelfredzaamheid-Matrix 2017, 13 domeinen (GGD Amsterdam); domeinnamen als referentiedata"
LEVEL_SOURCE = "Zelfredzaamheid-Matrix, 5-puntsschaal (GGD Amsterdam); alleen niveaunamen"

DOMAINS = [
    ("financien", "Financiën"),
    ("werk-opleiding", "Werk & Opleiding"),
    ("tijdsbesteding", "Tijdsbesteding"),
    ("huisvesting", "Huisvesting"),
    ("huiselijke-relaties", "Huiselijke relaties"),
    ("geestelijke-gezondheid", "Geestelijke gezondheid"),
    ("lichamelijke-gezondheid", "Lichamelijke gezondheid"),
    ("middelengebruik", "Middelengebruik"),
    ("basale-adl", "Basale ADL"),
    ("instrumentele-adl", "Instrumentele ADL"),
    ("sociaal-netwerk", "Sociaal netwerk"),
    ("maatschappelijke-participatie", "Maatschappelijke participatie"),
    ("justitie", "Justitie"),
]
LEVELS = [
    (1, "Acute problematiek"),
    (2, "Niet zelfredzaam"),
    (3, "Beperkt zelfredzaam"),
    (4, "Voldoende zelfredzaam"),
    (5, "Volledig zelfredzaam"),
]


def load(apps, schema_editor):
    LifeDomain = apps.get_model("plans", "LifeDomain")
    SelfRelianceLevel = apps.get_model("plans", "SelfRelianceLevel")
    for position, (code, name) in enumerate(DOMAINS, start=1):
        LifeDomain.objects.update_or_create(
            code=code, defaults={"name": name, "position": position, "source": DOMAIN_SOURCE}
        )
    for level, label in LEVELS:
        SelfRelianceLevel.objects.update_or_create(level=level, defaults={"label": label, "source": LEVEL_SOURCE})


def unload(apps, schema_editor):
    apps.get_model("plans", "LifeDomain").objects.filter(code__in=[c for c, _ in DOMAINS]).delete()
    apps.get_model("plans", "SelfRelianceLevel").objects.filter(level__in=[lv for lv, _ in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
