"""The clock engine: statutory terms with suspension (opschorting), extension (verlenging) and the
Algemene termijnenwet, the penalty for late decisions (Awb 4:17) and the objection terms (Awb 6:7,
6:8, 7:10). Pure functions on dates; the terms themselves are configuration (``TermRule``).

A term "runs from" a day (the melding, the receipt of the application): counting starts the day after
it, so a term of two weeks from Monday 2 March ends on Monday 16 March.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from toegang.common.dates import add_months
from toegang.procedures.calendar import add_working_days, atw_end

DAYS, WEEKS, MONTHS, WORKING_DAYS = "dagen", "weken", "maanden", "werkdagen"
UNITS = (DAYS, WEEKS, MONTHS, WORKING_DAYS)


@dataclass(frozen=True)
class Term:
    length: int
    unit: str
    source: str = ""

    def __post_init__(self) -> None:
        if self.unit not in UNITS or self.length < 0:
            raise ValueError(f"termijn {self.length} {self.unit}")

    def end_from(self, start: dt.date) -> dt.date:
        """The last day of the term, before the Atw."""
        if self.unit == DAYS:
            return start + dt.timedelta(days=self.length)
        if self.unit == WEEKS:
            return start + dt.timedelta(weeks=self.length)
        if self.unit == MONTHS:
            return add_months(start, self.length)
        return add_working_days(start, self.length)

    def __str__(self) -> str:
        return f"{self.length} {self.unit}"


@dataclass(frozen=True)
class Suspension:
    """The clock stands still from ``start`` up to and including ``end``; ``end`` None: still running."""

    start: dt.date
    end: dt.date | None = None


def deadline(
    *,
    start: dt.date,
    term: Term,
    suspensions: Iterable[Suspension] = (),
    extension: Term | None = None,
    on: dt.date | None = None,
    atw: bool = True,
) -> dt.date:
    """The last day of a term that runs from ``start``: the term, then its extension, then every day the
    clock stood still (a running suspension counts up to ``on``), then the Atw. Adding a suspension or
    an extension never makes it earlier."""
    end = term.end_from(start)
    if extension is not None:
        end = extension.end_from(end)
    for suspension in sorted(suspensions, key=lambda s: s.start):
        first = max(suspension.start, start + dt.timedelta(days=1))
        last = suspension.end if suspension.end is not None else (on or suspension.start)
        if first > end or last < first:
            continue  # began after the term had run out, or lies before it
        end += dt.timedelta(days=(last - first).days + 1)
    return atw_end(start, end) if atw else end


# Awb 4:17 lid 2: the penalty per day for late decisions, in cents, for days 1-14, 15-28 and 29-42.
PENALTY_PER_DAY = ((14, 2300), (14, 3500), (14, 4500))
PENALTY_MAX_DAYS = 42
PENALTY_SOURCE = "Awb art. 4:17"


@dataclass(frozen=True)
class Penalty:
    first_day: dt.date | None  # the first day the penalty is due; None without a notice of default
    days: int
    amount_cents: int


def penalty(*, term_end: dt.date, notice_received: dt.date | None, decided_on: dt.date | None, on: dt.date) -> Penalty:
    """The dwangsom for a late decision (Awb 4:17): due for every day from two weeks after both the
    term has expired and the written notice of default (ingebrekestelling) was received, up to the day
    before the decision, at most 42 days: at most €1,442."""
    if notice_received is None:
        return Penalty(first_day=None, days=0, amount_cents=0)
    first = max(term_end, notice_received) + dt.timedelta(weeks=2)
    last = decided_on - dt.timedelta(days=1) if decided_on is not None else on
    days = max(0, min(PENALTY_MAX_DAYS, (last - first).days + 1))
    amount, left = 0, days
    for block, cents in PENALTY_PER_DAY:
        taken = min(block, left)
        amount, left = amount + taken * cents, left - taken
    return Penalty(first_day=first, days=days, amount_cents=amount)


OBJECTION_WINDOW = Term(6, WEEKS, "Awb art. 6:7 en 6:8")
OBJECTION_DECISION = Term(6, WEEKS, "Awb art. 7:10 lid 1")
OBJECTION_DECISION_COMMITTEE = Term(12, WEEKS, "Awb art. 7:10 lid 1 (adviescommissie, art. 7:13)")
OBJECTION_EXTENSION = Term(6, WEEKS, "Awb art. 7:10 lid 3")


def objection_window_end(announced_on: dt.date) -> dt.date:
    """The last day to object: six weeks from the day after the decision was made known."""
    return deadline(start=announced_on, term=OBJECTION_WINDOW)


def objection_decision_deadline(
    *, announced_on: dt.date, committee: bool, extended: bool, suspensions: Iterable[Suspension] = ()
) -> dt.date:
    """The decision on an objection: six weeks (twelve with an advisory committee) from the end of the
    objection window, once extendable by six weeks."""
    return deadline(
        start=objection_window_end(announced_on),
        term=OBJECTION_DECISION_COMMITTEE if committee else OBJECTION_DECISION,
        extension=OBJECTION_EXTENSION if extended else None,
        suspensions=suspensions,
    )
