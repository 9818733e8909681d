"""Writes of trajectories: start, regisseur, involvement, notes, closure."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from toegang.accounts.models import Team, User
from toegang.audit import services as audit
from toegang.cases.models import Involvement, Note, RegisseurAssignment, StandIn, Trajectory
from toegang.common.dates import today
from toegang.common.errors import LONG_TEXT_MAX, DomainError
from toegang.events import services as events
from toegang.people.models import Household
from toegang.people.selectors import member_ids
from toegang.plans.models import Plan
from toegang.privacy import services as privacy_services
from toegang.privacy.models import ProcessingActivity, RetentionRule
from toegang.zgw import services as zgw


def _require_open(trajectory: Trajectory) -> None:
    if trajectory.status != Trajectory.Status.OPEN:
        raise DomainError(_("Traject: dit traject is afgesloten en kan niet meer worden gewijzigd."))


def _check_professional(professional: User, field: str) -> int:
    """Refuse anyone who cannot carry a case; return the employer organisation's id."""
    if not professional.is_active or professional.role not in (User.Role.PROFESSIONAL, User.Role.TEAM_LEAD):
        raise DomainError(
            _("Regisseur: kies een actieve professional of teamleider.")
            if field == "regisseur"
            else "Professional: kies een actieve professional of teamleider.",
            field=field,
        )
    if professional.organisation_id is None:
        raise DomainError(_("Professional: deze gebruiker heeft geen werkgever vastgelegd."), field=field)
    return professional.organisation_id


@transaction.atomic
def start_trajectory(
    *, actor: User, household: Household, team: Team, regisseur: User, started_on: dt.date
) -> Trajectory:
    organisation_id = _check_professional(regisseur, "regisseur")
    if Trajectory.objects.filter(household=household, status=Trajectory.Status.OPEN).exists():
        raise DomainError(
            _("Huishouden: dit huishouden heeft al een lopend traject (één gezin, één plan)."), field="household"
        )
    try:
        with transaction.atomic():
            trajectory = Trajectory.objects.create(household=household, team=team, started_on=started_on)
    except IntegrityError:
        raise DomainError(
            _("Huishouden: dit huishouden heeft al een lopend traject (één gezin, één plan)."), field="household"
        ) from None
    RegisseurAssignment.objects.create(trajectory=trajectory, professional=regisseur, start_date=started_on)
    Involvement.objects.create(
        trajectory=trajectory,
        professional=regisseur,
        organisation_id=organisation_id,
        role="Regisseur",
        start_date=started_on,
    )
    audit.record(
        actor=actor, action=audit.Action.CREATE, obj=trajectory, subjects=member_ids(household_id=household.pk)
    )
    events.trajectory_started(trajectory)
    zgw.trajectory_started(trajectory.pk)
    _tell_new_regisseur(actor, regisseur, trajectory)
    return trajectory


def _tell_new_regisseur(actor: User, regisseur: User, trajectory: Trajectory) -> None:
    """Whoever is made regisseur by someone else hears so in their messages (the case is in their caseload now);
    the message names the household, nothing about the person's situation."""
    if regisseur.pk == actor.pk:
        return
    household = Household.objects.filter(pk=trajectory.household_id).values_list("name", flat=True).first() or ""
    privacy_services.send_message(
        recipient=regisseur,
        text=_("%(actor)s heeft u regisseur gemaakt van het traject van %(household)s.")
        % {"actor": actor, "household": household},
        link=reverse("household", args=[trajectory.household_id]),
    )


