"""Break-the-glass: a professional without access opens a dossier for a limited time with a reason;
every log row is flagged, the privacy officer and the regisseur hear of it at once, and it is reviewed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.conftest import law_basis, make_trajectory
from toegang.audit import services as audit_services
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.cases.models import Note
from toegang.cases.selectors import households_visible_to
from toegang.common.errors import DomainError
from toegang.network import referrals
from toegang.network.models import CaseConference
from toegang.plans import services as plan_services
from toegang.plans.models import LifeDomain
from toegang.privacy import services
from toegang.privacy.context import EmergencyState, current_emergency
from toegang.privacy.models import EmergencyAccess, Message

REASON = "Moeder belt in paniek, kind niet thuisgekomen; regisseur onbereikbaar."


@pytest.fixture
def other_team_case(world):
    """A household of the other team of the same municipality, outside the professional's access."""
    from toegang.accounts.models import Area, Team, User

    area = Area.objects.create(municipality=world.gemeente, name="Oost")
    team = Team.objects.create(name="Team Oost", area=area)
    regisseur = User.objects.create_user(
        username="regie-oost",
        password="x-wachtwoord-123456",
        role="professional",
        organisation=world.municipality_org,
        team=team,
        municipality=world.gemeente,
    )
    world.privacy.municipality = world.gemeente
    world.privacy.save()
    return make_trajectory(world, team=team, regisseur=regisseur), regisseur


def test_without_a_reason_it_is_refused(world, other_team_case):
    trajectory, _ = other_team_case
    bsn = trajectory.household.memberships.first().person.bsn
    with pytest.raises(DomainError, match="Reden"):
        services.start_emergency_access(actor=world.professional, bsn=bsn, reason="  kort ")
    assert not EmergencyAccess.objects.exists()
    assert not households_visible_to(world.professional).filter(pk=trajectory.household_id).exists()


def test_emergency_access_through_the_screens(client, world, other_team_case):
    trajectory, regisseur = other_team_case
    person = trajectory.household.memberships.first().person
    client.force_login(world.professional)
    household_url = reverse("household", args=[trajectory.household_id])
    refused = client.get(household_url)
    assert refused.status_code == 404 and "Vraag noodtoegang" in refused.content.decode()  # the way on
    response = client.post(reverse("emergency-start"), {"bsn": person.bsn, "reason": "te kort"})
    assert response.status_code == 400 and "Reden: beschrijf waarom u nu moet handelen" in response.content.decode()
    response = client.post(reverse("emergency-start"), {"bsn": person.bsn, "reason": REASON})
    assert response.status_code == 302 and response["Location"] == household_url
    page = client.get(household_url)
    assert page.status_code == 200 and "Noodtoegang actief tot" in page.content.decode()
    access = EmergencyAccess.objects.get()
    read = AuditEntry.objects.filter(actor=world.professional, action="read", object_type="household").latest("id")
    assert read.emergency and read.legal_basis == f"noodtoegang {access.pk}"
    # announced at once to the privacy officer and the regisseur
    assert set(Message.objects.values_list("recipient__username", flat=True)) == {"privacy", "regie-oost"}
    # after the time limit the door closes again
    past = timezone.now() - dt.timedelta(hours=5)
    EmergencyAccess.objects.filter(pk=access.pk).update(started_at=past, expires_at=past + dt.timedelta(hours=4))
    assert client.get(household_url).status_code == 404


def test_review_by_the_privacy_officer(client, world, other_team_case):
    trajectory, _ = other_team_case
    bsn = trajectory.household.memberships.first().person.bsn
    access = services.start_emergency_access(actor=world.professional, bsn=bsn, reason=REASON)
    client.force_login(world.privacy)
    page = client.get(reverse("emergency-reviews")).content.decode()
    assert REASON in page
    response = client.post(
        reverse("emergency-review", args=[access.pk]), {"verdict": "onterecht", "note": ""}, follow=True
    )
    assert "Toelichting: leg uit waarom" in response.content.decode()
    assert EmergencyAccess.objects.get().reviewed_at is None
    client.post(reverse("emergency-review", args=[access.pk]), {"verdict": "terecht", "note": "Acute zorg."})
    access.refresh_from_db()
    assert access.verdict == "terecht" and access.reviewed_by == world.privacy
    assert (
        "Er zijn geen noodtoegangen die op beoordeling wachten"
        in client.get(reverse("emergency-reviews")).content.decode()
    )
    assert Message.objects.filter(recipient=world.professional, text__contains="Terecht").exists()


