"""In a real browser: seed 002's list uploaded on the import page goes to the background (the
threshold lowered to two rows), the progress bar polls, and the page reloads itself into the
preview of the values to be stored, which says the list becomes registrations. Screenshots at
1366 and 390 px, in Vietnamese and English, go to the test's temporary folder."""

import datetime

import pytest
from django.db import connections
from django.urls import reverse

from campaigns.models import Campaign
from core.models import ImportJob
from core.tasks import run_import_job
from tests.browser.test_login import CHROMIUM_ARGS
from tests.nominations.test_seed_lists import seed_002_rows, xlsx

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_large_list_is_checked_in_the_background_then_previewed(
    live_server, chromium_path, campaign, users, clock, settings, monkeypatch, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    settings.CSRF_COOKIE_AGE = None  # the server's clock is frozen in March 2026
    settings.IMPORT_BACKGROUND_ROWS = 2
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    queued = []
    # The test plays the worker (a real worker: tests/core/test_background_imports.py).
    monkeypatch.setattr("core.tasks.run_import_job.delay", lambda **kwargs: queued.append(kwargs))
    Campaign.objects.filter(pk=campaign.pk).update(
        registration_opens=datetime.date(2026, 3, 1),
        registration_closes=datetime.date(2026, 3, 31),
    )
    upload = tmp_path / "danh-sach-dang-ky.xlsx"
    upload.write_bytes(xlsx(seed_002_rows()))
    start = reverse("core:import_start", args=["registration"])
    query = f"?phong_trao={campaign.code}&dot={campaign.rounds.get().pk}"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
            page.get_by_label("Tên đăng nhập").fill("a.hieutruong")
            page.get_by_label("Mật khẩu").fill("ThiDua@2026")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{live_server.url}/")
            page.goto(live_server.url + start + query)
            if page.get_by_role("button", name="Tiếng Việt").count():
                page.get_by_role("button", name="Tiếng Việt").click()
            page.locator("input[type=file]").set_input_files(str(upload))
            page.locator("form[enctype='multipart/form-data'] [type=submit]").click()

            expect(page.get_by_test_id("import-progress")).to_contain_text("kiểm tra trong nền")
            job = ImportJob.objects.get()
            assert queued == [{"job_id": job.pk}]
            run_import_job(job_id=job.pk)  # what the worker does

            # No reload by hand: the polling sees the check done and reloads the page.
            preview = page.get_by_test_id("import-preview")
            expect(preview).to_contain_text("Hoàng Thị Ngọc Ánh", timeout=10_000)
            expect(preview).to_contain_text("0978123456")
            expect(page.get_by_test_id("import-target")).to_contain_text("danh sách đăng ký")
            page.screenshot(path=str(tmp_path / "import-preview-vi-1366.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(tmp_path / "import-preview-vi-390.png"), full_page=True)
            page.get_by_role("button", name="English").click()
            expect(page.get_by_test_id("import-target")).to_contain_text("registration list")
            page.screenshot(path=str(tmp_path / "import-preview-en-390.png"), full_page=True)
            page.set_viewport_size({"width": 1366, "height": 900})
            page.screenshot(path=str(tmp_path / "import-preview-en-1366.png"), full_page=True)
        finally:
            browser.close()
            # Inside Playwright's event loop Django hands this thread its own connection.
            connections.close_all()
