"""Case conferences (MDO / casusoverleg): plan one, invite, prepare, write the minutes, turn decisions
into plan actions, and decide per participant what they may see.

The per-participant check is the heart of it: a participant sees dossier content (the purpose, the
others' preparation, the minutes, the decisions) only with a basis to receive it: being the household
itself, working for the municipality or the trajectory's team, an involvement in the trajectory (which
carries its own legal basis or consent), or a valid consent of a household member that names the
participant's organisation. Without one, a participant sees the agenda and what they brought in
themselves, nothing more."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from toegang.accounts.models import Organisation, User
from toegang.audit import services as audit
from toegang.cases.models import Involvement, RegisseurAssignment, Trajectory
from toegang.cases.selectors import CASE_ROLES, involvement_basis_holds, trajectories_visible_to
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.network.models import AgendaItem, CaseConference, ConferenceDecision, MinutesSection, Participant
from toegang.people.models import Membership, Person
from toegang.people.selectors import member_ids
from toegang.plans import need_to_know
from toegang.plans import services as plan_services
from toegang.plans.models import Action, Goal, LifeDomain, Plan
from toegang.privacy.context import refuse_steering_under_emergency
from toegang.privacy.models import Consent, ProcessingActivity

# Who can take a seat with an account: the municipality's and partners' professionals, team leads and
# managers, and a community organisation's partner account (which reads nothing of the dossier itself).
SEAT_ROLES = {*CASE_ROLES, User.Role.MANAGER, User.Role.REPORTER}


@dataclass(frozen=True)
class Basis:
    """Whether a participant may receive dossier content, and why (or why not), in words."""

    ok: bool
    text: str


def _subjects(trajectory: Trajectory) -> list[int]:
    return sorted(member_ids(household_id=trajectory.household_id))


def _require_organiser(actor: User, trajectory: Trajectory) -> None:
    """Planning and running a conference is for those who shape the plan: the regisseur, the
    municipality's staff and team leads of a case they can open (not through break-the-glass alone)."""
    refuse_steering_under_emergency(actor, trajectory.pk)
    if (
        not actor.is_active
        or actor.role not in CASE_ROLES
        or not trajectories_visible_to(actor).filter(pk=trajectory.pk).exists()
        or not need_to_know.sees_whole_plan_of(viewer=actor, trajectory_id=trajectory.pk)
    ):
        raise DomainError("Casusoverleg: alleen de regisseur en medewerkers van de gemeente organiseren het overleg.")


def _lock(conference: CaseConference) -> CaseConference:
    """The conference row, locked for the rest of the transaction: status checks and the changes that
    follow them (closing, cancelling, a decision, the agenda order) do not interleave."""
    locked = CaseConference.objects.select_for_update().get(pk=conference.pk)
    conference.status = locked.status
    return conference


def _require_not_cancelled(conference: CaseConference) -> None:
    if _lock(conference).status == CaseConference.Status.CANCELLED:
        raise DomainError("Casusoverleg: dit overleg is geannuleerd.")


def _require_planned(conference: CaseConference) -> None:
    """Changes to the set-up (date, invitations, agenda, preparation) only before the conference."""
    _require_not_cancelled(conference)
    if conference.status != CaseConference.Status.PLANNED:
        raise DomainError("Casusoverleg: het overleg is al gehouden; dit kan niet meer worden aangepast.")


def _check_when(held_on: dt.date | None, starts_at: dt.time | None, location: str, purpose: str) -> None:
    if not purpose.strip():
        raise DomainError("Doel van het overleg: beschrijf welke vraag het overleg moet beantwoorden.", field="purpose")
    if held_on is None:
        raise DomainError("Datum: vul de datum van het overleg in.", field="held_on")
    if held_on < today() - dt.timedelta(days=30):
        raise DomainError("Datum: een overleg leggen we uiterlijk 30 dagen achteraf vast.", field="held_on")
    if held_on > today() + dt.timedelta(days=366):
        raise DomainError("Datum: een overleg plannen we ten hoogste een jaar vooruit.", field="held_on")
    if starts_at is None:
        raise DomainError("Aanvang: vul de tijd in (uu:mm).", field="starts_at")
    if not location.strip():
        raise DomainError("Plaats: noem waar of hoe (bijvoorbeeld videobellen) het overleg is.", field="location")


