"""The governance workbench (issue 8, points 1 and 8 of the UI): decision projects from the Delft and Deventer
templates, editing, stakeholder groups and participants behind personal links, judgements and their validation,
progress, the problem handed to ``mcda.evaluate`` and the results page. Business case, governance map and the
council report: tests/test_governance_case.py."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import make_user
from toegang.accounts.models import User
from toegang.audit.models import AuditEntry
from toegang.common.errors import DomainError
from toegang.governance import analysis, selectors
from toegang.governance import services as gs
from toegang.governance.mcda import evaluate
from toegang.governance.models import (
    DecisionProject,
    PairwiseJudgement,
    Participant,
    ScoreJudgement,
    WeightJudgement,
)

# ---- helpers ------------------------------------------------------------------------------------------------------


def token_of(message: str) -> str:
    return re.search(r"/inbreng/([^/]+)/", message).group(1)


def group(project, actor, name="Beleid", weight=Decimal(1), kind="beleid"):
    return gs.add_group(
        actor=actor,
        project=project,
        kind=kind,
        name=name,
        weight=weight,
        weight_decided_by="Stuurgroep, 3 maart",
        weight_reason="Gelijke stem voor elke groep.",
    )


def small_project(actor):
    """Two criteria (Kwaliteit: max, Kosten: min) and two alternatives (Stichting, Gemeente), pairwise weighting."""
    project = gs.create_project(actor=actor, name="Klein project", template="leeg")
    quality = gs.add_criterion(actor=actor, project=project, name="Kwaliteit", description="", direction="max")
    cost = gs.add_criterion(actor=actor, project=project, name="Kosten", description="", direction="min")
    foundation = gs.add_alternative(
        actor=actor, project=project, name="Stichting", description="", legal_form="stichting", steers_how=False
    )
    municipality = gs.add_alternative(
        actor=actor, project=project, name="Gemeente", description="", legal_form="gemeente", steers_how=True
    )
    return project, quality, cost, foundation, municipality


def fill_all(participant, project, *, pair_value=2, weight_values=None, score=3):
    """Complete judgements for a participant: every pair, every weight, every score."""
    shape = selectors.structure(project)
    pairwise, weights = {}, {}
    if project.weighting == "pairwise":
        for i, a in enumerate(shape.criteria):
            for b in shape.criteria[i + 1 :]:
                pairwise[(a.pk, b.pk)] = pair_value
    else:
        weights = weight_values or {}
    scores = {(a.pk, c.pk): score for a in shape.admissible for c in shape.scored}
    gs.save_judgements(participant=participant, pairwise=pairwise, weights=weights, scores=scores)


# ---- templates and editing ----------------------------------------------------------------------------------------


def test_a_project_from_the_delft_template(world):
    project = gs.create_project(actor=world.manager, name="Toegang 2027", template="delft")
    criteria = [c.name for c in project.criteria.all()]
    assert criteria == [
        "Ruimte voor professionals",
        "Integraliteit",
        "Centrale toegang",
        "Innovatief partnerschap",
        "Kosten",
    ]
    assert [a.legal_form for a in project.alternatives.all()] == [
        "gemeente",
        "gr",
        "aanbesteding",
        "bv",
        "stichting",
        "cooperatie",
    ]
    assert project.weighting == "pairwise" and project.aggregation == "aij"
    assert project.steers_on_what is True
    # the switch leaves out the forms in which the municipality also steers on the how
    shape = selectors.structure(project)
    assert [a.name for a in shape.admissible] == [
        "Aanbesteding / opdracht",
        "BV (100 % gemeente, met raad van commissarissen)",
        "Stichting",
        "Coöperatie",
    ]
    cost = project.criteria.get(is_cost=True)
    assert cost.direction == "min"
    codes = {p.code: p for p in project.parameters.all()}
    assert codes["discontovoet"].value == Decimal("2.25") and "rwseconomie" in codes["discontovoet"].source
    assert all(p.source for p in codes.values())
    assert project.facilitator == world.manager
    assert AuditEntry.objects.filter(object_type="decisionproject", action="create").count() == 1


def test_a_project_from_the_deventer_template(world):
    project = gs.create_project(actor=world.admin, name="Sociale teams", template="deventer")
    assert [c.name for c in project.criteria.all()] == [
        "Transformatieopdracht",
        "Rollen gemeente en transparantie",
        "Slagkracht",
        "Kosten",
        "Flexibiliteit",
        "Risico's",
        "Wensen medewerkers",
    ]
    assert [a.name for a in project.alternatives.all()] == [
        "Projectorganisatie / convenant",
        "Hoofdaanbieder met onderaannemers",
        "Aparte juridische entiteit",
    ]
    assert project.weighting == "points" and project.aggregation == "aip_arithmetic"
    assert project.steers_on_what is False
    assert project.criteria.get(name="Risico's").direction == "min"
    assert "platte organisatie" in project.criteria.get(name="Wensen medewerkers").description


def test_only_the_manager_and_the_functional_administrator_start_a_project(world):
    client_role = make_user("opdrachtgever", User.Role.CLIENT, org=None, team=None, gemeente=world.gemeente)
    for actor in (world.professional, client_role, world.team_lead):
        with pytest.raises(DomainError, match="starten de functioneel beheerder en de manager"):
            gs.create_project(actor=actor, name="X", template="delft")
    with pytest.raises(DomainError, match="Sjabloon"):
        gs.create_project(actor=world.manager, name="X", template="amsterdam")
    with pytest.raises(DomainError, match="Naam: dit veld is verplicht"):
        gs.create_project(actor=world.manager, name="  ", template="delft")
    with pytest.raises(DomainError, match="Procesbegeleider"):
        gs.create_project(actor=world.manager, name="X", template="delft", facilitator=world.other_manager)
    assert not DecisionProject.objects.exists()


def test_criteria_and_alternatives_are_editable(world):
    project = gs.create_project(actor=world.manager, name="P", template="deventer")
    added = gs.add_criterion(actor=world.manager, project=project, name="Privacy", description="AVG", direction="max")
    assert added.position == 8
    gs.update_criterion(actor=world.manager, criterion=added, name="Privacy en AVG", description="", direction="min")
    added.refresh_from_db()
    assert (added.name, added.direction) == ("Privacy en AVG", "min")
    gs.move(actor=world.manager, item=added, up=True)
    assert [c.name for c in project.criteria.all()][-2:] == ["Privacy en AVG", "Wensen medewerkers"]
    gs.remove_criterion(actor=world.manager, criterion=project.criteria.get(name="Flexibiliteit"))
    assert project.criteria.count() == 7
    with pytest.raises(DomainError, match="Naam: 'slagkracht' bestaat al"):
        gs.add_criterion(actor=world.manager, project=project, name="slagkracht", description="", direction="max")
    with pytest.raises(DomainError, match="Richting: kies een van de mogelijkheden"):
        gs.add_criterion(actor=world.manager, project=project, name="Nieuw", description="", direction="omhoog")
    with pytest.raises(DomainError, match="Kostencriterium: dit project heeft al"):
        gs.add_criterion(
            actor=world.manager, project=project, name="Nieuw", description="", direction="min", is_cost=True
        )
    alternative = gs.add_alternative(
        actor=world.manager,
        project=project,
        name="In eigen beheer",
        description="",
        legal_form="gemeente",
        steers_how=True,
    )
    gs.update_alternative(
        actor=world.manager,
        alternative=alternative,
        name="Gemeente zelf",
        description="x",
        legal_form="gemeente",
        steers_how=True,
    )
    gs.move(actor=world.manager, item=alternative, up=True)
    gs.move(actor=world.manager, item=alternative, up=True)
    assert [a.name for a in project.alternatives.all()][1] == "Gemeente zelf"
    with pytest.raises(DomainError, match="Rechtsvorm"):
        gs.update_alternative(
            actor=world.manager, alternative=alternative, name="Y", description="", legal_form="nv", steers_how=False
        )
    gs.remove_alternative(actor=world.manager, alternative=alternative)
    assert project.alternatives.count() == 3
    # someone who is not the facilitator changes nothing
    other = make_user("manager-b", User.Role.MANAGER, org=None, team=None, gemeente=world.gemeente)
    with pytest.raises(DomainError, match="Alleen de procesbegeleider"):
        gs.add_criterion(actor=other, project=project, name="Z", description="", direction="max")
    # the functional administrator may take over
    gs.add_criterion(actor=world.admin, project=project, name="Z", description="", direction="max")


def test_the_weighting_cannot_change_once_someone_has_weighed(world):
    project, *_ = small_project(world.manager)
    beleid = group(project, world.manager)
    person, _token = gs.add_participant(actor=world.manager, group=beleid, name="Deelnemer Een", email="")
    fill_all(person, project)
    settings = dict(
        name="P",
        weighting="points",
        method="weighted_sum",
        extra_methods=[],
        aggregation="aij",
        prioritisation="eigenvector",
        random_index="saaty1980",
        synthesis="distributive",
        normalisation="vector",
        steers_on_what=False,
        cost_from_business_case=False,
        mc_samples=2000,
        mc_seed=1,
        facilitator=None,
    )
    with pytest.raises(DomainError, match="Wegingsmethode: er zijn al wegingen gegeven"):
        gs.update_settings(actor=world.manager, project=project, **settings)
    with pytest.raises(DomainError, match="Kostencriterium uit de business case: wijs eerst"):
        gs.update_settings(
            actor=world.manager,
            project=project,
            **{**settings, "weighting": "pairwise", "cost_from_business_case": True},
        )
    with pytest.raises(DomainError, match="Monte-Carlo-trekkingen"):
        gs.update_settings(
            actor=world.manager, project=project, **{**settings, "weighting": "pairwise", "mc_samples": 5}
        )
    gs.update_settings(
        actor=world.manager,
        project=project,
        **{**settings, "weighting": "pairwise", "extra_methods": ["topsis", "weighted_sum"]},
    )
    project.refresh_from_db()
    assert project.extra_methods == ["topsis"]


# ---- groups, participants, links ----------------------------------------------------------------------------------


def test_a_group_weight_is_recorded_with_who_decided_and_why(world):
    project, *_ = small_project(world.manager)
    with pytest.raises(DomainError, match="Gewicht vastgesteld door: dit veld is verplicht"):
        gs.add_group(
            actor=world.manager,
            project=project,
            kind="beleid",
            name="",
            weight=Decimal(2),
            weight_decided_by="",
            weight_reason="Omdat",
        )
    with pytest.raises(DomainError, match="Groepsgewicht"):
        gs.add_group(
            actor=world.manager,
            project=project,
            kind="beleid",
            name="",
            weight=Decimal(-1),
            weight_decided_by="X",
            weight_reason="Omdat",
        )
    made = gs.add_group(
        actor=world.manager,
        project=project,
        kind="adviesraad",
        name="",
        weight=Decimal(2),
        weight_decided_by="College",
        weight_reason="Stem van inwoners",
    )
    assert made.name == "Cliëntenraad / adviesraad sociaal domein"
    with pytest.raises(DomainError, match="bestaat al"):
        group(project, world.manager, name=made.name.upper())


def test_a_personal_link_opens_only_that_participants_own_form(client, world):
    project, *_ = small_project(world.manager)
    beleid = group(project, world.manager)
    anna, anna_token = gs.add_participant(actor=world.manager, group=beleid, name="Anna Proef", email="a@example.org")
    bart, bart_token = gs.add_participant(actor=world.manager, group=beleid, name="Bart Proef", email="")
    assert len(anna_token) >= 40 and anna.token_hash != anna_token  # only the hash is stored
    page = client.get(reverse("governance-contribute", args=[anna_token]))
    assert page.status_code == 200
    assert "Anna Proef" in page.content.decode() and "Bart Proef" not in page.content.decode()
    assert client.get(reverse("governance-contribute", args=["x" * 43])).status_code == 404
    assert client.get(reverse("governance-contribute", args=["kort"])).status_code == 404
    # a new link replaces the old one
    new = gs.renew_link(actor=world.manager, participant=bart)
    assert client.get(reverse("governance-contribute", args=[bart_token])).status_code == 404
    assert client.get(reverse("governance-contribute", args=[new])).status_code == 200
    # the form only writes the judgements of the link's participant
    quality, cost = project.criteria.all()
    post = {f"pair_{quality.pk}_{cost.pk}": "2"}
    assert client.post(reverse("governance-contribute", args=[new]), post).status_code == 302
    assert PairwiseJudgement.objects.get().participant == bart


def test_the_participant_form_refuses_bad_input_naming_the_field_and_saves_nothing(client, world):
    project, quality, cost, foundation, municipality = small_project(world.manager)
    person, token = gs.add_participant(actor=world.manager, group=group(project, world.manager), name="P", email="")
    url = reverse("governance-contribute", args=[token])
    cases = [
        ({f"pair_{quality.pk}_{cost.pk}": "12"}, "Vergelijking Kwaliteit - Kosten"),
        (
            {f"pair_{quality.pk}_{cost.pk}": "2", f"score_{foundation.pk}_{quality.pk}": "7"},
            "Score Stichting op Kwaliteit",
        ),
        ({f"score_{municipality.pk}_{cost.pk}": "nul"}, "Score Gemeente op Kosten"),
    ]
    for data, field in cases:
        page = client.post(url, data)
        assert page.status_code == 200
        body = page.content.decode()
        assert field in body and "Er is niets opgeslagen" in body
    assert not PairwiseJudgement.objects.exists() and not ScoreJudgement.objects.exists()
    person.refresh_from_db()
    assert person.saved_at is None


@pytest.mark.parametrize(
    ("weighting", "values", "message"),
    [
        ("points", (60, 30), "Punten: de punten moeten samen precies 100 zijn (nu 90)"),
        ("points", (0, 100), "Punten voor Kwaliteit"),
        ("swing", (80, 50), "Swingpunten: het belangrijkste verschil krijgt 100 punten"),
        ("roc", (1, 1), "Rang: geef elke rang van 1 tot en met 2 precies één keer"),
        ("rank_sum", (3, 1), "Rang van Kwaliteit"),
    ],
)
def test_each_weighting_rule_is_named_and_nothing_is_saved(client, world, weighting, values, message):
    project, quality, cost, *_ = small_project(world.manager)
    project.weighting = weighting
    project.save()
    person, token = gs.add_participant(actor=world.manager, group=group(project, world.manager), name="P", email="")
    page = client.post(
        reverse("governance-contribute", args=[token]),
        {f"weight_{quality.pk}": values[0], f"weight_{cost.pk}": values[1]},
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not WeightJudgement.objects.exists()


def test_a_participant_sees_their_consistency_and_the_judgements_to_revisit(client, world):
    project = gs.create_project(actor=world.manager, name="P", template="leeg")
    a, b, c = (
        gs.add_criterion(actor=world.manager, project=project, name=n, description="", direction="max")
        for n in ("Alpha", "Beta", "Gamma")
    )
    for name in ("Eén", "Twee"):
        gs.add_alternative(
            actor=world.manager, project=project, name=name, description="", legal_form="overig", steers_how=False
        )
    person, token = gs.add_participant(actor=world.manager, group=group(project, world.manager), name="P", email="")
    url = reverse("governance-contribute", args=[token])
    # A 9x B, B 9x C, but C 9x A: as inconsistent as it gets
    page = client.post(
        url, {f"pair_{a.pk}_{b.pk}": "8", f"pair_{b.pk}_{c.pk}": "8", f"pair_{a.pk}_{c.pk}": "-8"}, follow=True
    )
    body = page.content.decode()
    assert "Uw inbreng is opgeslagen" in body
    assert "hoger dan 0,10" in body
    expected = evaluate(
        analysis._weights_problem(
            project,
            [{"id": f"c{x.pk}", "direction": "max"} for x in (a, b, c)],
            weighting="pairwise",
            pairwise={"criteria": [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]},
        )
    )
    cr = expected["consistency"]["criteria"]["cr"]
    assert f"{cr:.3f}".replace(".", ",") in body
    named = analysis.inconsistencies([a, b, c], expected["consistency"]["criteria"])
    assert named, "evaluate names the judgements that contribute most"
    for item in named:  # each in words, e.g. "Alpha 9x zo belangrijk als Beta"
        assert f"{item.first} – {item.second}: u koos {item.judgement}" in body
    assert AuditEntry.objects.filter(object_type="participant", detail="inbreng opgeslagen (3 oordelen)").exists()
    # a consistent revision
    page = client.post(
        url, {f"pair_{a.pk}_{b.pk}": "1", f"pair_{b.pk}_{c.pk}": "1", f"pair_{a.pk}_{c.pk}": "3"}, follow=True
    )
    assert "Dat is aanvaardbaar" in page.content.decode()


def test_progress_per_participant_not_started_partial_complete(world):
    project, quality, cost, foundation, municipality = small_project(world.manager)
    beleid = group(project, world.manager)
    one, _ = gs.add_participant(actor=world.manager, group=beleid, name="Een", email="")
    two, _ = gs.add_participant(actor=world.manager, group=beleid, name="Twee", email="")
    three, _ = gs.add_participant(actor=world.manager, group=beleid, name="Drie", email="")
    fill_all(one, project)
    gs.save_judgements(participant=two, pairwise={(quality.pk, cost.pk): 0}, weights={}, scores={})
    rows = {r.participant.name: r for r in selectors.progress(project, selectors.structure(project))}
    assert rows["Een"].status == "compleet" and rows["Een"].scores_given == 4
    assert rows["Twee"].status == "gedeeltelijk" and rows["Twee"].weights_given == 1
    assert rows["Drie"].status == "niet begonnen"
    # a new criterion makes the complete participant partial again
    gs.add_criterion(actor=world.manager, project=project, name="Nieuw", description="", direction="max")
    rows = {r.participant.name: r for r in selectors.progress(project, selectors.structure(project))}
    assert rows["Een"].status == "gedeeltelijk"


def test_input_closes_in_the_decision_phase(client, world):
    project, *_ = small_project(world.manager)
    person, token = gs.add_participant(actor=world.manager, group=group(project, world.manager), name="P", email="")
    gs.set_phase(actor=world.manager, project=project, phase="besluit")
    with pytest.raises(DomainError, match="de inbreng is gesloten"):
        fill_all(person, project)
    page = client.post(reverse("governance-contribute", args=[token]), {}, follow=True)
    assert "de inbreng is gesloten" in page.content.decode()


# ---- the problem for evaluate -------------------------------------------------------------------------------------


def test_the_problem_of_a_small_project_is_the_hand_written_json(world):
    project, quality, cost, foundation, municipality = small_project(world.manager)
    beleid = group(project, world.manager, weight=Decimal(2))
    professionals = group(project, world.manager, name="Professionals", kind="professionals")
    one, _ = gs.add_participant(actor=world.manager, group=beleid, name="Een", email="")
    two, _ = gs.add_participant(actor=world.manager, group=professionals, name="Twee", email="")
    gs.add_participant(actor=world.manager, group=professionals, name="Drie (niets ingevuld)", email="")
    gs.save_judgements(
        participant=one,
        pairwise={(quality.pk, cost.pk): 2},  # Kwaliteit 3x zo belangrijk als Kosten
        weights={},
        scores={
            (foundation.pk, quality.pk): 4,
            (foundation.pk, cost.pk): 5,
            (municipality.pk, quality.pk): 3,
            (municipality.pk, cost.pk): 2,
        },
    )
    gs.save_judgements(
        participant=two,
        pairwise={(quality.pk, cost.pk): -1},  # Kosten 2x zo belangrijk als Kwaliteit
        weights={},
        scores={(foundation.pk, quality.pk): 5, (municipality.pk, quality.pk): 2, (municipality.pk, cost.pk): 3},
    )
    assert analysis.problem_for(project) == {
        "method": "weighted_sum",
        "alternatives": [{"id": "stichting", "name": "Stichting"}, {"id": "gemeente", "name": "Gemeente"}],
        "criteria": [
            {"id": "kwaliteit", "name": "Kwaliteit", "direction": "max"},
            {"id": "kosten", "name": "Kosten", "direction": "min"},
        ],
        "weighting": "pairwise",
        "performance": {
            "stichting": {"kwaliteit": 4.5, "kosten": 5.0},
            "gemeente": {"kwaliteit": 2.5, "kosten": 2.5},
        },
        "options": {
            "prioritisation": "eigenvector",
            "random_index": "saaty1980",
            "synthesis": "distributive",
            "normalisation": "vector",
        },
        "groups": [
            {"id": "beleid", "name": "Beleid", "weight": 2.0, "pairwise_criteria": [[1.0, 3.0], [1 / 3, 1.0]]},
            {
                "id": "professionals",
                "name": "Professionals",
                "weight": 1.0,
                "pairwise_criteria": [[1.0, 0.5], [2.0, 1.0]],
            },
        ],
        "aggregation": "aij",
        "sensitivity": True,
        "monte_carlo": {"samples": 2000, "seed": 2026},
        "rank_reversal": True,
    }


def test_within_a_group_judgements_are_pooled_by_geometric_mean(world):
    project, quality, cost, *_ = small_project(world.manager)
    beleid = group(project, world.manager)
    for value in (2, 8):  # 3 and 9: geometric mean 3 x sqrt(3)
        person, _ = gs.add_participant(actor=world.manager, group=beleid, name=f"P{value}", email="")
        fill_all(person, project, pair_value=value)
    matrix = analysis.problem_for(project)["groups"][0]["pairwise_criteria"]
    assert matrix[0][1] == pytest.approx(27**0.5) and matrix[1][0] == pytest.approx(27**-0.5)


def test_points_become_a_consistent_group_matrix_and_excluded_participants_count_for_nothing(world):
    project, quality, cost, *_ = small_project(world.manager)
    project.weighting = "points"
    project.save()
    beleid = group(project, world.manager)
    one, _ = gs.add_participant(actor=world.manager, group=beleid, name="Een", email="")
    two, _ = gs.add_participant(actor=world.manager, group=beleid, name="Twee", email="")
    fill_all(one, project, weight_values={quality.pk: 80, cost.pk: 20})
    fill_all(two, project, weight_values={quality.pk: 40, cost.pk: 60})
    matrix = analysis.problem_for(project)["groups"][0]["pairwise_criteria"]
    assert matrix[0][1] == pytest.approx(0.6 / 0.4)  # mean weights 0.6 and 0.4
    gs.set_excluded(actor=world.manager, participant=two, excluded=True)
    result = analysis.results(project).result
    assert result["criteria_weights"]["kwaliteit"] == pytest.approx(0.8)


def test_not_enough_data_is_said_in_dutch(world):
    project, *_ = small_project(world.manager)
    with pytest.raises(DomainError, match="nog geen enkele deelnemer heeft de weging"):
        analysis.problem_for(project)
    project.steers_on_what = True
    project.save()
    with pytest.raises(DomainError, match="minstens twee toelaatbare alternatieven"):
        analysis.problem_for(project)


# ---- pages --------------------------------------------------------------------------------------------------------


def test_who_sees_and_who_changes_a_project(client, world):
    project = gs.create_project(actor=world.manager, name="Toegang 2027", template="delft")
    client_role = make_user("opdrachtgever", User.Role.CLIENT, org=None, team=None, gemeente=world.gemeente)
    url = reverse("governance-project", args=[project.pk])
    for user, status in (
        (world.manager, 200),
        (world.admin, 200),
        (client_role, 200),
        (world.professional, 403),
        (world.other_manager, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(client_role)
    page = client.post(
        reverse("governance-action", args=[project.pk, "criterium-nieuw"]),
        {"nieuw-c-name": "X", "nieuw-c-direction": "max"},
    )
    assert page.status_code == 403 and "Alleen de procesbegeleider" in page.content.decode()
    client.force_login(world.professional)
    assert "Organisatiekeuze is er voor" in client.get(reverse("governance-projects")).content.decode()
    client.force_login(world.manager)
    assert client.post(reverse("governance-action", args=[project.pk, "onbekend"])).status_code == 404
    other = gs.create_project(actor=world.other_manager, name="Elders", template="leeg")
    foreign = other.pk
    page = client.post(reverse("governance-action", args=[foreign, "criterium-nieuw"]), {"nieuw-c-name": "X"})
    assert page.status_code == 404
    # an item of another project is not found either
    gs.add_criterion(actor=world.other_manager, project=other, name="Vreemd", description="", direction="max")
    item = other.criteria.get().pk
    assert (
        client.post(reverse("governance-action", args=[project.pk, "criterium-weg"]), {"item": item}).status_code == 404
    )
    assert (
        client.post(reverse("governance-action", args=[project.pk, "criterium-weg"]), {"item": "x"}).status_code == 404
    )


def test_the_facilitator_creates_and_edits_through_the_pages(client, world):
    client.force_login(world.manager)
    page = client.post(reverse("governance-projects"), {"name": "", "template": "delft"})
    assert "Naam van het project: dit veld is verplicht" in page.content.decode()
    page = client.post(reverse("governance-projects"), {"name": "Toegang 2027", "template": "deventer"}, follow=True)
    project = DecisionProject.objects.get()
    assert "Het project is aangemaakt" in page.content.decode()
    action = lambda name: reverse("governance-action", args=[project.pk, name])  # noqa: E731
    page = client.post(
        action("criterium-nieuw"), {"nieuw-c-name": "Privacy", "nieuw-c-direction": "omlaag"}, follow=True
    )
    assert "Richting: selecteer een geldige keuze" in page.content.decode()
    page = client.post(action("criterium-nieuw"), {"nieuw-c-name": "Privacy", "nieuw-c-direction": "max"}, follow=True)
    assert "Criterium &#x27;Privacy&#x27; is toegevoegd" in page.content.decode()
    privacy = project.criteria.get(name="Privacy")
    client.post(
        action("criterium-wijzig"),
        {"item": privacy.pk, f"c{privacy.pk}-name": "Privacy (AVG)", f"c{privacy.pk}-direction": "min"},
    )
    privacy.refresh_from_db()
    assert privacy.name == "Privacy (AVG)" and privacy.direction == "min"
    client.post(action("criterium-omhoog"), {"item": privacy.pk})
    client.post(action("criterium-weg"), {"item": project.criteria.get(name="Slagkracht").pk})
    assert "Slagkracht" not in [c.name for c in project.criteria.all()]
    client.post(action("alternatief-nieuw"), {"nieuw-a-name": "Stichting", "nieuw-a-legal_form": "stichting"})
    assert project.alternatives.count() == 4
    page = client.post(
        action("principe-nieuw"), {"text": "Eén huishouden, één plan", "source": "Vergelijking"}, follow=True
    )
    assert "Eén huishouden, één plan" in page.content.decode()
    page = client.post(action("fase"), {"phase": "vergelijking"}, follow=True)
    assert "Principes en vergelijking" in page.content.decode()


def test_groups_and_participants_through_the_page(client, world):
    project, *_ = small_project(world.manager)
    client.force_login(world.manager)
    action = lambda name: reverse("governance-participants-action", args=[project.pk, name])  # noqa: E731
    page = client.post(action("groep-nieuw"), {"nieuw-g-kind": "beleid", "nieuw-g-weight": "2"}, follow=True)
    assert "Gewicht vastgesteld door: dit veld is verplicht" in page.content.decode()
    client.post(
        action("groep-nieuw"),
        {
            "nieuw-g-kind": "beleid",
            "nieuw-g-weight": "2",
            "nieuw-g-weight_decided_by": "Stuurgroep",
            "nieuw-g-weight_reason": "Besluit",
        },
    )
    beleid = project.groups.get()
    page = client.post(
        action("deelnemer-nieuw"),
        {"item": beleid.pk, f"p{beleid.pk}-name": "Fleur Proef", f"p{beleid.pk}-email": "geen-adres"},
        follow=True,
    )
    assert "E-mailadres: voer een geldig e-mailadres in" in page.content.decode()
    page = client.post(action("deelnemer-nieuw"), {"item": beleid.pk, f"p{beleid.pk}-name": "Fleur Proef"}, follow=True)
    body = page.content.decode()
    assert "Persoonlijke link (alleen nu zichtbaar" in body
    token = token_of(body)
    assert Participant.objects.get().token_hash == selectors.token_hash(token)
    assert "niet begonnen" in body
    participant = Participant.objects.get()
    client.post(action("deelnemer-uitsluiten"), {"item": participant.pk})
    participant.refresh_from_db()
    assert participant.excluded
    page = client.post(action("deelnemer-link"), {"item": participant.pk}, follow=True)
    assert token_of(page.content.decode()) != token


def test_the_results_page_and_the_downloadable_problem(client, world, tmp_path):
    project, quality, cost, *_ = small_project(world.manager)
    gs.update_settings(
        actor=world.manager,
        project=project,
        name=project.name,
        weighting="pairwise",
        method="weighted_sum",
        extra_methods=["topsis", "promethee_ii", "vikor", "ahp"],
        aggregation="aip_geometric",
        prioritisation="eigenvector",
        random_index="saaty2005",
        synthesis="ideal",
        normalisation="vector",
        steers_on_what=False,
        cost_from_business_case=False,
        mc_samples=500,
        mc_seed=7,
        facilitator=None,
    )
    client.force_login(world.manager)
    page = client.get(reverse("governance-results", args=[project.pk]))
    assert "nog geen enkele deelnemer" in page.content.decode()
    beleid = group(project, world.manager)
    other = group(project, world.manager, name="Professionals", kind="professionals")
    for g, value in ((beleid, 2), (other, -3)):
        person, _ = gs.add_participant(actor=world.manager, group=g, name=f"P{value}", email="")
        fill_all(person, project, pair_value=value)
    shape = selectors.structure(project)
    foundation, municipality = shape.admissible
    person = Participant.objects.first()
    gs.save_judgements(
        participant=person,
        pairwise={(quality.pk, cost.pk): 2},
        weights={},
        scores={
            (foundation.pk, quality.pk): 5,
            (foundation.pk, cost.pk): 4,
            (municipality.pk, quality.pk): 2,
            (municipality.pk, cost.pk): 1,
        },
    )
    expected = evaluate(analysis.problem_for(project))
    page = client.get(reverse("governance-results", args=[project.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    winner = {"stichting": "Stichting", "gemeente": "Gemeente"}[expected["ranking"][0]]
    assert f"staat '{winner}' bovenaan" in body
    for text in (
        "Winnaar per groep",
        "Kendall",
        "Omslagpunten",
        "Monte Carlo",
        "Rangomkering",
        "TOPSIS",
        "PROMETHEE II",
        "VIKOR",
        "Saaty 2005",
        "Ideaal".lower(),
        "<svg",
        "Tabel",
    ):
        assert text in body, text
    download = client.get(reverse("governance-problem", args=[project.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert json.loads(download.content) == analysis.problem_for(project)
    # the facilitator re-runs the download with the command line: the same result as the page
    path = tmp_path / "probleem.json"
    path.write_bytes(download.content)
    out = io.StringIO()
    call_command("mcda", "evaluate", str(path), stdout=out)
    assert json.loads(out.getvalue())["ranking"] == expected["ranking"]
    assert json.loads(out.getvalue())["scores"] == pytest.approx(expected["scores"])


def test_a_facilitator_can_be_assigned_per_project(world):
    project = gs.create_project(actor=world.admin, name="P", template="delft", facilitator=world.manager)
    assert project.facilitator == world.manager
    other = make_user("manager-c", User.Role.MANAGER, org=None, team=None, gemeente=world.gemeente)
    settings = dict(
        name="P",
        weighting="pairwise",
        method="weighted_sum",
        extra_methods=[],
        aggregation="aij",
        prioritisation="eigenvector",
        random_index="saaty1980",
        synthesis="distributive",
        normalisation="vector",
        steers_on_what=True,
        cost_from_business_case=False,
        mc_samples=2000,
        mc_seed=1,
    )
    with pytest.raises(DomainError, match="Procesbegeleider: kies een manager of functioneel beheerder"):
        gs.update_settings(actor=world.manager, project=project, facilitator=world.professional, **settings)
    gs.update_settings(actor=world.manager, project=project, facilitator=other, **settings)
    project.refresh_from_db()
    assert project.facilitator == other
    assert not selectors.may_manage(world.manager, project) and selectors.may_manage(other, project)
    assert selectors.may_manage(world.admin, project)  # the functional administrator can always take over
    with pytest.raises(DomainError, match="Alleen de procesbegeleider"):
        gs.set_phase(actor=world.manager, project=project, phase="vorm")


def test_the_decision_records_the_form_and_closes_the_input(client, world):
    import datetime as dt

    project, _q, _c, foundation, _m = small_project(world.manager)
    elsewhere = gs.create_project(actor=world.manager, name="Ander", template="deventer").alternatives.first()
    with pytest.raises(DomainError, match="Gekozen vorm: kies een van de alternatieven van dit project"):
        gs.decide(actor=world.manager, project=project, alternative=elsewhere, motivation="x", decided_on=None)
    with pytest.raises(DomainError, match="Motivering: dit veld is verplicht"):
        gs.decide(actor=world.manager, project=project, alternative=foundation, motivation=" ", decided_on=None)
    client.force_login(world.manager)
    page = client.post(
        reverse("governance-action", args=[project.pk, "besluit"]),
        {
            "alternative": foundation.pk,
            "motivation": "Beste score en passend bij sturen op het wat.",
            "decided_on": "2026-09-15",
        },
        follow=True,
    )
    assert "Het besluit is vastgelegd" in page.content.decode()
    project.refresh_from_db()
    assert (project.chosen_alternative, project.decided_on, project.phase) == (
        foundation,
        dt.date(2026, 9, 15),
        "besluit",
    )
    with pytest.raises(DomainError, match="dit is de gekozen vorm van het besluit"):
        gs.remove_alternative(actor=world.manager, alternative=foundation)
