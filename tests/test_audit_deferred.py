"""A read's audit row committed while the page renders (common/pgbackend, audit/context.py, ADR 0017).

On PostgreSQL, during a GET or HEAD, the insert with its COMMIT is sent without waiting; the connection
reads the answer before it is used again, and the middleware before the response leaves. These tests
commit their data (transaction=True) there, because only a row outside a transaction is deferred. On
SQLite every row is written before ``record`` returns; each test says what it checks there."""

from __future__ import annotations

import psycopg
import pytest
from django.core.handlers.exception import convert_exception_to_response
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests.api_support import ApiClient, token_for
from tests.conftest import make_trajectory
from toegang.audit import chain, services
from toegang.audit import context as audit_context
from toegang.audit.models import AuditEntry

ON_POSTGRESQL = connection.vendor == "postgresql"
committed = pytest.mark.django_db(transaction=ON_POSTGRESQL, serialized_rollback=ON_POSTGRESQL)


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """The statements sent without waiting (a spy on the real connection; they still go to the database)."""
    queries: list[str] = []
    original = getattr(connection, "send_without_waiting", None)
    if original is not None:

        def spy(query: str) -> None:
            queries.append(query)
            original(query)

        monkeypatch.setattr(connection, "send_without_waiting", spy, raising=False)
    return queries


def _broken_insert(monkeypatch) -> None:
    """Make the next audit insert fail in the database: the same person twice breaks auditsubject_unique."""
    original = services._insert_params
    monkeypatch.setattr(services, "_insert_params", lambda entry, ids: original(entry, [*ids, *ids[:1]]))


@committed
def test_a_read_is_committed_before_the_page_leaves(client, world, sent):
    household = make_trajectory(world).household
    persons = sorted(household.memberships.values_list("person_id", flat=True))
    client.force_login(world.professional)
    before = AuditEntry.objects.count()

    response = client.get(reverse("household", args=[household.pk]))

    assert response.status_code == 200
    assert getattr(connection, "in_flight", False) is False  # settled before the page left
    rows = list(AuditEntry.objects.order_by("pk").prefetch_related("subjects"))[before:]
    assert [(r.action, r.object_id) for r in rows] == [(AuditEntry.Action.READ, str(household.pk))]
    assert sorted(s.person_id for s in rows[0].subjects.all()) == persons
    assert chain.verify().broken_at is None
    if ON_POSTGRESQL:  # sent without waiting
        assert len(sent) == 1 and sent[0].rstrip().endswith("COMMIT")
        assert client.head(reverse("household", args=[household.pk])).status_code == 200
        assert len(sent) == 2  # a HEAD too
    else:
        assert not hasattr(connection, "send_without_waiting") and sent == []


@committed
def test_the_connection_reads_the_answer_before_its_next_use(world, sent):
    household = make_trajectory(world).household
    deferring = audit_context.defer_commit.set(True)
    try:
        entry = services.record(
            actor=world.professional, action=services.Action.READ, obj=household, subjects=[household.pk]
        )
        if ON_POSTGRESQL:
            assert connection.in_flight and entry.pk is None and len(sent) == 1
        # a query, a transaction and a health check all work; each reads the answer first
        assert AuditEntry.objects.filter(object_id=str(household.pk), action="read").count() == 1
        assert getattr(connection, "in_flight", False) is False
        services.record(actor=world.professional, action=services.Action.READ, obj=household)
        with transaction.atomic():
            assert AuditEntry.objects.filter(object_id=str(household.pk), action="read").count() == 2
        services.record(actor=world.professional, action=services.Action.READ, obj=household)
        assert connection.is_usable()
    finally:
        audit_context.defer_commit.reset(deferring)
    assert AuditEntry.objects.filter(object_id=str(household.pk), action="read").count() == 3
    assert chain.verify().broken_at is None


@committed
def test_outside_a_request_record_commits_before_it_returns(world, sent):
    household = make_trajectory(world).household
    entry = services.record(actor=world.professional, action=services.Action.READ, obj=household)
    assert entry.pk is not None and sent == []
    assert getattr(connection, "in_flight", False) is False


@committed
def test_a_post_is_not_deferred(client, world, sent):
    household = make_trajectory(world).household
    client.force_login(world.professional)
    before = AuditEntry.objects.count()
    response = client.post(reverse("household", args=[household.pk]), {})  # shows the page, as a GET does
    assert response.status_code == 200
    assert sent == []  # a POST may have effects after its row: the row is committed before record returns
    assert AuditEntry.objects.count() == before + 1