def test_the_review_shows_what_was_done_under_the_access(client, world, other_team_case):
    trajectory, _ = other_team_case
    bsn = trajectory.household.memberships.first().person.bsn
    access = services.start_emergency_access(actor=world.professional, bsn=bsn, reason=REASON)
    client.force_login(world.professional)
    for _twice in range(2):
        assert client.get(reverse("household", args=[trajectory.household_id])).status_code == 200
    note = {"kind": "notitie", "happened_on": timezone.localdate().isoformat(), "text": "Politie gebeld."}
    assert client.post(reverse("note-add", args=[trajectory.pk]), note).status_code == 302
    client.get(reverse("caseload"))  # the user's own work, not under the access: not counted
    client.force_login(world.privacy)
    page = client.get(reverse("emergency-reviews")).content.decode()
    card = page[page.index(f'id="noodtoegang-{access.pk}"') :]
    assert "2× ingezien" in card and "2× aangemaakt" in card  # the access itself and the note
    assert "Wijzigingen en andere handelingen dan inzien" in card and f"notitie {Note.objects.get().pk}" in card
    assert f"?username={world.professional.username}&amp;start=" in card


def test_break_the_glass_reads_and_records_but_does_not_steer_the_case(client, world, other_team_case):
    trajectory, regisseur = other_team_case
    involvement = case_services.add_involvement(
        actor=regisseur,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=timezone.localdate(),
        basis=law_basis(),
    )
    plan = plan_services.start_plan(actor=regisseur, trajectory=trajectory)  # a draft the own team shapes
    client.force_login(regisseur)
    assert reverse("plan-update", args=[plan.pk]) in client.get(reverse("plan", args=[trajectory.pk])).content.decode()
    services.start_emergency_access(
        actor=world.professional, bsn=trajectory.household.memberships.first().person.bsn, reason=REASON
    )
    client.force_login(world.professional)
    plan_page = client.get(reverse("plan", args=[trajectory.pk]))
    assert plan_page.status_code == 200 and reverse("plan-update", args=[plan.pk]) not in plan_page.content.decode()
    page = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "Noodtoegang actief tot" in page and "Notitie of contactmoment toevoegen" in page
    for steer in ("Regie overdragen", "Professional betrekken", "Traject afsluiten", "Betrokkenheid beëindigen"):
        assert steer not in page, steer
    person_id = trajectory.household.memberships.first().person_id
    person_page = client.get(reverse("household-person", args=[trajectory.household_id, person_id])).content.decode()
    assert "Gegevens wijzigen" not in person_page
    refused = "Met noodtoegang leest u het dossier en legt u vast wat u doet; het eigen team stuurt de zaak."
    for url in (
        reverse("regisseur-change", args=[trajectory.pk]),
        reverse("involvement-add", args=[trajectory.pk]),
        reverse("trajectory-close", args=[trajectory.pk]),
        reverse("involvement-end", args=[involvement.pk]),
        reverse("procedure-new", args=[trajectory.pk]),
        reverse("exploration-new", args=[trajectory.pk]),
        reverse("review-new", args=[trajectory.pk]),
        reverse(
            "household-person-change",
            args=[trajectory.household_id, trajectory.household.memberships.first().person_id],
        ),
    ):
        response = client.post(url, {})
        assert response.status_code == 403 and refused in response.content.decode(), url
    conference = {"held_on": timezone.localdate().isoformat(), "starts_at": "10:00", "location": "x", "purpose": "y"}
    assert client.post(reverse("conference-new", args=[trajectory.pk]), conference).status_code == 403
    assert not CaseConference.objects.exists()
    running = EmergencyState(until=timezone.now(), households=frozenset({trajectory.household_id}))
    token = current_emergency.set(running)  # as the middleware sets it for the user's requests
    try:
        assert not referrals.may_steer(world.professional, trajectory)  # a referral shares the household's data
    finally:
        current_emergency.reset(token)
    involvement.refresh_from_db()
    trajectory.refresh_from_db()
    assert involvement.end_date is None and trajectory.status == "open"
    assert trajectory.regisseur_assignments.get(end_date__isnull=True).professional == regisseur


