"""The REST API (issue 9, point 1): tokens and scopes, the same access as the UI, need-to-know on plans,
cursor pagination, problem details, one audit row per request, and the signal write."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.utils import timezone

from tests.api_support import ApiClient, api, token_for
from tests.conftest import household_persons, law_basis, make_household, make_trajectory
from tests.test_consent import give_consent, involve
from toegang.api.models import ApiToken
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.cases.search import search_persons
from toegang.cases.selectors import households_visible_to, trajectories_visible_to
from toegang.common.converters import BIGINT_MAX
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.conf.api import ratelimit_cache
from toegang.people.models import Person
from toegang.plans import services as plan_services
from toegang.plans.models import Action, LifeDomain, Plan
from toegang.privacy.models import ProcessingActivity
from toegang.signals.models import Signal
from toegang.signals.selectors import signals_visible_to

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] and "detail" in body
    return body


@pytest.fixture
def cases(world):
    """Trajectories of the own team, another team, and one the partner is involved in."""
    own = [make_trajectory(world) for _ in range(3)]
    other = make_trajectory(world, regisseur=world.outsider)
    shared = make_trajectory(world)
    case_services.add_involvement(
        actor=world.professional,
        trajectory=shared,
        professional=world.partner,
        role="Jeugdhulpverlener",
        start_date=today(),
        basis=law_basis(),
    )
    return {"own": own, "other": other, "shared": shared}


# --- authentication and scopes -------------------------------------------------------------------------


def test_missing_unknown_expired_and_revoked_tokens_get_401(world, cases):
    assert_problem(ApiClient(None).get("/api/v1/trajectories/"), 401)
    assert_problem(ApiClient("tg_abc_def").get("/api/v1/trajectories/"), 401)
    assert_problem(ApiClient("iets-anders").get("/api/v1/trajectories/"), 401)
    secret = token_for(world, world.professional)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    body = assert_problem(ApiClient(secret).get("/api/v1/trajectories/"), 401)
    assert "verlopen" in body["detail"]
    secret = token_for(world, world.professional)
    token = ApiToken.objects.latest("pk")
    from toegang.api.tokens import revoke_token

    revoke_token(actor=world.admin, token=token)
    assert "ingetrokken" in assert_problem(ApiClient(secret).get("/api/v1/trajectories/"), 401)["detail"]
    response = ApiClient(None).get("/api/v1/trajectories/")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_scope_gets_403(world, cases):
    client = api(world, world.professional, ["signals:read"])
    body = assert_problem(client.get("/api/v1/trajectories/"), 403)
    assert "cases:read" in body["detail"]
    assert client.get("/api/v1/signals/").status_code == 200
    assert_problem(client.post("/api/v1/signals/", {}), 403)


def test_only_a_functional_administrator_issues_tokens_and_the_secret_is_not_stored(world):
    with pytest.raises(DomainError):
        from toegang.api.tokens import issue_token

        issue_token(actor=world.professional, user=world.professional, name="x", scopes=["cases:read"])
    secret = token_for(world, world.professional)
    token = ApiToken.objects.get()
    # the secret part comes after the prefix's "_"; it may hold "_" itself (token_urlsafe), so not split("_")[-1],
    # which once left one character that a hex digest held by chance
    secret_part = secret.removeprefix("tg_").partition("_")[2]
    assert len(secret_part) >= 40 and secret_part not in token.digest and len(token.digest) == 64
    assert AuditEntry.objects.filter(object_type="apitoken", action="create").count() == 1


def test_a_role_without_case_access_gets_403(world, cases):
    assert_problem(api(world, world.admin).get("/api/v1/households/"), 403)


# --- the same access as the UI -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["professional", "partner", "team_lead", "outsider", "manager", "partner on consent"])
def test_a_user_bound_token_sees_exactly_what_the_user_sees(world, cases, who):
    if who == "partner on consent":  # the token check then finds an involvement on consent (api/tokens.py)
        trajectory = make_trajectory(world)
        integral = ProcessingActivity.objects.get(code="integrale-ondersteuning")
        give_consent(world, trajectory, integral, categories=["plan", "huishouden", "contact"])
        involve(world, trajectory, integral)
        who = "partner"
    user = getattr(world, who)
    client = api(world, user)
    assert sorted(client.all_ids("/api/v1/trajectories/")) == sorted(
        trajectories_visible_to(user).values_list("pk", flat=True)
    )
    assert sorted(client.all_ids("/api/v1/households/")) == sorted(
        households_visible_to(user).values_list("pk", flat=True)
    )
    assert sorted(client.all_ids("/api/v1/signals/")) == sorted(signals_visible_to(user).values_list("pk", flat=True))
    persons = client.all_ids("/api/v1/persons/")
    expected = set()
    for household in households_visible_to(user):
        expected |= {p.pk for p in household_persons(household)}
    assert sorted(persons) == sorted(expected)
    # and the UI's own person search agrees for each of them
    for household in households_visible_to(user)[:2]:
        person = household_persons(household)[0]
        assert [r.person_id for r in search_persons(user=user, bsn=person.bsn)] == [person.pk]


def test_the_partner_sees_the_shared_case_and_their_own_teams_not_the_others(world, cases):
    ids = api(world, world.partner).all_ids("/api/v1/trajectories/")
    assert ids == [cases["other"].pk, cases["shared"].pk]  # the partner's team (Zuid) and the involvement


def test_a_denied_detail_is_404_and_logged_as_denied(world, cases):
    client = api(world, world.outsider)
    before = AuditEntry.objects.count()
    assert_problem(client.get(f"/api/v1/trajectories/{cases['own'][0].pk}/"), 404)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("pk")
    assert entry.action == AuditEntry.Action.DENIED and entry.subjects.exists()
    assert client.get(f"/api/v1/trajectories/{cases['other'].pk}/").status_code == 200


def test_every_denied_detail_is_logged_under_the_persons_it_concerns(world, cases, shared_plan):
    """Persons, signals, plans and decisions were logged as denied without subjects, so the attempt was
    missing from the person's log; households and trajectories already had them (audit.log_denied)."""
    household = make_household(world, members=2)
    persons = sorted(p.pk for p in household_persons(household))
    signal_id = (
        api(world, world.professional)
        .post("/api/v1/signals/", _signal_body([Person.objects.get(pk=pk).bsn for pk in persons]))
        .json()["id"]
    )
    plan_members = sorted(p.pk for p in household_persons(shared_plan.household))
    outsider = api(world, world.outsider)
    for url, subjects in (
        (f"/api/v1/persons/{persons[0]}/", [persons[0]]),
        (f"/api/v1/signals/{signal_id}/", persons),
        (f"/api/v1/plans/{shared_plan.pk}/", plan_members),
        ("/api/v1/persons/999999/", []),  # no such person: logged, under nobody
    ):
        assert_problem(outsider.get(url), 404)
        entry = AuditEntry.objects.latest("pk")
        assert entry.action == AuditEntry.Action.DENIED, url
        assert sorted(entry.subjects.values_list("person_id", flat=True)) == subjects, url


