"""The ``date`` filter remembered for plain dates (common/templatetags/dates.py): every template gets
it, and its text is Django's own for every format the templates use, in two languages, for dates,
datetimes (which go through the time zone) and empty values."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import defaultfilters as django_filters
from django.template import engines
from django.utils import timezone, translation

from toegang.common.templatetags import dates

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "toegang" / "templates"


def used_formats() -> set[str]:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        found.update(re.findall(r'\|date:"([^"]*)"', path.read_text()))
    return found


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_every_template_gets_the_remembered_filter():
    engine = engines["django"].engine
    template = engine.from_string('{{ d|date:"j M Y" }}')
    (node,) = template.nodelist
    assert node.filter_expression.filters[0][0] is dates.date


def test_the_text_is_djangos_for_every_format_in_use():
    formats = used_formats()
    assert {"j-n-Y", "j b Y", "d-m-Y H:i", "j F Y"} <= formats  # the templates were read
    assert "j M Y" not in formats  # "M" capitalises ("4 Mrt 2026"); Dutch writes the month in lower case
    days = [dt.date(2026, 1, 1), dt.date(2026, 3, 9), dt.date(2024, 2, 29), dt.date(1953, 12, 31)]
    moments = [dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC), dt.datetime(2026, 10, 25, 1, 15, tzinfo=dt.UTC)]
    checked = 0
    for language in ("nl", "en"):
        with translation.override(language):
            for fmt in sorted(formats | {"SHORT_DATE_FORMAT", ""}):
                source = "{{ v|date:'" + fmt + "' }}" if fmt else "{{ v|date }}"
                for value in [*days, *moments, None, ""]:
                    local = timezone.localtime(value) if isinstance(value, dt.datetime) else value
                    try:
                        expected = django_filters.date(local, fmt or None)
                    except TypeError:  # a time in the format of a date: Django refuses, and so do we
                        with pytest.raises(TypeError):
                            render(source, v=value)
                        continue
                    for _twice in range(2):  # the second time from the cache
                        assert render(source, v=value) == expected, (language, fmt, value)
                        checked += 1
    assert checked > 100
    with translation.override("nl"):
        assert render("{{ v|date:'j b Y' }}", v=dt.date(2026, 3, 4)) == "4 mrt 2026"


def test_the_language_is_part_of_what_is_remembered():
    day = dt.date(2026, 3, 9)
    with translation.override("nl"):
        dutch = render('{{ d|date:"j F Y" }}', d=day)
    with translation.override("en"):
        english = render('{{ d|date:"j F Y" }}', d=day)
    assert (dutch, english) == ("9 maart 2026", "9 March 2026")


def test_a_datetime_is_shown_in_the_local_time_zone():
    moment = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)  # 00:30 the next day in Amsterdam (summer time)
    with translation.override("nl"):
        assert render('{{ m|date:"j-n-Y H:i" }}', m=moment) == "2-7-2026 00:30"