def test_the_plan_is_not_shaped_under_break_the_glass_but_by_the_own_team_it_is(world, other_team_case):
    trajectory, regisseur = other_team_case
    plan = plan_services.start_plan(actor=regisseur, trajectory=trajectory)
    goal = {"domain": LifeDomain.objects.first(), "result": "Rust in huis", "due_on": timezone.localdate()}
    running = EmergencyState(until=timezone.now(), households=frozenset({trajectory.household_id}))
    token = current_emergency.set(running)
    try:
        with pytest.raises(PermissionDenied):  # reached only through the access
            plan_services.add_goal(actor=world.professional, plan=plan, expected_revision=plan.revision, **goal)
        # the case moved to the user's own team while the access runs: steering is theirs again
        type(trajectory).objects.filter(pk=trajectory.pk).update(team=world.professional.team)
        plan_services.add_goal(actor=world.professional, plan=plan, expected_revision=plan.revision, **goal)
    finally:
        current_emergency.reset(token)
    assert plan.goals.count() == 1


def test_a_row_with_a_basis_of_its_own_still_names_the_access(world, other_team_case):
    trajectory, _ = other_team_case
    person = trajectory.household.memberships.first().person
    token = current_emergency.set(EmergencyState({person.pk: 7}, timezone.now(), frozenset({trajectory.household_id})))
    try:
        entry = audit_services.record(
            actor=world.professional,
            action="create",
            obj=person,
            subjects=[person.pk],
            legal_basis="Wmo 2015 art. 5.1.1",
        )
    finally:
        current_emergency.reset(token)
    assert entry.emergency and entry.legal_basis == "noodtoegang 7; Wmo 2015 art. 5.1.1"


def test_only_case_workers_ask_and_only_the_privacy_officer_reviews(client, world, other_team_case):
    trajectory, _ = other_team_case
    bsn = trajectory.household.memberships.first().person.bsn
    with pytest.raises(DomainError, match="alleen een professional"):
        services.start_emergency_access(actor=world.manager, bsn=bsn, reason=REASON)
    for user in (world.professional, world.manager, world.admin):
        client.force_login(user)
        assert client.get(reverse("emergency-reviews")).status_code == 403
    client.force_login(world.privacy)
    assert client.get(reverse("emergency-start")).status_code == 403


def test_not_for_another_municipality_or_an_unknown_bsn(world):
    elsewhere = make_trajectory(world, team=world.other_team, regisseur=world.outsider)
    with pytest.raises(DomainError, match="andere gemeente"):
        services.start_emergency_access(
            actor=world.professional, bsn=elsewhere.household.memberships.first().person.bsn, reason=REASON
        )
    with pytest.raises(DomainError, match="geen huishouden bekend"):
        services.start_emergency_access(actor=world.professional, bsn="999999990", reason=REASON)


