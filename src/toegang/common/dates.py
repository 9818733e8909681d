"""Legal days are dates in Europe/Amsterdam (DESIGN.md rule 5): "today" is the local calendar day,
not the server's UTC day."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

# The Wmo 2015, the Jeugdwet and the Participatiewet took effect on 1 January 2015 (the decentralisation
# of the social domain): no signal, summary or export of this Toegang lies before it.
DECENTRALISATION = dt.date(2015, 1, 1)


def today() -> dt.date:
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when that month is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
