"""The audit log in partitions on PostgreSQL (ADR 0013): `audit_auditentry` is partitioned by ranges of its
`id`, `audit_auditsubject` by the same ranges of `entry_id`, so an entry and its subjects always sit in
partitions with the same bounds, named ``<table>_p<lower bound>``.

Why ranges of `id` and not months of `at`: every write reads the chain head (`ORDER BY id DESC LIMIT 1`).
With `id` as the partition key PostgreSQL reads only the newest partitions; with `at` it must open all of
them (docs/performance.md has the figures). There is no default partition, for the same reason: it would
turn the head lookup into a merge over every partition.

So partitions must exist before the ids reach them. Migration audit 0008 makes the first ones; after that
`ensure()` keeps `AUDIT_PARTITIONS_AHEAD` empty partitions ahead of the sequence. Adding a partition needs
the owner of the tables, not the application's role (docs/operations.md §5), so it runs where the owner's
rights are: at the start of the daily ``manage.py retention run --execute`` and in ``manage.py audit
partities``. Retention drops a partition whose entries are all past their retention instead of deleting
them row by row (audit/retention.py). The append-only triggers sit on the partitioned tables; PostgreSQL
puts them on every partition, also on those added later.

Both kinds of DDL wait at most `LOCK_TIMEOUT` for their locks. Dropping a partition needs the log to
itself, so a long reader (a backup, the privacy officer's search) would otherwise hold up every audit write
behind the pruning; pruning then deletes those entries row by row and the next run tries again. Attaching
a partition does not block the log's readers and writers, but copying the foreign key onto it locks
`accounts_user` against writes (a login's last_login) for as long as it takes, milliseconds. On SQLite
(the embedded default) nothing here applies and every function is a no-op."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper

ENTRIES, SUBJECTS = "audit_auditentry", "audit_auditsubject"
LOCK_TIMEOUT = "2s"
DDL_LOCK_KEY = 7_513_002  # the advisory lock that keeps ensure() runs and partition drops apart

logger = logging.getLogger(__name__)


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


def _bounds(table: str) -> list[Partition]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        found = []
        for (bound,) in cursor.fetchall():  # FOR VALUES FROM ('1') TO ('10000001')
            lower, upper = (int(n) for n in re.findall(r"\('?(-?\d+)'?\)", bound))
            found.append(Partition(lower, upper))
    return sorted(found, key=lambda p: p.lower)


def partitions() -> list[Partition]:
    """The entries' partitions, lowest ids first (empty when the log is not partitioned)."""
    return _bounds(ENTRIES) if partitioned() else []


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


def _lock_not_available(error: DatabaseError) -> bool:
    """A lock wait that ran out (55P03) or a deadlock PostgreSQL broke (40P01): worth trying another day."""
    return getattr(error.__cause__, "sqlstate", None) in {"55P03", "40P01"}


def _wait_at_most(cursor: CursorWrapper, timeout: str) -> str:
    """Set this transaction's lock_timeout; returns the one before."""
    cursor.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)", [timeout])
    return str(cursor.fetchone()[0])


def ensure() -> list[str]:
    """Add partitions of `AUDIT_PARTITION_SIZE` ids until at least `AUDIT_PARTITIONS_AHEAD` (at least one)
    whole partitions lie beyond the next id, and give each entries' partition its subjects' twin when one
    is missing; returns the tables added. All or nothing, one run at a time (also against pruning). Each
    partition is made as a table of its own and then attached, which does not block the log's readers and
    writers. Raises DatabaseError when a lock does not come within `LOCK_TIMEOUT` or the role may not."""
    if not partitioned():
        return []
    size = settings.AUDIT_PARTITION_SIZE
    ahead = max(1, settings.AUDIT_PARTITIONS_AHEAD)
    created: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DDL_LOCK_KEY])
        before = _wait_at_most(cursor, LOCK_TIMEOUT)
        entries = _bounds(ENTRIES)
        start = entries[-1].upper if entries else next_id() // size * size
        target = (next_id() // size + 1 + ahead) * size
        wanted = entries + [Partition(lower, lower + size) for lower in range(start, target, size)]
        cursor.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass", [ENTRIES])
        owner = cursor.fetchone()[0]
        for table in (ENTRIES, SUBJECTS):
            have = set(_bounds(table))
            for part in (p for p in wanted if p not in have):
                name = part.name(table)
                cursor.execute(
                    f"CREATE TABLE {name} (LIKE {table} INCLUDING CONSTRAINTS INCLUDING DEFAULTS); "
                    f'ALTER TABLE {name} OWNER TO "{owner}"'
                )
                _revoke_granted(cursor, name)
                # bounds written in: DDL takes no bound parameters (ADR 0014); both are ints
                cursor.execute(
                    f"ALTER TABLE {table} ATTACH PARTITION {name} "
                    f"FOR VALUES FROM ({int(part.lower)}) TO ({int(part.upper)})"
                )
                created.append(name)
        _wait_at_most(cursor, before)
    return created


def _revoke_granted(cursor: CursorWrapper, table: str) -> None:
    """A new partition gets no rights for anyone but its owner, also not through default privileges: the
    application reaches the log only through the two partitioned tables (docs/operations.md §4)."""
    cursor.execute(
        "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END "
        "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
        [table],
    )
    for (grantee,) in cursor.fetchall():
        cursor.execute(f"REVOKE ALL ON {table} FROM {grantee}")


def drop_through(through_id: int) -> int:
    """Inside the pruning transaction: drop every entries' partition whose ids all lie at or below
    ``through_id`` (the last entry retention removes) together with its subjects' twin of the same bounds;
    returns the number of entries dropped. What is left up to ``through_id`` is for the caller to delete
    row by row, and so is everything when the lock does not come within `LOCK_TIMEOUT` (then 0)."""
    if not partitioned():
        return 0
    twins = set(_bounds(SUBJECTS))
    due = [p for p in _bounds(ENTRIES) if p.upper - 1 <= through_id and p in twins]
    if not due:
        return 0
    dropped = 0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DDL_LOCK_KEY])
            before = _wait_at_most(cursor, LOCK_TIMEOUT)
            for part in due:  # counted before the first DROP locks the log
                cursor.execute(f"SELECT count(*) FROM {part.name(ENTRIES)}")  # noqa: S608 - our own names
                dropped += int(cursor.fetchone()[0])
            cursor.execute(
                "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' AND condeferrable AND condeferred",
                [ENTRIES],
            )
            deferred = cursor.fetchone()[0]
            if deferred:  # a check still pending on one of these rows would block the DROP
                cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
            for part in due:
                cursor.execute(f"DROP TABLE {part.name(SUBJECTS)}, {part.name(ENTRIES)}")
            if deferred:
                cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")
            _wait_at_most(cursor, before)
    except DatabaseError as error:
        if not _lock_not_available(error):
            raise
        logger.warning("auditlog: partities niet verwijderd (%s); de regels gaan een voor een", error)
        return 0
    return dropped
