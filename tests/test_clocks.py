"""The clock engine: statutory terms with the Algemene termijnenwet, suspension and extension, the
penalty for late decisions (Awb 4:17) and the objection terms. Known dates first, then properties
over random dates (hypothesis)."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from toegang.procedures import calendar, clocks
from toegang.procedures.clocks import DAYS, WEEKS, WORKING_DAYS, Suspension, Term
from toegang.procedures.models import TermRule
from toegang.procedures.selectors import rule_for, rules_for

D = dt.date


def test_atw_holidays_are_the_statutory_list():
    days = calendar.atw_holidays(2026)
    assert D(2026, 4, 6) in days  # Tweede paasdag
    assert D(2026, 4, 27) in days  # Koningsdag
    assert D(2026, 5, 5) in days  # 5 mei counts every year, not only in lustrum years
    assert D(2026, 5, 14) in days  # Hemelvaartsdag
    assert D(2026, 12, 25) in days and D(2026, 12, 26) in days
    assert D(2026, 4, 3) not in days  # Goede Vrijdag is not on the Atw list
    assert D(2025, 4, 26) in calendar.atw_holidays(2025)  # Koningsdag moves to Saturday when the 27th is a Sunday


def test_every_configured_holiday_name_exists_in_the_library():
    """Guards against a rename in the `holidays` library silently dropping a holiday."""
    names = {name.lower() for name in holidays.country_holidays("NL", years=range(2025, 2031), language="nl").values()}
    for name in settings.ATW_HOLIDAYS:
        assert name.lower() in names | {"bevrijdingsdag"}, name


def test_a_term_ending_on_a_weekend_or_holiday_runs_on():
    # Wmo beschikking: two weeks from the application received on Thursday 10 December 2026 ends on
    # Thursday 24 December; received Friday 11 December it would end on Friday 25 December (Christmas),
    # so it runs on to Monday 28 December (26th is a holiday, 27th a Sunday).
    assert clocks.deadline(start=D(2026, 12, 10), term=Term(2, WEEKS)) == D(2026, 12, 24)
    assert clocks.deadline(start=D(2026, 12, 11), term=Term(2, WEEKS)) == D(2026, 12, 28)
    assert clocks.deadline(start=D(2026, 12, 11), term=Term(2, WEEKS), atw=False) == D(2026, 12, 25)


def test_a_short_term_holds_two_working_days():
    # Three days from Wednesday 23 December 2026 end on Saturday the 26th -> Monday the 28th, which has
    # only Thursday 24 and Monday 28 as working days: two, so no further extension.
    assert clocks.deadline(start=D(2026, 12, 23), term=Term(3, DAYS)) == D(2026, 12, 28)
    # Three days from Thursday 24 December: 25 (holiday), 26 (holiday), 27 (Sunday) -> Monday 28 has one
    # working day; the term runs to Tuesday 29 December.
    assert clocks.deadline(start=D(2026, 12, 24), term=Term(3, DAYS)) == D(2026, 12, 29)


def test_working_days_skip_weekends_and_holidays():
    assert clocks.deadline(start=D(2026, 4, 2), term=Term(3, WORKING_DAYS)) == D(2026, 4, 8)  # Fri 3 counts, Mon 6 not


def test_suspension_and_extension():
    start = D(2026, 3, 2)  # Monday
    plain = clocks.deadline(start=start, term=Term(6, WEEKS))
    assert plain == D(2026, 4, 13)
    suspended = clocks.deadline(
        start=start, term=Term(6, WEEKS), suspensions=[Suspension(D(2026, 3, 10), D(2026, 3, 19))]
    )
    assert suspended == plain + dt.timedelta(days=10)
    running = clocks.deadline(
        start=start, term=Term(6, WEEKS), suspensions=[Suspension(D(2026, 3, 10))], on=D(2026, 3, 12)
    )
    assert running == plain + dt.timedelta(days=3)
    after_expiry = clocks.deadline(
        start=start, term=Term(6, WEEKS), suspensions=[Suspension(D(2026, 5, 1), D(2026, 5, 9))]
    )
    assert after_expiry == plain  # a suspension after the term ran out does not revive it
    extended = clocks.deadline(start=start, term=Term(2, WEEKS), extension=Term(2, WEEKS))
    assert extended == clocks.deadline(start=start, term=Term(4, WEEKS))


@pytest.mark.parametrize(
    ("days", "cents"),
    [
        (0, 0),
        (1, 2300),
        (14, 32200),
        (15, 32200 + 3500),
        (28, 32200 + 49000),
        (29, 81200 + 4500),
        (42, 144200),
        (60, 144200),
    ],
)
def test_penalty_per_awb_4_17(days, cents):
    term_end, notice = D(2026, 3, 1), D(2026, 3, 5)
    first = notice + dt.timedelta(weeks=2)  # two weeks after the later of the two
    decided = first + dt.timedelta(days=days)
    result = clocks.penalty(term_end=term_end, notice_received=notice, decided_on=decided, on=decided)
    assert result.first_day == first
    assert (result.days, result.amount_cents) == (min(days, 42), cents)


def test_no_penalty_without_notice_and_notice_before_the_term_counts_from_its_end():
    assert (
        clocks.penalty(term_end=D(2026, 3, 1), notice_received=None, decided_on=None, on=D(2026, 9, 1)).amount_cents
        == 0
    )
    early = clocks.penalty(term_end=D(2026, 3, 10), notice_received=D(2026, 3, 1), decided_on=None, on=D(2026, 3, 24))
    assert early.first_day == D(2026, 3, 24) and early.days == 1


def test_objection_terms():
    announced = D(2026, 6, 1)  # Monday
    assert clocks.objection_window_end(announced) == D(2026, 7, 13)
    assert clocks.objection_decision_deadline(announced_on=announced, committee=False, extended=False) == D(2026, 8, 24)
    assert clocks.objection_decision_deadline(announced_on=announced, committee=True, extended=True) == D(2026, 11, 16)


def test_terms_are_configuration_with_their_source(world):
    default = rule_for(rules_for([world.gemeente.pk]), world.gemeente.pk, "jeugd-beschikking")
    assert (default.length, default.unit, default.municipality_id) == (8, WEEKS, None)
    assert "Jeugdwet art. 2.9" in default.source
    TermRule.objects.create(
        municipality=world.gemeente,
        law="jeugd",
        code="jeugd-beschikking",
        label="Beschikking na aanvraag",
        starts_at="ontvangst aanvraag",
        length=6,
        unit=WEEKS,
        source="Verordening jeugdhulp Testgemeente art. 7",
    )
    own = rule_for(rules_for([world.gemeente.pk]), world.gemeente.pk, "jeugd-beschikking")
    assert own.length == 6 and own.term == Term(6, WEEKS, "Verordening jeugdhulp Testgemeente art. 7")
    assert rule_for(rules_for([world.other_gemeente.pk]), world.other_gemeente.pk, "jeugd-beschikking").length == 8
    assert TermRule.objects.filter(municipality=None).count() >= 11


dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31))
terms = st.builds(Term, st.integers(min_value=1, max_value=60), st.sampled_from(clocks.UNITS))
suspensions = st.lists(
    st.builds(lambda s, n: Suspension(s, s + dt.timedelta(days=n)), dates, st.integers(min_value=0, max_value=40)),
    max_size=3,
)


@hsettings(max_examples=300, deadline=None)
@given(start=dates, term=terms, existing=suspensions, extra=suspensions)
def test_deadline_properties(start, term, existing, extra):
    end = clocks.deadline(start=start, term=term, suspensions=existing)
    assert not calendar.is_non_working(end)  # never on a Saturday, Sunday or Atw holiday
    assert end > start
    more = clocks.deadline(start=start, term=term, suspensions=existing + extra)
    assert more >= end  # adding a suspension never brings the deadline forward
    assert clocks.deadline(start=start, term=term, suspensions=existing, extension=Term(1, DAYS)) >= end


@hsettings(max_examples=200, deadline=None)
@given(term_end=dates, notice=dates, decided=dates)
def test_penalty_properties(term_end, notice, decided):
    result = clocks.penalty(term_end=term_end, notice_received=notice, decided_on=decided, on=decided)
    assert 0 <= result.days <= 42 and 0 <= result.amount_cents <= 144200
    later = clocks.penalty(
        term_end=term_end, notice_received=notice, decided_on=decided + dt.timedelta(days=1), on=decided
    )
    assert later.amount_cents >= result.amount_cents  # deciding later never costs less
