"""Referrals with a closed loop: from a trajectory to a service of the social map or to a partner
organisation, through explicit states, with a warm handover under a recorded basis and feedback from
the receiving side.

    voorgesteld ─► verstuurd ─► geaccepteerd ─► gestart ─► afgerond
         │             │  └──► afgewezen    └──► niet verschenen
         └──► ingetrokken ◄──────┴──────────────┘ (by the regisseur, until the start)

The regisseur's side proposes, sends and withdraws; only the receiving organisation answers, reports
the start and gives the feedback. No state can be skipped. Each state waits at most a number of working
days (the partner agreement, else the setting); after that a reminder goes out once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from toegang.accounts.models import Organisation, User
from toegang.audit import services as audit
from toegang.cases.models import RegisseurAssignment, Trajectory
from toegang.cases.selectors import CASE_ROLES, sees_case_content, trajectories_visible_to
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.events import services as events
from toegang.network import partners
from toegang.network.models import CommunityService, PartnerAgreement, Referral, ReferralEvent
from toegang.people.models import Membership, Person
from toegang.people.selectors import member_ids
from toegang.plans import need_to_know
from toegang.plans.models import Goal, Plan
from toegang.privacy import services as privacy_services
from toegang.privacy.context import reached_only_through_emergency
from toegang.privacy.models import Consent, Message, ProcessingActivity
from toegang.procedures.calendar import add_working_days

S = Referral.Status
OPEN = (S.SENT, S.ACCEPTED, S.STARTED)
# Who may move a referral from which state to which: the sending side ("regie") or the receiving side.
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    S.SENT: ("regie", (S.PROPOSED,)),
    S.WITHDRAWN: ("regie", (S.PROPOSED, S.SENT, S.ACCEPTED)),
    S.ACCEPTED: ("ontvanger", (S.SENT,)),
    S.DECLINED: ("ontvanger", (S.SENT,)),
    S.STARTED: ("ontvanger", (S.ACCEPTED,)),
    S.NO_SHOW: ("ontvanger", (S.ACCEPTED,)),
    S.COMPLETED: ("ontvanger", (S.STARTED,)),
}
RECEIVING_ROLES = {User.Role.REPORTER, User.Role.PROFESSIONAL, User.Role.TEAM_LEAD}


def _subjects(referral: Referral) -> list[int]:
    return sorted(member_ids(household_id=referral.trajectory.household_id))


def _due(referral: Referral, status: str, on: dt.date) -> dt.date | None:
    """When the receiving side's next step is due, counted in working days."""
    municipality_id = referral.trajectory.household.municipality_id
    if status == S.SENT:
        days = partners.agreed_value(
            kind=PartnerAgreement.Kind.ANSWER,
            organisation_id=referral.organisation_id,
            municipality_id=municipality_id,
            on=on,
        )
        return add_working_days(on, days or settings.REFERRAL_ANSWER_DAYS)
    if status == S.ACCEPTED:
        assert referral.sent_on is not None  # noqa: S101 - a referral is accepted only after it was sent
        days = partners.agreed_value(
            kind=PartnerAgreement.Kind.START,
            organisation_id=referral.organisation_id,
            municipality_id=municipality_id,
            on=referral.sent_on,
        )
        return add_working_days(referral.sent_on, days or settings.REFERRAL_START_DAYS)
    if status == S.STARTED:
        return add_working_days(on, settings.REFERRAL_FEEDBACK_DAYS)
    return None


def may_steer(user: User, trajectory: Trajectory) -> bool:
    """The sending side: the regisseur, the municipality's staff and team leads who can open the case
    (not through break-the-glass alone: a referral shares the household's data)."""
    return (
        not reached_only_through_emergency(user, trajectory.pk)
        and user.is_active
        and user.role in CASE_ROLES
        and trajectories_visible_to(user).filter(pk=trajectory.pk).exists()
        and need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=trajectory.pk)
    )


