"""The escalation ladder: escalate, decide, pass up, withdraw. Each change in its own transaction with
one audit row; a decision goes back into the dossier as a note, so that the plan continues with it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from toegang.accounts.models import Team, User
from toegang.audit import services as audit
from toegang.cases.models import Involvement, Note, RegisseurAssignment, Trajectory
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.network.models import Escalation, EscalationLevel, EscalationStep, Transfer
from toegang.network.selectors import holds
from toegang.people.selectors import member_ids

# The example ladder of the issue (teamleider → manager Toegang → ambtelijk opdrachtgever →
# portefeuillehouder); a municipality renames, reorders or names the holders of its own.
DEFAULT_LADDER = [
    (1, "Teamleider", EscalationLevel.Holder.TEAM_LEAD),
    (2, "Manager Toegang", EscalationLevel.Holder.MANAGER),
    (3, "Ambtelijk opdrachtgever", EscalationLevel.Holder.NAMED),
    (4, "Portefeuillehouder", EscalationLevel.Holder.NAMED),
]


def ladder(municipality_id: int) -> list[EscalationLevel]:
    """The municipality's ladder, lowest level first; the default ladder the first time it is needed."""
    levels = list(EscalationLevel.objects.filter(municipality_id=municipality_id).order_by("rank"))
    if not levels:
        levels = EscalationLevel.objects.bulk_create(
            EscalationLevel(municipality_id=municipality_id, rank=rank, title=title, holder=holder)
            for rank, title, holder in DEFAULT_LADDER
        )
    return levels


def _subjects(trajectory: Trajectory) -> list[int]:
    return sorted(member_ids(household_id=trajectory.household_id))


def escalate(
    *, actor: User, trajectory: Trajectory, reason: str, question: str, deadline: dt.date | None
) -> Escalation:
    """The regisseur puts a stalled case to the first level of the ladder, with a question and the day
    a decision is needed."""
    question = (question or "").strip()
    if not question:
        raise DomainError("Vraag: schrijf op welke beslissing nodig is.", field="question")
    if deadline is None:
        raise DomainError("Besluit nodig uiterlijk: vul een datum in.", field="deadline")
    if deadline < today():
        raise DomainError("Besluit nodig uiterlijk: de datum ligt in het verleden.", field="deadline")
    if reason not in Escalation.Reason.values:
        raise DomainError("Reden: kies een reden uit de lijst.", field="reason")
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().select_related("household").get(pk=trajectory.pk)
        if locked.status != Trajectory.Status.OPEN:
            raise DomainError("Alleen een lopend traject kan worden geëscaleerd.")
        if not RegisseurAssignment.objects.filter(
            trajectory=locked, end_date__isnull=True, professional=actor
        ).exists():
            raise DomainError("Alleen de regisseur van het traject escaleert.")
        if Escalation.objects.filter(trajectory=locked, status=Escalation.Status.OPEN).exists():
            raise DomainError(
                "Er loopt al een escalatie voor dit traject; vul die aan of trek hem in voordat u opnieuw escaleert."
            )
        first = ladder(locked.household.municipality_id)[0]
        escalation = Escalation.objects.create(
            trajectory=locked,
            raised_by=actor,
            raised_on=today(),
            reason=reason,
            question=question,
            deadline=deadline,
            level=first,
            arrived_on=today(),
        )
        EscalationStep.objects.create(escalation=escalation, level=first, arrived_on=today())
        audit.record(
            actor=actor,
            action=audit.Action.CREATE,
            obj=escalation,
            subjects=_subjects(locked),
            detail=f"escalatie naar {first.title}",
        )
    return escalation


def _locked_open(escalation: Escalation) -> Escalation:
    locked = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("level", "trajectory__household")
        .get(pk=escalation.pk)
    )
    if locked.status != Escalation.Status.OPEN:
        raise DomainError("Deze escalatie is al afgehandeld.")
    return locked


def _close_step(escalation: Escalation, outcome: str, text: str, actor: User) -> None:
    EscalationStep.objects.filter(escalation=escalation, left_on__isnull=True).update(
        left_on=today(), outcome=outcome, text=text, by=actor
    )


