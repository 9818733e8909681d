"""The household page shows the latest notes; the notes page has all of them, newest first, a page at a
time, with the same rules: restricted notes stay within their organisation, a consent that does not
share notes keeps the page closed, one audit row per request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import make_trajectory, wmo_rule
from tests.test_consent import give_consent, involve
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.cases import views as case_views
from toegang.common.dates import today
from toegang.privacy.models import ProcessingActivity


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(case_views, "HOUSEHOLD_NOTES", 2)
    monkeypatch.setattr(case_views, "NOTES_PAGE", 3)


def write_notes(world, trajectory, texts_by_day):
    for days_ago, text in texts_by_day:
        case_services.add_note(
            actor=world.professional,
            trajectory=trajectory,
            text=text,
            happened_on=today() - dt.timedelta(days=days_ago),
        )


def shown(body: str, texts) -> list[str]:
    return sorted((t for t in texts if t in body), key=body.index)


def test_latest_notes_on_the_household_and_all_of_them_page_by_page(client, world, small_pages):
    trajectory = make_trajectory(world)
    # two notes share a day: the later one (higher id) comes first
    days = [(6, "notitie-a"), (5, "notitie-b"), (4, "notitie-c"), (3, "notitie-d"), (3, "notitie-e")]
    days += [(2, "notitie-f"), (1, "notitie-g")]
    write_notes(world, trajectory, days)
    texts = [t for _d, t in days]
    client.force_login(world.professional)

    body = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert shown(body, texts) == ["notitie-g", "notitie-f"]
    assert reverse("notes", args=[trajectory.pk]) in body

    base = reverse("notes", args=[trajectory.pk])
    url, pages, before = base, [], AuditEntry.objects.count()
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(shown(response.content.decode(), texts))
        url = f"{base}?vanaf={response.context['next']}" if response.context["next"] else ""
    assert pages == [["notitie-g", "notitie-f", "notitie-e"], ["notitie-d", "notitie-c", "notitie-b"], ["notitie-a"]]
    members = set(trajectory.household.memberships.values_list("person_id", flat=True))
    entries = AuditEntry.objects.order_by("pk")[before:]
    assert [(e.action, e.object_type, e.object_id) for e in entries] == [("read", "trajectory", str(trajectory.pk))] * 3
    assert all(set(e.subjects.values_list("person_id", flat=True)) == members for e in entries)


def test_restricted_notes_of_another_organisation_are_not_on_the_notes_page(client, world):
    trajectory = make_trajectory(world)
    involve(world, trajectory, ProcessingActivity.objects.get(code="jeugdhulp"))  # on a legal basis
    case_services.add_note(
        actor=world.partner, trajectory=trajectory, text="Alleen voor ons", happened_on=today(), restricted=True
    )
    case_services.add_note(actor=world.partner, trajectory=trajectory, text="Voor iedereen", happened_on=today())
    url = reverse("notes", args=[trajectory.pk])
    client.force_login(world.professional)
    body = client.get(url).content.decode()
    assert "Voor iedereen" in body and "Alleen voor ons" not in body
    client.force_login(world.partner)
    body = client.get(url).content.decode()
    assert "Voor iedereen" in body and "Alleen voor ons" in body


@pytest.mark.parametrize(("categories", "status"), [(["plan"], 404), (["plan", "notities"], 200)])
def test_a_partner_in_on_consent_sees_the_notes_only_when_the_consent_shares_them(client, world, categories, status):
    integral = ProcessingActivity.objects.get(code="integrale-ondersteuning")
    trajectory = make_trajectory(world)
    give_consent(world, trajectory, integral, categories=categories)
    involve(world, trajectory, integral)
    write_notes(world, trajectory, [(1, "Gesprek met moeder")])
    client.force_login(world.partner)
    response = client.get(reverse("notes", args=[trajectory.pk]))
    assert response.status_code == status
    household = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert ("deelt geen notities" in household) is (status == 404)  # not "Nog geen notities."
    assert ("deelt geen documenten" in household) is (status == 404)
    assert ("Gesprek met moeder" in household) is (status == 200)
    if status == 404:
        assert "Gesprek met moeder" not in response.content.decode()
        assert AuditEntry.objects.filter(
            action="denied", object_type="trajectory", object_id=str(trajectory.pk)
        ).exists()
        assert not AuditEntry.objects.filter(
            action="read", actor=world.partner, object_type="trajectory", object_id=str(trajectory.pk)
        ).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("professional", 200), ("team_lead", 200), ("manager", 200), ("admin", 403), ("privacy", 403)]
)
def test_who_opens_the_notes_page(client, world, who, status):
    trajectory = make_trajectory(world)
    write_notes(world, trajectory, [(1, "Huisbezoek gedaan")])
    client.force_login(getattr(world, who))
    response = client.get(reverse("notes", args=[trajectory.pk]))
    assert response.status_code == status
    assert ("Huisbezoek gedaan" in response.content.decode()) is (status == 200)


def test_an_earlier_trajectorys_notes_are_linked_from_the_household(client, world):
    earlier = make_trajectory(world)
    write_notes(world, earlier, [(2, "Uit het eerste traject")])
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=earlier,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=wmo_rule(),
    )
    current = make_trajectory(world, household=earlier.household)
    write_notes(world, current, [(1, "Uit het tweede traject")])
    client.force_login(world.professional)
    body = client.get(reverse("household", args=[earlier.household_id])).content.decode()
    assert "Uit het tweede traject" in body and "Uit het eerste traject" not in body
    assert reverse("notes", args=[earlier.pk]) in body and reverse("notes", args=[current.pk]) in body
    body = client.get(reverse("notes", args=[earlier.pk])).content.decode()
    assert "Uit het eerste traject" in body and "(afgesloten)" in body


def test_another_teams_trajectory_and_a_bad_page_reference(client, world):
    trajectory = make_trajectory(world)
    url = reverse("notes", args=[trajectory.pk])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert AuditEntry.objects.filter(action="denied", object_id=str(trajectory.pk)).exists()
    client.force_login(world.professional)
    before = AuditEntry.objects.count()
    for bad in [
        "gisteren",
        "2026-11-02",
        "2026-11-02.x",
        "2026-13-02.5",
        "2026-11-02.99999999999999999999",
        "2026-11-02.٣",
    ]:
        response = client.get(url, {"vanaf": bad})
        assert response.status_code == 400, bad
        assert "Vanaf: geen geldige vervolgpagina" in response.content.decode()
    assert AuditEntry.objects.count() == before  # nothing was shown, nothing logged as read