def receives(user: User, referral: Referral) -> bool:
    return (
        user.is_active
        and user.role in RECEIVING_ROLES
        and user.organisation_id is not None
        and user.organisation_id == referral.organisation_id
        and referral.status != S.PROPOSED
        and referral.sent_on is not None
    )


def _event(referral: Referral, status: str, actor: User, remark: str = "") -> None:
    ReferralEvent.objects.create(referral=referral, status=status, at=timezone.now(), by=actor, remark=remark)
    if status != S.PROPOSED:  # a referral in preparation has not left the team: no event yet
        events.referral_state_changed(referral, status)


@transaction.atomic
def propose(
    *,
    actor: User,
    trajectory: Trajectory,
    person: Person | None,
    question: str,
    handover: str,
    categories: list[str],
    service: CommunityService | None = None,
    organisation: Organisation | None = None,
    goal: Goal | None = None,
) -> Referral:
    """A referral in preparation: to whom, for whom, for which goal, what the receiving side should know
    and which kinds of data go along. Nothing leaves the team until it is sent."""
    if not may_steer(actor, trajectory):
        raise DomainError("Verwijzing: alleen de regisseur en medewerkers van de gemeente verwijzen.")
    if trajectory.status != Trajectory.Status.OPEN:
        raise DomainError("Verwijzing: dit traject is afgesloten.")
    if service is not None:
        if service.status != CommunityService.Status.ACTIVE:
            raise DomainError("Dienst: deze dienst is niet actief.", field="service")
        if service.organisation_id is None:
            raise DomainError(
                "Dienst: de organisatie van deze dienst werkt niet in Toegang, dus de terugkoppeling kan niet "
                "via Toegang lopen; verwijs telefonisch en leg dat vast in een notitie.",
                field="service",
            )
        if organisation is not None and organisation.pk != service.organisation_id:
            raise DomainError("Naar: kies de dienst of een organisatie, niet allebei.", field="organisation")
        organisation = service.organisation
    if organisation is None:
        raise DomainError("Naar: kies een dienst van de sociale kaart of een partnerorganisatie.", field="service")
    if organisation.kind == Organisation.Kind.MUNICIPALITY:
        raise DomainError(
            "Naar: verwijzen is naar een partner; binnen de gemeente betrekt u een collega.", field="organisation"
        )
    if (
        person is None
        or not Membership.objects.filter(
            household_id=trajectory.household_id, person=person, end_date__isnull=True
        ).exists()
    ):
        raise DomainError("Voor wie: kies een lid van dit huishouden.", field="person")
    if goal is not None and (
        goal.plan.trajectory_id != trajectory.pk or goal.plan.status not in (Plan.Status.DRAFT, Plan.Status.AGREED)
    ):
        raise DomainError("Doel: kies een doel uit het huidige plan van dit huishouden.", field="goal")
    if not question.strip():
        raise DomainError("Vraag: beschrijf waarmee de inwoner geholpen wil worden.", field="question")
    if not handover.strip():
        raise DomainError("Warme overdracht: schrijf op wat de ontvanger moet weten om te beginnen.", field="handover")
    unknown = [c for c in categories if c not in Consent.Category.values]
    if not categories or unknown:
        raise DomainError("Gedeelde gegevens: kies welke soorten gegevens meegaan.", field="categories")
    referral = Referral.objects.create(
        trajectory=trajectory,
        goal=goal,
        person=person,
        service=service,
        organisation=organisation,
        question=question.strip(),
        handover=handover.strip(),
        categories=sorted(set(categories)),
        created_by=actor,
        proposed_on=today(),
    )
    _event(referral, S.PROPOSED, actor)
    audit.record(
        actor=actor, action=audit.Action.CREATE, obj=referral, subjects=_subjects(referral), detail=organisation.name
    )
    return referral


def _lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("trajectory__household", "organisation", "person")
        .get(pk=referral.pk)
    )


