"""A full media disk is a message on the form with nothing half-stored; a stored file that is
gone is a 404 page that says so, and a warning in the log."""

import errno
import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.storage import StorageFull
from units.enums import Role
from units.models import Person

pytestmark = pytest.mark.django_db

FULL = "Máy chủ tạm thời hết chỗ lưu tệp"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_file_the_full_disk_refused_leaves_no_partial_file(full_disk, stored_files):
    with pytest.raises(StorageFull) as refused:
        default_storage.save("private/x/a.pdf", ContentFile(b"%PDF-1.4 " * 100))
    assert refused.value.code == "storage_full"
    assert stored_files() == []


def test_another_file_of_the_same_name_survives_a_full_disk(stored_files, monkeypatch):
    from django.core.files.storage import filesystem

    first = default_storage.save("private/x/a.pdf", ContentFile(b"first"))
    real_open = filesystem.os.open

    def full(path, flags, mode=0o777):
        filesystem.os.close(real_open(path, flags, mode))  # created, then nothing fits
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(filesystem.os, "open", full)
    with pytest.raises(StorageFull):
        default_storage.save("private/x/a.pdf", ContentFile(b"second"))
    monkeypatch.undo()
    assert stored_files() == [first]
    with default_storage.open(first) as kept:
        assert kept.read() == b"first"


def test_other_disk_errors_are_not_taken_for_a_full_disk(monkeypatch):
    from django.core.files.storage import filesystem

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(filesystem.os, "open", broken)
    with pytest.raises(OSError, match="Input/output error") as failed:
        default_storage.save("private/x/b.pdf", ContentFile(b"x"))
    assert not isinstance(failed.value, StorageFull)


PERSON = {
    "full_name": "Phạm Thị Hoa",
    "identifier": "048190000001",
    "birth_date": "1985-03-12",
    "gender": "female",
    "ethnicity": "Kinh",
    "position": "GV",
    "phone": "0905123456",
    "email": "",
    "is_active": "on",
}


def test_a_person_added_with_a_photo_on_a_full_disk_is_not_added(
    client, nominator_a, tree, full_disk, stored_files
):
    client.force_login(nominator_a)
    photo = SimpleUploadedFile("chan-dung.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("units:person_create", args=["TH-A-T1"]), {**PERSON, "photo": photo}
    )
    assert response.status_code == 200
    assert FULL in response.content.decode()
    assert response.context["form"]["full_name"].value() == "Phạm Thị Hoa"
    assert response.context["form"]["phone"].value() == "0905123456"
    assert not Person.objects.filter(identifier="048190000001").exists()
    assert stored_files() == []


def test_a_person_photo_changed_on_a_full_disk_changes_nothing(
    client, make_user, tree, people, full_disk, stored_files
):
    client.force_login(make_user((tree.school_a, Role.APPROVER), username="hieutruong.a"))
    person = people.a
    photo = SimpleUploadedFile("chan-dung.png", png_bytes(), content_type="image/png")
    data = {**PERSON, "identifier": person.identifier, "phone": "0905999999", "photo": photo}
    response = client.post(reverse("units:person_update", args=[person.pk]), data)
    assert response.status_code == 200
    assert FULL in response.content.decode()
    assert response.context["form"]["phone"].value() == "0905999999"
    person.refresh_from_db()
    assert person.phone != "0905999999"
    assert not person.photo
    assert stored_files() == []


def test_a_person_photo_gone_from_the_disk_is_a_404_that_says_so(
    client, nominator_a, tree, stored_files, caplog
):
    person = Person.objects.create(unit=tree.school_a, full_name="Lê Thị Mai", identifier="P1")
    person.photo.save("anh.png", ContentFile(png_bytes()))
    default_storage.delete(person.photo.name)
    client.force_login(nominator_a)
    with caplog.at_level(logging.WARNING, logger="core.storage"):
        response = client.get(reverse("units:person_photo", args=[person.pk]))
    assert response.status_code == 404
    assert "Tệp này vẫn có trong hồ sơ nhưng không còn trên máy chủ" in response.content.decode()
    assert any(person.photo.name in r.getMessage() for r in caplog.records)