# --- need-to-know on plans -----------------------------------------------------------------------------


@pytest.fixture
def shared_plan(world, cases):
    trajectory = cases["shared"]
    actor = world.professional
    plan = plan_services.start_plan(actor=actor, trajectory=trajectory)
    domains = list(LifeDomain.objects.order_by("position")[:2])
    for domain, professional, text in ((domains[0], world.partner, "Eigen"), (domains[1], actor, "Ander")):
        goal = plan_services.add_goal(
            actor=actor,
            plan=plan,
            expected_revision=plan.revision,
            domain=domain,
            result=f"Resultaat {text}",
            due_on=today() + dt.timedelta(days=60),
        )
        plan_services.add_action(
            actor=actor,
            goal=goal,
            expected_revision=plan.revision,
            description=f"Actie {text}",
            party=Action.Party.PROFESSIONAL,
            professional=professional,
            due_on=today(),
        )
    plan_services.agree_plan(
        actor=actor, plan=plan, expected_revision=plan.revision, agreed_on=today(), agreed_how=Plan.AgreedHow.VERBAL
    )
    return plan


def test_a_partner_sees_own_goals_in_full_and_only_that_others_are_involved(world, shared_plan):
    body = api(world, world.partner).get(f"/api/v1/plans/{shared_plan.pk}/").json()
    assert body["whole_plan"] is False
    own, other = body["goals"]
    assert (
        own["full"]
        and own["result"] == "Resultaat Eigen"
        and [a["description"] for a in own["actions"]] == ["Actie Eigen"]
    )
    assert not other["full"] and other["result"] is None and other["domain"] is None and other["actions"] == []
    assert other["organisations"] == ["Gemeente Test"]
    assert "Ander" not in json.dumps(body)
    whole = api(world, world.professional).get(f"/api/v1/plans/{shared_plan.pk}/").json()
    assert whole["whole_plan"] is True and all(g["full"] for g in whole["goals"])
    assert [a["description"] for g in whole["goals"] for a in g["actions"]] == ["Actie Eigen", "Actie Ander"]


