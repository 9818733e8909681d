"""Legal days are dates in Europe/Amsterdam (DESIGN.md rule 5): "today" is the local calendar day,
not the server's UTC day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
