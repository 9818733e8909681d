"""The privacy officer's screens: who saw person X, what did user Y see; denials are logged too."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.conftest import make_trajectory
from toegang.accounts.models import User
from toegang.audit.models import AuditEntry
from toegang.common.dates import today


def test_who_saw_person_x(client, world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    client.force_login(world.team_lead)
    client.get(reverse("household", args=[trajectory.household_id]))
    client.force_login(world.privacy)
    response = client.get(reverse("audit-person"), {"bsn": person.bsn})
    body = response.content.decode()
    assert response.status_code == 200
    assert "teamleider" in body and "Ingezien" in body
    assert f" · {User.Role.TEAM_LEAD.label}</td>" in body  # the role by its name, not its code
    assert AuditEntry.objects.filter(actor=world.privacy, action="search", subjects__person_id=person.pk).exists()
    # a period before today shows nothing
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    body = client.get(reverse("audit-person"), {"bsn": person.bsn, "end": yesterday}).content.decode()
    assert "Geen logregels in deze periode" in body


def test_what_did_user_y_see_and_bad_input(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.colleague)
    client.get(reverse("household", args=[trajectory.household_id]))
    client.force_login(world.privacy)
    body = client.get(reverse("audit-user"), {"username": "collega"}).content.decode()
    assert f"huishouden {trajectory.household_id}" in body
    response = client.get(reverse("audit-person"), {"bsn": "123456781"})
    assert response.status_code == 400 and "elfproef" in response.content.decode()
    response = client.get(reverse("audit-user"), {"username": "collega", "start": "2026-02-01", "end": "2026-01-01"})
    assert (
        response.status_code == 400 and "Tot en met: de einddatum ligt vóór de begindatum" in response.content.decode()
    )


def test_only_the_privacy_officer_sees_the_log(client, world):
    for user in (world.professional, world.team_lead, world.manager, world.admin):
        client.force_login(user)
        assert client.get(reverse("audit-person")).status_code == 403
        assert client.get(reverse("audit-user")).status_code == 403


def test_guessing_another_teams_household_is_a_logged_denial(client, world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    client.force_login(world.outsider)
    assert client.get(reverse("household", args=[trajectory.household_id])).status_code == 404
    assert client.get(reverse("plan", args=[trajectory.pk])).status_code == 404
    denied = AuditEntry.objects.filter(actor=world.outsider, action="denied")
    assert denied.count() == 2
    assert set(denied.values_list("subjects__person_id", flat=True)) >= {person.pk}
    client.force_login(world.privacy)
    assert "Toegang geweigerd" in client.get(reverse("audit-person"), {"bsn": person.bsn}).content.decode()


def test_log_pages_are_keyset_paged(client, world):
    from toegang.audit import services as audit

    for _ in range(105):
        audit.record(actor=world.colleague, action=audit.Action.READ, object_type="household", object_id=1)
    client.force_login(world.privacy)
    first = client.get(reverse("audit-user"), {"username": "collega"}).content.decode()
    assert first.count("huishouden 1") == 100 and "Oudere logregels" in first
    last_id = AuditEntry.objects.filter(actor=world.colleague).order_by("id")[5].id
    rest = client.get(reverse("audit-user"), {"username": "collega", "before": last_id + 1}).content.decode()
    assert rest.count("huishouden 1") == 6 and "Oudere logregels" not in rest


def test_a_new_search_starts_at_the_newest_entries(client, world):
    from toegang.audit import services as audit

    for _ in range(3):
        audit.record(actor=world.colleague, action=audit.Action.READ, object_type="household", object_id=1)
    client.force_login(world.privacy)
    oldest = AuditEntry.objects.filter(actor=world.colleague).order_by("id").first().id
    body = client.get(reverse("audit-user"), {"username": "collega", "before": oldest}).content.decode()
    assert "huishouden 1" not in body
    assert 'name="before"' not in client.get(reverse("audit-user")).content.decode()


def test_a_row_names_its_role_or_keeps_a_code_that_is_no_longer_a_role():
    assert AuditEntry(role=User.Role.PRIVACY_OFFICER).role_label == str(User.Role.PRIVACY_OFFICER.label)
    assert AuditEntry(role="wijkcoach-oud").role_label == "wijkcoach-oud"  # the log keeps what was true then
