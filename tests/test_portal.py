"""The resident portal (issue 9, point 5): DigiD login through the OIDC flow against the simulator on
loopback (the real HTTP exchange of mozilla-django-oidc: authorization code with PKCE, an HS256 ID token,
userinfo), the level of assurance, residents and staff kept apart, legal representation checked at every
request and logged, and what a resident can see and do."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from tests.conftest import make_agreed_plan, make_trajectory, next_bsn
from tests.processes import MANAGE, ROOT
from tests.querycount import page_queries
from tests.test_decisions import pdf_text
from tests.test_url_access import patterns
from toegang.accounts.models import User
from toegang.audit.models import AuditEntry
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.network.models import CaseConference, Participant
from toegang.people import services as people_services
from toegang.people.models import Membership, Person
from toegang.portal import services as portal_services
from toegang.portal.models import Representation
from toegang.portal.simulator import LEVELS
from toegang.privacy.models import Consent, ProcessingActivity
from toegang.signals.models import Signal

BASIS, MIDDEN, SUBSTANTIEEL, HOOG = (code for code, _label in LEVELS)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def digid() -> Iterator[None]:
    """The simulator's token and userinfo endpoints on a loopback server (this application, in a thread),
    as a broker's would be: the callback exchanges the code over real HTTP. They read no database."""
    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    endpoints = {
        "OIDC_OP_TOKEN_ENDPOINT": f"{base}/digid-simulatie/token/",
        "OIDC_OP_USER_ENDPOINT": f"{base}/digid-simulatie/userinfo/",
    }
    with override_settings(PORTAL_OIDC={**settings.PORTAL_OIDC, **endpoints}):
        yield
    server.shutdown()


def digid_login(client: Client, bsn: str, level: str = SUBSTANTIEEL):
    """Log in as a resident: the portal's start, the simulated DigiD page, back to the callback."""
    start = client.get(reverse("portal-digid-start"))
    assert start.status_code == 302
    authorize = urlparse(start["Location"])
    assert authorize.path == reverse("digid-simulator-authorize")
    flow = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert flow["code_challenge_method"] == "S256" and flow["nonce"]
    back = client.post(authorize.path, {**flow, "bsn": bsn, "level": level})
    assert back.status_code == 302, back.content.decode()[:500]
    callback = urlparse(back["Location"])
    return client.get(callback.path, parse_qs(callback.query))


@pytest.fixture
def family(world):
    """A household with an agreed plan: a parent (the resident), a partner, an adult child; and a young
    child of 8 added to it."""
    trajectory = make_trajectory(world, members=3)
    make_agreed_plan(world, trajectory)
    household = trajectory.household
    members = [m.person for m in household.memberships.order_by("pk").select_related("person")]
    child = people_services.register_person(
        actor=world.professional,
        bsn=next_bsn(),
        voornamen="Kind",
        geslachtsnaam="Jong",
        geboortedatum=today().replace(year=today().year - 8) - dt.timedelta(days=30),
    )
    people_services.add_member(
        actor=world.professional,
        household=household,
        person=child,
        role=Membership.Role.CHILD,
        start_date=today() - dt.timedelta(days=30),
    )
    return {"trajectory": trajectory, "household": household, "parent": members[0], "other": members[1], "child": child}


def represent(world, person: Person, representative: Person, kind: str, **extra) -> Representation:
    return portal_services.record_representation(
        actor=world.professional,
        person=person,
        representative_bsn=representative.bsn,
        representative_name=representative.full_name,
        kind=kind,
        start_date=extra.pop("start_date", today() - dt.timedelta(days=10)),
        source="Gezagsregister, uittreksel",
        **extra,
    )