def decide(*, actor: User, escalation: Escalation, decision: str) -> Escalation:
    """The level where the escalation is decides; the decision goes into the dossier as a note and the
    case continues in the plan."""
    decision = (decision or "").strip()
    if not decision:
        raise DomainError("Besluit: schrijf het besluit op.", field="decision")
    with transaction.atomic():
        locked = _locked_open(escalation)
        if not holds(actor, locked.level, locked.trajectory):
            raise DomainError(f"Alleen {locked.level.title.lower()} beslist op dit niveau.")
        locked.status, locked.decision, locked.decided_by, locked.decided_on = (
            Escalation.Status.DECIDED,
            decision,
            actor,
            today(),
        )
        locked.save(update_fields=["status", "decision", "decided_by", "decided_on"])
        _close_step(locked, EscalationStep.Outcome.DECIDED, decision, actor)
        Note.objects.create(
            trajectory=locked.trajectory,
            author=actor,
            kind=Note.Kind.NOTE,
            happened_on=today(),
            text=f"Besluit na escalatie ({locked.level.title}): {decision}\nVraag was: {locked.question}",
        )
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=locked,
            subjects=_subjects(locked.trajectory),
            detail=f"besluit op niveau {locked.level.rank}",
        )
    return locked


def forward(*, actor: User, escalation: Escalation, reason: str) -> Escalation:
    """Pass the question up to the next level, with the reason why this level does not decide."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Toelichting: schrijf op waarom dit niveau niet beslist.", field="reason")
    with transaction.atomic():
        locked = _locked_open(escalation)
        if not holds(actor, locked.level, locked.trajectory):
            raise DomainError(f"Alleen {locked.level.title.lower()} zet door vanaf dit niveau.")
        upper = [lvl for lvl in ladder(locked.level.municipality_id) if lvl.rank > locked.level.rank]
        if not upper:
            raise DomainError("Dit is het hoogste niveau van de ladder: hier wordt besloten.")
        nxt = upper[0]
        if nxt.holder == EscalationLevel.Holder.NAMED and not nxt.holders.exists():
            raise DomainError(f"{nxt.title}: er is nog niemand aangewezen; vraag de functioneel beheerder dat te doen.")
        _close_step(locked, EscalationStep.Outcome.FORWARDED, reason, actor)
        EscalationStep.objects.create(escalation=locked, level=nxt, arrived_on=today())
        locked.level, locked.arrived_on = nxt, today()
        locked.save(update_fields=["level", "arrived_on"])
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=locked,
            subjects=_subjects(locked.trajectory),
            detail=f"doorgezet naar {nxt.title}",
        )
    return locked


def withdraw(*, actor: User, escalation: Escalation) -> Escalation:
    """The regisseur who escalated takes the question back (the case got going again)."""
    with transaction.atomic():
        locked = _locked_open(escalation)
        if locked.raised_by_id != actor.pk:
            raise DomainError("Alleen wie escaleerde kan de escalatie intrekken.")
        locked.status = Escalation.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        _close_step(locked, EscalationStep.Outcome.WITHDRAWN, "", actor)
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=locked,
            subjects=_subjects(locked.trajectory),
            detail="ingetrokken",
        )
    return locked


# --- transfers between teams -----------------------------------------------------------------------------


def request_transfer(*, actor: User, trajectory: Trajectory, to_team: Team, reason: str) -> Transfer:
    """The regisseur or the team lead asks another team to take the trajectory over."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Reden: schrijf op waarom het andere team het traject overneemt.", field="reason")
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().select_related("household", "team__area").get(pk=trajectory.pk)
        if locked.status != Trajectory.Status.OPEN:
            raise DomainError("Alleen een lopend traject kan worden overgedragen.")
        regisseur = RegisseurAssignment.objects.filter(trajectory=locked, end_date__isnull=True, professional=actor)
        lead = actor.role == User.Role.TEAM_LEAD and actor.team_id == locked.team_id
        if not (lead or regisseur.exists()):
            raise DomainError("Alleen de regisseur of de teamleider draagt een traject over.")
        if to_team.pk == locked.team_id:
            raise DomainError("Naar team: kies een ander team dan het huidige.", field="to_team")
        if to_team.area.municipality_id != locked.household.municipality_id:
            raise DomainError("Naar team: kies een team van dezelfde gemeente.", field="to_team")
        if Transfer.objects.filter(trajectory=locked, status=Transfer.Status.REQUESTED).exists():
            raise DomainError("Er loopt al een verzoek om overdracht voor dit traject.")
        transfer = Transfer.objects.create(
            trajectory=locked,
            from_team=locked.team,
            to_team=to_team,
            requested_by=actor,
            requested_on=today(),
            reason=reason,
        )
        audit.record(
            actor=actor, action=audit.Action.CREATE, obj=transfer, subjects=_subjects(locked), detail=f"naar {to_team}"
        )
    return transfer


