"""Calendar periods for steering and reports: a month ("2026-03"), a quarter ("2026-K1") or a year
("2026"), with their Dutch labels, the previous period and the choices of a period filter."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from toegang.common.dates import add_months

MONTH_NAMES = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
PERIOD_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|K(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    """A calendar month ("2026-03"), quarter ("2026-K1") or year ("2026")."""

    kind: str  # "maand" | "kwartaal" | "jaar"
    start: dt.date
    end: dt.date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        return cls("maand", start, add_months(start, 1) - dt.timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = dt.date(year, 3 * (quarter - 1) + 1, 1)
        return cls("kwartaal", start, add_months(start, 3) - dt.timedelta(days=1))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("jaar", dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def containing(cls, day: dt.date, kind: str = "kwartaal") -> Period:
        if kind == "maand":
            return cls.month(day.year, day.month)
        if kind == "jaar":
            return cls.year(day.year)
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, code: str) -> Period:
        """A period from its code; ValueError for anything else."""
        match = PERIOD_CODE.match(code or "")
        if match is None:
            raise ValueError(code)
        year = int(match["year"])
        if not 1900 <= year <= 2999:
            raise ValueError(code)
        if match["quarter"]:
            return cls.quarter(year, int(match["quarter"]))
        if match["month"]:
            return cls.month(year, int(match["month"]))
        return cls.year(year)

    @property
    def code(self) -> str:
        if self.kind == "maand":
            return f"{self.start:%Y-%m}"
        if self.kind == "jaar":
            return str(self.start.year)
        return f"{self.start.year}-K{(self.start.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        if self.kind == "maand":
            return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        if self.kind == "jaar":
            return str(self.start.year)
        return f"{(self.start.month - 1) // 3 + 1}e kwartaal {self.start.year}"

    def previous(self) -> Period:
        return Period.containing(self.start - dt.timedelta(days=1), self.kind)

    def months(self) -> list[dt.date]:
        """The first day of each month in the period."""
        return [add_months(self.start, i) for i in range({"maand": 1, "kwartaal": 3, "jaar": 12}[self.kind])]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def recent_periods(on: dt.date, *, quarters: int = 8, months: int = 12) -> list[Period]:
    """The choices of the period filter: the last quarters, then the last months, the current first."""
    found = [Period.containing(on, "kwartaal")]
    while len(found) < quarters:
        found.append(found[-1].previous())
    month = Period.containing(on, "maand")
    for _ in range(months):
        found.append(month)
        month = month.previous()
    return found
