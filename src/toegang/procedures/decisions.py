"""Decisions (beschikkingen): draft, provisions, four-eyes approval above a configured amount, making
the decision known (which ends the procedure's decision clock), and objections against it. Money is
integer eurocents everywhere."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.cases.models import Trajectory
from toegang.common import faults
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.events import services as events
from toegang.people.models import Membership
from toegang.privacy import services as privacy_services
from toegang.procedures import clocks, services
from toegang.procedures.models import Decision, Objection, Procedure, ProductCategory, Provider, Provision
from toegang.zgw import services as zgw

MAX_AMOUNT = 99_999_999  # iWmo/iJw 3.2: volume and budget are integers of at most eight digits
PRODUCT_CODE = re.compile(r"^[0-9A-Z]{1,5}$")


def _locked_draft(decision: Decision) -> Decision:
    locked = Decision.objects.select_for_update().select_related("procedure").get(pk=decision.pk)
    if locked.status != Decision.Status.DRAFT:
        raise DomainError(_("Beschikking: alleen een concept kan nog worden gewijzigd."))
    return locked


@transaction.atomic
def draft_decision(*, actor: User, procedure: Procedure, outcome: str, reasoning: str) -> Decision:
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if locked.status != Procedure.Status.APPLICATION:
        raise DomainError(_("Beschikking: leg eerst de ontvangst van de aanvraag vast."))
    if outcome not in Decision.Outcome.values:
        raise DomainError(_("Uitkomst: kies toegekend of afgewezen."), field="outcome")
    if not reasoning.strip():
        raise DomainError(_("Motivering: een beschikking is gemotiveerd (Awb art. 3:46)."), field="reasoning")
    if locked.decisions.exclude(status=Decision.Status.SENT).exists():
        raise DomainError(_("Beschikking: er is al een beschikking in voorbereiding voor deze procedure."))
    decision = Decision.objects.create(procedure=locked, outcome=outcome, reasoning=reasoning.strip(), created_by=actor)
    audit.record(actor=actor, action=audit.Action.CREATE, obj=decision, subjects=[locked.person_id], detail=outcome)
    return decision


@transaction.atomic
def add_provision(
    *,
    actor: User,
    decision: Decision,
    category: ProductCategory,
    delivery: str,
    start_date: dt.date,
    product_code: str = "",
    provider: Provider | None = None,
    volume: int | None = None,
    unit: str = "",
    frequency: str = "",
    budget_cents: int | None = None,
    end_date: dt.date | None = None,
) -> Provision:
    """One provision: a volume with unit and frequency, or a budget; the combinations the iStandaarden
    allow (an end date for anything per week and for a budget; a provider for care in kind)."""
    locked = _locked_draft(decision)
    if locked.outcome != Decision.Outcome.GRANTED:
        raise DomainError(_("Voorziening: een afwijzing kent geen voorzieningen."))
    if category.law != locked.procedure.law:
        raise DomainError(_("Productcategorie: kies een categorie van de wet van deze procedure."), field="category")
    code = product_code.strip().upper()
    if code and not PRODUCT_CODE.match(code):
        raise DomainError(
            _("Productcode: ten hoogste vijf cijfers of hoofdletters, bijvoorbeeld 07A03."), field="product_code"
        )
    if delivery not in Provision.Delivery.values:
        raise DomainError(_("Leveringsvorm: kies zorg in natura of pgb."), field="delivery")
    if delivery == Provision.Delivery.IN_KIND and provider is None:
        raise DomainError(_("Zorgaanbieder: kies de aanbieder die de zorg in natura levert."), field="provider")
    if (volume is None) == (budget_cents is None):
        raise DomainError(
            _("Omvang: vul een omvang met eenheid en frequentie in, of een budget (niet allebei)."), field="volume"
        )
    if volume is not None:
        if not 0 < volume <= MAX_AMOUNT:
            raise DomainError(_("Omvang: een geheel getal van 1 tot en met 99.999.999."), field="volume")
        if unit not in Provision.Unit.values:
            raise DomainError(_("Eenheid: kies de eenheid van de omvang."), field="unit")
        if frequency not in Provision.Frequency.values:
            raise DomainError(_("Frequentie: kies per dag, week, maand of totaal."), field="frequency")
    if budget_cents is not None and not 0 < budget_cents <= MAX_AMOUNT:
        raise DomainError(_("Budget: een bedrag tussen € 0,01 en € 999.999,99."), field="budget_cents")
    if start_date < locked.procedure.reported_on:
        raise DomainError(_("Ingangsdatum: ligt vóór de melding."), field="start_date")
    needs_end = budget_cents is not None or frequency == Provision.Frequency.PER_WEEK
    if end_date is None and needs_end:
        raise DomainError(_("Einddatum: verplicht bij een budget en bij een frequentie per week."), field="end_date")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("Einddatum: ligt vóór de ingangsdatum."), field="end_date")
    provision = Provision.objects.create(
        decision=locked,
        category=category,
        product_code=code,
        delivery=delivery,
        provider=provider if delivery == Provision.Delivery.IN_KIND else None,
        volume=volume,
        unit=unit if volume is not None else "",
        frequency=frequency if volume is not None else "",
        budget_cents=budget_cents,
        start_date=start_date,
        end_date=end_date,
    )
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.procedure.person_id], detail="voorziening"
    )
    return provision


def total_cents(decision: Decision) -> int:
    return sum(p.budget_cents or 0 for p in decision.provisions.all())


def _snapshot(procedure: Procedure, on: dt.date) -> list[dict[str, str]]:
    members = (
        Membership.objects.filter(household_id=procedure.trajectory.household_id, start_date__lte=on)
        .exclude(end_date__lt=on)
        .select_related("person")
        .order_by("start_date", "pk")
    )
    return [
        {
            "naam": m.person.full_name,
            "rol": str(m.get_role_display()),
            "geboortedatum": m.person.geboortedatum.isoformat() if m.person.geboortedatum else "",
            "bsn": m.person.bsn or "",
            "aanvrager": "ja" if m.person_id == procedure.person_id else "",
        }
        for m in members
    ]


@transaction.atomic
def submit(*, actor: User, decision: Decision) -> Decision:
    """Finish the draft: the household is recorded as it is now; above the four-eyes amount a colleague
    must approve, below it the maker's submission is the approval."""
    locked = _locked_draft(decision)
    if locked.outcome == Decision.Outcome.GRANTED and not locked.provisions.exists():
        raise DomainError(_("Voorzieningen: voeg ten minste één toegekende voorziening toe."))
    locked.household_snapshot = _snapshot(locked.procedure, today())
    if total_cents(locked) >= settings.DECISION_FOUR_EYES_CENTS:
        locked.status = Decision.Status.AWAITING
        _ask_for_approval(locked)
    else:
        locked.status, locked.approved_by, locked.approved_at = Decision.Status.APPROVED, actor, timezone.now()
    locked.save()
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.procedure.person_id], detail=locked.status
    )
    return locked


