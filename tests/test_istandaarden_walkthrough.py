"""The walk-through of docs/istandaarden.md as tests: one Wmo and one Jeugd case go from the melding,
through the steps the law needs and a decision with care in kind, to the toewijzing (301), the
provider's retour (302), the start of care (305 → 306) and a claim for one month that is granted in
full (323 → 325 with 8001). Everything runs through the services and the management command that the
screens and the command line use; nothing is written to the models directly."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from tests.conftest import make_household, make_trajectory, next_bsn
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.istandaarden import messages, provider
from toegang.istandaarden.models import ClaimLine, Message
from toegang.people import services as people
from toegang.people.models import Membership, Person
from toegang.procedures import decisions
from toegang.procedures import services as procedures
from toegang.procedures.models import Decision, ProductCategory, Provider, Provision


# The claim covers the whole previous month; the assignment starts on its first day.
def month_end():
    return today().replace(day=1) - dt.timedelta(days=1)


def claim_month():
    return (month_end().replace(day=1), month_end())


def reported_on():
    return claim_month()[0] - dt.timedelta(days=42)  # the melding, six weeks before the care starts


@dataclass
class Exchange:
    """The provider's side of one case: its files go to ``inbox``, our answers come back in ``outbox``."""

    standard: str
    provision: Provision
    person: Person
    inbox: Path
    outbox: Path

    @property
    def agb(self) -> str:
        assert self.provision.provider is not None
        return self.provision.provider.agb_code

    @property
    def gemeente(self) -> str:
        return self.provision.decision.procedure.trajectory.household.municipality.code


def run_command(capsys, *args: str) -> list[str]:
    capsys.readouterr()
    call_command("istandaarden", *args)
    return capsys.readouterr().out.splitlines()


def import_one(capsys, exchange: Exchange, name: str, data: bytes) -> dict:
    path = exchange.inbox / name
    path.write_bytes(data)
    lines = run_command(capsys, "import", str(path), "--out", str(exchange.outbox))
    assert len(lines) == 1
    outcome = json.loads(lines[0])
    assert set(outcome) == {"file", "status", "errors", "answer"} and outcome["file"] == str(path)
    return outcome


def valid_answer(outcome: dict, exchange: Exchange, code: str) -> etree._Element:
    """The answer file named in the command's line: in the --out directory, valid against its XSD."""
    standard = exchange.standard
    assert outcome["answer"] is not None
    answer = Path(outcome["answer"])
    assert answer.name.startswith(f"{standard}{code}_") and answer.parent == exchange.outbox
    data = answer.read_bytes()
    assert messages.validate(standard, code, data) == []
    return etree.fromstring(data)


def header_codes(tree: etree._Element, standard: str, code: str) -> list[str]:
    ns = {"m": messages.namespaces(standard, code)[1]}
    return [node.text for node in tree.findall("m:Header/m:RetourCodes/m:RetourCode", namespaces=ns)]


def all_codes(tree: etree._Element) -> set[str]:
    return {node.text for node in tree.iter() if isinstance(node.tag, str) and node.tag.endswith("}RetourCode")}


