import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.conftest import law_basis, make_agreed_plan, make_household, make_trajectory, wmo_rule
from toegang.cases import services
from toegang.cases.models import Involvement, RegisseurAssignment, Trajectory
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.plans.models import Plan


def test_start_trajectory_sets_one_regisseur_and_involvement(world):
    trajectory = make_trajectory(world)
    assert RegisseurAssignment.objects.filter(trajectory=trajectory, end_date__isnull=True).count() == 1
    assert Involvement.objects.filter(trajectory=trajectory, professional=world.professional).exists()


def test_a_regisseur_made_so_by_someone_else_gets_a_message(world):
    from toegang.privacy.models import Message

    make_trajectory(world)  # the professional starts it with themselves as regisseur: nothing to tell
    assert not Message.objects.filter(recipient=world.professional).exists()
    lead = make_trajectory(world, household=make_household(world), regisseur=world.professional)
    services.change_regisseur(actor=world.team_lead, trajectory=lead, professional=world.colleague, on=today())
    told = Message.objects.get(recipient=world.colleague)
    assert told.text == f"{world.team_lead} heeft u regisseur gemaakt van het traject van {lead.household.name}."
    assert told.link == f"/huishoudens/{lead.household_id}/"
    started = services.start_trajectory(
        actor=world.team_lead,
        household=make_household(world),
        team=world.team,
        regisseur=world.professional,
        started_on=today(),
    )
    assert Message.objects.get(recipient=world.professional).link.endswith(f"/{started.household_id}/")


def test_second_open_trajectory_for_household_is_refused(world):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="al een lopend traject"):
        make_trajectory(world, household=trajectory.household)
    assert Trajectory.objects.filter(household=trajectory.household).count() == 1


def test_database_refuses_a_second_current_regisseur(world):
    trajectory = make_trajectory(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisseurAssignment.objects.create(trajectory=trajectory, professional=world.colleague, start_date=today())


def test_handover_keeps_history(world):
    trajectory = make_trajectory(world)
    services.change_regisseur(actor=world.professional, trajectory=trajectory, professional=world.colleague, on=today())
    rows = list(RegisseurAssignment.objects.filter(trajectory=trajectory).order_by("start_date"))
    assert [r.professional for r in rows] == [world.professional, world.colleague]
    assert rows[0].end_date == today() - dt.timedelta(days=1)
    assert rows[1].end_date is None
    with pytest.raises(DomainError, match="al de regisseur"):
        services.change_regisseur(
            actor=world.professional, trajectory=trajectory, professional=world.colleague, on=today()
        )


def test_regisseur_must_be_a_case_worker(world):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="Regisseur"):
        services.change_regisseur(
            actor=world.professional, trajectory=trajectory, professional=world.manager, on=today()
        )
    assert (
        RegisseurAssignment.objects.get(trajectory=trajectory, end_date__isnull=True).professional == world.professional
    )


def test_seconded_partner_can_be_involved_once(world):
    trajectory = make_trajectory(world)
    services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulpverlener",
        start_date=today(),
        basis=law_basis(),
    )
    assert world.partner.is_seconded
    with pytest.raises(DomainError, match="al betrokken"):
        services.add_involvement(
            actor=world.professional,
            trajectory=trajectory,
            professional=world.partner,
            role="Jeugdhulpverlener",
            start_date=today(),
            basis=law_basis(),
        )


def test_notes_validate_input(world):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="Contactvorm"):
        services.add_note(
            actor=world.professional, trajectory=trajectory, text="Gebeld", happened_on=today(), kind="contact"
        )
    with pytest.raises(DomainError, match="toekomst"):
        services.add_note(
            actor=world.professional, trajectory=trajectory, text="x", happened_on=today() + dt.timedelta(days=1)
        )
    with pytest.raises(DomainError, match=r"Tekst: ten hoogste 10\.000 tekens \(nu 10001\)"):
        services.add_note(actor=world.professional, trajectory=trajectory, text="x" * 10_001, happened_on=today())
    note = services.add_note(
        actor=world.professional,
        trajectory=trajectory,
        text="Huisbezoek gehad",
        happened_on=today(),
        kind="contact",
        channel="huisbezoek",
    )
    assert note.author == world.professional


