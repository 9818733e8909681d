"""Every URL × every role (issue 11, point 7): a test that finds every URL pattern of the project and
checks it against every role and against an anonymous visitor, so that no page can be added without an
access decision written down here.

- Pages without an object in their URL are in ``PAGES`` with the roles that may open them: those get
  200, every other role does not, and an anonymous visitor is sent to the login page.
- Pages about one object (an id in the URL) are in ``OBJECT_SCOPED``: who may open them is decided by
  the object's access predicate, tested with real objects in the tests of each app. Here: an anonymous
  visitor is sent to the login page, and no role gets a page (or an error) for an object that does not
  exist.
- ``OPEN`` pages need no login; ``SPECIAL`` ones are part of logging in and out.

A new URL that is in none of these sets fails ``test_every_url_has_an_access_decision``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import make_user, next_bsn
from toegang.accounts.models import User
from toegang.portal.services import resident_account

STAFF = ("professional", "partner", "teamleider", "manager", "beheerder", "privacy", "melder", "opdrachtgever")
ROLES = (*STAFF, "inwoner")  # a resident's account (the portal) reaches no page of the staff
CASE_WORKERS = {"professional", "partner", "teamleider"}
ALL = set(STAFF)

PAGES: dict[str, set[str]] = {
    "home": {"beheerder"},  # the others are sent on to their own start page
    "inbox": ALL,
    "audit-person": {"privacy"},
    "audit-user": {"privacy"},
    "emergency-reviews": {"privacy"},
    "rights-requests": {"privacy"},
    "retention": {"privacy"},
    "emergency-start": CASE_WORKERS,
    "caseload": CASE_WORKERS | {"manager"},
    "overdue": CASE_WORKERS | {"manager"},
    "search": CASE_WORKERS | {"manager"},
    "team-queue": CASE_WORKERS | {"manager"},
    "escalations": CASE_WORKERS | {"manager"},
    "team-overview": CASE_WORKERS,
    "team-export": CASE_WORKERS,
    "stand-ins": CASE_WORKERS,
    "deadlines": CASE_WORKERS,
    "signal-new": CASE_WORKERS,
    "conferences": CASE_WORKERS | {"manager", "melder"},
    "referrals": CASE_WORKERS | {"melder"},
    "transfers": {"teamleider"},
    "ladder-settings": {"beheerder"},
    "events-subscriptions": {"beheerder"},
    "events-deliveries": {"beheerder"},
    "zgw-registrations": {"beheerder"},
    "zgw-settings": {"beheerder"},
    "network-admin": {"beheerder"},
    "steering-settings": {"beheerder"},
    "social-map": ALL - {"melder"},
    "social-map-export-csv": ALL - {"melder"},
    "partner-signal-new": {"melder"},
    "partner-signals": {"melder"},
    "area-network": CASE_WORKERS | {"manager", "beheerder"},
    "network-steering": {"teamleider", "manager", "beheerder"},
    "steering-catalogue": {"teamleider", "manager", "opdrachtgever"},
    "steering-gmsd": {"manager"},
    "governance-projects": {"manager", "beheerder", "opdrachtgever"},
    "governance-evaluate": set(),  # POST only (tests/test_governance_api.py)
    "istandaarden": {"professional", "teamleider", "manager", "beheerder"},
    "istandaarden-queue": {"professional", "teamleider", "manager"},  # names residents: not the administrator
}
BOARDS = {"team": {"teamleider"}, "manager": {"manager"}, "opdrachtgever": {"manager", "opdrachtgever"}}
STEERING = ("steering", "steering-timeseries", "steering-export", "steering-report")  # per board
OPEN = {"health", "login", "governance-contribute", "brp-fake"}  # the participant's token; the BRP fake (tests, demo)
OPEN |= {"digid-simulator-authorize", "digid-simulator-token", "digid-simulator-userinfo"}  # tests/test_portal.py
SPECIAL = {"second-factor", "logout", "oidc_authentication_init", "oidc_authentication_callback"}
SPECIAL |= {"portal-login", "portal-digid-start", "portal-digid-callback", "portal-logout"}
# The resident portal: for residents only (who sees which person there: tests/test_portal.py).
PORTAL = {
    "portal-home", "portal-first-signal", "portal-person", "portal-decisions", "portal-decision-letter",
    "portal-signal", "portal-consents",
    "portal-consent-withdraw", "portal-access-log", "portal-export", "portal-requests",
}  # fmt: skip
OBJECT_SCOPED = {
    "emergency-review", "rights-request", "rights-request-correct", "rights-export", "legal-hold", "procedure-new",
    "procedure",
    "procedure-messages", "escalate", "events-subscription-deactivate", "events-delivery-retry",
    "zgw-registration-retry",
    "partner-signal-done", "area-network-detail", "transfer-new", "transfer-action", "escalation",
    "escalation-action", "conference-new", "conference", "conference-pdf", "conference-action", "referral-new",
    "referral", "referral-action", "steering-export-status", "steering-export-download", "steering-export-retry",
    "governance-project", "governance-action", "governance-participants", "governance-participants-action",
    "governance-results", "governance-problem", "governance-business-case", "governance-business-case-action",
    "governance-map", "governance-map-action", "governance-report", "istandaarden-request",
    "istandaarden-request-action", "procedure-withdraw", "decision-new", "provision-add", "decision-letter",
    "objection-new", "decision-action", "objection-action", "stand-in-withdraw", "signal-detail", "signal-triage",
    "household", "involved", "consents", "consent-withdraw", "member-add", "household-person",
    "household-person-change", "notes", "note-add",
    "regisseur-change", "involvement-add", "document-upload", "document-download", "involvement-end",
    "trajectory-close", "exploration-new", "plan", "plan-start", "review-new", "plan-update", "goal-add",
    "plan-agree", "action-add", "action-status", "representation-add", "representation-end",
}  # fmt: skip
TEXT_ARGUMENTS = {"action": "onbekend", "fmt": "csv", "kind": "uitnodiging", "token": "onbekend"}
RESIDENT_SENT_TO_PORTAL = "/mijn/"
# The REST API (docs/api.md) has its own authentication: a bearer token, never the login page or a session.
# Who sees what through a token is tested with the same access predicates in tests/test_api*.py.
API = {
    f"api-{resource}-{kind}"
    for resource in ("signal", "household", "person", "trajectory", "plan", "referral", "decision", "service")
    for kind in ("list", "detail")
} | {"api-indicators", "api-oauth-token", "api-schema", "api-not-found"}


def patterns(resolver: URLResolver | None = None) -> Iterator[URLPattern]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry)
        else:
            yield entry


@pytest.fixture
def users(world) -> dict[str, User]:
    return {
        "professional": world.professional,
        "partner": world.partner,  # a professional of a partner organisation
        "teamleider": world.team_lead,
        "manager": world.manager,
        "beheerder": world.admin,
        "privacy": world.privacy,
        "melder": make_user("melder", User.Role.REPORTER, org=world.partner_org, team=None, gemeente=world.gemeente),
        "opdrachtgever": make_user(
            "opdrachtgever", User.Role.CLIENT, org=world.municipality_org, team=None, gemeente=world.gemeente
        ),
        "inwoner": resident_account(bsn=next_bsn()),
    }


def test_every_url_has_an_access_decision():
    names = [p.name for p in patterns()]
    assert len(names) == len(set(names)), "every URL pattern needs a name of its own"
    decided = set(PAGES) | set(STEERING) | OPEN | SPECIAL | OBJECT_SCOPED | API | PORTAL
    assert not set(names) - decided, f"no access decision in tests/test_url_access.py for: {set(names) - decided}"
    assert not decided - set(names), f"decisions for URLs that no longer exist: {decided - set(names)}"
    for name in OBJECT_SCOPED:
        assert next(p for p in patterns() if p.name == name).pattern.converters, f"{name} has no object in its URL"


def _get(client, user: User | None, url: str) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def _login_required(client, url: str) -> None:
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_each_page_opens_for_its_roles_only(client, users):
    for name, allowed in PAGES.items():
        url = reverse(name)
        _login_required(client, url)
        found = {role: _get(client, user, url) for role, user in users.items()}
        assert {role for role, status in found.items() if status == 200} == allowed, (name, found)
        assert all(status < 500 for status in found.values()), (name, found)
    for board, allowed in BOARDS.items():
        for name in STEERING:
            url = reverse(name, kwargs={"board_code": board, **({"fmt": "csv"} if name == "steering-export" else {})})
            _login_required(client, url)
            found = {role: _get(client, user, url) for role, user in users.items()}
            assert {role for role, status in found.items() if status == 200} == allowed, (name, board, found)


def test_no_role_sees_an_object_that_does_not_exist(client, users):
    for pattern in patterns():
        if pattern.name not in OBJECT_SCOPED:
            continue
        kwargs = {key: TEXT_ARGUMENTS.get(key, 999_999) for key in pattern.pattern.converters}
        url = reverse(pattern.name, kwargs=kwargs)
        _login_required(client, url)
        for role, user in users.items():
            status = _get(client, user, url)
            if role == "inwoner":
                assert status == 302, pattern.name  # sent to the portal (common/middleware.py)
            else:
                assert status in (403, 404, 405), (pattern.name, role)


def test_the_portal_is_for_residents_only(client, users):
    for pattern in patterns():
        if pattern.name not in PORTAL:
            continue
        kwargs = {key: TEXT_ARGUMENTS.get(key, 999_999) for key in pattern.pattern.converters}
        url = reverse(pattern.name, kwargs=kwargs)
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("portal-login")), url
        for role, user in users.items():
            if role != "inwoner":
                assert _get(client, user, url) in (403, 405), (pattern.name, role)  # 405: POST only
    assert _get(client, users["inwoner"], reverse("portal-home")) == 200  # nobody to act for yet: it says so


def test_open_pages_need_no_login(client, db):  # the health check asks the database
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("governance-contribute", args=["onbekend"])).status_code == 404  # not the login page


def test_the_api_asks_for_a_token_not_a_login(client, users):
    """Without a bearer token every API resource answers 401 as problem details; a logged-in session
    does not count (no session authentication on the API)."""
    for pattern in patterns():
        if pattern.name not in API or pattern.name in ("api-oauth-token", "api-schema", "api-not-found"):
            continue
        kwargs = {"pk": 1} if pattern.name.endswith("-detail") else {}
        kwargs = {"board": "manager"} if pattern.name == "api-indicators" else kwargs
        url = reverse(pattern.name, kwargs=kwargs)
        for user in (None, users["professional"]):
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            assert response.status_code == 401, (pattern.name, response.status_code)
            assert response["Content-Type"].startswith("application/problem+json")
