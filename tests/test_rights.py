"""The resident's rights: requests against their term, and the inzage export as JSON and PDF."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from tests.conftest import make_agreed_plan, make_trajectory
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.privacy import rights
from toegang.privacy.models import RightsRequest


def test_months_are_added_as_calendar_months():
    assert rights.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rights.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert rights.add_months(dt.date(2024, 11, 29), 3) == dt.date(2025, 2, 28)
    assert rights.add_months(dt.date(2026, 5, 15), 1) == dt.date(2026, 6, 15)


def test_register_and_close_with_terms(world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    access = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="inzage", received_on=today())
    destroy = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="vernietiging", received_on=today())
    assert access.due_on == rights.add_months(today(), 1) and destroy.due_on == rights.add_months(today(), 3)
    with pytest.raises(DomainError, match="wettelijke uitzondering"):
        rights.close_request(actor=world.privacy, request=destroy, status="afgewezen", handled_on=today(), outcome="")
    rights.close_request(actor=world.privacy, request=access, status="afgehandeld", handled_on=today(), outcome="")
    with pytest.raises(DomainError, match="al afgehandeld"):
        rights.close_request(actor=world.privacy, request=access, status="afgehandeld", handled_on=today(), outcome="")
    with pytest.raises(DomainError, match="privacyfunctionaris"):
        rights.register_request(actor=world.professional, bsn=person.bsn, kind="inzage", received_on=today())
    with pytest.raises(DomainError, match="toekomst"):
        rights.register_request(
            actor=world.privacy, bsn=person.bsn, kind="inzage", received_on=today() + dt.timedelta(days=1)
        )
    with pytest.raises(DomainError, match="^Ontvangen op: ligt meer dan een jaar terug"):  # 1900 was accepted
        rights.register_request(actor=world.privacy, bsn=person.bsn, kind="inzage", received_on=dt.date(1900, 1, 1))


def test_inzage_export_holds_everything_and_who_looked(client, world):
    trajectory = make_trajectory(world)
    make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    case_services.add_note(
        actor=world.professional, trajectory=trajectory, text="Gesprek over de post", happened_on=today()
    )
    case_services.add_note(
        actor=world.professional, trajectory=trajectory, text="Interne afweging", happened_on=today(), restricted=True
    )
    person = trajectory.household.memberships.first().person
    client.force_login(world.team_lead)
    client.get(reverse("household", args=[trajectory.household_id]))
    request = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="inzage", received_on=today())
    client.force_login(world.privacy)
    response = client.get(reverse("rights-export", args=[request.pk, "json"]))
    data = json.loads(response.content)
    assert data["persoon"]["bsn"] == person.bsn
    assert data["trajecten"][0]["plannen"][0]["doelen"][0]["resultaat"] == "Resultaat 0"
    notes = [n["tekst"] for n in data["trajecten"][0]["notities"]]
    assert "Gesprek over de post" in notes and "Interne afweging" in notes  # access covers all notes
    seen = data["wie_zag_mijn_gegevens"]
    assert any(e["gebruiker"] == str(world.team_lead) and e["handeling"] == "Ingezien" for e in seen)
    # the privacy officer's own work under their name; nobody is "you" in an export the officer prepares
    assert any(e["gebruiker"] == str(world.privacy) for e in seen)
    assert not any(e["gebruiker"] == "Uzelf, via dit portaal" for e in seen)
    pdf = client.get(reverse("rights-export", args=[request.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", actor=world.privacy, subjects__person_id=person.pk).count() == 2
    assert client.get(reverse("rights-export", args=[request.pk, "exe"])).status_code == 404


def test_request_screens(client, world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    client.force_login(world.privacy)
    response = client.post(
        reverse("rights-requests"), {"bsn": "123456781", "kind": "inzage", "received_on": today().isoformat()}
    )
    assert response.status_code == 400 and "elfproef" in response.content.decode()
    response = client.post(
        reverse("rights-requests"),
        {"bsn": person.bsn, "kind": "inzage", "received_on": (today() - dt.timedelta(days=40)).isoformat()},
    )
    request = RightsRequest.objects.get()
    assert response["Location"] == reverse("rights-request", args=[request.pk])
    assert "termijn verstreken" in client.get(reverse("rights-requests")).content.decode()
    again = client.post(
        reverse("rights-requests"),
        {"bsn": person.bsn, "kind": "inzage", "received_on": today().isoformat()},
        follow=True,
    )  # a second letter about the same: registered, and the officer is told of the first
    earlier = (today() - dt.timedelta(days=40)).strftime("%d-%m-%Y")
    assert (
        f"er staat al een open verzoek van deze soort voor deze inwoner, ontvangen op {earlier}"
        in again.content.decode()
    )
    second = RightsRequest.objects.exclude(pk=request.pk).get()
    other_kind = client.post(
        reverse("rights-requests"),
        {"bsn": person.bsn, "kind": "bezwaar", "received_on": today().isoformat()},
        follow=True,
    )
    assert "er staat al een open verzoek" not in other_kind.content.decode()
    RightsRequest.objects.exclude(pk=request.pk).delete()
    assert second.kind == "inzage"
    client.post(
        reverse("rights-request", args=[request.pk]),
        {"status": "afgehandeld", "handled_on": today().isoformat(), "outcome": ""},
    )
    assert RightsRequest.objects.get().status == "afgehandeld"
    client.force_login(world.professional)
    assert client.get(reverse("rights-requests")).status_code == 403
    assert client.get(reverse("rights-export", args=[request.pk, "json"])).status_code == 403


def _closed_trajectory(world, household=None):
    from toegang.privacy.models import RetentionRule

    trajectory = make_trajectory(world, household=household)
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        note="",
        retention_rule=RetentionRule.objects.get(code="jeugd"),
    )
    return trajectory


def test_granted_destruction_request_destroys_the_chosen_closed_dossiers(client, world):
    from toegang.cases.models import Trajectory
    from toegang.privacy.models import DeletionRecord

    first = _closed_trajectory(world)
    second = _closed_trajectory(world, household=first.household)
    running = make_trajectory(world, household=first.household)
    person = first.household.memberships.first().person
    request = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="vernietiging", received_on=today())
    client.force_login(world.privacy)
    url = reverse("rights-request", args=[request.pk])
    page = client.get(url).content.decode()
    assert "Te vernietigen trajecten" in page and "Jeugdwet art. 7.3.9" in page
    form = {"status": "afgehandeld", "handled_on": today().isoformat(), "trajectories": [first.pk]}

    refused = client.post(url, form)  # the legal exceptions are not confirmed
    assert refused.status_code == 400 and "Geen wettelijke uitzondering: bevestig" in refused.content.decode()
    assert Trajectory.objects.filter(pk=first.pk).exists()

    Trajectory.objects.filter(pk=second.pk).update(legal_hold=True, legal_hold_reason="Procedure")
    held = client.post(url, {**form, "trajectories": [first.pk, second.pk], "no_exception": "on"})
    assert held.status_code == 400 and "juridische blokkade" in held.content.decode()
    assert Trajectory.objects.filter(pk__in=[first.pk, second.pk]).count() == 2  # nothing half done

    not_closed = client.post(url, {**form, "trajectories": [running.pk], "no_exception": "on"})
    assert not_closed.status_code == 400
    assert Trajectory.objects.filter(pk=running.pk).exists()

    done = client.post(url, {**form, "no_exception": "on"})
    assert done.status_code == 302
    assert not Trajectory.objects.filter(pk=first.pk).exists()
    assert Trajectory.objects.filter(pk__in=[second.pk, running.pk]).count() == 2
    assert DeletionRecord.objects.filter(category="vernietiging op verzoek", count=1).exists()
    request.refresh_from_db()
    assert request.status == "afgehandeld" and "1 afgesloten traject(en) vernietigd" in request.outcome
    assert AuditEntry.objects.filter(object_type="rightsrequest", detail__contains="vernietigd").exists()


def test_refused_destruction_request_destroys_nothing(world):
    from toegang.cases.models import Trajectory

    trajectory = _closed_trajectory(world)
    person = trajectory.household.memberships.first().person
    request = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="vernietiging", received_on=today())
    rights.close_request(
        actor=world.privacy,
        request=request,
        status="afgewezen",
        handled_on=today(),
        outcome="Aanmerkelijk belang van een ander (broer) verzet zich.",
        trajectories=[trajectory],
        no_exception=True,
    )
    assert Trajectory.objects.filter(pk=trajectory.pk).exists()


def _closed_between(world, household, *, started_on, closed_on, team=None, regisseur=None):
    from toegang.privacy.models import RetentionRule

    regisseur = regisseur or world.professional
    trajectory = case_services.start_trajectory(
        actor=regisseur, household=household, team=team or regisseur.team, regisseur=regisseur, started_on=started_on
    )
    case_services.close_trajectory(
        actor=regisseur,
        trajectory=trajectory,
        closed_on=closed_on,
        reason="doelen_bereikt",
        note="",
        retention_rule=RetentionRule.objects.get(code="jeugd"),
    )
    return trajectory


def test_destruction_covers_only_dossiers_of_the_officers_municipality(client, world):
    """A resident who moved here from another municipality: the privacy officer destroys only this
    municipality's dossiers; the other municipality's are not offered and are refused."""
    from tests.conftest import make_household
    from toegang.cases.models import Trajectory
    from toegang.people import services as people_services

    here = _closed_trajectory(world)
    person = here.household.memberships.order_by("pk").first().person  # member since 400 days ago
    elsewhere = make_household(world, area=world.other_area, actor=world.outsider, members=1)
    people_services.add_member(
        actor=world.outsider,
        household=elsewhere,
        person=person,
        role="kind",
        start_date=today() - dt.timedelta(days=800),
        end_date=today() - dt.timedelta(days=401),
    )
    there = _closed_between(
        world,
        elsewhere,
        started_on=today() - dt.timedelta(days=700),
        closed_on=today() - dt.timedelta(days=500),
        regisseur=world.outsider,
    )
    request = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="vernietiging", received_on=today())
    assert set(rights.destructible_trajectories(person, officer=world.privacy)) == {here}

    client.force_login(world.privacy)
    url = reverse("rights-request", args=[request.pk])
    assert elsewhere.name not in client.get(url).content.decode()
    form = {"status": "afgehandeld", "handled_on": today().isoformat(), "no_exception": "on"}
    assert client.post(url, {**form, "trajectories": [there.pk]}).status_code == 400
    with pytest.raises(DomainError, match="Te vernietigen trajecten"):
        rights.close_request(
            actor=world.privacy,
            request=request,
            status="afgehandeld",
            handled_on=today(),
            outcome="",
            trajectories=[there],
            no_exception=True,
        )
    assert Trajectory.objects.filter(pk=there.pk).exists()


def test_destruction_covers_only_dossiers_from_while_the_person_was_a_member(world):
    """A dossier of the household that closed before the person joined it is not the person's."""
    from tests.conftest import make_household, next_bsn
    from toegang.people import services as people_services

    household = make_household(world)
    before = _closed_between(
        world, household, started_on=today() - dt.timedelta(days=300), closed_on=today() - dt.timedelta(days=100)
    )
    newcomer = people_services.register_person(
        actor=world.professional, bsn=next_bsn(), voornamen="Nieuw", geslachtsnaam="Lid"
    )
    people_services.add_member(
        actor=world.professional,
        household=household,
        person=newcomer,
        role="partner",
        start_date=today() - dt.timedelta(days=50),
    )
    since = _closed_between(world, household, started_on=today() - dt.timedelta(days=40), closed_on=today())
    assert set(rights.destructible_trajectories(newcomer, officer=world.privacy)) == {since}
    request = rights.register_request(actor=world.privacy, bsn=newcomer.bsn, kind="vernietiging", received_on=today())
    with pytest.raises(DomainError, match="Te vernietigen trajecten"):
        rights.close_request(
            actor=world.privacy,
            request=request,
            status="afgehandeld",
            handled_on=today(),
            outcome="",
            trajectories=[before],
            no_exception=True,
        )


