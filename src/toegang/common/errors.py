"""Errors that carry a message meant for people (Dutch, naming the field and the rule)."""

from __future__ import annotations

from django.utils.functional import Promise as StrPromise

# The longest free text a person may type in one field (a note, a description): about 1,500 words. The
# forms hold every text field without a limit of its own to it, the services the texts they take.
LONG_TEXT_MAX = 10_000


class DomainError(Exception):
    """A rule of the domain refused the change. ``field`` names the form field when there is one."""

    def __init__(self, message: str | StrPromise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class ConflictError(DomainError):
    """Someone else saved the same document first (optimistic concurrency)."""
