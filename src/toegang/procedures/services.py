"""Writes of statutory procedures: start, the steps of the law, suspension, extension, withdrawal.
Every write checks its dates against the law's order, changes one procedure under a row lock and is
logged with the person as subject."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.cases.models import Trajectory
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.forms import field_label
from toegang.events import services as events
from toegang.people.models import Membership, Person
from toegang.procedures.models import ClockPause, Decision, Outcome, Procedure, TermRule
from toegang.procedures.selectors import CLOCKS, OPEN, clocks_of, rules_for
from toegang.zgw import services as zgw

# Which steps each law knows, the label of their date field, and the step that must come first.
STEPS: dict[str, dict[str, str | None]] = {
    TermRule.Law.WMO: {
        "receipt_confirmed_on": None,
        "personal_plan_on": None,
        "report_sent_on": None,
        "application_on": None,
        "notice_of_default_on": "application_on",
        "decided_on": "application_on",
    },
    TermRule.Law.JEUGD: {
        "receipt_confirmed_on": None,
        "application_on": None,
        "notice_of_default_on": "application_on",
        "decided_on": "application_on",
    },
    TermRule.Law.PW: {
        "receipt_confirmed_on": None,
        "application_on": None,
        "advance_paid_on": "application_on",
        "notice_of_default_on": "application_on",
        "decided_on": "application_on",
    },
}


def _label(field: str) -> str:
    return field_label(Procedure, field)


def _check_day(
    day: dt.date, field_label: str, field: str, not_before: dt.date | None = None, before_what: str = ""
) -> None:
    """Not in the future, not before ``not_before`` (``before_what`` names that day: "de melding" unless said)."""
    if day > today():
        raise DomainError(_("%(field)s: de datum ligt in de toekomst.") % {"field": field_label}, field=field)
    if not_before is not None and day < not_before:
        raise DomainError(
            _("%(field)s: ligt vóór %(what)s (%(day)s).")
            % {"field": field_label, "what": before_what or _("de melding"), "day": f"{not_before:%-d-%-m-%Y}"},
            field=field,
        )


def _locked_open(procedure: Procedure) -> Procedure:
    locked = (  # only the procedure's row is locked; its household and person come along for the clocks
        Procedure.objects.select_for_update(of=("self",))
        .select_related("trajectory__household", "person")
        .get(pk=procedure.pk)
    )
    if locked.status not in OPEN:
        raise DomainError(_("Procedure: deze procedure is afgerond en kan niet meer worden gewijzigd."))
    return locked


@transaction.atomic
def start_procedure(
    *, actor: User, trajectory: Trajectory, person: Person, law: str, reported_on: dt.date
) -> Procedure:
    if trajectory.status != Trajectory.Status.OPEN:
        raise DomainError(_("Traject: dit traject is afgesloten en kan niet meer worden gewijzigd."))
    if law not in CLOCKS:
        raise DomainError(_("Wet: kies Wmo 2015, Jeugdwet of Participatiewet."), field="law")
    _check_day(
        reported_on,
        _("Datum melding"),
        "reported_on",
        not_before=trajectory.started_on - dt.timedelta(days=365),
        before_what=_("een jaar voor de start van het traject"),
    )
    member = (
        Membership.objects.filter(household_id=trajectory.household_id, person=person, start_date__lte=reported_on)
        .exclude(end_date__lt=reported_on)
        .exists()
    )
    if not member:
        raise DomainError(_("Inwoner: kies een lid van het huishouden op de datum van de melding."), field="person")
    Trajectory.objects.select_for_update().filter(pk=trajectory.pk).first()  # one start at a time per trajectory
    if Procedure.objects.filter(trajectory=trajectory, person=person, law=law, status__in=OPEN).exists():
        raise DomainError(
            _("Wet: voor %(name)s loopt al een procedure onder deze wet.") % {"name": person.full_name}, field="law"
        )
    procedure = Procedure.objects.create(
        trajectory=trajectory, person=person, law=law, reported_on=reported_on, created_by=actor
    )
    audit.record(actor=actor, action=audit.Action.CREATE, obj=procedure, subjects=[person.pk], detail=law)
    zgw.procedure_started(procedure.pk)
    return procedure


@transaction.atomic
def record_step(
    *,
    actor: User,
    procedure: Procedure,
    step: str,
    day: dt.date,
    outcome: str = "",
    decision: Decision | None = None,
) -> Procedure:
    """Record the date of one step of the law (receipt confirmed, report sent, application received,
    advance paid, notice of default received, decision made known); a date may be corrected, and the
    clocks follow.

    The decision's step ends the procedure. Made known in Toegang, its beschikking (``decision``, from
    ``decisions.send``) gives the outcome and publishes the event. Recorded here with its date only, the
    decision was taken elsewhere: its ``outcome`` is required, it publishes ``decision.taken`` without a
    beschikking, and it is refused while the procedure has a beschikking in Toegang that is not yet made known
    (that one goes out through four eyes and with its letter)."""
    locked = _locked_open(procedure)
    steps = STEPS[locked.law]
    if step not in steps:
        raise DomainError(_("Stap: deze stap hoort niet bij de procedure onder deze wet."), field="step")
    label = _label(step)
    _check_day(day, label, "day", not_before=locked.reported_on)
    before = steps[step]
    if before is not None and getattr(locked, before) is None:
        raise DomainError(
            _("%(field)s: leg eerst vast: %(before)s.") % {"field": label, "before": _label(before).lower()},
            field="step",
        )
    if before is not None and day < getattr(locked, before):
        raise DomainError(
            _("%(field)s: ligt vóór %(before)s.") % {"field": label, "before": _label(before).lower()}, field="day"
        )
    if step == "decided_on" and decision is None:
        _check_decided_outside(locked, outcome)
    elif outcome:
        raise DomainError(_("Uitkomst: alleen bij 'Besluit bekendgemaakt op'."), field="outcome")
    setattr(locked, step, day)
    if step == "application_on":
        locked.status = Procedure.Status.APPLICATION
    if step == "decided_on":
        locked.status = Procedure.Status.DECIDED
        locked.decided_outcome = decision.outcome if decision is not None else outcome
    locked.save()
    detail = f"{label}: {day}" + (f", {locked.decided_outcome}" if step == "decided_on" else "")
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.person_id], detail=detail)
    if step == "decided_on":
        if decision is None:
            events.decision_recorded(locked)
        zgw.procedure_ended(locked.pk)  # the procedure's zaak is closed (docs/zgw.md)
    return locked


def _check_decided_outside(procedure: Procedure, outcome: str) -> None:
    label = _label("decided_on")
    if procedure.decisions.exclude(status=Decision.Status.SENT).exists():
        raise DomainError(
            _(
                "%(field)s: deze procedure heeft een beschikking in Toegang; maak die bekend bij de beschikking "
                "(met akkoord en brief), of laat die vervallen als het besluit elders is genomen."
            )
            % {"field": label},
            field="step",
        )
    if outcome not in Outcome.values:
        raise DomainError(
            _("Uitkomst: kies toegekend of afgewezen voor het besluit dat buiten Toegang is genomen."),
            field="outcome",
        )


def _clock_of(procedure: Procedure, clock: str) -> None:
    if clock not in {c.code for c in CLOCKS[procedure.law] if not c.resident}:
        raise DomainError(_("Termijn: kies een termijn van deze procedure."), field="clock")


@transaction.atomic
def suspend(*, actor: User, procedure: Procedure, clock: str, start: dt.date, reason: str) -> ClockPause:
    """Opschorting: the clock stands still from ``start`` until it is resumed (for example while the
    resident completes the application, Awb 4:15)."""
    locked = _locked_open(procedure)
    _clock_of(locked, clock)
    _check_day(start, _("Opgeschort vanaf"), "start", not_before=locked.reported_on)
    if not reason.strip():
        raise DomainError(_("Reden: leg vast waarom de termijn wordt opgeschort."), field="reason")
    if ClockPause.objects.filter(
        procedure=locked, clock=clock, kind=ClockPause.Kind.SUSPENSION, end__isnull=True
    ).exists():
        raise DomainError(_("Termijn: deze termijn is al opgeschort; hervat hem eerst."), field="clock")
    _term_running_on(
        locked, clock, start, field="start", label=_("Opgeschort vanaf"), what=_("een opschorting gaat in")
    )
    pause = ClockPause.objects.create(
        procedure=locked,
        clock=clock,
        kind=ClockPause.Kind.SUSPENSION,
        start=start,
        reason=reason.strip(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.person_id], detail=f"opschorting {clock}"
    )
    return pause


@transaction.atomic
def resume(*, actor: User, procedure: Procedure, clock: str, end: dt.date) -> ClockPause:
    locked = _locked_open(procedure)
    pause = ClockPause.objects.filter(
        procedure=locked, clock=clock, kind=ClockPause.Kind.SUSPENSION, end__isnull=True
    ).first()
    if pause is None or pause.start is None:
        raise DomainError(_("Termijn: deze termijn is niet opgeschort."), field="clock")
    _check_day(
        end, _("Opgeschort tot en met"), "end", not_before=pause.start, before_what=_("het begin van de opschorting")
    )
    pause.end = end
    pause.save(update_fields=["end"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.person_id], detail=f"hervat {clock}"
    )
    return pause


@transaction.atomic
def extend(
    *, actor: User, procedure: Procedure, clock: str, length: int, unit: str, notified_on: dt.date, reason: str
) -> ClockPause:
    """Verlenging (Awb 4:14): once per term, announced to the resident with a reasonable new term."""
    locked = _locked_open(procedure)
    _clock_of(locked, clock)
    if unit not in TermRule.Unit.values or not 0 < length <= 26:
        raise DomainError(_("Verlenging: kies een lengte van 1 tot 26 dagen, weken of maanden."), field="length")
    _check_day(notified_on, _("Inwoner bericht op"), "notified_on", not_before=locked.reported_on)
    if not reason.strip():
        raise DomainError(_("Reden: leg vast waarom de termijn wordt verlengd."), field="reason")
    if ClockPause.objects.filter(procedure=locked, clock=clock, kind=ClockPause.Kind.EXTENSION).exists():
        raise DomainError(_("Termijn: deze termijn is al eens verlengd."), field="clock")
    _term_running_on(
        locked, clock, notified_on, field="notified_on", label=_("Inwoner bericht op"),
        what=_("een verlenging meldt u (Awb 4:14 lid 3)"),
    )  # fmt: skip
    pause = ClockPause.objects.create(
        procedure=locked,
        clock=clock,
        kind=ClockPause.Kind.EXTENSION,
        length=length,
        unit=unit,
        notified_on=notified_on,
        reason=reason.strip(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.person_id], detail=f"verlenging {clock}"
    )
    return pause


def _term_running_on(procedure: Procedure, clock: str, day: dt.date, *, field: str, label: str, what: str) -> None:
    """The term ``clock`` runs on ``day``: it has started (not before its first day) and has not been met or run
    out by then. A suspension or an extension acts only on a running term: one dated after the term ran out would
    change nothing but hide that it did, or (Awb 4:14 lid 3: told before the term ends) wipe out a penalty already
    owed under Awb 4:17. ``what`` names the act in the message ("een verlenging meldt u", "een opschorting gaat
    in")."""
    municipality = procedure.trajectory.household.municipality_id
    terms = clocks_of(procedure, municipality_id=municipality, rules=rules_for([municipality]), on=day)
    term = next((c for c in terms if c.code == clock), None)
    if term is None:
        raise DomainError(_("Termijn: deze termijn loopt nog niet."), field="clock")
    if term.done_on is not None:
        raise DomainError(_("Termijn: aan deze termijn is al voldaan."), field="clock")
    if day < term.runs_from:
        raise DomainError(
            _("%(field)s: ligt vóór het begin van de termijn (%(day)s).")
            % {"field": label, "day": f"{term.runs_from:%-d-%-m-%Y}"},
            field=field,
        )
    if day > term.deadline:
        raise DomainError(
            _("%(field)s: %(what)s vóór het einde van de termijn (%(day)s); een verstreken termijn blijft verstreken.")
            % {"field": label, "what": what, "day": f"{term.deadline:%-d-%-m-%Y}"},
            field=field,
        )


@transaction.atomic
def withdraw(*, actor: User, procedure: Procedure, on: dt.date) -> Procedure:
    """The resident withdrew the melding or application on ``on`` (not before the melding, not in the future):
    the clocks stop that day, the procedure's zaak is closed as afgebroken with that date."""
    locked = _locked_open(procedure)
    _check_day(on, _label("withdrawn_on"), "on", not_before=locked.reported_on)
    if locked.decisions.exclude(status=Decision.Status.SENT).exists():
        raise DomainError(
            _(
                "%(field)s: deze procedure heeft een beschikking in voorbereiding; laat die eerst vervallen "
                "(reden: de inwoner trekt de aanvraag in)."
            )
            % {"field": _label("withdrawn_on")},
            field="on",
        )
    locked.status, locked.withdrawn_on = Procedure.Status.WITHDRAWN, on
    locked.save(update_fields=["status", "withdrawn_on"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.person_id], detail=f"ingetrokken: {on}"
    )
    zgw.procedure_ended(locked.pk)  # the procedure's zaak is closed (docs/zgw.md)
    return locked
