"""Reads for the resident portal. Everything starts from ``acting_for``: the person a logged-in resident
may act for is themself (their BSN) or someone they legally represent today. Any other id is not found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from toegang.accounts.models import User
from toegang.common.dates import add_months, today
from toegang.network.models import CaseConference
from toegang.people.models import Membership, Person
from toegang.plans.models import Action, Goal, Plan
from toegang.portal.models import Representation
from toegang.procedures.models import Decision

PLAN, MEETINGS, DECISIONS, SIGNAL, CONSENTS, ACCESS_LOG, EXPORT = (
    "plan",
    "afspraken",
    "beschikkingen",
    "melden",
    "toestemmingen",
    "logboek",
    "inzage",
)
SECTIONS = frozenset({PLAN, MEETINGS, DECISIONS, SIGNAL, CONSENTS, ACCESS_LOG, EXPORT})
# What each kind of representative may do in the portal. A bewindvoerder manages money and goods (BW 1:431
# ff.): the decisions, which carry a personal contribution, and nothing about care or the household's plan.
SCOPE: dict[str, frozenset[str]] = {
    Representation.Kind.PARENT: SECTIONS,
    Representation.Kind.GUARDIAN: SECTIONS,
    Representation.Kind.CURATOR: SECTIONS,
    Representation.Kind.MENTOR: SECTIONS,
    Representation.Kind.TRUSTEE: frozenset({DECISIONS}),
}
MINOR_KINDS = (Representation.Kind.PARENT, Representation.Kind.GUARDIAN)
ADULT_KINDS = (Representation.Kind.CURATOR, Representation.Kind.MENTOR, Representation.Kind.TRUSTEE)
# From 16 a young person exercises their privacy rights and gives consent themself (UAVG art. 5; the WGBO,
# BW 7:447, for treatment): a parent's or guardian's access through the portal ends on the 16th birthday.
OWN_RIGHTS_AGE = 16
ADULT_AGE = 18


@dataclass(frozen=True)
class Acting:
    """The person whose affairs a portal page shows, and the representation it rests on (None: themself)."""

    person: Person
    representation: Representation | None = None

    @property
    def sections(self) -> frozenset[str]:
        return SECTIONS if self.representation is None else SCOPE[self.representation.kind]

    def may(self, section: str) -> bool:
        return section in self.sections

    @property
    def on_behalf(self) -> str:
        """For the audit row: who acts for whom and on what ground ("" when the resident acts themself)."""
        r = self.representation
        if r is None:
            return ""
        return f"portaal: {r.get_kind_display().lower()} {r.representative_name} (vertegenwoordiging {r.pk})"


def valid_representations(*, bsn: str, on: dt.date) -> QuerySet[Representation]:
    """Representations that hold today for the representative with this BSN: within their dates, and for a
    parent or guardian only while the child is younger than ``OWN_RIGHTS_AGE``."""
    young = add_months(on, -12 * OWN_RIGHTS_AGE)  # born after this day: not yet 16
    return (
        Representation.objects.filter(representative_bsn=bsn, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(~Q(kind__in=MINOR_KINDS) | Q(person__geboortedatum__gt=young))
        .select_related("person")
        .order_by("person__geboortedatum", "pk")
    )


def representations_of(person: Person) -> list[Representation]:
    """For the team's person page: who represents this person, current ones first."""
    return list(
        Representation.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date")
    )


def own_person(user: User) -> Person | None:
    return Person.objects.filter(bsn=user.bsn).first() if user.bsn else None


def acting_options(user: User) -> list[Acting]:
    """Everyone this resident may act for: themself first (when we hold data about them), then whom they
    represent today (one entry per person)."""
    options: list[Acting] = []
    own = own_person(user)
    if own is not None:
        options.append(Acting(own))
    seen = {own.pk} if own is not None else set()
    for r in valid_representations(bsn=user.bsn or "", on=today()):
        if r.person_id not in seen:
            seen.add(r.person_id)
            options.append(Acting(r.person, r))
    return options


def acting_for(user: User, person_id: int, section: str) -> Acting | None:
    """The person of a portal URL, if this resident may open that section for them today; else None."""
    own = Person.objects.filter(bsn=user.bsn, pk=person_id).first() if user.bsn else None
    if own is not None:
        return Acting(own)
    for r in valid_representations(bsn=user.bsn or "", on=today()).filter(person_id=person_id):
        if section in SCOPE[r.kind]:
            return Acting(r.person, r)
    return None


