"""URL converters."""

from __future__ import annotations

BIGINT_MAX = 2**63 - 1


class IdConverter:
    """A database id in a URL (``<id:name>``): digits that fit the id columns. A longer number is no
    match, so a 404 like any id that does not exist, not an OverflowError from SQLite (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError(value)  # Django then tries the next pattern, and none matches: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)
