"""Retention per the Selectielijst: closing fixes the destruction date; the run destroys what is due in
whole batches, never under a legal hold or an open objection, and writes the deletion register."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.conftest import make_agreed_plan, make_household, make_trajectory
from toegang.cases import services as case_services
from toegang.cases.models import Note, Trajectory
from toegang.common.dates import add_months, today
from toegang.common.errors import DomainError
from toegang.people.models import Household, Membership, Person
from toegang.plans.models import Action, Plan
from toegang.privacy import retention, rights
from toegang.privacy.models import DeletionRecord, RetentionRule


def closed_case(world, rule_code="wmo", years_ago=20):
    trajectory = make_trajectory(world)
    make_agreed_plan(world, trajectory)
    case_services.add_note(actor=world.professional, trajectory=trajectory, text="n", happened_on=today())
    rule = RetentionRule.objects.get(code=rule_code)
    case_services.close_trajectory(
        actor=world.professional, trajectory=trajectory, closed_on=today(), reason="doelen_bereikt", retention_rule=rule
    )
    # the dossier was closed long ago: move its destruction date into the past
    Trajectory.objects.filter(pk=trajectory.pk).update(archive_action_date=today() - dt.timedelta(days=years_ago))
    return Trajectory.objects.get(pk=trajectory.pk)


def test_closing_sets_the_destruction_date(world):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="Resultaat \\(Selectielijst\\)"):
        case_services.close_trajectory(
            actor=world.professional,
            trajectory=trajectory,
            closed_on=today(),
            reason="doelen_bereikt",
            retention_rule=None,
        )
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="afgezien",
        retention_rule=RetentionRule.objects.get(code="afgebroken"),
    )
    assert Trajectory.objects.get(pk=trajectory.pk).archive_action_date == today() + dt.timedelta(days=42)
    other = make_trajectory(world)
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=other,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=RetentionRule.objects.get(code="jeugd"),
    )
    assert Trajectory.objects.get(pk=other.pk).archive_action_date == add_months(today(), 240)


def test_dry_run_changes_nothing(world):
    closed_case(world)
    out = io.StringIO()
    call_command("retention", "run", stdout=out)
    assert "1 dossiers mogen vernietigd worden" in out.getvalue()
    assert Trajectory.objects.count() == 1 and not DeletionRecord.objects.exists()


def test_execute_destroys_the_dossier_and_registers_the_batch(world):
    trajectory = closed_case(world)
    person_ids = list(trajectory.household.memberships.values_list("person_id", flat=True))
    keep = make_trajectory(world)  # an open dossier elsewhere stays untouched
    out = io.StringIO()
    call_command("retention", "run", "--execute", stdout=out)
    assert "Vernietigd: 1 dossiers" in out.getvalue()
    assert not Trajectory.objects.filter(pk=trajectory.pk).exists()
    assert not Plan.objects.filter(trajectory_id=trajectory.pk).exists()
    assert not Note.objects.filter(trajectory_id=trajectory.pk).exists()
    assert not Household.objects.filter(pk=trajectory.household_id).exists()
    assert not Person.objects.filter(pk__in=person_ids).exists()
    assert (
        Trajectory.objects.filter(pk=keep.pk).exists()
        and Action.objects.filter(goal__plan__trajectory=keep).count() == 0
    )
    record = DeletionRecord.objects.get()
    assert (record.rule.code, record.category, record.count) == ("wmo", "traject", 1)


def test_legal_hold_and_open_objection_block_destruction(world):
    held = closed_case(world)
    Trajectory.objects.filter(pk=held.pk).update(legal_hold=True, legal_hold_reason="Lopende procedure")
    objecting = closed_case(world)
    person = objecting.household.memberships.first().person
    rights.register_request(actor=world.privacy, bsn=person.bsn, kind="bezwaar", received_on=today())
    result = retention.run(on=today())
    assert sum(result.destroyed.values()) == 0
    assert Trajectory.objects.filter(pk__in=[held.pk, objecting.pk]).count() == 2


def test_person_who_lives_on_elsewhere_is_kept(world):
    trajectory = closed_case(world)
    person = trajectory.household.memberships.first().person
    Membership.objects.filter(person=person).update(end_date=today() - dt.timedelta(days=1))
    elsewhere = make_household(world, members=0)
    Membership.objects.create(person=person, household=elsewhere, role="ouder", start_date=today())
    retention.run(on=today())
    assert Person.objects.filter(pk=person.pk).exists()
    assert not Household.objects.filter(pk=trajectory.household_id).exists()


def test_a_failing_batch_leaves_nothing_half_deleted(world, monkeypatch):
    first, second = closed_case(world), closed_case(world)
    calls = []
    real = retention.destroy

    def destroy_then_fail(trajectory):
        calls.append(trajectory.pk)
        real(trajectory)
        if len(calls) == 2:
            raise RuntimeError("stroomstoring")

    monkeypatch.setattr(retention, "destroy", destroy_then_fail)
    with pytest.raises(RuntimeError):
        retention.run(on=today(), batch_size=10)
    assert Trajectory.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert Plan.objects.filter(trajectory_id__in=[first.pk, second.pk]).count() == 2
    assert not DeletionRecord.objects.exists()


def test_privacy_officer_sets_and_lifts_a_legal_hold(client, world):
    from django.urls import reverse

    trajectory = closed_case(world)
    client.force_login(world.privacy)
    page = client.get(reverse("retention")).content.decode()
    assert "volgende run" in page
    client.post(reverse("legal-hold", args=[trajectory.pk]), {"hold": "1", "reason": ""}, follow=True)
    assert not Trajectory.objects.get(pk=trajectory.pk).legal_hold  # a hold needs a reason
    client.post(reverse("legal-hold", args=[trajectory.pk]), {"hold": "1", "reason": "Klachtprocedure"})
    assert Trajectory.objects.get(pk=trajectory.pk).legal_hold
    assert sum(retention.run(on=today()).destroyed.values()) == 0
    client.post(reverse("legal-hold", args=[trajectory.pk]), {"hold": "0"})
    assert sum(retention.run(on=today()).destroyed.values()) == 1
    client.force_login(world.professional)
    assert client.get(reverse("retention")).status_code == 403
    assert client.post(reverse("legal-hold", args=[trajectory.pk]), {"hold": "1", "reason": "x"}).status_code == 403


def test_legal_hold_reason_is_limited(world):
    from toegang.privacy import services as privacy_services

    trajectory = closed_case(world)
    with pytest.raises(DomainError, match="300 tekens"):
        privacy_services.set_legal_hold(actor=world.privacy, trajectory=trajectory, hold=True, reason="x" * 301)
    assert not Trajectory.objects.get(pk=trajectory.pk).legal_hold
