"""manage.py seed_demo: the XS setting is complete, valid and deterministic, and a second run is refused."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from contextlib import closing
from io import StringIO
from itertools import islice

import pytest
from django.core.management import call_command

from tests.processes import separate_database
from toegang.accounts.models import User
from toegang.audit.models import AuditEntry
from toegang.cases.models import Involvement, Note, RegisseurAssignment, Trajectory
from toegang.common import demo
from toegang.common.dates import today
from toegang.people.bsn import is_valid_bsn, nth_test_range_bsn
from toegang.people.models import Household, Membership, Person
from toegang.plans.models import Action, DomainFinding, Exploration, Goal, GoalReview, Plan, Review, SelfRelianceScore
from toegang.signals.models import Signal

MAIN_MODELS = [
    User, Household, Person, Membership, Signal, Trajectory, RegisseurAssignment, Involvement, Note, Exploration,
    DomainFinding, SelfRelianceScore, Plan, Goal, Action, Review, GoalReview,
]  # fmt: skip


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_demo", size="XS", seed=1, verbosity=0)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MAIN_MODELS}


@pytest.mark.django_db
def test_xs_fills_every_main_table_without_audit_rows(seeded: None) -> None:
    counts = _counts()

    assert all(count > 0 for count in counts.values()), counts
    # seeding is not a user action; only the providers' demo messages go through the real import, which
    # logs each message it processes as the system
    assert not AuditEntry.objects.exclude(actor__isnull=True, actor_name="istandaarden import").exists()


def test_the_seed_leaves_fresh_statistics_and_on_postgresql_all_visible_pages(tmp_path) -> None:
    """The command as run (a process of its own, outside a transaction): statistics for the planner and,
    on PostgreSQL, a vacuumed database, so that a benchmark right after seeding does not meet pages
    that index-only scans must still visit, nor autovacuum starting on the big tables."""
    with separate_database(tmp_path, "seed") as env:
        url = env["DATABASE_URL"]
        if url.startswith(("postgres://", "postgresql://")):
            import psycopg

            with psycopg.connect(url) as conn:
                pages, visible = conn.execute(
                    "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s", [Note._meta.db_table]
                ).fetchone()
            assert pages > 0 and visible == pages
        else:
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
                rows = conn.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = ?", [Note._meta.db_table]).fetchone()
            assert rows[0] > 0


@pytest.mark.django_db
def test_every_person_has_a_valid_test_bsn(seeded: None) -> None:
    bsns = list(Person.objects.values_list("bsn", flat=True))

    assert bsns and None not in bsns
    assert all(bsn.startswith("9999") and is_valid_bsn(bsn) for bsn in bsns)


@pytest.mark.django_db
def test_each_open_trajectory_has_exactly_one_current_regisseur(seeded: None) -> None:
    current = Counter(
        RegisseurAssignment.objects.filter(end_date__isnull=True).values_list("trajectory__status", "trajectory_id")
    )
    open_ids = set(Trajectory.objects.filter(status=Trajectory.Status.OPEN).values_list("pk", flat=True))

    assert open_ids
    assert {tid for (status, tid), n in current.items() if status == "open" and n == 1} == open_ids
    assert not [key for key in current if key[0] == Trajectory.Status.CLOSED]


@pytest.mark.django_db
def test_no_person_has_overlapping_memberships(seeded: None) -> None:
    periods: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for person_id, start, end in Membership.objects.values_list("person_id", "start_date", "end_date"):
        periods[person_id].append((start, end or dt.date.max))

    for spans in periods.values():
        spans.sort()
        assert all(later[0] > earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))


@pytest.mark.django_db
def test_demo_accounts_exist_with_their_roles(seeded: None) -> None:
    accounts = demo.demo_accounts()

    assert [a[0] for a in accounts] == [
        "professional",
        "partner",
        "teamleider",
        "manager",
        "beheerder",
        "privacy",
        "buurteam",
        "welzijn",
    ]
    for username, role_label, organisation, team in accounts:
        user = User.objects.select_related("organisation", "team").get(username=username)
        assert user.get_role_display() == role_label
        assert user.organisation is not None and user.organisation.name == organisation
        assert (user.team.name if user.team else "") == team
        assert user.check_password(demo.DEMO_PASSWORD)
    assert User.objects.get(username="partner").is_seconded
    assert User.objects.get(username="partner").team_id == User.objects.get(username="professional").team_id
    assert User.objects.get(username="buurteam").team_id != User.objects.get(username="professional").team_id


@pytest.mark.django_db
def test_professional_has_a_caseload_and_a_queue(seeded: None) -> None:
    professional = User.objects.get(username="professional")
    partner = User.objects.get(username="partner")

    assert RegisseurAssignment.objects.filter(
        professional=professional, end_date__isnull=True, trajectory__status=Trajectory.Status.OPEN
    ).exists()
    assert Signal.objects.filter(team_id=professional.team_id, status=Signal.Status.NEW).exists()
    assert Involvement.objects.filter(professional=partner, end_date__isnull=True).exists()


def test_an_agreed_plans_next_review_follows_from_its_history(seeded: None) -> None:
    """As the services keep it and the steering summary reads it: the last review's next date, else the
    agreed day plus the interval; and the demo professional still has reviews over their date."""
    reviews = Review.objects.order_by("held_on", "pk").values_list("plan_id", "next_review_on")
    last_review = dict(reviews)  # in order of holding: the last one of each plan wins
    plans = Plan.objects.filter(status=Plan.Status.AGREED)
    assert plans.exists()
    for plan in plans:
        expected = last_review.get(plan.pk, plan.agreed_on + dt.timedelta(weeks=plan.review_interval_weeks))
        assert plan.next_review_on == expected, plan.pk
    assert plans.filter(
        next_review_on__lt=today(),
        trajectory__regisseur_assignments__professional__username="professional",
        trajectory__regisseur_assignments__end_date__isnull=True,
    ).exists()


def test_generator_is_deterministic() -> None:
    day = dt.date(2026, 3, 2)

    first = demo.person_rows(size="XS", seed=1, today=day)

    assert first == demo.person_rows(size="XS", seed=1, today=day)
    assert first != demo.person_rows(size="XS", seed=2, today=day)


def test_fast_bsn_generator_matches_the_elfproef() -> None:
    numbers = list(demo.iter_test_bsns())

    assert list(islice(numbers, 25)) == [nth_test_range_bsn(i) for i in range(25)]
    assert numbers == sorted(set(numbers)) and 9_000 < len(numbers) < 9_200
    assert all(n.startswith("9999") and is_valid_bsn(n) for n in numbers)
    brute = [str(c) for c in range(999_950_000, 999_952_000) if is_valid_bsn(str(c))]
    assert [n for n in numbers if "999950000" <= n < "999952000"] == brute


@pytest.mark.django_db
def test_second_run_refuses_and_changes_nothing(seeded: None) -> None:
    before = _counts()
    err = StringIO()

    with pytest.raises(SystemExit) as refused:
        call_command("seed_demo", size="XS", seed=2, stdout=StringIO(), stderr=err)

    assert refused.value.code == 1
    assert err.getvalue().startswith("seed_demo: de database bevat al huishoudens;")
    assert len(err.getvalue().strip().splitlines()) == 1
    assert _counts() == before


@pytest.mark.django_db
def test_unknown_size_is_refused() -> None:
    err = StringIO()

    with pytest.raises(SystemExit) as refused:
        call_command("seed_demo", size="XL", seed=1, stdout=StringIO(), stderr=err)

    assert refused.value.code == 2
    assert "onbekende grootte" in err.getvalue()
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_seeded_values_are_valid_choices(seeded: None) -> None:
    checks = [
        (Membership, "role"), (Trajectory, "status"), (Trajectory, "closure_reason"), (Note, "kind"), (Note, "channel"),
        (Signal, "source"), (Signal, "channel"), (Signal, "urgency"), (Signal, "status"), (Signal, "outcome"),
        (Plan, "status"), (Plan, "agreed_how"), (Goal, "status"), (Action, "party"), (Action, "status"),
        (GoalReview, "outcome"), (User, "role"),
    ]  # fmt: skip
    for model, field in checks:
        allowed = {value for value, _label in model._meta.get_field(field).choices} | {""}
        used = set(model.objects.values_list(field, flat=True).distinct())
        assert used <= allowed, (model.__name__, field, used - allowed)
    for signal in Signal.objects.prefetch_related("persons"):
        assert signal.main_person_id in {p.pk for p in signal.persons.all()}


@pytest.mark.django_db
def test_closed_demo_trajectories_carry_their_retention():
    from toegang.cases.models import Trajectory

    call_command("seed_demo", size="XS", seed=3, verbosity=0)
    closed = Trajectory.objects.filter(status="gesloten")
    assert closed.exists()
    assert not closed.filter(retention_rule__isnull=True).exists()
    for t in closed.select_related("retention_rule"):
        if t.retention_rule.code == "afgebroken":
            assert (t.archive_action_date - t.closed_on).days == 42
        else:
            assert t.archive_action_date.year == t.closed_on.year + 15


def test_export_on_a_fresh_seed_gives_valid_wmo301_and_jw301(seeded: None, tmp_path) -> None:
    from toegang.istandaarden import messages
    from toegang.istandaarden.models import Request

    call_command("istandaarden", "export", "--out", str(tmp_path))
    files = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.startswith("WMO301_") for n in files) and any(n.startswith("JW301_") for n in files)
    # and the answers to the providers' demo messages: retours of a start and two requests, a claim answer
    assert {n.split("_")[0] for n in files} >= {"WMO306", "WMO316", "WMO318", "WMO325"}
    for name in files:
        standard = "WMO" if name.startswith("WMO") else "JW"
        code = name.split("_")[0].removeprefix(standard)
        assert messages.validate(standard, code, (tmp_path / name).read_bytes()) == [], name
    assert Request.objects.filter(status="open").count() == 2  # waiting in the work queue