def _open_transfer(transfer: Transfer) -> Transfer:
    locked = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("trajectory__household", "to_team", "from_team")
        .get(pk=transfer.pk)
    )
    if locked.status != Transfer.Status.REQUESTED:
        raise DomainError("Dit verzoek om overdracht is al afgehandeld.")
    return locked


def _receiving_lead(actor: User, transfer: Transfer) -> None:
    if actor.role != User.Role.TEAM_LEAD or actor.team_id != transfer.to_team_id:
        raise DomainError("Alleen de teamleider van het ontvangende team beslist over de overdracht.")


def accept_transfer(*, actor: User, transfer: Transfer, regisseur: User | None) -> Transfer:
    """The receiving team takes the trajectory over, with a new regisseur from that team."""
    from toegang.cases import services as cases

    with transaction.atomic():
        locked = _open_transfer(transfer)
        _receiving_lead(actor, locked)
        if regisseur is None or regisseur.team_id != locked.to_team_id:
            raise DomainError("Nieuwe regisseur: kies een professional van het ontvangende team.", field="regisseur")
        trajectory = Trajectory.objects.select_for_update().get(pk=locked.trajectory_id)
        trajectory.team = locked.to_team
        trajectory.save(update_fields=["team"])
        current = RegisseurAssignment.objects.filter(trajectory=trajectory, end_date__isnull=True).first()
        if current is None or current.professional_id != regisseur.pk:
            cases.change_regisseur(actor=actor, trajectory=trajectory, professional=regisseur, on=today())
            if current is not None:  # the old regisseur leaves with the old team: no involvement, no access
                Involvement.objects.filter(
                    trajectory=trajectory, professional_id=current.professional_id, end_date__isnull=True
                ).update(end_date=today())
        locked.status, locked.decided_by, locked.decided_on, locked.new_regisseur = (
            Transfer.Status.ACCEPTED,
            actor,
            today(),
            regisseur,
        )
        locked.save(update_fields=["status", "decided_by", "decided_on", "new_regisseur"])
        Note.objects.create(
            trajectory=trajectory,
            author=actor,
            happened_on=today(),
            text=f"Overgedragen van {locked.from_team} naar {locked.to_team}; regisseur: {regisseur}. "
            f"Reden: {locked.reason}",
        )
        audit.record(
            actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=_subjects(trajectory), detail="geaccepteerd"
        )
    return locked


def refuse_transfer(*, actor: User, transfer: Transfer, refusal: str) -> Transfer:
    refusal = (refusal or "").strip()
    if not refusal:
        raise DomainError("Reden weigering: schrijf op waarom het team het traject niet overneemt.", field="refusal")
    with transaction.atomic():
        locked = _open_transfer(transfer)
        _receiving_lead(actor, locked)
        locked.status, locked.decided_by, locked.decided_on, locked.refusal = (
            Transfer.Status.REFUSED,
            actor,
            today(),
            refusal,
        )
        locked.save(update_fields=["status", "decided_by", "decided_on", "refusal"])
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=locked,
            subjects=_subjects(locked.trajectory),
            detail="geweigerd",
        )
    return locked


def withdraw_transfer(*, actor: User, transfer: Transfer) -> Transfer:
    with transaction.atomic():
        locked = _open_transfer(transfer)
        if locked.requested_by_id != actor.pk:
            raise DomainError("Alleen wie het verzoek deed, trekt het in.")
        locked.status = Transfer.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=locked,
            subjects=_subjects(locked.trajectory),
            detail="ingetrokken",
        )
    return locked


def configure_level(*, actor: User, level: EscalationLevel, title: str, holders: list[int]) -> EscalationLevel:
    """The functional administrator names a level and, for a level with named holders, who decides there
    (active users of the same municipality)."""
    title = (title or "").strip()
    if not title:
        raise DomainError("Naam van het niveau: vul een naam in.", field="title")
    with transaction.atomic():
        locked = EscalationLevel.objects.select_for_update().get(pk=level.pk)
        chosen = list(User.objects.filter(pk__in=holders, is_active=True, municipality_id=locked.municipality_id))
        if len(chosen) != len(set(holders)):
            raise DomainError("Aangewezen personen: kies actieve gebruikers van deze gemeente.", field="holders")
        if chosen and locked.holder != EscalationLevel.Holder.NAMED:
            raise DomainError(
                "Aangewezen personen: op dit niveau beslist de rol (teamleider of manager), geen aangewezen persoon.",
                field="holders",
            )
        locked.title = title
        locked.save(update_fields=["title"])
        locked.holders.set(chosen)
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=locked,
            detail=f"escalatieladder niveau {locked.rank}: {title}, {len(chosen)} aangewezen",
        )
    return locked
