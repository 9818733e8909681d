"""Backup and restore (issue 11, point 4): `manage.py backup` and `restore` as an operator runs them, in
processes of their own against a database of their own (PostgreSQL when the suite runs on it: pg_dump and
pg_restore; else SQLite's online backup). The round trip reproduces every row (dumpdata of the source and
the restored database are the same), every stored file and the audit chain, which `audit verify` passes."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import MANAGE, ROOT, empty_database, separate_database

ADD_A_DOCUMENT = """
from django.core.files.uploadedfile import SimpleUploadedFile
from toegang.cases.documents import add_document
from toegang.cases.models import RegisseurAssignment
a = RegisseurAssignment.objects.filter(end_date__isnull=True).select_related("professional", "trajectory").first()
add_document(actor=a.professional, trajectory=a.trajectory,
             upload=SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 synthetisch verslag", "application/pdf"))
"""


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MANAGE, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=check)


def stored(root: Path) -> list[tuple[str, bytes]]:
    return sorted((str(p.relative_to(root)), p.read_bytes()) for p in root.rglob("*") if p.is_file())


def everything(env: dict[str, str]) -> list[dict]:
    """Every row of every table Toegang keeps (sessions aside), as Django serialises them."""
    out = manage(env, "dumpdata", "--exclude", "sessions", "--exclude", "contenttypes", "--indent", "0").stdout
    return sorted(json.loads(out), key=lambda row: (row["model"], str(row["pk"])))


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Iterator[tuple[dict[str, str], Path]]:
    """A seeded database with one stored document, and its backup."""
    root = tmp_path_factory.mktemp("backup")
    with separate_database(root, "bron") as env:
        env = {**env, "TOEGANG_DOCUMENT_ROOT": str(root / "documenten-bron")}
        manage(env, "shell", "-v", "0", "-c", ADD_A_DOCUMENT)
        made = manage(env, "backup", "--naar", str(root / "backup"))
        assert "1 documenten" in made.stdout
        yield env, root / "backup"


def test_a_backup_restores_every_row_file_and_audit_entry(source, tmp_path):
    env, backup_dir = source
    refused = manage(env, "backup", "--naar", str(backup_dir), check=False)
    assert refused.returncode == 1 and "bestaat al en is niet leeg" in refused.stderr
    with empty_database(tmp_path, "doel") as target:
        target = {**target, "TOEGANG_DOCUMENT_ROOT": str(tmp_path / "documenten-doel")}
        restored = manage(target, "restore", "--uit", str(backup_dir))
        assert "auditketen in orde" in restored.stdout
        assert "keten in orde" in manage(target, "audit", "verify").stdout
        assert everything(target) == everything(env)
        assert stored(tmp_path / "documenten-doel") == stored(Path(env["TOEGANG_DOCUMENT_ROOT"]))
        assert len(stored(tmp_path / "documenten-doel")) == 1
        # into a database that is not empty: refused, nothing changed
        again = manage(target, "restore", "--uit", str(backup_dir), check=False)
        assert again.returncode == 1 and "de database is niet leeg" in again.stderr


def test_a_damaged_backup_is_named_as_such(source, tmp_path):
    env, original = source
    backup_dir = tmp_path / "backup"
    shutil.copytree(original, backup_dir)
    name, _content = stored(backup_dir / "documents")[0]
    (backup_dir / "documents" / name).write_bytes(b"%PDF-1.4 iets anders")
    with empty_database(tmp_path, "doel2") as target:
        target = {**target, "TOEGANG_DOCUMENT_ROOT": str(tmp_path / "documenten-doel")}
        restored = manage(target, "restore", "--uit", str(backup_dir), check=False)
        assert restored.returncode == 1
        assert f"document {name}: ontbreekt of is anders" in restored.stderr
    missing = manage(
        {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'leeg.sqlite3'}"},
        "restore",
        "--uit",
        str(tmp_path),
        check=False,
    )
    assert missing.returncode == 1 and "bevat geen manifest.json" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_the_commands_name_a_wrong_engine(tmp_path: Path):
    backup_dir = tmp_path / "b"
    backup_dir.mkdir()
    (backup_dir / "manifest.json").write_text(json.dumps({"format": 1, "engine": "oracle"}), encoding="utf-8")
    with empty_database(tmp_path, "doel3") as target:
        restored = manage(target, "restore", "--uit", str(backup_dir), check=False)
    assert restored.returncode == 1 and "dit is een backup van oracle" in restored.stderr
