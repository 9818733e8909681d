"""Contact persons and partner agreements, the network of an area, and the network part of steering.

Only the municipality's functional administrator changes contact persons and agreements; bad input is
refused with a Dutch message naming the field and writes nothing; two agreements of one kind with one
organisation never overlap. Compliance is counted in working days (Algemene termijnenwet calendar), each
referral against the agreement valid on the day it was sent. Pages: roles, 404 for another
municipality's area, and query counts that stay flat as organisations and areas grow."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_trajectory, make_user
from tests.querycount import page_queries
from toegang.accounts.models import Area, Organisation, Team, User
from toegang.audit.models import AuditEntry
from toegang.common.errors import DomainError
from toegang.common.periods import Period
from toegang.network import partners
from toegang.network import services as network_services
from toegang.network.demo import seed_partners
from toegang.network.models import (
    CommunityService,
    ContactPerson,
    Escalation,
    EscalationStep,
    PartnerAgreement,
    Referral,
)
from toegang.procedures.calendar import add_working_days

D = dt.date
ANSWER, START, CAPACITY = PartnerAgreement.Kind.ANSWER, PartnerAgreement.Kind.START, PartnerAgreement.Kind.CAPACITY


def contact(world, *, organisation=None, area=None, name="Anouk de Wit", **extra) -> ContactPerson:
    values = {"email": "anouk@example.org", "phone": "", "function": "Wijkcoördinator"} | extra
    return partners.add_contact_person(
        actor=world.admin, organisation=organisation or world.partner_org, area=area, name=name, **values
    )


NEW_YEAR_2025 = D(2025, 1, 1)


def agreement(world, kind=ANSWER, value=5, valid_from=NEW_YEAR_2025, valid_until=None, organisation=None):
    return partners.add_agreement(
        actor=world.admin,
        organisation=organisation or world.partner_org,
        kind=kind,
        value=value,
        valid_from=valid_from,
        valid_until=valid_until,
    )


class Referrals:
    """Referral rows made directly (the referral services are another module's), on one trajectory."""

    def __init__(self, world, trajectory=None):
        self.world = world
        self.trajectory = trajectory or make_trajectory(world)
        self.person = self.trajectory.household.memberships.first().person

    def add(self, organisation=None, *, sent_on, status=Referral.Status.SENT, **dates) -> Referral:
        if status == Referral.Status.COMPLETED:
            dates.setdefault("arrived", True)
        return Referral.objects.create(
            trajectory=self.trajectory,
            person=self.person,
            organisation=organisation or self.world.partner_org,
            question="Ondersteuning bij opvoedvragen",
            handover="Gezin is op de hoogte",
            legal_basis="Jeugdwet art. 7.4.0",
            status=status,
            created_by=self.world.professional,
            proposed_on=sent_on,
            sent_on=sent_on,
            **dates,
        )


# --- services: contact persons ------------------------------------------------------------------------------


def test_the_administrator_adds_changes_and_removes_a_contact_person_with_an_audit_row(world):
    before = AuditEntry.objects.count()
    person = contact(world, area=world.area, phone="06-12345678")
    assert (person.municipality, person.area, person.email) == (world.gemeente, world.area, "anouk@example.org")
    partners.change_contact_person(
        actor=world.admin, contact_person=person, area=None, name="Anouk de Wit", email="", phone="0800-1234"
    )
    person.refresh_from_db()
    assert person.area is None and person.phone == "0800-1234" and person.email == ""
    partners.remove_contact_person(actor=world.admin, contact_person=person)
    assert not ContactPerson.objects.exists()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)[before:])
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "  "}, "Naam: vul de naam"),
        ({"email": "", "phone": ""}, "E-mail: vul een e-mailadres of een telefoonnummer in."),
        ({"email": "geen-adres"}, "E-mail: vul een geldig e-mailadres in"),
        ({"phone": "bel me"}, "Telefoon: gebruik alleen cijfers"),
    ],
)
def test_a_contact_person_without_name_or_way_to_reach_is_refused_and_nothing_is_written(world, values, message):
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError, match=message) as refused:
        contact(world, **values)
    assert refused.value.field in {"name", "email", "phone"}
    assert not ContactPerson.objects.exists() and AuditEntry.objects.count() == before


