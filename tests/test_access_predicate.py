"""The access predicate is hand-written SQL (cases.selectors.AccessPredicate, ADR 0003). Here it is held
against the same rule written with the ORM from the pieces the rest of the code uses
(``active_involvements``, which carries ``involvement_basis_holds``): a change to one that does not
reach the other fails here. Every role, every way in and out, every shape the predicate takes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Exists, OuterRef, Q
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from tests.conftest import make_household, make_trajectory
from toegang.accounts.models import User
from toegang.cases import selectors
from toegang.cases.models import Involvement, Trajectory
from toegang.common.dates import today
from toegang.people.models import Household, Membership, Person
from toegang.plans.models import Plan
from toegang.privacy.models import Consent, EmergencyAccess, ProcessingActivity


def reference(user: User, household: str = "pk", own_team: str = "") -> Q | None:
    """The rule as ORM querysets, the way it was written before ADR 0003's update of 2026-11-27."""
    if not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    prefix = "" if household == "pk" else household.removesuffix("_id") + "__"
    if user.role == User.Role.MANAGER:
        return Q(**{f"{prefix}municipality_id": user.municipality_id}) if user.municipality_id else Q(pk__in=[])
    if user.team_id is None or user.role not in selectors.CASE_ROLES:
        return Q(pk__in=[])
    ref = OuterRef(household)
    condition = Q(**{own_team: user.team_id}) if own_team else Q(pk__in=[])
    condition |= Q(Exists(Trajectory.objects.filter(household_id=ref, team_id=user.team_id)))
    condition |= Q(
        Exists(EmergencyAccess.objects.filter(household_id=ref, user_id=user.pk, expires_at__gt=timezone.now()))
    )
    if user.role == User.Role.PROFESSIONAL:
        involvements = selectors.active_involvements(user)
        if not getattr(user, "involved_on_consent", True):  # the token check found none on consent
            involvements = involvements.filter(consent__isnull=True)
        condition |= Q(Exists(involvements.filter(trajectory__household_id=ref)))
    return condition


def shapes(rule, user: User) -> dict[str, frozenset[int]]:
    def q(condition: Q | None) -> Q:
        return Q() if condition is None else condition

    def ids(qs) -> frozenset[int]:
        return frozenset(qs.values_list("pk", flat=True))

    on_household = q(rule(user))
    on_trajectory = q(rule(user, "household_id", own_team="team_id"))
    on_membership = q(rule(user, "household_id"))
    in_membership = Exists(Membership.objects.filter(person_id=OuterRef("pk")).filter(on_membership))
    return {
        "households": ids(Household.objects.filter(on_household)),
        "households excluded": ids(Household.objects.exclude(on_household)),
        "trajectories": ids(Trajectory.objects.filter(on_trajectory)),
        "plans of trajectories (nested)": ids(
            Plan.objects.filter(trajectory__in=Trajectory.objects.filter(on_trajectory))
        ),
        "memberships": ids(Membership.objects.filter(on_membership)),
        "persons (nested EXISTS)": ids(Person.objects.filter(in_membership)),
        "twice": ids(Household.objects.filter(on_household).filter(on_household)),
    }


@pytest.fixture
def ways_in(world):
    """A household per way in or out: involvements in the own team's trajectories open them to the partner
    (of another team) or not; break-the-glass for the partner, the outsider and the team lead."""
    integral = ProcessingActivity.objects.get(code="integrale-ondersteuning")
    now = timezone.now()
    make_trajectory(world)  # the own team's
    make_trajectory(world, team=world.other_team, regisseur=world.outsider)
    make_household(world)  # no trajectory at all

    def involved(*, consent: dict | None = None, end: dt.date | None = None, who: User | None = None) -> None:
        who = who or world.partner
        trajectory = make_trajectory(world)
        given = None
        if consent is not None:
            given = Consent.objects.create(
                person=trajectory.household.memberships.first().person,
                activity=integral,
                given_by="inwoner",
                categories=["plan"],
                given_on=today() - dt.timedelta(days=30),
                recorded_by=world.professional,
                recorded_at=now,
                **consent,
            )
        Involvement.objects.create(
            trajectory=trajectory,
            professional=who,
            organisation=who.organisation,
            role="Jeugdhulp",
            start_date=today() - dt.timedelta(days=5),
            end_date=end,
            consent=given,
            legal_basis="" if given else "Jeugdwet art. 7.4.0",
        )

    later = today() + dt.timedelta(days=10)
    involved(consent={"valid_until": today()})
    involved(consent={"valid_until": later})
    involved(consent={"valid_until": today() - dt.timedelta(days=1)})
    involved(consent={"valid_until": later, "withdrawn_on": today()})
    involved(consent={"valid_until": later, "withdrawn_on": today() + dt.timedelta(days=3)})
    involved()  # on a legal basis
    involved(end=today())
    involved(who=world.team_lead)  # a team lead's involvement opens nothing

    for user, until in [
        (world.partner, dt.timedelta(hours=1)),
        (world.partner, -dt.timedelta(seconds=1)),
        (world.outsider, dt.timedelta(hours=1)),
        (world.team_lead, dt.timedelta(hours=1)),
    ]:
        EmergencyAccess.objects.create(
            household=make_household(world),
            user=user,
            reason="Spoed (test).",
            started_at=now - dt.timedelta(hours=5),
            expires_at=now + until,
        )


