"""The audit row of a read written beside the page (audit/alongside.py, ADR 0015): on PostgreSQL by a writer
thread on a connection of its own, the response held until the row is committed, and an error page
instead of the data when the write fails. On PostgreSQL these tests commit their data (transaction=True):
the writer's connection cannot see a test's open transaction. On SQLite, where the row is always written
inline, they run in the usual rolled-back transaction (a flush would stop at the append-only audit
tables) and check the inline path."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client, RequestFactory
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
        assert alongside.begin(RequestFactory().get("/")) is None


@contextmanager
def chain_held():
    """Another session holds the chain's advisory lock, as a long append of another process would: the
    writer cannot append until it lets go."""
    params = connection.get_connection_params()
    with psycopg.connect(
        dbname=params["dbname"], user=params.get("user"), host=params.get("host"), port=params.get("port"),
        autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_advisory_lock(%s)", [chain.ADVISORY_LOCK_KEY])
        yield other


def _get_in_thread(client: Client, url: str) -> tuple[threading.Thread, dict]:
    answer: dict = {}

    def run() -> None:
        try:
            answer["response"] = client.get(url)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answer


@committed
def test_the_page_waits_for_its_row(client, world, settings):
    settings.AUDIT_ALONGSIDE = True
    household = make_trajectory(world).household
    client.force_login(world.professional)
    url = reverse("household", args=[household.pk])
    if not ON_POSTGRESQL:  # inline on SQLite: no writer to wait for
        assert alongside.begin(RequestFactory().get(url)) is None
        return
    before = AuditEntry.objects.count()
    with chain_held() as other:
        thread, answer = _get_in_thread(client, url)
        thread.join(1.0)
        assert thread.is_alive() and not answer  # the page is rendered, but its row cannot be appended yet
        other.execute("SELECT pg_advisory_unlock(%s)", [chain.ADVISORY_LOCK_KEY])
        thread.join(30)
    assert answer["response"].status_code == 200
    assert AuditEntry.objects.count() == before + 1
    assert chain.verify().broken_at is None


@committed
def test_a_row_that_is_not_written_in_time_withholds_the_page_and_the_api_answer(client, world, settings):
    settings.AUDIT_ALONGSIDE = True
    settings.AUDIT_WAIT_SECONDS = 0.5
    household = make_trajectory(world).household
    name = household.memberships.select_related("person").first().person.geslachtsnaam
    client.force_login(world.professional)
    api = ApiClient(token_for(world, world.professional))
    url = reverse("household", args=[household.pk])
    if not ON_POSTGRESQL:
        assert client.get(url).status_code == 200
        return
    with chain_held():
        stuck = alongside._writer()
        refused = client.get(url)
        refused_api = api.get("/api/v1/households/")
        assert alongside._executor is not stuck  # the next request gets a writer that is not stuck

    assert refused.status_code == 503
    assert name not in refused.content.decode()  # the data did not leave without its log row
    assert refused_api.status_code == 503 and refused_api["Content-Type"] == "application/problem+json"
    body = json.loads(refused_api.content)
    assert body["status"] == 503 and "logboek" in body["detail"] and "results" not in body
    stuck.submit(lambda: connection.close()).result(30)  # its rows are appended once the lock is free
    stuck.shutdown()
    again = client.get(url)
    assert again.status_code == 200 and name in again.content.decode()
    assert chain.verify().broken_at is None


@committed
def test_a_connection_the_database_dropped_is_replaced_and_the_read_still_logged(client, world, settings):
    settings.AUDIT_ALONGSIDE = True
    household = make_trajectory(world).household
    client.force_login(world.professional)
    assert client.get(reverse("household", args=[household.pk])).status_code == 200
    before = AuditEntry.objects.count()
    if ON_POSTGRESQL:  # a restart or a failover: the writer's idle connection is gone
        old = _writer_pid()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old])

    response = client.get(reverse("household", args=[household.pk]))

    assert response.status_code == 200
    assert AuditEntry.objects.count() == before + 1
    assert chain.verify().broken_at is None
    if ON_POSTGRESQL:
        assert _writer_pid() != old


@committed
def test_requests_that_may_change_something_and_session_rows_stay_inline(client, world, settings):
    settings.AUDIT_ALONGSIDE = True
    factory = RequestFactory()
    assert alongside.begin(factory.post("/notities/")) is None  # a failing row must stop it before it writes
    token = alongside.begin(factory.get("/"))
    try:
        client.force_login(world.professional)  # the login's row: written before the session starts
        assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor=world.professional).exists()
    finally:
        assert alongside.finish(token) is None


@committed
def test_outside_a_request_and_inside_a_transaction_the_row_is_written_inline(world, settings):
    settings.AUDIT_ALONGSIDE = True
    entry = services.record(actor=world.professional, action=AuditEntry.Action.SEARCH, subjects=[])
    assert entry.pk is not None and AuditEntry.objects.filter(pk=entry.pk).exists()  # no request: no writer

    token = alongside.begin(RequestFactory().get("/"))
    try:
        from django.db import transaction

        with transaction.atomic():  # a write service: the row commits or rolls back with the change
            inside = services.record(actor=world.professional, action=AuditEntry.Action.UPDATE, subjects=[])
            assert inside.pk is not None
    finally:
        assert alongside.finish(token) is None