def test_a_contact_person_for_another_municipality_is_refused(world):
    with pytest.raises(DomainError, match="Wijk of kern: kies een wijk of kern van de eigen gemeente."):
        contact(world, area=world.other_area)
    elsewhere = Organisation.objects.create(name="Welzijn Elders", kind="welzijn", municipality=world.other_gemeente)
    with pytest.raises(DomainError, match="Organisatie: kies een organisatie uit de lijst.") as refused:
        contact(world, organisation=elsewhere)
    assert refused.value.field == "organisation" and not ContactPerson.objects.exists()


@pytest.mark.parametrize("who", ["manager", "team_lead", "professional", "privacy"])
def test_only_the_functional_administrator_changes_the_network(world, who):
    actor = getattr(world, who)
    with pytest.raises(DomainError, match="Alleen de functioneel beheerder"):
        partners.add_contact_person(
            actor=actor, organisation=world.partner_org, area=None, name="X", email="x@example.org"
        )
    with pytest.raises(DomainError, match="Alleen de functioneel beheerder"):
        partners.add_agreement(
            actor=actor, organisation=world.partner_org, kind=ANSWER, value=5, valid_from=D(2025, 1, 1)
        )
    assert not ContactPerson.objects.exists() and not PartnerAgreement.objects.exists()


def test_an_administrator_of_another_municipality_changes_nothing_here(world):
    person = contact(world)
    running = agreement(world)
    other_admin = make_user(
        "beheerder2", User.Role.FUNCTIONAL_ADMIN, org=None, team=None, gemeente=world.other_gemeente
    )
    with pytest.raises(DomainError, match="Alleen de functioneel beheerder"):
        partners.remove_contact_person(actor=other_admin, contact_person=person)
    with pytest.raises(DomainError, match="Alleen de functioneel beheerder"):
        partners.end_agreement(actor=other_admin, agreement=running, valid_until=D(2025, 6, 30))
    running.refresh_from_db()
    assert ContactPerson.objects.filter(pk=person.pk).exists() and running.valid_until is None


# --- services: agreements ------------------------------------------------------------------------------------


def test_two_agreements_of_one_kind_with_one_organisation_may_not_overlap(world):
    first = agreement(world, ANSWER, 5, D(2025, 1, 1))
    agreement(world, START, 10, D(2025, 1, 1))  # another kind: fine
    agreement(world, ANSWER, 5, D(2025, 1, 1), organisation=world.municipality_org)  # another organisation: fine
    before = (PartnerAgreement.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError, match="Geldig vanaf: er geldt al een afspraak") as refused:
        agreement(world, ANSWER, 3, D(2025, 6, 1))
    assert refused.value.field == "valid_from"
    with pytest.raises(DomainError, match="Geldig vanaf: er geldt al een afspraak"):
        agreement(world, ANSWER, 3, D(2024, 1, 1), valid_until=D(2025, 1, 1))  # shares one day
    assert (PartnerAgreement.objects.count(), AuditEntry.objects.count()) == before
    partners.end_agreement(actor=world.admin, agreement=first, valid_until=D(2025, 5, 31))
    follow_up = agreement(world, ANSWER, 3, D(2025, 6, 1))
    assert follow_up.value == 3
    agreement(world, ANSWER, 4, D(2024, 1, 1), valid_until=D(2024, 12, 31))  # before the first: fine


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"value": 0}, "Norm: vul een geheel getal van 1 tot en met 999 in."),
        ({"value": None}, "Norm:"),
        ({"kind": "sneller"}, "Afspraak: kies een soort afspraak"),
        ({"valid_from": None}, "Geldig vanaf: vul een datum in."),
        ({"valid_until": D(2024, 12, 31)}, "Geldig tot en met: de datum ligt vóór 'geldig vanaf'."),
    ],
)
def test_an_agreement_without_a_norm_or_period_is_refused(world, values, message):
    arguments = {"kind": ANSWER, "value": 5, "valid_from": D(2025, 1, 1), "valid_until": None} | values
    with pytest.raises(DomainError, match=message):
        partners.add_agreement(actor=world.admin, organisation=world.partner_org, **arguments)
    assert not PartnerAgreement.objects.exists()