def _move(locked: Referral, actor: User, to: str) -> None:
    side, sources = TRANSITIONS[to]
    if locked.status not in sources:
        allowed = " of ".join(str(S(s).label).lower() for s in sources)
        raise DomainError(
            f"Status: een verwijzing die {locked.get_status_display().lower()} is, kan niet naar "
            f"{S(to).label.lower()}; dat kan alleen vanuit {allowed}."
        )
    if side == "regie" and not may_steer(actor, locked.trajectory):
        raise DomainError("Verwijzing: dit doet de regisseur van het traject, niet de ontvangende organisatie.")
    if side == "ontvanger" and not receives(actor, locked):
        raise DomainError(f"Verwijzing: dit doet {locked.organisation.name}, de organisatie die de verwijzing ontving.")


def _notify_receivers(referral: Referral, text: str) -> None:
    receivers = User.objects.filter(
        organisation_id=referral.organisation_id, role=User.Role.REPORTER, is_active=True
    ).values_list("pk", flat=True)
    now = timezone.now()
    Message.objects.bulk_create(
        Message(recipient_id=pk, text=text[:500], link=reverse("referral", args=[referral.pk]), created_at=now)
        for pk in receivers
    )


@transaction.atomic
def send(*, actor: User, referral: Referral, basis: ProcessingActivity | None) -> Referral:
    """Send the referral: the share needs a basis now: a legal basis from the register whose task the
    receiving organisation carries out, or a valid consent of the referred member (or their
    representative) that names the receiving organisation and covers every kind of data that goes
    along."""
    locked = _lock(referral)
    _move(locked, actor, S.SENT)
    if basis is None:
        raise DomainError("Grondslag: kies op welke grondslag de gegevens gedeeld worden.", field="basis")
    on = today()
    if basis.basis == ProcessingActivity.Basis.CONSENT:
        consent = privacy_services.consent_for_share(
            household=locked.trajectory.household, organisation=locked.organisation, on=on, person=locked.person
        )
        missing = [c for c in locked.categories if c not in consent.categories]
        if missing:
            labels = ", ".join(str(Consent.Category(c).label).lower() for c in missing)
            raise DomainError(
                f"Gedeelde gegevens: de toestemming dekt niet: {labels}. Deel minder of vraag nieuwe toestemming.",
                field="basis",
            )
        locked.consent, locked.legal_basis = consent, ""
    else:
        reference = privacy_services.legal_basis_for_share(activity=basis, organisation=locked.organisation)
        locked.consent, locked.legal_basis = None, reference
    locked.status, locked.sent_on = S.SENT, on
    locked.feedback_due_on, locked.reminded_on = _due(locked, S.SENT, on), None
    locked.save()
    _event(locked, S.SENT, actor)
    _notify_receivers(locked, f"Nieuwe verwijzing van de Toegang voor {locked.organisation.name}.")
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=_subjects(locked),
        legal_basis=f"toestemming {locked.consent_id}" if locked.consent_id else locked.legal_basis,
        detail=f"verstuurd naar {locked.organisation.name}",
    )
    return locked


def _regisseur_id(trajectory_id: int) -> int | None:
    return (
        RegisseurAssignment.objects.filter(trajectory_id=trajectory_id, end_date__isnull=True)
        .values_list("professional_id", flat=True)
        .first()
    )


def _notify_steering(referral: Referral, text: str) -> None:
    """News for the sending side goes to the trajectory's regisseur now (after a handover, the new one)."""
    recipient_id = _regisseur_id(referral.trajectory_id) or referral.created_by_id
    Message.objects.create(
        recipient_id=recipient_id,
        text=text[:500],
        link=reverse("referral", args=[referral.pk]),
        created_at=timezone.now(),
    )


