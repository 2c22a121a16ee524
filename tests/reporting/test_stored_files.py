"""Downloads whose stored file is gone (a bundle, a public photo): a 404 page that says so, and a
warning in the log, not a 500."""

import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from reporting.models import Export, ExportStatus
from tests.factories import PersonFactory
from tests.reporting.test_honour_board import recognise  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

GONE = "Tệp này vẫn có trong hồ sơ nhưng không còn trên máy chủ"


def test_a_bundle_whose_file_is_gone_is_a_404_that_says_so(client, users, placed, clock, caplog):
    nomination = placed("under_review@commune")
    export = Export.objects.create(
        requested_by=users.commune, nomination=nomination, status=ExportStatus.DONE
    )
    export.file.save("goi.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    default_storage.delete(export.file.name)
    client.force_login(users.commune)
    with caplog.at_level(logging.WARNING, logger="core.storage"):
        response = client.get(reverse("reporting:export_download", args=[export.pk]))
    assert response.status_code == 404
    assert GONE in response.content.decode()
    assert any(export.file.name in r.getMessage() for r in caplog.records)


def test_a_public_photo_whose_file_is_gone_is_a_404_that_says_so(client, tree, request, caplog):
    make_exemplar = request.getfixturevalue("recognise")
    exemplar = make_exemplar(person=PersonFactory(unit=tree.school_a, full_name="Trần Thị Bích"))
    assert exemplar.photo
    default_storage.delete(exemplar.photo.name)
    with caplog.at_level(logging.WARNING, logger="core.storage"):
        response = client.get(reverse("reporting:exemplar_photo", args=[exemplar.pk]))
    assert response.status_code == 404
    assert GONE in response.content.decode()
    assert any(exemplar.photo.name in r.getMessage() for r in caplog.records)
