"""Transfers of a trajectory between teams: requested by the regisseur or team lead, accepted with a new
regisseur or refused with a reason by the receiving team's lead; history kept; wrong parties refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_trajectory, make_user
from tests.querycount import page_queries
from toegang.accounts.models import Team, User
from toegang.cases.models import Involvement, Note, RegisseurAssignment
from toegang.common.errors import DomainError
from toegang.network import services
from toegang.network.models import Transfer


@pytest.fixture
def south(world):
    """A second team in the same municipality, with its lead and a professional."""
    team = Team.objects.create(name="Team Noord-Oost", area=world.area)
    lead = make_user("leider-no", User.Role.TEAM_LEAD, org=world.municipality_org, team=team)
    pro = make_user("pro-no", User.Role.PROFESSIONAL, org=world.municipality_org, team=team)
    return team, lead, pro


def test_request_accept_moves_the_trajectory_with_a_new_regisseur(world, south):
    team, lead, pro = south
    trajectory = make_trajectory(world)
    transfer = services.request_transfer(
        actor=world.professional, trajectory=trajectory, to_team=team, reason="Verhuisd."
    )
    with pytest.raises(DomainError, match="al een verzoek"):
        services.request_transfer(actor=world.professional, trajectory=trajectory, to_team=team, reason="Nog eens.")
    with pytest.raises(DomainError, match="ontvangende team"):
        services.accept_transfer(actor=world.team_lead, transfer=transfer, regisseur=pro)  # the sending lead
    with pytest.raises(DomainError, match="Nieuwe regisseur"):
        services.accept_transfer(actor=lead, transfer=transfer, regisseur=world.colleague)  # not of the team
    services.accept_transfer(actor=lead, transfer=transfer, regisseur=pro)
    trajectory.refresh_from_db()
    assert trajectory.team == team
    assignments = list(
        RegisseurAssignment.objects.filter(trajectory=trajectory).order_by("pk").values_list("professional", "end_date")
    )
    assert assignments[-1] == (pro.pk, None) and assignments[0][1] is not None  # history kept
    assert "Overgedragen van Team Noord naar Team Noord-Oost" in Note.objects.get(trajectory=trajectory).text
    # the old regisseur leaves with the old team: no open involvement, so no access through it
    assert not Involvement.objects.filter(
        trajectory=trajectory, professional=world.professional, end_date__isnull=True
    ).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_request_without_reason_or_to_the_own_team_is_refused(world, south, reason):
    team, _lead, _pro = south
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="Reden"):
        services.request_transfer(actor=world.professional, trajectory=trajectory, to_team=team, reason=reason)
    with pytest.raises(DomainError, match="Naar team"):
        services.request_transfer(actor=world.professional, trajectory=trajectory, to_team=world.team, reason="x")
    with pytest.raises(DomainError, match="dezelfde gemeente"):
        services.request_transfer(actor=world.professional, trajectory=trajectory, to_team=world.other_team, reason="x")
    with pytest.raises(DomainError, match="regisseur of de teamleider"):
        services.request_transfer(actor=world.colleague, trajectory=trajectory, to_team=team, reason="x")
    assert not Transfer.objects.exists()


def test_refusal_needs_a_reason_and_keeps_the_trajectory(world, south):
    team, lead, _pro = south
    trajectory = make_trajectory(world)
    transfer = services.request_transfer(actor=world.professional, trajectory=trajectory, to_team=team, reason="Wijk.")
    with pytest.raises(DomainError, match="Reden weigering"):
        services.refuse_transfer(actor=lead, transfer=transfer, refusal=" ")
    services.refuse_transfer(actor=lead, transfer=transfer, refusal="Het adres valt binnen Team Noord.")
    trajectory.refresh_from_db()
    transfer.refresh_from_db()
    assert trajectory.team == world.team and transfer.status == "geweigerd"


def test_screens(client, world, south):
    team, lead, pro = south
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    page = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert reverse("transfer-new", args=[trajectory.pk]) in page
    bad = client.post(reverse("transfer-new", args=[trajectory.pk]), {"to_team": team.pk, "reason": ""})
    assert bad.status_code == 400 and "Reden" in bad.content.decode()
    client.post(reverse("transfer-new", args=[trajectory.pk]), {"to_team": team.pk, "reason": "Verhuisd."})
    transfer = Transfer.objects.get()
    pending = client.get(reverse("transfer-new", args=[trajectory.pk])).content.decode()
    assert "Verzoek loopt" in pending and "Verzoek intrekken" in pending
    client.force_login(lead)
    listing = client.get(reverse("transfers")).content.decode()
    assert trajectory.household.name in listing and "Verhuisd." in listing
    few = page_queries(client, reverse("transfers"))
    for _ in range(2):
        other = make_trajectory(world)
        services.request_transfer(actor=world.professional, trajectory=other, to_team=team, reason="Ook verhuisd.")
    assert page_queries(client, reverse("transfers")) == few == 7
    client.post(reverse("transfer-action", args=[transfer.pk, "accepteren"]), {f"t{transfer.pk}-regisseur": pro.pk})
    transfer.refresh_from_db()
    assert transfer.status == "geaccepteerd"
    client.force_login(world.partner)
    assert client.get(reverse("transfers")).status_code == 403
