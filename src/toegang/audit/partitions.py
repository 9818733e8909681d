"""The audit log in partitions on PostgreSQL (ADR 0013): `audit_auditentry` is partitioned by ranges of its
`id`, `audit_auditsubject` by the same ranges of `entry_id`, so an entry and its subjects always sit in
partitions with the same bounds, named ``<table>_p<lower bound>``.

Why ranges of `id` and not months of `at`: every write reads the chain head (`ORDER BY id DESC LIMIT 1`).
With `id` as the partition key PostgreSQL reads only the newest partitions; with `at` it must open all of
them (docs/performance.md has the figures). There is no default partition, for the same reason: it would
turn the head lookup into a merge over every partition.

So partitions must exist before the ids reach them. `ensure()` keeps `AUDIT_PARTITIONS_AHEAD` empty
partitions ahead of the sequence. Making a partition needs the owner of the tables, not the application's
role (docs/operations.md §5), so it runs where the owner's rights are: in the migration that partitioned
the tables, in the daily ``manage.py retention run --execute`` and in ``manage.py audit partities`` (which
also reports the room left and fails when less than one empty partition is ahead). Retention drops a
partition whose entries are all past their retention instead of deleting them row by row
(audit/retention.py). The append-only triggers sit on the partitioned tables; PostgreSQL puts them on
every partition, also on those made later. On SQLite (the embedded default) nothing here applies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

ENTRIES, SUBJECTS = "audit_auditentry", "audit_auditsubject"


@dataclass(frozen=True)
class Partition:
    lower: int  # inclusive
    upper: int  # exclusive

    def name(self, table: str) -> str:
        return f"{table}_p{self.lower}"


def partitioned() -> bool:
    """Whether the audit log is partitioned here (PostgreSQL, after migration audit 0008)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'audit_auditentry'::regclass")
        return cursor.fetchone() is not None


def partitions() -> list[Partition]:
    """The entries' partitions, lowest ids first (empty when the log is not partitioned)."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'audit_auditentry'::regclass"
        )
        found = []
        for (bound,) in cursor.fetchall():  # FOR VALUES FROM ('1') TO ('10000001')
            lower, upper = (int(n) for n in re.findall(r"\('?(-?\d+)'?\)", bound))
            found.append(Partition(lower, upper))
    return sorted(found, key=lambda p: p.lower)


def next_id() -> int:
    """The id the next entry gets, at most (the sequence may skip some)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM audit_auditentry_id_seq")
        last_value, is_called = cursor.fetchone()
    return int(last_value) + 1 if is_called else int(last_value)


def room() -> int:
    """How many more entries fit before the ids run out of partitions (-1 when not partitioned)."""
    existing = partitions()
    return existing[-1].upper - next_id() if existing else -1


def ensure() -> list[str]:
    """Create partitions of `AUDIT_PARTITION_SIZE` ids until `AUDIT_PARTITIONS_AHEAD` whole partitions lie
    beyond the next id; returns the tables created (none when there is room enough or no partitioning)."""
    if not partitioned():
        return []
    size = settings.AUDIT_PARTITION_SIZE
    existing = partitions()
    start = existing[-1].upper if existing else next_id() // size * size
    target = (next_id() // size + 1 + settings.AUDIT_PARTITIONS_AHEAD) * size
    created: list[str] = []
    with connection.cursor() as cursor:
        while start < target:
            part = Partition(start, start + size)
            for table in (ENTRIES, SUBJECTS):
                cursor.execute(
                    f"CREATE TABLE {part.name(table)} PARTITION OF {table} FOR VALUES FROM (%s) TO (%s)",
                    [part.lower, part.upper],
                )
                created.append(part.name(table))
            start = part.upper
    return created


def drop_through(through_id: int) -> int:
    """Inside the pruning transaction: drop every partition whose ids all lie at or below ``through_id``
    (the last entry retention removes), with its subjects; returns the number of entries dropped. The rest
    up to ``through_id`` is for the caller to delete row by row."""
    dropped = 0
    with connection.cursor() as cursor:
        for part in partitions():
            if part.upper - 1 > through_id:
                break
            if not dropped:  # a deferred foreign-key check still pending on a row would block the DROP
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"SELECT count(*) FROM {part.name(ENTRIES)}")  # noqa: S608 - our own names
            dropped += int(cursor.fetchone()[0])
            cursor.execute(f"DROP TABLE {part.name(SUBJECTS)}, {part.name(ENTRIES)}")
    return dropped
