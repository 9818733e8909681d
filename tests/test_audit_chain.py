"""The audit log is tamper-evident: `manage.py audit verify` finds a changed, deleted or reordered row."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from toegang.audit import chain
from toegang.audit import services as audit
from toegang.audit.models import AuditEntry


def drop_guards() -> None:
    """Remove the append-only triggers inside the test's transaction (rolled back afterwards), to play
    an attacker with database access."""
    with connection.cursor() as cursor:
        for table in ("audit_auditentry", "audit_auditsubject"):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER {table}_no_update")
                cursor.execute(f"DROP TRIGGER {table}_no_delete")


def restore_guards() -> None:
    """Put the append-only triggers back as the migrations made them (audit 0002 and 0005)."""
    with connection.cursor() as cursor:
        for table in ("audit_auditentry", "audit_auditsubject"):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
                )
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                    "WHEN NOT EXISTS (SELECT 1 FROM audit_auditprunegate) "
                    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
                )


@pytest.fixture
def entries(world):
    return [
        audit.record(
            actor=world.professional,
            action=audit.Action.READ,
            object_type="household",
            object_id=i,
            subjects=[i, i + 100],
        )
        for i in range(1, 6)
    ]


def run_verify(capsys) -> tuple[int, str]:
    try:
        call_command("audit", "verify")
    except SystemExit as exit_:
        return int(exit_.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().out


def test_intact_chain_verifies(entries, capsys):
    code, out = run_verify(capsys)
    assert code == 0 and "keten in orde" in out
    assert chain.verify().checked == AuditEntry.objects.count()


def test_changed_row_is_reported(entries, capsys):
    drop_guards()
    AuditEntry.objects.filter(pk=entries[2].pk).update(detail="niets aan de hand")
    code, err = run_verify(capsys)
    assert code == 1 and f"verbroken bij logregel {entries[2].pk}" in err


def test_changed_subject_is_reported(entries, capsys):
    drop_guards()
    entries[1].subjects.filter(person_id=2).update(person_id=999)
    assert chain.verify().broken_at == entries[1].pk


def test_deleted_row_is_reported(entries):
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditsubject WHERE entry_id = %s", [entries[1].pk])
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    assert chain.verify().broken_at == entries[2].pk


def test_reordered_rows_are_reported(entries):
    drop_guards()
    a, b = entries[1], entries[3]
    AuditEntry.objects.filter(pk=a.pk).update(object_id=b.object_id, chain_hash=b.chain_hash)
    assert chain.verify().broken_at == a.pk


def test_login_logout_and_failed_login_are_logged(client, world):
    client.post(reverse("login"), {"username": "professional", "password": "fout"})
    client.post(reverse("login"), {"username": "professional", "password": "test-wachtwoord-123"})
    client.post(reverse("logout"))
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_name"))
    assert actions == [("login_failed", "professional"), ("login", "professional"), ("logout", "professional")]
    assert chain.verify().broken_at is None


def test_retention_removes_the_oldest_entries_and_the_rest_still_verifies(entries, world):
    import datetime as dt

    from django.utils import timezone

    from toegang.audit import retention as audit_retention
    from toegang.audit.models import AuditAnchor, AuditSubject

    # make the first three entries six years old (as an attacker could not: this plays the calendar)
    drop_guards()
    old = timezone.now() - dt.timedelta(days=6 * 366)
    AuditEntry.objects.filter(pk__in=[e.pk for e in entries[:3]]).update(at=old)
    restore_guards()  # before pruning
    assert audit_retention.due_count() == 3
    assert audit_retention.prune() == 3
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in entries[:3]]).exists()
    assert not AuditSubject.objects.filter(entry_id__in=[e.pk for e in entries[:3]]).exists()
    assert AuditAnchor.objects.get().through_id == entries[2].pk
    assert chain.verify().broken_at is None and chain.verify().checked == 2
    audit.record(actor=world.professional, action=audit.Action.READ, object_type="household", object_id=9)
    assert chain.verify().broken_at is None and chain.verify().checked == 3
    # outside pruning, deletes stay refused
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[4].pk).delete()


def test_a_made_up_anchor_does_not_hide_deleted_rows(entries):
    from django.utils import timezone

    from toegang.audit.models import AuditAnchor, AuditPruneGate, AuditSubject

    # someone with write access opens the gate, deletes young rows and writes an anchor without the key
    gate = AuditPruneGate.objects.create(opened_at=timezone.now())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL toegang.audit_prune = 'on'")
    AuditSubject.objects.filter(entry_id__lte=entries[2].pk).delete()
    AuditEntry.objects.filter(id__lte=entries[2].pk).delete()
    gate.delete()
    anchor = AuditAnchor.objects.create(
        created_at=timezone.now(),
        through_id=entries[2].pk,
        chain_hash=entries[2].chain_hash,
        removed=3,
        last_at=entries[2].at,
        mac="0" * 64,
    )
    assert chain.verify().reason == "ankerpunt is niet door de toepassing gemaakt"
    # even with a correct MAC, an anchor over rows that were still within their retention is refused
    AuditAnchor.objects.filter(pk=anchor.pk).update(
        mac=chain.anchor_mac(
            through_id=anchor.through_id,
            chain_hash=anchor.chain_hash,
            last_at=anchor.last_at.isoformat(),
            created_at=anchor.created_at.isoformat(),
        )
    )
    assert chain.verify().reason == "ankerpunt verwijdert regels binnen hun bewaartermijn"


@pytest.mark.django_db
def test_after_retention_removed_every_entry_the_chain_goes_on_from_the_anchor(entries, world):
    """Nothing left but the anchor: the next entry links to the anchor's hash, where `audit verify` starts."""
    import datetime as dt

    from django.utils import timezone

    from toegang.audit import retention as audit_retention
    from toegang.audit.models import AuditAnchor

    assert audit_retention.prune(now=timezone.now() + dt.timedelta(days=6 * 366)) >= len(entries)
    assert not AuditEntry.objects.exists()
    anchor = AuditAnchor.objects.get()
    entry = audit.record(actor=world.professional, action=audit.Action.READ, object_type="household", object_id=1)
    assert entry.chain_hash == chain.link(anchor.chain_hash, entry, [])
    assert chain.verify().broken_at is None
