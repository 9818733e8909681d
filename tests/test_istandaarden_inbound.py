"""Messages from providers (302, 305, 307, 315, 317, 320, 323): validated against the official XSDs,
checked against the business rules that matter to a municipality, answered (306, 308, 316, 318, 319,
325, 301) with messages that are themselves valid, and never processed twice."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from tests.test_istandaarden import decided
from toegang.audit.models import AuditEntry
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.istandaarden import inbound, messages, provider, services
from toegang.istandaarden.models import ClaimLine, Message, Request
from toegang.procedures import decisions
from toegang.procedures import services as procedures
from toegang.procedures.calendar import add_working_days
from toegang.procedures.models import ProductCategory, Provider, Provision


def start_day():
    # well inside a closed month two months back
    return today().replace(day=1) - dt.timedelta(days=62)


def claim_month():
    return (
        start_day().replace(day=1),
        (start_day().replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
    )


@pytest.fixture
def home(db):
    return Provider.objects.create(name="Thuiszorg Lindenhoeve", agb_code="98000001")


@pytest.fixture
def assigned(world, home):
    """A Wmo decision made known: help in the household, 3 hours a week, in kind with ``home``."""
    decision = decided(
        world,
        "wmo",
        [
            {
                "category": ProductCategory.objects.get(law="wmo", code="01"),
                "product_code": "01A01",
                "delivery": "zin",
                "provider": home,
                "volume": 3,
                "unit": "04",
                "frequency": "2",
                "end_date": today() + dt.timedelta(days=300),
            }
        ],
    )
    decisions.send(actor=world.professional, decision=decision, on=today())
    provision = decision.provisions.get()
    Provision.objects.filter(pk=provision.pk).update(start_date=claim_month()[0])
    provision.refresh_from_db()
    return provision


def gemeente(provision: Provision) -> str:
    return provision.decision.procedure.trajectory.household.municipality.code


def client_of(provision: Provision) -> provider.Client:
    person = provision.decision.procedure.person
    return provider.Client(person.bsn, person.geboortedatum, person.geslachtsnaam)


def drop(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(tmp_path: Path, name: str, data: bytes) -> inbound.Outcome:
    return inbound.import_file(drop(tmp_path, name, data), out=tmp_path / "uit")


def answer_of(outcome: inbound.Outcome) -> etree._Element:
    assert outcome.answer is not None
    return etree.parse(outcome.answer).getroot()


def claim_line(provision: Provision, reference: str = "R1", volume: int = 12, **kwargs) -> provider.Line:
    values = {
        "bsn": provision.decision.procedure.person.bsn,
        "reference": reference,
        "assignment": provision.pk,
        "category": "01",
        "code": "01A01",
        "start": claim_month()[0],
        "end": claim_month()[1],
        "volume": volume,
        "unit": "04",
        "rate_cents": 3_500,
        "amount_cents": volume * 3_500,
    } | kwargs
    return provider.Line(**values)


def claim(provision: Provision, lines: list[provider.Line], ident: str = "D1", number: str = "2026001", **kw) -> bytes:
    return provider.claim(
        "WMO",
        agb=provision.provider.agb_code,
        municipality=gemeente(provision),
        identification=ident,
        on=today(),
        number=number,
        period=claim_month(),
        lines=lines,
        **kw,
    )


def codes_in(tree: etree._Element) -> list[str]:
    return [node.text for node in tree.iter() if isinstance(node.tag, str) and node.tag.endswith("}RetourCode")]


def test_a_claim_within_the_assignment_is_granted_with_8001(assigned, tmp_path):
    outcome = run(tmp_path, "claim.xml", claim(assigned, [claim_line(assigned)]))
    assert (outcome.status, outcome.errors) == ("accepted", [])
    answer = answer_of(outcome)
    assert messages.validate("WMO", "325", etree.tostring(answer)) == []
    assert codes_in(answer) == ["8001", "0200"]  # header: fully granted; the answer itself: no remark
    line = ClaimLine.objects.get()
    assert line.approved and line.provision == assigned and line.amount_cents == 42_000
    incoming = Message.objects.get(direction="in")
    assert incoming.answered_on == today() and incoming.answered_by.get().code == "325"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"volume": 20, "amount_cents": 70_000}, "9321"),  # 3 h a week: at most 14 h in a month of 31 days
        ({"category": "02"}, "9339"),
        ({"code": "01A02"}, "9340"),
        ({"unit": "01", "rate_cents": None}, "9341"),
        ({"amount_cents": 41_000}, "9346"),
        ({"assignment": 999_999}, "9338"),
        ({"bsn": "999999990"}, "8187"),
    ],
)
def test_a_claim_line_that_does_not_match_its_assignment_is_refused_with_its_code(assigned, tmp_path, change, code):
    good = claim_line(assigned, reference="OK1")
    bad = claim_line(assigned, reference="BAD1", **change)
    outcome = run(tmp_path, "claim.xml", claim(assigned, [good, bad]))
    assert outcome.status == "rejected"
    assert any(code in error and "BAD1" in error for error in outcome.errors), outcome.errors
    answer = answer_of(outcome)
    assert messages.validate("WMO", "325", etree.tostring(answer)) == []
    assert code in codes_in(answer) and "8001" not in codes_in(answer)
    granted = {line.reference: line.approved for line in ClaimLine.objects.all()}
    assert granted == {"OK1": True, "BAD1": False}


def test_a_claim_outside_the_assigned_period_is_refused(assigned, tmp_path):
    before = claim_month()[0] - dt.timedelta(days=31)
    Provision.objects.filter(pk=assigned.pk).update(start_date=claim_month()[0] + dt.timedelta(days=10))
    line = claim_line(
        assigned, start=claim_month()[0], end=claim_month()[0] + dt.timedelta(days=5), volume=2, amount_cents=7_000
    )
    outcome = run(tmp_path, "claim.xml", claim(assigned, [line]))
    assert outcome.status == "rejected" and any("9307" in e for e in outcome.errors)
    assert any("9308" in e for e in outcome.errors)
    assert before < claim_month()[0]


def test_the_same_reference_is_not_paid_twice_and_a_credit_reverses_it(assigned, tmp_path):
    assert run(tmp_path, "a.xml", claim(assigned, [claim_line(assigned)], ident="D1", number="N1")).status == "accepted"
    again = run(tmp_path, "b.xml", claim(assigned, [claim_line(assigned)], ident="D2", number="N2"))
    assert again.status == "rejected" and "8021" in again.errors[0]
    reverse = claim_line(assigned, reference="R1C", credit=True, previous_reference="R1")
    credit = run(tmp_path, "c.xml", claim(assigned, [reverse], ident="D3", number="N3"))
    assert credit.status == "accepted", credit.errors
    assert codes_in(answer_of(credit))[0] == "8001"
    twice = run(
        tmp_path,
        "d.xml",
        claim(
            assigned,
            [claim_line(assigned, reference="R1D", credit=True, previous_reference="R1")],
            ident="D4",
            number="N4",
        ),
    )
    assert twice.status == "rejected" and "9390" in twice.errors[0]
    # after the credit the month is free again, under a new reference
    assert (
        run(tmp_path, "e.xml", claim(assigned, [claim_line(assigned, reference="R2")], ident="D5", number="N5")).status
        == "accepted"
    )


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ({"reference": "C1", "previous_reference": "NOPE"}, "8017"),  # no such debit
        (
            {"reference": "C1", "previous_reference": "R1", "volume": 11, "amount_cents": 11 * 3_500},
            "8017",
        ),  # not equal
        ({"reference": "R1"}, "8021"),  # a credit reusing the debit's reference
    ],
)
def test_a_credit_names_its_debit_by_reference_and_repeats_it(assigned, tmp_path, line, code):
    assert run(tmp_path, "a.xml", claim(assigned, [claim_line(assigned)], ident="D1", number="N1")).status == "accepted"
    outcome = run(
        tmp_path, "c.xml", claim(assigned, [claim_line(assigned, credit=True, **line)], ident="D2", number="N2")
    )
    assert outcome.status == "rejected" and code in outcome.errors[0]
    assert ClaimLine.objects.filter(credit=True, approved=True).count() == 0


def test_the_same_month_cannot_be_claimed_twice_under_new_references(assigned, tmp_path):
    allowed = math.ceil(3 * ((claim_month()[1] - claim_month()[0]).days + 1) / 7)  # 3 hours a week over the month

    def hours(reference: str, n: int, ident: str) -> inbound.Outcome:
        line = claim_line(assigned, reference=reference, volume=n, amount_cents=n * 3_500)
        return run(tmp_path, f"{ident}.xml", claim(assigned, [line], ident=ident, number=ident))

    assert hours("R1", allowed - 4, "D1").status == "accepted"
    second = hours("R2", 5, "D2")
    assert second.status == "rejected" and "9322" in second.errors[0]
    assert hours("R3", 4, "D3").status == "accepted"  # exactly what is left


def test_a_total_that_is_not_the_sum_rejects_the_whole_claim_and_stores_no_lines(assigned, tmp_path):
    outcome = run(tmp_path, "claim.xml", claim(assigned, [claim_line(assigned)], total_cents=1))
    assert outcome.status == "rejected" and "TotaalIngediendBedrag" in outcome.errors[0]
    assert codes_in(answer_of(outcome)) == ["0001"] and not ClaimLine.objects.exists()


def test_importing_the_same_file_twice_processes_it_once(assigned, tmp_path):
    data = claim(assigned, [claim_line(assigned)])
    first = run(tmp_path, "claim.xml", data)
    counts = (Message.objects.count(), ClaimLine.objects.count(), AuditEntry.objects.count())
    second = run(tmp_path, "claim-again.xml", data)
    assert first.status == "accepted"
    assert second.status == "rejected" and "9056" in second.errors[0] and second.answer is None
    assert (Message.objects.count(), ClaimLine.objects.count(), AuditEntry.objects.count()) == counts


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"<Bericht><Header>", "geen geldige XML"),
        (b"<?xml version='1.0'?><html><body/></html>", "geen iWmo- of iJw-bericht"),
        (b"", "geen geldige XML"),
    ],
)
def test_malformed_or_foreign_xml_is_invalid_and_changes_nothing(db, tmp_path, data, needle):
    outcome = run(tmp_path, "x.xml", data)
    assert outcome.status == "invalid" and needle in outcome.errors[0] and outcome.answer is None
    assert not Message.objects.exists()


def test_a_schema_violation_names_line_and_element(assigned, tmp_path):
    data = claim(assigned, [claim_line(assigned)]).replace(b"<GeleverdVolume>12<", b"<GeleverdVolume>twaalf<")
    outcome = run(tmp_path, "claim.xml", data)
    assert outcome.status == "invalid"
    assert any("GeleverdVolume" in error and error.startswith("regel ") for error in outcome.errors)
    assert not Message.objects.filter(direction="in").exists()


def test_an_unknown_provider_or_municipality_is_rejected_without_storing_anything(assigned, tmp_path):
    unknown = claim(assigned, [claim_line(assigned)]).replace(b">98000001<", b">98000099<")
    outcome = run(tmp_path, "claim.xml", unknown)
    assert outcome.status == "rejected" and "AGB-code 98000099" in outcome.errors[0]
    elsewhere = claim(assigned, [claim_line(assigned)]).replace(
        f"<Ontvanger>{gemeente(assigned)}<".encode(), b"<Ontvanger>0999<"
    )
    outcome = run(tmp_path, "claim2.xml", elsewhere)
    assert outcome.status == "rejected" and "gemeentecode 0999" in outcome.errors[0]
    assert not Message.objects.filter(direction="in").exists()


def start_message(provision: Provision, ident: str = "S1", status: str = "1", assignment: int | None = None) -> bytes:
    return provider.start_or_stop(
        "WMO",
        stop=False,
        agb=provision.provider.agb_code,
        municipality=gemeente(provision),
        identification=ident,
        on=today(),
        client=client_of(provision),
        assignment=assignment or provision.pk,
        category="01",
        code="01A01",
        assigned_from=provision.start_date,
        begin=claim_month()[0] + dt.timedelta(days=3),
        status=status,
    )


def test_start_and_stop_are_recorded_and_answered_with_valid_306_and_308(assigned, tmp_path):
    outcome = run(tmp_path, "start.xml", start_message(assigned))
    assert outcome.status == "accepted"
    retour = answer_of(outcome)
    assert messages.validate("WMO", "306", etree.tostring(retour)) == []
    # a retour carries only what was refused (OP065): here just the header with 0200
    assert codes_in(retour) == ["0200"] and not [e for e in retour if e.tag.endswith("}Client")]
    assigned.refresh_from_db()
    assert assigned.started_on == claim_month()[0] + dt.timedelta(days=3)
    stop = provider.start_or_stop(
        "WMO",
        stop=True,
        agb=assigned.provider.agb_code,
        municipality=gemeente(assigned),
        identification="E1",
        on=today(),
        client=client_of(assigned),
        assignment=assigned.pk,
        category="01",
        code="01A01",
        assigned_from=assigned.start_date,
        begin=assigned.started_on,
        end=today() - dt.timedelta(days=1),
        reason="19",
    )
    outcome = run(tmp_path, "stop.xml", stop)
    assert outcome.status == "accepted"
    assert messages.validate("WMO", "308", etree.tostring(answer_of(outcome))) == []
    assigned.refresh_from_db()
    assert (assigned.stopped_on, assigned.stop_reason) == (today() - dt.timedelta(days=1), "19")


def test_a_start_for_an_unknown_assignment_gets_9019_and_changes_nothing(assigned, tmp_path):
    outcome = run(tmp_path, "start.xml", start_message(assigned, assignment=987_654))
    assert outcome.status == "rejected" and "9019" in outcome.errors[0]
    assert codes_in(answer_of(outcome)) == ["9019", "0200"]  # the product, then its client
    assigned.refresh_from_db()
    assert assigned.started_on is None


def vot(provision: Provision, ident: str = "V1", reference: str = "REF-1", category: str = "02") -> bytes:
    return provider.request_for_assignment(
        "WMO",
        agb=provision.provider.agb_code,
        municipality=gemeente(provision),
        identification=ident,
        on=today(),
        client=client_of(provision),
        products=[
            provider.Requested(
                reference,
                category,
                today(),
                code="",
                end=today() + dt.timedelta(days=90),
                volume=2,
                unit="04",
                frequency="2",
            )
        ],
    )


def test_a_request_for_assignment_waits_in_the_queue_and_a_319_refuses_it(world, assigned, tmp_path):
    outcome = run(tmp_path, "vot.xml", vot(assigned))
    assert outcome.status == "accepted"
    assert messages.validate("WMO", "316", etree.tostring(answer_of(outcome))) == []
    request = Request.objects.get()
    assert (request.status, request.person, request.reference) == ("open", assigned.decision.procedure.person, "REF-1")
    assert request.due_on > today()
    answer = services.answer_request(actor=world.professional, request=request, investigating=False, refusal="3")
    assert messages.validate("WMO", "319", answer.xml.encode()) == []
    request.refresh_from_db()
    assert (request.status, request.answer, request.answered_on) == ("afgewezen", answer, today())
    with pytest.raises(DomainError, match="al beantwoord"):
        services.answer_request(actor=world.professional, request=request, investigating=True)
    again = run(tmp_path, "vot2.xml", vot(assigned, ident="V2"))
    assert again.status == "rejected" and "9347" in again.errors[0]


def test_a_request_for_assignment_is_answered_by_the_301_of_the_decision_that_grants_it(world, assigned, tmp_path):
    run(tmp_path, "vot.xml", vot(assigned, category="01"))
    request = Request.objects.get()
    services.answer_request(actor=world.professional, request=request, investigating=True)
    request.refresh_from_db()
    assert request.status == "onderzoek" and request.due_on == request.received_on + dt.timedelta(weeks=8)
    earlier = assigned.decision.procedure
    procedure = procedures.start_procedure(
        actor=world.professional, trajectory=earlier.trajectory, person=earlier.person, law="wmo", reported_on=today()
    )
    procedures.record_step(actor=world.professional, procedure=procedure, step="application_on", day=today())
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure, outcome="toegekend", reasoning="Nodig."
    )
    decisions.add_provision(
        actor=world.professional,
        decision=decision,
        category=ProductCategory.objects.get(law="wmo", code="01"),
        product_code="01A01",
        delivery="zin",
        provider=assigned.provider,
        volume=2,
        unit="04",
        frequency="2",
        start_date=today(),
        end_date=today() + dt.timedelta(days=90),
    )
    decisions.send(
        actor=world.professional, decision=decisions.submit(actor=world.professional, decision=decision), on=today()
    )
    request.refresh_from_db()
    assert request.status == "toegewezen"
    assert b"<ReferentieAanbieder>REF-1</ReferentieAanbieder>" in request.answer.xml.encode()
    # the 301 holds every current assignment of the client at this provider, the earlier one too (OP087)
    tree = etree.fromstring(request.answer.xml.encode())
    ns = {"m": messages.namespaces("WMO", "301")[1]}
    numbers = [n.text for n in tree.iterfind(".//m:ToegewezenProduct/m:ToewijzingNummer", ns)]
    assert numbers == [str(assigned.pk), str(decision.provisions.get().pk)]


def vow(provision: Provision, ident: str = "W1", unchanged: list[int] | None = None, changes=None) -> bytes:
    return provider.request_for_change(
        "WMO",
        agb=provision.provider.agb_code,
        municipality=gemeente(provision),
        identification=ident,
        on=today(),
        bsn=provision.decision.procedure.person.bsn,
        reference=f"VOW-{ident}",
        unchanged=unchanged or [],
        changes=changes or [],
    )


def test_a_request_for_change_must_list_every_current_assignment(assigned, tmp_path):
    outcome = run(tmp_path, "vow.xml", vow(assigned))
    assert outcome.status == "rejected" and any("9349" in e for e in outcome.errors)
    assert messages.validate("WMO", "318", etree.tostring(answer_of(outcome))) == []
    assert not Request.objects.exists()


def test_a_granted_change_within_the_decision_ends_the_assignment_and_starts_a_new_one(world, assigned, tmp_path):
    decided = (assigned.volume, assigned.end_date)
    fewer = provider.Change(
        assigned.pk,
        today() + dt.timedelta(days=7),
        end=today() + dt.timedelta(days=120),
        volume=2,
        unit="04",
        frequency="2",
    )
    assert run(tmp_path, "vow.xml", vow(assigned, changes=[fewer])).status == "accepted"
    answer = services.assign_change(actor=world.professional, request=Request.objects.get())
    assert messages.validate("WMO", "301", answer.xml.encode()) == []
    assigned.refresh_from_db()
    new = assigned.replaced_by.get()
    assert (assigned.volume, assigned.end_date) == decided  # the decision stays as it was made known
    assert assigned.assigned_until == today() + dt.timedelta(days=6)
    assert (new.volume, new.start_date, new.end_date, new.decision) == (
        2,
        today() + dt.timedelta(days=7),
        today() + dt.timedelta(days=120),
        assigned.decision,
    )
    tree = etree.fromstring(answer.xml.encode())
    ns = {"m": messages.namespaces("WMO", "301")[1]}
    products = tree.findall(".//m:ToegewezenProduct", ns)
    assert [p.findtext("m:ToewijzingNummer", namespaces=ns) for p in products] == [str(assigned.pk), str(new.pk)]
    assert products[0].findtext("m:Einddatum", namespaces=ns) == (today() + dt.timedelta(days=6)).isoformat()
    assert products[0].findtext("m:RedenWijziging", namespaces=ns) == "12"
    letter_lines = list(assigned.decision.provisions.filter(replaces__isnull=True))
    assert letter_lines == [assigned]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"volume": 5}, "Omvang"),  # more than the decision grants
        ({"end": today() + dt.timedelta(days=400)}, "Einddatum"),  # beyond the decision
        ({"volume": 2, "frequency": "4"}, "Omvang"),  # another frequency
        ({"start": claim_month()[0]}, "Gewenste ingangsdatum"),  # not after the running assignment's start
    ],
)
def test_a_change_beyond_the_decision_is_refused_and_changes_nothing(world, assigned, tmp_path, change, field):
    values = {
        "start": today() + dt.timedelta(days=7),
        "end": today() + dt.timedelta(days=120),
        "volume": 2,
        "frequency": "2",
    } | change
    asked = provider.Change(
        assigned.pk,
        values["start"],
        end=values["end"],
        volume=values["volume"],
        unit="04",
        frequency=values["frequency"],
    )
    assert run(tmp_path, "vow.xml", vow(assigned, changes=[asked])).status == "accepted"
    request = Request.objects.get()
    with pytest.raises(DomainError, match=field):
        services.assign_change(actor=world.professional, request=request)
    request.refresh_from_db()
    assigned.refresh_from_db()
    assert request.status == "open" and assigned.assigned_until is None and not assigned.replaced_by.exists()
    assert not Message.objects.filter(code="301", answers=request.message).exists()


def test_the_providers_retour_marks_our_301_answered(assigned, tmp_path):
    ours = Message.objects.get(code="301")
    assert ours.due_on is None  # the provider's three working days run from when it is sent
    services.export_pending(out=tmp_path / "uit")
    ours.refresh_from_db()
    assert ours.status == "verzonden" and ours.due_on == add_working_days(today(), 3)
    retour = provider.retour(ours.xml.encode(), identification="R302", on=today())
    outcome = run(tmp_path, "302.xml", retour)
    assert (outcome.status, outcome.answer) == ("accepted", None)
    ours.refresh_from_db()
    assert (ours.answered_on, ours.codes) == (today(), "0200")
    assert run(tmp_path, "302b.xml", retour).status == "rejected"  # the same retour twice


def test_the_command_prints_one_json_line_per_file_and_exits_zero(assigned, tmp_path, capsys):
    good = drop(tmp_path, "claim.xml", claim(assigned, [claim_line(assigned)]))
    bad = drop(tmp_path, "bad.xml", b"<niet")
    missing = tmp_path / "missing.xml"
    call_command("istandaarden", "import", str(good), str(bad), str(missing), "--out", str(tmp_path / "uit"))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["status"] for line in lines] == ["accepted", "invalid", "invalid"]
    assert lines[0]["answer"].endswith(".xml") and Path(lines[0]["answer"]).name.startswith("WMO325_")
    assert all(set(line) == {"file", "status", "errors", "answer"} for line in lines)


def test_youth_care_claim_round_trip_is_valid_jw(world, tmp_path):
    youth = Provider.objects.create(name="Jeugdhulp", agb_code="98000003")
    decision = decided(
        world,
        "jeugd",
        [
            {
                "category": ProductCategory.objects.get(law="jeugd", code="45"),
                "product_code": "45A48",
                "delivery": "zin",
                "provider": youth,
                "volume": 2,
                "unit": "04",
                "frequency": "2",
                "end_date": today() + dt.timedelta(days=60),
            }
        ],
    )
    decisions.send(actor=world.professional, decision=decision, on=today())
    provision = decision.provisions.get()
    Provision.objects.filter(pk=provision.pk).update(start_date=claim_month()[0])
    data = provider.claim(
        "JW",
        agb=youth.agb_code,
        municipality=gemeente(provision),
        identification="J1",
        on=today(),
        number="J1",
        period=claim_month(),
        lines=[claim_line(provision, category="45", code="45A48", volume=8, amount_cents=8 * 3_500)],
    )
    outcome = run(tmp_path, "jw323.xml", data)
    assert outcome.status == "accepted", outcome.errors
    assert messages.validate("JW", "325", etree.tostring(answer_of(outcome))) == []


def test_the_directory_transport_picks_up_answers_and_moves_what_it_processed(assigned, tmp_path, settings, capsys):
    settings.ISTANDAARDEN_DIR = tmp_path
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "claim.xml").write_bytes(claim(assigned, [claim_line(assigned)]))
    (inbox / "kapot.xml").write_bytes(b"<Bericht")
    (inbox / ".halfweg.xml.part").write_bytes(b"<")  # still being written by the provider
    call_command("istandaarden", "exchange")
    out = capsys.readouterr().out.splitlines()
    results = {Path(json.loads(line)["file"]).name: json.loads(line)["status"] for line in out[:-1]}
    assert results == {"claim.xml": "accepted", "kapot.xml": "invalid"}
    assert (inbox / "verwerkt" / "claim.xml").exists() and (inbox / "ongeldig" / "kapot.xml").exists()
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == [".halfweg.xml.part"]
    sent = {p.name.split("_")[0] for p in (tmp_path / "uit").iterdir()}
    assert sent == {"WMO301", "WMO325"}  # the 301 queued by the decision and the claim's answer
    assert out[-1] == "1 bericht(en) verzonden."  # the 325 was written at import, the 301 now


def test_queueing_many_decisions_at_once_costs_a_fixed_number_of_queries(world, home):
    """A re-assignment of many clients (for example after a contract change) goes through the same code as
    one decision, with queries that do not grow with the number of decisions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def made_known(count: int) -> list[int]:
        ids = []
        for _ in range(count):
            decision = decided(
                world,
                "wmo",
                [{"category": ProductCategory.objects.get(law="wmo", code="01"), "delivery": "zin", "provider": home,
                  "volume": 3, "unit": "04", "frequency": "2", "end_date": today() + dt.timedelta(days=90)}],
            )  # fmt: skip
            ids.append(decision.pk)
        return ids

    def queries(ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            queued = services.queue_assignments_for(ids)
        assert len(queued) == len(ids)
        assert all(messages.validate("WMO", "301", m.xml.encode()) == [] for m in queued)
        assert sorted(m.identification for m in queued) == sorted(f"{m.pk:06d}" for m in queued)
        return len(ctx.captured_queries)

    assert queries(made_known(2)) == queries(made_known(5))


def _start_xml(assigned) -> bytes:
    return start_message(assigned)


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        (lambda x: x.replace(b"<Client>", b"<!-- opmerking --><Client>", 1), None),  # a comment is ignored
        (lambda x: x.replace(b"?>", b'?><!DOCTYPE Bericht [<!ENTITY y "x">]>', 1), "DOCTYPE"),
        (lambda x: x.replace(b"UTF-8", b"ISO-8859-1", 1), "UTF-8"),
        (lambda x: x.decode().replace("UTF-8", "UTF-16", 1).encode("utf-16"), "UTF-8"),
    ],
)
def test_odd_but_well_formed_files_get_a_clear_answer(assigned, tmp_path, damage, needle):
    outcome = run(tmp_path, "odd.xml", damage(_start_xml(assigned)))
    assert not any("kon niet worden verwerkt" in e for e in outcome.errors)  # never the safety net
    if needle is None:
        assert outcome.status == "accepted"
    else:
        assert outcome.status == "invalid" and needle in outcome.errors[0]


