"""Decisions (beschikkingen): provisions as the iStandaarden allow them, four-eyes approval above the
configured amount, no sending without approval, the household snapshot, the letter, objections and
their terms, and an open objection holding off destruction."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import make_trajectory
from tests.pdf_support import pdf_text
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.privacy import retention
from toegang.privacy.models import RetentionRule
from toegang.procedures import clocks, decisions, letters, services
from toegang.procedures.models import Decision, Procedure, ProductCategory, Provider, Provision


def applied_on():
    return today() - dt.timedelta(days=10)


@pytest.fixture
def provider(db):
    return Provider.objects.create(name="Thuiszorg De Linde", agb_code="98765432")


def procedure(world, law="wmo"):
    trajectory = make_trajectory(world, members=3)
    person = trajectory.household.memberships.order_by("pk").first().person
    proc = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law=law, reported_on=applied_on()
    )
    return services.record_step(actor=world.professional, procedure=proc, step="application_on", day=applied_on())


def hbh(world, decision, supplier, **overrides):
    values = {
        "actor": world.professional,
        "decision": decision,
        "category": ProductCategory.objects.get(law="wmo", code="01"),
        "product_code": "01a01",
        "delivery": "zin",
        "provider": supplier,
        "volume": 3,
        "unit": "04",
        "frequency": "2",
        "start_date": today(),
        "end_date": today() + dt.timedelta(days=365),
    }
    return decisions.add_provision(**{**values, **overrides})


def test_a_small_decision_is_approved_by_its_maker_and_sent(world, provider):
    proc = procedure(world)
    decision = decisions.draft_decision(
        actor=world.professional, procedure=proc, outcome="toegekend", reasoning="Onderzoek wijst uit..."
    )
    provision = hbh(world, decision, provider)
    assert provision.product_code == "01A01"
    decision = decisions.submit(actor=world.professional, decision=decision)
    assert decision.status == Decision.Status.APPROVED and decision.approved_by == world.professional
    assert len(decision.household_snapshot) == 3 and sum(1 for m in decision.household_snapshot if m["aanvrager"]) == 1
    decision = decisions.send(actor=world.professional, decision=decision, on=today())
    proc.refresh_from_db()
    assert (
        decision.status == Decision.Status.SENT
        and proc.status == Procedure.Status.DECIDED
        and proc.decided_on == today()
    )
    with pytest.raises(DomainError, match="al bekendgemaakt"):
        decisions.send(actor=world.professional, decision=decision, on=today())


def test_four_eyes_above_the_amount(world, provider, settings):
    settings.DECISION_FOUR_EYES_CENTS = 500_000
    proc = procedure(world)
    decision = decisions.draft_decision(
        actor=world.professional, procedure=proc, outcome="toegekend", reasoning="Woningaanpassing"
    )
    hbh(
        world,
        decision,
        provider,
        category=ProductCategory.objects.get(law="wmo", code="13"),
        volume=None,
        unit="",
        frequency="",
        budget_cents=750_000,
        delivery="pgb",
        provider=None,
    )
    decision = decisions.submit(actor=world.professional, decision=decision)
    assert decision.status == Decision.Status.AWAITING
    with pytest.raises(DomainError, match="na akkoord"):
        decisions.send(actor=world.professional, decision=decision, on=today())
    with pytest.raises(DomainError, match="een ander dan de opsteller"):
        decisions.approve(actor=world.professional, decision=decision)
    with pytest.raises(DomainError, match="teamleider"):
        decisions.approve(actor=world.colleague, decision=decision)
    decision = decisions.approve(actor=world.team_lead, decision=decision)
    assert decision.status == Decision.Status.APPROVED and decision.approved_by == world.team_lead
    assert decisions.send(actor=world.professional, decision=decision, on=today()).status == Decision.Status.SENT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"provider": None}, "Zorgaanbieder: kies de aanbieder"),
        ({"budget_cents": 1000}, "niet allebei"),
        ({"volume": None}, "Omvang: vul een omvang"),
        ({"volume": 100_000_000}, "99.999.999"),
        ({"unit": "99"}, "Eenheid"),
        ({"frequency": ""}, "Frequentie"),
        ({"end_date": None}, "Einddatum: verplicht"),
        ({"end_date": today() - dt.timedelta(days=1)}, "Einddatum: ligt vóór"),
        ({"product_code": "07-A3"}, "Productcode"),
        ({"category_code": ("jeugd", "45")}, "Productcategorie: kies een categorie van de wet"),
        ({"volume": None, "unit": "", "frequency": "", "budget_cents": 0}, "Budget"),
    ],
)
def test_bad_provisions_are_refused_and_change_nothing(world, provider, overrides, message):
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure(world), outcome="toegekend", reasoning="r"
    )
    if "category_code" in overrides:
        law, code = overrides.pop("category_code")
        overrides["category"] = ProductCategory.objects.get(law=law, code=code)
    with pytest.raises(DomainError, match=message):
        hbh(world, decision, provider, **overrides)
    assert not Provision.objects.exists()


def test_a_refusal_needs_reasons_and_no_provisions(world, provider):
    proc = procedure(world, law="jeugd")
    with pytest.raises(DomainError, match="Motivering"):
        decisions.draft_decision(actor=world.professional, procedure=proc, outcome="afgewezen", reasoning=" ")
    decision = decisions.draft_decision(
        actor=world.professional, procedure=proc, outcome="afgewezen", reasoning="Voorliggend veld volstaat"
    )
    with pytest.raises(DomainError, match="afwijzing kent geen"):
        hbh(world, decision, provider, category=ProductCategory.objects.get(law="jeugd", code="45"))
    assert decisions.submit(actor=world.professional, decision=decision).status == Decision.Status.APPROVED


def test_the_letter_names_the_remedies(world, provider):
    decision = decisions.draft_decision(
        actor=world.professional,
        procedure=procedure(world),
        outcome="toegekend",
        reasoning="Uit het onderzoek blijkt dat u hulp nodig heeft.",
    )
    hbh(world, decision, provider)
    assert "CONCEPT – niet verzonden" in pdf_text(letters.decision_pdf(decision))  # never taken for the real one
    decision = decisions.send(
        actor=world.professional, decision=decisions.submit(actor=world.professional, decision=decision), on=today()
    )
    pdf = letters.decision_pdf(decision)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "bezwaar maken" in text and "3:45" in text and "Thuiszorg De Linde" in text and "CONCEPT" not in text
    assert clocks.objection_window_end(today()).strftime("%d-%m-%Y") in text


def test_objections_have_their_terms_and_hold_off_destruction(world, provider):
    proc = procedure(world)
    decision = decisions.draft_decision(actor=world.professional, procedure=proc, outcome="afgewezen", reasoning="r")
    decision = decisions.send(
        actor=world.professional,
        decision=decisions.submit(actor=world.professional, decision=decision),
        on=applied_on() + dt.timedelta(days=2),
    )
    objection = decisions.register_objection(
        actor=world.professional, decision=decision, received_on=today(), committee=True
    )
    assert decisions.objection_deadline(objection) == clocks.objection_decision_deadline(
        announced_on=decision.sent_on, committee=True, extended=False
    )
    objection = decisions.extend_objection(actor=world.professional, objection=objection, notified_on=today())
    with pytest.raises(DomainError, match="één keer"):
        decisions.extend_objection(actor=world.professional, objection=objection, notified_on=today())
    # the dossier is closed and its term has passed, but the open objection holds off destruction
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=proc.trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=RetentionRule.objects.get(code="afgebroken"),
    )
    type(proc.trajectory).objects.filter(pk=proc.trajectory_id).update(
        archive_action_date=today() - dt.timedelta(days=1)
    )
    assert not retention.due(on=today()).filter(pk=proc.trajectory_id).exists()
    decisions.decide_objection(actor=world.professional, objection=objection, outcome="ongegrond", decided_on=today())
    assert retention.due(on=today()).filter(pk=proc.trajectory_id).exists()
    result = retention.run(on=today())
    assert sum(result.destroyed.values()) >= 1 and not Decision.objects.filter(pk=decision.pk).exists()


def test_only_a_sent_decision_can_be_objected_to(world, provider):
    decision = decisions.draft_decision(
        actor=world.professional, procedure=procedure(world), outcome="afgewezen", reasoning="r"
    )
    with pytest.raises(DomainError, match="bekendgemaakte beschikking"):
        decisions.register_objection(actor=world.professional, decision=decision, received_on=today(), committee=False)


def test_provider_agb_code_is_eight_digits(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.create(name="X", agb_code="1234")
    assert not Provider.objects.exists()


@pytest.mark.parametrize(
    ("cents", "shown"),
    [(0, "€ 0,00"), (5, "€ 0,05"), (250_050, "€ 2.500,50"), (144_200, "€ 1.442,00"), (99_999_999, "€ 999.999,99")],
)
def test_amounts_are_shown_from_cents(cents, shown):
    from toegang.common.templatetags.money import euros

    assert euros(cents) == shown


def test_a_team_lead_is_not_asked_to_approve_their_own_beschikking(world, provider, settings):
    from toegang.privacy.models import Message
    from toegang.procedures import selectors

    settings.DECISION_FOUR_EYES_CENTS = 0  # every beschikking waits for akkoord
    own = decisions.draft_decision(
        actor=world.team_lead, procedure=procedure(world), outcome="afgewezen", reasoning="r"
    )
    decisions.submit(actor=world.team_lead, decision=own)
    theirs = decisions.draft_decision(
        actor=world.professional, procedure=procedure(world), outcome="afgewezen", reasoning="r"
    )
    decisions.submit(actor=world.professional, decision=theirs)
    assert [d.pk for d in selectors.awaiting_approval(world.team_lead)] == [theirs.pk]  # four eyes: not their own
    assert Message.objects.filter(recipient=world.team_lead).count() == 1  # told of the colleague's only
    assert selectors.awaiting_approval(world.professional) == []  # only a team lead approves
