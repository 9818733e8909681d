"""Which days count for statutory terms: the Algemene termijnenwet (Atw).

A term set by law that ends on a Saturday, Sunday or generally recognised holiday runs on to the next
day that is none of these (Atw art. 1); a term of at least three days is extended where needed so that
it holds at least two such days (art. 2). The holidays of art. 3 (DOMAIN.md §1.4): Nieuwjaarsdag,
Tweede Paasdag, Hemelvaartsdag, Tweede Pinksterdag, both Christmas days, Koningsdag, and 5 mei;
Goede Vrijdag is not on the list. The dates of the movable feasts and of Koningsdag come from the
`holidays` library; which of them count is configuration (``TOEGANG_ATW_HOLIDAYS``), because days
can be added by decree.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings

LIBERATION_DAY = (5, 5)  # 5 mei counts every year for the Atw, not only in lustrum years


@lru_cache(maxsize=256)
def atw_holidays(year: int) -> frozenset[dt.date]:
    wanted = {name.strip().lower() for name in settings.ATW_HOLIDAYS}
    days = {
        day
        for day, name in holidays.country_holidays("NL", years=year, language="nl").items()
        if name.lower() in wanted
    }
    if "bevrijdingsdag" in wanted:
        days.add(dt.date(year, *LIBERATION_DAY))
    return frozenset(days)


def is_non_working(day: dt.date) -> bool:
    """Saturday, Sunday or an Atw holiday."""
    return day.weekday() >= 5 or day in atw_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The day itself when it is a working day, else the first working day after it."""
    while is_non_working(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day on which ``days`` working days after ``start`` have passed (start itself not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if not is_non_working(day):
            counted += 1
    return day


def _has_two_working_days(start: dt.date, end: dt.date) -> bool:
    """Whether the days after ``start`` up to and including ``end`` hold at least two working days."""
    found, day = 0, start
    while found < 2 and day < end:
        day += dt.timedelta(days=1)
        found += not is_non_working(day)
    return found >= 2


def atw_end(start: dt.date, end: dt.date) -> dt.date:
    """Apply the Atw to a term that runs from the day after ``start`` up to and including ``end``."""
    end = next_working_day(end)
    if (end - start).days >= 3:  # art. 2: at least two working days inside a term of three days or more
        while not _has_two_working_days(start, end):
            end = next_working_day(end + dt.timedelta(days=1))
    return end