def test_ending_an_agreement_brings_its_end_forward_never_back(world):
    running = agreement(world, CAPACITY, 8, D(2025, 1, 1))
    with pytest.raises(DomainError, match="Geldig tot en met: de afspraak geldt pas vanaf 01-01-2025"):
        partners.end_agreement(actor=world.admin, agreement=running, valid_until=D(2024, 12, 1))
    with pytest.raises(DomainError, match="Geldig tot en met: vul een datum in."):
        partners.end_agreement(actor=world.admin, agreement=running, valid_until=None)
    partners.end_agreement(actor=world.admin, agreement=running, valid_until=D(2025, 6, 30))
    with pytest.raises(DomainError, match="loopt al af op 30-06-2025"):
        partners.end_agreement(actor=world.admin, agreement=running, valid_until=D(2025, 12, 31))
    partners.end_agreement(actor=world.admin, agreement=running, valid_until=D(2025, 3, 31))
    running.refresh_from_db()
    assert running.valid_until == D(2025, 3, 31)


# --- selectors: contact persons and the area's network --------------------------------------------------------


def add_service(world, name: str, area: Area, organisation=None, status="active") -> CommunityService:
    service = CommunityService.objects.create(
        hsds_id=uuid.uuid4(),
        municipality=area.municipality,
        organization_id=uuid.uuid4(),
        organization_name=organisation.name if organisation else "Buurtwerk Test",
        organisation=organisation,
        name=name,
        status=status,
    )
    service.areas.add(area)
    return service


def test_the_network_of_an_area(world):
    south = Area.objects.create(municipality=world.gemeente, name="Zuid-kern")
    welfare = Organisation.objects.create(name="Welzijn Test", kind="welzijn")
    debt = Organisation.objects.create(name="Schuldhulp Test", kind="schuldhulp")
    contact(world, area=world.area, name="Bram Bakker")
    contact(world, area=None, name="Chantal Yilmaz")
    contact(world, area=south, name="Daan Verhoeven")
    contact(world, organisation=welfare, area=world.area, name="Esra El Amrani")
    agreement(world, ANSWER, 5, D(2020, 1, 1))
    agreement(world, ANSWER, 4, D(2020, 1, 1), valid_until=D(2020, 12, 31), organisation=welfare)  # over
    agreement(world, START, 10, D(2020, 1, 1), organisation=debt)
    for i in range(12):
        add_service(world, f"Dienst {i:02d}", world.area, organisation=debt if i == 0 else None)
    add_service(world, "Gesloten inloop", world.area, status="inactive")
    add_service(world, "Alleen in Zuid", south)

    names = [
        c.name for c in partners.contact_persons_for_area(municipality_id=world.gemeente.pk, area_id=world.area.pk)
    ]
    assert names == ["Bram Bakker", "Chantal Yilmaz", "Esra El Amrani"]  # own area first, then municipality-wide

    network = partners.area_network(municipality_id=world.gemeente.pk, area_id=world.area.pk)
    assert [t.name for t in network.teams] == ["Team Noord"]
    assert [(o.organisation.name, [c.name for c in o.contacts]) for o in network.organisations] == [
        ("Jeugdhulp Test", ["Bram Bakker", "Chantal Yilmaz"]),
        ("Welzijn Test", ["Esra El Amrani"]),
    ]
    assert [a.value for a in network.organisations[0].agreements] == [5]
    assert network.organisations[1].agreements == []  # its agreement ended
    assert [(o.organisation.name, [a.value for a in o.agreements]) for o in network.other_agreements] == [
        ("Schuldhulp Test", [10])  # present through its service
    ]
    assert network.service_count == 12 and len(network.services) == 10
    assert network.social_map_url == f"/sociale-kaart/?area={world.area.pk}"
    with pytest.raises(Area.DoesNotExist):
        partners.area_network(municipality_id=world.gemeente.pk, area_id=world.other_area.pk)


# --- compliance ------------------------------------------------------------------------------------------------