def test_a_digid_login_at_substantieel_makes_a_resident_account_and_opens_the_own_overview(
    unverified_client, world, family, digid
):
    parent = family["parent"]
    response = digid_login(unverified_client, parent.bsn)
    assert response.status_code == 302 and response["Location"] == "/mijn/"
    user = User.objects.get(bsn=parent.bsn)
    assert user.role == User.Role.RESIDENT and not user.has_usable_password() and parent.bsn not in user.username
    assert AuditEntry.objects.filter(action="login", actor=user).exists()
    home = unverified_client.get("/mijn/")
    assert home.status_code == 302 and home["Location"] == reverse("portal-person", args=[parent.pk])
    page = unverified_client.get(home["Location"]).content.decode()
    assert "Resultaat 0" in page and "Actie 0.1" in page and "Demo: inloggen gaat via een DigiD-simulatie" in page
    entry = AuditEntry.objects.filter(actor=user, object_type="portaal-overzicht").get()
    members = set(family["household"].memberships.values_list("person_id", flat=True))
    assert set(entry.subjects.values_list("person_id", flat=True)) == members  # the household plan is theirs
    # a second login finds the same account
    unverified_client.logout()
    digid_login(unverified_client, parent.bsn, HOOG)
    assert User.objects.filter(bsn=parent.bsn).count() == 1


def test_a_login_below_substantieel_is_refused_and_says_why(unverified_client, world, family, digid):
    response = digid_login(unverified_client, family["parent"].bsn, MIDDEN)
    assert response["Location"] == "/mijn/inloggen/?digid=mislukt"
    assert "_auth_user_id" not in unverified_client.session
    assert not User.objects.filter(bsn=family["parent"].bsn).exists()
    page = unverified_client.get(response["Location"]).content.decode()
    assert "niveau Midden" in page and "niveau Substantieel" in page


def test_the_simulator_refuses_a_bad_bsn_and_a_foreign_client(unverified_client, db):
    start = urlparse(unverified_client.get(reverse("portal-digid-start"))["Location"])
    flow = {k: v[0] for k, v in parse_qs(start.query).items()}
    bad = unverified_client.post(start.path, {**flow, "bsn": "123456789", "level": SUBSTANTIEEL})
    assert bad.status_code == 400
    assert "Burgerservicenummer: dit nummer voldoet niet aan de elfproef" in bad.content.decode()  # not "bSN:"
    foreign = unverified_client.get(start.path, {**flow, "redirect_uri": "https://elders.example/terug"})
    assert foreign.status_code == 400


def test_the_token_endpoint_wants_the_secret_and_the_pkce_verifier(client, db):
    answer = client.post(reverse("digid-simulator-token"), {"grant_type": "authorization_code", "code": "x"})
    assert answer.status_code == 401 and answer.json() == {"error": "invalid_client"}
    assert client.get(reverse("digid-simulator-userinfo"), HTTP_AUTHORIZATION="Bearer vals").status_code == 401


@override_settings(DIGID_SIMULATOR=False)
def test_the_simulator_is_off_unless_switched_on(client, db):
    assert client.get(reverse("digid-simulator-authorize")).status_code == 404
    assert client.post(reverse("digid-simulator-token")).status_code == 404