def test_plans_list_follows_the_trajectories(world, shared_plan, cases):
    assert api(world, world.partner).all_ids("/api/v1/plans/") == [shared_plan.pk]
    assert api(world, world.outsider).all_ids("/api/v1/plans/") == []


# --- pagination and filters ----------------------------------------------------------------------------


def test_cursor_pagination_walks_every_row_once_in_a_stable_order(world, cases):
    client = api(world, world.team_lead)
    first = client.get("/api/v1/trajectories/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    assert "count" not in first
    ids = client.all_ids("/api/v1/trajectories/", page_size=2)
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 4
    assert (
        assert_problem(client.get("/api/v1/trajectories/?cursor=onzin"), 400)["invalid-params"][0]["name"] == "cursor"
    )
    for size in ("0", "201", "x", "-1", "¹"):
        body = assert_problem(client.get(f"/api/v1/trajectories/?page_size={size}"), 400)
        assert body["invalid-params"][0]["name"] == "page_size"
    # cursors that decode as DRF's but hold no id as position: made by hand, not by the API
    for made in ("p=abc", "p=" + "9" * 25, "p=" + "9" * 5000, "p=-1", "p=1.5", "o=1&p=٣"):
        forged = base64.b64encode(made.encode()).decode()
        for url in ("/api/v1/trajectories/", "/api/v1/signals/", "/api/v1/services/"):
            body = assert_problem(client.get(f"{url}?cursor={quote(forged)}"), 400)
            assert body["invalid-params"][0]["name"] == "cursor", (made, url)
    # text that base64 decodes to nothing or to no position: once silently the first page, so a client
    # with a damaged cursor started over without noticing
    no_position = [base64.b64encode(made).decode() for made in (b"o=3", b"r=1")]
    for damaged in ("!!!", " ", "....", "====", "\x00", *no_position):
        body = assert_problem(client.get(f"/api/v1/trajectories/?cursor={quote(damaged)}"), 400)
        assert body["invalid-params"][0]["name"] == "cursor", damaged
    # a real cursor of the next page still works, and so does the way back from it
    second = client.get(first["next"])
    assert second.status_code == 200
    back = client.get(second.json()["previous"])
    assert back.status_code == 200 and back.json()["results"] == first["results"]


def test_unknown_query_parameters_are_refused(world, cases):
    client = api(world, world.professional)
    body = assert_problem(client.get("/api/v1/trajectories/?staus=open"), 400)
    assert body["invalid-params"] == [{"name": "staus", "reason": "Onbekende parameter."}]
    assert_problem(client.get(f"/api/v1/trajectories/{cases['own'][0].pk}/?x=1"), 400)
    assert_problem(client.get("/api/v1/households/?status=open"), 400)
    # a parameter given twice: which would count? Neither
    body = assert_problem(client.get("/api/v1/trajectories/?status=open&status=gesloten"), 400)
    assert body["invalid-params"] == [{"name": "status", "reason": "Geef deze parameter één keer."}]
    assert_problem(client.get("/api/v1/trajectories/?page_size=2&page_size=3"), 400)
    assert_problem(api(world, world.manager).get("/api/v1/indicators/manager/?wet=wmo&wet=jeugdwet"), 400)


def test_status_filter_is_validated(world, cases):
    client = api(world, world.professional)
    assert client.all_ids("/api/v1/trajectories/?status=open")
    body = assert_problem(client.get("/api/v1/trajectories/?status=onzin"), 400)
    assert body["invalid-params"][0]["name"] == "status"


# --- problem details -----------------------------------------------------------------------------------


def test_unknown_path_and_method_are_problem_details(world, cases):
    client = api(world, world.professional)
    assert_problem(client.get("/api/v1/bestaat-niet/"), 404)
    assert_problem(client.get("/api/v1/persons/.%0A/"), 404)  # a newline in the path: still problem details
    assert_problem(client.get("/api/v1/trajectories/999999/"), 404)
    assert_problem(client.get("/api/v1/trajectories/abc/"), 404)
    assert_problem(client.get("/api/v1/trajectories/¹/"), 404)  # a digit to str.isdigit, not to int()
    for number in (BIGINT_MAX, BIGINT_MAX + 1, "9" * 5000):  # the last one beyond the id columns and int()'s digits
        assert_problem(client.get(f"/api/v1/households/{number}/"), 404)
    response = client.client.delete(f"/api/v1/trajectories/{cases['own'][0].pk}/", **client.headers)
    assert_problem(response, 405)
    assert_problem(client.post("/api/v1/trajectories/", {}), 405)


def test_writes_to_an_unknown_path_are_problem_details_not_the_csrf_page(world, cases):
    """The UI's CSRF check stood before the API's catch-all: a POST without the closing slash got an HTML
    403. Now a 404 in problem details, and a path that lacks only the slash says so."""
    client = api(world, world.professional)
    client.client = Client(enforce_csrf_checks=True)  # as a real client: no CSRF token, ever
    before = Signal.objects.count()
    body = assert_problem(client.post("/api/v1/signals", {"description": "x"}), 404)
    assert "/api/v1/signals/" in body["detail"]
    for method, url in (("post", "/api/v1/bestaat-niet/"), ("post", "/api/v1/"), ("delete", "/api/v1/bestaat-niet/")):
        body = assert_problem(getattr(client.client, method)(url, **client.headers), 404)
        assert body["detail"] == "Onder dit adres is geen API-bron."
    assert Signal.objects.count() == before
    # the OAuth2 token endpoint takes only POST; its GET was the UI's HTML page for 405
    response = client.client.get("/api/v1/oauth/token/")
    assert_problem(response, 405)
    assert "POST" in response["Allow"]


def test_head_and_options_follow_the_scopes(world, cases):
    """HEAD needs what GET needs; OPTIONS describes a resource to a token that may use it. Both were a 403
    for every token, although Allow names them."""
    client = api(world, world.professional, scopes=["cases:read"])
    head = client.client.head("/api/v1/trajectories/", **client.headers)
    assert head.status_code == 200 and head.content == b""
    denied = client.client.head("/api/v1/signals/", **client.headers)  # signals:read is not there
    assert denied.status_code == 403 and denied["Content-Type"] == "application/problem+json" and not denied.content
    options = client.client.options("/api/v1/trajectories/", **client.headers)
    assert options.status_code == 200
    body = options.json()
    assert body["name"] and body["schema"] == "/api/v1/schema/" and "actions" not in body
    assert "OPTIONS" in options["Allow"] and "HEAD" in options["Allow"]
    assert_problem(client.client.options("/api/v1/signals/", **client.headers), 403)
    assert_problem(ApiClient(None).client.options("/api/v1/trajectories/"), 401)


@override_settings(API_THROTTLE_RATE="3/min")
def test_rate_limit_gives_429_with_retry_after(world, cases):
    from django.core.cache import caches

    caches["ratelimit"].clear()
    client = api(world, world.professional)
    for _ in range(3):
        assert client.get("/api/v1/signals/").status_code == 200
    response = client.get("/api/v1/signals/")
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    other = api(world, world.colleague)  # per token: another token is not limited by this one
    assert other.get("/api/v1/signals/").status_code == 200
    caches["ratelimit"].clear()


REDIS_RATE_LIMIT = "redis://127.0.0.1:6379/14"  # a database of its own (the worker tests use 15)


def _ratelimit_at(settings, url: str) -> None:
    """The rate-limit counters in Redis at ``url``, as TOEGANG_RATE_LIMIT_URL sets them, under this
    run's own key prefix; changing CACHES makes Django build its cache connections anew."""
    settings.CACHES = {**settings.CACHES, "ratelimit": ratelimit_cache(url, key_prefix=f"toegang-test-{os.getpid()}")}


def test_with_redis_every_web_process_counts_against_one_limit(world, cases, settings):
    import redis
    from django.core.cache import caches

    settings.API_THROTTLE_RATE = "3/min"  # through the fixture, as CACHES: one undo for both
    _ratelimit_at(settings, REDIS_RATE_LIMIT)
    store = redis.Redis.from_url(REDIS_RATE_LIMIT)
    own = f"toegang-test-{os.getpid()}:*"  # this run's keys only: another run may share the database
    for key in store.scan_iter(own):
        store.delete(key)
    client = api(world, world.professional)
    for _ in range(3):
        assert client.get("/api/v1/signals/").status_code == 200
    assert_problem(client.get("/api/v1/signals/"), 429)
    keys = list(store.scan_iter(own))
    assert len(keys) == 1 and b"toegang-api-throttle:token:" in keys[0]  # the token's id, nothing about a person
    another_process = caches.create_connection("ratelimit")  # a connection of its own, no memory of this one
    assert len(another_process.get(keys[0].decode().split(":", 2)[2])) == 3  # the three requests let through
    store.delete(*keys)


def test_a_rate_limit_store_that_does_not_answer_lets_requests_through(world, cases, settings, caplog, monkeypatch):
    from toegang.api import throttling

    _ratelimit_at(settings, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    monkeypatch.setattr(throttling, "_unreachable_until", 0.0)
    client = api(world, world.professional)
    assert client.get("/api/v1/signals/").status_code == 200
    assert "TOEGANG_RATE_LIMIT_URL antwoordt niet" in caplog.text
    caplog.clear()
    assert client.get("/api/v1/signals/").status_code == 200  # within the pause: Redis is not asked again
    assert "antwoordt niet" not in caplog.text


# --- one audit row per request -------------------------------------------------------------------------


def test_every_read_writes_one_audit_row_with_its_subjects(world, cases):
    client = api(world, world.professional)
    for url in ("/api/v1/trajectories/", "/api/v1/households/", "/api/v1/persons/", "/api/v1/signals/"):
        before = AuditEntry.objects.count()
        response = client.get(url)
        assert response.status_code == 200
        assert AuditEntry.objects.count() == before + 1
        entry = AuditEntry.objects.latest("pk")
        assert entry.actor == world.professional and entry.action == "read" and entry.detail.startswith("API ")
    trajectory = cases["own"][0]
    before = AuditEntry.objects.count()
    client.get(f"/api/v1/trajectories/{trajectory.pk}/")
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("pk")
    members = {p.pk for p in household_persons(trajectory.household)}
    assert set(entry.subjects.values_list("person_id", flat=True)) == members
    client.get("/api/v1/households/?page_size=1")
    entry = AuditEntry.objects.latest("pk")
    first = households_visible_to(world.professional).order_by("pk").first()
    assert set(entry.subjects.values_list("person_id", flat=True)) == {p.pk for p in household_persons(first)}


# --- writing a signal ----------------------------------------------------------------------------------


def _signal_body(persons: list[str], **extra) -> dict:
    return {
        "source": Signal.Source.values[0],
        "channel": Signal.Channel.values[0],
        "received_on": today().isoformat(),
        "description": "Zorgen over de kinderen",
        "persons": persons,
        **extra,
    }


def test_posting_a_signal_registers_it_through_the_service_with_one_audit_row(world):
    household = make_household(world)
    person = household_persons(household)[0]
    client = api(world, world.professional)
    domain = LifeDomain.objects.order_by("position").first()
    before = AuditEntry.objects.count()
    response = client.post("/api/v1/signals/", _signal_body([person.bsn], life_domains=[domain.pk]))
    assert response.status_code == 201, response.content
    signal = Signal.objects.get(pk=response.json()["id"])
    assert signal.team == world.professional.team and signal.registered_by == world.professional
    assert list(signal.persons.all()) == [person] and list(signal.life_domains.all()) == [domain]
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("pk")
    assert entry.action == "create" and list(entry.subjects.values_list("person_id", flat=True)) == [person.pk]


def test_a_signal_lists_its_persons_and_life_domains_as_ids_in_a_stable_order(world):
    persons = household_persons(make_household(world, members=2))
    first, last = LifeDomain.objects.order_by("position")[:2], LifeDomain.objects.order_by("-position")[:1]
    domains = [last[0], *first]  # given out of order
    client = api(world, world.professional)
    body = _signal_body([p.bsn for p in reversed(persons)], life_domains=[d.pk for d in domains])
    created = client.post("/api/v1/signals/", body)
    assert created.status_code == 201, created.content
    want_persons = sorted(p.pk for p in persons)
    want_domains = [d.pk for d in sorted(domains, key=lambda d: d.position)]
    listed = client.get("/api/v1/signals/").json()["results"]
    detail = client.get(f"/api/v1/signals/{created.json()['id']}/").json()
    for shown in (created.json(), detail, next(r for r in listed if r["id"] == detail["id"])):
        assert (shown["persons"], shown["life_domains"]) == (want_persons, want_domains)


def test_signal_validation_errors_name_the_field(world):
    household = make_household(world)
    person = household_persons(household)[0]
    client = api(world, world.professional)
    future = (today() + dt.timedelta(days=3)).isoformat()
    body = assert_problem(client.post("/api/v1/signals/", _signal_body([person.bsn], received_on=future)), 400)
    assert body["invalid-params"][0]["name"] == "received_on"
    body = assert_problem(client.post("/api/v1/signals/", _signal_body(["999999977"])), 400)  # valid, nobody has it
    assert body["invalid-params"][0]["name"] == "persons.0"
    body = assert_problem(client.post("/api/v1/signals/", _signal_body([], channel="duif")), 400)
    assert {p["name"] for p in body["invalid-params"]} == {"persons", "channel"}
    assert body["type"] != "about:blank"
    body = assert_problem(client.post("/api/v1/signals/", _signal_body([person.bsn], life_domains=[99999])), 400)
    assert body["invalid-params"][0]["name"] == "life_domains"
    # before the laws: 0001-01-01 and 1900-01-01 were stored
    for ancient in ("1900-01-01", "2014-12-31"):
        body = assert_problem(client.post("/api/v1/signals/", _signal_body([person.bsn], received_on=ancient)), 400)
        assert body["invalid-params"] == [
            {
                "name": "received_on",
                "reason": "Datum melding: kies een datum vanaf 1 januari 2015 (Wmo 2015 en Jeugdwet).",
            }
        ]
    # a fault in the list names its element, in the API's words (it said "Andere betrokken personen", the
    # UI's field for the others, also for the first)
    body = assert_problem(client.post("/api/v1/signals/", _signal_body([person.bsn, "123456789"])), 400)
    assert body["invalid-params"][0]["name"] == "persons.1"
    assert body["invalid-params"][0]["reason"].startswith("Betrokken personen: ")
    body = assert_problem(client.post("/api/v1/signals/", _signal_body(["999999977", person.bsn])), 400)
    assert body["invalid-params"][0]["name"] == "persons.0" and "999999977" in body["invalid-params"][0]["reason"]
    # a BSN as a JSON number: a leading zero would be lost, so only a string
    body = assert_problem(client.post("/api/v1/signals/", _signal_body([int(person.bsn)])), 400)
    assert body["invalid-params"][0]["name"] == "persons.0"
    # a query parameter on the write: refused as on a read, not ignored
    body = assert_problem(client.post("/api/v1/signals/?status=nieuw", _signal_body([person.bsn])), 400)
    assert body["invalid-params"][0]["name"] == "status"
    assert Signal.objects.count() == 0
    assert client.post("/api/v1/signals/", _signal_body([person.bsn], received_on="2015-01-01")).status_code == 201


def test_unknown_fields_are_rejected(world):
    household = make_household(world)
    person = household_persons(household)[0]
    response = api(world, world.professional).post("/api/v1/signals/", _signal_body([person.bsn], urgentie="hoog"))
    body = assert_problem(response, 400)
    assert body["invalid-params"] == [{"name": "urgentie", "reason": "Onbekend veld."}]
    assert Signal.objects.count() == 0


ENGLISH = ("This ", "Ensure", "valid", "Expected", "No data", "Date has", "required", "String value", " not ")


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("null", [""]),
        ("[]", [""]),
        (
            '{"source": null, "channel": "x", "received_on": "gisteren", "urgency": 5, "reporter": null, '
            '"description": "", "persons": "abc", "life_domains": ["a"]}',
            ["source", "channel", "received_on", "urgency", "reporter", "description", "persons", "life_domains.0"],
        ),
        (
            json.dumps(
                {
                    "source": "school",
                    "persons": [],
                    "description": "x" * 10001,
                    "reporter": "r" * 201,
                    "life_domains": [0, 2**40, "9" * 1001],
                }
            ),
            [
                "channel",
                "received_on",
                "reporter",
                "description",
                "persons",
                "life_domains.0",
                "life_domains.1",
                "life_domains.2",
            ],
        ),
        (
            '{"source": "school", "channel": "mail", "received_on": "2026-01-01T10:00:00", "description": "x", '
            '"persons": ["123456789012"]}',
            ["received_on", "persons.0"],
        ),
        (
            '{"source": "school", "channel": "mail", "received_on": "2026-01-01", "description": "x\\ud800", '
            '"persons": ["1\\ud800"]}',
            ["description", "persons.0"],
        ),
    ],
)
def test_every_rule_of_a_signal_body_answers_in_dutch_naming_the_field(world, body, names):
    body = assert_problem(api(world, world.professional).post("/api/v1/signals/", raw=body), 400)
    assert sorted(p["name"] for p in body["invalid-params"]) == sorted(names)
    for param in body["invalid-params"]:
        assert param["reason"] and not any(word in param["reason"] for word in ENGLISH), param
    assert Signal.objects.count() == 0