@transaction.atomic
def change_regisseur(*, actor: User, trajectory: Trajectory, professional: User, on: dt.date) -> RegisseurAssignment:
    """Hand over the lead: the current assignment ends the day before ``on``; history is kept."""
    organisation_id = _check_professional(professional, "regisseur")
    if trajectory.status != Trajectory.Status.OPEN:
        raise DomainError(_("Regisseur: een afgesloten traject krijgt geen nieuwe regisseur."), field="regisseur")
    if on > today():
        raise DomainError(
            _("Regie over per: de datum ligt in de toekomst; draag de regie over op de dag zelf."), field="on"
        )
    current = (
        RegisseurAssignment.objects.select_for_update().filter(trajectory=trajectory, end_date__isnull=True).first()
    )
    if current is not None:
        if current.professional_id == professional.pk:
            raise DomainError(_("Regisseur: deze professional is al de regisseur."), field="regisseur")
        if on <= current.start_date:
            raise DomainError(
                _("Regie over per: de overdracht moet na de start van de huidige regisseur liggen."), field="on"
            )
        current.end_date = on - dt.timedelta(days=1)
        current.save(update_fields=["end_date"])
    try:
        with transaction.atomic():
            assignment = RegisseurAssignment.objects.create(
                trajectory=trajectory, professional=professional, start_date=on
            )
    except IntegrityError:
        raise DomainError(
            _("Regisseur: een traject heeft precies één regisseur tegelijk."), field="regisseur"
        ) from None
    if not Involvement.objects.filter(trajectory=trajectory, professional=professional, end_date__isnull=True).exists():
        Involvement.objects.create(
            trajectory=trajectory,
            professional=professional,
            organisation_id=organisation_id,
            role="Regisseur",
            start_date=on,
        )
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=trajectory,
        subjects=member_ids(household_id=trajectory.household_id),
        detail=f"regisseur: {professional}",
    )
    _tell_new_regisseur(actor, professional, trajectory)
    return assignment


@transaction.atomic
def add_involvement(
    *,
    actor: User,
    trajectory: Trajectory,
    professional: User,
    role: str,
    start_date: dt.date,
    basis: ProcessingActivity | None = None,
) -> Involvement:
    """Involve a professional. Someone outside the trajectory's team and outside the municipality gets
    dossier content, so that share needs a recorded basis: a legal basis from the register, or a valid
    consent of a household member that names their organisation."""
    _require_open(trajectory)
    organisation_id = _check_professional(professional, "professional")
    if (
        professional.pk == actor.pk
        and professional.team_id != trajectory.team_id
        and not Involvement.objects.filter(trajectory=trajectory, professional=actor, end_date__isnull=True).exists()
    ):
        raise DomainError(
            _("Professional: u kunt uzelf niet betrekken bij een traject van een ander team; vraag het de regisseur."),
            field="professional",
        )
    if start_date > today():
        raise DomainError(_("Betrokken vanaf: de datum ligt in de toekomst."), field="start_date")
    if not role.strip():
        raise DomainError(_("Rol in traject: beschrijf wat deze professional doet."), field="role")
    if start_date < trajectory.started_on:
        raise DomainError(_("Vanaf: de datum ligt vóór de start van het traject."), field="start_date")
    legal_basis, consent = "", None
    own_team = professional.team_id == trajectory.team_id
    municipal = professional.organisation is not None and professional.organisation.kind == "gemeente"
    if not (own_team or municipal):
        if basis is None:
            raise DomainError(_("Grondslag: kies op welke grondslag deze organisatie gegevens krijgt."), field="basis")
        if basis.basis == ProcessingActivity.Basis.CONSENT:
            organisation = professional.organisation
            assert organisation is not None  # noqa: S101 - _check_professional guarantees an employer
            consent = privacy_services.consent_for_share(
                household=trajectory.household, organisation=organisation, on=start_date
            )
            legal_basis = f"toestemming {consent.pk}"
        else:
            organisation = professional.organisation
            assert organisation is not None  # noqa: S101 - _check_professional guarantees an employer
            legal_basis = privacy_services.legal_basis_for_share(activity=basis, organisation=organisation)
    try:
        with transaction.atomic():
            involvement = Involvement.objects.create(
                trajectory=trajectory,
                professional=professional,
                organisation_id=organisation_id,
                role=role.strip(),
                start_date=start_date,
                legal_basis=legal_basis,
                consent=consent,
            )
    except IntegrityError:
        raise DomainError(
            _("Professional: deze professional is al betrokken bij dit traject."), field="professional"
        ) from None
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=involvement,
        subjects=member_ids(household_id=trajectory.household_id),
        legal_basis=legal_basis,
    )
    return involvement


