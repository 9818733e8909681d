"""Reading a whole number that a person typed or a link carried."""

from __future__ import annotations


def whole_number(text: str, *, digits: int = 18) -> int | None:
    """The non-negative whole number written in ``text`` with ASCII digits (at most ``digits`` of them),
    else None. ``str.isdigit`` alone is not enough: it accepts "¹" and "²", which ``int`` refuses, and an id
    longer than a bigint would only fail in the database."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None