@committed
def test_a_failed_commit_gives_503_without_the_data(client, world, sent, monkeypatch):
    trajectory = make_trajectory(world)
    household = trajectory.household
    name = household.memberships.select_related("person").first().person.geslachtsnaam
    client.force_login(world.professional)
    url = reverse("household", args=[household.pk])
    assert name in client.get(url).content.decode()
    before = AuditEntry.objects.count()
    _broken_insert(monkeypatch)

    if not ON_POSTGRESQL:  # the row is written inline: the failure is the view's own error, raised at once
        assert not hasattr(connection, "settle")
        return
    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert name not in response.content.decode()
    assert AuditEntry.objects.count() == before  # nothing half-written
    monkeypatch.undo()
    assert client.get(url).status_code == 200  # the connection was rolled back and goes on
    assert AuditEntry.objects.count() == before + 1
    assert chain.verify().broken_at is None


@committed
def test_a_failed_commit_of_an_api_read_is_a_503_problem(world, sent, monkeypatch):
    make_trajectory(world)
    api = ApiClient(token_for(world, world.professional))
    assert api.get("/api/v1/trajectories/").status_code == 200
    if not ON_POSTGRESQL:
        assert not hasattr(connection, "settle")
        return
    before = AuditEntry.objects.count()
    _broken_insert(monkeypatch)

    response = api.get("/api/v1/trajectories/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503 and "logboek" in body["detail"] and "results" not in body
    assert AuditEntry.objects.count() == before


@committed
def test_rows_one_after_another_and_a_cursor_kept_open_across_a_row(world, sent):
    household = make_trajectory(world).household
    deferring = audit_context.defer_commit.set(True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            for _ in range(3):  # each row waits for the one before it
                services.record(actor=world.professional, action=services.Action.READ, obj=household)
            cursor.execute("SELECT 2")  # a cursor opened before the rows reads the answer first
            assert cursor.fetchone() == (2,)
    finally:
        audit_context.defer_commit.reset(deferring)
    assert AuditEntry.objects.filter(object_id=str(household.pk), action="read").count() == 3
    assert len(sent) == (3 if ON_POSTGRESQL else 0)
    assert chain.verify().broken_at is None


def _through_the_middleware(view):
    """A request through the audit middleware, with Django's conversion of an error into its error page."""
    request = RequestFactory().get("/huishoudens/1/")
    return audit_context.AuditContextMiddleware(convert_exception_to_response(view))(request)


@committed
def test_a_failure_met_by_the_health_check_still_gives_503(world, monkeypatch):
    household = make_trajectory(world).household
    before = AuditEntry.objects.count()
    _broken_insert(monkeypatch)

    def view(request):
        services.record(actor=world.professional, action=services.Action.READ, obj=household, subjects=[1])
        connection.health_check_enabled, connection.health_check_done = True, False  # as at a request's start
        members = household.memberships.count()  # the health check meets the failure and reconnects
        return HttpResponse(f"{members} leden")

    response = _through_the_middleware(view)
    if not ON_POSTGRESQL:  # nothing is deferred and the patched insert is PostgreSQL's: the page goes out
        assert response.status_code == 200 and response.content == b"3 leden"
        return
    assert response.status_code == 503 and b"leden" not in response.content
    assert AuditEntry.objects.count() == before


@committed
def test_a_failure_met_by_the_views_own_query_gives_503(world, monkeypatch):
    household = make_trajectory(world).household
    _broken_insert(monkeypatch)

    def view(request):
        services.record(actor=world.professional, action=services.Action.READ, obj=household, subjects=[1])
        return HttpResponse(f"{household.memberships.count()} leden")

    response = _through_the_middleware(view)
    if not ON_POSTGRESQL:  # nothing is deferred and the patched insert is PostgreSQL's: the page goes out
        assert response.status_code == 200 and response.content == b"3 leden"
        return
    assert response.status_code == 503
    assert b"leden" not in response.content and response["Retry-After"] == "30"


@committed
def test_a_connection_lost_while_the_commit_is_in_flight_gives_503(client, world, monkeypatch):
    household = make_trajectory(world).household
    client.force_login(world.professional)
    url = reverse("household", args=[household.pk])
    if not ON_POSTGRESQL:
        assert not hasattr(connection, "send_without_waiting")
        return
    params = connection.get_connection_params()

    def other() -> psycopg.Connection:
        keys = ("dbname", "user", "host", "port")
        return psycopg.connect(**{k: params[k] for k in keys if params.get(k)}, autocommit=True)

    original = connection.send_without_waiting
    before = AuditEntry.objects.count()

    def send_then_lose_the_connection(query: str) -> None:
        backend = connection.connection.info.backend_pid
        with other() as blocker:
            blocker.autocommit = False
            blocker.execute("LOCK TABLE audit_auditentry IN EXCLUSIVE MODE")  # the insert has to wait
            original(query)
            with other() as killer:
                killer.execute("SELECT pg_terminate_backend(%s)", [backend])
            blocker.rollback()

    monkeypatch.setattr(connection, "send_without_waiting", send_then_lose_the_connection, raising=False)
    client.raise_request_exception = False
    response = client.get(url)

    assert response.status_code == 503 and response["Retry-After"] == "30"
    name = household.memberships.select_related("person").first().person.geslachtsnaam
    connection.close()
    assert name not in response.content.decode()
    assert AuditEntry.objects.count() == before
