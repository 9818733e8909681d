"""A form of the resident portal sent twice (a double click, a retry on a slow connection, a second tab)
saves one record, and the second answer tells the resident it was received. It holds for requests that
run at the same time too: the second waits for the first's commit (the person's row is locked on
PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at the start) and then finds its record.
A consent in force for the same purpose, data and organisations is never recorded twice, from the
portal or by the team: withdrawing "the" consent must stop the sharing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_trajectory, next_bsn
from toegang.audit import retention as audit_retention
from toegang.audit.models import AuditEntry
from toegang.common.dates import today
from toegang.people.models import Person
from toegang.portal import selectors as portal_selectors
from toegang.portal import services as portal_services
from toegang.privacy import services as privacy_services
from toegang.privacy.models import Consent, ProcessingActivity
from toegang.signals import services as signal_services
from toegang.signals.models import Signal

RECEIVED = "Uw melding is ontvangen"
CONSENT_DONE = "Uw toestemming is vastgelegd"


@pytest.fixture
def resident(world):
    """A resident with a dossier (a member of a household with a trajectory), logged in to the portal."""
    person = make_trajectory(world).household.memberships.order_by("pk").first().person
    client = Client()
    client.force_login(portal_services.resident_account(bsn=person.bsn))
    return client, person


@pytest.fixture
def integral(db):
    return ProcessingActivity.objects.get(code="integrale-ondersteuning")


def settle(client: Client, response) -> None:
    """Follow a redirect, as the browser does, so that its messages are shown and used up."""
    assert response.status_code == 302, response.content.decode()[:500]
    client.get(response["Location"], follow=True)


def test_a_melding_sent_twice_is_saved_once_and_the_second_answer_says_it_was_received(resident):
    client, person = resident
    url = reverse("portal-signal", args=[person.pk])
    form = {"description": "Ik heb hulp nodig bij mijn administratie."}
    settle(client, client.post(url, form))
    again = client.post(url, {"description": "  Ik heb hulp nodig bij mijn administratie. "}, follow=True)
    assert again.redirect_chain == [(reverse("portal-person", args=[person.pk]), 302)]
    assert again.status_code == 200 and RECEIVED in again.content.decode()
    signal = Signal.objects.get()
    assert list(signal.persons.all()) == [person]
    assert AuditEntry.objects.filter(action="create", object_type="signal").count() == 1
    # another question is another melding
    settle(client, client.post(url, {"description": "Ik zoek ook dagbesteding."}))
    assert Signal.objects.count() == 2


def test_the_same_melding_after_triage_or_from_long_ago_is_a_new_one(world, resident):
    client, person = resident
    url = reverse("portal-signal", args=[person.pk])
    form = {"description": "Ik kan de huur niet betalen."}
    settle(client, client.post(url, form))
    first = Signal.objects.get()
    signal_services.triage_signal(actor=world.professional, signal=first, outcome="advies", on=today(), note="x")
    settle(client, client.post(url, form))  # the team answered the first: this is a new question
    second = Signal.objects.exclude(pk=first.pk).get()
    Signal.objects.filter(pk=second.pk).update(
        registered_at=timezone.now() - portal_services.REPEAT_WINDOW - dt.timedelta(minutes=1)
    )
    settle(client, client.post(url, form))
    assert Signal.objects.count() == 3


def test_a_first_question_sent_twice_makes_one_person_and_one_melding_and_confirms_it(world):
    bsn = next_bsn()
    client = Client()
    client.force_login(portal_services.resident_account(bsn=bsn))
    url = reverse("portal-first-signal")
    form = {
        "voornamen": "Sam",
        "geslachtsnaam": "Nieuw",
        "geboortedatum": "1990-04-02",
        "municipality": world.gemeente.pk,
        "description": "Ik kan de huur niet meer betalen.",
    }
    settle(client, client.post(url, form))
    again = client.post(url, form, follow=True)
    assert again.status_code == 200 and RECEIVED in again.content.decode()
    assert Person.objects.filter(bsn=bsn).count() == 1 and Signal.objects.count() == 1
    # a different question once we know the resident goes through the overview, and nothing is saved
    other = client.post(url, {**form, "description": "Iets anders."})
    assert other.status_code == 400 and "wij kennen u al" in other.content.decode()
    assert Signal.objects.count() == 1
    assert client.get(url)["Location"] == reverse("portal-home")  # the form itself is closed to a known resident


def test_a_consent_sent_twice_is_recorded_once_and_withdrawing_it_stops_it(world, resident, integral):
    client, person = resident
    url = reverse("portal-consents", args=[person.pk])
    until = today() + dt.timedelta(days=180)
    form = {
        "activity": integral.pk,
        "categories": ["plan", "contact"],
        "organisations": [world.partner_org.pk],
        "valid_until": until.isoformat(),
    }
    settle(client, client.post(url, form))
    again = client.post(url, {**form, "categories": ["contact", "plan"]}, follow=True)
    assert again.redirect_chain == [(url, 302)]
    assert CONSENT_DONE in again.content.decode()
    assert again.content.decode().count(">Intrekken<") == 1  # the resident sees their one consent
    consent = Consent.objects.get()
    settle(client, client.post(reverse("portal-consent-withdraw", args=[person.pk, consent.pk])))
    assert not Consent.objects.filter(withdrawn_on__isnull=True).exists()  # nothing left to share on
    # once withdrawn it can be given again; a consent for other data, or a renewal with another end date
    # while the first is in force (extending it without a gap in the sharing), is another consent
    settle(client, client.post(url, form))
    settle(client, client.post(url, {**form, "categories": ["plan"]}))
    settle(client, client.post(url, {**form, "valid_until": (until + dt.timedelta(days=30)).isoformat()}))
    assert Consent.objects.filter(withdrawn_on__isnull=True).count() == 3


def test_the_team_cannot_record_the_same_consent_twice(client, world, integral):
    """The team's screen and the portal share ``privacy.services.record_consent``: the rule holds in both.
    The same consent given by someone else (a representative besides the resident) is another consent."""
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    client.force_login(world.professional)
    url = reverse("consents", args=[trajectory.household_id])
    form = {
        "person": person.pk,
        "activity": integral.pk,
        "given_by": "inwoner",
        "categories": ["plan"],
        "organisations": [world.partner_org.pk],
        "given_on": today().isoformat(),
        "valid_until": (today() + dt.timedelta(days=90)).isoformat(),
    }
    assert client.post(url, form).status_code == 302
    twice = client.post(url, form)
    assert twice.status_code == 400
    assert "Toestemming: precies deze toestemming is al vastgelegd" in twice.content.decode()
    assert Consent.objects.count() == 1
    other_giver = client.post(url, {**form, "given_by": "vertegenwoordiger", "representative_name": "J. Jansen"})
    assert other_giver.status_code == 302 and Consent.objects.count() == 2
    # a withdrawn one does not count
    Consent.objects.update(withdrawn_on=today())
    assert client.post(url, form).status_code == 302
    assert Consent.objects.count() == 3


def test_the_service_refuses_the_same_consent_and_names_the_one_recorded(world, integral):
    person = make_trajectory(world).household.memberships.order_by("pk").first().person
    values = {
        "actor": world.professional,
        "person": person,
        "activity": integral,
        "given_by": "inwoner",
        "categories": ["plan", "jeugd"],
        "organisations": [world.partner_org],
        "given_on": today(),
        "valid_until": today() + dt.timedelta(days=365),
    }
    first = privacy_services.record_consent(**values)
    with pytest.raises(privacy_services.ConsentExists) as refused:
        privacy_services.record_consent(**{**values, "categories": ["jeugd", "plan", "plan"]})
    assert refused.value.consent == first and today().strftime("%d-%m-%Y") in refused.value.message
    other_org = type(world.partner_org).objects.create(name="Wmo Test", kind="wmo", cao="Cao")
    privacy_services.record_consent(**{**values, "organisations": [world.partner_org, other_org]})
    # a renewal while the first runs: recorded, so withdrawing the old one leaves no gap in the sharing
    privacy_services.record_consent(**{**values, "valid_until": today() + dt.timedelta(days=400)})
    assert Consent.objects.count() == 3


# ---- at the same time -----------------------------------------------------------------------------------


@pytest.fixture
def committed(world):
    """For a test whose data is committed (``transaction=True``): the flush afterwards cannot empty the
    append-only audit log, so its rows are removed first the one sanctioned way, by the retention run."""
    yield world
    far = timezone.now() + dt.timedelta(days=366 * (settings.AUDIT_RETENTION_YEARS + 1))
    audit_retention.prune(now=far)


def _hold_first_and_try_second(first, second):
    """``first`` runs in another thread inside a transaction that stays open for a second; ``second`` runs
    here meanwhile. Returns what ``second`` returned or raised, and whether it had to wait for the first."""
    holding, release, errors = threading.Event(), threading.Event(), []

    def other_request() -> None:
        try:
            with transaction.atomic():
                first()
                holding.set()
                release.wait(30)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_request)
    thread.start()
    timer = threading.Timer(1.0, release.set)  # lets the first commit
    try:
        assert holding.wait(30)
        timer.start()
        try:
            outcome = second()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcome = error
        waited = release.is_set()
    finally:
        release.set()
        timer.cancel()
        thread.join(30)
    assert not errors, errors
    return outcome, waited


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_meldingen_at_the_same_time_are_saved_once(committed):
    world = committed
    person = make_trajectory(world).household.memberships.order_by("pk").first().person
    user = portal_services.resident_account(bsn=person.bsn)

    def submit() -> Signal:
        return portal_services.submit_signal(
            actor=user, acting=portal_selectors.Acting(person), description="Graag hulp.", life_domains=[]
        )

    outcome, waited = _hold_first_and_try_second(submit, submit)
    assert waited  # the second waited for the first's commit (PostgreSQL: for the lock on the person's row)
    assert outcome == Signal.objects.get()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_consents_at_the_same_time_are_recorded_once(committed):
    world = committed
    person = make_trajectory(world).household.memberships.order_by("pk").first().person
    integral = ProcessingActivity.objects.get(code="integrale-ondersteuning")

    def record() -> Consent:
        return privacy_services.record_consent(
            actor=world.professional,
            person=person,
            activity=integral,
            given_by="inwoner",
            categories=["plan"],
            organisations=[world.partner_org],
            given_on=today(),
            valid_until=today() + dt.timedelta(days=30),
        )

    outcome, waited = _hold_first_and_try_second(record, record)
    assert waited
    assert isinstance(outcome, privacy_services.ConsentExists) and outcome.consent == Consent.objects.get()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_of_one_kind_at_the_same_time_are_filed_once(committed):
    """The check for an open request of the kind ran without a lock: two at once were both filed."""
    from toegang.privacy import rights
    from toegang.privacy.models import RightsRequest

    world = committed
    person = make_trajectory(world).household.memberships.order_by("pk").first().person
    user = portal_services.resident_account(bsn=person.bsn)

    def file() -> RightsRequest:
        return rights.request_from_portal(actor=user, person=person, kind=RightsRequest.Kind.ACCESS)

    outcome, waited = _hold_first_and_try_second(file, file)
    assert waited
    assert "er loopt al een verzoek" in str(outcome)
    assert RightsRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_posts_of_one_melding_at_once_save_one(committed):
    """Three requests of the melding form at the same moment, each in its own thread and connection."""
    person = make_trajectory(committed).household.memberships.order_by("pk").first().person
    user = portal_services.resident_account(bsn=person.bsn)
    url = reverse("portal-signal", args=[person.pk])
    start, statuses = threading.Barrier(3), []

    def post() -> None:
        try:
            client = Client()
            client.force_login(user)
            start.wait(10)
            statuses.append(client.post(url, {"description": "Drie keer geklikt."}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [302, 302, 302]
    assert Signal.objects.count() == 1, connection.vendor
