"""The business case (issue 8, point 5), the governance map with its role-conflict check and the BBV paragraph
(point 6), the council report PDF (point 7), the cost criterion taken from the business case, and pinned query
counts of every governance page (flat as participants grow)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.pdf_support import pdf_text
from tests.querycount import page_queries
from tests.test_governance import fill_all, group, small_project
from toegang.common.errors import DomainError
from toegang.governance import analysis, business_case, governance_map, report
from toegang.governance import services as gs
from toegang.governance.mcda import evaluate
from toegang.governance.models import CostLine, RoleAssignment, StaffLine

# ---- business case ------------------------------------------------------------------------------------------------


def case_for(world, alternative):
    """One-off: kwartiermaker 100,000 in t0 (80,000-150,000). Structural: housing 50,000 a year t1-t5 and 10 fte at
    60,000 with 30 % employer charges = 780,000 a year t1-t5 (9-12 fte). Benefits: 100,000 a year t2-t5."""
    m = world.manager
    gs.add_cost_line(
        actor=m,
        alternative=alternative,
        block="eenmalig",
        category="kwartiermaker",
        label="",
        first_year=0,
        last_year=0,
        low=80_000,
        expected=100_000,
        high=150_000,
    )
    gs.add_cost_line(
        actor=m,
        alternative=alternative,
        block="structureel",
        category="huisvesting",
        label="Kantoor",
        first_year=1,
        last_year=5,
        low=50_000,
        expected=50_000,
        high=50_000,
    )
    gs.add_staff_line(
        actor=m,
        alternative=alternative,
        function="Consulent",
        cao="sociaal_werk",
        scale="9",
        fte_low=Decimal(9),
        fte=Decimal(10),
        fte_high=Decimal(12),
        salary=60_000,
        charges_pct=None,
        first_year=1,
        last_year=5,
    )
    gs.add_cost_line(
        actor=m,
        alternative=alternative,
        block="baten",
        category="minder_inhuur",
        label="",
        first_year=2,
        last_year=5,
        low=0,
        expected=100_000,
        high=200_000,
    )


def test_the_business_case_adds_up_and_discounts_at_the_standard_rate(world):
    project, _q, _c, foundation, municipality = small_project(world.manager)
    case_for(world, municipality)  # in-house: inside the btw-compensatiefonds
    summary = business_case.summaries(project, [municipality])[municipality.pk]
    assert summary.costs["expected"] == [10_000_000] + [83_000_000] * 5  # cents: 100,000 then 50,000 + 780,000
    assert summary.costs["low"] == [8_000_000] + [5_000_000 + 70_200_000] * 5  # 9 fte x 60,000 x 1.3 = 702,000
    assert summary.costs["high"] == [15_000_000] + [5_000_000 + 93_600_000] * 5  # 12 fte = 936,000
    assert summary.benefits["expected"] == [0, 0, 10_000_000, 10_000_000, 10_000_000, 10_000_000]
    assert sum(summary.costs["expected"]) == 425_000_000
    assert summary.npv(summary.costs, "expected") == sum(summary.costs["expected"])  # 0 % by default
    gs.set_discount(actor=world.manager, project=project, discount="2.25", own_rate=None)
    project.refresh_from_db()
    summary = business_case.summaries(project, [municipality])[municipality.pk]
    # NPV at 2.25 %, t0..t5, written out:
    #   100,000 + 830,000/1.0225 + 830,000/1.0225^2 + 830,000/1.0225^3 + 830,000/1.0225^4 + 830,000/1.0225^5
    # = 100,000 + 811,735.94 + 793,873.78 + 776,404.68 + 759,319.98 + 742,611.22 = 3,983,945.60 (exactly ...59.92 ct)
    assert summary.npv_costs_expected == 398_394_560
    # benefits: 100,000/1.0225^2 + ... + 100,000/1.0225^5 = 95,647.44 + 93,542.73 + 91,484.33 + 89,471.23
    assert summary.npv(summary.benefits, "expected") == 37_014_574
    # net: 3,983,945.5992 - 370,145.7419 = 3,613,799.8573, rounded once at the end
    assert summary.npv(summary.net, "expected") == 361_379_986
    assert summary.in_bcf and not summary.vpb_review
    gs.set_discount(actor=world.manager, project=project, discount="eigen", own_rate=Decimal("4"))
    project.refresh_from_db()
    summary = business_case.summaries(project, [municipality])[municipality.pk]
    assert summary.npv_costs_expected == round(10_000_000 + sum(83_000_000 / 1.04**t for t in range(1, 6)))


def test_outside_the_compensation_fund_btw_becomes_a_cost_and_the_vpb_flag_follows_the_form(world):
    project, _q, _c, foundation, _m = small_project(world.manager)
    gs.update_fiscal(
        actor=world.manager,
        alternative=foundation,
        purchases_low=100_000,
        purchases_expected=200_000,
        purchases_high=300_000,
        secondment_low=0,
        secondment_expected=50_000,
        secondment_high=50_000,
        market_activity=False,
        note="",
    )
    summary = business_case.summaries(project, [foundation])[foundation.pk]
    assert not summary.in_bcf
    btw = {row.label: row for row in summary.rows}
    assert btw["Niet-compensabele btw op inkopen"].values["expected"] == [0] + [4_200_000] * 5  # 21 % of 200,000
    assert btw["Btw op detachering"].values["expected"] == [0] + [1_050_000] * 5
    assert not summary.vpb_review and "marktactiviteiten" in summary.vpb_reason
    gs.update_fiscal(
        actor=world.manager,
        alternative=foundation,
        purchases_low=0,
        purchases_expected=0,
        purchases_high=0,
        secondment_low=0,
        secondment_expected=0,
        secondment_high=0,
        market_activity=True,
        note="Verhuur van zalen",
    )
    assert business_case.summaries(project, [foundation])[foundation.pk].vpb_review
    bv = gs.add_alternative(
        actor=world.manager, project=project, name="BV", description="", legal_form="bv", steers_how=False
    )
    assert business_case.summaries(project, [bv])[bv.pk].vpb_review


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"low": 200, "expected": 100, "high": 300}, "Laag: mag niet hoger zijn dan het verwachte bedrag"),
        ({"low": 1, "expected": 300, "high": 200}, "Hoog: mag niet lager zijn dan het verwachte bedrag"),
        ({"low": -1}, "Laag: een bedrag kan niet negatief zijn"),
        ({"first_year": 3, "last_year": 1}, "Tot en met jaar: kies een jaar van t3 tot en met t5"),
        ({"first_year": 6}, "Vanaf jaar: kies t0 tot en met t5"),
        ({"category": "huisvesting"}, "Post: kies een post die bij 'Eenmalige kosten' hoort"),
        ({"block": "reserve"}, "Blok: kies een van de mogelijkheden"),
    ],
)
def test_bad_cost_lines_are_refused_naming_the_field(world, changes, message):
    project, _q, _c, foundation, _m = small_project(world.manager)
    line = {
        "block": "eenmalig",
        "category": "ict",
        "label": "",
        "first_year": 0,
        "last_year": 0,
        "low": 1,
        "expected": 2,
        "high": 3,
    }
    with pytest.raises(DomainError, match=re.escape(message)):
        gs.add_cost_line(actor=world.manager, alternative=foundation, **{**line, **changes})
    assert not CostLine.objects.exists()


def test_bad_staff_lines_and_parameters_are_refused(world):
    project, _q, _c, foundation, _m = small_project(world.manager)
    base = dict(
        function="Consulent",
        cao="sociaal_werk",
        scale="9",
        fte_low=Decimal(1),
        fte=Decimal(2),
        fte_high=Decimal(3),
        salary=50_000,
        charges_pct=None,
        first_year=1,
        last_year=5,
    )
    for changes, message in (
        ({"cao": "cao-x"}, "Cao: kies een van de mogelijkheden"),
        ({"fte_low": Decimal(3)}, "Fte laag: mag niet hoger zijn"),
        ({"charges_pct": Decimal(140)}, "Werkgeverslasten: een percentage van 0 tot en met 100"),
        ({"salary": None}, "Bruto jaarsalaris per fte: vul een bedrag"),
        ({"function": ""}, "Functie: dit veld is verplicht"),
    ):
        with pytest.raises(DomainError, match=re.escape(message)):
            gs.add_staff_line(actor=world.manager, alternative=foundation, **{**base, **changes})
    assert not StaffLine.objects.exists()
    line = gs.add_staff_line(actor=world.manager, alternative=foundation, **base)
    assert line.charges_pct == Decimal("30.00")  # the project's parameter, with its source
    parameter = project.parameters.get(code="btw")
    with pytest.raises(DomainError, match="Bron: dit veld is verplicht"):
        gs.update_parameter(actor=world.manager, parameter=parameter, value=Decimal(9), source=" ")
    with pytest.raises(DomainError, match="Eigen discontovoet"):
        gs.set_discount(actor=world.manager, project=project, discount="eigen", own_rate=None)


def test_the_cost_criterion_can_take_the_expected_present_value_of_the_costs(world):
    project, quality, cost, foundation, municipality = small_project(world.manager)
    gs.update_criterion(
        actor=world.manager, criterion=cost, name="Kosten", description="", direction="min", is_cost=True
    )
    settings = dict(
        name=project.name,
        weighting="pairwise",
        method="weighted_sum",
        extra_methods=[],
        aggregation="aij",
        prioritisation="eigenvector",
        random_index="saaty1980",
        synthesis="distributive",
        normalisation="vector",
        steers_on_what=False,
        cost_from_business_case=True,
        mc_samples=200,
        mc_seed=1,
        facilitator=None,
    )
    gs.update_settings(actor=world.manager, project=project, **settings)
    person, _ = gs.add_participant(actor=world.manager, group=group(project, world.manager), name="P", email="")
    fill_all(person, project)  # participants no longer score the cost criterion
    with pytest.raises(DomainError, match="Business case: voor 'Stichting' zijn nog geen kosten ingevuld"):
        analysis.problem_for(project)
    case_for(world, foundation)
    gs.add_cost_line(
        actor=world.manager,
        alternative=municipality,
        block="structureel",
        category="huisvesting",
        label="",
        first_year=0,
        last_year=5,
        low=1,
        expected=1_000_000,
        high=2_000_000,
    )
    problem = analysis.problem_for(project)
    assert problem["performance"]["stichting"]["kosten"] == 4_250_000.0  # euros, undiscounted (0 %)
    assert problem["performance"]["gemeente"]["kosten"] == 6_000_000.0
    assert evaluate(problem)["ranking"] == ["stichting", "gemeente"]


def test_business_case_page_and_its_forms(client, world):
    project, _q, _c, foundation, _m = small_project(world.manager)
    client.force_login(world.manager)
    action = lambda name: reverse("governance-business-case-action", args=[project.pk, name])  # noqa: E731
    page = client.post(
        action("post-nieuw"),
        {
            "item": foundation.pk,
            "block": "eenmalig",
            "category": "ict",
            "first_year": 0,
            "last_year": 0,
            "low": 10,
            "expected": 5,
            "high": 20,
        },
        follow=True,
    )
    assert "Laag: mag niet hoger zijn dan het verwachte bedrag" in page.content.decode()
    page = client.post(
        action("post-nieuw"),
        {
            "item": foundation.pk,
            "block": "eenmalig",
            "category": "ict",
            "first_year": 0,
            "last_year": 0,
            "low": 10_000,
            "expected": 20_000,
            "high": 40_000,
        },
        follow=True,
    )
    body = page.content.decode()
    assert "De post is toegevoegd" in body and "€ 20.000" in body
    page = client.post(
        action("formatie-nieuw"),
        {
            "item": foundation.pk,
            "function": "Consulent",
            "cao": "jeugdzorg",
            "scale": "10",
            "fte_low": "1",
            "fte": "2",
            "fte_high": "3",
            "salary": "55000",
            "charges_pct": "",
            "first_year": 1,
            "last_year": 5,
        },
        follow=True,
    )
    assert "De formatieregel is toegevoegd" in page.content.decode()
    page = client.post(action("contante-waarde"), {"discount": "eigen", "own_rate": ""}, follow=True)
    assert "Eigen discontovoet: vul een percentage" in page.content.decode()
    page = client.post(action("contante-waarde"), {"discount": "2.25"}, follow=True)
    assert "discontovoet 2.25 %" in page.content.decode() or "discontovoet 2,25 %" in page.content.decode()
    parameter = project.parameters.get(code="werkgeverslasten")
    page = client.post(
        action("parameter"),
        {"item": parameter.pk, f"par{parameter.pk}-value": "150", f"par{parameter.pk}-source": "Loonadministratie"},
        follow=True,
    )
    assert "Werkgeverslasten (standaard voor nieuwe formatieregels): vul een percentage" in page.content.decode()
    assert client.post(action("post-weg"), {"item": CostLine.objects.get().pk}).status_code == 302
    assert not CostLine.objects.exists()


# ---- governance map -----------------------------------------------------------------------------------------------


def a_party(world, project, alternative):
    party = gs.add_party(
        actor=world.manager,
        project=project,
        name="Toegang Sociaal Domein",
        alternative=alternative,
        category="stichting",
        year=2027,
    )
    return party


def test_client_and_owner_with_the_same_portfolio_holder_is_a_visible_conflict(client, world):
    project, _q, _c, foundation, _m = small_project(world.manager)
    party = a_party(world, project, foundation)
    assert [s.position for s in party.escalation_steps.all()] == [1, 2, 3, 4, 5]
    assert party.escalation_steps.first().municipal_side == "Contractmanager"
    gs.set_role(
        actor=world.manager,
        party=party,
        role="opdrachtgever",
        portfolio_holder="Wethouder De Vries",
        portfolio="Zorg",
        official="Ambtenaar Jansen",
        official_function="Beleidsadviseur",
    )
    gs.set_role(
        actor=world.manager,
        party=party,
        role="eigenaar",
        portfolio_holder="  wethouder de vries ",
        portfolio="Financiën",
        official="",
        official_function="",
    )
    roles = list(party.roles.all())
    warnings = governance_map.conflicts(party, roles)
    assert warnings[0].serious and "dezelfde wethouder" in warnings[0].text
    client.force_login(world.manager)
    body = client.get(reverse("governance-map", args=[project.pk])).content.decode()
    assert "Rolconflict" in body and "dezelfde wethouder" in body
    gs.set_role(
        actor=world.manager,
        party=party,
        role="eigenaar",
        portfolio_holder="Wethouder Bakker",
        portfolio="Financiën",
        official="",
        official_function="",
    )
    assert not [w for w in governance_map.conflicts(party, list(party.roles.all())) if w.serious]
    with pytest.raises(DomainError, match="Rol: kies een van de mogelijkheden"):
        gs.set_role(
            actor=world.manager,
            party=party,
            role="toezichthouder",
            portfolio_holder="",
            portfolio="",
            official="",
            official_function="",
        )
    assert RoleAssignment.objects.filter(party=party).count() == 4


def test_the_escalation_ladder_and_service_agreements_are_editable(world):
    project, _q, _c, foundation, _m = small_project(world.manager)
    party = a_party(world, project, foundation)
    step = gs.add_escalation_step(
        actor=world.manager,
        party=party,
        municipal_side="Gemeenteraad",
        party_side="Raad van toezicht",
        subject="Ontbinding",
    )
    assert step.position == 6
    gs.move(actor=world.manager, item=step, up=True)
    gs.remove_escalation_step(actor=world.manager, step=party.escalation_steps.get(position=1))
    assert [s.position for s in party.escalation_steps.all()] == [1, 2, 3, 4, 5]
    with pytest.raises(DomainError, match="Gemeente: dit veld is verplicht"):
        gs.update_escalation_step(actor=world.manager, step=step, municipal_side="", party_side="x", subject="")
    with pytest.raises(DomainError, match="Einddatum: ligt voor de ingangsdatum"):
        gs.add_agreement(
            actor=world.manager,
            party=party,
            name="DVO PIOFACH",
            parties="Gemeente en stichting",
            subject="ICT en HR",
            indicators="",
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2026, 1, 1),
        )
    agreement = gs.add_agreement(
        actor=world.manager,
        party=party,
        name="DVO PIOFACH",
        parties="Gemeente en stichting",
        subject="ICT en HR",
        indicators="Beschikbaarheid 99 %\nDoorlooptijd < 5 dagen",
        starts_on=dt.date(2027, 1, 1),
        ends_on=None,
    )
    assert agreement.ends_on is None
    with pytest.raises(DomainError, match="Naam: 'toegang sociaal domein' staat al op de kaart"):
        gs.add_party(
            actor=world.manager,
            project=project,
            name="toegang sociaal domein",
            alternative=None,
            category="stichting",
            year=2027,
        )


def test_the_bbv_paragraph_is_drafted_from_the_data(world):
    project, _q, _c, foundation, _m = small_project(world.manager)
    party = a_party(world, project, foundation)
    gs.update_party(
        actor=world.manager,
        party=party,
        public_interest="Eén toegang tot zorg en ondersteuning.",
        administrative_interest="De gemeente benoemt de raad van toezicht.",
        financial_interest=250_000,
        financial_interest_note="garantstelling",
        equity_start=1_000_000,
        equity_end=1_100_000,
        liabilities_start=400_000,
        liabilities_end=None,
        result=100_000,
        risks="Indexatie van de cao.",
        regisseur_name="Mr. Proef",
        regisseur_function="Regisseur",
    )
    gs.set_role(
        actor=world.manager,
        party=party,
        role="eigenaar",
        portfolio_holder="Wethouder Bakker",
        portfolio="Financiën",
        official="",
        official_function="",
    )
    with pytest.raises(DomainError, match="Financieel belang: een bedrag kan niet negatief zijn"):
        gs.update_party(actor=world.manager, party=party, financial_interest=-5)
    text = governance_map.paragraph([(party, list(party.roles.all()))], municipality="Testgemeente")
    assert text.splitlines()[0] == "Paragraaf verbonden partijen"
    for expected in (
        "Stichtingen en verenigingen",
        "Toegang Sociaal Domein (2027)",
        "Openbaar belang: Eén toegang tot zorg en ondersteuning.",
        "Bestuurlijk belang: De gemeente benoemt de raad van toezicht. Rollen van de gemeente: eigenaar: Wethouder "
        "Bakker (Financiën).",
        "Financieel belang: € 250.000 (garantstelling)",
        "Eigen vermogen: begin 2027 € 1.000.000, eind 2027 € 1.100.000.",
        "Vreemd vermogen: begin 2027 € 400.000, eind 2027 onbekend.",
        "Verwacht resultaat 2027: € 100.000.",
        "Risico's: Indexatie van de cao.",
        "Regisseur (ambtelijk opdrachtgever): Mr. Proef, Regisseur.",
    ):
        assert expected in text, expected


def test_governance_page_forms(client, world):
    project, _q, _c, foundation, _m = small_project(world.manager)
    client.force_login(world.manager)
    action = lambda name: reverse("governance-map-action", args=[project.pk, name])  # noqa: E731
    page = client.post(
        action("partij-nieuw"), {"name": "Toegang BV", "category": "vennootschap", "year": "1999"}, follow=True
    )
    assert "Begrotingsjaar: zorg ervoor dat deze waarde minstens 2000 is" in page.content.decode()
    page = client.post(
        action("partij-nieuw"),
        {"name": "Toegang BV", "alternative": foundation.pk, "category": "vennootschap", "year": "2027"},
        follow=True,
    )
    assert "standaard escalatieladder" in page.content.decode()
    party = project.parties.get()
    role = party.roles.get(role="opdrachtgever")
    page = client.post(
        action("rol"),
        {"item": party.pk, f"r{role.pk}-role": "opdrachtgever", f"r{role.pk}-portfolio_holder": "Wethouder Noord"},
        follow=True,
    )
    assert "De rol is toegewezen" in page.content.decode()
    page = client.post(action("partij-gegevens"), {"item": party.pk, f"d{party.pk}-equity_start": "veel"}, follow=True)
    assert "Eigen vermogen begin jaar (€): voer een geheel getal in" in page.content.decode()
    page = client.post(
        action("dvo-nieuw"),
        {
            "item": party.pk,
            f"na{party.pk}-name": "DVO",
            f"na{party.pk}-parties": "A",
            f"na{party.pk}-subject": "B",
            f"na{party.pk}-starts_on": "2027-01-01",
        },
        follow=True,
    )
    assert "Paragraaf verbonden partijen" in page.content.decode()


# ---- the council report -------------------------------------------------------------------------------------------


def full_project(world):
    project, quality, cost, foundation, municipality = small_project(world.manager)
    for name, value in (("Beleid", 2), ("Professionals", -2)):
        person, _ = gs.add_participant(
            actor=world.manager, group=group(project, world.manager, name=name), name=name, email=""
        )
        fill_all(person, project, pair_value=value)
        gs.save_judgements(
            participant=person,
            pairwise={(quality.pk, cost.pk): value},
            weights={},
            scores={
                (foundation.pk, quality.pk): 5,
                (foundation.pk, cost.pk): 4,
                (municipality.pk, quality.pk): 3,
                (municipality.pk, cost.pk): 2,
            },
        )
    case_for(world, foundation)
    party = a_party(world, project, foundation)
    gs.set_role(
        actor=world.manager,
        party=party,
        role="opdrachtgever",
        portfolio_holder="Wethouder Een",
        portfolio="Zorg",
        official="",
        official_function="",
    )
    gs.set_role(
        actor=world.manager,
        party=party,
        role="eigenaar",
        portfolio_holder="Wethouder Een",
        portfolio="Financiën",
        official="",
        official_function="",
    )
    return project


def test_the_council_report_is_a_pdf_with_the_method_statement(client, world):
    project = full_project(world)
    client.force_login(world.manager)
    response = client.get(reverse("governance-report", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3
    text = pdf_text(data)
    for expected in (
        report.METHOD_STATEMENT,
        "Random-indextabel",
        "Saaty 1980",
        "Groepsaggregatie",
        "Inbreng per groep",
        "Uitkomsten",
        "Gevoeligheid",
        "Business case",
        "Kwartiermaker",
        "ROLCONFLICT",
        "Paragraaf verbonden partijen",
    ):
        assert expected in text, expected
    assert "Beleid" in text  # participants are not named: only their group
    # without results yet the report still comes, saying why
    empty = gs.create_project(actor=world.manager, name="Leeg", template="delft")
    data = client.get(reverse("governance-report", args=[empty.pk])).content
    assert "Nog geen uitkomst" in pdf_text(data)


# ---- pinned query counts --------------------------------------------------------------------------------------------


def test_every_governance_page_has_a_flat_pinned_query_count(client, world):
    project = full_project(world)
    client.force_login(world.manager)
    pages = {
        "list": reverse("governance-projects"),
        "project": reverse("governance-project", args=[project.pk]),
        "participants": reverse("governance-participants", args=[project.pk]),
        "results": reverse("governance-results", args=[project.pk]),
        "problem": reverse("governance-problem", args=[project.pk]),
        "business_case": reverse("governance-business-case", args=[project.pk]),
        "map": reverse("governance-map", args=[project.pk]),
        "report": reverse("governance-report", args=[project.pk]),
    }
    few = {name: page_queries(client, url, audit_rows=0) for name, url in pages.items()}
    participant = project.groups.first().participants.first()
    token = gs.renew_link(actor=world.manager, participant=participant)
    contribute = reverse("governance-contribute", args=[token])
    few["contribute"] = page_queries(client, contribute, audit_rows=0)
    # ten more participants in every group, all complete
    for g in project.groups.all():
        for i in range(10):
            person, _ = gs.add_participant(actor=world.manager, group=g, name=f"Extra {g.pk}-{i}", email="")
            fill_all(person, project, pair_value=i % 9 - 4)
    gs.add_party(
        actor=world.manager, project=project, name="Tweede partij", alternative=None, category="overig", year=2027
    )
    many = {name: page_queries(client, url, audit_rows=0) for name, url in pages.items()}
    many["contribute"] = page_queries(client, contribute, audit_rows=0)
    assert many == few
    # session, user and device (3) + the project (1) + what the page reads: structure 3, judgements 3-4, business
    # case 4, map 4 (parties, roles, ladder, agreements); no audit row: nothing here is about residents
    assert few == {
        "list": 5,
        "project": 10,
        "participants": 9,
        "results": 10,
        "problem": 10,
        "business_case": 9,
        "map": 10,
        "report": 20,
        "contribute": 10,
    }
