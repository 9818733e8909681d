"""Every list and detail page has a pinned query count that does not grow with the number of rows."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from tests.conftest import law_basis, make_agreed_plan, make_trajectory
from tests.querycount import page_queries
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.network import referrals
from toegang.network.models import CommunityService
from toegang.plans import services as plan_services
from toegang.plans.models import LifeDomain, SelfRelianceLevel
from toegang.procedures import services as procedure_services
from toegang.signals import services as signal_services


def _service(world) -> CommunityService:
    return CommunityService.objects.get_or_create(
        name="Formulierenspreekuur",
        defaults={
            "hsds_id": uuid.uuid4(),
            "municipality": world.gemeente,
            "organization_id": uuid.uuid4(),
            "organization_name": world.partner_org.name,
            "organisation": world.partner_org,
            "status": "active",
        },
    )[0]


def add_rows(world, n: int):
    """n trajectories with plans, explorations, reviews, notes, referrals, procedures and signals, all
    visible to the professional."""
    domain = LifeDomain.objects.first()
    level = SelfRelianceLevel.objects.get(level=3)
    for _ in range(n):
        trajectory = make_trajectory(world)
        plan = make_agreed_plan(world, trajectory, goals=2, actions_per_goal=2)
        plan_services.record_exploration(
            actor=world.professional,
            trajectory=trajectory,
            held_on=today(),
            participants="",
            summary="s",
            findings=[plan_services.FindingInput(domain=domain, situation="x", level=level)],
        )
        goals = list(plan.goals.all())
        plan_services.record_review(
            actor=world.professional,
            plan=plan,
            expected_revision=plan.revision,
            held_on=today(),
            outcomes={g.pk: ("deels", "") for g in goals},
            scores={domain: level},
            summary="",
            next_review_on=today() + dt.timedelta(days=9),
        )
        case_services.add_note(actor=world.professional, trajectory=trajectory, text="n", happened_on=today())
        case_services.add_involvement(
            actor=world.professional,
            trajectory=trajectory,
            professional=world.partner,
            role="Jeugdhulp",
            start_date=today(),
            basis=law_basis(),
        )
        person = trajectory.household.memberships.first().person
        # a referral for a goal, to a service of the social map, and a statutory procedure: the household
        # page lists both and shows the referral's outcome under its goal
        referrals.propose(
            actor=world.professional,
            trajectory=trajectory,
            person=person,
            question="q",
            handover="h",
            categories=["contact"],
            service=_service(world),
            goal=goals[0],
        )
        procedure_services.start_procedure(
            actor=world.professional, trajectory=trajectory, person=person, law="wmo", reported_on=today()
        )
        signal_services.register_signal(
            actor=world.professional,
            team=world.team,
            source="school",
            channel="mail",
            received_on=today(),
            description="d",
            persons=[person],
        )
    return trajectory


# Counts include the request's session, user and second-factor device lookups (the user's query also
# tells whether a break-the-glass access of theirs runs: none here, so no query for which); they leave
# out the audit write, which is the same for every page and is checked to be exactly one entry per
# request (tests/querycount.py).
PAGES = {
    # name: (expected queries, url builder)
    "caseload": (6, lambda t: reverse("caseload")),
    "team-overview": (7, lambda t: reverse("team-overview")),
    "team-queue": (5, lambda t: reverse("team-queue")),
    "overdue": (5, lambda t: reverse("overdue")),
    "search": (5, lambda t: reverse("search") + "?naam=Achternaam"),  # ids per way in, then rows (first_visible)
    "household": (24, lambda t: reverse("household", args=[t.household_id])),  # + conferences, referrals, per goal
    "plan": (10, lambda t: reverse("plan", args=[t.pk])),
    "notes": (6, lambda t: reverse("notes", args=[t.pk])),
    "review-new": (12, lambda t: reverse("review-new", args=[t.pk])),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_query_count_is_pinned_and_flat(client, world, page):
    expected, url = PAGES[page]
    client.force_login(world.professional)
    small = page_queries(client, url(add_rows(world, 2)))
    large = page_queries(client, url(add_rows(world, 4)))
    assert (small, large) == (expected, expected)


def test_draft_plan_page_reads_the_action_choices_once(client, world):
    """The draft plan page has an action form per goal; their choice lists must not cost a query each."""
    trajectory = make_trajectory(world)
    plan = plan_services.start_plan(actor=world.professional, trajectory=trajectory)
    domain = LifeDomain.objects.first()
    client.force_login(world.professional)
    counts = []
    for _ in range(2):
        for _ in range(3):
            plan_services.add_goal(
                actor=world.professional,
                plan=plan,
                expected_revision=plan.revision,
                domain=domain,
                result="r",
                due_on=today() + dt.timedelta(days=5),
            )
        counts.append(page_queries(client, reverse("plan", args=[trajectory.pk])))
    assert counts == [15, 15]