def test_the_sql_predicate_and_the_orm_rule_agree_for_every_role_and_shape(world, ways_in):
    superuser = User.objects.create_superuser(
        username="su",
        password="x-wachtwoord-123456",
        email="su@example.org",
        role=User.Role.MANAGER,
        municipality=world.gemeente,
    )
    inactive = User.objects.create_user(
        username="weg",
        password="x-wachtwoord-123456",
        role=User.Role.PROFESSIONAL,
        team=world.team,
        organisation=world.municipality_org,
        is_active=False,
    )
    users = [world.professional, world.partner, world.outsider, world.team_lead, world.manager, world.other_manager]
    users += [world.admin, world.privacy, superuser, inactive]
    for user in users:
        assert shapes(selectors.visible_household, user) == shapes(reference, user), user.username
    whole = shapes(selectors.visible_household, world.partner)["households"]
    for shared in users:  # as the API's token check gives them when it finds no involvement on consent
        user = User.objects.get(pk=shared.pk)  # a copy: the checks below use the users as they were
        user.involved_on_consent = False
        off = shapes(selectors.visible_household, user)
        assert off == shapes(reference, user), user.username
        if shared is world.partner:
            assert off["households"] < whole  # the ways in on consent are gone
        expected = list(Household.objects.filter(reference(user) or Q()).order_by("pk"))
        page = selectors.first_visible(selectors.households_visible_to(user).order_by("pk"), len(expected) + 1)
        assert page == expected, user.username  # first_visible's ways in leave them out too
    # the scenario means something: the partner gets in by some ways and not by others
    partner = shapes(selectors.visible_household, world.partner)["households"]
    assert 0 < len(partner) < Household.objects.count()


def test_first_visible_reads_the_same_page_as_the_one_condition(world, ways_in):
    """``first_visible`` asks the page's ids one way in at a time; for every role, every shape the lists
    take and every page length it gives the rows that ``qs[:n]`` gives, in the same order."""
    superuser = User.objects.create_superuser(
        username="su", password="x-wachtwoord-123456", email="su@example.org", role=User.Role.MANAGER
    )
    users = [world.professional, world.partner, world.outsider, world.team_lead, world.manager, world.admin, superuser]

    def lists(user: User):
        households = selectors.households_visible_to(user)
        trajectories = selectors.trajectories_visible_to(user)
        on_membership = selectors.visible_household(user, "household_id")
        memberships = Membership.objects.filter(on_membership) if on_membership else Membership.objects.all()
        persons = Person.objects.filter(Exists(memberships.filter(person_id=OuterRef("pk"))))
        for qs in (households, trajectories, memberships, persons):
            yield qs.order_by("pk")
            yield qs.order_by("-pk")
        on_household = selectors.visible_household(user)
        if on_household is not None:  # the predicate the other way round: read as it is
            yield Household.objects.exclude(on_household).order_by("pk")
        yield memberships.order_by("person__geslachtsnaam", "-start_date", "pk")

    compared = 0
    for user in users:
        for qs in lists(user):
            expected = list(qs)
            every_other = qs.filter(pk__in=[row.pk for row in expected[::2]])  # a condition the rows need not repeat
            for n in (1, 2, 3, 5, len(expected) + 1):
                assert selectors.first_visible(qs, n) == expected[:n], (user.username, str(qs.query)[:80], n)
                assert selectors.first_visible(every_other, n, rows=qs) == expected[::2][:n], (user.username, n)
                compared += 1
    assert compared > 200
    # the partner's page really comes from both ways: some rows through the team, some through the others
    partner_households = set(selectors.households_visible_to(world.partner).values_list("pk", flat=True))
    team_households = set(Household.objects.filter(trajectories__team=world.partner.team).values_list("pk", flat=True))
    assert partner_households - team_households and partner_households & team_households


def test_first_visible_asks_once_more_only_when_the_predicate_is_there(world, ways_in, django_assert_num_queries):
    with django_assert_num_queries(2):  # the ids per way in, then the rows
        selectors.first_visible(selectors.households_visible_to(world.partner).order_by("pk"), 3)
    with django_assert_num_queries(1):  # a manager: the municipality, no predicate to split
        selectors.first_visible(selectors.households_visible_to(world.manager).order_by("pk"), 3)
    twice = selectors.households_visible_to(world.partner)
    twice = twice.filter(selectors.visible_household(world.partner))
    expected = list(twice.order_by("pk")[:3])
    with django_assert_num_queries(1):  # two predicates in one query: read as it is
        assert selectors.first_visible(twice.order_by("pk"), 3) == expected
    on_membership = selectors.visible_household(world.partner, "household_id")
    persons = Person.objects.filter(Exists(Membership.objects.filter(on_membership, person_id=OuterRef("pk"))))
    with django_assert_num_queries(2):  # the predicate inside a subquery (Exists) is found too
        assert selectors.first_visible(persons.order_by("pk"), 3)
    plans = Plan.objects.filter(trajectory__in=selectors.trajectories_visible_to(world.partner))
    assert selectors._holds_predicate(plans.query)  # and inside __in (the partner has no plan to read here)


def test_first_visible_compiles_nothing_more_for_a_list_without_the_predicate(world, ways_in, monkeypatch):
    """Without the predicate (a manager, the signals) there are no ways in to read apart: the query is
    compiled once, as ``qs[:n]`` would, not first once per way in only to find that out."""
    compiles = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiles.append(1) or original(self, *a, **k))
    qs = selectors.households_visible_to(world.manager).order_by("pk")
    expected = list(qs[:3])
    plain = len(compiles)
    assert selectors.first_visible(qs, 3) == expected
    assert len(compiles) == 2 * plain