def test_periods():
    assert Period.parse("2025-K4") == Period("kwartaal", D(2025, 10, 1), D(2025, 12, 31))
    assert Period.parse("2024-02") == Period("maand", D(2024, 2, 1), D(2024, 2, 29))
    assert Period.parse("2025-K1").previous().code == "2024-K4"
    assert Period.parse("2025-01").previous().label == "december 2024"
    assert Period.containing(D(2025, 8, 15)).label == "3e kwartaal 2025"
    for bad in ["2025-K5", "2025-13", "", "K1-2025", "0001-01", "9999-K4"]:
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_answering_on_time_counts_working_days_past_weekends_and_christmas(world):
    # 22 Dec 2025 is a Monday; 25 and 26 Dec are holidays under the Atw, 27 and 28 a weekend
    assert add_working_days(D(2025, 12, 22), 5) == D(2025, 12, 31)
    assert add_working_days(D(2025, 12, 5), 5) == D(2025, 12, 12)  # a Friday: the weekend is skipped
    assert add_working_days(D(2025, 12, 29), 5) == D(2026, 1, 6)  # New Year's Day
    agreement(world, ANSWER, 5, D(2025, 1, 1))
    r = Referrals(world)
    S = Referral.Status
    r.add(sent_on=D(2025, 12, 22), status=S.ACCEPTED, answered_on=D(2025, 12, 31))  # the last day: on time
    r.add(sent_on=D(2025, 12, 22), status=S.DECLINED, answered_on=D(2026, 1, 2), closed_on=D(2026, 1, 2))  # late
    r.add(sent_on=D(2025, 12, 5), status=S.ACCEPTED, answered_on=D(2025, 12, 12))  # on time
    r.add(sent_on=D(2025, 12, 5), status=S.ACCEPTED, answered_on=D(2025, 12, 15))  # Monday after: late
    r.add(sent_on=D(2025, 12, 1), status=S.SENT)  # no answer, deadline 8 Dec passed: late
    r.add(sent_on=D(2025, 12, 29), status=S.SENT)  # no answer, deadline 6 Jan not passed: pending
    r.add(sent_on=D(2025, 12, 2), status=S.WITHDRAWN, closed_on=D(2025, 12, 3))  # withdrawn unanswered: out
    r.add(sent_on=D(2025, 11, 28), status=S.ACCEPTED, answered_on=D(2025, 12, 1))  # sent before the period: out
    other = Referrals(world, make_trajectory(world, regisseur=world.outsider, team=world.other_team))
    other.add(sent_on=D(2025, 12, 1), status=S.SENT)  # another municipality's household: out

    [row] = partners.compliance(municipality_id=world.gemeente.pk, period=Period.parse("2025-12"), as_of=D(2026, 1, 2))
    assert row.organisation == "Jeugdhulp Test" and row.start is None and row.capacity is None
    assert (row.answer.on_time, row.answer.late, row.answer.pending, row.answer.share) == (2, 3, 1, 40)
    assert row.answer.values == [5]
    # a week later the pending one is late
    [later] = partners.compliance(
        municipality_id=world.gemeente.pk, period=Period.parse("2025-12"), as_of=D(2026, 1, 7)
    )
    assert (later.answer.on_time, later.answer.late, later.answer.pending) == (2, 4, 0)


