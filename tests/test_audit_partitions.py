"""Issue 10, point 4: the audit log in partitions on PostgreSQL (audit/partitions.py, ADR 0013). On SQLite the
same calls are no-ops and retention deletes row by row; each test says what holds on either database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from tests.test_audit_chain import drop_guards, restore_guards
from toegang.audit import chain, partitions, retention
from toegang.audit import services as audit
from toegang.audit.models import AuditAnchor, AuditEntry, AuditSubject

POSTGRES = connection.vendor == "postgresql"


def read(world, household: int):
    return audit.record(
        actor=world.professional,
        action=audit.Action.READ,
        object_type="household",
        object_id=household,
        subjects=[household, household + 100],
    )


def partition_of(entry: AuditEntry) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM audit_auditentry WHERE id = %s", [entry.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_partitions_lie_ahead_of_the_ids_and_an_entry_lands_in_its_own(world, settings):
    entry = read(world, 1)
    assert partitions.partitioned() is POSTGRES
    if not POSTGRES:
        assert partitions.partitions() == [] and partitions.ensure() == [] and partitions.room() == -1
        return
    size = settings.AUDIT_PARTITION_SIZE
    found = partitions.partitions()
    assert [(p.upper - p.lower) for p in found] == [size] * len(found)
    assert all(a.upper == b.lower for a, b in zip(found, found[1:], strict=False))  # no gaps
    assert partitions.room() >= settings.AUDIT_PARTITIONS_AHEAD * size
    assert partition_of(entry) == f"audit_auditentry_p{entry.pk // size * size}"
    assert partitions.ensure() == []  # nothing to do while there is room


@pytest.mark.django_db
def test_the_partitions_refuse_update_and_delete_like_the_log(world):
    entry = read(world, 2)
    table = partition_of(entry) if POSTGRES else "audit_auditentry"
    for statement in (f"UPDATE {table} SET detail = 'anders' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).detail == entry.detail


@pytest.fixture
def sequence_restored():
    """Sequences do not roll back with the test: put the entries' sequence back where it was afterwards."""
    if not POSTGRES:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM audit_auditentry_id_seq")
        last_value, is_called = cursor.fetchone()
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('audit_auditentry_id_seq', %s, %s)", [last_value, is_called])


def jump_to(lower: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('audit_auditentry_id_seq', %s, false)", [lower])


@pytest.mark.django_db
def test_ensure_makes_partitions_when_the_ids_come_close(world, settings, sequence_restored, capsys):
    """The ids reach the last partition: ensure() adds partitions until enough lie ahead again, the next
    entry goes in, and `audit partities` reports the room. On SQLite the command says there is nothing."""
    if not POSTGRES:
        call_command("audit", "partities")
        assert "niet gepartitioneerd" in capsys.readouterr().out
        return
    size = settings.AUDIT_PARTITION_SIZE
    last = partitions.partitions()[-1]
    jump_to(last.lower + 5)
    assert partitions.room() < size
    created = partitions.ensure()
    assert len(created) == 2 * settings.AUDIT_PARTITIONS_AHEAD
    assert {f"audit_auditentry_p{last.upper}", f"audit_auditsubject_p{last.upper}"} <= set(created)
    assert partitions.room() >= settings.AUDIT_PARTITIONS_AHEAD * size
    entry = read(world, 3)
    assert partition_of(entry) == f"audit_auditentry_p{last.lower}"
    with connection.cursor() as cursor:  # the new partitions: the tables' owner, nobody else's rights
        cursor.execute(
            "SELECT count(*) FROM pg_class c WHERE c.relname = ANY(%s) AND c.relacl IS NULL "
            "AND c.relowner = (SELECT relowner FROM pg_class WHERE relname = 'audit_auditentry')",
            [created],
        )
        assert cursor.fetchone()[0] == len(created)
        cursor.execute(f"DROP TABLE {created[-1]}")  # a subjects' partition lost: the next run puts it back
    assert partitions.ensure() == [created[-1]]
    call_command("audit", "partities")
    assert "ruimte voor nog" in capsys.readouterr().out
    assert chain.verify().broken_at is None


@pytest.mark.django_db
def test_retention_drops_whole_partitions_and_deletes_the_rest(world, settings, sequence_restored):
    """Entries past their retention that fill a partition go with a DROP of it (and of its subjects);
    the older entries of the next partition row by row; the anchor and `audit verify` hold."""
    first = [read(world, i) for i in (1, 2, 3)]
    if POSTGRES:
        jump_to(partitions.partitions()[0].upper)  # the next entries in the next partition
    later = [read(world, i) for i in (4, 5)]
    drop_guards()
    old = timezone.now() - dt.timedelta(days=6 * 366)
    AuditEntry.objects.filter(pk__lte=later[0].pk).update(at=old)  # the calendar played: all but the last
    restore_guards()
    if POSTGRES:
        full = partition_of(first[0])
        before = AuditEntry.objects.filter(pk__lte=later[0].pk).count()
        assert retention.prune() == before
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s), to_regclass(%s)", [full, full.replace("entry", "subject")])
            assert cursor.fetchone() == (None, None)  # dropped, not emptied
    else:
        assert partitions.drop_through(later[0].pk) == 0
        assert retention.prune() >= 4
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [later[1].pk]
    assert not AuditSubject.objects.filter(entry_id__lte=later[0].pk).exists()
    assert AuditAnchor.objects.get().through_id == later[0].pk
    assert chain.verify().broken_at is None