def _ask_for_approval(decision: Decision) -> None:
    """The team's leads hear that a beschikking waits for their akkoord (the list is on Termijnen); the message
    names neither the person nor the provision."""
    team = Trajectory.objects.filter(pk=decision.procedure.trajectory_id).values("team_id")[:1]
    leads = User.objects.filter(role=User.Role.TEAM_LEAD, team_id=Subquery(team), is_active=True).exclude(
        pk=decision.created_by_id
    )
    link = reverse("procedure", args=[decision.procedure_id]) + f"#h-besch-{decision.pk}"
    for lead in leads:
        privacy_services.send_message(
            recipient=lead, text=_("Een beschikking wacht op uw akkoord (vier ogen)."), link=link
        )


@transaction.atomic
def approve(*, actor: User, decision: Decision) -> Decision:
    locked = Decision.objects.select_for_update().select_related("procedure__trajectory").get(pk=decision.pk)
    if locked.status != Decision.Status.AWAITING:
        raise DomainError(_("Akkoord: deze beschikking wacht niet op akkoord."))
    if actor.pk == locked.created_by_id:
        raise DomainError(_("Akkoord: vier ogen – een ander dan de opsteller geeft akkoord."))
    if actor.role != User.Role.TEAM_LEAD or actor.team_id != locked.procedure.trajectory.team_id:
        raise DomainError(_("Akkoord: de teamleider van het team geeft akkoord."))
    locked.status, locked.approved_by, locked.approved_at = Decision.Status.APPROVED, actor, timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.procedure.person_id], detail="akkoord"
    )
    return locked


@transaction.atomic
def send(*, actor: User, decision: Decision, on: dt.date) -> Decision:
    """Make the decision known: only after approval; the procedure's decision clock is met that day, and
    care in kind is assigned to its providers (a 301 per provider, queued for the export)."""
    locked = Decision.objects.select_for_update().select_related("procedure").get(pk=decision.pk)
    if locked.status == Decision.Status.SENT:
        raise DomainError(_("Beschikking: deze beschikking is al bekendgemaakt."))
    if locked.status != Decision.Status.APPROVED:
        raise DomainError(_("Beschikking: een beschikking gaat pas de deur uit na akkoord."))
    services.record_step(actor=actor, procedure=locked.procedure, step="decided_on", day=on, decision=locked)
    locked.status, locked.sent_on = Decision.Status.SENT, on
    locked.save(update_fields=["status", "sent_on"])
    from toegang.istandaarden.services import queue_assignments  # istandaarden builds on procedures

    queue_assignments(locked)
    faults.point("decision-send")  # the clock, the status and the assignments written; not yet committed
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=[locked.procedure.person_id],
        detail="bekendgemaakt",
    )
    events.decision_taken(locked)
    zgw.decision_sent(locked.pk)
    return locked


