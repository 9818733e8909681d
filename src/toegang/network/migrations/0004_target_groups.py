"""The social map's target groups (doelgroepen): Toegang's own reference list."""

from django.db import migrations

GROUPS = [
    ("kinderen", "Kinderen (0–11 jaar)"),
    ("jongeren", "Jongeren (12–27 jaar)"),
    ("ouders", "Ouders en opvoeders"),
    ("volwassenen", "Volwassenen"),
    ("ouderen", "Ouderen (65+)"),
    ("mantelzorgers", "Mantelzorgers"),
    ("beperking", "Mensen met een beperking"),
    ("nieuwkomers", "Nieuwkomers en statushouders"),
    ("schulden", "Mensen met geldzorgen"),
]


def add(apps, schema_editor):
    TargetGroup = apps.get_model("network", "TargetGroup")
    for position, (code, name) in enumerate(GROUPS, start=1):
        TargetGroup.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("network", "0003_social_map")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
