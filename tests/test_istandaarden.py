"""Outgoing toewijzingen (WMO301 / JW301): queued when a decision with care in kind is made known,
valid against the official release-3.2 XSDs, and written by `manage.py istandaarden export`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from lxml import etree

from tests.conftest import make_trajectory
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.istandaarden import messages
from toegang.istandaarden.models import Message
from toegang.people.models import Person
from toegang.procedures import decisions, services
from toegang.procedures.models import Decision, ProductCategory, Provider


def applied_on():
    return today() - dt.timedelta(days=10)


def decided(world, law, provisions, bsn=True):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    Person.objects.filter(pk=person.pk).update(
        geboortedatum=dt.date(2012, 5, 1),
        huisnummer="12a",
        postcode="1234AB",
        straat="Kerkstraat",
        woonplaats="Lindenhoeve",
    )
    if not bsn:
        Person.objects.filter(pk=person.pk).update(bsn=None)
    person.refresh_from_db()
    procedure = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law=law, reported_on=applied_on()
    )
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=applied_on())
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure, outcome="toegekend", reasoning="Nodig."
    )
    for values in provisions:
        decisions.add_provision(actor=world.professional, decision=decision, start_date=today(), **values)
    return decisions.submit(actor=world.professional, decision=decision)


@pytest.fixture
def providers(db):
    return Provider.objects.create(name="Thuiszorg", agb_code="98000001"), Provider.objects.create(
        name="Jeugdhulp", agb_code="98000003"
    )


def test_a_wmo_decision_in_kind_queues_a_valid_301_per_provider(world, providers):
    home, _youth = providers
    hbh = ProductCategory.objects.get(law="wmo", code="01")
    decision = decided(
        world,
        "wmo",
        [
            {
                "category": hbh,
                "product_code": "01A01",
                "delivery": "zin",
                "provider": home,
                "volume": 3,
                "unit": "04",
                "frequency": "2",
                "end_date": today() + dt.timedelta(days=90),
            },
            {
                "category": ProductCategory.objects.get(law="wmo", code="13"),
                "delivery": "pgb",
                "budget_cents": 125_000,
                "end_date": today() + dt.timedelta(days=90),
            },
        ],
    )
    decisions.send(actor=world.professional, decision=decision, on=today())
    message = Message.objects.get()
    assert (message.standard, message.code, message.status, message.provider) == ("WMO", "301", "klaar", home)
    assert messages.validate("WMO", "301", message.xml.encode()) == []
    tree = etree.fromstring(message.xml.encode())
    ns = {"m": messages.namespaces("WMO", "301")[1], "b": messages.namespaces("WMO", "301")[0]}
    assert tree.findtext("m:Header/m:BerichtCode", namespaces=ns) == "414"
    assert tree.findtext("m:Client/m:Contactgegevens/m:Contact/m:Adres/b:Huis/b:Huisletter", namespaces=ns) == "A"
    assert (
        len(tree.findall("m:Client/m:ToegewezenProducten/m:ToegewezenProduct", namespaces=ns)) == 1
    )  # the pgb is not assigned


def test_youth_care_queues_a_valid_jw301(world, providers):
    _home, youth = providers
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
    message = Message.objects.get()
    assert message.standard == "JW" and messages.validate("JW", "301", message.xml.encode()) == []


def test_no_bsn_no_assignment_and_the_decision_is_not_sent(world, providers):
    home, _youth = providers
    decision = decided(
        world,
        "wmo",
        [
            {
                "category": ProductCategory.objects.get(law="wmo", code="02"),
                "delivery": "zin",
                "provider": home,
                "volume": 4,
                "unit": "04",
                "frequency": "4",
            }
        ],
        bsn=False,
    )
    with pytest.raises(DomainError, match="BSN"):
        decisions.send(actor=world.professional, decision=decision, on=today())
    decision.refresh_from_db()
    assert decision.status == Decision.Status.APPROVED and not Message.objects.exists()


def test_validation_names_line_and_element():
    problems = messages.validate(
        "WMO", "301", b"<Bericht xmlns='http://www.istandaarden.nl/iwmo/3_2/wmo301/schema'>\n<Header/>\n</Bericht>"
    )
    assert problems and problems[0].line == 2 and problems[0].element == "Header"
    broken = messages.validate("JW", "301", b"<Bericht><Header>")
    assert broken and "geen geldige XML" in broken[0].message


def test_export_writes_files_once_and_marks_them_sent(world, providers, tmp_path, capsys):
    home, _youth = providers
    decision = decided(
        world,
        "wmo",
        [
            {
                "category": ProductCategory.objects.get(law="wmo", code="02"),
                "delivery": "zin",
                "provider": home,
                "volume": 4,
                "unit": "04",
                "frequency": "4",
            }
        ],
    )
    decisions.send(actor=world.professional, decision=decision, on=today())
    message = Message.objects.get()
    call_command("istandaarden", "export", "--out", str(tmp_path))
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"WMO301_{message.identification}.xml"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.file_name == files[0]
    assert (tmp_path / files[0]).read_text(encoding="utf-8") == message.xml
    call_command("istandaarden", "export", "--out", str(tmp_path))
    assert "0 bericht(en)" in capsys.readouterr().out
    not_a_dir = tmp_path / files[0]
    with pytest.raises(SystemExit) as stop:
        call_command("istandaarden", "export", "--out", str(not_a_dir))
    assert stop.value.code == 2


def test_retention_destroys_the_message_history_with_the_dossier(world, providers):
    from toegang.cases import services as case_services
    from toegang.cases.models import Trajectory
    from toegang.privacy import retention
    from toegang.privacy.models import RetentionRule

    home, _youth = providers
    decision = decided(
        world,
        "wmo",
        [
            {
                "category": ProductCategory.objects.get(law="wmo", code="02"),
                "delivery": "zin",
                "provider": home,
                "volume": 4,
                "unit": "04",
                "frequency": "4",
            }
        ],
    )
    decisions.send(actor=world.professional, decision=decision, on=today())
    trajectory = decision.procedure.trajectory
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=RetentionRule.objects.get(code="wmo"),
    )
    Trajectory.objects.filter(pk=trajectory.pk).update(archive_action_date=today() - dt.timedelta(days=1))
    assert Message.objects.exists()
    retention.run(on=today())
    assert not Trajectory.objects.filter(pk=trajectory.pk).exists() and not Message.objects.exists()