@transaction.atomic
def answer(*, actor: User, referral: Referral, accept: bool, remark: str = "", on: dt.date | None = None) -> Referral:
    """The receiving organisation accepts or declines (a refusal says why)."""
    locked = _lock(referral)
    to = S.ACCEPTED if accept else S.DECLINED
    _move(locked, actor, to)
    on = on or today()
    assert locked.sent_on is not None  # noqa: S101 - checked by _move
    if on < locked.sent_on or on > today():
        raise DomainError("Datum: kies een dag tussen het versturen en vandaag.", field="on")
    if not accept and not remark.strip():
        raise DomainError("Toelichting: leg uit waarom de verwijzing wordt afgewezen.", field="remark")
    locked.status, locked.answered_on = to, on
    if not accept:
        locked.declined_reason, locked.closed_on = remark.strip(), on
    locked.feedback_due_on, locked.reminded_on = _due(locked, to, on), None
    locked.save()
    _event(locked, to, actor, remark.strip())
    _notify_steering(locked, f"Verwijzing naar {locked.organisation.name}: {S(to).label.lower()}.")
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=_subjects(locked), detail=to)
    return locked


@transaction.atomic
def report_start(*, actor: User, referral: Referral, started: bool, on: dt.date, remark: str = "") -> Referral:
    """The receiving organisation reports that the resident came and the support started, or that they
    did not come (no-show)."""
    locked = _lock(referral)
    to = S.STARTED if started else S.NO_SHOW
    _move(locked, actor, to)
    assert locked.sent_on is not None  # noqa: S101 - checked by _move
    if on is None or on < locked.sent_on or on > today():
        raise DomainError("Datum: kies een dag tussen het versturen en vandaag.", field="on")
    locked.status = to
    if started:
        locked.started_on, locked.arrived = on, True
    else:
        locked.closed_on, locked.arrived = on, False
        locked.feedback = remark.strip()
    locked.feedback_due_on, locked.reminded_on = _due(locked, to, on), None
    locked.save()
    _event(locked, to, actor, remark.strip())
    _notify_steering(locked, f"Verwijzing naar {locked.organisation.name}: {S(to).label.lower()}.")
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=_subjects(locked), detail=to)
    return locked


@transaction.atomic
def complete(*, actor: User, referral: Referral, helped: str, feedback: str, on: dt.date) -> Referral:
    """The closing feedback: did it help, and in a few words how it went. Required to close the loop."""
    locked = _lock(referral)
    _move(locked, actor, S.COMPLETED)
    if helped not in Referral.Helped.values:
        raise DomainError("Geholpen: kies ja, deels of nee.", field="helped")
    if not feedback.strip():
        raise DomainError("Terugkoppeling: schrijf kort hoe het ging en wat het opleverde.", field="feedback")
    assert locked.started_on is not None  # noqa: S101 - a started referral has its start day
    if on is None or on < locked.started_on or on > today():
        raise DomainError("Datum: kies een dag tussen de start en vandaag.", field="on")
    locked.status, locked.closed_on = S.COMPLETED, on
    locked.helped, locked.feedback, locked.arrived = helped, feedback.strip(), True
    locked.feedback_due_on, locked.reminded_on = None, None
    locked.save()
    _event(locked, S.COMPLETED, actor, feedback.strip())
    _notify_steering(locked, f"Terugkoppeling van {locked.organisation.name} op uw verwijzing: afgerond.")
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=_subjects(locked), detail="afgerond")
    return locked


@transaction.atomic
def withdraw(*, actor: User, referral: Referral, reason: str) -> Referral:
    locked = _lock(referral)
    _move(locked, actor, S.WITHDRAWN)
    if not reason.strip():
        raise DomainError("Reden: noem waarom de verwijzing wordt ingetrokken.", field="reason")
    was_sent = locked.status != S.PROPOSED
    locked.status, locked.closed_on = S.WITHDRAWN, today()
    locked.feedback_due_on, locked.reminded_on = None, None
    locked.save()
    _event(locked, S.WITHDRAWN, actor, reason.strip())
    if was_sent:
        _notify_receivers(locked, f"Een verwijzing aan {locked.organisation.name} is ingetrokken.")
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=_subjects(locked), detail="ingetrokken")
    return locked


