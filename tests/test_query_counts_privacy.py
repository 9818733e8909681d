"""Pinned query counts for the privacy screens and the other pages added with them: measured with a
small and a larger amount of data, they must be the same number (no query per row)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from tests.conftest import law_basis, make_trajectory, wmo_rule
from tests.querycount import page_queries
from toegang.accounts.models import Area, Team, User
from toegang.audit import services as audit
from toegang.cases import services as case_services
from toegang.cases.models import Trajectory
from toegang.common.dates import today
from toegang.people import services as people_services
from toegang.privacy import rights, services
from toegang.privacy.models import Consent, ProcessingActivity
from toegang.signals import services as signal_services
from toegang.signals.models import Signal

REASON = "Acute zorg nodig; regisseur en team zijn niet bereikbaar vandaag."


NO_CLIENT_DATA = {"retention", "inbox"}  # lists without personal data write no audit row


def count(client, url: str, page: str) -> int:
    return page_queries(client, url, audit_rows=0 if page in NO_CLIENT_DATA else 1)


@pytest.fixture
def case(world):
    trajectory = make_trajectory(world)
    return trajectory, trajectory.household.memberships.first().person


# a different, non-empty set of data categories for each consent grow() records
_CATEGORY_SETS = ([c for i, c in enumerate(Consent.Category.values) if k >> i & 1] for k in itertools.count(1))


def grow(world, case, n):
    """n more of everything the privacy screens list."""
    trajectory, person = case
    integral = ProcessingActivity.objects.get(code="integrale-ondersteuning")
    area = Area.objects.get_or_create(municipality=world.gemeente, name="Oost")[0]
    team = Team.objects.get_or_create(name="Team Oost", area=area)[0]
    other = User.objects.get_or_create(
        username="oost",
        defaults={
            "role": "professional",
            "organisation": world.municipality_org,
            "team": team,
            "municipality": world.gemeente,
        },
    )[0]
    for _ in range(n):
        services.record_consent(  # the same consent is not recorded twice: each time other data
            actor=world.professional,
            person=person,
            activity=integral,
            given_by="inwoner",
            categories=next(_CATEGORY_SETS),
            organisations=[world.partner_org],
            given_on=today(),
            valid_until=today() + dt.timedelta(days=30),
        )
        rights.register_request(actor=world.privacy, bsn=person.bsn, kind="inzage", received_on=today())
        audit.record(
            actor=world.colleague,
            action=audit.Action.READ,
            obj=trajectory.household,
            subjects=[person.pk, person.pk + 1],
        )
        elsewhere = make_trajectory(world, team=team, regisseur=other)
        services.start_emergency_access(
            actor=world.professional, bsn=elsewhere.household.memberships.first().person.bsn, reason=REASON
        )
        closed = make_trajectory(world)
        case_services.close_trajectory(
            actor=world.professional,
            trajectory=closed,
            closed_on=today(),
            reason="doelen_bereikt",
            retention_rule=wmo_rule(),
        )
        Trajectory.objects.filter(pk=closed.pk).update(archive_action_date=today() + dt.timedelta(days=5))
        advice = signal_services.register_signal(  # a signal without a trajectory, past its term
            actor=world.professional,
            team=world.team,
            source="huisarts",
            channel="telefoon",
            received_on=today(),
            description="Vraag over schulden",
            persons=[
                people_services.register_person(actor=world.professional, bsn=None, voornamen="A", geslachtsnaam="B")
            ],
        )
        signal_services.triage_signal(actor=world.professional, signal=advice, outcome="advies", on=today(), note="x")
        long_ago = today() - dt.timedelta(days=6 * 366)
        Signal.objects.filter(pk=advice.pk).update(received_on=long_ago, triaged_on=long_ago)
    if n == 2:  # one more organisation on "wie is betrokken"
        case_services.add_involvement(
            actor=world.professional,
            trajectory=trajectory,
            professional=world.partner,
            role="Jeugdhulp",
            start_date=today(),
            basis=law_basis(),
        )


PAGES = {
    # name: (user, expected queries, url builder)
    "involved": ("professional", 7, lambda t, p, r: reverse("involved", args=[t.household_id])),
    "consents": ("professional", 12, lambda t, p, r: reverse("consents", args=[t.household_id])),
    "audit-person": ("privacy", 5, lambda t, p, r: reverse("audit-person") + f"?bsn={p.bsn}"),
    "audit-user": ("privacy", 6, lambda t, p, r: reverse("audit-user") + "?username=collega"),
    "rights-requests": ("privacy", 5, lambda t, p, r: reverse("rights-requests")),
    "rights-request": ("privacy", 4, lambda t, p, r: reverse("rights-request", args=[r])),
    "emergency-reviews": ("privacy", 7, lambda t, p, r: reverse("emergency-reviews")),
    # 8: the signals without a trajectory cost two (their retention rule, then the list with the due flag)
    "retention": ("privacy", 8, lambda t, p, r: reverse("retention")),
    "inbox": ("privacy", 5, lambda t, p, r: reverse("inbox")),
    "team-export": ("teamleider", 7, lambda t, p, r: reverse("team-export")),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_privacy_pages_have_a_pinned_flat_query_count(client, world, case, page):
    username, expected, url = PAGES[page]
    trajectory, person = case
    client.force_login(User.objects.get(username=username))
    grow(world, case, 2)
    request_id = person.rights_requests.first().pk
    small = count(client, url(trajectory, person, request_id), page)
    grow(world, case, 4)
    large = count(client, url(trajectory, person, request_id), page)
    assert (small, large) == (expected, expected)
