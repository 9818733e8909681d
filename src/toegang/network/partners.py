"""Contact persons and partner agreements, the network of an area (wijk/kern), and the network part of
steering: how partners keep their agreements, what became of the escalations and of the referrals.

Writes (services) are for the municipality's functional administrator only, each in one transaction with
one audit row; reads (selectors) return plain data built from a few flat queries. Nothing here is about
residents: the steering figures are counts per organisation."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import DateField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from toegang.accounts.models import Area, Organisation, Team, User
from toegang.audit import services as audit
from toegang.common.dates import add_months, today
from toegang.common.errors import DomainError
from toegang.common.periods import Period
from toegang.network.models import (
    CommunityService,
    ContactPerson,
    Escalation,
    EscalationStep,
    PartnerAgreement,
    Referral,
)
from toegang.procedures.calendar import add_working_days

MAX_NORM = 999
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,28}$")

# --- who may change ----------------------------------------------------------------------------------------


def may_manage(user: User, municipality_id: int | None) -> bool:
    """The municipality's functional administrator (role "beheerder" of that municipality)."""
    return (
        user.is_active
        and user.role == User.Role.FUNCTIONAL_ADMIN
        and municipality_id is not None
        and user.municipality_id == municipality_id
    )


def _require_manager(actor: User, municipality_id: int | None) -> None:
    if not may_manage(actor, municipality_id):
        raise DomainError("Alleen de functioneel beheerder van de gemeente wijzigt contactpersonen en afspraken.")


def organisations_for(municipality_id: int) -> QuerySet[Organisation]:
    """The organisations a municipality works with: its own and those not bound to any municipality
    (regional providers); organisations of another municipality are left out."""
    return Organisation.objects.filter(Q(municipality_id=municipality_id) | Q(municipality__isnull=True)).order_by(
        "name"
    )


def _check_organisation(organisation: Organisation | None, municipality_id: int) -> Organisation:
    if organisation is None or organisation.municipality_id not in (None, municipality_id):
        raise DomainError("Organisatie: kies een organisatie uit de lijst.", field="organisation")
    return organisation


# --- contact persons ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDetails:
    name: str
    function: str
    email: str
    phone: str


def _clean_contact(
    *, area: Area | None, municipality_id: int, name: str, function: str, email: str, phone: str
) -> ContactDetails:
    name, function = (name or "").strip(), (function or "").strip()
    email, phone = (email or "").strip().lower(), " ".join((phone or "").split())
    if not name:
        raise DomainError("Naam: vul de naam van de contactpersoon in.", field="name")
    if len(name) > 200:
        raise DomainError("Naam: gebruik ten hoogste 200 tekens.", field="name")
    if len(function) > 100:
        raise DomainError("Functie: gebruik ten hoogste 100 tekens.", field="function")
    if not email and not phone:
        raise DomainError("E-mail: vul een e-mailadres of een telefoonnummer in.", field="email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                "E-mail: vul een geldig e-mailadres in, zoals naam@organisatie.nl.", field="email"
            ) from None
    if phone and not PHONE.match(phone):
        raise DomainError(
            "Telefoon: gebruik alleen cijfers, spaties, haakjes, een streepje en eventueel een + vooraan.",
            field="phone",
        )
    if area is not None and area.municipality_id != municipality_id:
        raise DomainError("Wijk of kern: kies een wijk of kern van de eigen gemeente.", field="area")
    return ContactDetails(name=name, function=function, email=email, phone=phone)


@transaction.atomic
def add_contact_person(
    *,
    actor: User,
    organisation: Organisation | None,
    area: Area | None,
    name: str,
    function: str = "",
    email: str = "",
    phone: str = "",
    user: User | None = None,
) -> ContactPerson:
    """A named contact person of a partner organisation, for one wijk/kern or (without one) for the whole
    municipality."""
    _require_manager(actor, actor.municipality_id)
    assert actor.municipality_id is not None  # noqa: S101 - may_manage
    org = _check_organisation(organisation, actor.municipality_id)
    details = _clean_contact(
        area=area, municipality_id=actor.municipality_id, name=name, function=function, email=email, phone=phone
    )
    if user is not None and user.organisation_id != org.pk:
        raise DomainError("Account: kies een account van dezelfde organisatie.", field="user")
    person = ContactPerson.objects.create(
        organisation=org,
        municipality_id=actor.municipality_id,
        area=area,
        user=user,
        name=details.name,
        function=details.function,
        email=details.email,
        phone=details.phone,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=person,
        detail=f"contactpersoon van {org.name} voor {area.name if area else 'de hele gemeente'}",
    )
    return person


