"""Documents with a trajectory: checked on size and real type (by their first bytes, not their name),
stored under a random name outside the web root, removed from disk only once the database agrees; a
file that never got its row (a rolled-back upload) is swept by the retention run after an hour."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.cases.models import Document, Trajectory
from toegang.common.errors import DomainError
from toegang.people.selectors import member_ids

# type: (magic bytes, allowed extensions)
KINDS = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}
# the name add_document gives a file on disk; nothing else in DOCUMENT_ROOT is ever swept
STORED_NAME = re.compile(r"[0-9a-f]{32}\.bin")
# a file younger than this may belong to an upload whose transaction has not committed yet
ORPHAN_AGE = dt.timedelta(hours=1)


def _root() -> Path:
    root = Path(settings.DOCUMENT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(document: Document) -> Path:
    return _root() / document.stored_name


def _kind(head: bytes, name: str) -> str:
    extension = os.path.splitext(name)[1].lower()
    for content_type, (magic, extensions) in KINDS.items():
        if head.startswith(magic) and extension in extensions:
            return content_type
    raise DomainError(_("Bestand: alleen PDF, PNG of JPEG, met de bijpassende extensie."), field="file")


@transaction.atomic
def add_document(*, actor: User, trajectory: Trajectory, upload: UploadedFile) -> Document:
    if trajectory.status != Trajectory.Status.OPEN:
        raise DomainError(_("Traject: dit traject is afgesloten en kan niet meer worden gewijzigd."))
    if upload.size is None or upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("Bestand: ten hoogste %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}, field="file"
        )
    if upload.size == 0:
        raise DomainError(_("Bestand: het bestand is leeg."), field="file")
    name = get_valid_filename(os.path.basename(upload.name or "document"))[:200] or "document"
    upload.seek(0)
    content_type = _kind(upload.read(16), name)
    stored_name = f"{uuid.uuid4().hex}.bin"
    target = _root() / stored_name
    digest = hashlib.sha256()
    upload.seek(0)
    with target.open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        document = Document.objects.create(
            trajectory=trajectory,
            name=name,
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            stored_name=stored_name,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=audit.Action.CREATE,
            obj=document,
            subjects=member_ids(household_id=trajectory.household_id),
            detail=name,
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return document


def remove_files_after_commit(stored_names: list[str]) -> None:
    """Delete files once the transaction that deleted their rows has committed (a rollback keeps them)."""

    def remove() -> None:
        for stored in stored_names:
            (_root() / stored).unlink(missing_ok=True)

    transaction.on_commit(remove)


def orphan_files(*, older_than: dt.timedelta = ORPHAN_AGE) -> list[Path]:
    """Files under a stored name that no Document row points to, last written more than ``older_than``
    ago: left behind when the transaction around add_document rolled back after the file was written
    (an outer transaction failing, or the process killed between write and commit)."""
    root = Path(settings.DOCUMENT_ROOT)
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    candidates: dict[str, Path] = {}
    with os.scandir(root) as entries:
        for entry in entries:
            if (
                STORED_NAME.fullmatch(entry.name)
                and entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_mtime < cutoff
            ):
                candidates[entry.name] = Path(entry.path)
    names = sorted(candidates)
    known: set[str] = set()
    for start in range(0, len(names), 500):  # stay under SQLite's limit on query parameters
        chunk = names[start : start + 500]
        known.update(Document.objects.filter(stored_name__in=chunk).values_list("stored_name", flat=True))
    return [candidates[name] for name in names if name not in known]


def remove_orphan_files(*, older_than: dt.timedelta = ORPHAN_AGE) -> int:
    """Remove the orphan files; returns how many were removed (one gone meanwhile is not counted)."""
    removed = 0
    for path in orphan_files(older_than=older_than):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed += 1
    return removed
