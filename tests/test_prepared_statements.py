"""Prepared statements on PostgreSQL (ADR 0014): a statement that runs often on a connection is
prepared and its plan reused; a pattern (LIKE) is planned for its value every time. SQLite keeps
Django's own cursor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import household_persons, make_trajectory
from toegang.cases.search import search_persons
from toegang.common.pgcursor import needs_value_plan, value_plans
from toegang.common.replica import on_replica

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
        # the rows of the ids found are read without the pattern (cases.selectors.first_visible), and prepared
        assert prepared_containing('"people_membership"."id" = ANY(') == 1


@pytest.mark.django_db
def test_reports_over_a_chosen_period_are_planned_for_their_values():
    @on_replica  # the steering pages: a period the user chooses
    def report() -> list[object]:
        return run_often("SELECT CAST(%s AS INTEGER) + 7513018", [1])

    assert report() == [7513019] * 6
    with value_plans():  # the audit log's date filter (@value_plans())
        assert run_often("SELECT CAST(%s AS INTEGER) + 7513020", [1]) == [7513021] * 6
    if POSTGRES:
        assert prepared_containing("7513018") == prepared_containing("7513020") == 0
        run_often("SELECT CAST(%s AS INTEGER) + 7513018", [1])  # outside: prepared as usual
        assert prepared_containing("7513018") == 1


@pytest.mark.parametrize("switch", ["1", "0"])
def test_the_switch_turns_server_side_binding_and_preparing_on_and_off(switch):
    project = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": str(project / "src"),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/toegang",
        "TOEGANG_PG_PREPARE": switch,
        "TOEGANG_SECRET_KEY": "test-only",
    }
    code = "import json;from toegang.conf import settings as s; print(json.dumps([*s.DATABASES['default']['OPTIONS']]))"
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    options = set(json.loads(shown.stdout))
    assert (options >= {"cursor_factory", "prepare_threshold", "server_side_binding"}) is (switch == "1")
    assert options.isdisjoint({"cursor_factory", "prepare_threshold", "server_side_binding"}) is (switch == "0")
