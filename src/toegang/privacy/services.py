"""Break-the-glass: start an emergency access, announce it, review it afterwards."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from toegang.accounts.models import Organisation, User
from toegang.audit import services as audit
from toegang.cases.models import Involvement, Trajectory
from toegang.cases.selectors import CASE_ROLES, current_regisseur, households_visible_to, open_trajectory_of
from toegang.common.dates import add_months, today
from toegang.common.errors import DomainError
from toegang.common.locks import wait_for_writes_on
from toegang.people.bsn import normalise_bsn
from toegang.people.models import Household, Membership, Person
from toegang.people.selectors import current_household_of, member_ids
from toegang.privacy.models import Consent, EmergencyAccess, Message, ProcessingActivity

MIN_REASON = 20
CONSENT_OWN_AGE = 16  # UAVG art. 5: below this age consent comes from the legal representative


class AlreadyVisible(DomainError):
    """The user can see this household already; no emergency access is needed."""

    def __init__(self, household_id: int) -> None:
        super().__init__(_("U heeft al toegang tot dit huishouden; noodtoegang is niet nodig."))
        self.household_id = household_id


class ConsentExists(DomainError):
    """Exactly this consent (person, purpose, data categories, organisations, who gave it, when, until when)
    is already recorded and in force: the same form sent twice. ``consent`` is the one recorded. A renewal
    (another end date) or a consent given by someone else (a 16-year-old besides their parent) is another
    consent and is recorded."""

    def __init__(self, consent: Consent) -> None:
        super().__init__(
            _(
                "Toestemming: precies deze toestemming is al vastgelegd (gegeven op %(given)s, geldig tot en met "
                "%(until)s)."
            )
            % {"given": consent.given_on.strftime("%d-%m-%Y"), "until": consent.valid_until.strftime("%d-%m-%Y")}
        )
        self.consent = consent


def mark_messages_read(*, recipient: User) -> int:
    return Message.objects.filter(recipient=recipient, read_at__isnull=True).update(read_at=timezone.now())


def send_message(*, recipient: User, text: str, link: str = "") -> Message:
    return Message.objects.create(recipient=recipient, text=text[:500], link=link, created_at=timezone.now())


@transaction.atomic
def start_emergency_access(*, actor: User, bsn: str, reason: str) -> EmergencyAccess:
    if actor.role not in CASE_ROLES or actor.team is None:
        raise DomainError(_("Noodtoegang: alleen een professional of teamleider van een team kan noodtoegang vragen."))
    if len(reason.strip()) < MIN_REASON:
        raise DomainError(
            _("Reden: beschrijf waarom u nu moet handelen, in ten minste %(n)s tekens.") % {"n": MIN_REASON},
            field="reason",
        )
    person = Person.objects.filter(bsn=normalise_bsn(bsn)).first()
    household = current_household_of(person=person, on=today()) if person is not None else None
    if household is None:
        raise DomainError(_("BSN: er is geen huishouden bekend met een inwoner met dit nummer."), field="bsn")
    if household.municipality_id != actor.team.area.municipality_id:
        raise DomainError(
            _("BSN: deze inwoner woont in een andere gemeente; noodtoegang geldt alleen binnen uw gemeente."),
            field="bsn",
        )
    if households_visible_to(actor).filter(pk=household.pk).exists():
        raise AlreadyVisible(household.pk)
    now = timezone.now()
    access = EmergencyAccess.objects.create(
        user=actor,
        household=household,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + dt.timedelta(hours=settings.EMERGENCY_ACCESS_HOURS),
    )
    text = _("Noodtoegang: %(user)s (%(org)s) opende het dossier van %(household)s. Reden: %(reason)s") % {
        "user": actor,
        "org": actor.organisation.name if actor.organisation else "-",
        "household": household.name,
        "reason": access.reason,
    }
    recipients = set(
        User.objects.filter(role=User.Role.PRIVACY_OFFICER, is_active=True, municipality_id=household.municipality_id)
    )
    trajectory = open_trajectory_of(household=household)
    regisseur = current_regisseur(trajectory=trajectory) if trajectory is not None else None
    if regisseur is not None:
        recipients.add(regisseur.professional)
    for recipient in recipients:
        send_message(
            recipient=recipient,
            text=text,
            link=f"/privacy/noodtoegang/#noodtoegang-{access.pk}"
            if recipient.role == User.Role.PRIVACY_OFFICER
            else f"/huishoudens/{household.pk}/",
        )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=access,
        subjects=member_ids(household_id=household.pk),
        emergency=True,
        legal_basis=f"noodtoegang {access.pk}",
        detail=access.reason,
    )
    return access


@transaction.atomic
def review_emergency_access(*, actor: User, access: EmergencyAccess, verdict: str, note: str) -> EmergencyAccess:
    if actor.role != User.Role.PRIVACY_OFFICER or access.household.municipality_id != actor.municipality_id:
        raise DomainError(_("Beoordelen: alleen de privacyfunctionaris van de gemeente beoordeelt noodtoegang."))
    locked = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if locked.reviewed_at is not None:
        raise DomainError(_("Beoordelen: deze noodtoegang is al beoordeeld."))
    if verdict not in EmergencyAccess.Verdict.values:
        raise DomainError(_("Oordeel: kies terecht of onterecht."), field="verdict")
    if verdict == EmergencyAccess.Verdict.UNJUSTIFIED and not note.strip():
        raise DomainError(_("Toelichting: leg uit waarom de noodtoegang onterecht was."), field="note")
    locked.verdict, locked.review_note = verdict, note.strip()
    locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
    fields = ["verdict", "review_note", "reviewed_at", "reviewed_by"]
    if verdict == EmergencyAccess.Verdict.UNJUSTIFIED:
        if locked.expires_at > locked.reviewed_at:
            locked.expires_at = locked.reviewed_at  # not justified: a running access ends now
            fields.append("expires_at")
        # and whatever the user attached themselves to during the access ends with it
        Involvement.objects.filter(
            trajectory__household_id=locked.household_id,
            professional_id=locked.user_id,
            end_date__isnull=True,
            start_date__gte=timezone.localtime(locked.started_at).date(),
        ).update(end_date=today())
    locked.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=member_ids(household_id=locked.household_id),
        detail=f"beoordeeld: {verdict}",
    )
    send_message(
        recipient=locked.user,
        text=_("Uw noodtoegang tot %(household)s is beoordeeld: %(verdict)s. %(note)s")
        % {"household": locked.household.name, "verdict": locked.get_verdict_display(), "note": locked.review_note},
    )
    return locked


def _consent_activity_error() -> DomainError:
    return DomainError(_("Doel: toestemming hoort bij een verwerking die op toestemming rust."), field="activity")


@transaction.atomic
def record_consent(
    *,
    actor: User,
    person: Person,
    activity: ProcessingActivity,
    given_by: str,
    categories: list[str],
    organisations: list[Organisation],
    given_on: dt.date,
    valid_until: dt.date,
    representative_name: str = "",
) -> Consent:
    if activity.basis != ProcessingActivity.Basis.CONSENT:
        raise _consent_activity_error()
    if given_by not in Consent.GivenBy.values:
        raise DomainError(_("Gegeven door: kies de inwoner of de wettelijk vertegenwoordiger."), field="given_by")
    if given_on > today():
        raise DomainError(_("Gegeven op: de datum ligt in de toekomst."), field="given_on")
    if given_on < today() - dt.timedelta(days=366):
        raise DomainError(
            _("Gegeven op: ligt meer dan een jaar terug; leg een toestemming vast wanneer die gegeven wordt."),
            field="given_on",
        )
    age = person.age_on(given_on)
    if given_by == Consent.GivenBy.RESIDENT and age is not None and age < CONSENT_OWN_AGE:
        raise DomainError(
            _(
                "Gegeven door: een inwoner jonger dan %(age)s jaar geeft toestemming via een wettelijk "
                "vertegenwoordiger (UAVG art. 5)."
            )
            % {"age": CONSENT_OWN_AGE},
            field="given_by",
        )
    if given_by == Consent.GivenBy.REPRESENTATIVE and not representative_name.strip():
        raise DomainError(
            _("Naam vertegenwoordiger: noem wie namens de inwoner toestemming gaf."), field="representative_name"
        )
    unknown = [c for c in categories if c not in Consent.Category.values]
    if not categories or unknown:
        raise DomainError(_("Gegevenscategorieën: kies waarvoor de toestemming geldt."), field="categories")
    if not organisations:
        raise DomainError(_("Organisaties: kies met welke organisaties gedeeld mag worden."), field="organisations")
    if valid_until < today():
        raise DomainError(_("Geldig tot en met: de datum ligt in het verleden."), field="valid_until")
    if valid_until > add_months(given_on, 12 * settings.CONSENT_MAX_YEARS):
        raise DomainError(
            _("Geldig tot en met: toestemming geldt hoogstens %(n)s jaar; vraag daarna opnieuw.")
            % {"n": settings.CONSENT_MAX_YEARS},
            field="valid_until",
        )
    wait_for_writes_on(Person, person.pk)  # the same form sent twice finds the first's consent below
    existing = same_consent_in_force(
        person=person,
        activity=activity,
        categories=categories,
        organisations=organisations,
        given_by=given_by,
        representative_name=representative_name.strip(),
        given_on=given_on,
        valid_until=valid_until,
    )
    if existing is not None:
        raise ConsentExists(existing)
    consent = Consent.objects.create(
        person=person,
        activity=activity,
        given_by=given_by,
        representative_name=representative_name.strip(),
        categories=sorted(set(categories)),
        given_on=given_on,
        valid_until=valid_until,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    consent.organisations.set(organisations)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=consent,
        subjects=[person.pk],
        legal_basis=f"toestemming {consent.pk}",
        detail=", ".join(o.name for o in organisations)[:300],
    )
    return consent


def same_consent_in_force(
    *,
    person: Person,
    activity: ProcessingActivity,
    categories: list[str],
    organisations: list[Organisation],
    given_by: str,
    representative_name: str,
    given_on: dt.date,
    valid_until: dt.date,
) -> Consent | None:
    """The person's consent not withdrawn that is exactly this one (the same form sent again), if any."""
    wanted = (sorted(set(categories)), {o.pk for o in organisations})
    candidates = Consent.objects.filter(
        person=person,
        activity=activity,
        given_by=given_by,
        representative_name=representative_name,
        given_on=given_on,
        valid_until=valid_until,
        withdrawn_on__isnull=True,
    ).prefetch_related("organisations")
    for consent in candidates.order_by("pk"):
        if (sorted(set(consent.categories)), {o.pk for o in consent.organisations.all()}) == wanted:
            return consent
    return None