# Why a beschikking not made known is discarded (the audit row names it).
DISCARD_REASONS = {
    "elders": _lazy("Het besluit is buiten Toegang genomen"),
    "opnieuw": _lazy("Het concept wordt opnieuw opgesteld"),
    "ingetrokken": _lazy("De inwoner trekt de aanvraag in"),
}


@transaction.atomic
def discard(*, actor: User, decision: Decision, reason: str) -> None:
    """Remove a beschikking that was not made known (a concept, or one waiting for or given akkoord): it never
    left the team, so nothing outside Toegang knew it (no event, no ZGW besluit, no 301). The procedure can then
    have a new one, record a decision taken elsewhere, or be withdrawn. The audit row keeps that it existed, with
    the ``reason`` (a key of ``DISCARD_REASONS``, its words in the row)."""
    if reason not in DISCARD_REASONS:
        raise DomainError(_("Reden: kies waarom de beschikking vervalt."), field="reason")
    locked = Decision.objects.select_for_update().select_related("procedure").get(pk=decision.pk)
    if locked.status == Decision.Status.SENT:
        raise DomainError(_("Beschikking: een bekendgemaakte beschikking vervalt niet; daartegen staat bezwaar open."))
    audit.record(
        actor=actor,
        action=audit.Action.DELETE,
        obj=locked,
        subjects=[locked.procedure.person_id],
        detail=f"vervallen ({locked.get_status_display().lower()}, {locked.outcome}): {DISCARD_REASONS[reason]}",
    )
    locked.delete()  # its provisions go with it


@transaction.atomic
def register_objection(*, actor: User, decision: Decision, received_on: dt.date, committee: bool) -> Objection:
    locked = Decision.objects.select_for_update().select_related("procedure").get(pk=decision.pk)
    if locked.status != Decision.Status.SENT or locked.sent_on is None:
        raise DomainError(_("Bezwaar: er kan alleen bezwaar worden gemaakt tegen een bekendgemaakte beschikking."))
    if received_on > today() or received_on < locked.sent_on:
        raise DomainError(_("Ontvangen op: kies een datum tussen de bekendmaking en vandaag."), field="received_on")
    objection = Objection.objects.create(
        decision=locked, received_on=received_on, committee=committee, recorded_by=actor
    )
    late = received_on > clocks.objection_window_end(locked.sent_on)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=objection,
        subjects=[locked.procedure.person_id],
        detail="na de bezwaartermijn" if late else "",
    )
    return objection


def objection_deadline(objection: Objection) -> dt.date:
    assert objection.decision.sent_on is not None  # noqa: S101 - an objection needs a sent decision
    return clocks.objection_decision_deadline(
        announced_on=objection.decision.sent_on,
        committee=objection.committee,
        extended=objection.extension_notified_on is not None,
    )


@transaction.atomic
def extend_objection(*, actor: User, objection: Objection, notified_on: dt.date) -> Objection:
    locked = Objection.objects.select_for_update().select_related("decision__procedure").get(pk=objection.pk)
    if locked.outcome:
        raise DomainError(_("Bezwaar: op dit bezwaar is al beslist."))
    if locked.extension_notified_on is not None:
        raise DomainError(
            _("Verdaging: de beslistermijn op bezwaar kan één keer met zes weken worden verdaagd (Awb 7:10 lid 3).")
        )
    if notified_on > today() or notified_on < locked.received_on:
        raise DomainError(_("Verdaging gemeld op: kies een datum tussen ontvangst en vandaag."), field="notified_on")
    locked.extension_notified_on = notified_on
    locked.save(update_fields=["extension_notified_on"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=[locked.decision.procedure.person_id],
        detail="verdaagd",
    )
    return locked


@transaction.atomic
def decide_objection(*, actor: User, objection: Objection, outcome: str, decided_on: dt.date) -> Objection:
    locked = Objection.objects.select_for_update().select_related("decision__procedure").get(pk=objection.pk)
    if locked.outcome:
        raise DomainError(_("Bezwaar: op dit bezwaar is al beslist."))
    if outcome not in Objection.Outcome.values:
        raise DomainError(
            _("Uitkomst: kies gegrond, deels gegrond, ongegrond, niet-ontvankelijk of ingetrokken."), field="outcome"
        )
    if decided_on > today() or decided_on < locked.received_on:
        raise DomainError(_("Beslist op: kies een datum tussen ontvangst en vandaag."), field="decided_on")
    locked.outcome, locked.decided_on = outcome, decided_on
    locked.save(update_fields=["outcome", "decided_on"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=[locked.decision.procedure.person_id],
        detail=outcome,
    )
    return locked
