"""Errors that carry a message meant for people (Dutch, naming the field and the rule)."""

from __future__ import annotations

from django.utils.functional import Promise as StrPromise


class DomainError(Exception):
    """A rule of the domain refused the change. ``field`` names the form field when there is one."""

    def __init__(self, message: str | StrPromise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class ConflictError(DomainError):
    """Someone else saved the same document first (optimistic concurrency)."""