@transaction.atomic
def withdraw_consent(*, actor: User, consent: Consent, on: dt.date) -> Consent:
    """Withdrawal takes effect at once: involvements that rest on this consent end today."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise DomainError(_("Toestemming: deze toestemming is al ingetrokken."))
    locked.withdrawn_on = on
    locked.save(update_fields=["withdrawn_on"])
    Involvement.objects.filter(consent=locked, end_date__isnull=True).update(end_date=on)
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        subjects=[locked.person_id],
        legal_basis=f"toestemming {locked.pk}",
        detail="ingetrokken",
    )
    return locked


def legal_basis_for_share(*, activity: ProcessingActivity, organisation: Organisation) -> str:
    """The reference of a legal basis that allows sharing with this organisation (one that carries out
    that law's task, ``ProcessingActivity.partner_kinds``), or a DomainError naming the basis field."""
    if activity.basis != ProcessingActivity.Basis.LAW or organisation.kind not in activity.partner_kinds:
        raise DomainError(
            _(
                "Grondslag: %(basis)s is geen grondslag om met %(org)s te delen; deze organisatie voert die "
                "wettelijke taak niet uit. Vraag toestemming."
            )
            % {"basis": activity.reference, "org": organisation.name},
            field="basis",
        )
    return activity.reference


def consent_for_share(
    *, household: Household, organisation: Organisation, on: dt.date, person: Person | None = None
) -> Consent:
    """A consent of a current member (of ``person`` when given: a share about one member rests on that
    member's own consent) that allows sharing with this organisation today, or a DomainError that says
    why not (none, expired, withdrawn)."""
    current_members = Membership.objects.filter(household=household, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if person is not None:
        current_members = current_members.filter(person=person)
    candidates = list(
        Consent.objects.filter(
            person_id__in=current_members.values("person_id"),
            activity__basis=ProcessingActivity.Basis.CONSENT,
            organisations=organisation,
        ).order_by("-valid_until")
    )
    for consent in candidates:
        if consent.withdrawn_on is None and consent.given_on <= on <= consent.valid_until:
            return consent
    withdrawn = [c for c in candidates if c.withdrawn_on is not None]
    expired = [c for c in candidates if c.withdrawn_on is None and c.valid_until < on]
    if withdrawn:
        reason = _("de toestemming is ingetrokken op %(day)s") % {
            "day": (withdrawn[0].withdrawn_on or on).strftime("%d-%m-%Y")
        }
    elif expired:
        reason = _("de toestemming is verlopen op %(day)s") % {"day": expired[0].valid_until.strftime("%d-%m-%Y")}
    elif person is not None:
        reason = _("er is geen toestemming van %(name)s vastgelegd") % {"name": person.full_name}
    else:
        reason = _("er is geen toestemming vastgelegd")
    raise DomainError(
        _("Grondslag: delen met %(org)s kan niet: %(reason)s.") % {"org": organisation.name, "reason": reason},
        field="basis",
    )


@transaction.atomic
def set_legal_hold(*, actor: User, trajectory: Trajectory, hold: bool, reason: str = "") -> Trajectory:
    """A legal hold keeps a closed dossier past its term (a procedure, a claim); lifting it needs no reason."""
    if actor.role != User.Role.PRIVACY_OFFICER or trajectory.household.municipality_id != actor.municipality_id:
        raise DomainError(_("Blokkade: alleen de privacyfunctionaris van de gemeente zet of haalt een blokkade."))
    if hold and not reason.strip():
        raise DomainError(_("Reden blokkade: noem waarom het dossier langer bewaard moet worden."), field="reason")
    if len(reason.strip()) > 300:
        raise DomainError(_("Reden blokkade: gebruik ten hoogste 300 tekens."), field="reason")
    Trajectory.objects.filter(pk=trajectory.pk).update(
        legal_hold=hold, legal_hold_reason=reason.strip() if hold else ""
    )
    trajectory.refresh_from_db()
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=trajectory,
        subjects=member_ids(household_id=trajectory.household_id),
        detail=("juridische blokkade: " + reason.strip()) if hold else "blokkade opgeheven",
    )
    return trajectory


def log_refused_emergency(*, actor: User, bsn: str, reason: str) -> None:
    """A refused break-the-glass attempt is itself worth knowing: log it, with the person if known."""
    try:
        person = Person.objects.filter(bsn=normalise_bsn(bsn)).first()
    except DomainError:
        person = None
    audit.record(
        actor=actor,
        action=audit.Action.DENIED,
        object_type="emergencyaccess",
        subjects=[person.pk] if person else [],
        detail=f"noodtoegang geweigerd: {reason}",
    )
