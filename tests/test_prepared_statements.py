"""Prepared statements on PostgreSQL (ADR 0014): a statement that runs often on a connection is
prepared and its plan reused; a pattern (LIKE) is planned for its value every time. SQLite keeps
Django's own cursor."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import household_persons, make_trajectory
from toegang.cases.search import search_persons
from toegang.common.pgcursor import needs_value_plan

POSTGRES = connection.vendor == "postgresql"


def prepared_containing(marker: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, %s) > 0", [marker])
        return cursor.fetchone()[0]


def run_often(sql: str, params: list[object], times: int = 6) -> list[object]:
    results = []
    with connection.cursor() as cursor:
        for _ in range(times):
            cursor.execute(sql, params)
            results.append(cursor.fetchone()[0])
    return results


def test_which_statements_keep_a_plan_for_their_values():
    assert needs_value_plan('SELECT 1 FROM p WHERE UPPER("p"."naam"::text) LIKE UPPER(%s)')
    assert needs_value_plan("select 1 from p where naam ilike %s")
    assert not needs_value_plan('SELECT "p"."likely", "p"."unlike" FROM "p" WHERE "p"."id" = %s')
    assert not needs_value_plan(b"SELECT 1")  # only text is looked at


@pytest.mark.django_db
def test_a_statement_run_often_is_prepared_and_gives_the_same_answers():
    assert run_often("SELECT CAST(%s AS INTEGER) + 7513014", [1]) == [7513015] * 6
    if not POSTGRES:
        assert "cursor_factory" not in connection.settings_dict["OPTIONS"]
        return
    assert prepared_containing("7513014") == 1
    with CaptureQueriesContext(connection) as captured:  # the query log still shows the values
        run_often("SELECT CAST(%s AS INTEGER) + 7513016", [41], times=1)
    assert captured.captured_queries[-1]["sql"] == "SELECT CAST(41 AS INTEGER) + 7513016"


@pytest.mark.django_db
def test_a_pattern_is_never_prepared(world):
    assert run_often("SELECT CAST(%s AS TEXT) LIKE 'Jan%%' AS x7513017", ["Jansen"]) == [True] * 6
    person = household_persons(make_trajectory(world).household)[0]
    for _ in range(6):  # the search page by the start of a surname
        found = search_persons(user=world.professional, naam=person.geslachtsnaam[:3])
    assert person.pk in [r.person_id for r in found]
    if POSTGRES:
        assert prepared_containing("x7513017") == 0
        assert prepared_containing("LIKE") == 0
