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
from toegang.procedures.models import Decision, Procedure, TermRule
from toegang.procedures.selectors import CLOCKS, OPEN, Clock


@dataclass(frozen=True)
class Advice:
    text: str
    by: dt.date | None = None  # the deadline of the term this step meets
    step: str = ""  # the step to record when it is done (preselected in the step form)


def _deadline(clocks: Iterable[Clock], code: str) -> dt.date | None:
    return next((c.deadline for c in clocks if c.code == code and c.done_on is None), None)


def _pending_decision(decisions: Sequence[Decision], by: dt.date | None) -> Advice:
    decision = next(d for d in decisions if d.status != Decision.Status.SENT)
    if decision.status == Decision.Status.DRAFT:
        text = _("Rond de conceptbeschikking af; daarna gaat ze ter akkoord of kan ze bekend worden gemaakt.")
    elif decision.status == Decision.Status.AWAITING:
        text = _("De beschikking wacht op akkoord van een teamleider (vier ogen) voordat ze bekend wordt gemaakt.")
    else:
        text = _("Maak de beschikking bekend: verstuur de brief en leg de datum van verzending vast.")
    return Advice(text, by)


def next_steps(
    procedure: Procedure, clocks: Sequence[Clock], decisions: Sequence[Decision], *, on: dt.date
) -> list[Advice]:
    """The steps the municipality takes next, in the law's order; empty once the procedure has ended."""
    if procedure.status not in OPEN:
        return []
    advice: list[Advice] = []
    law = procedure.law
    if procedure.receipt_confirmed_on is None and procedure.application_on is None:
        confirm = _("Bevestig de inwoner de ontvangst van de melding en leg de datum vast.")
        advice.append(Advice(confirm, step="receipt_confirmed_on"))
    if procedure.status == Procedure.Status.APPLICATION:
        decision_by = _deadline(clocks, next(d.code for d in CLOCKS[law] if d.decision))
        if law == TermRule.Law.PW and procedure.advance_paid_on is None:
            advance = _("Betaal het voorschot zolang het recht op bijstand niet vaststaat.")
            advice.append(Advice(advance, _deadline(clocks, "pw-voorschot"), "advance_paid_on"))
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
    elif law == TermRule.Law.WMO and procedure.report_sent_on is None:
        plan_by = _deadline(clocks, "wmo-persoonlijk-plan")
        if procedure.personal_plan_on is None and plan_by is not None and plan_by >= on:
            advice.append(
                Advice(
                    _("De inwoner kan tot en met %(day)s een persoonlijk plan inleveren (Wmo 2015 art. 2.3.2 lid 2).")
                    % {"day": f"{plan_by:%-d-%-m-%Y}"},
                    step="personal_plan_on",
                )
            )
        advice.append(
            Advice(
                _("Voer het onderzoek uit met de inwoner en verstrek het verslag."),
                _deadline(clocks, "wmo-onderzoek"),
                "report_sent_on",
            )
        )
    elif law == TermRule.Law.WMO:
        advice.append(
            Advice(
                _(
                    "Wacht op de aanvraag (het ondertekende verslag of een aanvraagformulier) en leg de ontvangst "
                    "vast; de beslistermijn loopt vanaf die dag."
                ),
                step="application_on",
            )
        )
    else:
        advice.append(
            Advice(
                _("Leg de ontvangst van de aanvraag vast zodra die binnen is; de beslistermijn loopt vanaf die dag."),
                step="application_on",
            )
        )
    advice.extend(
        Advice(_("De termijn ‘%(clock)s’ is opgeschort; hervat hem zodra de reden vervalt.") % {"clock": c.label})
        for c in clocks
        if c.paused and c.done_on is None
    )
    return advice


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