def exchange_after_the_decision(capsys, tmp_path: Path, standard: str, decision: Decision) -> Exchange:
    """From the queued 301 to a granted claim, as the doc walks it through."""
    provision = decision.provisions.get()
    person = decision.procedure.person
    assert person.bsn and person.geboortedatum
    exchange = Exchange(standard, provision, person, tmp_path / "aanbieder", tmp_path / "uit")
    exchange.inbox.mkdir()

    # the decision made known queued one toewijzing for the provider
    queued = Message.objects.get(direction="uit", code="301")
    assert (queued.standard, queued.status, queued.provider_id) == (standard, "klaar", provision.provider_id)

    # export: the 301 is written as a file and marked sent
    exported = tmp_path / "export"
    printed = run_command(capsys, "export", "--out", str(exported))
    name = f"{standard}301_{queued.identification}.xml"
    assert printed == [str(exported / name), f"1 bericht(en) weggeschreven naar {exported}."]
    assignment = (exported / name).read_bytes()
    assert messages.validate(standard, "301", assignment) == []
    queued.refresh_from_db()
    assert queued.status == "verzonden" and queued.answered_on is None
    ns = {"m": messages.namespaces(standard, "301")[1]}
    product = etree.fromstring(assignment).find("m:Client/m:ToegewezenProducten/m:ToegewezenProduct", namespaces=ns)
    assert product is not None
    assert product.findtext("m:ToewijzingNummer", namespaces=ns) == str(provision.pk)
    assert product.findtext("m:Ingangsdatum", namespaces=ns) == claim_month()[0].isoformat()

    # 302: the provider's retour accepts every record and marks our 301 answered; a retour gets no answer
    retour = provider.retour(assignment, identification="R0001", on=today())
    outcome = import_one(capsys, exchange, f"{standard}302.xml", retour)
    assert (outcome["status"], outcome["errors"], outcome["answer"]) == ("accepted", [], None)
    queued.refresh_from_db()
    assert (queued.answered_on, queued.codes) == (today(), "0200")

    # 305: care started on the third day of the month; answered with a 306 that accepts it
    client = provider.Client(person.bsn, person.geboortedatum, person.geslachtsnaam)
    start = provider.start_or_stop(
        standard,
        stop=False,
        agb=exchange.agb,
        municipality=exchange.gemeente,
        identification="S0001",
        on=today(),
        client=client,
        assignment=provision.pk,
        category=provision.category.code,
        code=provision.product_code,
        assigned_from=provision.start_date,
        begin=claim_month()[0] + dt.timedelta(days=2),
    )
    outcome = import_one(capsys, exchange, f"{standard}305.xml", start)
    assert (outcome["status"], outcome["errors"]) == ("accepted", [])
    assert all_codes(valid_answer(outcome, exchange, "306")) == {"0200"}
    provision.refresh_from_db()
    assert provision.started_on == claim_month()[0] + dt.timedelta(days=2)
    return exchange


def claim_one_month(capsys, exchange: Exchange, line: provider.Line) -> tuple[dict, bytes]:
    data = provider.claim(
        exchange.standard,
        agb=exchange.agb,
        municipality=exchange.gemeente,
        identification="D0001",
        on=today(),
        number=f"{claim_month()[0]:%Y%m}001",
        period=claim_month(),
        lines=[line],
    )
    outcome = import_one(capsys, exchange, f"{exchange.standard}323.xml", data)
    assert (outcome["status"], outcome["errors"]) == ("accepted", [])
    answer = valid_answer(outcome, exchange, "325")
    assert header_codes(answer, exchange.standard, "325") == ["8001"]  # declaratie volledig toegewezen
    claimed = ClaimLine.objects.get()
    assert (claimed.approved, claimed.provision_id, claimed.amount_cents) == (
        True,
        exchange.provision.pk,
        line.amount_cents,
    )
    return outcome, data


@pytest.fixture
def thuiszorg(db) -> Provider:
    return Provider.objects.create(name="Thuiszorg De Linde", agb_code="98000001")


@pytest.fixture
def jeugdhulp(db) -> Provider:
    return Provider.objects.create(name="Jeugdhulp Het Anker", agb_code="98000003")