@transaction.atomic
def plan_conference(
    *,
    actor: User,
    trajectory: Trajectory,
    held_on: dt.date | None,
    starts_at: dt.time | None,
    location: str,
    purpose: str,
) -> CaseConference:
    """Plan a conference. The household and its network are invited by default (every current member,
    everyone of the network who carries an action in the plan), as are the organiser, the regisseur
    and the professionals involved; the organiser takes away who should not come."""
    _require_organiser(actor, trajectory)
    if trajectory.status != Trajectory.Status.OPEN:
        raise DomainError("Casusoverleg: dit traject is afgesloten.")
    _check_when(held_on, starts_at, location, purpose)
    assert held_on is not None and starts_at is not None  # noqa: S101 - checked above
    conference = CaseConference.objects.create(
        trajectory=trajectory,
        held_on=held_on,
        starts_at=starts_at,
        location=location.strip(),
        purpose=purpose.strip(),
        organised_by=actor,
        created_at=timezone.now(),
    )
    seats: list[Participant] = [
        Participant(conference=conference, kind=Participant.Kind.PROFESSIONAL, user=actor, role="Organisator")
    ]
    seen = {actor.pk}
    regisseur = RegisseurAssignment.objects.filter(trajectory=trajectory, end_date__isnull=True).first()
    if regisseur is not None and regisseur.professional_id not in seen:
        seats.append(
            Participant(
                conference=conference,
                kind=Participant.Kind.PROFESSIONAL,
                user_id=regisseur.professional_id,
                role="Regisseur",
            )
        )
        seen.add(regisseur.professional_id)
    for involvement in Involvement.objects.filter(trajectory=trajectory, end_date__isnull=True).order_by("pk"):
        if involvement.professional_id not in seen:
            seats.append(
                Participant(
                    conference=conference,
                    kind=Participant.Kind.PROFESSIONAL,
                    user_id=involvement.professional_id,
                    role=involvement.role[:100],
                )
            )
            seen.add(involvement.professional_id)
    on = held_on if held_on >= today() else today()
    seats.extend(
        Participant(conference=conference, kind=Participant.Kind.MEMBER, person_id=membership.person_id)
        for membership in Membership.objects.filter(household_id=trajectory.household_id, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("person__geboortedatum", "pk")
    )
    network = (
        Action.objects.filter(
            goal__plan__trajectory=trajectory,
            goal__plan__status__in=[Plan.Status.DRAFT, Plan.Status.AGREED],
            party=Action.Party.NETWORK,
            status=Action.Status.OPEN,
        )
        .values_list("network_name", flat=True)
        .distinct()
    )
    seats.extend(
        Participant(conference=conference, kind=Participant.Kind.NETWORK, name=name, role="Netwerk")
        for name in sorted(set(network))
    )
    Participant.objects.bulk_create(seats)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=conference,
        subjects=_subjects(trajectory),
        detail=f"{held_on:%d-%m-%Y}, {len(seats)} genodigden",
    )
    return conference


