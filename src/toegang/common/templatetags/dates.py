"""Django's ``date`` filter, remembered for plain dates.

Formatting a date through Django's ``date`` filter costs about 25 µs (a DateFormat object, the
format string walked character by character, month names translated). A list of 500 trajectories with
two dates per row spent some 25 ms of its 55 there, and the dates in such a list repeat. For a
``datetime.date`` the text depends only on the date, the format and the language, so it is kept per
those three; anything else (datetimes, which depend on the time zone, None, strings) goes to Django's
filter as before. Registered as a template builtin under Django's own name (settings.TEMPLATES), so
every template gets it and the output is Django's, character for character
(tests/test_template_dates.py).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils.translation import get_language

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    if type(value) is dt.date:  # not a datetime (a subclass of date), whose text depends on the time zone
        return _date_text(value, arg, get_language())
    return defaultfilters.date(value, arg)


@lru_cache(maxsize=8192)
def _date_text(value: dt.date, arg: str | None, language: str | None) -> str:
    # ``language`` is only the key: the active language, which Django's filter reads itself
    return defaultfilters.date(value, arg)