@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        ({}, True),
        ({"aud": "een-andere-dienst"}, False),
        ({"exp": 1_000_000}, False),
        ({"exp": None}, False),
        ({"iss": "https://elders.example/"}, False),
        ({"nonce": "oud"}, False),
    ],
)
def test_the_id_token_must_be_ours_unexpired_and_for_this_login(rf, change, accepted):
    import time

    import jwt

    from toegang.portal.oidc import PortalBackend, portal_setting

    claims = {
        "sub": "s",
        "aud": portal_setting("OIDC_RP_CLIENT_ID"),
        "iss": portal_setting("OIDC_OP_ISSUER"),
        "nonce": "n",
        "iat": int(time.time()),
        "exp": int(time.time()) + 60,
        **change,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    token = jwt.encode(claims, portal_setting("OIDC_RP_CLIENT_SECRET"), algorithm="HS256")
    backend = PortalBackend()
    if accepted:
        assert backend.verify_token(token, nonce="n")["sub"] == "s"
    else:
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(token, nonce="n")


@pytest.mark.parametrize(("level", "rank"), [("substantieel", 3), ("Substantieel", 3), ("HOOG", 4), ("sterk", 0)])
def test_levels_are_read_without_case_and_an_unknown_minimum_stops_the_start(settings, level, rank):
    from django.core.exceptions import ImproperlyConfigured

    from toegang.portal.oidc import check_settings, loa_rank

    assert loa_rank(level) == rank
    settings.PORTAL_MIN_LOA = level
    if rank:
        check_settings()
    else:
        with pytest.raises(ImproperlyConfigured, match="onbekend betrouwbaarheidsniveau"):
            check_settings()


def test_the_simulator_cannot_be_switched_on_outside_the_demo():
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOEGANG_")}
    env.update(TOEGANG_SECRET_KEY="x", TOEGANG_DIGID_SIMULATOR="1", DJANGO_SETTINGS_MODULE="toegang.conf.settings")
    done = subprocess.run([*MANAGE, "check"], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "alleen in de demo" in done.stderr
    env.pop("TOEGANG_DIGID_SIMULATOR")
    env["TOEGANG_PORTAL_OIDC_CLIENT_ID"] = "gemeente"
    done = subprocess.run([*MANAGE, "check"], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "TOEGANG_PORTAL_OIDC_CLIENT_SECRET" in done.stderr


def resident_client(person: Person) -> Client:
    c = Client()
    c.force_login(portal_services.resident_account(bsn=person.bsn))
    return c


def test_residents_reach_only_the_portal_and_staff_not_the_portal(client, world, family):
    resident = resident_client(family["parent"])
    for staff_page in ("/", reverse("caseload"), reverse("inbox"), reverse("social-map"), "/api/v1/signals/"):
        response = resident.get(staff_page)
        assert response.status_code == 302 and response["Location"] == "/mijn/", staff_page
    client.force_login(world.professional)
    assert client.get(reverse("portal-home")).status_code == 403
    assert client.get(reverse("portal-person", args=[family["parent"].pk])).status_code == 403
    anonymous = Client()
    response = anonymous.get(reverse("portal-person", args=[family["parent"].pk]))
    assert response.status_code == 302 and response["Location"].startswith("/mijn/inloggen/")


PORTAL_PERSON_URLS = {
    "portal-person": {},
    "portal-decisions": {},
    "portal-decision-letter": {"decision_id": 1},
    "portal-signal": {},
    "portal-consents": {},
    "portal-consent-withdraw": {"consent_id": 1},
    "portal-access-log": {},
    "portal-export": {"fmt": "json"},
    "portal-requests": {},
}


def test_every_portal_url_with_a_person_is_listed_here():
    found = {p.name for p in patterns() if p.name.startswith("portal-") and "person_id" in p.pattern.converters}
    assert found == set(PORTAL_PERSON_URLS)


def test_a_resident_never_reaches_another_residents_data_by_changing_the_id(world, family):
    """Every portal URL with a person in it, for someone else's id (a member of the same household
    included): not found, for GET and POST alike, and the attempt is in the log under that person."""
    resident = resident_client(family["parent"])
    user = User.objects.get(bsn=family["parent"].bsn)
    for other in (family["other"], family["child"]):
        for name, extra in PORTAL_PERSON_URLS.items():
            url = reverse(name, kwargs={"person_id": other.pk, **extra})
            assert resident.get(url).status_code in (404, 405), (name, other)
            assert resident.post(url, {"description": "x"}).status_code == 404, (name, other)
        denied = AuditEntry.objects.filter(actor=user, action="denied", subjects__person_id=other.pk)
        assert denied.count() >= len(PORTAL_PERSON_URLS)
    assert not Signal.objects.exists() and not Consent.objects.exists()


def test_a_parent_with_authority_acts_for_a_young_child_and_every_row_says_so(world, family):
    parent, child = family["parent"], family["child"]
    representation = represent(world, child, parent, Representation.Kind.PARENT)
    resident = resident_client(parent)
    home = resident.get(reverse("portal-home")).content.decode()
    assert "Uzelf" in home and child.full_name in home and "ouder met gezag" in home
    page = resident.get(reverse("portal-person", args=[child.pk]))
    assert page.status_code == 200 and "Resultaat 0" in page.content.decode()
    entry = AuditEntry.objects.filter(object_type="portaal-overzicht").latest("id")
    members = set(family["household"].memberships.values_list("person_id", flat=True))
    assert set(entry.subjects.values_list("person_id", flat=True)) == members  # the parent lives there
    assert f"vertegenwoordiging {representation.pk}" in entry.detail
    # the signal it writes carries the representation too
    resident.post(reverse("portal-signal", args=[child.pk]), {"description": "Zorgen over school"})
    signal_row = AuditEntry.objects.filter(object_type="signal", action="create").latest("id")
    assert f"vertegenwoordiging {representation.pk}" in signal_row.detail


def test_authority_over_a_child_ends_at_sixteen_in_the_portal(world, family):
    parent, child = family["parent"], family["child"]
    represent(world, child, parent, Representation.Kind.PARENT)
    Person.objects.filter(pk=child.pk).update(geboortedatum=today().replace(year=today().year - 16))
    resident = resident_client(parent)
    assert resident.get(reverse("portal-person", args=[child.pk])).status_code == 404
    assert child.full_name not in resident.get(reverse("portal-home")).content.decode()


def test_an_ended_or_future_representation_does_not_count(world, family):
    parent, other = family["parent"], family["other"]
    r = represent(world, other, parent, Representation.Kind.MENTOR)
    resident = resident_client(parent)
    assert resident.get(reverse("portal-person", args=[other.pk])).status_code == 200
    portal_services.end_representation(actor=world.professional, representation=r, on=today() - dt.timedelta(days=1))
    assert resident.get(reverse("portal-person", args=[other.pk])).status_code == 404
    represent(world, other, parent, Representation.Kind.CURATOR, start_date=today() + dt.timedelta(days=1))
    assert resident.get(reverse("portal-person", args=[other.pk])).status_code == 404


def test_a_bewindvoerder_sees_the_decisions_and_nothing_about_care(world, family):
    parent, other = family["parent"], family["other"]
    represent(world, other, parent, Representation.Kind.TRUSTEE)
    resident = resident_client(parent)
    page = resident.get(reverse("portal-person", args=[other.pk])).content.decode()
    assert "Beschikkingen" in page and "Resultaat 0" not in page and "Ondersteuningsplan" not in page
    assert resident.get(reverse("portal-decisions", args=[other.pk])).status_code == 200
    for name, extra in PORTAL_PERSON_URLS.items():
        if name not in ("portal-person", "portal-decisions", "portal-decision-letter"):
            ask = resident.post if name == "portal-consent-withdraw" else resident.get
            assert ask(reverse(name, kwargs={"person_id": other.pk, **extra})).status_code == 404, name


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"representative_bsn": "123456789"}, "representative_bsn", "BSN vertegenwoordiger: dit nummer voldoet niet"),
        ({"kind": "oom"}, "kind", "Soort vertegenwoordiging: kies"),
        ({"source": " "}, "source", "Bron: noem waaruit"),
        ({"kind": "gezag"}, "kind", "alleen voor een minderjarige"),  # the person is an adult
        ({"end_date": today() - dt.timedelta(days=30)}, "end_date", "Tot en met: de einddatum ligt voor"),
    ],
)
def test_recording_a_representation_refuses_bad_input_by_field(world, family, change, field, message):
    values = {
        "actor": world.professional,
        "person": family["other"],
        "representative_bsn": family["parent"].bsn,
        "representative_name": "Ouder",
        "kind": Representation.Kind.MENTOR,
        "start_date": today() - dt.timedelta(days=10),
        "source": "Curatele- en bewindregister",
        **change,
    }
    with pytest.raises(DomainError, match=message) as error:
        portal_services.record_representation(**values)
    assert error.value.field == field and not Representation.objects.exists()


