"""Shared fixtures: a small world of two municipalities, teams and users of every role, set up
through the same services the application uses."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from toegang.accounts.models import Area, Municipality, Organisation, Team, User
from toegang.cases import services as case_services
from toegang.cases.models import Trajectory
from toegang.common.dates import today
from toegang.people import services as people_services
from toegang.people.bsn import is_valid_bsn
from toegang.people.models import Household, Membership, Person
from toegang.plans import services as plan_services
from toegang.plans.models import Action, LifeDomain, Plan


class VerifiedClient(Client):
    """A test client whose force_login also passes the second factor, the way the middleware checks it:
    a confirmed TOTP device of the user, remembered in the session. Tests of the second factor itself
    use `unverified_client`."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client():
    return VerifiedClient()


@pytest.fixture
def unverified_client():
    return Client()


def bsn_iter():
    for n in range(999_900_000, 1_000_000_000):
        if is_valid_bsn(str(n)):
            yield str(n)


_BSNS = bsn_iter()


def next_bsn() -> str:
    return next(_BSNS)


@dataclass
class World:
    gemeente: Municipality
    other_gemeente: Municipality
    area: Area
    other_area: Area
    team: Team
    other_team: Team
    municipality_org: Organisation
    partner_org: Organisation
    professional: User
    colleague: User
    partner: User
    outsider: User
    team_lead: User
    manager: User
    other_manager: User
    admin: User
    privacy: User


_counter = itertools.count(1)


def make_user(username: str, role: str, *, org: Organisation | None, team: Team | None, gemeente=None) -> User:
    user = User.objects.create_user(
        username=username,
        password="test-wachtwoord-123",
        first_name=username.capitalize(),
        last_name="Test",
        role=role,
        organisation=org,
        team=team,
        municipality=gemeente or (team.area.municipality if team else None),
    )
    return user


@pytest.fixture
def world(db) -> World:
    gemeente = Municipality.objects.create(code="9901", name="Testgemeente")
    other = Municipality.objects.create(code="9902", name="Andergemeente")
    area = Area.objects.create(municipality=gemeente, name="Noord")
    other_area = Area.objects.create(municipality=other, name="Zuid")
    team = Team.objects.create(name="Team Noord", area=area)
    other_team = Team.objects.create(name="Team Zuid", area=other_area)
    mun_org = Organisation.objects.create(
        name="Gemeente Test", kind="gemeente", cao="Cao Gemeenten", municipality=gemeente
    )
    partner_org = Organisation.objects.create(name="Jeugdhulp Test", kind="jeugdhulp", cao="Cao Jeugdzorg")
    P, TL = User.Role.PROFESSIONAL, User.Role.TEAM_LEAD
    return World(
        gemeente=gemeente,
        other_gemeente=other,
        area=area,
        other_area=other_area,
        team=team,
        other_team=other_team,
        municipality_org=mun_org,
        partner_org=partner_org,
        professional=make_user("professional", P, org=mun_org, team=team),
        colleague=make_user("collega", P, org=mun_org, team=team),
        partner=make_user("partner", P, org=partner_org, team=other_team),
        outsider=make_user("buitenstaander", P, org=mun_org, team=other_team),
        team_lead=make_user("teamleider", TL, org=mun_org, team=team),
        manager=make_user("manager", User.Role.MANAGER, org=mun_org, team=None, gemeente=gemeente),
        other_manager=make_user("manager2", User.Role.MANAGER, org=mun_org, team=None, gemeente=other),
        admin=make_user("beheerder", User.Role.FUNCTIONAL_ADMIN, org=mun_org, team=None, gemeente=gemeente),
        privacy=make_user("privacy", User.Role.PRIVACY_OFFICER, org=mun_org, team=None, gemeente=gemeente),
    )


def make_household(world: World, *, members: int = 3, area: Area | None = None, actor: User | None = None) -> Household:
    actor = actor or world.professional
    n = next(_counter)
    household = people_services.create_household(
        actor=actor, area=area or world.area, name=f"Huishouden {n}", postcode="1234AB", huisnummer=str(n)
    )
    roles = [Membership.Role.PARENT, Membership.Role.PARTNER] + [Membership.Role.CHILD] * 10
    for i in range(members):
        person = people_services.register_person(
            actor=actor,
            bsn=next_bsn(),
            voornamen=f"Voornaam{n}x{i}",
            geslachtsnaam=f"Achternaam{n}",
            geboortedatum=dt.date(1980 + i * 5, 1 + i % 12, 1 + i),
            postcode="1234AB",
            huisnummer=str(n),
        )
        people_services.add_member(
            actor=actor, household=household, person=person, role=roles[i], start_date=today() - dt.timedelta(days=400)
        )
    return household


