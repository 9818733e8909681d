"""URL converters."""

from __future__ import annotations

BIGINT_MAX = 2**63 - 1


def parse_id(text: str) -> int | None:
    """A database id written in ASCII digits that fits the id columns, else None. The length is checked
    before ``int()``: that refuses numbers of more than 4300 digits with a ValueError, and "¹" is a
    digit to ``str.isdigit``."""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    number = int(text)
    return number if number <= BIGINT_MAX else None


class IdConverter:
    """A database id in a URL (``<id:name>``): digits that fit the id columns. A longer number is no
    match, so a 404 like any id that does not exist, not an OverflowError from SQLite (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django then tries the next pattern, and none matches: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)