def remind(*, on: dt.date) -> int:
    """One reminder per late step: to the receiving organisation's partner accounts and to the
    trajectory's regisseur. Returns how many referrals were reminded. In one transaction that locks the
    late referrals, so a step taken meanwhile (which resets the reminder) waits and is not marked as
    reminded; a handful of queries and two inserts whatever the number."""
    with transaction.atomic():
        late = list(
            Referral.objects.select_for_update(of=("self",))
            .filter(status__in=OPEN, feedback_due_on__lt=on, reminded_on__isnull=True)
            .select_related("organisation")
            .order_by("pk")
        )
        if not late:
            return 0
        receivers: dict[int, list[int]] = {}
        for user_id, organisation_id in User.objects.filter(
            organisation_id__in={r.organisation_id for r in late}, role=User.Role.REPORTER, is_active=True
        ).values_list("pk", "organisation_id"):
            receivers.setdefault(organisation_id, []).append(user_id)
        regisseurs = dict(
            RegisseurAssignment.objects.filter(
                trajectory_id__in={r.trajectory_id for r in late}, end_date__isnull=True
            ).values_list("trajectory_id", "professional_id")
        )
        now = timezone.now()
        messages: list[Message] = []
        for referral in late:
            assert referral.feedback_due_on is not None  # noqa: S101 - filtered on it
            text = (
                f"Herinnering: de terugkoppeling op verwijzing {referral.pk} aan {referral.organisation.name} "
                f"({referral.get_status_display().lower()}) was uiterlijk {referral.feedback_due_on:%d-%m-%Y} "
                "verwacht."
            )
            link = reverse("referral", args=[referral.pk])
            regisseur = regisseurs.get(referral.trajectory_id, referral.created_by_id)
            messages.extend(
                Message(recipient_id=user_id, text=text[:500], link=link, created_at=now)
                for user_id in {*receivers.get(referral.organisation_id, []), regisseur}
            )
        Message.objects.bulk_create(messages)
        Referral.objects.filter(pk__in=[r.pk for r in late]).update(reminded_on=on)
        audit.record(
            actor=None,
            actor_name="herinneringen verwijzingen",
            action=audit.Action.UPDATE,
            object_type="referral",
            detail=("herinnerd: " + ", ".join(str(r.pk) for r in late))[:300],
        )
    return len(late)


def visible_to(user: User) -> QuerySet[Referral]:
    """The access predicate of referrals, one condition: the receiving organisation's people see what
    was sent to it; on the sending side, those who see the whole plan of a case they can open (team
    leads, managers and the municipality's staff; a partner professional only as the regisseur). A
    partner professional who is merely involved in the case does not read another organisation's
    handover ("dat, niet wat")."""
    condition = Q(pk__in=[])
    if user.is_active and user.role in RECEIVING_ROLES and user.organisation_id is not None:
        condition |= Q(organisation_id=user.organisation_id, sent_on__isnull=False)
    if sees_case_content(user):
        sending = Q(trajectory__in=trajectories_visible_to(user))
        if not need_to_know.sees_whole_plan(viewer=user, regisseur_id=None):
            sending &= Q(
                Exists(
                    RegisseurAssignment.objects.filter(
                        trajectory_id=OuterRef("trajectory_id"), professional_id=user.pk, end_date__isnull=True
                    )
                )
            )
        condition |= sending
    return Referral.objects.filter(condition)


def incoming(*, user: User) -> QuerySet[Referral]:
    """Referrals sent to the user's organisation, the open ones first, the most urgent first."""
    if user.organisation_id is None or user.role not in RECEIVING_ROLES:
        return Referral.objects.none()
    return (
        Referral.objects.filter(organisation_id=user.organisation_id, sent_on__isnull=False)
        .select_related("service", "person", "consent", "trajectory__household__municipality")
        .order_by("closed_on", "feedback_due_on", "-sent_on", "-pk")
    )


def shows_content(*, referral: Referral, on: dt.date) -> bool:
    """Whether the receiving side may still read the handover: a consent the share rests on may have been
    withdrawn or expired since; then only the referral's bare state remains."""
    if referral.consent_id is None:
        return True
    consent = referral.consent
    assert consent is not None  # noqa: S101 - consent_id set
    return consent.withdrawn_on is None and consent.valid_until >= on
