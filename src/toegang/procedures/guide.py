"""What comes next in a procedure: the line at the top of the procedure page ("Wat nu") and the steps the
step form offers. Pure functions on a procedure, its clocks and its beschikkingen; nothing is read here.

The order is the law's (docs/procedures.md): Wmo 2015 melding → ontvangst bevestigen → onderzoek and verslag
(six weeks, art. 2.3.2) → aanvraag → beschikking (two weeks, art. 2.3.5); Jeugdwet and Participatiewet
melding → aanvraag → beschikking, the Participatiewet with its advance within four weeks (art. 52)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from toegang.common.forms import field_label
from toegang.procedures.decisions import objection_deadline
from toegang.procedures.models import Decision, Objection, Procedure, TermRule
from toegang.procedures.selectors import CLOCKS, OPEN, Clock


@dataclass(frozen=True)
class Advice:
    text: str
    by: dt.date | None = None  # the deadline of the term this step meets
    step: str = ""  # the step to record when it is done (its "Vastleggen" link chooses it in the step form)


def _deadline(clocks: Iterable[Clock], code: str) -> dt.date | None:
    """The deadline of a running term; None when it is met, has not started, or stands still (a suspended term's
    deadline moves on every day)."""
    return next((c.deadline for c in clocks if c.code == code and c.done_on is None and not c.paused), None)


def _pending_decision(decisions: Sequence[Decision], by: dt.date | None) -> Advice:
    decision = next(d for d in decisions if d.status != Decision.Status.SENT)
    if decision.status == Decision.Status.DRAFT:
        text = _("Rond de conceptbeschikking af; daarna gaat ze ter akkoord of kan ze bekend worden gemaakt.")
    elif decision.status == Decision.Status.AWAITING:
        text = _("De beschikking wacht op akkoord van een teamleider (vier ogen) voordat ze bekend wordt gemaakt.")
    else:
        text = _("Maak de beschikking bekend: verstuur de brief en leg de datum van verzending vast.")
    return Advice(text, by)


def _day(day: dt.date) -> str:
    return f"{day:%-d-%-m-%Y}"


def _before_the_application(procedure: Procedure, clocks: Sequence[Clock]) -> list[Advice]:
    """A melding without an application: for the Wmo the onderzoek and its verslag, then the application; for the
    other laws the application."""
    if procedure.law != TermRule.Law.WMO:
        return [
            Advice(
                _("Leg de ontvangst van de aanvraag vast zodra die binnen is; de beslistermijn loopt vanaf die dag."),
                step="application_on",
            )
        ]
    if procedure.report_sent_on is not None:
        return [
            Advice(
                _(
                    "Wacht op de aanvraag (het ondertekende verslag of een aanvraagformulier) en leg de ontvangst "
                    "vast; de beslistermijn loopt vanaf die dag."
                ),
                step="application_on",
            )
        ]
    return [_report(clocks)]


def _report(clocks: Sequence[Clock]) -> Advice:
    return Advice(
        _("Voer het onderzoek uit met de inwoner en verstrek het verslag."),
        _deadline(clocks, "wmo-onderzoek"),
        "report_sent_on",
    )


def _after_the_application(
    procedure: Procedure, clocks: Sequence[Clock], decisions: Sequence[Decision]
) -> list[Advice]:
    advice = []
    if procedure.law == TermRule.Law.WMO and procedure.report_sent_on is None:
        advice.append(_report(clocks))  # the verslag is owed also when the application came first
    if procedure.law == TermRule.Law.PW and procedure.advance_paid_on is None:
        advance = _("Betaal het voorschot zolang het recht op bijstand niet vaststaat (Participatiewet art. 52).")
        advice.append(Advice(advance, _deadline(clocks, "pw-voorschot"), "advance_paid_on"))
    decision_by = _deadline(clocks, next(d.code for d in CLOCKS[procedure.law] if d.decision))
    if any(d.status != Decision.Status.SENT for d in decisions):
        advice.append(_pending_decision(decisions, decision_by))
    else:
        advice.append(
            Advice(
                _(
                    "Beslis op de aanvraag: bereid de beschikking voor. Is het besluit buiten Toegang genomen, "
                    "leg dan ‘Besluit bekendgemaakt op’ vast met de uitkomst."
                ),
                decision_by,
            )
        )
    return advice


def _residents_terms(procedure: Procedure, clocks: Sequence[Clock], on: dt.date) -> list[Advice]:
    """The resident's own terms that still run: the Wmo's persoonlijk plan, the Participatiewet's zoektermijn."""
    advice = []
    for clock in clocks:
        if not clock.resident or clock.done_on is not None or clock.deadline < on:
            continue
        if clock.code == "wmo-persoonlijk-plan" and procedure.report_sent_on is None:
            text = _("De inwoner kan tot en met %(day)s een persoonlijk plan inleveren (Wmo 2015 art. 2.3.2 lid 2).")
            advice.append(Advice(text % {"day": _day(clock.deadline)}, step="personal_plan_on"))
        elif clock.code == "pw-zoektermijn":
            text = _(
                "De zoektermijn van de inwoner (jonger dan 27) loopt tot en met %(day)s: eerst werk of opleiding "
                "zoeken (Participatiewet art. 41 lid 4); een aanvraag mag al wel."
            )
            advice.append(Advice(text % {"day": _day(clock.deadline)}))
    return advice


def next_steps(
    procedure: Procedure, clocks: Sequence[Clock], decisions: Sequence[Decision], *, on: dt.date
) -> list[Advice]:
    """The steps the municipality takes next, in the law's order, then the resident's terms that run, suspended
    terms and open objections."""
    advice: list[Advice] = []
    if procedure.status in OPEN:
        if procedure.receipt_confirmed_on is None and procedure.application_on is None:
            confirm = _("Bevestig de inwoner de ontvangst van de melding en leg de datum vast.")
            advice.append(Advice(confirm, step="receipt_confirmed_on"))
        if procedure.status == Procedure.Status.APPLICATION:
            advice += _after_the_application(procedure, clocks, decisions)
        else:
            advice += _before_the_application(procedure, clocks)
        advice += _residents_terms(procedure, clocks, on)
        advice += [
            Advice(_("De termijn ‘%(clock)s’ is opgeschort; hervat hem zodra de reden vervalt.") % {"clock": c.label})
            for c in clocks
            if c.paused and c.done_on is None
        ]
    advice += [
        Advice(
            _("Beslis op het bezwaar, ontvangen op %(day)s (Awb 7:10).") % {"day": _day(objection.received_on)},
            deadline,
        )
        for decision in decisions
        for objection, deadline in _open_objections(decision)
    ]
    return advice


def _open_objections(decision: Decision) -> list[tuple[Objection, dt.date]]:
    return [(o, objection_deadline(o)) for o in decision.objections.all() if not o.outcome]


def step_choices(procedure: Procedure, steps: dict[str, str | None]) -> list[tuple[str, str]]:
    """The steps the form offers: those still to do whose preceding step is recorded, in the law's order, then
    the ones recorded (to correct their date)."""
    todo, recorded = [], []
    for step, before in steps.items():
        day = getattr(procedure, step)
        if day is not None:
            label = _("%(step)s (vastgelegd %(day)s; corrigeren)") % {
                "step": field_label(Procedure, step),
                "day": f"{day:%-d-%-m-%Y}",
            }
            recorded.append((step, label))
        elif before is None or getattr(procedure, before) is not None:
            todo.append((step, field_label(Procedure, step)))
    return todo + recorded