@transaction.atomic
def end_involvement(*, actor: User, involvement: Involvement, end_date: dt.date) -> Involvement:
    if end_date < involvement.start_date:
        raise DomainError(_("Tot en met: de einddatum ligt vóór de begindatum."), field="end_date")
    if RegisseurAssignment.objects.filter(
        trajectory_id=involvement.trajectory_id, professional_id=involvement.professional_id, end_date__isnull=True
    ).exists():
        raise DomainError(
            _("Professional: draag eerst de regie over voordat de regisseur stopt."), field="professional"
        )
    involvement.end_date = end_date
    involvement.save(update_fields=["end_date"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=involvement,
        subjects=member_ids(household_id=involvement.trajectory.household_id),
    )
    return involvement


@transaction.atomic
def add_note(
    *,
    actor: User,
    trajectory: Trajectory,
    text: str,
    happened_on: dt.date,
    kind: str = Note.Kind.NOTE,
    channel: str = "",
    restricted: bool = False,
) -> Note:
    """A note or contact moment; ``restricted`` keeps it within the author's own organisation."""
    _require_open(trajectory)
    if not text.strip():
        raise DomainError(_("Tekst: schrijf de notitie."), field="text")
    if len(text) > LONG_TEXT_MAX:
        limit = f"{LONG_TEXT_MAX:,}".replace(",", ".")
        raise DomainError(
            _("Tekst: ten hoogste %(max)s tekens (nu %(n)s).") % {"max": limit, "n": len(text)}, field="text"
        )
    if kind not in Note.Kind.values:
        raise DomainError(_("Soort: kies notitie of contactmoment."), field="kind")
    if kind == Note.Kind.CONTACT and not channel:
        raise DomainError(_("Contactvorm: kies hoe het contact plaatsvond."), field="channel")
    if happened_on > today():
        raise DomainError(_("Datum: een notitie of contactmoment ligt niet in de toekomst."), field="happened_on")
    if restricted and actor.organisation_id is None:
        raise DomainError(_("Alleen mijn organisatie: u heeft geen werkgever vastgelegd."), field="restricted")
    note = Note.objects.create(
        restricted_to_id=actor.organisation_id if restricted else None,
        trajectory=trajectory,
        author=actor,
        kind=kind,
        channel=channel,
        happened_on=happened_on,
        text=text.strip(),
    )
    audit.record(
        actor=actor, action=audit.Action.CREATE, obj=note, subjects=member_ids(household_id=trajectory.household_id)
    )
    return note


@transaction.atomic
def close_trajectory(
    *,
    actor: User,
    trajectory: Trajectory,
    closed_on: dt.date,
    reason: str,
    retention_rule: RetentionRule | None,
    note: str = "",
) -> Trajectory:
    """Close with a reason and the Selectielijst result, which fixes the date the dossier may be destroyed."""
    locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    if locked.status != Trajectory.Status.OPEN:
        raise DomainError(_("Traject: dit traject is al afgesloten."))
    if reason not in Trajectory.ClosureReason.values:
        raise DomainError(_("Reden afsluiting: kies een reden."), field="reason")
    if closed_on < locked.started_on:
        raise DomainError(_("Datum afsluiting: de datum ligt vóór de start van het traject."), field="closed_on")
    if closed_on > today():
        raise DomainError(_("Datum afsluiting: de datum ligt in de toekomst."), field="closed_on")
    latest_start = max(
        [
            *RegisseurAssignment.objects.filter(trajectory=locked, end_date__isnull=True).values_list(
                "start_date", flat=True
            ),
            *Involvement.objects.filter(trajectory=locked, end_date__isnull=True).values_list("start_date", flat=True),
        ],
        default=locked.started_on,
    )
    if closed_on < latest_start:
        raise DomainError(
            _("Datum afsluiting: een regisseur of betrokkene is pas op %(day)s begonnen; sluit niet eerder af.")
            % {"day": latest_start.strftime("%d-%m-%Y")},
            field="closed_on",
        )
    if retention_rule is None:
        raise DomainError(
            _("Resultaat (Selectielijst): kies het resultaat; dat bepaalt hoe lang het dossier bewaard wordt."),
            field="retention_rule",
        )
    if reason == Trajectory.ClosureReason.OTHER and not note.strip():
        raise DomainError(_("Toelichting: licht de reden 'anders' toe."), field="note")
    locked.status = Trajectory.Status.CLOSED
    locked.closed_on = closed_on
    locked.closure_reason = reason
    locked.closure_note = note.strip()
    locked.retention_rule = retention_rule
    locked.archive_action_date = retention_rule.term_ends(closed_on)
    locked.save(
        update_fields=["status", "closed_on", "closure_reason", "closure_note", "retention_rule", "archive_action_date"]
    )
    RegisseurAssignment.objects.filter(trajectory=locked, end_date__isnull=True).update(end_date=closed_on)
    Involvement.objects.filter(trajectory=locked, end_date__isnull=True).update(end_date=closed_on)
    Plan.objects.filter(trajectory=locked, status__in=[Plan.Status.DRAFT, Plan.Status.AGREED]).update(
        status=Plan.Status.CLOSED, next_review_on=None, revision=F("revision") + 1
    )
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=member_ids(household_id=locked.household_id),
        detail=f"afgesloten: {reason}",
    )
    events.trajectory_closed(locked)
    zgw.trajectory_closed(locked.pk)
    return locked