def test_starting_and_capacity_and_the_agreement_valid_on_the_day_sent(world):
    first = agreement(world, ANSWER, 5, D(2025, 1, 1))
    partners.end_agreement(actor=world.admin, agreement=first, valid_until=D(2025, 12, 15))
    agreement(world, ANSWER, 3, D(2025, 12, 16))
    agreement(world, START, 10, D(2025, 1, 1))
    agreement(world, CAPACITY, 2, D(2025, 1, 1))
    r = Referrals(world)
    S = Referral.Status
    # sent 10 Dec under "5 days": answered 17 Dec = the fifth working day, on time
    r.add(sent_on=D(2025, 12, 10), status=S.STARTED, answered_on=D(2025, 12, 17), started_on=D(2025, 12, 23))
    # sent 17 Dec under "3 days" (18, 19, 22): answered 23 Dec is late, though "5 days" would have been met
    r.add(sent_on=D(2025, 12, 17), status=S.ACCEPTED, answered_on=D(2025, 12, 23))
    # 10 working days from 22 Dec: 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7, 8 Jan
    r.add(
        sent_on=D(2025, 12, 22),
        status=S.COMPLETED,
        answered_on=D(2025, 12, 22),
        started_on=D(2026, 1, 8),
        closed_on=D(2026, 1, 20),
        helped="ja",
    )
    r.add(sent_on=D(2025, 12, 22), status=S.NO_SHOW, answered_on=D(2025, 12, 23), closed_on=D(2026, 1, 9))
    r.add(sent_on=D(2025, 12, 1), status=S.DECLINED, answered_on=D(2025, 12, 2), closed_on=D(2025, 12, 2))
    r.add(sent_on=D(2025, 11, 20), status=S.ACCEPTED, answered_on=D(2025, 11, 21))  # November's capacity

    [row] = partners.compliance(municipality_id=world.gemeente.pk, period=Period.parse("2025-12"), as_of=D(2026, 1, 20))
    assert row.answer.values == [5, 3]
    assert (row.answer.on_time, row.answer.late, row.answer.share) == (4, 1, 80)
    # start: the started ones on time (23 Dec, 8 Jan), the accepted one of 17 Dec never started: late;
    # the no-show and the declined one are left out
    assert (row.start.on_time, row.start.late, row.start.pending, row.start.share) == (2, 1, 0, 67)
    [december] = row.capacity
    assert (december.label, december.accepted, december.capacity, december.share) == ("dec 2025", 4, 2, 200)

    quarter = partners.compliance(
        municipality_id=world.gemeente.pk, period=Period.parse("2025-K4"), as_of=D(2026, 1, 20)
    )[0]
    assert [(m.label, m.accepted, m.capacity) for m in quarter.capacity] == [
        ("okt 2025", 0, 2),
        ("nov 2025", 1, 2),
        ("dec 2025", 4, 2),
    ]


def test_no_agreements_no_rows(world):
    Referrals(world).add(sent_on=D(2025, 12, 1))
    assert partners.compliance(municipality_id=world.gemeente.pk, period=Period.parse("2025-12")) == []


# --- escalations and referral outcomes -------------------------------------------------------------------------


def escalation(world, trajectory, level, *, raised_on, deadline, status="open", decided_on=None, withdrawn_on=None):
    e = Escalation.objects.create(
        trajectory=trajectory,
        raised_by=world.professional,
        raised_on=raised_on,
        reason="wachtlijst",
        question="Welke oplossing?",
        deadline=deadline,
        level=level,
        arrived_on=raised_on,
        status=status,
        decided_on=decided_on,
        decided_by=world.team_lead if decided_on else None,
        decision="Besluit" if decided_on else "",
    )
    if withdrawn_on:
        EscalationStep.objects.create(
            escalation=e, level=level, arrived_on=raised_on, left_on=withdrawn_on, outcome="ingetrokken"
        )
    return e


def test_escalation_figures_of_a_quarter(world):
    trajectory = make_trajectory(world)
    first, second = network_services.ladder(world.gemeente.pk)[:2]
    dec, wd = Escalation.Status.DECIDED, Escalation.Status.WITHDRAWN
    escalation(
        world,
        trajectory,
        first,
        raised_on=D(2025, 10, 6),
        deadline=D(2025, 10, 20),
        status=dec,
        decided_on=D(2025, 10, 16),
    )  # 10 days
    escalation(
        world,
        trajectory,
        second,
        raised_on=D(2025, 9, 20),
        deadline=D(2025, 12, 1),
        status=dec,
        decided_on=D(2025, 11, 19),
    )  # 60 days
    escalation(
        world,
        trajectory,
        first,
        raised_on=D(2025, 11, 3),
        deadline=D(2025, 12, 1),
        status=wd,
        withdrawn_on=D(2025, 11, 10),
    )
    escalation(world, trajectory, second, raised_on=D(2025, 12, 1), deadline=D(2025, 12, 15))  # open, overdue
    escalation(
        world,
        trajectory,
        first,
        raised_on=D(2025, 12, 10),
        deadline=D(2026, 1, 31),
        status=dec,
        decided_on=D(2026, 1, 5),
    )  # open at the end of the quarter, within its deadline
    escalation(
        world, trajectory, first, raised_on=D(2025, 8, 1), deadline=D(2025, 8, 20), status=dec, decided_on=D(2025, 9, 1)
    )  # all before the quarter
    elsewhere = make_trajectory(world, regisseur=world.outsider, team=world.other_team)
    escalation(world, elsewhere, network_services.ladder(world.other_gemeente.pk)[0], raised_on=D(2025, 11, 1),
               deadline=D(2025, 11, 5))  # fmt: skip

    figures = partners.escalation_figures(municipality_id=world.gemeente.pk, period=Period.parse("2025-K4"))
    assert (figures.raised, figures.decided, figures.withdrawn) == (4, 2, 1)
    assert (figures.open_at_end, figures.overdue_at_end) == (2, 1)
    assert figures.median_days_to_decision == 35
    assert figures.decided_per_level == [("Teamleider", 1), ("Manager Toegang", 1)]
    empty = partners.escalation_figures(municipality_id=world.gemeente.pk, period=Period.parse("2024-K4"))
    assert (empty.raised, empty.open_at_end, empty.median_days_to_decision) == (0, 0, None)