def test_the_team_records_and_ends_a_representation_on_the_person_page(client, world, family):
    client.force_login(world.professional)
    household, child = family["household"], family["child"]
    url = reverse("representation-add", args=[household.pk, child.pk])
    form = {
        "kind": "voogdij",
        "representative_name": "Voogd Jansen",
        "representative_bsn": next_bsn(),
        "source": "Beschikking rechtbank",
        "start_date": today().isoformat(),
    }
    bad = client.post(url, {**form, "representative_bsn": "12"})
    assert bad.status_code == 400 and "BSN vertegenwoordiger" in bad.content.decode()
    assert not Representation.objects.exists()
    assert client.post(url, form).status_code == 302
    page = client.get(reverse("household-person", args=[household.pk, child.pk])).content.decode()
    assert "Voogd Jansen" in page and "Beschikking rechtbank" in page
    r = Representation.objects.get()
    client.post(reverse("representation-end", args=[household.pk, child.pk, r.pk]))
    r.refresh_from_db()
    assert r.end_date == today()
    client.force_login(world.outsider)  # another team: not their household
    assert client.post(url, form).status_code == 404


def test_a_representative_outside_the_household_sees_only_the_persons_own_part(world, family):
    """A parent with authority who lives elsewhere: of the household's plan only the goals with an action
    of the child, no working notes in the download, and only the child as the subject of the log row."""
    from toegang.cases import services as case_services
    from toegang.plans.models import Action, Goal

    child, household = family["child"], family["household"]
    elsewhere = people_services.register_person(
        actor=world.professional, bsn=next_bsn(), voornamen="Ouder", geslachtsnaam="Elders"
    )
    represent(world, child, elsewhere, Representation.Kind.PARENT)
    goal = Goal.objects.filter(plan__household=household).order_by("pk").first()
    # an action of the child in the agreed plan (as a new plan version would hold it; written directly here)
    Action.objects.create(
        goal=goal, description="Gaat naar de huiswerkklas", party=Action.Party.MEMBER, member=child, due_on=today()
    )
    case_services.add_note(
        actor=world.professional,
        trajectory=family["trajectory"],
        text="Moeder verblijft tijdelijk elders; adres geheim.",
        happened_on=today(),
    )
    resident = resident_client(elsewhere)
    page = resident.get(reverse("portal-person", args=[child.pk])).content.decode()
    assert "Gaat naar de huiswerkklas" in page and "U woont niet in dit huishouden" in page
    assert "Actie 0.0" not in page and "Resultaat 1" not in page  # goals without an action of the child
    row = AuditEntry.objects.filter(object_type="portaal-overzicht").latest("id")
    assert list(row.subjects.values_list("person_id", flat=True)) == [child.pk]
    data = json.loads(resident.get(reverse("portal-export", args=[child.pk, "json"])).content)
    assert "adres geheim" not in json.dumps(data) and "Werkaantekeningen" in data["toelichting"]
    goals = [g for t in data["trajecten"] for p in t["plannen"] for g in p["doelen"]]
    assert [a["actie"] for g in goals for a in g["acties"]] == ["Gaat naar de huiswerkklas"]
    # the parent in the household sees the whole plan, and the log row names every member
    own = resident_client(family["parent"])
    own.get(reverse("portal-person", args=[family["parent"].pk]))
    row = AuditEntry.objects.filter(object_type="portaal-overzicht").latest("id")
    assert set(row.subjects.values_list("person_id", flat=True)) == set(
        household.memberships.values_list("person_id", flat=True)
    )


