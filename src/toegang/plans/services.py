"""Writes of the exploration, the support plan, its goals and actions, and progress reviews.

Every change to a plan or its content takes the plan revision the user saw (``expected_revision``)
and raises it by one in the same UPDATE; a save based on an older revision is refused with a
conflict message, so no update is lost when two people edit the same plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.cases.models import Involvement, Trajectory
from toegang.common import faults
from toegang.common.dates import today
from toegang.common.errors import ConflictError, DomainError
from toegang.events import services as events
from toegang.network.models import Referral
from toegang.people.models import Membership, Person
from toegang.people.selectors import member_ids, not_ended
from toegang.plans import need_to_know
from toegang.plans.models import (
    Action,
    DomainFinding,
    Exploration,
    Goal,
    GoalReview,
    LifeDomain,
    Plan,
    Review,
    SelfRelianceLevel,
    SelfRelianceScore,
)
from toegang.privacy.context import refuse_steering_under_emergency

CONFLICT_MESSAGE = gettext_lazy(
    "Het plan is intussen door iemand anders gewijzigd. Uw wijziging is niet opgeslagen: "
    "bekijk de nieuwe versie en voer uw wijziging opnieuw in."
)


@dataclass(frozen=True)
class FindingInput:
    domain: LifeDomain
    situation: str = ""
    strengths: str = ""
    concerns: str = ""
    own_capacity: str = ""
    level: SelfRelianceLevel | None = None  # None = niet gescoord


def _require_open(trajectory: Trajectory) -> None:
    if trajectory.status != Trajectory.Status.OPEN:
        raise DomainError(_("Traject: dit traject is afgesloten en kan niet meer worden gewijzigd."))


def _subjects(plan: Plan) -> list[int]:
    return member_ids(household_id=plan.household_id)


def _bump(plan: Plan, expected_revision: int) -> None:
    updated = Plan.objects.filter(pk=plan.pk, revision=expected_revision).update(revision=F("revision") + 1)
    if updated != 1:
        raise ConflictError(CONFLICT_MESSAGE)
    plan.revision = expected_revision + 1


def _require_whole_plan(actor: User, trajectory_id: int) -> None:
    """Shaping the plan is for the regisseur, the municipality's staff and team leads; a partner
    professional sees only their own organisation's goals and cannot change the rest; under
    break-the-glass nobody shapes the plan."""
    refuse_steering_under_emergency(actor, trajectory_id)
    if not need_to_know.sees_whole_plan_of(viewer=actor, trajectory_id=trajectory_id):
        raise DomainError(
            _(
                "Plan: alleen de regisseur en medewerkers van de gemeente werken het plan uit; "
                "u kunt de acties van uw eigen organisatie bijwerken."
            )
        )


def _require_draft(plan: Plan) -> None:
    if plan.status != Plan.Status.DRAFT:
        raise DomainError(_("Plan: alleen een plan in concept kan worden aangepast; maak een nieuwe versie."))


@transaction.atomic
def record_exploration(
    *,
    actor: User,
    trajectory: Trajectory,
    held_on: dt.date,
    participants: str,
    summary: str,
    findings: list[FindingInput],
) -> Exploration:
    _require_open(trajectory)
    _require_whole_plan(actor, trajectory.pk)
    if held_on > today():
        raise DomainError(_("Datum gesprek: de datum ligt in de toekomst."), field="held_on")
    if held_on < trajectory.started_on:
        raise DomainError(_("Datum gesprek: de datum ligt vóór de start van het traject."), field="held_on")
    relevant = [f for f in findings if any((f.situation, f.strengths, f.concerns, f.own_capacity)) or f.level]
    if not relevant and not summary.strip():
        raise DomainError(
            _("Leefdomeinen: beschrijf ten minste één relevant leefdomein of de hulpvraag."), field="summary"
        )
    exploration = Exploration.objects.create(
        trajectory=trajectory,
        held_on=held_on,
        participants=participants.strip(),
        summary=summary.strip(),
        recorded_by=actor,
    )
    DomainFinding.objects.bulk_create(
        DomainFinding(
            exploration=exploration,
            domain=f.domain,
            situation=f.situation.strip(),
            strengths=f.strengths.strip(),
            concerns=f.concerns.strip(),
            own_capacity=f.own_capacity.strip(),
        )
        for f in relevant
    )
    SelfRelianceScore.objects.bulk_create(
        SelfRelianceScore(
            trajectory=trajectory, domain=f.domain, level=f.level, scored_on=held_on, exploration=exploration
        )
        for f in relevant
        if f.level is not None
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=exploration,
        subjects=member_ids(household_id=trajectory.household_id),
    )
    return exploration


@transaction.atomic
def start_plan(*, actor: User, trajectory: Trajectory) -> Plan:
    """Start the first plan, or a new draft version that copies the open goals of the agreed one."""
    trajectory = Trajectory.objects.select_for_update().get(pk=trajectory.pk)  # one new version at a time
    _require_open(trajectory)
    _require_whole_plan(actor, trajectory.pk)
    if Plan.objects.filter(household_id=trajectory.household_id, status=Plan.Status.DRAFT).exists():
        raise DomainError(_("Plan: er is al een plan in concept voor dit huishouden."))
    last = Plan.objects.filter(trajectory=trajectory).aggregate(v=Max("version"))["v"] or 0
    agreed = Plan.objects.filter(trajectory=trajectory, status=Plan.Status.AGREED).first()
    plan = Plan.objects.create(
        trajectory=trajectory,
        household_id=trajectory.household_id,
        version=last + 1,
        what_goes_well=agreed.what_goes_well if agreed else "",
        household_wishes=agreed.household_wishes if agreed else "",
        review_interval_weeks=agreed.review_interval_weeks if agreed else 12,
    )
    if agreed is not None:
        for goal in agreed.goals.filter(status=Goal.Status.OPEN).prefetch_related("actions"):
            copy = Goal.objects.create(
                plan=plan, domain_id=goal.domain_id, result=goal.result, due_on=goal.due_on, position=goal.position
            )
            Referral.objects.filter(goal=goal).update(goal=copy)  # the loop follows the goal into the new version
            Action.objects.bulk_create(
                Action(
                    goal=copy,
                    description=a.description,
                    party=a.party,
                    member_id=a.member_id,
                    network_name=a.network_name,
                    professional_id=a.professional_id,
                    due_on=a.due_on,
                )
                for a in goal.actions.all()
                if a.status == Action.Status.OPEN
            )
    faults.point("plan-new-version")  # the new version, its goals and actions written; not yet committed
    audit.record(
        actor=actor, action=audit.Action.CREATE, obj=plan, subjects=_subjects(plan), detail=f"versie {plan.version}"
    )
    return plan


@transaction.atomic
def update_plan(
    *,
    actor: User,
    plan: Plan,
    expected_revision: int,
    what_goes_well: str,
    household_wishes: str,
    review_interval_weeks: int,
) -> Plan:
    _require_draft(plan)
    _require_whole_plan(actor, plan.trajectory_id)
    if not 1 <= review_interval_weeks <= 52:
        raise DomainError(_("Evaluatie-interval: kies tussen 1 en 52 weken."), field="review_interval_weeks")
    _bump(plan, expected_revision)
    Plan.objects.filter(pk=plan.pk).update(
        what_goes_well=what_goes_well.strip(),
        household_wishes=household_wishes.strip(),
        review_interval_weeks=review_interval_weeks,
    )
    plan.what_goes_well, plan.household_wishes = what_goes_well.strip(), household_wishes.strip()
    plan.review_interval_weeks = review_interval_weeks
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=plan, subjects=_subjects(plan))
    return plan


@transaction.atomic
def add_goal(
    *, actor: User, plan: Plan, expected_revision: int, domain: LifeDomain, result: str, due_on: dt.date
) -> Goal:
    _require_draft(plan)
    _require_whole_plan(actor, plan.trajectory_id)
    if not result.strip():
        raise DomainError(_("Afgesproken resultaat: beschrijf wat er bereikt moet zijn."), field="result")
    if due_on < today():
        raise DomainError(_("Te bereiken op: de datum ligt in het verleden."), field="due_on")
    _bump(plan, expected_revision)
    position = plan.goals.count() + 1
    goal = Goal.objects.create(plan=plan, domain=domain, result=result.strip(), due_on=due_on, position=position)
    audit.record(actor=actor, action=audit.Action.CREATE, obj=goal, subjects=_subjects(plan))
    return goal


@transaction.atomic
def add_action(
    *,
    actor: User,
    goal: Goal,
    expected_revision: int,
    description: str,
    party: str,
    due_on: dt.date,
    member: Person | None = None,
    network_name: str = "",
    professional: User | None = None,
) -> Action:
    plan = goal.plan
    _require_draft(plan)
    _require_whole_plan(actor, plan.trajectory_id)
    if not description.strip():
        raise DomainError(_("Actie: beschrijf wat er gedaan wordt."), field="description")
    if party == Action.Party.MEMBER:
        members = Membership.objects.filter(not_ended(today()), household_id=plan.household_id, person=member)
        if member is None or not members.exists():  # a member who left the household takes no new action
            raise DomainError(_("Lid van het huishouden: kies een lid van dit huishouden."), field="member")
        network_name, professional = "", None
    elif party == Action.Party.NETWORK:
        if not network_name.strip():
            raise DomainError(_("Naam netwerk: noem wie uit het netwerk de actie doet."), field="network_name")
        member, professional = None, None
    elif party == Action.Party.PROFESSIONAL:
        if professional is None:
            raise DomainError(_("Professional: kies de professional die de actie doet."), field="professional")
        if not Involvement.objects.filter(
            trajectory_id=plan.trajectory_id, professional=professional, end_date__isnull=True
        ).exists():
            raise DomainError(
                _("Professional: kies een professional die bij dit traject betrokken is."), field="professional"
            )
        member, network_name = None, ""
    else:
        raise DomainError(_("Wie: kies lid van het huishouden, netwerk of professional."), field="party")
    if due_on < today():
        raise DomainError(_("Uiterlijk op: de datum ligt in het verleden."), field="due_on")
    _bump(plan, expected_revision)
    action = Action.objects.create(
        goal=goal,
        description=description.strip(),
        party=party,
        member=member,
        network_name=network_name.strip(),
        professional=professional,
        due_on=due_on,
    )
    audit.record(actor=actor, action=audit.Action.CREATE, obj=action, subjects=_subjects(plan))
    return action


@transaction.atomic
def set_action_status(*, actor: User, action: Action, expected_revision: int, status: str, on: dt.date) -> Action:
    """Mark an action done or cancelled (also in an agreed plan: that is how the plan is carried out)."""
    plan = action.goal.plan
    if plan.status not in (Plan.Status.DRAFT, Plan.Status.AGREED):
        raise DomainError(_("Actie: dit plan is niet meer actief."))
    if status not in Action.Status.values:
        raise DomainError(_("Status: kies open, gedaan of vervallen."), field="status")
    if not need_to_know.may_change_action(
        viewer=actor,
        action=action,
        whole=need_to_know.sees_whole_plan_of(viewer=actor, trajectory_id=plan.trajectory_id),
    ):
        raise DomainError(_("Actie: u kunt alleen de acties van uw eigen organisatie bijwerken."))
    if on > today():
        raise DomainError(_("Datum: de datum ligt in de toekomst."), field="on")
    _bump(plan, expected_revision)
    action.status = status
    action.done_on = on if status == Action.Status.DONE else None
    action.save(update_fields=["status", "done_on"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=action, subjects=_subjects(plan), detail=f"status {status}"
    )
    return action


@transaction.atomic
def agree_plan(*, actor: User, plan: Plan, expected_revision: int, agreed_on: dt.date, agreed_how: str) -> Plan:
    _require_draft(plan)
    _require_open(plan.trajectory)
    _require_whole_plan(actor, plan.trajectory_id)
    if agreed_on < plan.trajectory.started_on:
        raise DomainError(_("Afgesproken op: de datum ligt vóór de start van het traject."), field="agreed_on")
    if agreed_how not in Plan.AgreedHow.values:
        raise DomainError(_("Wijze van akkoord: kies hoe het huishouden akkoord gaf."), field="agreed_how")
    if agreed_on > today():
        raise DomainError(_("Afgesproken op: de datum ligt in de toekomst."), field="agreed_on")
    if not plan.goals.exists():
        raise DomainError(_("Doelen: een plan heeft ten minste één doel met een afgesproken resultaat."))
    if plan.goals.filter(actions__isnull=True).exists():
        raise DomainError(_("Acties: elk doel heeft ten minste één actie met wie en wanneer."))
    _bump(plan, expected_revision)
    Plan.objects.filter(household_id=plan.household_id, status=Plan.Status.AGREED).update(
        status=Plan.Status.SUPERSEDED, next_review_on=None, revision=F("revision") + 1
    )
    plan.status = Plan.Status.AGREED
    plan.agreed_on = agreed_on
    plan.agreed_how = agreed_how
    plan.next_review_on = agreed_on + dt.timedelta(weeks=plan.review_interval_weeks)
    plan.save(update_fields=["status", "agreed_on", "agreed_how", "next_review_on"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=plan,
        subjects=_subjects(plan),
        detail=f"versie {plan.version} afgesproken",
    )
    events.plan_agreed(plan)
    return plan


@transaction.atomic
def record_review(
    *,
    actor: User,
    plan: Plan,
    expected_revision: int,
    held_on: dt.date,
    outcomes: dict[int, tuple[str, str]],
    scores: dict[LifeDomain, SelfRelianceLevel],
    summary: str,
    next_review_on: dt.date | None,
) -> Review:
    """Score every open goal (bereikt / deels / niet), re-score domains where used, set the next date."""
    if plan.status != Plan.Status.AGREED:
        raise DomainError(_("Plan: een voortgangsbespreking gaat over een afgesproken plan."))
    _require_open(plan.trajectory)
    _require_whole_plan(actor, plan.trajectory_id)
    if held_on > today():
        raise DomainError(_("Datum bespreking: de datum ligt in de toekomst."), field="held_on")
    if plan.agreed_on and held_on < plan.agreed_on:
        raise DomainError(_("Datum bespreking: de datum ligt vóór het akkoord op het plan."), field="held_on")
    if next_review_on is not None and next_review_on <= held_on:
        raise DomainError(_("Volgende bespreking: kies een datum na deze bespreking."), field="next_review_on")
    open_goals = list(plan.goals.filter(status=Goal.Status.OPEN))
    for goal in open_goals:
        outcome, _note = outcomes.get(goal.pk, ("", ""))
        if outcome not in GoalReview.Outcome.values:
            raise DomainError(
                _("Doel %(n)s: geef aan of het doel bereikt, deels of niet bereikt is.") % {"n": goal.position},
                field=f"goal_{goal.pk}",
            )
    all_done = all(outcomes[g.pk][0] == GoalReview.Outcome.ACHIEVED for g in open_goals)
    if next_review_on is None and not all_done:
        raise DomainError(
            _("Volgende bespreking: plan een nieuwe bespreking zolang er doelen openstaan."), field="next_review_on"
        )
    _bump(plan, expected_revision)
    review = Review.objects.create(
        plan=plan, held_on=held_on, summary=summary.strip(), next_review_on=next_review_on, recorded_by=actor
    )
    GoalReview.objects.bulk_create(
        GoalReview(review=review, goal=g, outcome=outcomes[g.pk][0], note=outcomes[g.pk][1].strip()[:500])
        for g in open_goals
    )
    for goal in open_goals:
        if outcomes[goal.pk][0] == GoalReview.Outcome.ACHIEVED:
            goal.status = Goal.Status.ACHIEVED
            goal.save(update_fields=["status"])
    SelfRelianceScore.objects.bulk_create(
        SelfRelianceScore(
            trajectory_id=plan.trajectory_id, domain=domain, level=level, scored_on=held_on, review=review
        )
        for domain, level in scores.items()
    )
    Plan.objects.filter(pk=plan.pk).update(next_review_on=next_review_on)
    plan.next_review_on = next_review_on
    audit.record(actor=actor, action=audit.Action.CREATE, obj=review, subjects=_subjects(plan))
    return review