@transaction.atomic
def change_conference(
    *,
    actor: User,
    conference: CaseConference,
    held_on: dt.date | None,
    starts_at: dt.time | None,
    location: str,
    purpose: str,
) -> CaseConference:
    _require_organiser(actor, conference.trajectory)
    _require_planned(conference)
    _check_when(held_on, starts_at, location, purpose)
    assert held_on is not None and starts_at is not None  # noqa: S101 - checked above
    conference.held_on, conference.starts_at = held_on, starts_at
    conference.location, conference.purpose = location.strip(), purpose.strip()
    conference.save(update_fields=["held_on", "starts_at", "location", "purpose"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=conference, subjects=_subjects(conference.trajectory))
    return conference


@transaction.atomic
def invite(
    *,
    actor: User,
    conference: CaseConference,
    kind: str,
    user: User | None = None,
    person: Person | None = None,
    name: str = "",
    organisation: Organisation | None = None,
    role: str = "",
) -> Participant:
    """Invite one more participant; someone invited earlier and taken off the list is invited again."""
    _require_organiser(actor, conference.trajectory)
    _require_planned(conference)
    name, role = name.strip(), role.strip()
    fields: dict[str, object] = {"role": role[:100]}
    if kind == Participant.Kind.PROFESSIONAL:
        if user is None or not user.is_active or user.role not in SEAT_ROLES:
            raise DomainError("Professional: kies een professional met een account in Toegang.", field="user")
        employer = user.organisation
        if employer is None or employer.municipality_id not in (None, conference.trajectory.household.municipality_id):
            raise DomainError(
                "Professional: kies iemand van deze gemeente of van een partnerorganisatie.", field="user"
            )
        fields["user"] = user
        existing = Participant.objects.filter(conference=conference, user=user).first()
    elif kind == Participant.Kind.MEMBER:
        if person is None or person.pk not in member_ids(household_id=conference.trajectory.household_id, on=today()):
            raise DomainError("Lid van het huishouden: kies een lid van dit huishouden.", field="person")
        fields["person"] = person
        existing = Participant.objects.filter(conference=conference, person=person).first()
    elif kind == Participant.Kind.EXTERNAL:
        if not name:
            raise DomainError("Naam: noem de professional die u uitnodigt.", field="name")
        if organisation is None:
            raise DomainError("Organisatie: kies de organisatie van deze professional.", field="organisation")
        fields.update(name=name[:200], organisation=organisation)
        existing = None
    elif kind == Participant.Kind.NETWORK:
        if not name:
            raise DomainError("Naam: noem wie uit het netwerk u uitnodigt.", field="name")
        fields["name"] = name[:200]
        existing = None
    else:
        raise DomainError("Soort: kies professional, professional zonder account, lid of netwerk.", field="kind")
    if existing is not None:
        if existing.invited:
            raise DomainError("Deelnemer: deze deelnemer staat al op de lijst.", field="user" if user else "person")
        existing.invited = True
        existing.role = role[:100] or existing.role
        existing.save(update_fields=["invited", "role"])
        participant = existing
    else:
        try:
            with transaction.atomic():
                participant = Participant.objects.create(conference=conference, kind=kind, **fields)
        except IntegrityError:
            raise DomainError("Deelnemer: deze deelnemer staat al op de lijst.", field="name") from None
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=participant,
        subjects=_subjects(conference.trajectory),
        detail=participant.label[:300],
    )
    return participant


