"""Events (issue 9, point 2): the transactional outbox, the event catalogue with reference-only data, the
functional administrator's subscriptions and screens. Delivery over HTTP: tests/test_events_delivery.py."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.conftest import make_agreed_plan, make_trajectory, make_user, wmo_rule
from tests.querycount import page_queries
from tests.test_events_delivery import fixed_dns  # noqa: F401 - autouse: no DNS lookups
from toegang.accounts.models import User
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.events import catalogue, delivery, keys, services
from toegang.events.models import Delivery, Event, Subscription
from toegang.network import referrals
from toegang.network.models import CommunityService
from toegang.people import services as people_services
from toegang.privacy import services as privacy_services
from toegang.privacy.models import ProcessingActivity
from toegang.procedures import decisions
from toegang.procedures import services as procedure_services
from toegang.procedures.models import ProductCategory, Provider
from toegang.signals import services as signal_services

URL = "https://ontvanger.example/hook"


def subscribe(world, types=None, url=URL, name="Zaaksysteem") -> tuple[Subscription, str]:
    return services.create_subscription(
        actor=world.admin, name=name, callback_url=url, event_types=types or list(catalogue.TYPES)
    )


def envelopes(municipality_code="9901") -> list[dict]:
    return [delivery.envelope(e, municipality_code) for e in Event.objects.order_by("time", "pk")]


# --- the outbox --------------------------------------------------------------------------------------------


def test_an_event_is_written_in_the_callers_transaction_and_rolls_back_with_it(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.publish(
            catalogue.SIGNAL_RECEIVED, subject="melding/1", data={"ontvangen_op": "2026-01-01"}, municipality_id=1
        )
        assert Event.objects.count() == 1
        raise RuntimeError("de wijziging mislukt")
    assert not Event.objects.exists()


def test_a_service_that_fails_publishes_nothing(world):
    trajectory = make_trajectory(world)
    Event.objects.all().delete()
    with pytest.raises(DomainError):
        case_services.close_trajectory(
            actor=world.professional,
            trajectory=trajectory,
            closed_on=today() + dt.timedelta(days=1),  # in the future: refused after the checks began
            reason="doelen_bereikt",
            retention_rule=wmo_rule(),
        )
    assert not Event.objects.exists()


def test_publish_refuses_unknown_types_and_fields_outside_the_catalogue(world):
    with pytest.raises(ValueError, match="onbekende soort"):
        services.publish("nl.toegang.iets", subject="x", data={})
    with pytest.raises(ValueError, match="buiten de catalogus"):
        services.publish(catalogue.SIGNAL_RECEIVED, subject="melding/1", data={"naam": "Jansen"})
    with pytest.raises(ValueError, match="geen verwijzing"):
        services.publish(catalogue.SIGNAL_RECEIVED, subject="melding/1", data={"melding": {"id": [1, 2]}})


def test_the_delivery_is_handed_over_once_per_transaction(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for n in range(3):
            services.publish(
                catalogue.SIGNAL_RECEIVED, subject=f"melding/{n}", data={}, municipality_id=world.gemeente.pk
            )
    assert [c.__name__ for c in callbacks] == ["_kick"]


# --- each service emits its event, with references only -----------------------------------------------------


@pytest.fixture
def everything(world):
    """Every change that publishes, through the services: a signal, a trajectory started, a plan agreed,
    a referral sent and accepted, a decision made known, the trajectory closed. Returns the texts that
    must never appear in an event (names, BSNs, descriptions, notes, questions, reasoning)."""
    person = people_services.register_person(
        actor=world.professional, bsn="999990019", voornamen="Geheimnaam", geslachtsnaam="Vertrouwelijk"
    )
    signal_services.register_signal(
        actor=world.professional,
        team=world.team,
        source="huisarts",
        channel="telefoon",
        received_on=today(),
        description="Depressie en schulden, gezondheid zorgelijk",
        persons=[person],
    )
    trajectory = make_trajectory(world)
    plan = make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    service = CommunityService.objects.create(
        hsds_id=uuid.uuid4(),
        municipality=world.gemeente,
        organization_id=uuid.uuid4(),
        organization_name=world.partner_org.name,
        organisation=world.partner_org,
        name="Verslavingszorg Noord",
        status="active",
    )
    receiver = make_user("ontvanger", User.Role.REPORTER, org=world.partner_org, team=None, gemeente=world.gemeente)
    adult = next(
        m.person for m in trajectory.household.memberships.select_related("person") if m.person.age_on(today()) >= 18
    )
    privacy_services.record_consent(
        actor=world.professional,
        person=adult,
        activity=ProcessingActivity.objects.get(code="integrale-ondersteuning"),
        given_by="inwoner",
        categories=["contact", "jeugd"],
        organisations=[world.partner_org],
        given_on=today(),
        valid_until=today() + dt.timedelta(days=365),
    )
    referral = referrals.propose(
        actor=world.professional,
        trajectory=trajectory,
        person=adult,
        question="Hulp bij verslaving",
        handover="Gebruikt dagelijks; ziekenhuisopname vorig jaar",
        categories=["contact", "jeugd"],
        service=service,
        goal=plan.goals.get(),
    )
    referral = referrals.send(
        actor=world.professional,
        referral=referral,
        basis=ProcessingActivity.objects.get(code="integrale-ondersteuning"),
    )
    referrals.answer(actor=receiver, referral=referral, accept=True, remark="Intake volgende week")
    procedure = procedure_services.start_procedure(
        actor=world.professional,
        trajectory=trajectory,
        person=adult,
        law="wmo",
        reported_on=today() - dt.timedelta(days=10),
    )
    procedure = procedure_services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=today() - dt.timedelta(days=10)
    )
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure, outcome="toegekend", reasoning="Beperkingen door ziekte"
    )
    decisions.add_provision(
        actor=world.professional,
        decision=decision,
        category=ProductCategory.objects.get(law="wmo", code="01"),
        product_code="01a01",
        delivery="zin",
        provider=Provider.objects.create(name="Thuiszorg De Linde", agb_code="98765432"),
        volume=3,
        unit="04",
        frequency="2",
        start_date=today(),
        end_date=today() + dt.timedelta(days=365),
    )
    decision = decisions.submit(actor=world.professional, decision=decision)
    decisions.send(actor=world.professional, decision=decision, on=today())
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="anders",
        retention_rule=wmo_rule(),
        note="Verhuisd naar een instelling",
    )
    members = [m.person for m in trajectory.household.memberships.select_related("person")] + [person]
    secret_texts = {"Depressie", "schulden", "gezondheid", "verslaving", "ziekenhuis", "ziekte", "instelling",
                    "Verslavingszorg", "Intake", "Resultaat", "Actie", "Huishouden"}  # fmt: skip
    for p in members:
        secret_texts |= {p.voornamen, p.geslachtsnaam} | ({p.bsn} if p.bsn else set())
    return {
        "trajectory": trajectory,
        "plan": plan,
        "referral": referral,
        "decision": decision,
        "forbidden": secret_texts,
    }


FORBIDDEN_KEYS = re.compile(
    r"naam|name|bsn|geboorte|birth|adres|address|postcode|huisnummer|notitie|note|omschrijving|description|"
    r"toelichting|leefgebied|domain|gezondheid|health|diagnose|vraag|question|overdracht|handover|motivering|"
    r"reasoning|opmerking|remark|categor|wet|law|product|bron|source_kind|urgent|telefoon|email",
    re.I,
)


def keys_of(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield f"{prefix}{key}"
            yield from keys_of(inner, f"{prefix}{key}.")


def test_each_service_emits_its_event_with_reference_only_data(world, everything):
    events = envelopes()
    assert {e["type"] for e in events} == set(catalogue.TYPES)  # every type of the catalogue is covered
    by_type = {}
    for e in events:
        by_type.setdefault(e["type"], []).append(e)
    trajectory, plan, referral, decision = (everything[k] for k in ("trajectory", "plan", "referral", "decision"))
    base = "http://127.0.0.1:8000"
    started = by_type[catalogue.TRAJECTORY_STARTED][-1]["data"]
    assert started == {
        "traject": {"id": trajectory.pk},
        "huishouden": {"id": trajectory.household_id, "url": f"{base}/huishoudens/{trajectory.household_id}/"},
        "team": world.team.pk,
        "gestart_op": trajectory.started_on.isoformat(),
        "gemeente": "9901",
    }
    agreed = by_type[catalogue.PLAN_AGREED][-1]
    assert agreed["subject"] == f"plan/{plan.pk}" and agreed["data"]["versie"] == plan.version
    assert agreed["data"]["plan"]["url"] == f"{base}/trajecten/{trajectory.pk}/plan/"
    assert [e["data"]["status"] for e in by_type[catalogue.REFERRAL_STATE_CHANGED]] == ["verstuurd", "geaccepteerd"]
    assert by_type[catalogue.REFERRAL_STATE_CHANGED][0]["subject"] == f"verwijzing/{referral.pk}"
    assert len(by_type[catalogue.DECISION_TAKEN]) == 1  # made known once: the decision's step publishes no second
    taken = by_type[catalogue.DECISION_TAKEN][0]["data"]
    assert taken["beschikking"] == {"id": decision.pk} and taken["uitkomst"] == "toegekend"
    assert decision.procedure.__class__.objects.get(pk=decision.procedure_id).decided_outcome == "toegekend"
    assert taken["bekendgemaakt_op"] == today().isoformat()
    closed = by_type[catalogue.TRAJECTORY_CLOSED][0]["data"]
    assert closed["reden"] == "anders" and closed["afgesloten_op"] == today().isoformat()
    assert by_type[catalogue.SIGNAL_RECEIVED][0]["data"]["melding"]["url"].startswith(f"{base}/meldingen/")
    for e in events:
        assert e["specversion"] == "1.0" and e["source"] == "http://127.0.0.1:8000/"
        assert e["datacontenttype"] == "application/json" and e["time"].endswith("Z")
        uuid.UUID(e["id"])
        assert set(e["data"]) == catalogue.TYPES[e["type"]][1] | {"gemeente"}  # exactly the catalogue's fields
        assert not [k for k in keys_of(e["data"]) if FORBIDDEN_KEYS.search(k.split(".")[-1])], e
        text = json.dumps(e, ensure_ascii=False)
        assert not [t for t in everything["forbidden"] if t and t in text], e
        for key, value in e["data"].items():
            if not isinstance(value, dict):  # a code, a date or a number
                assert value is None or isinstance(value, int) or re.fullmatch(r"[0-9a-z_\-]{1,30}", value), key


def test_a_decision_taken_outside_toegang_is_published_without_a_beschikking(world):
    """Recorded on the procedure with its date and outcome (the step "besluit bekendgemaakt op"), it is still
    a decision taken: the same type, ``beschikking`` null, the procedure as subject."""
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    procedure = procedure_services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="pw", reported_on=today()
    )
    procedure_services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=today())
    before = Event.objects.count()
    with pytest.raises(DomainError) as error:  # no outcome: refused, nothing published
        procedure_services.record_step(actor=world.professional, procedure=procedure, step="decided_on", day=today())
    assert error.value.field == "outcome" and Event.objects.count() == before
    procedure_services.record_step(
        actor=world.professional, procedure=procedure, step="decided_on", day=today(), outcome="afgewezen"
    )
    taken = envelopes()[-1]
    assert (taken["type"], taken["subject"]) == (catalogue.DECISION_TAKEN, f"procedure/{procedure.pk}")
    assert taken["data"] == {
        "beschikking": None,
        "procedure": {"id": procedure.pk, "url": f"http://127.0.0.1:8000/procedures/{procedure.pk}/"},
        "traject": {"id": trajectory.pk},
        "uitkomst": "afgewezen",
        "bekendgemaakt_op": today().isoformat(),
        "gemeente": "9901",
    }


def test_a_beschikking_in_toegang_is_not_bypassed_by_the_step(world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    procedure = procedure_services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo", reported_on=today()
    )
    procedure = procedure_services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=today()
    )
    decisions.draft_decision(actor=world.professional, procedure=procedure, outcome="afgewezen", reasoning="Nee")
    before = Event.objects.count()
    with pytest.raises(DomainError, match="heeft een beschikking in Toegang") as error:
        procedure_services.record_step(
            actor=world.professional, procedure=procedure, step="decided_on", day=today(), outcome="toegekend"
        )
    assert error.value.field == "step" and Event.objects.count() == before
    procedure.refresh_from_db()
    assert (procedure.decided_on, procedure.decided_outcome, procedure.status) == (None, "", "aanvraag")


def test_the_municipality_comes_from_the_change(world):
    other = make_user("prof2", User.Role.PROFESSIONAL, org=world.municipality_org, team=world.other_team)
    make_trajectory(world, regisseur=other, team=world.other_team)
    assert Event.objects.get().municipality_id == world.other_gemeente.pk


# --- subscriptions -----------------------------------------------------------------------------------------


def test_a_subscription_keeps_its_secret_encrypted_and_signs_with_it(world):
    subscription, secret = subscribe(world, [catalogue.PLAN_AGREED])
    assert len(secret) >= 40 and secret not in subscription.secret_encrypted
    assert keys.decrypt(subscription.secret_encrypted) == secret
    assert AuditEntry.objects.filter(object_type="subscription", object_id=str(subscription.pk)).exists()
    header = keys.signature(secret, 1_700_000_000, b'{"a":1}')
    assert keys.verify(header, b'{"a":1}', secret, now=1_700_000_100)
    assert not keys.verify(header, b'{"a":2}', secret, now=1_700_000_100)
    assert not keys.verify(header, b'{"a":1}', secret, now=1_700_001_000)  # too old: a replay
    assert not keys.verify("v1=abc", b"", secret)


def test_a_changed_key_makes_the_secret_unreadable_not_wrong(world, settings):
    subscription, _secret = subscribe(world)
    settings.EVENTS_KEY = "een-andere-sleutel"
    with pytest.raises(keys.UnreadableSecret):
        keys.decrypt(subscription.secret_encrypted)


@pytest.mark.parametrize(
    ("url", "allow", "message"),
    [
        ("", False, "Callback-URL: vul het adres in"),
        ("ftp://ontvanger.example/", False, "Callback-URL: gebruik https; een ftp-adres wordt niet ondersteund"),
        ("https://", False, "Callback-URL: dit is geen geldig adres"),
        ("https://ontvanger.example:99999/", False, "Callback-URL: dit is geen geldig adres"),
        ("https://gebruiker:wachtwoord@ontvanger.example/", False, "Callback-URL: zet geen gebruikersnaam"),
        ("https://ontvanger.example/#x", False, "Callback-URL: een adres met #"),
        ("http://ontvanger.example/hook", True, "Callback-URL: gebruik https"),
        ("http://127.0.0.1:8080/hook", False, "Callback-URL: gebruik https"),
        ("https://ontvanger.example/" + "x" * 500, False, "Callback-URL: het adres is langer dan 500 tekens"),
    ],
)
def test_bad_callback_urls_are_refused_naming_the_field(world, settings, url, allow, message):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = allow
    with pytest.raises(DomainError, match=re.escape(message)) as error:
        subscribe(world, url=url)
    assert error.value.field == "callback_url"
    assert not Subscription.objects.exists()


def test_http_to_this_machine_only_when_the_setting_allows_it(world, settings):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = True
    for url in ("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]:9000/"):
        assert subscribe(world, url=url)[0].callback_url == url


def test_only_the_functional_administrator_of_the_municipality_subscribes(world):
    for actor in (world.manager, world.professional):
        with pytest.raises(DomainError, match="functioneel beheerder"):
            services.create_subscription(actor=actor, name="x", callback_url=URL, event_types=[catalogue.PLAN_AGREED])
    with pytest.raises(DomainError, match="Soorten gebeurtenissen: kies ten minste"):
        services.create_subscription(actor=world.admin, name="x", callback_url=URL, event_types=[])
    with pytest.raises(DomainError, match="Naam: geef"):
        services.create_subscription(actor=world.admin, name="  ", callback_url=URL, event_types=["x"])


def test_deactivating_gives_up_what_was_waiting(world):
    subscription, _secret = subscribe(world)
    make_trajectory(world)
    delivery.fan_out()
    assert Delivery.objects.get().state == Delivery.State.WAITING
    services.deactivate_subscription(actor=world.admin, subscription=subscription)
    waiting = Delivery.objects.get()
    assert waiting.state == Delivery.State.GIVEN_UP and waiting.last_error == "Abonnement gedeactiveerd."
    with pytest.raises(DomainError, match="al gedeactiveerd"):
        services.deactivate_subscription(actor=world.admin, subscription=subscription)


def test_events_go_only_to_matching_active_subscriptions_of_their_municipality(world):
    wanted, _s = subscribe(world, [catalogue.TRAJECTORY_STARTED], name="A")
    subscribe(world, [catalogue.PLAN_AGREED], name="B")
    other_admin = make_user(
        "beheerder2", User.Role.FUNCTIONAL_ADMIN, org=None, team=None, gemeente=world.other_gemeente
    )
    services.create_subscription(
        actor=other_admin, name="C", callback_url=URL, event_types=[catalogue.TRAJECTORY_STARTED]
    )
    stopped, _s = subscribe(world, [catalogue.TRAJECTORY_STARTED], name="D", url=URL + "/d")
    services.deactivate_subscription(actor=world.admin, subscription=stopped)
    make_trajectory(world)
    assert delivery.fan_out() == 1 and delivery.fan_out() == 0
    assert list(Delivery.objects.values_list("subscription_id", flat=True)) == [wanted.pk]
    assert Event.objects.get().dispatched


# --- the screens -------------------------------------------------------------------------------------------


def test_the_subscription_screens_show_the_secret_once(client, world, settings):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = False
    client.force_login(world.admin)
    url = reverse("events-subscriptions")
    page = client.get(url).content.decode()
    assert "Nog geen abonnementen." in page and 'value="nl.toegang.plan.agreed"' in page
    response = client.post(
        url,
        {"name": "Zaaksysteem", "callback_url": URL, "event_types": [catalogue.PLAN_AGREED, catalogue.DECISION_TAKEN]},
    )
    assert response.status_code == 200  # the answer to the POST itself shows the secret: no session, no redirect
    subscription = Subscription.objects.get()
    secret = keys.decrypt(subscription.secret_encrypted)
    first = response.content.decode()
    assert secret in first and "alleen nu" in first and "Besluit bekendgemaakt, Plan afgesproken" in first
    assert "no-store" in response["Cache-Control"]
    again = client.get(url)
    assert secret not in again.content.decode()
    assert "Zaaksysteem" in again.content.decode() and "no-store" not in again.get("Cache-Control", "")
    confirm = client.get(reverse("events-subscription-deactivate", args=[subscription.pk]))
    assert confirm.status_code == 200 and "kan niet ongedaan worden gemaakt" in confirm.content.decode()
    subscription.refresh_from_db()
    assert subscription.active  # asking is not deactivating
    response = client.post(reverse("events-subscription-deactivate", args=[subscription.pk]))
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active
    assert "Gedeactiveerd" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Naam: dit veld is verplicht."),
        ({"callback_url": "http://ontvanger.example/"}, "Callback-URL: gebruik https"),
        ({"callback_url": "geen adres"}, "Callback-URL: dit is geen geldig adres"),
        ({"event_types": ["nl.toegang.iets"]}, "Soorten gebeurtenissen: selecteer een geldige keuze"),
        ({"event_types": []}, "Soorten gebeurtenissen: dit veld is verplicht."),
    ],
)
def test_bad_input_on_the_screen_names_the_field(client, world, settings, data, message):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = False
    client.force_login(world.admin)
    values = {"name": "Zaaksysteem", "callback_url": URL, "event_types": [catalogue.PLAN_AGREED], **data}
    response = client.post(reverse("events-subscriptions"), values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscription.objects.exists()


def test_others_do_not_reach_the_screens(client, world):
    subscription, _secret = subscribe(world)
    for user in (world.manager, world.professional, world.privacy):
        client.force_login(user)
        assert client.get(reverse("events-subscriptions")).status_code == 403
        assert client.get(reverse("events-deliveries")).status_code == 403
    other_admin = make_user(
        "beheerder2", User.Role.FUNCTIONAL_ADMIN, org=None, team=None, gemeente=world.other_gemeente
    )
    client.force_login(other_admin)
    assert client.post(reverse("events-subscription-deactivate", args=[subscription.pk])).status_code == 404
    assert "Zaaksysteem" not in client.get(reverse("events-subscriptions")).content.decode()


def test_a_given_up_delivery_can_be_tried_again_from_the_screen(client, world):
    subscription, _secret = subscribe(world)
    make_trajectory(world)
    delivery.fan_out()
    Delivery.objects.update(state=Delivery.State.GIVEN_UP, attempts=12, last_error="HTTP 500: stuk", last_status=500)
    client.force_login(world.admin)
    page = client.get(reverse("events-deliveries")).content.decode()
    assert "Opgegeven" in page and "HTTP 500: stuk" in page and "Opnieuw proberen" in page
    assert "nl.toegang.trajectory.started" in page
    given_up = Delivery.objects.get()
    response = client.post(reverse("events-delivery-retry", args=[given_up.pk]))
    assert response.status_code == 302
    given_up.refresh_from_db()
    assert given_up.state == Delivery.State.WAITING and given_up.attempts == 0
    assert AuditEntry.objects.filter(object_type="delivery", detail="opnieuw na 12 pogingen").exists()
    response = client.post(reverse("events-delivery-retry", args=[given_up.pk]), follow=True)
    assert "alleen een opgegeven aflevering" in response.content.decode()
    filtered = client.get(reverse("events-deliveries") + "?stand=afgeleverd").content.decode()
    assert "Geen afleveringen." in filtered


def test_the_screens_have_pinned_query_counts(client, world):
    client.force_login(world.admin)
    subscriptions, deliveries = reverse("events-subscriptions"), reverse("events-deliveries")
    few = (page_queries(client, subscriptions, audit_rows=0), page_queries(client, deliveries, audit_rows=0))
    for n in range(3):
        subscribe(world, name=f"Ontvanger {n}", url=f"{URL}/{n}")
    for _n in range(3):
        make_trajectory(world)
    delivery.fan_out()
    Delivery.objects.filter(pk=Delivery.objects.order_by("pk").first().pk).update(state=Delivery.State.GIVEN_UP)
    many = (page_queries(client, subscriptions, audit_rows=0), page_queries(client, deliveries, audit_rows=0))
    # session, user, second factor, then the subscriptions; the events and the deliveries (one join)
    assert few == many == (4, 5)


# --- hypothesis: no input makes a 500 -------------------------------------------------------------------------

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=600)


@pytest.mark.django_db
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=text,
    url=st.one_of(
        text, st.builds(lambda h, p: f"{h}{p}", st.sampled_from(["https://", "http://", "http://127.0.0.1:", ""]), text)
    ),
    types=st.lists(st.one_of(st.sampled_from(list(catalogue.TYPES)), text), max_size=8),
)
def test_arbitrary_subscription_input_never_causes_a_500(client, world, name, url, types):
    client.force_login(world.admin)
    response = client.post(reverse("events-subscriptions"), {"name": name, "callback_url": url, "event_types": types})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert re.search(r"(Naam|Callback-URL|Soorten gebeurtenissen): ", response.content.decode())
