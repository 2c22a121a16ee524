"""Printed documents too large for a web request: the link answers with the bundle progress
page, a worker renders the PDF, the requester downloads it; small documents stay inline."""

import datetime
import os
import time

import pytest
from django.urls import reverse

from nominations import services
from nominations.enums import Action, EventKind
from reporting import large_prints, printing
from reporting.documents import render_html
from reporting.models import Export, ExportKind, ExportStatus
from tests.conftest import wait_for
from tests.reporting.test_documents import pdf_text
from units.models import Membership

pytestmark = pytest.mark.django_db

SENTENCE = "Năm học thứ {i}, cô Ánh đổi mới phương pháp dạy học, bồi dưỡng học sinh giỏi."


@pytest.fixture
def large(placed):
    """A dossier whose summary alone is past the default threshold (about 30 printed pages)."""
    nomination = placed("under_review@commune")
    nomination.achievement_summary = "".join(f"<p>{SENTENCE.format(i=i)}</p>" for i in range(1500))
    nomination.save()
    return nomination


def test_a_large_dossier_report_is_printed_in_the_background(
    client, large, users, clock, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(users.commune)
    url = reverse("reporting:nomination_report", args=[large.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    export = Export.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reporting:export", args=[export.pk])
    assert (export.kind, export.status, export.nomination) == (
        ExportKind.DOCUMENT,
        ExportStatus.DONE,
        large,
    )
    assert export.name == printing.nomination_document(large)[2]
    assert not export.source  # the stored HTML goes once the PDF is there
    # Nothing has left the portal yet: the download, not the request, goes on record.
    assert not large.events.filter(kind=EventKind.DOWNLOADED).exists()

    page = client.get(response.url).content.decode()
    assert "Đã tạo xong văn bản." in page
    download = client.get(reverse("reporting:export_download", args=[export.pk]))
    assert download["Content-Type"] == "application/pdf"
    pages, text = pdf_text(b"".join(download.streaming_content))
    assert "TÓM TẮT THÀNH TÍCH" in text
    assert SENTENCE.format(i=0) in text and SENTENCE.format(i=1499) in text  # noqa: PT018
    assert pages > 20
    assert list(large.events.filter(kind=EventKind.DOWNLOADED).values_list("data", flat=True)) == [
        {"file": export.name}
    ]


def test_the_page_tells_a_document_is_being_printed(client, large, users, clock):
    export = large_prints.print_request(
        actor=users.commune, html="<p>x</p>", name="bao-cao.pdf", nomination=large
    )
    client.force_login(users.commune)
    partial = client.get(
        reverse("reporting:export", args=[export.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert "Văn bản dài nên được tạo ở chế độ nền." in partial
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
    partial = client.get(
        reverse("reporting:export", args=[export.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "Không tạo được văn bản." in partial


def test_a_small_report_stays_inline(client, placed, users, clock):
    nomination = placed("under_review@commune")
    client.force_login(users.commune)
    response = client.get(reverse("reporting:nomination_report", args=[nomination.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert not Export.objects.exists()
    assert nomination.events.filter(kind=EventKind.DOWNLOADED).count() == 1


def test_photos_do_not_weigh_on_the_threshold(settings):
    settings.PDF_INLINE_MAX_CHARS = 1000
    photo = "data:image/jpeg;base64," + "A" * 500_000
    html = f'<p>Nguyễn Thị Ánh</p><img src="{photo}"><p>Giáo viên</p>'
    assert large_prints.print_weight(html) == len(html) - len(photo)
    assert large_prints.renders_inline(html)
    assert not large_prints.renders_inline(html + "<p>" + "chữ " * 300 + "</p>")


def test_only_the_requester_downloads_it_while_they_may_see_the_dossier(
    client, large, users, clock, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = large_prints.print_request(
            actor=users.commune, html="<p>Báo cáo</p>", name="bao-cao.pdf", nomination=large
        )
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    download = reverse("reporting:export_download", args=[export.pk])
    client.force_login(users.sibling)
    assert client.get(download).status_code == 404
    client.force_login(users.commune)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # and the file is closed
    Membership.objects.filter(user=users.commune).update(is_active=False)  # moved on since
    assert client.get(download).status_code == 404


def test_a_document_whose_worker_died_is_printed_again_from_its_stored_html(
    large, users, clock, settings, celery_eager
):
    from reporting import bundles, tasks

    export = large_prints.print_request(
        actor=users.commune, html="<p>Nguyễn Thị Ánh</p>", name="bao-cao.pdf", nomination=large
    )  # its task went with the broker or the worker: nothing ran it
    assert bundles.bundle_claim(export.pk) is not None  # a worker took it, then was killed
    assert tasks.requeue_bundles() == 0  # its claim is fresh: it may still be rendering
    clock.shift(datetime.timedelta(seconds=settings.BUNDLE_STALE_SECONDS + 1))
    assert tasks.requeue_bundles() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    with export.file.open("rb") as handle:
        assert "Nguyễn Thị Ánh" in pdf_text(handle.read())[1]


def test_every_printed_document_goes_through_the_same_bound(
    client, settings, placed, users, tree, campaign, clock
):
    """Lists, council minutes and a decision's annex grow with a round's dossiers: past the
    threshold each becomes a background print, whatever view asked for it."""
    settings.PDF_INLINE_MAX_CHARS = 1
    sent = placed("under_review@province")
    round_ = campaign.rounds.get()
    session = services.council_session_create(
        actor=users.secretary,
        unit=tree.danang,
        round_=round_,
        held_on=datetime.date(2026, 4, 15),
        members_total=9,
        members_present=8,
        threshold_percent=50,
        threshold_basis="present",
        threshold_strict=True,
        member_names="Ông A, Bà B",
    )
    services.transition(actor=users.province, nomination=sent, action=Action.APPROVE)
    decision = services.decide(
        actor=users.secretary,
        nominations=[sent],
        action=Action.RECOGNISE,
        number="321/QĐ-SGDĐT",
        signed_on=datetime.date(2026, 4, 20),
        issuer="Giám đốc Sở",
    )
    asked = [
        (
            users.principal,
            reverse("reporting:unit_list", args=[round_.pk, tree.school_a.code, "registration"]),
            printing.unit_list_document(round_, tree.school_a, "registration")[2],
            "Nguyễn Thị Ánh",
        ),
        (
            users.secretary,
            reverse("reporting:council_minutes", args=[session.pk]),
            printing.council_minutes_document(session)[2],
            "1. Ông A",
        ),
        (
            users.secretary,
            reverse("reporting:decision_annex", args=[decision.pk]),
            printing.decision_annex_document(decision)[2],
            "321/QĐ-SGDĐT",
        ),
    ]
    for user, url, name, printed in asked:
        client.force_login(user)
        response = client.get(url)
        export = Export.objects.get(name=name)
        assert response.status_code == 302, url
        assert response.url == reverse("reporting:export", args=[export.pk])
        assert (export.kind, export.requested_by) == (ExportKind.DOCUMENT, user)
        with export.source.open("rb") as handle:
            assert printed in handle.read().decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_sweeps_on_start_and_prints_the_document(
    postgres, redis_url, start_worker, tmp_path, large, users, clock
):
    """Through Redis to a separate `celery worker`: what a killed worker left in its temp
    directory is swept, and the stored HTML rendered with a claim renewed every second."""
    from config.celery import app

    temp = tmp_path / "worker-tmp"
    temp.mkdir()
    killed = temp / "weasyprint-killed"
    killed.mkdir()
    os.utime(killed, (time.time() - 3600, time.time() - 3600))
    app.control.purge()  # nothing left over from an earlier run
    worker_log = start_worker(redis_url, TMPDIR=str(temp), BUNDLE_STALE_SECONDS="4")
    html = render_html(*printing.nomination_document(large)[:2])
    export = large_prints.print_request(
        actor=users.commune, html=html, name="bao-cao.pdf", nomination=large
    )

    def finished():
        export.refresh_from_db()
        return export.status in (ExportStatus.DONE, ExportStatus.FAILED)

    wait_for(finished)
    assert export.status == ExportStatus.DONE, worker_log()
    with export.file.open("rb") as handle:
        _pages, text = pdf_text(handle.read())
    assert SENTENCE.format(i=1499) in text
    assert not killed.exists()
    assert not list(temp.glob("weasyprint-*"))  # its own render's folder went with the render