@transaction.atomic
def uninvite(*, actor: User, participant: Participant) -> Participant:
    """Take someone off the list; what they brought in stays, marked as theirs."""
    conference = participant.conference
    _require_organiser(actor, conference.trajectory)
    _require_planned(conference)
    if participant.user_id == conference.organised_by_id:
        raise DomainError("Deelnemer: de organisator blijft op de lijst.", field="participant")
    participant.invited = False
    participant.save(update_fields=["invited"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=participant,
        subjects=_subjects(conference.trajectory),
        detail="niet meer uitgenodigd",
    )
    return participant


def seat_of(*, user: User, conference: CaseConference) -> Participant | None:
    return Participant.objects.filter(conference=conference, user=user, invited=True).first()


@transaction.atomic
def add_agenda_item(
    *, actor: User, conference: CaseConference, title: str, brought_in_by: Participant | None = None
) -> AgendaItem:
    """The organiser sets the agenda (naming who brings a point in); a participant with an account adds
    their own point."""
    _require_planned(conference)
    try:
        _require_organiser(actor, conference.trajectory)
    except DomainError:
        own = seat_of(user=actor, conference=conference)
        if own is None:
            raise
        brought_in_by = own
    if brought_in_by is not None and brought_in_by.conference_id != conference.pk:
        raise DomainError("Ingebracht door: kies een deelnemer van dit overleg.", field="brought_in_by")
    if not title.strip():
        raise DomainError("Agendapunt: beschrijf het punt.", field="title")
    position = conference.agenda.count() + 1
    item = AgendaItem.objects.create(
        conference=conference, position=position, title=title.strip()[:200], brought_in_by=brought_in_by
    )
    audit.record(actor=actor, action=audit.Action.CREATE, obj=item, subjects=_subjects(conference.trajectory))
    return item


@transaction.atomic
def prepare(*, actor: User, participant: Participant, text: str) -> Participant:
    """A participant's preparation: their own words for their own seat; the organiser writes it down for
    the household, its network and professionals without an account."""
    conference = participant.conference
    _require_planned(conference)
    if not participant.invited:
        raise DomainError("Voorbereiding: deze deelnemer is niet (meer) uitgenodigd.", field="participant")
    if participant.user_id != actor.pk:
        if participant.kind == Participant.Kind.PROFESSIONAL:
            raise DomainError("Voorbereiding: een professional met een account schrijft de eigen voorbereiding.")
        _require_organiser(actor, conference.trajectory)
    participant.preparation = text.strip()
    participant.save(update_fields=["preparation"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=participant, subjects=_subjects(conference.trajectory))
    return participant


def _involvements(trajectory: Trajectory, on: dt.date) -> dict[int, Involvement]:
    """The trajectory's current involvements whose basis holds today, per professional (one query)."""
    return {
        i.professional_id: i
        for i in Involvement.objects.filter(trajectory=trajectory, end_date__isnull=True).filter(
            involvement_basis_holds(on)
        )
    }


def _basis_of_user(
    user: User, trajectory: Trajectory, involvements: dict[int, Involvement], consents: dict[int, list[Consent]]
) -> Basis:
    if user.role == User.Role.REPORTER:
        return Basis(False, "Partneraccount: ziet alleen de agenda en de eigen inbreng")
    organisation = user.organisation
    if user.team_id is not None and user.team_id == trajectory.team_id:
        return Basis(True, "Team van het traject")
    if (
        organisation is not None
        and organisation.kind == Organisation.Kind.MUNICIPALITY
        and organisation.municipality_id == trajectory.household.municipality_id
    ):
        return Basis(True, "Medewerker van de gemeente (wettelijke taak)")
    involvement = involvements.get(user.pk)
    if involvement is not None:
        if involvement.consent_id:
            return Basis(True, f"Betrokken bij het traject op toestemming {involvement.consent_id}")
        return Basis(True, f"Betrokken bij het traject: {involvement.legal_basis or 'eigen team'}")
    return _basis_of_organisation(user.organisation_id, consents)


def _basis_of_organisation(organisation_id: int | None, consents: dict[int, list[Consent]]) -> Basis:
    """A consent naming the organisation that covers the support plan: what a conference is about."""
    found = consents.get(organisation_id or 0, [])
    for consent in found:
        if Consent.Category.PLAN in consent.categories:
            return Basis(
                True,
                f"Toestemming van {consent.person.full_name} tot en met {consent.valid_until:%d-%m-%Y} "
                f"({', '.join(consent.category_labels)})",
            )
    if found:
        return Basis(
            False, "De toestemming dekt het ondersteuningsplan niet: ziet alleen de agenda en de eigen inbreng"
        )
    return Basis(False, "Geen grondslag of toestemming: ziet alleen de agenda en de eigen inbreng")


def _valid_consents(members: list[int], on: dt.date) -> dict[int, list[Consent]]:
    """Per organisation, the valid consents of these (current) members that name it (two queries)."""
    by_organisation: dict[int, list[Consent]] = {}
    for consent in (
        Consent.objects.filter(
            person_id__in=members,
            activity__basis=ProcessingActivity.Basis.CONSENT,
            withdrawn_on__isnull=True,
            given_on__lte=on,
            valid_until__gte=on,
        )
        .select_related("person")
        .prefetch_related("organisations")
        .order_by("-valid_until", "pk")
    ):
        for organisation in consent.organisations.all():
            by_organisation.setdefault(organisation.pk, []).append(consent)
    return by_organisation


def bases(*, conference: CaseConference, participants: list[Participant], on: dt.date) -> dict[int, Basis]:
    """The basis of every participant, checked today: a consent withdrawn this morning counts."""
    trajectory = conference.trajectory
    members = member_ids(household_id=trajectory.household_id, on=on)
    consents = _valid_consents(members, on)
    involvements = _involvements(trajectory, on)
    result: dict[int, Basis] = {}
    for participant in participants:
        if participant.kind == Participant.Kind.MEMBER:
            result[participant.pk] = (
                Basis(True, "Lid van het huishouden")
                if participant.person_id in members
                else Basis(False, "Geen lid van het huishouden meer")
            )
        elif participant.kind == Participant.Kind.NETWORK:
            result[participant.pk] = Basis(False, "Netwerk: ziet alleen de agenda en de eigen inbreng")
        elif participant.kind == Participant.Kind.EXTERNAL:
            result[participant.pk] = _basis_of_organisation(participant.organisation_id, consents)
        else:
            assert participant.user is not None  # noqa: S101 - constraint participant_named
            result[participant.pk] = _basis_of_user(participant.user, trajectory, involvements, consents)
    return result


class View:
    """What a user sees of a conference: FULL (organiser side), BASIS (an invited participant with a
    basis: the content, restricted minutes only of their own organisation) or AGENDA (an invited
    participant without a basis)."""

    FULL = "volledig"
    BASIS = "grondslag"
    AGENDA = "agenda"


def view_of(*, user: User, conference: CaseConference) -> tuple[str, Participant | None, Basis | None]:
    """How ``user`` sees this conference, their own seat and their basis; raises
    CaseConference.DoesNotExist when they have no business with it (the caller answers 404)."""
    trajectory = conference.trajectory
    seat = seat_of(user=user, conference=conference)
    reads_case = (
        user.is_active and user.role in SEAT_ROLES and trajectories_visible_to(user).filter(pk=trajectory.pk).exists()
    )
    if reads_case and need_to_know.sees_whole_plan_of(viewer=user, trajectory_id=trajectory.pk):
        return View.FULL, seat, None
    if seat is None:  # an involved professional who is not invited has no business with the conference
        raise CaseConference.DoesNotExist
    on = today()
    members = member_ids(household_id=trajectory.household_id, on=on)
    basis = _basis_of_user(user, trajectory, _involvements(trajectory, on), _valid_consents(members, on))
    return (View.BASIS if basis.ok else View.AGENDA), seat, basis


def visible_minutes(*, conference: CaseConference, viewer: User, view: str) -> list[MinutesSection]:
    """Sections open to all participants with a basis and those restricted to the viewer's organisation;
    a participant without a basis reads only what they wrote themselves."""
    sections = conference.minutes.select_related("author", "restricted_to", "agenda_item")
    if view == View.AGENDA:
        return list(sections.filter(author=viewer))
    return list(
        sections.filter(
            Q(restricted_to__isnull=True) | Q(restricted_to_id=viewer.organisation_id or 0) | Q(author=viewer)
        )
    )


@transaction.atomic
def write_minutes(
    *,
    actor: User,
    conference: CaseConference,
    text: str,
    agenda_item: AgendaItem | None = None,
    restricted_to: Organisation | None = None,
) -> MinutesSection:
    """A section of the minutes, by the organiser or a participant with a basis; restricting it to an
    organisation keeps it from everyone else (the author keeps reading their own)."""
    _require_not_cancelled(conference)
    view, _seat, _basis = view_of(user=actor, conference=conference)
    if view == View.AGENDA:
        raise DomainError("Verslag: zonder grondslag of toestemming kunt u niet aan het verslag schrijven.")
    if not text.strip():
        raise DomainError("Verslag: schrijf wat er besproken is.", field="text")
    if agenda_item is not None and agenda_item.conference_id != conference.pk:
        raise DomainError("Agendapunt: kies een punt van dit overleg.", field="agenda_item")
    if restricted_to is not None and view != View.FULL and restricted_to.pk != actor.organisation_id:
        raise DomainError(
            "Alleen voor organisatie: u kunt een deel alleen voor uw eigen organisatie afschermen.",
            field="restricted_to",
        )
    section = MinutesSection.objects.create(
        conference=conference,
        agenda_item=agenda_item,
        text=text.strip(),
        restricted_to=restricted_to,
        author=actor,
        written_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=section,
        subjects=_subjects(conference.trajectory),
        detail=f"afgeschermd voor {restricted_to.name}" if restricted_to else "",
    )
    return section


def _draft_goal(*, actor: User, trajectory: Trajectory, goal: Goal | None) -> tuple[Plan, Goal | None]:
    """The plan draft where decisions land: the current draft, or a new version of the agreed plan (which
    copies its open goals; the chosen goal is followed into the copy), or a first plan."""
    draft = Plan.objects.filter(trajectory=trajectory, status=Plan.Status.DRAFT).first()
    if draft is None:
        draft = plan_services.start_plan(actor=actor, trajectory=trajectory)
        if goal is not None:
            goal = Goal.objects.filter(plan=draft, position=goal.position, result=goal.result).first()
            if goal is None:
                raise DomainError(
                    "Doel: dit doel is niet meer open; kies een ander doel of maak een nieuw doel.", field="goal"
                )
    elif goal is not None and goal.plan_id != draft.pk:
        raise DomainError("Doel: kies een doel van het plan in concept.", field="goal")
    return draft, goal


@transaction.atomic
def record_decision(
    *,
    actor: User,
    conference: CaseConference,
    text: str,
    goal: Goal | None,
    new_goal_domain: LifeDomain | None,
    new_goal_result: str,
    new_goal_due_on: dt.date | None,
    description: str,
    party: str,
    due_on: dt.date | None,
    member: Person | None = None,
    network_name: str = "",
    professional: User | None = None,
) -> ConferenceDecision:
    """A decision and, in the same step, the plan action that carries it out (under a chosen goal or a
    new one) with its owner and date. The action lands in the plan draft; the regisseur agrees the new
    version with the household as usual."""
    _require_organiser(actor, conference.trajectory)
    _require_not_cancelled(conference)
    if not text.strip():
        raise DomainError("Besluit: beschrijf wat er besloten is.", field="text")
    if due_on is None:
        raise DomainError("Uiterlijk op: vul de datum in waarop de actie gedaan is.", field="due_on")
    if goal is None and new_goal_domain is None:
        raise DomainError("Doel: kies een doel van het plan of beschrijf een nieuw doel.", field="goal")
    if goal is not None and goal.plan.trajectory_id != conference.trajectory_id:
        raise DomainError("Doel: kies een doel van het plan van dit huishouden.", field="goal")
    if goal is None and not new_goal_result.strip():
        raise DomainError("Nieuw doel: beschrijf het resultaat dat bereikt moet worden.", field="new_goal_result")
    if goal is None and (new_goal_due_on is None or new_goal_due_on < today()):
        raise DomainError(
            "Nieuw doel te bereiken op: vul een datum in die niet in het verleden ligt.", field="new_goal_due_on"
        )
    trajectory = conference.trajectory
    plan, goal = _draft_goal(actor=actor, trajectory=trajectory, goal=goal)
    if goal is None:
        assert new_goal_domain is not None and new_goal_due_on is not None  # noqa: S101 - checked above
        goal = plan_services.add_goal(
            actor=actor,
            plan=plan,
            expected_revision=plan.revision,
            domain=new_goal_domain,
            result=new_goal_result,
            due_on=new_goal_due_on,
        )
        plan.refresh_from_db(fields=["revision"])
    action = plan_services.add_action(
        actor=actor,
        goal=goal,
        expected_revision=plan.revision,
        description=description,
        party=party,
        due_on=due_on,
        member=member,
        network_name=network_name,
        professional=professional,
    )
    decision = ConferenceDecision.objects.create(
        conference=conference, text=text.strip(), action=action, recorded_by=actor, recorded_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=decision,
        subjects=_subjects(trajectory),
        detail=f"actie {action.pk} in plan v{plan.version}",
    )
    return decision


@transaction.atomic
def close(*, actor: User, conference: CaseConference, attended: list[int]) -> CaseConference:
    """The conference was held: who was there (participant ids) is recorded; the minutes stay open for
    additions, the agenda is final."""
    _require_organiser(actor, conference.trajectory)
    _require_planned(conference)
    if conference.held_on > today():
        raise DomainError("Casusoverleg: het overleg is nog niet geweest.", field="held_on")
    seats = conference.participants.filter(invited=True)
    seats.update(attended=False)
    seats.filter(pk__in=attended).update(attended=True)
    conference.status = CaseConference.Status.HELD
    conference.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=conference,
        subjects=_subjects(conference.trajectory),
        detail="gehouden",
    )
    return conference


@transaction.atomic
def cancel(*, actor: User, conference: CaseConference, reason: str) -> CaseConference:
    _require_organiser(actor, conference.trajectory)
    if _lock(conference).status != CaseConference.Status.PLANNED:
        raise DomainError("Casusoverleg: alleen een gepland overleg kan worden geannuleerd.")
    if not reason.strip():
        raise DomainError("Reden: noem waarom het overleg niet doorgaat.", field="reason")
    conference.status = CaseConference.Status.CANCELLED
    conference.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=conference,
        subjects=_subjects(conference.trajectory),
        detail=f"geannuleerd: {reason.strip()}"[:300],
    )
    return conference


def for_page(*, conference_id: int) -> CaseConference:
    return (
        CaseConference.objects.select_related("trajectory__household", "trajectory__team", "organised_by")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("user__organisation", "person", "organisation"),
            ),
            Prefetch(
                "agenda", queryset=AgendaItem.objects.select_related("brought_in_by__user", "brought_in_by__person")
            ),
        )
        .get(pk=conference_id)
    )


def decisions_with_actions(conference: CaseConference) -> list[ConferenceDecision]:
    """The decisions with their plan action (the follow-up list): owner, date and where it stands."""
    return list(
        conference.decisions.select_related(
            "action__goal__domain", "action__member", "action__professional__organisation", "recorded_by"
        )
    )


def invited_to(*, user: User) -> QuerySet[CaseConference]:
    """Planned conferences where the user has a seat (their invitations)."""
    return (
        CaseConference.objects.filter(
            participants__user=user, participants__invited=True, status=CaseConference.Status.PLANNED
        )
        .select_related("trajectory__team")
        .order_by("held_on", "starts_at")
    )