def test_wmo_from_melding_to_a_granted_claim(world, thuiszorg, tmp_path, capsys):
    me = world.professional
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person

    # the procedure: melding, receipt confirmed, verslag, aanvraag (Wmo 2015 art. 2.3.2)
    procedure = procedures.start_procedure(
        actor=me, trajectory=trajectory, person=person, law="wmo", reported_on=reported_on()
    )
    for step, day in (
        ("receipt_confirmed_on", reported_on() + dt.timedelta(days=1)),
        ("report_sent_on", reported_on() + dt.timedelta(days=28)),
        ("application_on", reported_on() + dt.timedelta(days=30)),
    ):
        procedure = procedures.record_step(actor=me, procedure=procedure, step=step, day=day)
    assert procedure.status == "aanvraag"

    # the decision: help in the household, 3 hours a week, in kind; below the four-eyes amount
    decision = decisions.draft_decision(actor=me, procedure=procedure, outcome="toegekend", reasoning="Nodig.")
    decisions.add_provision(
        actor=me,
        decision=decision,
        category=ProductCategory.objects.get(law="wmo", code="01"),
        product_code="01A01",
        delivery="zin",
        provider=thuiszorg,
        volume=3,
        unit="04",
        frequency="2",
        start_date=claim_month()[0],
        end_date=claim_month()[0] + dt.timedelta(days=364),
    )
    decision = decisions.submit(actor=me, decision=decision)
    assert decision.status == Decision.Status.APPROVED  # submitting is approving
    assert not Message.objects.exists()  # nothing goes out before the decision is made known
    decisions.send(actor=me, decision=decision, on=reported_on() + dt.timedelta(days=38))
    procedure.refresh_from_db()
    assert procedure.status == "besloten"

    exchange = exchange_after_the_decision(capsys, tmp_path, "WMO", decision)

    # 323: twelve hours in the month (3 a week allows at least 12 in any month) at € 35 an hour
    line = provider.Line(
        bsn=person.bsn,
        reference="HBH0001",
        assignment=exchange.provision.pk,
        category="01",
        code="01A01",
        start=claim_month()[0],
        end=claim_month()[1],
        volume=12,
        unit="04",
        rate_cents=3_500,
        amount_cents=42_000,
    )
    outcome, data = claim_one_month(capsys, exchange, line)

    # the same file again: refused as already received (9056), nothing stored, no second answer
    again = import_one(capsys, exchange, "WMO323-nogmaals.xml", data)
    assert again["status"] == "rejected" and again["answer"] is None and "9056" in again["errors"][0]
    assert ClaimLine.objects.count() == 1
    assert sorted(p.name[:6] for p in exchange.outbox.iterdir()) == ["WMO306", "WMO325"]


def test_jeugd_from_hulpvraag_to_a_granted_claim_with_four_eyes(world, jeugdhulp, tmp_path, capsys):
    me = world.professional
    household = make_household(world, members=2)
    child = people.register_person(
        actor=me,
        bsn=next_bsn(),
        voornamen="Sem",
        geslachtsnaam="Visser",
        geboortedatum=today().replace(year=today().year - 11, day=1),
        postcode="1234AB",
        huisnummer="7",
    )
    people.add_member(
        actor=me,
        household=household,
        person=child,
        role=Membership.Role.CHILD,
        start_date=today() - dt.timedelta(days=400),
    )
    trajectory = make_trajectory(world, household=household)

    # the procedure: hulpvraag and aanvraag (Jeugdwet; the term is the verordening's or Awb 4:13)
    procedure = procedures.start_procedure(
        actor=me, trajectory=trajectory, person=child, law="jeugd", reported_on=reported_on()
    )
    procedure = procedures.record_step(
        actor=me, procedure=procedure, step="application_on", day=reported_on() + dt.timedelta(days=14)
    )

    # the decision: ambulant youth help in kind with a budget of € 12,500 a year, so four eyes
    decision = decisions.draft_decision(actor=me, procedure=procedure, outcome="toegekend", reasoning="Nodig.")
    decisions.add_provision(
        actor=me,
        decision=decision,
        category=ProductCategory.objects.get(law="jeugd", code="45"),
        product_code="45A48",
        delivery="zin",
        provider=jeugdhulp,
        budget_cents=1_250_000,
        start_date=claim_month()[0],
        end_date=claim_month()[0] + dt.timedelta(days=364),
    )
    decision = decisions.submit(actor=me, decision=decision)
    assert decision.status == Decision.Status.AWAITING
    with pytest.raises(DomainError, match="vier ogen"):
        decisions.approve(actor=me, decision=decision)
    with pytest.raises(DomainError, match="na akkoord"):
        decisions.send(actor=me, decision=decision, on=reported_on() + dt.timedelta(days=30))
    decision = decisions.approve(actor=world.team_lead, decision=decision)
    decisions.send(actor=me, decision=decision, on=reported_on() + dt.timedelta(days=30))

    exchange = exchange_after_the_decision(capsys, tmp_path, "JW", decision)

    # 323: eight hours in the month at € 110 an hour, within the budget
    line = provider.Line(
        bsn=child.bsn,
        reference="JH0001",
        assignment=exchange.provision.pk,
        category="45",
        code="45A48",
        start=claim_month()[0],
        end=claim_month()[1],
        volume=8,
        unit="04",
        rate_cents=11_000,
        amount_cents=88_000,
    )
    claim_one_month(capsys, exchange, line)
    assert sorted(p.name[:5] for p in exchange.outbox.iterdir()) == ["JW306", "JW325"]
