"""Documents: real type and size checked, kept outside the web root, served only to those who may see
the dossier, downloads logged, destroyed with the dossier."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.conftest import make_trajectory, wmo_rule
from toegang.audit.models import AuditEntry
from toegang.cases import documents
from toegang.cases import services as case_services
from toegang.cases.models import Document, Trajectory
from toegang.common.dates import today
from toegang.privacy import retention
from toegang.privacy.models import DeletionRecord

PDF = b"%PDF-1.4\n% synthetisch testdocument\n%%EOF\n"


def upload(client, trajectory, name, content):
    return client.post(
        reverse("document-upload", args=[trajectory.pk]), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_upload_and_download(client, world, settings):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    upload(client, trajectory, "plan getekend.pdf", PDF)
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.name == "plan_getekend.pdf"
    stored = documents.path_of(document)
    assert stored.read_bytes() == PDF and str(stored).startswith(str(settings.DOCUMENT_ROOT))
    assert "/static/" not in str(stored)
    response = client.get(reverse("document-download", args=[document.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="export", object_type="document", actor=world.professional).exists()
    client.force_login(world.outsider)
    assert client.get(reverse("document-download", args=[document.pk])).status_code == 404


def test_wrong_type_or_size_is_refused(client, world):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    body = upload(client, trajectory, "factuur.pdf", b"MZ\x90\x00 dit is een programma").content.decode()
    assert "Bestand: alleen PDF, PNG of JPEG" in body
    body = upload(client, trajectory, "foto.png", PDF).content.decode()  # a PDF that calls itself PNG
    assert "Bestand: alleen PDF, PNG of JPEG" in body
    with override_settings(UPLOAD_MAX_BYTES=10):
        body = upload(client, trajectory, "groot.pdf", PDF).content.decode()
    assert "Bestand: ten hoogste" in body
    assert not Document.objects.exists()


def test_destroyed_with_the_dossier(client, world, django_capture_on_commit_callbacks):
    trajectory = make_trajectory(world)
    client.force_login(world.professional)
    upload(client, trajectory, "brief.pdf", PDF)
    stored = documents.path_of(Document.objects.get())
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=wmo_rule(),
    )
    Trajectory.objects.filter(pk=trajectory.pk).update(archive_action_date=today() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        retention.run(on=today())
    assert not Document.objects.exists()
    assert not stored.exists()


def _age(path, hours):
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_orphan_files_are_swept_after_an_hour(world, settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path
    trajectory = make_trajectory(world)
    kept_document = documents.add_document(
        actor=world.professional, trajectory=trajectory, upload=SimpleUploadedFile("brief.pdf", PDF)
    )
    with_row = documents.path_of(kept_document)
    old_orphan, fresh_orphan = tmp_path / f"{uuid.uuid4().hex}.bin", tmp_path / f"{uuid.uuid4().hex}.bin"
    others = [tmp_path / n for n in ("LEESMIJ.txt", f"{uuid.uuid4().hex.upper()}.bin", f"{uuid.uuid4().hex}.bin.tmp")]
    for path in [old_orphan, fresh_orphan, *others]:
        path.write_bytes(PDF)
    for path in [old_orphan, with_row, *others]:
        _age(path, 2)
    _age(fresh_orphan, 0.5)

    out = io.StringIO()
    call_command("retention", "run", stdout=out)
    assert "Losse bestanden zonder document: 1." in out.getvalue()
    assert old_orphan.exists() and not DeletionRecord.objects.exists()

    call_command("retention", "run", "--execute", stdout=out)
    assert "Losse bestanden zonder document verwijderd: 1." in out.getvalue()
    assert not old_orphan.exists()
    assert fresh_orphan.exists() and with_row.exists() and all(path.exists() for path in others)
    record = DeletionRecord.objects.get()
    assert (record.category, record.rule, record.count) == ("los bestand", None, 1)
    assert AuditEntry.objects.filter(object_type="los bestand", detail="1").exists()

    assert retention.run(on=today()).files == 0  # nothing left: no second register entry
    assert DeletionRecord.objects.count() == 1


def test_an_upload_rolled_back_by_an_outer_transaction_leaves_a_file_the_sweep_removes(world, settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path
    trajectory = make_trajectory(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        documents.add_document(
            actor=world.professional, trajectory=trajectory, upload=SimpleUploadedFile("brief.pdf", PDF)
        )
        raise RuntimeError("iets verderop mislukt")
    assert not Document.objects.exists()
    (left,) = tmp_path.iterdir()
    assert documents.remove_orphan_files() == 0  # not yet: it may still be waiting for its commit
    _age(left, 2)
    assert documents.remove_orphan_files() == 1 and not left.exists()


def test_sweep_without_a_document_folder_does_nothing(db, settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "bestaat-niet"
    assert documents.orphan_files() == [] and retention.sweep_orphan_files() == 0
    assert not (tmp_path / "bestaat-niet").exists()
