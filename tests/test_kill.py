"""A process killed in the middle of a multi-row write leaves everything or nothing (issue 11, point 3).

Each write runs in a process of its own (`manage.py shell`) against a database of its own, with a fault
point (common/faults.py) that makes it wait inside its transaction, part of its rows written, until the
test kills it with SIGKILL. Afterwards the database holds none of it. Then the same write runs without
the fault point and changes the database, which shows that the first check could have failed."""

from __future__ import annotations

import json
import select
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.processes import MANAGE, ROOT, separate_database

SNAPSHOT = """
import json
from toegang.audit.models import AuditEntry
from toegang.cases.models import Note, Trajectory
from toegang.events.models import Event
from toegang.istandaarden.models import Message
from toegang.plans.models import Action, Goal, Plan
from toegang.privacy.models import DeletionRecord
from toegang.procedures.models import Decision
print(json.dumps({
    "plans": Plan.objects.count(), "goals": Goal.objects.count(), "actions": Action.objects.count(),
    "trajectories": Trajectory.objects.count(), "notes": Note.objects.count(),
    "deletion_records": DeletionRecord.objects.count(), "audit": AuditEntry.objects.count(),
    "sent": Decision.objects.filter(status="verzonden").count(), "messages": Message.objects.count(),
    "events": Event.objects.count(),
}))
"""

NEW_PLAN_VERSION = """
from toegang.cases.models import RegisseurAssignment
from toegang.plans import services
from toegang.plans.models import Plan
plan = (Plan.objects.filter(status="akkoord", trajectory__status="open", goals__status="open")
        .exclude(household__plans__status="concept").select_related("trajectory").order_by("pk").first())
actor = RegisseurAssignment.objects.get(trajectory=plan.trajectory, end_date__isnull=True).professional
services.start_plan(actor=actor, trajectory=plan.trajectory)
"""

MAKE_DOSSIERS_DUE = """
import datetime as dt
from toegang.cases.models import Trajectory
from toegang.common.dates import today
n = Trajectory.objects.filter(status="gesloten", retention_rule__isnull=False, legal_hold=False).update(
    archive_action_date=today() - dt.timedelta(days=1))
assert n >= 3, n
"""
RETENTION_RUN = """
from django.core.management import call_command
call_command("retention", "run", "--execute", "--batch", "2")
"""

A_DECISION_READY_TO_SEND = """
import datetime as dt
from toegang.cases.models import RegisseurAssignment
from toegang.common.dates import today
from toegang.procedures import decisions, services
from toegang.procedures.models import ProductCategory, Provider
a = (RegisseurAssignment.objects.filter(end_date__isnull=True, trajectory__status="open")
     .select_related("professional", "trajectory").order_by("pk").first())
person = a.trajectory.household.memberships.order_by("pk").first().person
proc = services.start_procedure(actor=a.professional, trajectory=a.trajectory, person=person, law="wmo",
                                reported_on=today())
proc = services.record_step(actor=a.professional, procedure=proc, step="application_on", day=today())
d = decisions.draft_decision(actor=a.professional, procedure=proc, outcome="toegekend", reasoning="Onderzoek.")
decisions.add_provision(actor=a.professional, decision=d, category=ProductCategory.objects.get(law="wmo", code="01"),
    product_code="01A01", delivery="zin", provider=Provider.objects.order_by("pk").first(), volume=3, unit="04",
    frequency="2", start_date=today(), end_date=today() + dt.timedelta(days=365))
assert decisions.submit(actor=a.professional, decision=d).status == "akkoord"
"""
SEND_IT = """
from toegang.common.dates import today
from toegang.procedures import decisions
from toegang.procedures.models import Decision
d = Decision.objects.filter(status="akkoord").select_related("created_by").order_by("pk").first()
decisions.send(actor=d.created_by, decision=d, on=today())
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One seeded database for the three writes: each picks rows the others leave alone (an open
    trajectory's plan, closed dossiers, a new procedure)."""
    with separate_database(tmp_path_factory.mktemp("kill"), "kill") as env:
        yield env


def shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run([*MANAGE, "shell", "-v", "0", "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def snapshot(env: dict[str, str]) -> dict[str, int]:
    return json.loads(shell(env, SNAPSHOT))


def killed_at(env: dict[str, str], code: str, point: str) -> None:
    """Run ``code`` until it reports the fault point, then kill it (SIGKILL: no cleanup, no rollback by
    the process itself)."""
    proc = subprocess.Popen(
        [*MANAGE, "shell", "-v", "0", "-c", code],
        env={**env, "TOEGANG_FAULT_POINT": point},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline, seen = time.monotonic() + 60, ""
    while f"FAULT-POINT {point}" not in seen:
        assert proc.poll() is None, f"ended before the fault point: {seen[-2000:]}{proc.stderr.read()[-2000:]}"
        assert time.monotonic() < deadline, "the fault point was not reached within a minute"
        if select.select([proc.stderr], [], [], 0.5)[0]:
            seen += proc.stderr.readline()
    proc.kill()
    proc.wait(timeout=10)


@pytest.mark.parametrize(
    ("setup", "write", "point", "changes"),
    [
        ("", NEW_PLAN_VERSION, "plan-new-version", {"plans", "goals", "actions", "audit"}),
        (MAKE_DOSSIERS_DUE, RETENTION_RUN, "retention-batch", {"trajectories", "notes", "deletion_records"}),
        (A_DECISION_READY_TO_SEND, SEND_IT, "decision-send", {"sent", "messages", "events", "audit"}),
    ],
    ids=["plan-with-goals-and-actions", "retention-batch", "decision-with-provisions"],
)
def test_a_write_killed_midway_leaves_nothing(database, setup, write, point, changes):
    env = database
    if setup:
        shell(env, setup)
    before = snapshot(env)
    killed_at(env, write, point)
    assert snapshot(env) == before
    shell(env, write)  # the same write, not killed, commits
    after = snapshot(env)
    grown = {key for key in before if after[key] != before[key]}
    assert changes <= grown, (before, after)
