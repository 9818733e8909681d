"""Exports are logged and safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_trajectory
from toegang.audit.models import AuditEntry
from toegang.common.exports import DANGEROUS, safe_cell
from toegang.people.models import Household


@given(st.text())
def test_no_cell_starts_with_a_formula_character(text):
    cell = safe_cell(text)
    assert not cell.startswith(DANGEROUS)
    assert cell.endswith(text)


def test_team_export_neutralises_formulas_and_is_logged(client, world):
    trajectory = make_trajectory(world)
    Household.objects.filter(pk=trajectory.household_id).update(name='=HYPERLINK("http://x","klik")')
    client.force_login(world.team_lead)
    response = client.get(reverse("team-export"))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    assert AuditEntry.objects.filter(action="export", actor=world.team_lead, object_type="teamoverzicht").exists()
    client.force_login(world.admin)
    assert client.get(reverse("team-export")).status_code == 403