def make_trajectory(
    world: World,
    *,
    household: Household | None = None,
    regisseur: User | None = None,
    team: Team | None = None,
    members: int = 3,
) -> Trajectory:
    household = household or make_household(world, members=members, area=team.area if team else None)
    regisseur = regisseur or world.professional
    return case_services.start_trajectory(
        actor=regisseur,
        household=household,
        team=team or regisseur.team,
        regisseur=regisseur,
        started_on=today() - dt.timedelta(days=100),
    )


def make_agreed_plan(world: World, trajectory: Trajectory, *, goals: int = 2, actions_per_goal: int = 2) -> Plan:
    actor = trajectory.regisseur_assignments.get(end_date__isnull=True).professional
    plan = plan_services.start_plan(actor=actor, trajectory=trajectory)
    domains = list(LifeDomain.objects.order_by("position")[:goals])
    for i, domain in enumerate(domains):
        goal = plan_services.add_goal(
            actor=actor,
            plan=plan,
            expected_revision=plan.revision,
            domain=domain,
            result=f"Resultaat {i}",
            due_on=today() + dt.timedelta(days=90),
        )
        for j in range(actions_per_goal):
            plan_services.add_action(
                actor=actor,
                goal=goal,
                expected_revision=plan.revision,
                description=f"Actie {i}.{j}",
                party=Action.Party.PROFESSIONAL,
                professional=actor,
                due_on=today() + dt.timedelta(days=30),
            )
    plan_services.agree_plan(
        actor=actor, plan=plan, expected_revision=plan.revision, agreed_on=today(), agreed_how=Plan.AgreedHow.VERBAL
    )
    return plan


def household_persons(household: Household) -> list[Person]:
    return [m.person for m in household.memberships.select_related("person")]


def law_basis():
    """The register entry for Jeugdwet art. 7.4.0: a legal basis for sharing with a youth-care partner."""
    from toegang.privacy.models import ProcessingActivity

    return ProcessingActivity.objects.get(code="jeugdhulp")


def wmo_rule():
    """The Selectielijst result for a Wmo plan (15 years)."""
    from toegang.privacy.models import RetentionRule

    return RetentionRule.objects.get(code="wmo")


@pytest.fixture(scope="session", autouse=True)
def _clean_document_root():
    """Documents uploaded by tests go to a folder of this test run; remove it afterwards."""
    yield
    import shutil

    from django.conf import settings

    shutil.rmtree(settings.DOCUMENT_ROOT, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (``django_db(transaction=True)``) ends with a flush that empties every table,
    the reference data of the migrations included; Django puts it back only when the next test asks for
    ``serialized_rollback``, and otherwise counts on running those tests last. Under pytest-xdist a worker
    runs whole files in the order it gets them, so the reference data is put back here, after the flush.
    Not after the last test: its teardown has dropped the test databases already."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if nextitem is not None and marker is not None and marker.kwargs.get("transaction"):
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for conn in connections.all():
                contents = getattr(conn, "_test_serialized_contents", None)
                if contents:
                    conn.creation.deserialize_db_from_string(contents)
    return result


def pytest_collection_modifyitems(items):
    """Schemathesis makes one test per API operation but gives them all the function's node id; pytest-xdist
    schedules whole files by node id and would run one of the eighteen. The item's name carries the
    operation (``test_the_api_keeps_its_schema[GET /api/v1/plans/]``), so it makes the id unique. pytest 9
    keeps the id in ``_id``; should that change, the check below stops the run instead of losing tests."""
    from _pytest.nodeid import NodeId

    for item in items:
        path, _, name = item.nodeid.rpartition("::")
        if name != item.name:
            item._id = NodeId.parse(f"{path}::{item.name}")
    ids = [item.nodeid for item in items]
    if len(set(ids)) != len(ids):
        raise pytest.UsageError(f"tests met dezelfde node-id: {sorted({i for i in ids if ids.count(i) > 1})}")


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counts():
    """Each test starts without earlier requests counted against its token. On SQLite a rolled-back
    token id comes back in the next test, and with it the count of a test that made hundreds of requests
    (Schemathesis), which gave a later API test a 429."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
