"""The indicator catalogue and the budget lines shipped as data (steering 0002 and 0003), and the
documentation generated from them (docs/steering.md).

The two tables in docs/steering.md are generated from the database: after changing a migration's data,
regenerate them with ``STEERING_WRITE_DOCS=1 pytest tests/test_steering_catalogue.py``."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from toegang.procedures.models import ProductCategory
from toegang.steering.models import BudgetLine, Indicator

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parent.parent / "docs" / "steering.md"
WRITE = os.environ.get("STEERING_WRITE_DOCS") == "1"

# The computation (steering/summaries.py) is keyed on exactly these codes.
CODES = [
    "meldingen_bron",
    "meldingen_kanaal",
    "trechter",
    "herhaalmeldingen",
    "voorliggend_zonder_maatwerk",
    "doorlooptijd_verslag",
    "verslag_binnen_termijn",
    "doorlooptijd_beschikking",
    "beschikking_binnen_termijn",
    "over_termijn",
    "ingebrekestellingen",
    "dwangsommen",
    "bezwaren",
    "bezwaren_gegrond",
    "caseload",
    "evaluatie_op_tijd",
    "doelrealisatie",
    "zelfredzaamheid",
    "verwijzingen_uitkomst",
    "casusoverleggen",
    "escalaties",
    "partner_sla",
    "istandaarden_sla",
    "kosten_taakveld",
    "kosten_per_huishouden",
    "bbv_29_jeugdhulp",
    "bbv_30_jeugdbescherming",
    "bbv_32_wmo_maatwerk",
]
TAAKVELDEN = {"6.6", "6.71", "6.72", "6.73", "6.74", "6.81", "6.82"}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _direction(higher_is_better: bool | None) -> str:
    return {True: "hoger is beter", False: "lager is beter", None: "—"}[higher_is_better]


def catalogue_markdown() -> str:
    """The indicator tables of docs/steering.md, one per group, in catalogue order."""
    lines: list[str] = []
    for group in Indicator.Group:
        rows = list(Indicator.objects.filter(group=group).order_by("position"))
        if not rows:
            continue
        lines += [
            f"### {group.label}",
            "",
            "| Code | Name | Definition | Formula | Source data | Unit | Direction | Reference | Owner |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            "| "
            + " | ".join(
                [
                    f"`{row.code}`",
                    _cell(row.name),
                    _cell(row.definition),
                    _cell(row.formula),
                    _cell(row.source_data),
                    _cell(row.get_unit_display()),
                    _direction(row.higher_is_better),
                    _cell(row.reference),
                    _cell(row.owner),
                ]
            )
            + " |"
            for row in rows
        ]
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def budget_lines_markdown() -> str:
    """The budget-line table of docs/steering.md: product category → taakveld."""
    names = {(c.law, c.code): c.name for c in ProductCategory.objects.all()}
    lines = ["| Law | Product category | Taakveld | Note |", "|---|---|---|---|"]
    for line in BudgetLine.objects.order_by("-law", "category"):
        choice = re.search(r"\((keuze van Toegang[^)]*)\)$", line.source)
        note = choice.group(1) if choice else ""
        lines.append(
            f"| {line.law} | {line.category} {_cell(names.get((line.law, line.category), ''))} "
            f"| {line.taakveld} {_cell(line.taakveld_name)} | {_cell(note)} |"
        )
    return "\n".join(lines)


def _section(text: str, name: str) -> re.Match[str]:
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"docs/steering.md has no generated section '{name}'"
    return match


def _check_generated(name: str, table: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = _section(text, name)
    expected = table + "\n"
    if WRITE:
        DOCS.write_text(text[: section.start(1)] + expected + text[section.end(1) :], encoding="utf-8")
        return
    assert section.group(1) == expected, (
        f"docs/steering.md ({name}) differs from the data; regenerate with STEERING_WRITE_DOCS=1"
    )


def test_the_catalogue_holds_exactly_the_codes_the_computation_uses():
    assert list(Indicator.objects.order_by("position").values_list("code", flat=True)) == CODES


@pytest.mark.parametrize("code", CODES)
def test_every_indicator_is_complete(code):
    indicator = Indicator.objects.get(code=code)
    for field in ("name", "definition", "formula", "source_data", "reference", "owner"):
        assert getattr(indicator, field).strip(), f"{code}: {field} is empty"
    assert indicator.unit in Indicator.Unit.values
    assert indicator.group in Indicator.Group.values
    indicator.full_clean()  # lengths and choices as the model declares them


def test_positions_are_unique_steps_of_ten():
    positions = list(Indicator.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(10, 10 * len(CODES) + 1, 10))


def test_bbv_indicators_use_the_published_units():
    units = dict(Indicator.objects.filter(group=Indicator.Group.BBV).values_list("code", "unit"))
    assert units == {
        "bbv_29_jeugdhulp": Indicator.Unit.PERCENT_OF_YOUTH,
        "bbv_30_jeugdbescherming": Indicator.Unit.PERCENT_OF_YOUTH,
        "bbv_32_wmo_maatwerk": Indicator.Unit.PER_10000,
    }
    for reference in Indicator.objects.filter(group=Indicator.Group.BBV).values_list("reference", flat=True):
        assert "BBV beleidsindicator" in reference
        assert "waarstaatjegemeente.nl" in reference


def test_every_product_category_has_a_budget_line():
    lines = {(b.law, b.category): b for b in BudgetLine.objects.all()}
    categories = list(ProductCategory.objects.values_list("law", "code"))
    assert len(categories) == 34
    for law, code in categories:
        line = lines.get((law, code))
        assert line is not None, f"{law} {code} has no taakveld"
        assert line.taakveld in TAAKVELDEN
        assert line.taakveld_name.strip()
        assert "aanname" in line.source and "Iv3" in line.source
        line.full_clean()
    assert set(lines) == set(categories)


def test_budget_lines_follow_the_domain_table():
    taakveld = dict(((b.law, b.category), b.taakveld) for b in BudgetLine.objects.all())
    assert {taakveld[("wmo", f"{c:02d}")] for c in range(1, 11)} == {"6.71"}
    assert {taakveld[("wmo", f"{c:02d}")] for c in range(11, 15)} == {"6.6"}
    assert {taakveld[("wmo", f"{c:02d}")] for c in range(15, 19)} == {"6.81"}
    assert {taakveld[("jeugd", c)] for c in ("43", "44")} == {"6.73"}
    assert {taakveld[("jeugd", c)] for c in ("46", "51", "52", "54")} == {"6.74"}
    assert {taakveld[("jeugd", c)] for c in ("47", "48", "49")} == {"6.82"}
    assert taakveld[("jeugd", "45")] == "6.72"


def test_references_name_real_sources_not_the_projects_notes():
    """What a report prints as "Bron" is a law, a national source or "Toegang-indicator", never the project's own
    domain notes (steering 0006 rewrote the shipped references)."""
    texts = [
        *Indicator.objects.values_list("reference", flat=True),
        *BudgetLine.objects.values_list("source", flat=True),
    ]
    assert texts and not [t for t in texts if "DOMAIN" in t or "()" in t or t.endswith((";", ","))]
    assert (
        Indicator.objects.get(code="meldingen_bron").reference
        == "Toegang-indicator (procesindicator: meldingen naar bron)"
    )
    rewrite = importlib.import_module("toegang.steering.migrations.0006_references_without_project_files")
    assert rewrite.without_project_notes("Awb art. 4:17; DOMAIN.md §1.4 en §4.5") == "Awb art. 4:17"


def test_the_data_migrations_reverse_and_reapply():
    catalogue = importlib.import_module("toegang.steering.migrations.0002_catalogue")
    budget = importlib.import_module("toegang.steering.migrations.0003_budget_lines")
    budget.unload(django_apps, None)
    catalogue.unload(django_apps, None)
    assert not Indicator.objects.exists()
    assert not BudgetLine.objects.exists()
    catalogue.load(django_apps, None)
    budget.load(django_apps, None)
    catalogue.load(django_apps, None)  # idempotent: update_or_create by code
    budget.load(django_apps, None)
    assert Indicator.objects.count() == len(CODES)
    assert BudgetLine.objects.count() == ProductCategory.objects.count()


def test_docs_mention_every_indicator_code():
    text = DOCS.read_text(encoding="utf-8")
    for code in Indicator.objects.values_list("code", flat=True):
        assert f"`{code}`" in text, f"docs/steering.md does not mention {code}"


def test_docs_catalogue_is_generated_from_the_data():
    _check_generated("catalogue", catalogue_markdown())


def test_docs_budget_lines_are_generated_from_the_data():
    _check_generated("budget-lines", budget_lines_markdown())