STAND_IN_AHEAD = dt.timedelta(days=366)  # a stand-in is arranged at most a year ahead
STAND_IN_LONGEST = dt.timedelta(days=366)  # and lasts at most a year (long leave: arranged again)


@transaction.atomic
def arrange_stand_in(
    *, actor: User, absent: User, stand_in: User, start_date: dt.date, end_date: dt.date, reason: str = ""
) -> StandIn:
    """A colleague takes over the absent professional's cases as regisseur for a period (waarneming).
    Arranged by the absent professional or by the team lead; within one team and one employer, so that
    what the stand-in sees follows the same need-to-know rules as for the absent colleague."""
    if actor.pk != absent.pk and not (actor.role == User.Role.TEAM_LEAD and actor.team_id == absent.team_id):
        raise DomainError(_("Afwezig: u regelt waarneming voor uzelf; voor een collega doet de teamleider dat."))
    _check_professional(absent, "absent")
    _check_professional(stand_in, "stand_in")
    if stand_in.pk == absent.pk:
        raise DomainError(_("Waarnemer: kies een andere collega dan wie afwezig is."), field="stand_in")
    if stand_in.team_id != absent.team_id:
        raise DomainError(_("Waarnemer: kies een collega uit hetzelfde team."), field="stand_in")
    if stand_in.organisation_id != absent.organisation_id:
        raise DomainError(
            _("Waarnemer: kies een collega met dezelfde werkgever als de afwezige collega."),
            field="stand_in",
        )
    if end_date < start_date:
        raise DomainError(_("Tot en met: ligt vóór de begindatum."), field="end_date")
    if end_date < today():
        raise DomainError(_("Tot en met: ligt in het verleden."), field="end_date")
    if start_date > today() + STAND_IN_AHEAD:
        raise DomainError(
            _("Van: ligt meer dan een jaar vooruit; regel de waarneming wanneer de afwezigheid nadert."),
            field="start_date",
        )
    if end_date > start_date + STAND_IN_LONGEST:
        raise DomainError(
            _("Tot en met: een waarneming duurt ten hoogste een jaar; regel daarna zo nodig een nieuwe."),
            field="end_date",
        )  # a slip (2126 for 2026) would otherwise open the absent colleague's dossiers for good
    User.objects.select_for_update().filter(pk=absent.pk).first()  # one arrangement at a time per person
    overlapping = StandIn.objects.filter(
        absent=absent, withdrawn_at__isnull=True, start_date__lte=end_date, end_date__gte=start_date
    ).exists()
    if overlapping:
        raise DomainError(
            _("Van: er is voor deze periode al een waarneming geregeld voor %(name)s.") % {"name": absent},
            field="start_date",
        )
    arrangement = StandIn.objects.create(
        absent=absent,
        stand_in=stand_in,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        arranged_by=actor,
        arranged_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=arrangement,
        detail=f"{stand_in.get_username()} voor {absent.get_username()}, {start_date:%d-%m-%Y} t/m {end_date:%d-%m-%Y}",
    )
    privacy_services.send_message(
        recipient=stand_in,
        text=_("U neemt waar voor %(name)s van %(start)s tot en met %(end)s; hun trajecten staan in uw caseload.")
        % {"name": absent, "start": f"{start_date:%d-%m-%Y}", "end": f"{end_date:%d-%m-%Y}"},
    )
    return arrangement


@transaction.atomic
def withdraw_stand_in(*, actor: User, arrangement: StandIn) -> StandIn:
    """End a waarneming at once (the absent colleague is back, or another colleague takes over)."""
    locked = StandIn.objects.select_for_update().select_related("absent").get(pk=arrangement.pk)
    absent = locked.absent
    if actor.pk not in (locked.absent_id, locked.stand_in_id) and not (
        actor.role == User.Role.TEAM_LEAD and actor.team_id == absent.team_id
    ):
        raise DomainError(_("Waarneming: alleen de betrokkenen of de teamleider beëindigen een waarneming."))
    if locked.withdrawn_at is not None:
        raise DomainError(_("Waarneming: deze waarneming is al beëindigd."))
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, detail="beëindigd")
    return locked
