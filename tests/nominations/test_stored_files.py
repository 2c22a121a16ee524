"""Evidence and the dossier photo on a full disk (a message, the typed fields kept, nothing
half-stored) and when their stored file is gone (a 404 page that says so, logged)."""

import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from nominations.enums import EventKind
from nominations.models import Evidence

pytestmark = pytest.mark.django_db

FULL = "Máy chủ tạm thời hết chỗ lưu tệp"
GONE = "Tệp này vẫn có trong hồ sơ nhưng không còn trên máy chủ"
PDF = b"%PDF-1.4\n" + b"0" * 2000


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (10, 120, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def dossier(new_nomination, clock):
    return new_nomination(fill=False)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_evidence_on_a_full_disk_is_a_message_and_leaves_nothing(
    client, dossier, users, full_disk, stored_files
):
    events = dossier.events.count()
    client.force_login(users.nominator)
    upload = SimpleUploadedFile("bang-khen.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("nominations:evidence_upload", args=[dossier.pk]), {"file": upload}, follow=True
    )
    assert response.status_code == 200
    assert FULL in messages_of(response)
    assert not Evidence.objects.exists()
    assert dossier.events.count() == events
    assert stored_files() == []


def test_a_dossier_photo_on_a_full_disk_keeps_what_was_typed_and_changes_nothing(
    client, dossier, users, full_disk, stored_files
):
    version = dossier.version
    client.force_login(users.nominator)
    summary = "Cô đã dạy học ba mươi năm ở vùng cao, đổi mới phương pháp dạy học."
    response = client.post(
        reverse("nominations:edit", args=[dossier.pk]),
        {
            "summary": summary,
            "video_links": "",
            "works-TOTAL_FORMS": "0",
            "works-INITIAL_FORMS": "0",
            **{f"a{a.criterion_id}-met": "" for a in dossier.assessments.all()},
            "photo": SimpleUploadedFile("anh.jpg", jpeg_bytes(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert FULL in html
    assert summary in html
    dossier.refresh_from_db()
    assert dossier.version == version
    assert not dossier.photo
    assert summary not in dossier.achievement_summary
    assert not dossier.events.filter(kind=EventKind.EDITED).exists()
    assert stored_files() == []


def test_evidence_whose_file_is_gone_is_a_404_that_says_so(client, dossier, users, caplog):
    evidence = Evidence.objects.create(
        nomination=dossier,
        file=ContentFile(PDF, name="x.pdf"),
        original_name="bang-khen.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=users.nominator,
    )
    default_storage.delete(evidence.file.name)
    downloads = dossier.events.count()
    client.force_login(users.nominator)
    with caplog.at_level(logging.WARNING, logger="core.storage"):
        response = client.get(
            reverse("nominations:evidence_download", args=[dossier.pk, evidence.pk])
        )
    assert response.status_code == 404
    assert GONE in response.content.decode()
    assert any(evidence.file.name in r.getMessage() for r in caplog.records)
    assert dossier.events.count() == downloads  # nothing was downloaded


def test_a_dossier_photo_whose_file_is_gone_is_a_404_that_says_so(client, dossier, users, caplog):
    dossier.photo.save("anh.jpg", ContentFile(jpeg_bytes()))
    default_storage.delete(dossier.photo.name)
    client.force_login(users.nominator)
    with caplog.at_level(logging.WARNING, logger="core.storage"):
        response = client.get(reverse("nominations:photo", args=[dossier.pk]))
    assert response.status_code == 404
    assert GONE in response.content.decode()
    assert any(dossier.photo.name in r.getMessage() for r in caplog.records)
