"""In a real browser: asking for a dossier bundle shows a progress bar that HTMX keeps polling,
which turns into the download link once the task has built the ZIP."""

import zipfile

import pytest
from django.db import connections
from django.urls import reverse

from reporting import bundles
from reporting.models import Export
from tests.browser.test_login import CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_bundle_page_follows_the_task_until_the_download(
    live_server, chromium_path, placed, users, clock, settings, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    settings.CSRF_COOKIE_AGE = None  # the server's clock is frozen in March 2026
    # The test reads the database while Playwright's event loop runs in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    queued = []
    # The test plays the worker (a real worker is tested in tests/reporting/test_bundles.py).
    monkeypatch.setattr(
        "reporting.tasks.build_bundle.delay", lambda **kwargs: queued.append(kwargs)
    )
    nomination = placed("under_review@commune")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
            page.get_by_label("Tên đăng nhập").fill("xa.duyet")
            page.get_by_label("Mật khẩu").fill("ThiDua@2026")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{live_server.url}/")
            page.goto(live_server.url + reverse("nominations:detail", args=[nomination.pk]))
            page.get_by_role("button", name="Tạo gói hồ sơ (ZIP)").click()

            progress = page.get_by_test_id("export-progress")
            expect(progress).to_contain_text("Đang tạo")
            export = Export.objects.get()
            assert queued == [{"export_id": export.pk}]
            bundles.bundle_build(export)  # what the worker does

            # No reload: the polling swaps the bar for the link.
            link = page.get_by_role("link", name=f"Tải {Export.objects.get().name}")
            expect(link).to_be_visible(timeout=10_000)
            with page.expect_download() as download:
                link.click()
            assert download.value.suggested_filename == Export.objects.get().name
            with zipfile.ZipFile(download.value.path()) as archive:  # waits for the whole file
                assert any(name.endswith(".pdf") for name in archive.namelist())
        finally:
            browser.close()
            # Inside Playwright's event loop Django hands this thread its own connection.
            connections.close_all()
