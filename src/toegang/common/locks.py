"""One way to make writes about the same row wait for each other: a double click, a retry on a slow
connection, or two tabs that send the same form."""

from __future__ import annotations

from django.db.models import Model


def wait_for_writes_on(model: type[Model], pk: int) -> None:
    """Inside a transaction: lock one row so that a second transaction that asks the same waits until the
    first commits, and then sees what it wrote (its melding, consent or request). PostgreSQL takes the row
    lock; SQLite's IMMEDIATE transactions hold the database's write lock from the start anyway.

    FOR NO KEY UPDATE, not FOR UPDATE: another transaction that inserts a row pointing at this one (a
    signal about the person, an audit row by the user) takes FOR KEY SHARE on it at its commit while it
    holds the audit log's lock; a FOR UPDATE taken here before the audit lock deadlocked with it (found in
    review, reproduced in SQL). NO KEY still makes two callers of this wait for each other."""
    model._default_manager.select_for_update(no_key=True).filter(pk=pk).first()
