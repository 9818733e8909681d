"""Small cells across filters (issue 7, point 4; docs/adr/0010-small-cells.md): a reader who downloads
the whole municipality and then every area (or every team, law, month) must not be able to work out a
count that is published as "<5" by subtracting. The tests build the summary facts directly, publish
them as the protected outputs do (``views.show`` on ``selectors.dashboard(protect=True)``), and check
by brute force over every true value the published strings allow that no suppressed part is pinned."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.urls import reverse

from toegang.accounts.models import Area, Team
from toegang.common.dates import today
from toegang.common.periods import Period
from toegang.steering import disclosure, selectors, summaries
from toegang.steering.models import Fact, Indicator, MonthFact
from toegang.steering.views import show


def past_month():
    # a whole past month
    return Period.containing(today(), "maand").previous()


INFLOW = (Indicator.Group.INFLOW,)


@pytest.fixture
def areas(world):
    """Five areas of the municipality (the fixture's "Noord" and four more), one team in each."""
    found = [world.area] + [Area.objects.create(municipality=world.gemeente, name=f"Kern {i}") for i in range(1, 5)]
    for area in found[1:]:
        Team.objects.create(name=f"Team {area.name}", area=area)
    return found


def signals(world, per_area: dict[Area, dict[str, int]], day: dt.date | None = None) -> None:
    """Signal facts of one day: per area, per source, how many (the area's first team)."""
    day = day or past_month().start
    Fact.objects.bulk_create(
        Fact(
            day=day,
            municipality=world.gemeente,
            area=area,
            team=area.teams.first(),
            measure="signal",
            dimension=source,
            count=n,
        )
        for area, sources in per_area.items()
        for source, n in sources.items()
    )
    summaries.roll_up_months(day, day)


def published(world, period: Period | None = None, **filters) -> tuple[str, dict[str, str]]:
    """The signals count and its parts per source, as every protected output prints them."""
    period = period or past_month()
    rows = selectors.dashboard(
        selectors.Filters(municipality_id=world.gemeente.pk, period=period, **filters),
        groups=INFLOW,
        today=today(),
        protect=True,
    )
    row = next(r for r in rows if r.indicator.code == "meldingen_bron")
    parts = {
        label: disclosure.WITHHELD if label in row.now.withheld_parts else disclosure.count(n)
        for label, n in row.now.breakdown
    }
    return show(row.indicator, row.now, protected=True), parts


def possible(text: str) -> range:
    """The true counts a published string allows ("x": anything)."""
    if text in ("", "0"):
        return range(0, 1)
    if text == disclosure.SUPPRESSED:
        return range(1, disclosure.SMALL)
    if text == disclosure.WITHHELD:
        return range(0, 1000)
    return range(int(text), int(text) + disclosure.SMALL)


def pinned(total: str, parts: list[str]) -> list[int]:
    """The suppressed parts that the published total and parts leave one possible value (parts add up to
    the total: every fact has an area, a team and no other remainder)."""
    found = []
    for index, text in enumerate(parts):
        if text != disclosure.SUPPRESSED:
            continue
        others = [possible(t) if t != disclosure.WITHHELD else range(0, 60) for i, t in enumerate(parts) if i != index]
        allowed = possible(total)
        options = {
            value for value in possible(text) for rest in itertools.product(*others) if value + sum(rest) in allowed
        }
        if len(options) == 1:
            found.append(index)
    return found


def test_the_municipality_total_is_withheld_when_its_small_areas_would_be_pinned(world, areas, client):
    signals(world, {area: {"huisarts": 4} for area in areas})  # 20 in all: five areas of 4
    total, parts = published(world)
    assert total == disclosure.WITHHELD and parts["Huisarts"] == disclosure.WITHHELD
    for area in areas:
        assert published(world, area_id=area.pk)[0] == disclosure.SUPPRESSED
    # the same in every download (the manager's export is protected too)
    client.force_login(world.manager)
    csv = client.get(reverse("steering-export", args=["manager", "csv"]) + f"?periode={past_month().code}")
    line = next(x for x in csv.content.decode().splitlines() if x.startswith("meldingen_bron;"))
    assert line.split(";")[3] == disclosure.WITHHELD
    assert "x: niet getoond" in csv.content.decode()


def test_a_total_that_pins_nothing_is_shown(world, areas):
    signals(world, {area: {"huisarts": n} for area, n in zip(areas, (4, 4, 4, 4, 12), strict=True)})
    total, parts = published(world)
    assert total == "25" and parts["Huisarts"] == "25"  # 28: the four "<5" can still be 1–4 in many ways


def test_the_exact_dashboards_inside_the_organisation_are_not_marked(world, areas):
    signals(world, {area: {"huisarts": 4} for area in areas})
    rows = selectors.dashboard(
        selectors.Filters(municipality_id=world.gemeente.pk, period=past_month()), groups=INFLOW, today=today()
    )
    value = next(r for r in rows if r.indicator.code == "meldingen_bron").now
    assert value.number == 20 and not value.withheld


def test_months_under_a_quarter_are_protected_too(world):
    quarter = Period.containing(past_month().start, "kwartaal").previous()
    for month in quarter.months():
        signals(world, {world.area: {"school": 1}}, day=month)
    total, _parts = published(world, period=quarter)
    months = [published(world, period=Period.containing(m, "maand"))[0] for m in quarter.months()]
    assert months == [disclosure.SUPPRESSED] * 3
    assert not pinned(total, months)  # "<5" over three "<5" months: withheld, or not enough to pin them


def test_no_area_team_or_source_is_pinned_by_the_municipality(world, areas):
    """Random small numbers over five areas and two sources, 30 times: for the total and for each source,
    the municipality's published value and the five areas' (or teams') published values never pin a
    "<5". Without the check across filters some of these data sets would (counted, so that the test
    shows it can fail)."""
    rng = random.Random(7)
    exposed = 0
    for _round in range(30):
        Fact.objects.all().delete()
        MonthFact.objects.all().delete()
        numbers = {
            area: {"huisarts": rng.choice((3, 4, 4, 4, 4, 4, 9, 14)), "school": rng.choice((0, 0, 0, 0, 1, 4))}
            for area in areas
        }
        signals(world, numbers)
        whole, whole_parts = published(world)
        by_area = [published(world, area_id=area.pk) for area in areas]
        by_team = [published(world, team_id=area.teams.first().pk)[0] for area in areas]
        assert not pinned(whole, [total for total, _p in by_area]), numbers
        assert not pinned(whole, by_team), numbers
        for label in whole_parts:
            assert not pinned(whole_parts[label], [parts.get(label, "0") for _t, parts in by_area]), numbers
        exact = disclosure.count(sum(n for sources in numbers.values() for n in sources.values()))
        exposed += bool(pinned(exact, [total for total, _p in by_area]))
    assert exposed >= 3, exposed  # the unprotected total would have pinned small areas in these rounds
