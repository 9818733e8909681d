"""Which partners carry out the statutory task of each legal basis, so that sharing with them may rest
on that basis; everything else needs consent (see 0003 on the Wams):

- Jeugdwet art. 7.4.0 lid 1: the municipality processes data for toeleiding to and inzet of jeugdhulp,
  with the jeugdhulpaanbieder that provides it.
- Wmo 2015 art. 5.1.1 with art. 2.2.4 (cliëntondersteuning): the organisation the municipality charged
  with independent client support.
- Participatiewet / Wet SUWI: no sharing with partner organisations on this basis.
"""

from django.db import migrations, models

PARTNER_KINDS = {"jeugdhulp": ["jeugdhulp"], "wmo-ondersteuning": ["mee"], "participatie": []}


def load(apps, schema_editor):
    ProcessingActivity = apps.get_model("privacy", "ProcessingActivity")
    for code, kinds in PARTNER_KINDS.items():
        ProcessingActivity.objects.filter(code=code).update(partner_kinds=kinds)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0007_signal_retention_rule")]

    operations = [
        migrations.AddField(
            model_name="processingactivity",
            name="partner_kinds",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "Bij een wettelijke grondslag: met welke soorten partnerorganisaties (Organisation.Kind) op "
                    "deze grondslag gedeeld mag worden, omdat zij die wettelijke taak uitvoeren. Leeg: met geen "
                    "enkele."
                ),
                verbose_name="delen met soorten organisaties",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