def current_household_ids(person: Person, on: dt.date) -> list[int]:
    return list(
        Membership.objects.filter(person=person, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("household_id", flat=True)
    )


def agreed_plans(person: Person, on: dt.date) -> list[Plan]:
    """The agreed plan of each household the person lives in now, with goals and actions: the household sees
    its whole plan (docs/privacy.md, need-to-know); partners' organisations show as who does an action."""
    return list(
        Plan.objects.filter(household_id__in=current_household_ids(person, on), status=Plan.Status.AGREED)
        .select_related("household", "trajectory")
        .prefetch_related("goals__domain", "goals__actions__member", "goals__actions__professional__organisation")
        .order_by("household__name")
    )


@dataclass(frozen=True)
class PlanView:
    """A plan as the portal shows it: the whole household plan, or (for a representative who does not live
    in that household) only the goals with an action for the represented person, and only those actions."""

    plan: Plan
    goals: list[tuple[Goal, list[Action]]]
    whole: bool


def households_of_representative(acting: Acting, household_ids: list[int], on: dt.date) -> set[int]:
    """Which of these households the representative lives in today (none when acting for oneself)."""
    if acting.representation is None or not household_ids:
        return set()
    return set(
        Membership.objects.filter(
            household_id__in=household_ids, person__bsn=acting.representation.representative_bsn, start_date__lte=on
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("household_id", flat=True)
    )


def plan_views(acting: Acting, on: dt.date) -> tuple[list[PlanView], list[int]]:
    """The plans to show, and whose data they show (the audit row's subjects): every current member of a
    household whose whole plan is shown, else only the represented person."""
    plans = agreed_plans(acting.person, on)
    shared = households_of_representative(acting, [p.household_id for p in plans], on)
    views = []
    for plan in plans:
        whole = acting.representation is None or plan.household_id in shared
        goals = []
        for goal in plan.goals.all():
            actions = [a for a in goal.actions.all() if whole or a.member_id == acting.person.pk]
            if whole or actions:
                goals.append((goal, actions))
        views.append(PlanView(plan, goals, whole))
    whole_households = [v.plan.household_id for v in views if v.whole]
    subjects = {acting.person.pk}
    if whole_households:
        subjects |= set(
            Membership.objects.filter(household_id__in=whole_households, start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .values_list("person_id", flat=True)
        )
    return views, sorted(subjects)


def own_part_only(acting: Acting, on: dt.date) -> bool:
    """For the inzage download: a representative who lives in none of the person's households gets the
    person's own part of the plans, as on the overview."""
    if acting.representation is None:
        return False
    return not households_of_representative(acting, current_household_ids(acting.person, on), on)


@dataclass(frozen=True)
class Meeting:
    day: dt.date
    what: str
    where: str = ""
    time: dt.time | None = None


def upcoming_meetings(person: Person, plans: list[PlanView], on: dt.date) -> list[Meeting]:
    """Case conferences the person is invited to and the plans' next progress reviews, from today on."""
    meetings = [
        Meeting(c.held_on, _("Overleg: %(purpose)s") % {"purpose": c.purpose}, c.location, c.starts_at)
        for c in CaseConference.objects.filter(
            participants__person=person, held_on__gte=on, status=CaseConference.Status.PLANNED
        ).order_by("held_on", "starts_at")[:20]
    ]
    meetings += [
        Meeting(v.plan.next_review_on, _("Voortgangsbespreking van het plan van %(h)s") % {"h": v.plan.household})
        for v in plans
        if v.plan.next_review_on is not None and v.plan.next_review_on >= on
    ]
    return sorted(meetings, key=lambda m: (m.day, m.time or dt.time.min))


def decisions_of(person: Person) -> QuerySet[Decision]:
    """The decisions sent to this person (a draft or one awaiting approval is not theirs yet)."""
    return (
        Decision.objects.filter(procedure__person=person, status=Decision.Status.SENT)
        .select_related("procedure")
        .prefetch_related("provisions__category", "objections")
        .order_by("-sent_on", "-pk")
    )


def export_municipality_id(person: Person) -> int | None:
    """The municipality that answers this person's access request: the one of their latest household."""
    membership = Membership.objects.filter(person=person).select_related("household").order_by("-start_date").first()
    return membership.household.municipality_id if membership else None


def is_adult(person: Person, on: dt.date) -> bool:
    age = person.age_on(on)
    return age is not None and age >= ADULT_AGE