def test_closure_ends_regie_involvements_and_plan(world):
    trajectory = make_trajectory(world)
    plan = make_agreed_plan(world, trajectory)
    with pytest.raises(DomainError, match="Toelichting"):
        services.close_trajectory(
            actor=world.professional,
            trajectory=trajectory,
            closed_on=today(),
            reason="anders",
            retention_rule=wmo_rule(),
        )
    services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=wmo_rule(),
    )
    trajectory.refresh_from_db()
    plan.refresh_from_db()
    assert trajectory.status == Trajectory.Status.CLOSED
    assert plan.status == Plan.Status.CLOSED
    assert not RegisseurAssignment.objects.filter(trajectory=trajectory, end_date__isnull=True).exists()
    assert not Involvement.objects.filter(trajectory=trajectory, end_date__isnull=True).exists()
    with pytest.raises(DomainError, match="al afgesloten"):
        services.close_trajectory(
            actor=world.professional,
            trajectory=trajectory,
            closed_on=today(),
            reason="doelen_bereikt",
            retention_rule=wmo_rule(),
        )
    # after closure a new trajectory may start for the same household
    again = make_trajectory(world, household=trajectory.household)
    assert again.status == Trajectory.Status.OPEN


def test_closed_on_before_start_is_refused(world):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="vóór de start"):
        services.close_trajectory(
            actor=world.professional,
            trajectory=trajectory,
            closed_on=trajectory.started_on - dt.timedelta(days=1),
            reason="doelen_bereikt",
            retention_rule=wmo_rule(),
        )
    assert Trajectory.objects.get(pk=trajectory.pk).status == Trajectory.Status.OPEN


def test_household_helper_builds_members(world):
    household = make_household(world, members=4)
    assert household.memberships.count() == 4


def test_closing_before_a_later_involvement_start_is_refused_not_a_crash(world):
    trajectory = make_trajectory(world)
    services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=law_basis(),
    )
    with pytest.raises(DomainError, match="pas op .* begonnen"):
        services.close_trajectory(
            actor=world.professional,
            trajectory=trajectory,
            closed_on=today() - dt.timedelta(days=10),
            reason="doelen_bereikt",
            retention_rule=wmo_rule(),
        )
    with pytest.raises(DomainError, match="toekomst"):
        services.close_trajectory(
            actor=world.professional,
            trajectory=trajectory,
            closed_on=today() + dt.timedelta(days=1),
            reason="doelen_bereikt",
            retention_rule=wmo_rule(),
        )
    assert Trajectory.objects.get(pk=trajectory.pk).status == Trajectory.Status.OPEN


def test_future_handover_and_involvement_are_refused(world):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="toekomst"):
        services.change_regisseur(
            actor=world.professional,
            trajectory=trajectory,
            professional=world.colleague,
            on=today() + dt.timedelta(days=30),
        )
    with pytest.raises(DomainError, match="toekomst"):
        services.add_involvement(
            actor=world.professional,
            trajectory=trajectory,
            professional=world.partner,
            role="x",
            start_date=today() + dt.timedelta(days=1),
            basis=law_basis(),
        )


def test_closed_trajectory_takes_no_notes_or_involvements(world):
    trajectory = make_trajectory(world)
    services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=wmo_rule(),
    )
    trajectory.refresh_from_db()
    with pytest.raises(DomainError, match="afgesloten"):
        services.add_note(actor=world.professional, trajectory=trajectory, text="x", happened_on=today())
    with pytest.raises(DomainError, match="afgesloten"):
        services.add_involvement(
            actor=world.professional,
            trajectory=trajectory,
            professional=world.partner,
            role="x",
            start_date=today(),
            basis=law_basis(),
        )
    assert not Involvement.objects.filter(trajectory=trajectory, end_date__isnull=True).exists()


def test_ending_an_involvement_through_the_screen(client, world):
    from django.urls import reverse

    trajectory = make_trajectory(world)
    involvement = services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=law_basis(),
    )
    client.force_login(world.professional)
    assert (
        "Betrokkenheid beëindigen" in client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    )
    client.post(reverse("involvement-end", args=[involvement.pk]))
    involvement.refresh_from_db()
    assert involvement.end_date == today()
    regie = Involvement.objects.get(trajectory=trajectory, professional=world.professional)
    response = client.post(reverse("involvement-end", args=[regie.pk]), follow=True)
    assert "draag eerst de regie over" in response.content.decode()
    client.force_login(world.outsider)
    assert client.post(reverse("involvement-end", args=[regie.pk])).status_code == 404
