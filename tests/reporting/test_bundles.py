"""Dossier bundles: requested from the page, built by a Celery task with progress, holding the
report PDFs, evidence and lists, downloadable only by the requester, recorded in the timeline."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from nominations.enums import EventKind
from reporting import bundles, printing
from reporting.models import Export, ExportStatus
from tests.conftest import wait_for


def zip_names(response) -> list[str]:
    data = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


@pytest.mark.django_db
def test_a_dossier_bundle_from_request_to_download(
    client, placed, users, clock, celery_eager, django_capture_on_commit_callbacks
):
    nomination = placed("under_review@commune")
    client.force_login(users.commune)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:nomination_bundle", args=[nomination.pk]))
    export = Export.objects.get()
    assert response.url == reverse("reporting:export", args=[export.pk])
    assert (export.status, export.progress, export.total) == (ExportStatus.DONE, 1, 1)

    page = client.get(response.url).content.decode()
    assert "Đã đóng gói 1 hồ sơ." in page
    assert reverse("reporting:export_download", args=[export.pk]) in page
    download = client.get(reverse("reporting:export_download", args=[export.pk]))
    assert download["Content-Type"] == "application/zip"
    names = zip_names(download)
    folder = f"th-a/{nomination.pk}-nguyen-thi-anh"
    assert f"{folder}/{printing_name(nomination)}" in names
    evidence = list(nomination.evidence.all())
    assert evidence, "the fixture dossier carries evidence"
    for item in evidence:
        assert f"{folder}/minh-chung/{item.pk}-mc.pdf" in names

    kinds = list(nomination.events.values_list("kind", "data"))
    assert (EventKind.EXPORTED, {"bundle": export.pk}) in kinds
    assert (EventKind.DOWNLOADED, {"file": export.name}) in kinds
    timeline = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()
    assert "đưa hồ sơ vào gói hồ sơ (ZIP)" in timeline


def printing_name(nomination):
    return printing.nomination_document(nomination)[2]


@pytest.mark.django_db
def test_bundles_are_for_those_who_may_see_them(client, placed, users, clock, celery_eager):
    nomination = placed("under_review@commune")
    client.force_login(users.sibling)  # the school next door
    assert (
        client.post(reverse("reporting:nomination_bundle", args=[nomination.pk])).status_code == 404
    )
    export = bundles.bundle_request(actor=users.commune, nomination=nomination)
    bundles.bundle_build(export)
    # Someone else, even with the same rights, neither sees the progress page nor downloads.
    for user in (users.sibling, users.nominator):
        client.force_login(user)
        assert client.get(reverse("reporting:export", args=[export.pk])).status_code == 404
        assert client.get(reverse("reporting:export_download", args=[export.pk])).status_code == 404
    # A unit's bundle only for the unit's own members.
    round_ = nomination.round
    client.force_login(users.sibling)
    url = reverse("reporting:unit_bundle", args=[round_.pk, "TH-A"])
    assert client.post(url).status_code == 404
    client.force_login(users.province)
    assert client.post(url).status_code == 404
    assert not Export.objects.filter(unit__isnull=False).exists()


@pytest.mark.django_db
def test_a_unit_bundle_holds_its_lists_and_every_dossier_sent(
    client, new_nomination, placed, users, tree, people, clock, celery_eager
):
    sent = [placed("approved"), placed("under_review@commune")]
    draft = new_nomination(person=people.a_team)
    odd = sent[0].evidence.first()
    odd.original_name = "..\\..\\Bằng khen 2024.PDF"
    odd.save()
    export = bundles.bundle_request(actor=users.principal, unit=tree.school_a, round_=sent[0].round)
    bundles.bundle_build(export)
    export.refresh_from_db()
    assert (export.status, export.total) == (ExportStatus.DONE, 2)
    with export.file.open("rb") as handle:
        names = zipfile.ZipFile(handle).namelist()
    for kind in printing.LIST_HEADINGS:
        assert printing.unit_list_document(export.round, tree.school_a, kind)[2] in names
    folders = {name.split("/")[1] for name in names if "/" in name}
    assert {f"{n.pk}-nguyen-thi-anh" for n in sent} == folders
    assert f"th-a/{sent[0].pk}-nguyen-thi-anh/minh-chung/{odd.pk}-bang-khen-2024.pdf" in names
    assert not draft.events.filter(kind=EventKind.EXPORTED).exists()


@pytest.mark.django_db
def test_the_page_polls_until_the_bundle_is_done(client, users, placed, clock):
    nomination = placed("under_review@commune")
    export = Export.objects.create(
        requested_by=users.commune, nomination=nomination, status="running", total=4, progress=1
    )
    client.force_login(users.commune)
    url = reverse("reporting:export", args=[export.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert 'hx-trigger="every 1s"' in partial
    assert "Đang tạo: 1/4 hồ sơ." in partial
    assert "w-25" in partial
    Export.objects.filter(pk=export.pk).update(status="failed")
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert "Không tạo được gói hồ sơ." in partial
    assert client.get(reverse("reporting:export_download", args=[export.pk])).status_code == 404


@pytest.mark.django_db
def test_a_failing_build_is_marked_failed(placed, users, clock, celery_eager, monkeypatch):
    from reporting import tasks

    nomination = placed("under_review@commune")
    export = Export.objects.create(requested_by=users.commune, nomination=nomination)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bundles, "render_pdf", broken)
    with pytest.raises(OSError, match="disk full"):
        tasks.build_bundle.delay(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.error) == (ExportStatus.FAILED, "disk full")
    assert not nomination.events.filter(kind=EventKind.EXPORTED).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_builds_the_bundle(postgres, redis_url, start_worker, placed, users, clock):
    """The task goes through Redis to a separate `celery worker` process on the same database."""
    from config.celery import app

    nomination = placed("under_review@commune")
    app.control.purge()  # nothing left over from an earlier run
    worker_log = start_worker(redis_url)
    export = bundles.bundle_request(actor=users.commune, nomination=nomination)

    def finished():
        export.refresh_from_db()
        return export.status in (ExportStatus.DONE, ExportStatus.FAILED)

    wait_for(finished)
    assert export.status == ExportStatus.DONE, worker_log()
    with export.file.open("rb") as handle:
        assert any(name.endswith(".pdf") for name in zipfile.ZipFile(handle).namelist())
    assert nomination.events.filter(kind=EventKind.EXPORTED).exists()


@pytest.mark.django_db
def test_a_bundle_asked_for_with_the_broker_down_waits_and_the_requeue_builds_it(
    client, placed, users, clock, dead_broker, celery_eager, django_capture_on_commit_callbacks
):
    from reporting import tasks

    nomination = placed("under_review@commune")
    client.force_login(users.commune)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:nomination_bundle", args=[nomination.pk]))
    export = Export.objects.get()
    assert response.url == reverse("reporting:export", args=[export.pk])
    assert export.status == ExportStatus.PENDING

    celery_eager.conf.task_always_eager = True  # the broker is back
    assert tasks.requeue_bundles() == 0  # asked for a moment ago: its own task may yet come
    clock.shift(datetime.timedelta(minutes=2))
    assert tasks.requeue_bundles() == 1
    export.refresh_from_db()
    assert (export.status, export.progress) == (ExportStatus.DONE, 1)


@pytest.mark.django_db
def test_a_bundle_being_built_is_not_built_again_beside_it(
    placed, users, clock, celery_eager, settings
):
    """Celery may hand a task out twice (acks_late, a visibility timeout shorter than the build):
    the second copy leaves a live build alone, and takes over only from a silent builder."""
    from reporting import tasks

    nomination = placed("under_review@commune")
    export = Export.objects.create(requested_by=users.commune, nomination=nomination)
    assert bundles.bundle_claim(export.pk) is not None  # a first worker is building it

    tasks.build_bundle.delay(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.file.name) == (ExportStatus.RUNNING, "")
    assert bundles.bundles_due() == []

    # The first worker died: its claim goes stale.
    clock.shift(datetime.timedelta(seconds=settings.BUNDLE_STALE_SECONDS + 1))
    assert bundles.bundles_due() == [export.pk]
    tasks.build_bundle.delay(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert nomination.events.filter(kind=EventKind.EXPORTED).count() == 1

    tasks.build_bundle.delay(export_id=export.pk)  # a late copy of a finished build
    assert nomination.events.filter(kind=EventKind.EXPORTED).count() == 1