def test_referral_outcomes_per_organisation(world):
    r = Referrals(world)
    S = Referral.Status
    done = {"answered_on": D(2025, 10, 2), "started_on": D(2025, 10, 6)}
    r.add(sent_on=D(2025, 10, 1), status=S.COMPLETED, closed_on=D(2025, 11, 1), helped="ja", **done)
    r.add(sent_on=D(2025, 10, 1), status=S.COMPLETED, closed_on=D(2025, 11, 2), helped="deels", **done)
    r.add(sent_on=D(2025, 10, 1), status=S.NO_SHOW, answered_on=D(2025, 10, 2), closed_on=D(2025, 10, 9))
    r.add(sent_on=D(2025, 10, 1), status=S.DECLINED, answered_on=D(2025, 10, 3), closed_on=D(2025, 10, 3))
    r.add(sent_on=D(2025, 10, 1), status=S.WITHDRAWN, closed_on=D(2025, 10, 4))
    r.add(sent_on=D(2025, 8, 1), status=S.COMPLETED, closed_on=D(2025, 9, 30), helped="nee", **done)  # before
    r.add(sent_on=D(2025, 10, 1), status=S.ACCEPTED, answered_on=D(2025, 10, 2))  # still running
    [row] = partners.referral_outcomes(municipality_id=world.gemeente.pk, period=Period.parse("2025-K4"))
    assert row.organisation == "Jeugdhulp Test" and row.total == 5
    assert row.count_list == [2, 1, 1, 1]  # afgerond, niet verschenen, afgewezen, ingetrokken
    assert row.helped_shares == [50, 50, 0]


# --- pages -------------------------------------------------------------------------------------------------


@pytest.fixture
def reporter(world):
    return make_user("melder", User.Role.REPORTER, org=world.partner_org, team=world.team)


def test_who_opens_which_page(client, world, reporter):
    pages = {
        "admin": reverse("network-admin"),
        "area": reverse("area-network"),
        "detail": reverse("area-network-detail", args=[world.area.pk]),
        "steering": reverse("network-steering"),
    }
    expected = {
        "admin": {"admin": 200, "manager": 403, "team_lead": 403, "professional": 403, "privacy": 403},
        "area": {"admin": 200, "manager": 200, "team_lead": 200, "professional": 200, "privacy": 403},
        "detail": {"admin": 200, "manager": 200, "team_lead": 200, "professional": 200, "privacy": 403},
        "steering": {"admin": 200, "manager": 200, "team_lead": 200, "professional": 403, "privacy": 403},
    }
    for page, codes in expected.items():
        for who, code in codes.items():
            client.force_login(getattr(world, who))
            assert client.get(pages[page]).status_code == code, (page, who)
        client.force_login(reporter)
        assert client.get(pages[page]).status_code == 403, (page, "melder")
    client.force_login(world.professional)
    assert client.get(reverse("area-network-detail", args=[world.other_area.pk])).status_code == 404
    assert client.get(reverse("area-network-detail", args=[999_999])).status_code == 404


