"""Steering: the summary table reproduces a small hand-computed scenario, the dashboards read only the
summaries, filters without data give an empty state, every number that leaves the system is
small-cell protected (and no difference of published numbers reveals a suppressed cell), the exports
work, and the dashboards have flat, pinned query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse

from tests.conftest import make_agreed_plan, make_trajectory, make_user
from tests.querycount import page_queries
from toegang.accounts.models import User
from toegang.common.dates import today
from toegang.common.periods import Period
from toegang.plans.models import GoalReview, Review
from toegang.procedures.models import Procedure
from toegang.signals.models import Signal
from toegang.steering import disclosure, selectors, summaries
from toegang.steering.models import Fact, MonthFact


def this_month():
    return Period.containing(today(), "maand")


def signal(world, person, source, *, on=None, outcome="", trajectory=None):
    on = on or today()
    return Signal.objects.create(
        trajectory=trajectory,
        municipality=world.gemeente,
        area=world.area,
        team=world.team,
        source=source,
        channel="telefoon",
        received_on=on,
        main_person=person,
        registered_by=world.professional,
        status="getriageerd" if outcome else "nieuw",
        outcome=outcome,
        triaged_on=on if outcome else None,
    )


@pytest.fixture
def scenario(world):
    """Five signals this month (3 GP, 2 school; one about a person with a signal 100 days ago), four
    triaged (2 advice, 1 community service, 1 intake); two Wmo reports (in 10 and in 50 days); three
    goals reviewed (2 achieved, 1 not); one open procedure whose report is overdue."""
    trajectory = make_trajectory(world)
    people = [m.person for m in trajectory.household.memberships.select_related("person")]
    signal(world, people[0], "huisarts", on=today() - dt.timedelta(days=100), outcome="advies")
    signal(world, people[0], "huisarts", outcome="advies")
    signal(world, people[1], "huisarts", outcome="advies")
    signal(world, people[2], "huisarts", outcome="voorliggend")
    signal(world, people[1], "school", outcome="intake", trajectory=trajectory)
    signal(world, people[2], "school")
    Procedure.objects.create(  # still open, its report six weeks late: past its term today
        trajectory=trajectory,
        person=people[1],
        law="wmo",
        reported_on=today() - dt.timedelta(days=60),
        status="melding",
        created_by=world.professional,
    )
    for reported in (10, 50):
        Procedure.objects.create(
            trajectory=trajectory,
            person=people[0],
            law="wmo",
            reported_on=today() - dt.timedelta(days=reported),
            report_sent_on=today(),
            status="melding",
            created_by=world.professional,
        )
    plan = make_agreed_plan(world, trajectory, goals=2, actions_per_goal=1)
    review = Review.objects.create(plan=plan, held_on=today(), recorded_by=world.professional)
    goals = list(plan.goals.all())
    GoalReview.objects.create(review=review, goal=goals[0], outcome="bereikt")
    GoalReview.objects.create(review=review, goal=goals[1], outcome="niet")
    review2 = Review.objects.create(plan=plan, held_on=today(), recorded_by=world.professional)
    GoalReview.objects.create(review=review2, goal=goals[1], outcome="bereikt")
    summaries.refresh(first=this_month().start, last=today())
    return trajectory


def values(world, **filters):
    rows = selectors.dashboard(selectors.Filters(municipality_id=world.gemeente.pk, period=this_month(), **filters))
    return {row.indicator.code: row.now for row in rows}


def test_the_summaries_reproduce_the_hand_computed_scenario(world, scenario):
    found = values(world)
    assert found["meldingen_bron"].number == 5
    assert dict(found["meldingen_bron"].breakdown) == {"Huisarts": 3, "School": 2}
    assert dict(found["trechter"].breakdown) == {
        "Melding": 5,
        "Direct beantwoord / advies": 2,
        "Voorliggend veld": 1,
        "Intake (traject)": 1,
        "Plan afgesproken": 1,
        "Maatwerkvoorziening toegekend": 0,
    }
    assert found["voorliggend_zonder_maatwerk"].number == pytest.approx(75.0)  # (2 + 1) / 4 triaged
    assert found["herhaalmeldingen"].number == pytest.approx(20.0)  # 1 of 5
    assert found["doorlooptijd_verslag"].number == pytest.approx(30.0)  # (10 + 50) / 2 days
    assert found["verslag_binnen_termijn"].number == pytest.approx(50.0)  # 50 days is past six weeks
    assert found["doelrealisatie"].number == pytest.approx(200 / 3)  # 2 of 3 goal reviews achieved
    assert found["caseload"].number == 1 and found["caseload"].part == 1  # one regisseur, one trajectory
    assert found["over_termijn"].number == 1  # the open procedure without its report after 60 days
    assert found["evaluatie_op_tijd"].number == pytest.approx(100.0)  # reviewed today: not overdue
    assert found["istandaarden_sla"].number is None  # no messages: an empty state, not zero


def test_filters_narrow_or_say_why_not(world, scenario):
    assert values(world, team_id=world.other_team.pk)["meldingen_bron"].number == 0
    by_law = values(world, law="wmo")
    assert by_law["meldingen_bron"].number is None and "wet" in by_law["meldingen_bron"].note
    assert by_law["doorlooptijd_verslag"].number == pytest.approx(30.0)
    assert values(world, law="jeugd")["doorlooptijd_verslag"].number is None  # no data: an empty state


def test_refresh_is_repeatable_and_keeps_states_only_for_month_ends_and_the_last_day(world, scenario):
    before = sorted(Fact.objects.values_list("day", "measure", "dimension", "count", "total"))
    summaries.refresh(first=this_month().start, last=today())
    assert sorted(Fact.objects.values_list("day", "measure", "dimension", "count", "total")) == before
    yesterday = today() - dt.timedelta(days=1)
    summaries.refresh(first=yesterday - dt.timedelta(days=40), last=yesterday)
    summaries.refresh(first=today(), last=today())
    state_days = set(Fact.objects.filter(measure="caseload").values_list("day", flat=True))
    month_ends = set(summaries.state_days(yesterday - dt.timedelta(days=40), yesterday)[:-1])
    assert state_days <= month_ends | {today()} and today() in state_days


def test_the_monthly_roll_up_adds_up_the_daily_flows(world, scenario):
    def monthly(model, day_field):
        rows = model.objects.filter(measure__in=summaries.FLOW_MEASURES)
        if day_field == "day":
            rows = rows.annotate(month=TruncMonth("day"))
        return sorted(
            (m.date() if isinstance(m, dt.datetime) else m, measure, dimension, c, t)
            for m, measure, dimension, c, t in rows.values("month", "measure", "dimension")
            .annotate(c=Sum("count"), t=Sum("total"))
            .values_list("month", "measure", "dimension", "c", "t")
        )

    assert monthly(MonthFact, "month") == monthly(Fact, "day") and MonthFact.objects.exists()
    signal(world, scenario.household.memberships.first().person, "school", outcome="advies")
    summaries.refresh(first=today(), last=today())  # one day: its whole month is rolled up again
    assert monthly(MonthFact, "month") == monthly(Fact, "day")
    assert not MonthFact.objects.filter(measure__in=summaries.STATE_MEASURES).exists()


def test_the_command_refreshes_and_refuses_bad_dates(world, scenario, capsys):
    call_command("sturing", "verversen", "--dagen", "3")
    assert "Samenvattingen herberekend" in capsys.readouterr().out
    for arguments in (["--van", "morgen"], ["--tot", "2026-13-01"], ["--van", "2026-02-01", "--tot", "2026-01-01"]):
        with pytest.raises(SystemExit):
            call_command("sturing", "verversen", *arguments)
        assert capsys.readouterr().err.startswith("sturing: ")


# --- small cells ---------------------------------------------------------------------------------------


def test_small_counts_are_suppressed_and_the_rest_rounded_down():
    assert [disclosure.count(n) for n in (None, 0, 1, 4, 5, 9, 12, 15, -3, -12)] == [
        "",
        "0",
        "<5",
        "<5",
        "5",
        "5",
        "10",
        "15",
        "<5",
        "-10",
    ]
    few = disclosure.TOO_FEW  # a withheld share, average or amount says the cases are few, not the value small
    assert disclosure.share(3, 20) == few and disclosure.share(18, 20) == few and disclosure.share(10, 20) == "50%"
    assert disclosure.average(40, 4) == few and disclosure.average(42, 5) == "8,4"
    assert disclosure.amount(123_456, 4) == few and disclosure.amount(1_234_567, 5) == "12.000"  # thousands
    assert disclosure.share(0, 3) == few  # 0% of a group of 1–4 says as much as the count


def _explains(observed, parts: int, top: int = 80) -> set[int]:
    """Every value of the suppressed cell that fits what was published (brute force)."""
    import itertools

    fits = set()
    for known in itertools.product(range(top), repeat=parts):
        for cell in range(1, 5):
            seen = tuple(disclosure.count(k) for k in known) + (disclosure.count(sum(known) + cell),)
            if seen == observed:
                fits.add(cell)
    return fits


@pytest.mark.parametrize("parts", [1, 2])
def test_no_difference_of_published_counts_reveals_a_suppressed_cell(parts):
    """A total published next to its other parts (other areas, other months): whatever the true numbers,
    the published ones fit more than one value of the suppressed cell."""
    import itertools

    top = 60 if parts == 1 else 22
    for known in itertools.product(range(top), repeat=parts):
        for cell in range(1, 5):
            observed = tuple(disclosure.count(k) for k in known) + (disclosure.count(sum(known) + cell),)
            assert len(_explains(observed, parts, top + 5)) > 1, (known, cell)


# --- screens and exports ---------------------------------------------------------------------------------


def test_who_opens_which_dashboard(client, world, scenario):
    client_user = make_user("opdrachtgever", User.Role.CLIENT, org=world.municipality_org, team=None,
                            gemeente=world.gemeente)  # fmt: skip
    expected = {
        world.team_lead: {"team": 200, "manager": 403, "opdrachtgever": 403},
        world.manager: {"team": 403, "manager": 200, "opdrachtgever": 200},
        client_user: {"team": 403, "manager": 403, "opdrachtgever": 200},
        world.professional: {"team": 403, "manager": 403, "opdrachtgever": 403},
        world.privacy: {"team": 403, "manager": 403, "opdrachtgever": 403},
    }
    for user, boards in expected.items():
        client.force_login(user)
        for board, status in boards.items():
            assert client.get(reverse("steering", args=[board])).status_code == status, (user, board)
    client.force_login(client_user)
    assert client.get(reverse("home")).url == reverse("steering", args=["opdrachtgever"])
    assert client.get(reverse("household", args=[scenario.household_id])).status_code == 403
    assert client.get(reverse("steering", args=["onbekend"])).status_code == 404


def test_the_client_and_the_exports_see_protected_numbers_the_manager_exact_ones(client, world, scenario):
    from openpyxl import load_workbook

    client.force_login(world.manager)
    query = f"?periode={this_month().code}"
    page = client.get(reverse("steering", args=["manager"]) + query).content.decode()
    assert "Meldingen naar bron" in page or "meldingen" in page.lower()
    csv_text = client.get(reverse("steering-export", args=["manager", "csv"]) + query).content.decode("utf-8-sig")
    assert "meldingen_bron" in csv_text and ";5;" in csv_text  # 5 signals: published as 5
    assert "Huisarts;<5" in csv_text  # 3 of them from the GP: suppressed
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("steering-export", args=["manager", "xlsx"]) + query).content)
    )
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "<5" in cells and "meldingen_bron" in cells
    protected = client.get(reverse("steering", args=["opdrachtgever"]) + query).content.decode()
    assert "naar beneden afgerond" in protected


def test_bad_filters_are_named_and_an_empty_period_is_an_empty_state(client, world, scenario):
    client.force_login(world.manager)
    response = client.get(reverse("steering", args=["manager"]) + "?periode=2026-13&gebied=999&wet=x")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Periode: kies een maand, kwartaal of jaar" in page and "Wijk of kern: kies" in page and "Wet: kies" in page
    empty = client.get(reverse("steering", args=["manager"]) + "?periode=2001").content.decode()
    assert "—" in empty
    export = client.get(reverse("steering-export", args=["manager", "csv"]) + "?periode=onzin")
    assert export.status_code == 400 and "Periode" in export.content.decode()


def test_dashboards_read_only_the_summaries_with_flat_query_counts(client, world, scenario):
    client.force_login(world.manager)
    url = reverse("steering", args=["manager"]) + f"?periode={this_month().code}"
    few = page_queries(client, url, audit_rows=0)
    for _n in range(5):
        signal(world, scenario.household.memberships.first().person, "school", outcome="advies")
    summaries.refresh(first=this_month().start, last=today())
    assert page_queries(client, url, audit_rows=0) == few == 17
    client_board = reverse("steering", args=["opdrachtgever"]) + f"?periode={this_month().code}"
    # the protected board: + one query per filter left open and one for the states (across_filters)
    assert page_queries(client, client_board, audit_rows=0) == 22
    client.force_login(world.team_lead)
    assert page_queries(client, reverse("steering", args=["team"]), audit_rows=0) == 17


def test_the_management_report_is_a_protected_pdf(client, world, scenario):
    from tests.test_decisions import pdf_text

    client.force_login(world.manager)
    quarter = Period.containing(today(), "kwartaal")
    response = client.get(reverse("steering-report", args=["manager"]) + f"?periode={quarter.code}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert f"Kwartaalrapportage Toegang – {quarter.label}" in text  # printed as typed (core fonts made "?" of it)
    assert "€" in text and "EUR" not in text
    assert "Bijlage: definities en bronnen" in text and "<5" in text
    assert client.get(reverse("steering-report", args=["manager"]) + "?periode=x").status_code == 400


def test_values_are_protected_by_how_they_are_made():
    from toegang.steering.models import Indicator
    from toegang.steering.views import show

    def unit(code):
        return Indicator(code="x", unit=code)

    value = selectors.Value
    assert show(unit("aantal"), value(4.45, kind="average", part=20, total=89), protected=True) == "4,5"
    assert show(unit("aantal"), value(4.45, kind="average", part=20, total=89), protected=False) == "4,5"
    assert show(unit("aantal"), value(3, kind="count", part=3), protected=True) == "<5"
    assert show(unit("euro"), value(0, kind="amount", part=0, total=0), protected=True) == "€ 0"
    assert show(unit("euro"), value(12345.6, kind="amount", part=7, total=1234560), protected=True) == "€ 12.000"
    assert show(unit("procent_jeugd"), value(0.0, kind="rate", part=0, whole=900), protected=True) == "0%"
    assert show(unit("procent_jeugd"), value(0.4, kind="rate", part=4, whole=900), protected=True) == "<5 gevallen"
    assert show(unit("per_10000"), value(91.7, kind="rate", part=11, whole=1200), protected=True) == "83,3 per 10.000"
    assert show(unit("score"), value(0.5, kind="average", part=6, total=3), protected=True) == "+0,5 niveau"
    assert show(unit("dagen"), value(35.0, kind="average", part=3, total=105), protected=True) == "<5 gevallen"
    assert show(unit("dagen"), value(35.0, kind="average", part=3, total=105), protected=False) == "35,0 dagen"
    assert show(unit("procent"), value(None), protected=True) == "—"


def test_the_gmsd_wmo_delivery_lists_each_provision_and_is_logged(client, world):
    from tests.test_decisions import hbh
    from tests.test_decisions import procedure as wmo_procedure
    from toegang.audit.models import AuditEntry
    from toegang.procedures import decisions
    from toegang.procedures.models import Provider

    supplier = Provider.objects.create(name="Thuiszorg De Linde", agb_code="98765432")
    proc = wmo_procedure(world)
    decision = decisions.draft_decision(actor=world.professional, procedure=proc, outcome="toegekend", reasoning="HbH")
    hbh(world, decision, supplier)
    decisions.send(actor=world.professional, decision=decisions.submit(actor=world.professional, decision=decision),
                   on=today())  # fmt: skip
    summaries.refresh(first=this_month().start, last=today())
    assert values(world)["trechter"].breakdown[-1] == ("Maatwerkvoorziening toegekend", 1)
    assert values(world)["bbv_32_wmo_maatwerk"].part == 1
    client.force_login(world.manager)
    half = 1 if today().month <= 6 else 2
    response = client.get(reverse("steering-gmsd") + f"?jaar={today().year}&halfjaar={half}")
    lines = response.content.decode().splitlines()
    assert response.status_code == 200 and lines[0].startswith("aanmaakdatum_bestand;gemeentecode;bsn;")
    assert len(lines) == 2 and f";{proc.person.bsn};01;98765432;{today():%Y%m%d};" in lines[1]
    entry = AuditEntry.objects.filter(object_type="gmsd-wmo").get()
    assert list(entry.subjects.values_list("person_id", flat=True)) == [proc.person_id]
    url = reverse("steering-gmsd") + f"?jaar={today().year}&halfjaar={half}"
    one = page_queries(client, url)
    second = decisions.draft_decision(actor=world.professional, procedure=wmo_procedure(world), outcome="toegekend",
                                      reasoning="HbH")  # fmt: skip
    hbh(world, second, supplier)
    decisions.send(actor=world.professional, decision=decisions.submit(actor=world.professional, decision=second),
                   on=today())  # fmt: skip
    assert page_queries(client, url) == one == 6  # flat as provisions grow
    assert len(client.get(url).content.decode().splitlines()) == 3
    refused = client.get(reverse("steering-gmsd") + "?jaar=1999&halfjaar=3", follow=True)
    assert refused.redirect_chain == [(reverse("steering", args=["manager"]), 302)]  # the dashboard, with why
    shown = refused.content.decode()
    assert "Jaar: kies een jaar van 2015 tot en met dit jaar." in shown and "Halfjaar: kies 1 of 2." in shown
    client.force_login(world.team_lead)
    assert client.get(reverse("steering-gmsd")).status_code == 403


def test_the_functional_administrator_keeps_inhabitants_and_norms(client, world):
    from toegang.steering.models import Norm, Population

    client.force_login(world.admin)
    url = reverse("steering-settings")
    assert page_queries(client, url, audit_rows=0) == 6
    bad = client.post(url, {"action": "inwoners", "inw-year": today().year, "inw-inhabitants": 100, "inw-under_18": 200,
                            "inw-source": "CBS"})  # fmt: skip
    assert bad.status_code == 400 and "Jonger dan 18: kan niet meer zijn" in bad.content.decode()
    assert not Population.objects.exists()
    good = {"action": "inwoners", "inw-year": today().year, "inw-inhabitants": 24000, "inw-under_18": 5200,
            "inw-source": "CBS StatLine 03759ned"}  # fmt: skip
    assert client.post(url, good).status_code == 302
    assert Population.objects.get().under_18 == 5200
    norm = {"action": "norm", "norm-indicator": 1, "norm-low": "30", "norm-high": "20", "norm-note": "Raad 2026"}
    from toegang.steering.models import Indicator

    norm["norm-indicator"] = Indicator.objects.get(code="caseload").pk
    assert "Bovengrens: ligt onder de ondergrens." in client.post(url, norm).content.decode()
    assert client.post(url, {**norm, "norm-low": "20", "norm-high": "35"}).status_code == 302
    assert Norm.objects.get().high == 35
    client.force_login(world.manager)
    assert client.get(url).status_code == 403


def test_a_breakdown_is_withheld_when_its_total_pins_down_a_suppressed_part():
    assert disclosure.parts(20, [4, 4, 4, 4, 4]) is None  # published "20" over five "<5": each must be 4
    assert disclosure.parts(9, [3, 6]) == ["<5", "5"]
    assert disclosure.parts(12, [10, 2]) == ["10", "<5"]


@pytest.mark.parametrize("hidden", [1, 2, 3, 4, 5])
def test_no_published_breakdown_pins_down_a_suppressed_part(hidden):
    """Brute force over breakdowns of ``hidden`` suppressed parts and one visible part: whenever the
    breakdown is published, every suppressed part can still take more than one value."""
    import itertools
    from collections import defaultdict

    explanations = defaultdict(list)  # what was published → every breakdown that publishes it
    for visible in range(0, 30):
        for cells in itertools.product(range(1, 5), repeat=hidden):
            values = (visible, *cells)
            shown = disclosure.parts(sum(values), list(values))
            if shown is not None:
                explanations[(disclosure.count(sum(values)), tuple(shown))].append(values)
    for published, candidates in explanations.items():
        if all(v[0] < 25 for v in candidates):  # away from the edge of the enumeration
            for position in range(1, hidden + 1):
                assert len({v[position] for v in candidates}) > 1, (published, position)


def test_a_refresh_from_the_first_of_a_month_keeps_the_month_before(world, scenario):
    first_of_month = this_month().start
    before = first_of_month - dt.timedelta(days=1)
    summaries.refresh(first=before - dt.timedelta(days=5), last=before)
    assert Fact.objects.filter(measure="caseload", day=before).exists()
    summaries.refresh(first=first_of_month, last=today())
    assert Fact.objects.filter(measure="caseload", day=before).exists()  # a month end stays


def test_an_empty_period_is_empty_not_zero(world, scenario):
    rows = selectors.dashboard(
        selectors.Filters(municipality_id=world.gemeente.pk, period=Period.year(2001)), today=today()
    )
    assert all(row.now.number is None for row in rows)
    assert {row.now.note for row in rows} == {"Geen gegevens voor deze periode."}


def test_the_downloads_and_the_catalogue_have_pinned_counts(client, world, scenario):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.manager)
    query = f"?periode={this_month().code}"
    assert page_queries(client, reverse("steering-catalogue"), audit_rows=0) == 4

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    downloads = {
        "csv": reverse("steering-export", args=["manager", "csv"]),
        "xlsx": reverse("steering-export", args=["manager", "xlsx"]),
        "pdf": reverse("steering-report", args=["manager"]),
    }
    counts = {name: queries(url + query) for name, url in downloads.items()}
    for _n in range(3):  # more data, the same number of queries
        signal(world, scenario.household.memberships.first().person, "school", outcome="advies")
    summaries.refresh(first=this_month().start, last=today())
    assert counts == {name: queries(url + query) for name, url in downloads.items()}
    assert counts == {"csv": 22, "xlsx": 22, "pdf": 23}


def test_a_shown_value_reads_back_as_the_number_it_prints():
    """The API's ``number`` and the XLSX's number cells are read from the printed text, so they never
    say more than it: a protected "<5" has no number."""
    from toegang.steering.views import figure, number

    assert [number(text) for text in ("€ 1.250", "20%", "4,9", "+1,2 niveau", "-10", "1250", "0")] == [
        1250,
        20,
        4.9,
        1.2,
        -10,
        1250,
        0,
    ]
    assert number("12,5 per 10.000") == 12.5 and number("12 dagen") == 12
    assert [number(text) for text in ("<5", "<5 gevallen", "x", "—", "", "2026-K3", "5 of meer")] == [None] * 7
    assert figure("€ 1.250").number_format == '"€ "#,##0'
    assert figure("12,5 per 10.000").number_format == '#,##0.0" per 10.000"'


def test_the_xlsx_has_number_cells_and_text_that_is_never_a_formula():
    """A controller sums and charts the XLSX; a team or area named "=HYPERLINK(…)" must stay text
    (openpyxl stores a string starting with "=" as a formula; the CSV prefixes an apostrophe)."""
    from openpyxl import load_workbook

    from toegang.steering.views import Shown, export_file

    table = [
        ["indicator", "waarde"],
        ['=HYPERLINK("http://example.invalid","klik")', Shown("€ 1.250")],
        ["x", Shown("<5")],
    ]
    sheet = load_workbook(io.BytesIO(export_file("xlsx", table, title="t", description="d"))).active
    formula, amount = sheet["A4"], sheet["B4"]
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")
    assert amount.value == 1250 and amount.number_format == '"€ "#,##0'
    assert sheet["B5"].value == "<5" and sheet["B5"].data_type == "s"
    text = export_file("csv", table, title="t", description="d").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "€ 1.250" in text


def test_a_withdrawn_procedure_counts_as_overdue_only_before_its_withdrawal(world):
    """Its report was due six weeks after the melding; withdrawn ten days ago: overdue on the state days
    before the withdrawal, not on the days after (the clocks stopped that day, not met)."""
    trajectory = make_trajectory(world)
    procedure = Procedure.objects.create(
        trajectory=trajectory,
        person=trajectory.household.memberships.first().person,
        law="wmo",
        reported_on=today() - dt.timedelta(days=120),
        status="ingetrokken",
        withdrawn_on=today() - dt.timedelta(days=10),
        created_by=world.professional,
    )
    first = today() - dt.timedelta(days=60)
    summaries.refresh(first=first, last=today())
    overdue = set(Fact.objects.filter(measure="overdue").values_list("day", flat=True))
    state_days = set(Fact.objects.filter(measure="caseload").values_list("day", flat=True))
    assert overdue and all(day < procedure.withdrawn_on for day in overdue)
    assert {day for day in state_days if day < procedure.withdrawn_on} <= overdue  # every state day before it
    assert today() not in overdue
