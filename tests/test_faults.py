"""Faults as users meet them (issue 11, point 3): the database goes away under a running server (on
PostgreSQL: connections refused and the open ones ended, as in a restart; on SQLite: the database file
gone) and comes back. The server answers with a clear temporary error, 503 with Retry-After, without a
traceback, and recovers by itself, the user's session included."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import requests

from tests.processes import _admin_url, running_server, separate_database
from tests.test_browser import PASSWORD


@pytest.fixture
def running(tmp_path) -> Iterator[tuple[str, dict[str, str]]]:
    with separate_database(tmp_path, "storing") as env, running_server(env) as base:
        yield base, env


@contextmanager
def database_away(env: dict[str, str]) -> Iterator[None]:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        moved = path.with_suffix(".weg")
        path.rename(moved)
        try:
            yield
        finally:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)  # what a connection made meanwhile at the empty place
            moved.rename(path)
        return
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_admin_url(os.environ["DATABASE_URL"]), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def test_the_database_going_away_gives_a_clear_temporary_error_and_recovery(running):
    base, env = running
    session = requests.Session()
    page = session.get(base + "/inloggen/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    login = session.post(
        base + "/inloggen/",
        {"csrfmiddlewaretoken": token, "username": "beheerder", "password": PASSWORD},
        headers={"Referer": base + "/inloggen/"},
        timeout=10,
    )
    assert login.status_code == 200 and "Uitloggen" in login.text
    assert session.get(base + "/gezondheid/", timeout=10).text == "ok"
    with database_away(env):
        for path in ("/", "/gezondheid/"):
            down = session.get(base + path, timeout=30)
            assert down.status_code == 503, (path, down.status_code, down.text[:300])
            assert down.headers.get("Retry-After") or path == "/gezondheid/"
            assert "Traceback" not in down.text
        assert "even niet bereikbaar" in session.get(base + "/", timeout=30).text
    back = session.get(base + "/", timeout=30)
    assert back.status_code == 200 and "Uitloggen" in back.text  # the same session, without logging in again
    assert session.get(base + "/gezondheid/", timeout=10).text == "ok"
