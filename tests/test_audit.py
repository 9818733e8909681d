import pytest
from django.db import DatabaseError, connection, transaction

from toegang.audit import services as audit
from toegang.audit.models import AuditEntry, AuditSubject


def test_audit_log_is_append_only_in_the_database(world):
    entry = audit.record(
        actor=world.professional, action=audit.Action.READ, object_type="household", object_id=1, subjects=[1, 2]
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(detail="gewist")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSubject.objects.filter(entry=entry).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""
    assert AuditSubject.objects.filter(entry=entry).count() == 2


def test_write_and_its_audit_row_roll_back_together(world):
    from toegang.people import services as people_services

    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        people_services.register_person(actor=world.professional, bsn=None, voornamen="A", geslachtsnaam="B")
        raise RuntimeError("crash after the write")
    assert AuditEntry.objects.count() == before