def test_already_visible_needs_no_emergency(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    response = client.post(
        reverse("emergency-start"), {"bsn": trajectory.household.memberships.first().person.bsn, "reason": REASON}
    )
    assert response.status_code == 302 and not EmergencyAccess.objects.exists()


def test_flag_follows_the_household_in_any_session_and_nothing_else(world, other_team_case):
    from tests.conftest import VerifiedClient

    trajectory, _ = other_team_case
    own = make_trajectory(world)
    access = services.start_emergency_access(
        actor=world.professional, bsn=trajectory.household.memberships.first().person.bsn, reason=REASON
    )
    browser = VerifiedClient()  # another browser: nothing of the request that opened the access
    browser.force_login(world.professional)
    page = browser.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "Noodtoegang actief tot" in page
    browser.get(reverse("household", args=[own.household_id]))
    rows = AuditEntry.objects.filter(actor=world.professional, action="read", object_type="household")
    flagged = {int(r.object_id): (r.emergency, r.legal_basis) for r in rows}
    assert flagged[trajectory.household_id] == (True, f"noodtoegang {access.pk}")
    assert flagged[own.household_id] == (False, "")


def test_not_justified_ends_a_running_access(client, world, other_team_case):
    trajectory, _ = other_team_case
    access = services.start_emergency_access(
        actor=world.professional, bsn=trajectory.household.memberships.first().person.bsn, reason=REASON
    )
    services.review_emergency_access(actor=world.privacy, access=access, verdict="onterecht", note="Geen spoed.")
    assert not households_visible_to(world.professional).filter(pk=trajectory.household_id).exists()
    assert Message.objects.filter(recipient=world.professional, text__contains="Geen spoed.").exists()


def test_emergency_cannot_become_a_lasting_involvement_and_refusals_are_logged(client, world, other_team_case):
    from toegang.privacy.models import ProcessingActivity

    trajectory, _ = other_team_case
    services.start_emergency_access(
        actor=world.professional, bsn=trajectory.household.memberships.first().person.bsn, reason=REASON
    )
    with pytest.raises(DomainError, match="uzelf niet betrekken"):
        case_services.add_involvement(
            actor=world.professional,
            trajectory=trajectory,
            professional=world.professional,
            role="Ik",
            start_date=trajectory.started_on,
            basis=ProcessingActivity.objects.get(code="wmo-ondersteuning"),
        )
    client.force_login(world.colleague)
    client.post(reverse("emergency-start"), {"bsn": "999999990", "reason": REASON})
    assert AuditEntry.objects.filter(actor=world.colleague, action="denied", object_type="emergencyaccess").exists()


def test_the_user_of_a_request_says_whether_an_access_runs(world, other_team_case):
    """The request's user is read with ``emergency_running`` (privacy/context.py): only when it is true
    does the middleware ask which accesses run; expired ones and other users' do not count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from toegang.accounts.backends import AccountsBackend
    from toegang.privacy import context

    trajectory, regisseur = other_team_case
    backend = AccountsBackend()
    me = backend.get_user(world.professional.pk)
    assert me.emergency_running is False
    with CaptureQueriesContext(connection) as queries:
        assert context.load(me) is context.NONE
    assert len(queries) == 0
    access = services.start_emergency_access(
        actor=world.professional, bsn=trajectory.household.memberships.first().person.bsn, reason=REASON
    )
    me = backend.get_user(world.professional.pk)
    assert me.emergency_running is True and backend.get_user(regisseur.pk).emergency_running is False
    state = context.load(me)
    assert state.until == access.expires_at and set(state.access_of_person.values()) == {access.pk}
    past = timezone.now() - dt.timedelta(hours=5)
    EmergencyAccess.objects.filter(pk=access.pk).update(started_at=past, expires_at=past + dt.timedelta(hours=4))
    assert backend.get_user(world.professional.pk).emergency_running is False


def test_api_reads_under_a_running_access_are_flagged_too(world, other_team_case):
    """A user-bound API token sees what its user sees, so also a household opened with break-the-glass;
    the API's audit rows about it carry the flag and the access as basis, like the screens' rows."""
    from django.core.cache import caches

    from tests.api_support import api

    caches["ratelimit"].clear()  # this process's counters (LocMem in tests): token ids repeat across tests
    trajectory, _ = other_team_case
    own = make_trajectory(world)
    client = api(world, world.professional)
    access = services.start_emergency_access(
        actor=world.professional, bsn=trajectory.household.memberships.first().person.bsn, reason=REASON
    )
    assert client.get(f"/api/v1/households/{trajectory.household_id}/").status_code == 200
    assert client.get(f"/api/v1/households/{own.household_id}/").status_code == 200
    rows = AuditEntry.objects.filter(actor=world.professional, action="read", object_type="household")
    flagged = {int(r.object_id): (r.emergency, r.legal_basis) for r in rows}
    assert flagged[trajectory.household_id] == (True, f"noodtoegang {access.pk}")
    assert flagged[own.household_id][0] is False
