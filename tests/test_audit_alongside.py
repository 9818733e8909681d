"""The audit row of a read written beside the page (audit/alongside.py, ADR 0015): on PostgreSQL by a writer
thread on a connection of its own, the response held until the row is committed, and an error page
instead of the data when the write fails. On PostgreSQL these tests commit their data (transaction=True):
the writer's connection cannot see a test's open transaction. On SQLite, where the row is always written
inline, they run in the usual rolled-back transaction (a flush would stop at the append-only audit
tables) and check the inline path."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from tests.api_support import ApiClient, token_for
from tests.conftest import make_trajectory
from toegang.audit import alongside, chain, services
from toegang.audit.models import AuditEntry

ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
committed = pytest.mark.django_db(transaction=ON_POSTGRESQL, serialized_rollback=ON_POSTGRESQL)


def _entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.order_by("pk").prefetch_related("subjects"))


def _writer_pid() -> int:
    def pid() -> int:
        connection.ensure_connection()
        return connection.connection.info.backend_pid

    return alongside._writer().submit(pid).result()


@pytest.fixture(autouse=True)
def _writer_closed():
    """The writer's connection is closed after each test, as the test database is dropped at the end."""
    yield
    alongside.close()


@committed
def test_a_read_is_logged_by_the_writer_before_the_page_leaves(client, world, settings):
    settings.AUDIT_ALONGSIDE = True
    household = make_trajectory(world).household
    persons = sorted(household.memberships.values_list("person_id", flat=True))
    client.force_login(world.professional)
    before = AuditEntry.objects.count()

    response = client.get(reverse("household", args=[household.pk]))

    assert response.status_code == 200
    rows = _entries()[before:]
    # committed when the client got the page: the middleware waited for it
    assert len(rows) == 1, [(r.action, r.object_type) for r in rows]
    assert (rows[0].action, rows[0].object_id) == (AuditEntry.Action.READ, str(household.pk))
    assert sorted(s.person_id for s in rows[0].subjects.all()) == persons
    assert chain.verify().broken_at is None
    if connection.vendor == "postgresql":  # on a connection of its own, not the request's
        assert _writer_pid() != connection.connection.info.backend_pid
    else:  # SQLite has one writer at a time: the row is written inline, no writer thread exists
        assert alongside.begin() is None


@committed
def test_a_failed_write_withholds_the_page_and_the_next_request_reconnects(client, world, settings):
    settings.AUDIT_ALONGSIDE = True
    household = make_trajectory(world).household
    name = household.memberships.select_related("person").first().person.geslachtsnaam
    client.force_login(world.professional)
    assert client.get(reverse("household", args=[household.pk])).status_code == 200
    before = AuditEntry.objects.count()
    if connection.vendor != "postgresql":
        return  # inline on SQLite: a failing write fails the view itself (tests/test_faults.py)

    with connection.cursor() as cursor:  # the database drops the writer's connection (a restart, a failover)
        cursor.execute("SELECT pg_terminate_backend(%s)", [_writer_pid()])
    refused = client.get(reverse("household", args=[household.pk]))

    assert refused.status_code == 503
    assert name not in refused.content.decode()  # the data did not leave without its log row
    assert AuditEntry.objects.count() == before

    again = client.get(reverse("household", args=[household.pk]))
    assert again.status_code == 200 and name in again.content.decode()
    assert AuditEntry.objects.count() == before + 1
    assert chain.verify().broken_at is None


@committed
def test_the_api_answers_a_failed_write_with_a_problem(world, settings):
    settings.AUDIT_ALONGSIDE = True
    make_trajectory(world)
    api = ApiClient(token_for(world, world.professional))
    assert api.get("/api/v1/trajectories/").status_code == 200
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [_writer_pid()])

    refused = api.get("/api/v1/trajectories/")

    assert refused.status_code == 503
    assert refused["Content-Type"] == "application/problem+json"
    body = json.loads(refused.content)
    assert body["status"] == 503 and "logboek" in body["detail"] and "results" not in body


@committed
def test_outside_a_request_and_inside_a_transaction_the_row_is_written_inline(world, settings):
    settings.AUDIT_ALONGSIDE = True
    entry = services.record(actor=world.professional, action=AuditEntry.Action.SEARCH, subjects=[])
    assert entry.pk is not None and AuditEntry.objects.filter(pk=entry.pk).exists()  # no request: no writer

    token = alongside.begin()
    try:
        from django.db import transaction

        with transaction.atomic():  # a write service: the row commits or rolls back with the change
            inside = services.record(actor=world.professional, action=AuditEntry.Action.UPDATE, subjects=[])
            assert inside.pk is not None
    finally:
        assert alongside.finish(token) is None