def test_the_access_log_shows_no_free_text(world, family):
    """A row's free text (here a legal hold's reason, written about the household) stays out of the
    resident's view: who, when, what kind of data only."""
    from toegang.audit import services as audit_services

    audit_services.record(
        actor=world.privacy,
        action="update",
        obj=family["trajectory"],
        subjects=[family["parent"].pk],
        detail="blokkade: aangifte tegen partner",
    )
    page = resident_client(family["parent"]).get(reverse("portal-access-log", args=[family["parent"].pk]))
    assert "Privacy Test" in page.content.decode() and "aangifte" not in page.content.decode()


def test_a_resident_files_a_request_for_full_inzage(world, family):
    from toegang.privacy.models import RightsRequest

    parent = family["parent"]
    resident = resident_client(parent)
    url = reverse("portal-requests", args=[parent.pk])
    assert resident.post(url, {"kind": "vernietiging"}).status_code == 400
    assert resident.post(url, {"kind": "inzage", "description": "Graag ook de notities."}).status_code == 302
    request = RightsRequest.objects.get()
    assert (request.kind, request.person, request.status) == ("inzage", parent, "open")
    assert request.due_on > today() and "Via het portaal" in request.description
    again = resident.post(url, {"kind": "inzage"})
    assert again.status_code == 400 and "er loopt al een verzoek" in again.content.decode()
    assert RightsRequest.objects.count() == 1


def test_the_privacy_officer_hears_of_a_new_representation(world, family):
    from toegang.privacy.models import Message

    represent(world, family["child"], family["parent"], Representation.Kind.PARENT)
    message = Message.objects.get(recipient=world.privacy)
    assert "ouder met gezag" in message.text and family["parent"].full_name in message.text


