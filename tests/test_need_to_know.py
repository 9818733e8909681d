"""Need-to-know inside the one plan ("dat, niet wat") and notes kept within one organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import law_basis, make_trajectory
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.plans import services as plan_services
from toegang.plans.models import Action, LifeDomain, Plan, SelfRelianceLevel


@pytest.fixture
def shared_case(world):
    """A team trajectory with a youth-care partner involved: goal 1 is the partner's, goal 2 the municipality's."""
    trajectory = make_trajectory(world)
    case_services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulpverlener",
        start_date=today(),
        basis=law_basis(),
    )
    actor = world.professional
    plan = plan_services.start_plan(actor=actor, trajectory=trajectory)
    upbringing, money = LifeDomain.objects.get(code="huiselijke-relaties"), LifeDomain.objects.get(code="financien")
    plan_services.record_exploration(
        actor=actor,
        trajectory=trajectory,
        held_on=today(),
        participants="",
        summary="Schulden bij de zorgverzekeraar",
        findings=[
            plan_services.FindingInput(
                domain=money, situation="Betalingsachterstand", level=SelfRelianceLevel.objects.get(level=2)
            )
        ],
    )
    g1 = plan_services.add_goal(
        actor=actor,
        plan=plan,
        expected_revision=plan.revision,
        domain=upbringing,
        result="Rust en regelmaat voor de kinderen",
        due_on=today() + dt.timedelta(days=60),
    )
    plan_services.add_action(
        actor=actor,
        goal=g1,
        expected_revision=plan.revision,
        description="Opvoedondersteuning",
        party=Action.Party.PROFESSIONAL,
        professional=world.partner,
        due_on=today(),
    )
    g2 = plan_services.add_goal(
        actor=actor,
        plan=plan,
        expected_revision=plan.revision,
        domain=money,
        result="Schuld bij de zorgverzekeraar geregeld",
        due_on=today() + dt.timedelta(days=60),
    )
    plan_services.add_action(
        actor=actor,
        goal=g2,
        expected_revision=plan.revision,
        description="Betalingsregeling",
        party=Action.Party.PROFESSIONAL,
        professional=world.professional,
        due_on=today(),
    )
    plan_services.agree_plan(
        actor=actor, plan=plan, expected_revision=plan.revision, agreed_on=today(), agreed_how=Plan.AgreedHow.VERBAL
    )
    return trajectory, plan


def test_partner_sees_own_goal_and_only_that_others_are_involved(client, world, shared_case):
    trajectory, _plan = shared_case
    client.force_login(world.partner)
    for url in (reverse("household", args=[trajectory.household_id]), reverse("plan", args=[trajectory.pk])):
        body = client.get(url).content.decode()
        assert "Rust en regelmaat voor de kinderen" in body and "Opvoedondersteuning" in body
        assert "zorgverzekeraar" not in body and "Betalingsregeling" not in body and "Financiën" not in body
        assert "Gemeente Test is betrokken" in body
    client.force_login(world.professional)
    body = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "zorgverzekeraar" in body and "Opvoedondersteuning" in body


def test_partner_updates_only_own_actions_and_does_not_shape_the_plan(client, world, shared_case):
    trajectory, plan = shared_case
    own = Action.objects.get(description="Opvoedondersteuning")
    other = Action.objects.get(description="Betalingsregeling")
    plan_services.set_action_status(
        actor=world.partner, action=own, expected_revision=plan.revision, status="gedaan", on=today()
    )
    with pytest.raises(DomainError, match="eigen organisatie"):
        plan_services.set_action_status(
            actor=world.partner, action=other, expected_revision=plan.revision, status="gedaan", on=today()
        )
    with pytest.raises(DomainError, match="alleen de regisseur"):
        plan_services.start_plan(actor=world.partner, trajectory=trajectory)
    client.force_login(world.partner)
    assert client.get(reverse("review-new", args=[trajectory.pk])).status_code == 403
    assert client.get(reverse("exploration-new", args=[trajectory.pk])).status_code == 403


def test_a_partner_who_is_regisseur_sees_the_whole_plan(client, world, shared_case):
    trajectory, _plan = shared_case
    case_services.change_regisseur(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        on=today() + dt.timedelta(days=0) if trajectory.started_on < today() else today(),
    )
    client.force_login(world.partner)
    body = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "zorgverzekeraar" in body


def test_restricted_note_stays_within_the_organisation(client, world, shared_case):
    trajectory, _plan = shared_case
    case_services.add_note(
        actor=world.partner,
        trajectory=trajectory,
        text="Vermoeden van spanningen thuis",
        happened_on=today(),
        restricted=True,
    )
    case_services.add_note(actor=world.partner, trajectory=trajectory, text="Afspraak gemaakt", happened_on=today())
    client.force_login(world.professional)
    body = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "Afspraak gemaakt" in body and "spanningen" not in body
    client.force_login(world.partner)
    body = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "spanningen" in body and "alleen eigen organisatie" in body


def test_who_is_involved_shows_organisations_never_content(client, world, shared_case, django_assert_max_num_queries):
    trajectory, _plan = shared_case
    client.force_login(world.partner)
    url = reverse("involved", args=[trajectory.household_id])
    with django_assert_max_num_queries(13):
        body = client.get(url).content.decode()
    assert "Jeugdhulp Test" in body and "Gemeente Test" in body
    assert "Jeugdhulpverlener" not in body and "zorgverzekeraar" not in body and "Rust en regelmaat" not in body
    from toegang.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(object_type="betrokkenen", actor=world.partner).get()
    assert entry.subjects.count() == trajectory.household.memberships.count()
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_overdue_list_keeps_to_the_partners_own_actions(client, world, shared_case):
    Action.objects.update(due_on=today() - dt.timedelta(days=2))
    client.force_login(world.partner)
    body = client.get(reverse("overdue")).content.decode()
    assert "Opvoedondersteuning" in body and "Betalingsregeling" not in body
    client.force_login(world.professional)
    body = client.get(reverse("overdue")).content.decode()
    assert "Opvoedondersteuning" in body and "Betalingsregeling" in body


def test_partner_does_not_steer_the_trajectory(client, world, shared_case):
    trajectory, _plan = shared_case
    client.force_login(world.partner)
    for name in ("regisseur-change", "involvement-add", "trajectory-close"):
        assert client.get(reverse(name, args=[trajectory.pk])).status_code == 403, name
    from toegang.cases.models import Involvement

    regie = Involvement.objects.get(trajectory=trajectory, professional=world.professional)
    assert client.post(reverse("involvement-end", args=[regie.pk])).status_code == 403
    own = Involvement.objects.get(trajectory=trajectory, professional=world.partner)
    client.post(reverse("involvement-end", args=[own.pk]))
    own.refresh_from_db()
    assert own.end_date == today()
