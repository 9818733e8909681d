"""Retention of signals that never became a trajectory: destroyed once their term, counted from the
triage, has passed (Selectielijst 2020, procestype 21 Adviseren, 5 years), with the persons nothing else
refers to; never a signal that was not triaged, never under an open objection; one register entry and
one audit entry per batch, without personal data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import make_household, make_trajectory, next_bsn
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.cases.forms import CloseForm
from toegang.cases.models import Trajectory
from toegang.common.dates import add_months, today
from toegang.people import services as people_services
from toegang.people.models import Membership, Person
from toegang.privacy import retention
from toegang.privacy.models import DeletionRecord, RetentionRule, RightsRequest
from toegang.signals import services as signal_services
from toegang.signals.models import Signal


def long_ago():
    # past the 5-year term
    return add_months(today(), -12 * 6)


def person(world, name="Visser"):
    return people_services.register_person(
        actor=world.professional,
        bsn=next_bsn(),
        voornamen="Sam",
        geslachtsnaam=name,
        postcode="1111AA",
        huisnummer="1",
    )


def signal(world, *, persons=None, outcome="advies", triaged_on=None, team=None):
    """A signal registered and triaged through the services, then moved back to ``triaged_on``
    (``outcome=None`` leaves it untriaged)."""
    triaged_on = triaged_on or long_ago()
    persons = persons or [person(world)]
    created = signal_services.register_signal(
        actor=world.professional,
        team=team or world.team,
        source="huisarts",
        channel="telefoon",
        received_on=today(),
        description="Vraag over mantelzorg",
        persons=persons,
    )
    if outcome is not None:
        signal_services.triage_signal(
            actor=world.professional,
            signal=created,
            outcome=outcome,
            on=today(),
            note="Advies gegeven" if outcome == "advies" else "",
            referred_to="Welzijn Noord" if outcome == "voorliggend" else "",
            regisseur=world.professional if outcome == "intake" else None,
        )
        Signal.objects.filter(pk=created.pk).update(received_on=triaged_on, triaged_on=triaged_on)
    else:
        Signal.objects.filter(pk=created.pk).update(received_on=triaged_on)
    return Signal.objects.get(pk=created.pk)


def objection(world, of, status="open"):
    # directly: a person known only from a signal is outside persons_of(), which register_request uses
    return RightsRequest.objects.create(
        person=of,
        kind=RightsRequest.Kind.OBJECTION,
        received_on=today(),
        due_on=add_months(today(), 1),
        status=status,
        handled_on=None if status == "open" else today(),
        recorded_by=world.privacy,
    )


def test_the_rule_has_its_source(db):
    rule = RetentionRule.objects.get(code=RetentionRule.SIGNAL)
    assert (rule.years, rule.days) == (5, 0)
    assert "Selectielijst" in rule.source and "procestype 21" in rule.source


def test_advice_and_referral_past_their_term_go_with_their_persons(world):
    main, other = person(world), person(world, "Bakker")
    advice = signal(world, persons=[main, other])
    referral = signal(world, outcome="voorliggend")
    referred = referral.main_person_id
    result = retention.run(on=today())
    assert (result.signals, result.signal_batches) == (2, 1)
    assert not Signal.objects.filter(pk__in=[advice.pk, referral.pk]).exists()
    assert not Person.objects.filter(pk__in=[main.pk, other.pk, referred]).exists()
    record = DeletionRecord.objects.get()
    assert (record.category, record.rule.code, record.count) == ("melding", "melding", 2)
    entry = AuditEntry.objects.get(object_type="melding")
    assert (entry.action, entry.actor_name, entry.detail) == ("delete", "bewaartermijnen", "melding: 2")
    assert not entry.subjects.exists()  # the register and the log name no one


def test_the_term_is_counted_from_the_triage(world):
    five_years = add_months(today(), -60)
    on_the_day = signal(world, triaged_on=five_years)
    a_day_short = signal(world, triaged_on=five_years + dt.timedelta(days=1))
    recent = signal(world, triaged_on=today())
    retention.run(on=today())
    assert not Signal.objects.filter(pk=on_the_day.pk).exists()
    assert set(Signal.objects.values_list("pk", flat=True)) == {a_day_short.pk, recent.pk}


@pytest.mark.parametrize(("years", "days"), [(5, 0), (2, 0), (0, 42), (1, 10)])
def test_the_last_triage_day_is_the_inverse_of_the_term(years, days):
    """Also over 29 February: every triage day whose term has passed, and no other, is due."""
    rule = RetentionRule(code="x", result="x", years=years, days=days, source="x")
    for on in (dt.date(2028, 2, 28) + dt.timedelta(days=n) for n in range(-3, 400, 1)):
        last = retention._last_triage_day_due(on, rule)
        for triaged in (last - dt.timedelta(days=2), last, last + dt.timedelta(days=1)):
            assert (triaged <= last) == (retention.signal_destroy_from(triaged, rule) <= on), (on, triaged)


def test_an_untriaged_signal_is_never_destroyed(world):
    waiting = signal(world, outcome=None, triaged_on=add_months(today(), -12 * 30))
    assert waiting.status == Signal.Status.NEW
    retention.run(on=today())
    assert Signal.objects.filter(pk=waiting.pk).exists()
    assert Person.objects.filter(pk=waiting.main_person_id).exists()
    assert not DeletionRecord.objects.exists()


def test_a_signal_with_a_trajectory_is_left_to_the_dossier(world):
    intake = signal(world, outcome="intake")
    advice_linked_later = signal(world)
    Signal.objects.filter(pk=advice_linked_later.pk).update(trajectory=intake.trajectory)
    retention.run(on=today())
    assert Signal.objects.filter(pk__in=[intake.pk, advice_linked_later.pk]).count() == 2


def test_an_open_objection_of_any_person_keeps_the_signal(world):
    main, involved = person(world), person(world, "Bakker")
    of_involved = signal(world, persons=[main, involved])
    objection(world, involved)
    of_main = signal(world, persons=[person(world), person(world, "Bakker")])
    of_main.persons.remove(of_main.main_person)  # the main person counts even when not listed as involved
    objection(world, of_main.main_person)
    handled = signal(world)
    objection(world, handled.main_person, status="afgehandeld")
    result = retention.run(on=today())
    assert result.signals == 1
    assert set(Signal.objects.values_list("pk", flat=True)) == {of_involved.pk, of_main.pk}
    # the handled objection no longer blocks, but its request keeps the person
    assert Person.objects.filter(pk=handled.main_person_id).exists()


def test_a_person_who_is_also_in_a_household_is_kept(world):
    household = make_household(world, members=1)
    member = household.memberships.get().person
    alone = person(world, "Bakker")
    old = signal(world, persons=[member, alone])
    retention.run(on=today())
    assert not Signal.objects.filter(pk=old.pk).exists()
    assert Person.objects.filter(pk=member.pk).exists()
    assert not Person.objects.filter(pk=alone.pk).exists()


def test_a_person_with_another_signal_is_kept(world):
    shared = person(world)
    old = signal(world, persons=[shared])
    recent = signal(world, persons=[person(world, "Bakker"), shared], triaged_on=today())
    retention.run(on=today())
    assert not Signal.objects.filter(pk=old.pk).exists()
    assert Signal.objects.filter(pk=recent.pk).exists() and Person.objects.filter(pk=shared.pk).exists()


def test_batches_each_write_their_register_entry(world):
    for _ in range(3):
        signal(world)
    result = retention.run(on=today(), batch_size=2)
    assert (result.signals, result.signal_batches) == (3, 2)
    assert sorted(DeletionRecord.objects.values_list("count", flat=True)) == [1, 2]
    assert AuditEntry.objects.filter(object_type="melding").count() == 2


def test_a_failing_batch_keeps_its_signals(world, monkeypatch):
    old = signal(world)

    def fail(signals):
        Signal.objects.filter(pk__in=[s.pk for s in signals]).delete()
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr(retention, "destroy_signals", fail)
    with pytest.raises(RuntimeError):
        retention.run(on=today())
    assert Signal.objects.filter(pk=old.pk).exists() and not DeletionRecord.objects.exists()


def test_without_the_rule_no_signal_is_destroyed(world):
    old = signal(world)
    RetentionRule.objects.filter(code=RetentionRule.SIGNAL).delete()
    assert retention.run(on=today()).signals == 0
    assert Signal.objects.filter(pk=old.pk).exists()


def test_dry_run_lists_and_changes_nothing(world):
    signal(world)
    signal(world, triaged_on=today())
    out = io.StringIO()
    call_command("retention", "run", stdout=out)
    assert "Meldingen zonder traject: 1 mogen vernietigd worden." in out.getvalue()
    assert Signal.objects.count() == 2 and Person.objects.count() == 2
    assert not DeletionRecord.objects.exists()
    call_command("retention", "run", "--execute", stdout=out)
    assert "Meldingen zonder traject vernietigd: 1 in 1 batches." in out.getvalue()
    assert Signal.objects.count() == 1


def test_a_dossier_takes_the_persons_of_its_signals_along(world):
    trajectory = make_trajectory(world, members=1)
    member = trajectory.household.memberships.get().person
    outsider = person(world, "Bakker")  # named in the signal, never a member of the household
    linked = signal(world, persons=[member, outsider], outcome=None)
    Signal.objects.filter(pk=linked.pk).update(
        status=Signal.Status.TRIAGED, outcome=Signal.Outcome.INTAKE, trajectory=trajectory, triaged_on=today()
    )
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=RetentionRule.objects.get(code="wmo"),
    )
    Trajectory.objects.filter(pk=trajectory.pk).update(archive_action_date=today())
    retention.run(on=today())
    assert not Signal.objects.filter(pk=linked.pk).exists()
    assert not Person.objects.filter(pk__in=[member.pk, outsider.pk]).exists()
    assert not Membership.objects.filter(person_id=member.pk).exists()


def test_the_screen_shows_the_signals_due(client, world):
    due = signal(world)
    soon = signal(world, triaged_on=add_months(today(), -60) + dt.timedelta(days=30))
    blocked = signal(world)
    objection(world, blocked.main_person)
    later = signal(world, triaged_on=today())
    elsewhere = signal(world, team=world.other_team)
    client.force_login(world.privacy)
    page = client.get(reverse("retention")).content.decode()
    for shown in (due, soon, blocked):
        assert f"Melding {shown.pk} ·" in page
    for hidden in (later, elsewhere):
        assert f"Melding {hidden.pk} ·" not in page
    assert page.count("volgende run") == 1 and "tegengehouden: open bezwaar" in page
    assert "procestype 21" in page
    assert Signal.objects.get(pk=due.pk).main_person.geslachtsnaam not in page  # no names on this screen


def test_a_dossier_cannot_be_closed_with_the_signal_term(db):
    codes = {rule.code for rule in CloseForm().fields["retention_rule"].queryset}
    assert RetentionRule.SIGNAL not in codes and "wmo" in codes