def test_a_resident_submits_a_melding_that_lands_in_the_team_queue(world, family):
    parent = family["parent"]
    resident = resident_client(parent)
    url = reverse("portal-signal", args=[parent.pk])
    empty = resident.post(url, {"description": "  "})
    assert empty.status_code == 400 and "Waar heeft u hulp bij nodig?" in empty.content.decode()
    assert not Signal.objects.exists()
    done = resident.post(url, {"description": "Ik heb hulp nodig bij mijn administratie."})
    assert done.status_code == 302
    signal = Signal.objects.get()
    assert (signal.team, signal.channel, signal.source) == (world.team, "formulier", "zelfmelder")
    assert list(signal.persons.all()) == [parent]


def test_a_resident_we_know_nothing_about_passes_on_a_first_question(world):
    bsn = next_bsn()
    resident = Client()
    resident.force_login(portal_services.resident_account(bsn=bsn))
    home = resident.get(reverse("portal-home")).content.decode()
    assert "geen gegevens over u" in home and reverse("portal-first-signal") in home
    form = {
        "voornamen": "Sam",
        "geslachtsnaam": "Nieuw",
        "geboortedatum": "1990-04-02",
        "municipality": world.other_gemeente.pk,
        "description": "Ik kan de huur niet meer betalen.",
    }
    missing = resident.post(reverse("portal-first-signal"), {**form, "voornamen": ""})
    assert missing.status_code == 400 and "Voornamen: dit veld is verplicht" in missing.content.decode()
    future = resident.post(reverse("portal-first-signal"), {**form, "geboortedatum": "2999-01-01"})
    assert future.status_code == 400 and "Geboortedatum: de datum ligt in de toekomst" in future.content.decode()
    assert not Person.objects.filter(bsn=bsn).exists() and not Signal.objects.exists()
    assert resident.post(reverse("portal-first-signal"), form).status_code == 302
    person = Person.objects.get(bsn=bsn)
    signal = Signal.objects.get()
    assert signal.team == world.other_team and list(signal.persons.all()) == [person]
    assert resident.get(reverse("portal-home"))["Location"] == reverse("portal-person", args=[person.pk])
    assert resident.get(reverse("portal-first-signal"))["Location"] == reverse("portal-home")  # known now


def test_a_resident_gives_and_withdraws_consent(world, family):
    parent = family["parent"]
    activity = ProcessingActivity.objects.filter(basis=ProcessingActivity.Basis.CONSENT).first()
    resident = resident_client(parent)
    url = reverse("portal-consents", args=[parent.pk])
    form = {
        "activity": activity.pk,
        "categories": ["plan", "contact"],
        "organisations": [world.partner_org.pk],
        "valid_until": (today() + dt.timedelta(days=180)).isoformat(),
    }
    missing = resident.post(url, {**form, "organisations": []})
    assert missing.status_code == 400 and "Met welke organisaties" in missing.content.decode()
    too_long = resident.post(url, {**form, "valid_until": (today() + dt.timedelta(days=4000)).isoformat()})
    assert too_long.status_code == 400 and "Geldig tot en met" in too_long.content.decode()
    assert not Consent.objects.exists()
    assert resident.post(url, form).status_code == 302
    consent = Consent.objects.get()
    assert consent.given_by == "inwoner" and consent.person == parent and consent.withdrawn_on is None
    assert resident.post(reverse("portal-consent-withdraw", args=[parent.pk, consent.pk])).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == today()
    # a representative's consent says who gave it
    represent(world, family["child"], parent, Representation.Kind.PARENT)
    resident.post(reverse("portal-consents", args=[family["child"].pk]), form)
    given = Consent.objects.get(person=family["child"])
    assert given.given_by == "vertegenwoordiger" and parent.geslachtsnaam in given.representative_name


def test_meetings_and_reviews_ahead_are_shown(world, family):
    parent, trajectory = family["parent"], family["trajectory"]
    conference = CaseConference.objects.create(
        trajectory=trajectory,
        held_on=today() + dt.timedelta(days=7),
        starts_at=dt.time(14, 30),
        location="Wijkcentrum De Brug",
        purpose="Samen de volgende stap bespreken",
        organised_by=world.professional,
        created_at=dt.datetime.now(tz=dt.UTC),
    )
    Participant.objects.create(conference=conference, kind="lid", person=parent)
    page = resident_client(parent).get(reverse("portal-person", args=[parent.pk])).content.decode()
    assert "Samen de volgende stap bespreken" in page and "14:30" in page and "Voortgangsbespreking" in page