@pytest.mark.django_db
def test_the_daily_retention_run_keeps_partitions_ahead(world, settings, sequence_restored, capsys):
    """`retention run --execute` runs as the tables' owner (docs/operations.md §5), so it makes the partitions
    the ids will need; on SQLite it says nothing about partitions."""
    if POSTGRES:
        jump_to(partitions.partitions()[-1].lower + 1)
    call_command("retention", "run", "--execute")
    out = capsys.readouterr().out
    assert ("ruimte voor nog" in out) is POSTGRES
    if POSTGRES:
        assert partitions.room() >= settings.AUDIT_PARTITIONS_AHEAD * settings.AUDIT_PARTITION_SIZE


@pytest.mark.django_db
def test_a_long_reader_of_the_log_makes_retention_delete_row_by_row(world, sequence_restored):
    """A backup or search holding the log open blocks no audit write: dropping a partition waits at most
    the lock timeout, then retention deletes the same entries one by one."""
    import psycopg

    first = [read(world, i) for i in (1, 2)]
    if POSTGRES:
        jump_to(partitions.partitions()[0].upper)
    later = read(world, 3)
    years_on = timezone.now() + dt.timedelta(days=6 * 366)  # every entry is past its retention by then
    if not POSTGRES:
        assert retention.prune(now=years_on) >= 3
        assert not AuditEntry.objects.exists()
        return
    before = AuditEntry.objects.count()
    holding = next(p for p in partitions.partitions() if p.lower <= first[0].pk < p.upper)
    assert holding.upper - 1 <= later.pk  # without the reader it would be dropped whole
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
        options="-c lock_timeout=5s",
    ) as reader:
        reader.execute("SELECT count(*) FROM audit_auditentry")  # holds its lock until the reader ends
        assert retention.prune(now=years_on) == before
    assert holding in partitions.partitions()  # not dropped: emptied row by row
    assert not AuditEntry.objects.exists()
    assert AuditAnchor.objects.get().through_id == later.pk
    assert chain.verify().broken_at is None


SEED_LOG = """
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
executor = MigrationExecutor(connection)  # everything at its newest, the audit log as before 0008
leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "audit"]
executor.migrate([*leaves, ("audit", "0007_subject_without_fk_check")])
from toegang.accounts.models import Organisation, User
from toegang.audit import services as audit
org = Organisation.objects.create(name="Gemeente Proef")
user = User.objects.create(username="proef", role="privacy", organisation=org)
for i in range(1, 6):
    audit.record(actor=user, action="read", object_type="household", object_id=i, subjects=[i, i + 100])
if connection.vendor == "postgresql":  # ids given out by a transaction that rolled back: the next id goes on after them
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('audit_auditentry_id_seq', 41)")
"""

NEXT_ENTRY = """
from toegang.accounts.models import User
from toegang.audit import services as audit
print(audit.record(actor=User.objects.get(username="proef"), action="read", object_type="household", object_id=9).pk)
"""


def test_migration_0008_carries_an_existing_log_over(tmp_path):
    """A log written before audit 0008: after it, every entry and subject is there, the chain verifies, the
    next entry gets the next id and lands in a partition, and the names and triggers are Django's again
    (on SQLite the tables stay as they were)."""
    import subprocess

    import psycopg

    from tests.processes import MANAGE, ROOT, empty_database

    def manage(env, *args: str) -> str:
        done = subprocess.run([*MANAGE, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    with empty_database(tmp_path, "auditmig") as env:
        manage(env, "shell", "-c", SEED_LOG)
        manage(env, "migrate", "-v", "0")
        assert "keten in orde, 5 logregels" in manage(env, "audit", "verify")
        next_id = int(manage(env, "shell", "-c", NEXT_ENTRY).split()[-1])
        assert "keten in orde, 6 logregels" in manage(env, "audit", "verify")
        if not env["DATABASE_URL"].startswith("postgres"):
            assert next_id == 6
            return
        assert next_id == 42
        with psycopg.connect(env["DATABASE_URL"]) as db:
            kinds = db.execute(
                "SELECT relname, relkind FROM pg_class WHERE relname IN ('audit_auditentry', 'audit_auditsubject')"
            ).fetchall()
            assert sorted(kinds) == [("audit_auditentry", "p"), ("audit_auditsubject", "p")]
            assert db.execute("SELECT count(*) FROM audit_auditsubject").fetchone() == (10,)
            assert db.execute("SELECT tableoid::regclass::text FROM audit_auditentry WHERE id = 42").fetchone() == (
                "audit_auditentry_p0",
            )
            names = {
                row[0]
                for row in db.execute(
                    "SELECT conname FROM pg_constraint WHERE conrelid IN "
                    "('audit_auditentry'::regclass, 'audit_auditsubject'::regclass)"
                )
            }
            assert {"audit_auditentry_pkey", "audit_auditsubject_pkey", "auditsubject_unique"} <= names
            triggers = db.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'audit_audit%%_append_only' AND NOT tgisinternal "
                "AND tgrelid = 'audit_auditentry_p0'::regclass"
            ).fetchone()
            assert triggers == (1,)
            assert db.execute("SELECT pg_get_serial_sequence('audit_auditentry', 'id')").fetchone() == (
                "public.audit_auditentry_id_seq",
            )