def test_a_date_the_schema_lets_through_but_is_no_date_is_invalid(assigned, tmp_path):
    data = _start_xml(assigned)
    begin = (claim_month()[0] + dt.timedelta(days=3)).isoformat().encode()
    damaged = data.replace(b"<Begindatum>" + begin, b"<Begindatum>1" + begin, 1)  # a five-digit year
    outcome = run(tmp_path, "year.xml", damaged)
    assert outcome.status == "invalid" and "Begindatum" in outcome.errors[0], outcome.errors
    assigned.refresh_from_db()
    assert assigned.started_on is None


def test_a_person_known_only_in_another_municipality_stays_unknown(world, assigned, tmp_path):
    elsewhere = provider.request_for_assignment(
        "WMO",
        agb=assigned.provider.agb_code,
        municipality=world.other_gemeente.code,
        identification="V9",
        on=today(),
        client=client_of(assigned),
        products=[
            provider.Requested(
                "REF-9", "02", today(), end=today() + dt.timedelta(days=30), volume=1, unit="04", frequency="2"
            )
        ],
    )
    assert run(tmp_path, "vot.xml", elsewhere).status == "accepted"
    request = Request.objects.get()
    assert request.municipality == world.other_gemeente and request.person is None


def test_a_start_again_after_a_temporary_stop_and_no_withdrawal_without_a_start(assigned, tmp_path):
    withdraw = run(tmp_path, "w.xml", start_message(assigned, ident="S0", status="3"))
    assert withdraw.status == "rejected" and "9063" in withdraw.errors[0]
    assert run(tmp_path, "s1.xml", start_message(assigned, ident="S1")).status == "accepted"
    Provision.objects.filter(pk=assigned.pk).update(stopped_on=today() - dt.timedelta(days=2), stop_reason="20")
    assert run(tmp_path, "s2.xml", start_message(assigned, ident="S2")).status == "accepted"
    assigned.refresh_from_db()
    assert assigned.stopped_on is None and assigned.stop_reason == ""