@transaction.atomic
def change_contact_person(
    *,
    actor: User,
    contact_person: ContactPerson,
    area: Area | None,
    name: str,
    function: str = "",
    email: str = "",
    phone: str = "",
) -> ContactPerson:
    locked = ContactPerson.objects.select_for_update().get(pk=contact_person.pk)
    _require_manager(actor, locked.municipality_id)
    details = _clean_contact(
        area=area, municipality_id=locked.municipality_id, name=name, function=function, email=email, phone=phone
    )
    locked.area, locked.name, locked.function, locked.email, locked.phone = (
        area,
        details.name,
        details.function,
        details.email,
        details.phone,
    )
    locked.save(update_fields=["area", "name", "function", "email", "phone"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, detail="contactpersoon gewijzigd")
    return locked


@transaction.atomic
def remove_contact_person(*, actor: User, contact_person: ContactPerson) -> None:
    locked = ContactPerson.objects.select_for_update().filter(pk=contact_person.pk).first()
    if locked is None:
        raise DomainError("Deze contactpersoon is al verwijderd.")
    _require_manager(actor, locked.municipality_id)
    audit.record(
        actor=actor,
        action=audit.Action.DELETE,
        object_type="contactperson",
        object_id=locked.pk,
        detail=f"contactpersoon van organisatie {locked.organisation_id} verwijderd",
    )
    locked.delete()


# --- agreements --------------------------------------------------------------------------------------------


def _overlapping(
    *, organisation_id: int, municipality_id: int, kind: str, start: dt.date, end: dt.date | None
) -> QuerySet[PartnerAgreement]:
    """Agreements of the same kind with the same organisation whose period shares a day with start–end."""
    found = PartnerAgreement.objects.filter(
        organisation_id=organisation_id, municipality_id=municipality_id, kind=kind
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
    if end is not None:
        found = found.filter(valid_from__lte=end)
    return found


def _overlap_message(other: PartnerAgreement) -> str:
    until = f"t/m {other.valid_until:%d-%m-%Y}" if other.valid_until else "zonder einddatum"
    return (
        f"Geldig vanaf: er geldt al een afspraak '{other.get_kind_display()}' met deze organisatie "
        f"(vanaf {other.valid_from:%d-%m-%Y} {until}); beëindig die eerst of kies een andere periode."
    )


@transaction.atomic
def add_agreement(
    *,
    actor: User,
    organisation: Organisation | None,
    kind: str,
    value: int | None,
    valid_from: dt.date | None,
    valid_until: dt.date | None = None,
    note: str = "",
) -> PartnerAgreement:
    """An agreement with a partner: answer within N working days, start within N working days, or a
    capacity of N referrals a month. Two agreements of the same kind with one organisation never share
    a day."""
    _require_manager(actor, actor.municipality_id)
    assert actor.municipality_id is not None  # noqa: S101 - may_manage
    org = _check_organisation(organisation, actor.municipality_id)
    if kind not in PartnerAgreement.Kind.values:
        raise DomainError("Afspraak: kies een soort afspraak uit de lijst.", field="kind")
    if value is None or not 1 <= value <= MAX_NORM:
        raise DomainError(f"Norm: vul een geheel getal van 1 tot en met {MAX_NORM} in.", field="value")
    if valid_from is None:
        raise DomainError("Geldig vanaf: vul een datum in.", field="valid_from")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError("Geldig tot en met: de datum ligt vóór 'geldig vanaf'.", field="valid_until")
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("Toelichting: gebruik ten hoogste 300 tekens.", field="note")
    Organisation.objects.select_for_update().filter(pk=org.pk).first()  # one writer per organisation
    other = (
        _overlapping(
            organisation_id=org.pk, municipality_id=actor.municipality_id, kind=kind, start=valid_from, end=valid_until
        )
        .order_by("valid_from")
        .first()
    )
    if other is not None:
        raise DomainError(_overlap_message(other), field="valid_from")
    agreement = PartnerAgreement.objects.create(
        organisation=org,
        municipality_id=actor.municipality_id,
        kind=kind,
        value=value,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        obj=agreement,
        detail=f"afspraak {kind} {value} met {org.name} vanaf {valid_from:%d-%m-%Y}",
    )
    return agreement


@transaction.atomic
def end_agreement(*, actor: User, agreement: PartnerAgreement, valid_until: dt.date | None) -> PartnerAgreement:
    """End an agreement: it holds up to and including ``valid_until``. An end can be brought forward, not
    pushed back (a longer period is a new agreement)."""
    locked = PartnerAgreement.objects.select_for_update().get(pk=agreement.pk)
    _require_manager(actor, locked.municipality_id)
    if valid_until is None:
        raise DomainError("Geldig tot en met: vul een datum in.", field="valid_until")
    if valid_until < locked.valid_from:
        raise DomainError(
            f"Geldig tot en met: de afspraak geldt pas vanaf {locked.valid_from:%d-%m-%Y}; kies die dag of later.",
            field="valid_until",
        )
    if locked.valid_until is not None and valid_until > locked.valid_until:
        raise DomainError(
            f"Geldig tot en met: de afspraak loopt al af op {locked.valid_until:%d-%m-%Y}; "
            "voor een langere periode legt u een nieuwe afspraak vast.",
            field="valid_until",
        )
    locked.valid_until = valid_until
    locked.save(update_fields=["valid_until"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, detail=f"afspraak beëindigd per {valid_until:%d-%m-%Y}"
    )
    return locked


# --- reads: contact persons and the network of an area ------------------------------------------------------


def contact_persons_for_area(*, municipality_id: int, area_id: int) -> list[ContactPerson]:
    """The contact persons for one wijk/kern, and those for the whole municipality; per organisation, the
    area's own first."""
    rows = ContactPerson.objects.filter(municipality_id=municipality_id).filter(
        Q(area_id=area_id) | Q(area__isnull=True)
    )
    found = list(rows.select_related("organisation", "area").order_by("organisation__name", "name", "pk"))
    found.sort(key=lambda c: (c.organisation.name, c.area_id is None, c.name))
    return found


def agreements_in_force(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def agreed_value(*, kind: str, organisation_id: int, municipality_id: int, on: dt.date) -> int | None:
    """The norm of the agreement of this kind with this organisation that holds on ``on``, if any
    (adding an agreement refuses an overlap, so there is at most one)."""
    agreement = (
        PartnerAgreement.objects.filter(agreements_in_force(on), organisation_id=organisation_id, kind=kind)
        .filter(municipality_id=municipality_id)
        .order_by("-valid_from")
        .first()
    )
    return agreement.value if agreement else None


@dataclass
class OrganisationContacts:
    organisation: Organisation
    contacts: list[ContactPerson]
    agreements: list[PartnerAgreement] = field(default_factory=list)


@dataclass
class AreaNetwork:
    area: Area
    teams: list[Team]
    organisations: list[OrganisationContacts]
    service_count: int
    services: list[CommunityService]
    social_map_url: str
    other_agreements: list[OrganisationContacts]  # organisations present through their services only


def area_network(*, municipality_id: int, area_id: int, on: dt.date | None = None) -> AreaNetwork:
    """One wijk/kern as a network: its teams, the contact persons per organisation, the active services of
    the social map there, and the agreements in force with the organisations present (by a contact
    person or a service). Raises Area.DoesNotExist for an area of another municipality."""
    on = on or today()
    area = Area.objects.get(pk=area_id, municipality_id=municipality_id)
    teams = list(Team.objects.filter(area=area).order_by("name"))
    contacts = contact_persons_for_area(municipality_id=municipality_id, area_id=area.pk)
    active = CommunityService.objects.filter(
        municipality_id=municipality_id, status=CommunityService.Status.ACTIVE, areas=area
    )
    service_count = active.count()
    services = list(active.order_by("name", "pk").only("pk", "name", "organization_name", "organisation_id")[:10])
    service_orgs = active.exclude(organisation__isnull=True).values("organisation_id")
    contact_orgs = ContactPerson.objects.filter(municipality_id=municipality_id).filter(
        Q(area=area) | Q(area__isnull=True)
    )
    agreements = list(
        PartnerAgreement.objects.filter(agreements_in_force(on), municipality_id=municipality_id)
        .filter(Q(organisation_id__in=contact_orgs.values("organisation_id")) | Q(organisation_id__in=service_orgs))
        .select_related("organisation")
        .order_by("organisation__name", "kind")
    )
    grouped: dict[int, OrganisationContacts] = {}
    for contact in contacts:
        grouped.setdefault(contact.organisation_id, OrganisationContacts(contact.organisation, [])).contacts.append(
            contact
        )
    others: dict[int, OrganisationContacts] = {}
    for agreement in agreements:
        target = grouped.get(agreement.organisation_id) or others.setdefault(
            agreement.organisation_id, OrganisationContacts(agreement.organisation, [])
        )
        target.agreements.append(agreement)
    return AreaNetwork(
        area=area,
        teams=teams,
        organisations=list(grouped.values()),
        service_count=service_count,
        services=services,
        social_map_url=f"{reverse('social-map')}?area={area.pk}",
        other_agreements=list(others.values()),
    )


@dataclass
class OrganisationAdmin:
    organisation: Organisation
    contacts: list[ContactPerson]
    agreements: list[PartnerAgreement]


def network_admin(*, municipality_id: int) -> list[OrganisationAdmin]:
    """Every organisation the municipality works with, with its contact persons and agreements (three
    queries, whatever the number of organisations)."""
    organisations = list(organisations_for(municipality_id))
    contacts: dict[int, list[ContactPerson]] = defaultdict(list)
    for contact in (
        ContactPerson.objects.filter(municipality_id=municipality_id)
        .select_related("area")
        .order_by("area__name", "name", "pk")
    ):
        contacts[contact.organisation_id].append(contact)
    agreements: dict[int, list[PartnerAgreement]] = defaultdict(list)
    for agreement in PartnerAgreement.objects.filter(municipality_id=municipality_id).order_by(
        "kind", "valid_from", "pk"
    ):
        agreements[agreement.organisation_id].append(agreement)
    return [OrganisationAdmin(org, contacts[org.pk], agreements[org.pk]) for org in organisations]


# --- periods -------------------------------------------------------------------------------------------------

MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# --- compliance per partner --------------------------------------------------------------------------------


@dataclass
class Norm:
    """How referrals kept one working-day agreement in a period."""

    values: list[int]  # the norm(s) in force in the period, in order (more than one when it changed)
    on_time: int = 0
    late: int = 0
    pending: int = 0  # no answer/start yet, deadline not passed: not counted in the share

    @property
    def counted(self) -> int:
        return self.on_time + self.late

    @property
    def share(self) -> int | None:
        """Percentage on time of the counted referrals, rounded; None when none counted."""
        return round(100 * self.on_time / self.counted) if self.counted else None


@dataclass
class CapacityMonth:
    month: dt.date
    accepted: int
    capacity: int | None  # None: no capacity agreement in force that month

    @property
    def label(self) -> str:
        return f"{MONTHS[self.month.month - 1]} {self.month.year}"

    @property
    def share(self) -> int | None:
        """Accepted referrals as a percentage of the capacity (the use of the agreed capacity)."""
        return round(100 * self.accepted / self.capacity) if self.capacity else None


@dataclass
class PartnerCompliance:
    organisation_id: int
    organisation: str
    answer: Norm | None = None
    start: Norm | None = None
    capacity: list[CapacityMonth] | None = None


_ACCEPTED = {
    Referral.Status.ACCEPTED,
    Referral.Status.STARTED,
    Referral.Status.COMPLETED,
    Referral.Status.NO_SHOW,
}
_START_COUNTS = {Referral.Status.ACCEPTED, Referral.Status.STARTED, Referral.Status.COMPLETED}


class Agreements:
    """The agreements of one municipality by organisation and kind, to find the one valid on a day."""

    def __init__(self, rows: Iterable[PartnerAgreement]) -> None:
        self.by_key: dict[tuple[int, str], list[PartnerAgreement]] = defaultdict(list)
        for row in rows:
            self.by_key[(row.organisation_id, row.kind)].append(row)

    def on(self, organisation_id: int, kind: str, day: dt.date) -> PartnerAgreement | None:
        for agreement in self.by_key.get((organisation_id, kind), ()):
            if agreement.valid_from <= day and (agreement.valid_until is None or day <= agreement.valid_until):
                return agreement
        return None

    def values_in(self, organisation_id: int, kind: str, period: Period) -> list[int]:
        return [
            a.value
            for a in self.by_key.get((organisation_id, kind), ())
            if a.valid_from <= period.end and (a.valid_until is None or a.valid_until >= period.start)
        ]


def compliance(*, municipality_id: int, period: Period, as_of: dt.date | None = None) -> list[PartnerCompliance]:
    """Per organisation with an agreement in force in the period, how its referrals kept it.

    ANSWER: of the referrals sent in the period, answered (accepted or declined) within N working days of
    the day they were sent — on time; answered later, or not answered and the deadline passed (on
    ``as_of``) — late; not answered and the deadline still ahead — pending, outside the share. A referral
    withdrawn before any answer is left out. START: of the referrals sent in the period and accepted,
    started within N working days of sending; "not shown up" and withdrawn ones are left out.
    CAPACITY: per month of the period, the referrals accepted that month against the capacity.
    Each referral is measured against the agreement valid on the day it was sent (for capacity: on the day
    it was accepted). Two queries: the agreements and the referrals' dates."""
    as_of = as_of or today()
    agreements = list(
        PartnerAgreement.objects.filter(municipality_id=municipality_id, valid_from__lte=period.end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=period.start))
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id", "kind", "valid_from")
    )
    if not agreements:
        return []
    index = Agreements(agreements)
    rows = Referral.objects.filter(
        trajectory__household__municipality_id=municipality_id,
        organisation_id__in={a.organisation_id for a in agreements},
    ).filter(Q(sent_on__range=(period.start, period.end)) | Q(answered_on__range=(period.start, period.end)))
    dates = rows.values_list("organisation_id", "status", "sent_on", "answered_on", "started_on")
    result: dict[int, PartnerCompliance] = {}
    kinds = PartnerAgreement.Kind
    for agreement in agreements:
        org_id = agreement.organisation_id
        entry = result.setdefault(org_id, PartnerCompliance(org_id, agreement.organisation.name))
        if agreement.kind == kinds.ANSWER and entry.answer is None:
            entry.answer = Norm(index.values_in(org_id, kinds.ANSWER, period))
        elif agreement.kind == kinds.START and entry.start is None:
            entry.start = Norm(index.values_in(org_id, kinds.START, period))
        elif agreement.kind == kinds.CAPACITY and entry.capacity is None:
            entry.capacity = [CapacityMonth(month, 0, _capacity_in(index, org_id, month)) for month in period.months()]
    for org_id, status, sent_on, answered_on, started_on in dates:
        entry = result[org_id]
        if sent_on is not None and sent_on in period:
            answer = index.on(org_id, kinds.ANSWER, sent_on)
            if answer is not None and entry.answer is not None:
                _count(entry.answer, sent_on, answer.value, answered_on, status == Referral.Status.WITHDRAWN, as_of)
            start = index.on(org_id, kinds.START, sent_on)
            accepted = status in _START_COUNTS or started_on is not None
            if start is not None and entry.start is not None and accepted:
                _count(entry.start, sent_on, start.value, started_on, False, as_of)
        accepted_on = answered_on if status in _ACCEPTED or started_on is not None else None
        if entry.capacity is not None and accepted_on is not None and accepted_on in period:
            for month in entry.capacity:
                if (month.month.year, month.month.month) == (accepted_on.year, accepted_on.month):
                    month.accepted += 1
    return list(result.values())


def _capacity_in(index: Agreements, organisation_id: int, month: dt.date) -> int | None:
    """The capacity valid on the month's last day (or on its first, when it ended during the month)."""
    last = add_months(month, 1) - dt.timedelta(days=1)
    agreement = index.on(organisation_id, PartnerAgreement.Kind.CAPACITY, last) or index.on(
        organisation_id, PartnerAgreement.Kind.CAPACITY, month
    )
    return agreement.value if agreement else None


def _count(norm: Norm, sent_on: dt.date, days: int, done_on: dt.date | None, withdrawn: bool, as_of: dt.date) -> None:
    deadline = add_working_days(sent_on, days)
    if done_on is not None:
        if done_on <= deadline:
            norm.on_time += 1
        else:
            norm.late += 1
    elif withdrawn:
        return
    elif as_of > deadline:
        norm.late += 1
    else:
        norm.pending += 1


# --- escalations and referral outcomes in steering ---------------------------------------------------------


@dataclass
class EscalationFigures:
    raised: int = 0
    decided: int = 0
    withdrawn: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0
    median_days_to_decision: float | None = None
    decided_per_level: list[tuple[str, int]] = field(default_factory=list)


def escalation_figures(*, municipality_id: int, period: Period) -> EscalationFigures:
    """Escalations of the municipality in a period: raised, decided and withdrawn in it; open on its last
    day, and of those the ones past their deadline; the median number of days from raising to decision
    of those decided in it; and how many were decided at each level of the ladder. One query."""
    withdrawn_on = Subquery(
        EscalationStep.objects.filter(escalation=OuterRef("pk"), outcome=EscalationStep.Outcome.WITHDRAWN)
        .order_by("pk")
        .values("left_on")[:1],
        output_field=DateField(),
    )
    rows = (
        Escalation.objects.filter(level__municipality_id=municipality_id, raised_on__lte=period.end)
        .annotate(withdrawn_on=withdrawn_on)
        .filter(
            Q(status=Escalation.Status.OPEN)
            | Q(raised_on__gte=period.start)
            | Q(decided_on__gte=period.start)
            | Q(withdrawn_on__gte=period.start)
        )
        .values_list("raised_on", "status", "decided_on", "withdrawn_on", "deadline", "level__rank", "level__title")
    )
    figures = EscalationFigures()
    days: list[int] = []
    per_level: Counter[tuple[int, str]] = Counter()
    for raised_on, status, decided_on, withdrawn, deadline, rank, title in rows:
        figures.raised += raised_on in period
        closed_on = decided_on if status == Escalation.Status.DECIDED else withdrawn
        if status == Escalation.Status.DECIDED and decided_on is not None and decided_on in period:
            figures.decided += 1
            days.append((decided_on - raised_on).days)
            per_level[(rank, title)] += 1
        if status == Escalation.Status.WITHDRAWN and withdrawn in period:
            figures.withdrawn += 1
        if status == Escalation.Status.OPEN or (closed_on is not None and closed_on > period.end):
            figures.open_at_end += 1
            figures.overdue_at_end += deadline < period.end
    figures.median_days_to_decision = statistics.median(days) if days else None
    figures.decided_per_level = [(title, n) for (_rank, title), n in sorted(per_level.items())]
    return figures


FINAL = [
    Referral.Status.COMPLETED,
    Referral.Status.NO_SHOW,
    Referral.Status.DECLINED,
    Referral.Status.WITHDRAWN,
]


@dataclass
class ReferralOutcome:
    organisation: str
    counts: dict[str, int]  # per final status
    helped: dict[str, int]  # per answer ja/deels/nee

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def helped_total(self) -> int:
        return sum(self.helped.values())

    def helped_share(self, answer: str) -> int | None:
        return round(100 * self.helped[answer] / self.helped_total) if self.helped_total else None

    @property
    def helped_shares(self) -> list[int | None]:
        return [self.helped_share(answer) for answer in Referral.Helped.values]

    @property
    def count_list(self) -> list[int]:
        return [self.counts[status] for status in FINAL]


def referral_outcomes(*, municipality_id: int, period: Period) -> list[ReferralOutcome]:
    """Per receiving organisation, the referrals that ended in the period (closed in it; a declined one
    without a closing day on the day it was answered): how many per final status, and of those with
    feedback, the share helped yes, partly, no. One query."""
    within = (period.start, period.end)
    rows = (
        Referral.objects.filter(trajectory__household__municipality_id=municipality_id, status__in=FINAL)
        .filter(
            Q(closed_on__range=within)
            | Q(closed_on__isnull=True, status=Referral.Status.DECLINED, answered_on__range=within)
        )
        .values_list("organisation__name", "status", "helped")
        .order_by("organisation__name")
    )
    result: dict[str, ReferralOutcome] = {}
    for name, status, helped in rows:
        entry = result.setdefault(
            name, ReferralOutcome(name, dict.fromkeys(FINAL, 0), dict.fromkeys(Referral.Helped.values, 0))
        )
        entry.counts[status] += 1
        if helped:
            entry.helped[helped] += 1
    return list(result.values())