def test_the_access_log_shows_who_looked_and_the_export_has_everything(client, world, family):
    parent = family["parent"]
    client.force_login(world.professional)
    client.get(reverse("household", args=[family["household"].pk]))
    resident = resident_client(parent)
    log = resident.get(reverse("portal-access-log", args=[parent.pk])).content.decode()
    assert str(world.professional) in log and "Gemeente Test" in log
    data = json.loads(resident.get(reverse("portal-export", args=[parent.pk, "json"])).content)
    assert data["persoon"]["bsn"] == parent.bsn and data["trajecten"][0]["plannen"]
    seen = data["wie_zag_mijn_gegevens"]
    assert any(row["gebruiker"] == str(world.professional) for row in seen)  # the name, as in the portal
    assert any(row["gebruiker"] == "Uzelf, via dit portaal" for row in seen)
    assert not any(row["gebruiker"].startswith("inwoner-") for row in seen)  # never an account's username
    assert [row["moment"] for row in seen] == sorted((row["moment"] for row in seen), reverse=True)  # newest first
    pdf = resident.get(reverse("portal-export", args=[parent.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # named after the person and the day: a parent's own file and their child's were both "inzage.pdf"
    first_name = slugify(parent.voornamen.split()[0])
    assert (
        pdf["Content-Disposition"] == f'attachment; filename="inzage-{first_name}-{timezone.localdate():%Y-%m-%d}.pdf"'
    )

    text = pdf_text(pdf.content)
    assert f"BSN: {parent.bsn}" in text and "Geslachtsnaam: " in text and "bsn:" not in text
    day = timezone.localdate()
    assert f"Opgesteld op {day.day}-{day.month}-{day.year} " in text and "T" not in text.split("Opgesteld op ")[1][:16]
    assert resident.get(reverse("portal-export", args=[parent.pk, "xml"])).status_code == 404


def test_the_decision_and_its_letter(world, family):
    from tests.test_decisions import hbh
    from toegang.procedures import decisions as decision_services
    from toegang.procedures import services as procedure_services
    from toegang.procedures.models import Provider

    parent = family["parent"]
    proc = procedure_services.start_procedure(
        actor=world.professional, trajectory=family["trajectory"], person=parent, law="wmo", reported_on=today()
    )
    proc = procedure_services.record_step(actor=world.professional, procedure=proc, step="application_on", day=today())
    decision = decision_services.draft_decision(
        actor=world.professional, procedure=proc, outcome="toegekend", reasoning="Onderzoek wijst uit..."
    )
    hbh(world, decision, Provider.objects.create(name="Thuiszorg Test", agb_code="98765432"))
    resident = resident_client(parent)
    letter_url = reverse("portal-decision-letter", args=[parent.pk, decision.pk])
    assert resident.get(letter_url).status_code == 404  # a draft is not the resident's yet
    decision = decision_services.submit(actor=world.professional, decision=decision)
    decision_services.send(actor=world.professional, decision=decision, on=today())
    page = resident.get(reverse("portal-decisions", args=[parent.pk])).content.decode()
    assert "Toegekend" in page and "Brief downloaden" in page
    letter = resident.get(letter_url)
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", object_type="decision", object_id=str(decision.pk)).exists()


PINNED = {"portal-person": 13, "portal-decisions": 4, "portal-consents": 6, "portal-access-log": 4}


def test_each_portal_page_has_a_pinned_query_count_that_does_not_grow_with_the_plan(world, family):
    """Each page's reads (apart from its one audit row), and the overview the same for a plan of 2×2 and
    of 6×5 goals and actions."""
    parent = family["parent"]
    resident = resident_client(parent)
    resident.get(reverse("portal-home"))  # the session's first request writes its clock
    found = {name: page_queries(resident, reverse(name, args=[parent.pk])) for name in PINNED}
    assert found == PINNED
    trajectory = make_trajectory(world, members=2)
    make_agreed_plan(world, trajectory, goals=6, actions_per_goal=5)
    bigger = trajectory.household.memberships.order_by("pk").first().person
    other = resident_client(bigger)
    other.get(reverse("portal-home"))
    assert page_queries(other, reverse("portal-person", args=[bigger.pk])) == PINNED["portal-person"]
