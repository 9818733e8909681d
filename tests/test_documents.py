"""Documents: real type and size checked, kept outside the web root, served only to those who may see
the dossier, downloads logged, destroyed with the dossier."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.conftest import TODAY, make_trajectory, wmo_rule
from toegang.audit.models import AuditEntry
from toegang.cases import documents
from toegang.cases import services as case_services
from toegang.cases.models import Document, Trajectory
from toegang.privacy import retention

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
        closed_on=TODAY,
        reason="doelen_bereikt",
        retention_rule=wmo_rule(),
    )
    Trajectory.objects.filter(pk=trajectory.pk).update(archive_action_date=TODAY - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        retention.run(on=TODAY)
    assert not Document.objects.exists()
    assert not stored.exists()
