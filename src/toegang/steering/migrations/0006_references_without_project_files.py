"""The shipped references of the indicator catalogue and the budget lines named the project's own domain notes
(DOMAIN.md, a file in the source code) next to the law or national source; a council member reading "Bron" in a
report cannot open it. This keeps the real sources and says "Toegang-indicator" where the notes were the only
one (the indicator has no national definition). Text a municipality wrote itself is left as it is: only the
project's phrases are rewritten."""

import re

from django.db import migrations

PROJECT_NOTES = re.compile(r"[;,]?\s*(?:Termijnen volgens )?DOMAIN\.md(?: Part A)? §[\d.]+(?: en §[\d.]+)?")


def without_project_notes(text: str) -> str:
    text = re.sub(r"^DOMAIN\.md §4\.5 \(", "Toegang-indicator (", text)
    text = text.replace("Termijnen volgens DOMAIN.md §1.5 (", "Wettelijke termijnen (")
    text = re.sub(r"^(Toegang-indicator \([^)]*\)) en §[\d.]+", r"\1", text)
    text = PROJECT_NOTES.sub("", text)
    text = re.sub(r"\s*\(\s*\)", "", text)  # "(DOMAIN.md §7.2)" left empty brackets
    return text.strip().rstrip(";,").strip()


def rewrite(apps, schema_editor):
    for model, field in (("Indicator", "reference"), ("BudgetLine", "source")):
        rows = apps.get_model("steering", model).objects.filter(**{f"{field}__contains": "DOMAIN.md"})
        for row in rows:
            setattr(row, field, without_project_notes(getattr(row, field)))
            row.save(update_fields=[field])


class Migration(migrations.Migration):
    dependencies = [("steering", "0005_monthfact")]
    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