def test_the_menu_shows_the_network_pages_to_the_roles_that_may_open_them(client, world, reporter):
    links = (reverse("area-network"), reverse("network-steering"), reverse("network-admin"))
    for who, shown in [
        (world.admin, (True, True, True)),
        (world.manager, (True, True, False)),
        (world.team_lead, (True, True, False)),
        (world.professional, (True, False, False)),
        (world.privacy, (False, False, False)),
        (reporter, (False, False, False)),
    ]:
        client.force_login(who)
        page = (
            client.get(reverse("social-map")).content.decode()
            if who.role != "melder"
            else client.get(reverse("partner-signals")).content.decode()
        )
        assert tuple(f'href="{link}"' in page for link in links) == shown, who.role


def test_the_administrator_page_adds_and_removes_with_errors_at_the_field(client, world):
    client.force_login(world.admin)
    url = reverse("network-admin")
    post = {"action": "contactpersoon-toevoegen", "cp-organisation": world.partner_org.pk, "cp-area": "",
            "cp-name": "Floor Jansen", "cp-function": "Consulent", "cp-email": "", "cp-phone": ""}  # fmt: skip
    before = AuditEntry.objects.count()
    refused = client.post(url, post)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "E-mail: vul een e-mailadres of een telefoonnummer in." in page and 'aria-invalid="true"' in page
    assert not ContactPerson.objects.exists() and AuditEntry.objects.count() == before
    assert client.post(url, post | {"cp-phone": "06-12345678"}).status_code == 302
    person = ContactPerson.objects.get()
    assert (person.name, person.area, person.municipality) == ("Floor Jansen", None, world.gemeente)

    deal = {"action": "afspraak-toevoegen", "ag-organisation": world.partner_org.pk, "ag-kind": "beantwoorden",
            "ag-value": "5", "ag-valid_from": "2025-01-01", "ag-valid_until": "", "ag-note": ""}  # fmt: skip
    assert client.post(url, deal).status_code == 302
    overlap = client.post(url, deal | {"ag-valid_from": "2025-03-01", "ag-value": "3"})
    assert overlap.status_code == 400 and "Geldig vanaf: er geldt al een afspraak" in overlap.content.decode()
    assert client.post(url, deal | {"ag-value": "0"}).status_code == 400
    assert PartnerAgreement.objects.count() == 1
    running = PartnerAgreement.objects.get()
    end = {"action": "afspraak-beeindigen", "id": running.pk}
    early = client.post(url, end | {f"a{running.pk}-valid_until": "2024-06-30"})
    assert early.status_code == 400 and "Geldig tot en met: de afspraak geldt pas vanaf" in early.content.decode()
    assert client.post(url, end | {f"a{running.pk}-valid_until": "2025-06-30"}).status_code == 302
    running.refresh_from_db()
    assert running.valid_until == D(2025, 6, 30)

    other_org = Organisation.objects.create(name="Ander Welzijn", kind="welzijn", municipality=world.other_gemeente)
    elsewhere = ContactPerson.objects.create(
        organisation=other_org, municipality=world.other_gemeente, name="Gijs Kok", email="gijs@example.nl"
    )
    assert client.post(url, {"action": "contactpersoon-verwijderen", "id": elsewhere.pk}).status_code == 404
    assert client.post(url, {"action": "iets-anders"}).status_code == 404
    assert client.post(url, {"action": "contactpersoon-verwijderen", "id": person.pk}).status_code == 302
    assert list(ContactPerson.objects.all()) == [elsewhere]


def test_the_area_page_shows_the_network_without_personal_data(client, world):
    contact(world, area=world.area, name="Bram Bakker")
    contact(world, area=world.other_area.__class__.objects.create(municipality=world.gemeente, name="Oost"),
            name="Ilse Smits")  # fmt: skip
    add_service(world, "Koffieochtend", world.area)
    client.force_login(world.professional)
    page = client.get(reverse("area-network")).content.decode()  # the own team's area
    assert "Team Noord" in page and "Bram Bakker" in page and "Ilse Smits" not in page
    assert "Koffieochtend" in page and f"/sociale-kaart/?area={world.area.pk}" in page
    assert "<caption" in page and 'scope="col"' in page


