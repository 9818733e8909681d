"""Statutory procedures per law with their clocks: steps in the law's order, suspension and extension,
the penalty after a notice of default, due-soon and overdue lists."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import make_trajectory
from toegang.audit.models import AuditEntry
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.people.models import Person
from toegang.procedures import clocks, selectors, services
from toegang.procedures.clocks import WEEKS, Term
from toegang.procedures.models import ClockPause, Procedure, TermRule


def melding_on():
    return today() - dt.timedelta(days=60)


def start(world, law="wmo", person=None, reported_on=None, trajectory=None):
    reported_on = reported_on or melding_on()
    trajectory = trajectory or make_trajectory(world)
    person = person or trajectory.household.memberships.order_by("pk").first().person
    return services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law=law, reported_on=reported_on
    )


def clocks_by_code(procedure, on=None):
    on = on or today()
    procedure = Procedure.objects.select_related("trajectory__household", "person").get(pk=procedure.pk)
    municipality = procedure.trajectory.household.municipality_id
    found = selectors.clocks_of(
        procedure, municipality_id=municipality, rules=selectors.rules_for([municipality]), on=on
    )
    return {c.code: c for c in found}


def test_wmo_from_melding_to_decision(world):
    procedure = start(world)
    found = clocks_by_code(procedure)
    assert set(found) == {"wmo-persoonlijk-plan", "wmo-onderzoek"}
    assert found["wmo-onderzoek"].deadline == clocks.deadline(start=melding_on(), term=Term(6, WEEKS))
    assert found["wmo-onderzoek"].source == "Wmo 2015 art. 2.3.2 lid 1"
    assert found["wmo-persoonlijk-plan"].state(today()) == "verstreken"  # the resident's window, not a breach

    services.record_step(
        actor=world.professional, procedure=procedure, step="report_sent_on", day=melding_on() + dt.timedelta(days=30)
    )
    application = melding_on() + dt.timedelta(days=35)
    procedure = services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=application
    )
    assert procedure.status == Procedure.Status.APPLICATION
    found = clocks_by_code(procedure)
    assert found["wmo-onderzoek"].state(today()) == "gehaald"
    decision = found["wmo-beschikking"]
    assert decision.deadline == clocks.deadline(start=application, term=Term(2, WEEKS))
    assert decision.overdue(today())  # two weeks after an application 25 days ago

    services.suspend(
        actor=world.professional,
        procedure=procedure,
        clock="wmo-beschikking",
        start=application + dt.timedelta(days=2),
        reason="Aanvulling gevraagd",
    )
    services.resume(
        actor=world.professional, procedure=procedure, clock="wmo-beschikking", end=application + dt.timedelta(days=11)
    )
    services.extend(
        actor=world.professional,
        procedure=procedure,
        clock="wmo-beschikking",
        length=2,
        unit="weken",
        notified_on=application + dt.timedelta(days=12),
        reason="Advies nodig",
    )
    later = clocks_by_code(procedure)["wmo-beschikking"]
    assert later.extended and later.deadline == clocks.deadline(
        start=application,
        term=Term(2, WEEKS),
        extension=Term(2, WEEKS),
        suspensions=[clocks.Suspension(application + dt.timedelta(days=2), application + dt.timedelta(days=11))],
    )
    assert later.deadline > decision.deadline  # the clock recomputes when a date changes

    procedure = services.record_step(
        actor=world.professional, procedure=procedure, step="decided_on", day=today(), outcome="toegekend"
    )
    assert procedure.status == Procedure.Status.DECIDED
    assert clocks_by_code(procedure)["wmo-beschikking"].state(today()) in ("gehaald", "te laat")
    assert AuditEntry.objects.filter(object_type="procedure", detail__startswith="Besluit bekendgemaakt op").exists()
    with pytest.raises(DomainError, match="afgerond"):
        services.record_step(actor=world.professional, procedure=procedure, step="decided_on", day=today())


def test_notice_of_default_makes_the_late_decision_cost_a_penalty(world):
    application = today() - dt.timedelta(days=100)
    procedure = start(world, law="jeugd", reported_on=application)
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=application)
    term_end = clocks.deadline(start=application, term=Term(8, WEEKS))  # about 56 days: well in the past
    notice = term_end + dt.timedelta(days=1)
    services.record_step(actor=world.professional, procedure=procedure, step="notice_of_default_on", day=notice)
    penalty = clocks_by_code(procedure)["jeugd-beschikking"].penalty
    assert penalty == clocks.penalty(term_end=term_end, notice_received=notice, decided_on=None, on=today())
    assert penalty is not None and penalty.days > 0 and penalty.amount_cents >= 2300


def test_steps_follow_the_law_and_bad_dates_change_nothing(world):
    procedure = start(world, law="jeugd")
    cases = [
        ("report_sent_on", melding_on(), "hoort niet bij"),  # a Wmo step
        ("decided_on", melding_on(), "leg eerst vast"),  # no decision without an application
        ("application_on", today() + dt.timedelta(days=1), "in de toekomst"),
        ("application_on", melding_on() - dt.timedelta(days=1), "ligt vóór"),
    ]
    for step, day, message in cases:
        with pytest.raises(DomainError, match=message):
            services.record_step(actor=world.professional, procedure=procedure, step=step, day=day)
    procedure.refresh_from_db()
    assert (procedure.status, procedure.application_on, procedure.decided_on) == ("melding", None, None)
    with pytest.raises(DomainError, match="al een procedure"):
        start(world, law="jeugd", trajectory=procedure.trajectory, person=procedure.person)
    stranger = Person.objects.exclude(
        memberships__household=procedure.trajectory.household
    ).first() or Person.objects.create(voornamen="Buiten", geslachtsnaam="Huishouden")
    with pytest.raises(DomainError, match="lid van het huishouden"):
        start(world, law="wmo", trajectory=procedure.trajectory, person=stranger)
    extension = {"clock": "jeugd-beschikking", "length": 1, "unit": "weken", "notified_on": melding_on(), "reason": "r"}
    with pytest.raises(DomainError, match="Termijn: deze termijn loopt nog niet"):  # no application yet
        services.extend(actor=world.professional, procedure=procedure, **extension)
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=melding_on())
    with pytest.raises(DomainError, match="al eens verlengd"):
        services.extend(actor=world.professional, procedure=procedure, **extension)
        services.extend(actor=world.professional, procedure=procedure, **extension)
    assert ClockPause.objects.filter(procedure=procedure).count() == 1


def test_a_term_that_ran_out_is_not_extended_afterwards_and_its_penalty_stays(world):
    """Awb 4:14 lid 3: the extension is told before the term ends; afterwards it would wipe out the penalty owed
    under Awb 4:17 after a notice of default."""
    application = today() - dt.timedelta(days=100)
    procedure = start(world, law="jeugd", reported_on=application)
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=application)
    term_end = clocks_by_code(procedure)["jeugd-beschikking"].deadline
    services.record_step(
        actor=world.professional, procedure=procedure, step="notice_of_default_on", day=term_end + dt.timedelta(1)
    )
    owed = clocks_by_code(procedure)["jeugd-beschikking"].penalty
    extension = {"clock": "jeugd-beschikking", "length": 2, "unit": "weken", "reason": "Advies nodig"}
    too_late = f"\\(Awb 4:14 lid 3\\) vóór het einde van de termijn \\({term_end:%-d-%-m-%Y}\\)"
    with pytest.raises(DomainError, match=too_late):
        services.extend(actor=world.professional, procedure=procedure, notified_on=today(), **extension)
    assert not ClockPause.objects.filter(procedure=procedure).exists()
    assert clocks_by_code(procedure)["jeugd-beschikking"].penalty == owed and owed is not None and owed.days > 0
    later = start(world, law="jeugd", reported_on=application)  # its application came ten days ago
    ten_days_ago = today() - dt.timedelta(days=10)
    services.record_step(actor=world.professional, procedure=later, step="application_on", day=ten_days_ago)
    with pytest.raises(DomainError, match="^Inwoner bericht op: ligt vóór het begin van de termijn"):
        services.extend(actor=world.professional, procedure=later, notified_on=application, **extension)
    late_pause = {"clock": "jeugd-beschikking", "start": today() - dt.timedelta(days=1), "reason": "Advies"}
    with pytest.raises(DomainError, match="^Opgeschort vanaf: een opschorting gaat in vóór het einde van de termijn"):
        services.suspend(actor=world.professional, procedure=procedure, **late_pause)  # would hide the overdue term
    assert not ClockPause.objects.filter(procedure=procedure).exists()
    services.extend(actor=world.professional, procedure=procedure, notified_on=term_end, **extension)  # on the last day
    assert clocks_by_code(procedure)["jeugd-beschikking"].extended


def test_search_period_applies_to_young_people_only(world):
    trajectory = make_trajectory(world, members=2)
    young, older = (m.person for m in trajectory.household.memberships.order_by("pk")[:2])
    Person.objects.filter(pk=young.pk).update(geboortedatum=melding_on() - dt.timedelta(days=365 * 20))
    Person.objects.filter(pk=older.pk).update(geboortedatum=melding_on() - dt.timedelta(days=365 * 40))
    assert "pw-zoektermijn" in clocks_by_code(start(world, law="pw", trajectory=trajectory, person=young))
    assert "pw-zoektermijn" not in clocks_by_code(start(world, law="pw", trajectory=trajectory, person=older))


def test_a_municipality_sets_its_own_term(world):
    procedure = start(world, law="jeugd")
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=melding_on())
    default = clocks_by_code(procedure)["jeugd-beschikking"]
    TermRule.objects.create(
        municipality=world.gemeente,
        law="jeugd",
        code="jeugd-beschikking",
        label="Beschikking",
        starts_at="aanvraag",
        length=4,
        unit="weken",
        source="Verordening jeugdhulp art. 7",
    )
    own = clocks_by_code(procedure)["jeugd-beschikking"]
    assert own.deadline < default.deadline and own.source == "Verordening jeugdhulp art. 7"


def test_due_lists_put_overdue_first(world):
    late = start(world, law="wmo")
    services.record_step(actor=world.professional, procedure=late, step="application_on", day=melding_on())
    fresh = start(world, law="wmo", reported_on=today())
    mine = selectors.due_list(user=world.professional, team=False, on=today())
    assert [r.procedure.pk for r in mine][:1] == [late.pk] and mine[0].overdue
    assert all(r.procedure.pk != fresh.pk or not r.overdue for r in mine)
    team = selectors.due_list(user=world.team_lead, team=True, on=today())
    assert {r.procedure.pk for r in team} >= {late.pk}
    assert selectors.due_list(user=world.outsider, team=True, on=today()) == []  # another team sees nothing


def test_the_clocks_not_met_stop_when_the_procedure_ends(world):
    """A Participatiewet application decided (elsewhere) before the advance was paid: the advance's clock
    stops with the decision instead of running on past its term; the decision's own clock is met."""
    procedure = start(world, law="pw", reported_on=today() - dt.timedelta(days=70))
    procedure = services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=today() - dt.timedelta(days=60)
    )
    decided = today() - dt.timedelta(days=40)
    services.record_step(
        actor=world.professional, procedure=procedure, step="decided_on", day=decided, outcome="toegekend"
    )
    found = clocks_by_code(procedure)
    advance = found["pw-voorschot"]
    assert advance.deadline < today() and advance.status == "gestopt" and not advance.overdue(today())
    assert advance.state(decided - dt.timedelta(days=1)) == "loopt"  # it ran until the decision
    assert found["pw-beschikking"].status == "gehaald"


def test_a_term_missed_before_the_end_stays_missed(world):
    """Withdrawn after its decision term had passed: the decision clock shows it was missed ("verlopen"),
    not "gestopt", though it no longer counts as overdue."""
    procedure = start(world, law="jeugd", reported_on=today() - dt.timedelta(days=90))
    procedure = services.record_step(
        actor=world.professional, procedure=procedure, step="application_on", day=today() - dt.timedelta(days=80)
    )
    services.withdraw(actor=world.professional, procedure=procedure, on=today() - dt.timedelta(days=1))
    clock = clocks_by_code(procedure)["jeugd-beschikking"]
    assert clock.deadline < today() - dt.timedelta(days=1)  # eight weeks after the application
    assert clock.status == "verlopen" and not clock.overdue(today())
