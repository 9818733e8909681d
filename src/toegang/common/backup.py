"""Backup and restore of everything Toegang holds: the database and the stored documents, with a manifest
that a restore checks itself against (docs/operations.md, "Backup and restore").

- PostgreSQL: ``pg_dump`` in its custom format, restored with ``pg_restore`` into an empty database.
- SQLite (the embedded default): SQLite's online backup API, consistent while the application runs.
- Documents: the files under DOCUMENT_ROOT, each with its SHA-256.
- The manifest: per table the number of rows, the audit log's chain head, the migrations applied and the
  files. After a restore the counts, the files and the audit chain (``audit verify``) must all agree.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from toegang.audit import chain

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
DOCUMENTS = "documents"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Dutch, names the cause)."""


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def kept_tables() -> list[str]:
    """The table of every model Toegang and its libraries keep (sessions excluded: they are not kept)."""
    tables = {
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.db_table != "django_session"
    }
    return sorted(tables)


Query = Callable[[str], list[tuple[Any, ...]]]


def facts(query: Query) -> dict[str, Any]:
    """Rows per table, the audit chain's head and the migrations, read through ``query`` (so from the
    backup's own snapshot or copy, not from a database that has moved on since)."""
    quote = connection.ops.quote_name
    head = query("SELECT id, chain_hash FROM audit_auditentry ORDER BY id DESC LIMIT 1")
    return {
        "tables": {t: int(query(f"SELECT COUNT(*) FROM {quote(t)}")[0][0]) for t in kept_tables()},  # noqa: S608
        "audit_head": {"id": head[0][0], "chain_hash": head[0][1]} if head else {},
        "migrations": sorted(f"{app}.{name}" for app, name in query("SELECT app, name FROM django_migrations")),
    }


def _django_query(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def document_files(root: Path) -> dict[str, str]:
    """Every stored file under ``root`` (relative path → SHA-256)."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--host", str(s.get("HOST") or "127.0.0.1"), "--port", str(s.get("PORT") or 5432)]
    args += ["--username", str(s.get("USER") or "postgres")]
    env = {**os.environ, "PGDATABASE": str(s["NAME"])}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{what}: {command[0]} is niet geïnstalleerd (pakket postgresql-client).") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["onbekende fout"])[-1]
        raise BackupError(f"{what}: {command[0]} stopte met code {done.returncode}: {last}")


def _manifest(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "made_at": timezone.localtime().isoformat(timespec="seconds"),
        "engine": _engine(),
        **found,
        "documents": document_files(Path(settings.DOCUMENT_ROOT)),
    }


def backup(target: Path) -> dict[str, Any]:
    """Write a backup into the directory ``target``, which must not exist yet or be empty."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"--naar: de map {target} bestaat al en is niet leeg; kies een nieuwe map.")
    target.mkdir(parents=True, exist_ok=True)
    if _engine() == "postgresql":
        args, env = _pg_env()
        # the counts and pg_dump read one snapshot: rows written meanwhile are in neither
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            snapshot = _django_query("SELECT pg_export_snapshot()")[0][0]
            found = facts(_django_query)
            dump = ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
            _run([*dump, "--file", str(target / PG_DUMP)], env, "Backup")
    else:
        connection.ensure_connection()
        copy = sqlite3.connect(target / SQLITE_COPY)
        try:
            connection.connection.backup(copy)  # a consistent copy while the application runs
            found = facts(lambda sql: list(copy.execute(sql).fetchall()))
        finally:
            copy.close()
    documents = Path(settings.DOCUMENT_ROOT)
    if documents.exists():
        shutil.copytree(documents, target / DOCUMENTS)
    manifest = _manifest(found)
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


@dataclass
class Check:
    """What a restored installation was compared on, and what differed (empty: all the same)."""

    differences: list[str] = field(default_factory=list)
    audit_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.differences


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"--uit: {source} bevat geen {MANIFEST}; is dit een backup van Toegang?") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"--uit: {MANIFEST} is geen geldige JSON (regel {error.lineno}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"--uit: onbekend backupformaat {manifest.get('format')!r}.")
    return manifest


def restore(source: Path) -> Check:
    """Restore the backup in ``source`` into the configured database, which must be empty (no tables),
    and its documents into DOCUMENT_ROOT, which must be empty; then compare with the manifest."""
    manifest = read_manifest(source)
    if manifest["engine"] != _engine():
        raise BackupError(
            f"--uit: dit is een backup van {manifest['engine']}; de database hier is {_engine()}. "
            "Zet de backup terug in hetzelfde soort database."
        )
    if connection.introspection.table_names():
        raise BackupError(
            "Database: de database is niet leeg. Zet een backup alleen terug in een nieuwe, lege database."
        )
    documents = Path(settings.DOCUMENT_ROOT)
    if documents.exists() and any(documents.iterdir()):
        raise BackupError(f"Documenten: {documents} is niet leeg. Zet de documenten terug in een lege map.")
    if _engine() == "postgresql":
        args, env = _pg_env()
        connection.close()
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                env["PGDATABASE"],
                str(source / PG_DUMP),
            ],
            env,
            "Terugzetten",
        )
    else:
        name = str(connection.settings_dict["NAME"])
        connection.close()
        with sqlite3.connect(source / SQLITE_COPY) as backup_db, sqlite3.connect(name) as live:
            backup_db.backup(live)
    if (source / DOCUMENTS).exists():
        shutil.copytree(source / DOCUMENTS, documents, dirs_exist_ok=True)
    return compare(manifest)


def compare(manifest: dict[str, Any]) -> Check:
    check = Check()
    found = facts(_django_query)
    for table, count in manifest["tables"].items():
        if found["tables"].get(table) != count:
            check.differences.append(f"tabel {table}: {found['tables'].get(table)} rijen, in de backup {count}")
    files = document_files(Path(settings.DOCUMENT_ROOT))
    for name, digest in manifest["documents"].items():
        if files.get(name) != digest:
            check.differences.append(f"document {name}: ontbreekt of is anders dan in de backup")
    if found["audit_head"] != manifest["audit_head"]:
        check.differences.append("auditlogboek: de laatste logregel is niet die van de backup")
    verdict = chain.verify()
    check.audit_checked = verdict.checked
    if verdict.broken_at is not None:
        check.differences.append(f"auditlogboek: keten verbroken bij logregel {verdict.broken_at} ({verdict.reason})")
    return check