def test_the_steering_page(client, world):
    agreement(world, ANSWER, 5, D(2025, 1, 1))
    Referrals(world).add(sent_on=D(2025, 12, 1), status=Referral.Status.ACCEPTED, answered_on=D(2025, 12, 2))
    client.force_login(world.manager)
    page = client.get(reverse("network-steering"), {"periode": "2025-K4"}).content.decode()
    assert "4e kwartaal 2025" in page and "3e kwartaal 2025" in page and "Jeugdhulp Test" in page
    assert "100%" in page and "<caption" in page and 'scope="row"' in page
    assert "Achternaam" not in page and "Voornaam" not in page  # no resident's name
    bad = client.get(reverse("network-steering"), {"periode": "2025-K9"})
    assert bad.status_code == 400 and "Periode: kies een maand of kwartaal" in bad.content.decode()
    assert client.get(reverse("network-steering")).status_code == 200  # the current quarter


# --- pinned query counts -------------------------------------------------------------------------------------

ADMIN_QUERIES = 7  # session, user, 2FA; organisations, areas, contact persons, agreements
AREA_QUERIES = 10  # session, user, 2FA; areas, the area, teams, contacts, services (count, first 10), agreements
STEERING_QUERIES = 11  # session, user, 2FA; per period: agreements, referral dates, escalations, outcomes


def grow(world, n: int, start: int) -> None:
    """n more partner organisations, each with contact persons (own area and municipality-wide), three
    agreements, a service in the area, referrals and an escalation; and n more areas with a team."""
    r = Referrals(world)
    level = network_services.ladder(world.gemeente.pk)[0]
    for i in range(start, start + n):
        org = Organisation.objects.create(name=f"Partner {i:02d}", kind="welzijn")
        contact(world, organisation=org, area=world.area, name=f"Contact {i}")
        contact(world, organisation=org, area=None, name=f"Algemeen {i}")
        for kind, value in ((ANSWER, 5), (START, 10), (CAPACITY, 4)):
            agreement(world, kind, value, D(2020, 1, 1), organisation=org)
        add_service(world, f"Dienst {i}", world.area, organisation=org)
        area = Area.objects.create(municipality=world.gemeente, name=f"Wijk {i:02d}")
        Team.objects.create(name=f"Team {i}", area=area)
        today = timezone.localdate()
        r.add(org, sent_on=today, status=Referral.Status.ACCEPTED, answered_on=today)
        r.add(org, sent_on=today, status=Referral.Status.DECLINED, answered_on=today, closed_on=today)
        escalation(world, r.trajectory, level, raised_on=today, deadline=today + dt.timedelta(days=5))


@pytest.mark.parametrize(
    ("who", "url", "pinned"),
    [
        ("admin", lambda w: reverse("network-admin"), ADMIN_QUERIES),
        ("professional", lambda w: reverse("area-network"), AREA_QUERIES),
        ("manager", lambda w: reverse("area-network-detail", args=[w.area.pk]), AREA_QUERIES),
        ("manager", lambda w: reverse("network-steering"), STEERING_QUERIES),
    ],
)
def test_query_counts_stay_flat(client, world, who, url, pinned):
    client.force_login(getattr(world, who))
    grow(world, 1, 0)
    few = page_queries(client, url(world), audit_rows=0)
    grow(world, 5, 1)
    many = page_queries(client, url(world), audit_rows=0)
    assert few == many == pinned


# --- demo ----------------------------------------------------------------------------------------------------


def test_the_demo_seed_writes_plausible_fictional_partners(world):
    welfare = Organisation.objects.create(name="Welzijn Voorbeeld", kind="welzijn")
    south = Area.objects.create(municipality=world.gemeente, name="Zuid")
    done = seed_partners(
        municipality=world.gemeente, organisations=[world.partner_org, welfare], areas=[world.area, south]
    )
    assert done.agreements == 6 and done.contact_persons == ContactPerson.objects.count() >= 4
    for person in ContactPerson.objects.all():
        assert person.email.endswith((".example.org", ".example.nl"))
        assert person.phone.startswith(("06-1234", "0800-"))
    values = dict(PartnerAgreement.objects.filter(organisation=welfare).values_list("kind", "value"))
    assert values[ANSWER] == 5 and values[START] == 10 and 4 <= values[CAPACITY] <= 12
    again = seed_partners(municipality=world.gemeente, organisations=[welfare], areas=[south])
    assert again.agreements == 0  # organisations with agreements are left alone
