"""Helpers for tests that run the application in separate processes on a database of their own
(the browser journey, concurrent writers): the suite's own test database lives inside a transaction
that other processes cannot see."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


@contextmanager
def empty_database(tmp_path: Path, label: str) -> Iterator[dict[str, str]]:
    """A new, empty database (no tables); yields the environment for processes that use it. PostgreSQL
    when the suite runs on PostgreSQL (dropped afterwards), else a SQLite file."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    name = None
    if url.startswith(("postgres://", "postgresql://")):
        name = f"toegang_{label}_{os.getpid()}"
        with psycopg.connect(_admin_url(url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = url.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path / (label + '.sqlite3')}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "toegang.conf.test", "TOEGANG_DEMO": "1"}
    env.pop("PYTEST_CURRENT_TEST", None)
    try:
        yield env
    finally:
        if name is not None:
            with psycopg.connect(_admin_url(os.environ["DATABASE_URL"]), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def separate_database(tmp_path: Path, label: str) -> Iterator[dict[str, str]]:
    """A migrated database with the XS demo data; yields the environment for processes that use it."""
    with empty_database(tmp_path, label) as env:
        subprocess.run([*MANAGE, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*MANAGE, "seed_demo", "--size", "XS", "--seed", "7", "-v", "0"], env=env, check=True, cwd=ROOT)
        yield env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(env: dict[str, str]) -> Iterator[str]:
    """``manage.py runserver`` on a free loopback port with this environment; yields its base URL once it
    answers, and stops it afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [*MANAGE, "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/gezondheid/", timeout=1)  # noqa: S310 - our own loopback server
                break
            except urllib.error.HTTPError:
                break  # it answers (a 503 from the health check is an answer)
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
