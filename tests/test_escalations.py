"""The escalation ladder (doorzettingsmacht): the regisseur puts a stalled case with a question and a
deadline to the first level; each level decides or passes it up; the decision returns to the dossier.
Bad input is refused with a Dutch message naming the field and changes nothing; other teams and
partners stay out; query counts stay flat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import make_trajectory, make_user
from tests.querycount import page_queries
from toegang.accounts.models import User
from toegang.cases.models import Note
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.network import services
from toegang.network.models import Escalation, EscalationLevel


def soon():
    return today() + dt.timedelta(days=10)


def raise_one(world, trajectory=None) -> Escalation:
    trajectory = trajectory or make_trajectory(world)
    return services.escalate(
        actor=world.professional,
        trajectory=trajectory,
        reason="wachtlijst",
        question="Mag de jeugdhulp tijdelijk buiten het contract worden ingekocht?",
        deadline=soon(),
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"question": "  "}, "Vraag"),
        ({"deadline": None}, "Besluit nodig uiterlijk"),
        ({"deadline": today() - dt.timedelta(days=1)}, "Besluit nodig uiterlijk"),
        ({"reason": "zomaar"}, "Reden"),
    ],
)
def test_an_escalation_without_question_or_deadline_is_refused_and_changes_nothing(world, values, field):
    trajectory = make_trajectory(world)
    arguments = {"reason": "wachtlijst", "question": "Welke oplossing?", "deadline": soon()} | values
    with pytest.raises(DomainError, match=field):
        services.escalate(actor=world.professional, trajectory=trajectory, **arguments)
    assert not Escalation.objects.exists()


def test_only_the_regisseur_escalates(world):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="regisseur"):
        services.escalate(actor=world.colleague, trajectory=trajectory, reason="anders", question="?", deadline=soon())


def test_up_to_the_second_level_and_back_into_the_dossier(world):
    escalation = raise_one(world)
    assert escalation.level.rank == 1 and escalation.level.holder == EscalationLevel.Holder.TEAM_LEAD
    with pytest.raises(DomainError, match="teamleider"):
        services.decide(actor=world.manager, escalation=escalation, decision="Ja.")  # not yet at this level
    services.forward(actor=world.team_lead, escalation=escalation, reason="Buiten mijn mandaat.")
    escalation.refresh_from_db()
    assert escalation.level.rank == 2 and escalation.arrived_on == today()
    services.decide(actor=world.manager, escalation=escalation, decision="Ja, voor drie maanden.")
    escalation.refresh_from_db()
    assert (escalation.status, escalation.decided_by) == ("besloten", world.manager)
    steps = list(escalation.steps.values_list("level__rank", "outcome"))
    assert steps == [(1, "doorgezet"), (2, "besluit")]
    note = Note.objects.get(trajectory=escalation.trajectory)
    assert "Ja, voor drie maanden." in note.text and "Manager Toegang" in note.text
    with pytest.raises(DomainError, match="al afgehandeld"):
        services.decide(actor=world.manager, escalation=escalation, decision="Nee.")


def test_the_top_level_decides_and_a_named_level_needs_a_holder(world):
    escalation = raise_one(world)
    services.forward(actor=world.team_lead, escalation=escalation, reason="Mandaat.")
    with pytest.raises(DomainError, match="niemand aangewezen"):
        services.forward(actor=world.manager, escalation=escalation, reason="Beleid.")
    principal = make_user(
        "opdrachtgever", User.Role.MANAGER, org=world.municipality_org, team=None, gemeente=world.gemeente
    )
    alderman = make_user("wethouder", User.Role.MANAGER, org=world.municipality_org, team=None, gemeente=world.gemeente)
    levels = {level.rank: level for level in EscalationLevel.objects.filter(municipality=world.gemeente)}
    levels[3].holders.add(principal)
    levels[4].holders.add(alderman)
    services.forward(actor=world.manager, escalation=escalation, reason="Beleid.")
    services.forward(actor=principal, escalation=escalation, reason="Politiek.")
    with pytest.raises(DomainError, match="hoogste niveau"):
        services.forward(actor=alderman, escalation=escalation, reason="?")
    services.decide(actor=alderman, escalation=escalation, decision="Akkoord.")


def test_screens_escalate_list_decide(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    household = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert reverse("escalate", args=[trajectory.pk]) in household
    refused = client.post(
        reverse("escalate", args=[trajectory.pk]), {"reason": "wachtlijst", "question": "", "deadline": ""}
    )
    assert refused.status_code == 400 and "Vraag" in refused.content.decode() and not Escalation.objects.exists()
    done = client.post(
        reverse("escalate", args=[trajectory.pk]),
        {"reason": "wachtlijst", "question": "Wie betaalt de overbrugging?", "deadline": soon().isoformat()},
    )
    escalation = Escalation.objects.get()
    assert done.status_code == 302 and done.url == reverse("escalation", args=[escalation.pk])

    client.force_login(world.team_lead)
    waiting = client.get(reverse("escalations")).content.decode()
    assert "Wie betaalt de overbrugging?" in waiting
    page = client.post(
        reverse("escalation-action", args=[escalation.pk, "besluiten"]), {"decision": ""}, follow=True
    ).content.decode()
    assert "Besluit:" in page
    client.post(reverse("escalation-action", args=[escalation.pk, "besluiten"]), {"decision": "Wij betalen."})
    escalation.refresh_from_db()
    assert escalation.status == "besloten"


def test_other_teams_and_partners_stay_out(client, world):
    escalation = raise_one(world)
    other_lead = make_user("andereleider", User.Role.TEAM_LEAD, org=world.municipality_org, team=world.other_team)
    client.force_login(other_lead)
    assert client.get(reverse("escalation", args=[escalation.pk])).status_code == 404
    assert "Mag de jeugdhulp" not in client.get(reverse("escalations")).content.decode()
    with pytest.raises(DomainError):
        services.decide(actor=other_lead, escalation=escalation, decision="Ja.")
    client.force_login(world.partner)
    assert client.get(reverse("escalation", args=[escalation.pk])).status_code == 404
    # a partner in the same team who sees the case (involved) but not the whole plan: still not found
    partner_here = make_user("partnerhier", User.Role.PROFESSIONAL, org=world.partner_org, team=world.team)
    from toegang.cases import services as case_services

    case_services.add_involvement(
        actor=world.professional,
        trajectory=escalation.trajectory,
        professional=partner_here,
        role="Jeugdhulp",
        start_date=today(),
    )
    client.force_login(partner_here)
    assert client.get(reverse("household", args=[escalation.trajectory.household_id])).status_code == 200
    assert client.get(reverse("escalation", args=[escalation.pk])).status_code == 404
    client.force_login(world.other_manager)
    assert client.get(reverse("escalation", args=[escalation.pk])).status_code == 404


def test_query_counts_stay_flat(client, world):
    client.force_login(world.team_lead)
    first = raise_one(world)
    raise_one(world)
    small = (page_queries(client, reverse("escalations")), page_queries(client, reverse("escalation", args=[first.pk])))
    for _ in range(3):
        services.forward(actor=world.team_lead, escalation=raise_one(world), reason="Mandaat.")
    large = (page_queries(client, reverse("escalations")), page_queries(client, reverse("escalation", args=[first.pk])))
    assert small == large
    assert small == (5, 8)


def test_the_functional_administrator_names_the_holders_of_a_level(client, world):
    from tests.querycount import page_queries

    principal = make_user(
        "opdrachtgever2", User.Role.MANAGER, org=world.municipality_org, team=None, gemeente=world.gemeente
    )
    client.force_login(world.admin)
    page = client.get(reverse("ladder-settings")).content.decode()
    assert "Ambtelijk opdrachtgever" in page and "Portefeuillehouder" in page
    levels = {level.rank: level for level in EscalationLevel.objects.filter(municipality=world.gemeente)}
    third = levels[3]
    client.post(
        reverse("ladder-settings"),
        {"level": third.pk, f"l{third.pk}-title": "Directeur sociaal domein", f"l{third.pk}-holders": [principal.pk]},
    )
    third.refresh_from_db()
    assert third.title == "Directeur sociaal domein" and list(third.holders.all()) == [principal]
    refused = client.post(
        reverse("ladder-settings"),
        {"level": levels[1].pk, f"l{levels[1].pk}-title": "Teamleider", f"l{levels[1].pk}-holders": [principal.pk]},
        follow=True,
    ).content.decode()
    assert "Aangewezen personen:" in refused and not levels[1].holders.exists()
    empty = client.post(reverse("ladder-settings"), {"level": third.pk, f"l{third.pk}-title": " "}, follow=True)
    assert "Naam van het niveau:" in empty.content.decode()
    assert page_queries(client, reverse("ladder-settings"), audit_rows=0) == 6
    client.force_login(world.professional)
    assert client.get(reverse("ladder-settings")).status_code == 403


def test_a_second_escalation_waits_until_the_first_is_settled(world):
    trajectory = make_trajectory(world)
    first = raise_one(world, trajectory)
    with pytest.raises(DomainError, match="loopt al een escalatie"):
        raise_one(world, trajectory)
    assert Escalation.objects.filter(trajectory=trajectory).count() == 1
    services.withdraw(actor=world.professional, escalation=first)
    assert raise_one(world, trajectory).status == Escalation.Status.OPEN