def test_malformed_oversized_and_non_json_bodies_are_refused(world):
    client = api(world, world.professional)
    body = assert_problem(client.post("/api/v1/signals/", raw='{"source": '), 400)
    assert "JSON" in body["detail"]
    assert_problem(client.post("/api/v1/signals/", raw=b"\xff\xfe{}"), 400)
    assert_problem(client.post("/api/v1/signals/", raw="NaN"), 400)
    assert_problem(client.post("/api/v1/signals/", raw="[1, 2]"), 400)
    for deep in ("[" * 5000 + "]" * 5000, '{"a": ' * 5000 + "1" + "}" * 5000):  # within the size limit
        assert "te diep genest" in assert_problem(client.post("/api/v1/signals/", raw=deep), 400)["detail"]
    big = json.dumps({"description": "x" * (70 * 1024)})
    assert_problem(client.post("/api/v1/signals/", raw=big), 413)
    assert_problem(
        client.post("/api/v1/signals/", raw="source=x", content_type="application/x-www-form-urlencoded"), 415
    )
    assert_problem(client.post("/api/v1/signals/", raw="<a/>", content_type="text/xml"), 415)
    assert Signal.objects.count() == 0


def test_a_manager_may_read_but_not_register_signals(world):
    client = api(world, world.manager)
    assert client.get("/api/v1/signals/").status_code == 200
    assert_problem(client.post("/api/v1/signals/", _signal_body(["999999977"])), 403)


def test_a_fault_is_a_problem_500_without_a_traceback(world, cases, monkeypatch):
    from toegang.api import views

    def broken(self, rows):
        raise RuntimeError("kapot")

    monkeypatch.setattr(views.TrajectoryViewSet, "subjects", broken)
    client = api(world, world.professional)
    client.client.raise_request_exception = False
    body = assert_problem(client.get("/api/v1/trajectories/"), 500)
    assert "kapot" not in json.dumps(body) and "Traceback" not in json.dumps(body)


@pytest.mark.parametrize("url", ["memcached://127.0.0.1", "127.0.0.1:6379", "http://redis"])
def test_the_rate_limit_store_is_redis_or_nothing(url):
    assert ratelimit_cache("")["BACKEND"].endswith("LocMemCache")
    assert ratelimit_cache("rediss://cache.example:6380/1")["BACKEND"].endswith("RedisCache")
    with pytest.raises(ImproperlyConfigured, match="TOEGANG_RATE_LIMIT_URL moet leeg zijn of een redis://-"):
        ratelimit_cache(url)
