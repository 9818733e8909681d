"""The outcome of a procedure's decision on the procedure itself: a decision taken outside Toegang and recorded
only with its date (the step "besluit bekendgemaakt op") has its outcome there; a decided procedure with a
beschikking made known in Toegang takes that one's."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_decisions(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    Decision = apps.get_model("procedures", "Decision")
    latest = Decision.objects.filter(procedure=OuterRef("pk"), status="verzonden").order_by("-sent_on", "-pk")
    sent = Decision.objects.filter(status="verzonden").values("procedure_id")
    Procedure.objects.filter(decided_on__isnull=False, pk__in=sent).update(
        decided_outcome=Subquery(latest.values("outcome")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0007_assignment_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="decided_outcome",
            field=models.CharField(
                blank=True,
                choices=[("toegekend", "Toegekend"), ("afgewezen", "Afgewezen")],
                max_length=10,
                verbose_name="uitkomst van het besluit",
            ),
        ),
        migrations.RunPython(from_decisions, migrations.RunPython.noop),
    ]
