"""Imports over IMPORT_BACKGROUND_ROWS rows run in a Celery task with a progress page, the way
bundles do (reporting.bundles): claimed atomically, run again after a worker died (acks_late and
the periodic requeue), never twice beside a live worker; with a real worker through Redis."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core import imports, tasks
from core.imports import IMPORTERS, import_job_check, import_job_confirm
from core.models import ImportJob, ImportStatus
from tests.conftest import wait_for
from units.enums import Role
from units.models import Person

HEADER = "Mã định danh,Họ và tên,Chức vụ,Mã đơn vị,Điện thoại"


def staff_list(n: int) -> bytes:
    lines = [HEADER] + [f"ID{i:05d},Nguyễn Văn {i},GV,TH-A,905{i:06d}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def approver_a(make_user, tree):
    return make_user((tree.school_a, Role.APPROVER), username="hieutruong.a")


def upload(actor, n):
    return import_job_check(
        actor=actor, importer=IMPORTERS["people"], file_name="nhan-su.csv", content=staff_list(n)
    )


@pytest.mark.django_db
def test_a_large_file_is_checked_and_imported_in_the_background(
    settings, approver_a, client, celery_eager, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 5
    small = upload(approver_a, 5)
    assert small.status == ImportStatus.CHECKED_OK  # at the threshold: in the request

    with django_capture_on_commit_callbacks() as queued:
        job = upload(approver_a, 12)
    assert job.status == ImportStatus.CHECKING
    assert job.totals == {"rows": 12}
    client.force_login(approver_a)
    url = reverse("core:import_job", args=[job.pk])
    page = client.get(url)
    assert 'data-testid="import-progress"' in page.text
    assert "Tệp lớn nên được kiểm tra trong nền: 0/12 dòng." in page.text
    partial = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert 'hx-trigger="every 2s"' in partial.text

    for callback in queued:  # the task, run in-process
        callback()
    job.refresh_from_db()
    assert (job.status, job.totals["new"], job.claimed_at) == (ImportStatus.CHECKED_OK, 12, None)
    assert not Person.objects.filter(identifier__startswith="ID").exists()
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"  # the whole page changes: reload it
    assert "Nguyễn Văn 0" in client.get(url).text  # the preview

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {}, follow=True)
    assert "Tệp lớn nên được nhập trong nền" in response.text
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED
    assert Person.objects.filter(identifier__startswith="ID").count() == 12


@pytest.mark.django_db
def test_a_job_is_taken_once_and_again_only_from_a_silent_worker(settings, approver_a):
    settings.IMPORT_BACKGROUND_ROWS = 2
    job = upload(approver_a, 3)
    assert imports.import_claim(job.pk) is not None  # a first worker took it
    assert imports.import_claim(job.pk) is None  # a redelivered copy leaves it alone
    cache.set(f"import-progress:{job.pk}", 200, timeout=settings.IMPORT_STALE_SECONDS)
    later = timezone.now() + datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    # Its claim is old, but its worker reported progress lately: still alive.
    assert imports.import_claim(job.pk, now=later) is None
    assert imports.imports_due(now=later) == []
    cache.delete(f"import-progress:{job.pk}")  # the worker died: its heartbeat expired
    assert imports.imports_due(now=later) == [job.pk]
    assert imports.import_claim(job.pk, now=later) is not None


@pytest.mark.django_db
def test_a_crashed_background_import_saves_nothing_and_says_so(
    settings, approver_a, celery_eager, monkeypatch
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    job = upload(approver_a, 3)

    def broken(*args, **kwargs):
        raise OSError("database went away")

    monkeypatch.setattr(imports, "_check", broken)
    with pytest.raises(OSError, match="database went away"):
        tasks.run_import_job.delay(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "không dòng nào được lưu" in job.errors[0]["message"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_imports_a_large_list_and_one_restarted_finishes_it(
    postgres, redis_url, start_worker, settings, tree, make_user
):
    """Through Redis to a separate `celery worker` process; then a job left claimed by a worker
    that died is finished by the requeue once its claim is stale."""
    from config.celery import app

    settings.IMPORT_BACKGROUND_ROWS = 50
    approver = make_user((tree.school_a, Role.APPROVER), username="hieutruong.a")
    app.control.purge()
    worker_log = start_worker(redis_url)
    job = upload(approver, 400)
    assert job.status == ImportStatus.CHECKING

    def settled(status):
        def check():
            job.refresh_from_db()
            return job.status == status or job.status == ImportStatus.FAILED

        return check

    wait_for(settled(ImportStatus.CHECKED_OK))
    assert job.status == ImportStatus.CHECKED_OK, worker_log()
    job = import_job_confirm(actor=approver, job=job)
    assert job.status == ImportStatus.IMPORTING
    wait_for(settled(ImportStatus.IMPORTED))
    assert job.status == ImportStatus.IMPORTED, worker_log()
    assert Person.objects.filter(identifier__startswith="ID").count() == 400

    # A worker took this one and was killed: its claim is old and it reports no progress.
    orphan = upload(approver, 60)
    stale = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 5)
    job = orphan
    wait_for(settled(ImportStatus.CHECKED_OK))  # let the live worker's own copy finish first
    ImportJob.objects.filter(pk=orphan.pk).update(status=ImportStatus.CHECKING, claimed_at=stale)
    cache.delete(f"import-progress:{orphan.pk}")
    assert tasks.requeue_imports() == 1
    orphan.refresh_from_db()

    def finished():
        orphan.refresh_from_db()
        return orphan.status in (ImportStatus.CHECKED_OK, ImportStatus.FAILED)

    wait_for(finished)
    assert orphan.status == ImportStatus.CHECKED_OK, worker_log()