def test_destruction_waits_for_an_open_objection_as_the_retention_run_does(world):
    """An open objection (AVG art. 21) of a household member keeps the dossier from the retention run;
    a request for destruction by another member does not get round it."""
    from toegang.cases.models import Trajectory

    trajectory = _closed_trajectory(world)
    requester, objector = [m.person for m in trajectory.household.memberships.order_by("pk")[:2]]
    rights.register_request(actor=world.privacy, bsn=objector.bsn, kind="bezwaar", received_on=today())
    request = rights.register_request(actor=world.privacy, bsn=requester.bsn, kind="vernietiging", received_on=today())
    with pytest.raises(DomainError, match="bezwaar"):
        rights.close_request(
            actor=world.privacy,
            request=request,
            status="afgehandeld",
            handled_on=today(),
            outcome="",
            trajectories=[trajectory],
            no_exception=True,
        )
    assert Trajectory.objects.filter(pk=trajectory.pk).exists()


def test_the_inzage_export_holds_what_this_municipality_holds(world):
    from toegang.people.models import Membership

    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    elsewhere = make_trajectory(world, team=world.other_team)  # a household in the other municipality's area?
    if elsewhere.household.municipality_id == trajectory.household.municipality_id:
        type(elsewhere.household).objects.filter(pk=elsewhere.household_id).update(municipality=world.other_gemeente)
    Membership.objects.create(
        person=person,
        household=elsewhere.household,
        role="kind",
        start_date=today() - dt.timedelta(days=900),
        end_date=today() - dt.timedelta(days=800),
    )
    data = rights.export_person(actor=world.privacy, person=person)
    names = {h["huishouden"] for h in data["huishoudens"]}
    assert trajectory.household.name in names and elsewhere.household.name not in names
