"""In a real browser, on the demo data: the main pages, the admin and an HTMX-polled page run
under the strict Content-Security-Policy without a single violation, and still work."""

import io

import pytest
from django.core.management import call_command
from django.db import connections

from nominations.selectors import nominations_visible_to
from reporting import bundles
from reporting.models import Export
from tests.browser.test_login import CHROMIUM_ARGS
from units.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Runs before any script of the page (through DevTools, so the policy does not apply to it) and
# keeps every violation the page reports, whatever blocked the resource.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


class Watcher:
    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status < 400, (url, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("load")
        self.check(url)

    def check(self, where):
        violations = self.page.evaluate("window.__cspViolations || []")
        assert violations == [], (where, violations)
        assert self.console == [], (where, self.console)


def log_in(page, base, username):
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("ThiDua@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_main_pages_admin_and_htmx_run_under_the_policy(
    live_server, chromium_path, settings, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.OTP_REQUIRED_FOR_ADMIN = False
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    queued = []
    # The test plays the worker, so that the page really polls (as with Redis in production).
    monkeypatch.setattr(
        "reporting.tasks.build_bundle.delay", lambda **kwargs: queued.append(kwargs)
    )
    base = live_server.url
    so_lanhdao = User.objects.get(username="so.lanhdao")
    nomination = (
        nominations_visible_to(so_lanhdao).exclude(photo="").order_by("pk").first()
        or nominations_visible_to(so_lanhdao).order_by("pk").first()
    )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            watch = Watcher(page)
            watch.visit(f"{base}/tai-khoan/dang-nhap/")
            watch.visit(f"{base}/vinh-danh/")
            expect(page.get_by_test_id("exemplar-card").first).to_be_visible()

            log_in(page, base, "so.lanhdao")
            watch.check("home")
            for path in ("/bang-dieu-khien/", "/ho-so/", f"/ho-so/{nomination.pk}/"):
                watch.visit(base + path)
            # Bootstrap's JavaScript still works: the account menu opens.
            page.get_by_test_id("membership-menu").click()
            expect(page.get_by_role("link", name="Bảo mật tài khoản")).to_be_visible()
            watch.check("menu")

            # HTMX: the bundle page polls until the link replaces the progress bar.
            page.get_by_role("button", name="Tạo gói hồ sơ (ZIP)").click()
            expect(page.get_by_test_id("export-progress")).to_contain_text("Đang tạo")
            bundles.bundle_build(Export.objects.get(pk=queued[0]["export_id"]))
            expect(page.get_by_role("link", name=f"Tải {Export.objects.get().name}")).to_be_visible(
                timeout=10_000
            )
            watch.check("bundle page after polling")

            watch.visit(f"{base}/tai-khoan/bao-mat/")
            page.get_by_role("button", name="Bật xác thực hai bước").click()
            expect(page.get_by_test_id("qr-code")).to_be_visible()
            assert page.get_by_test_id("qr-code").evaluate("img => img.naturalWidth") > 0
            watch.check("two-factor enrolment")

            admin = browser.new_page()
            watch = Watcher(admin)
            log_in(admin, base, "quantri")
            for path in (
                "/quan-tri/",
                "/quan-tri/units/user/",
                f"/quan-tri/units/user/{User.objects.get(username='quantri').pk}/change/",
                "/quan-tri/campaigns/campaign/",
                "/quan-tri/core/auditevent/",
                "/quan-tri/django_celery_beat/periodictask/add/",
            ):
                watch.visit(base + path)
            # django-celery-beat's script, moved to a static file, ran: it hides this row.
            expect(admin.locator(".field-crontab_translation")).to_be_hidden()
            # The admin's own JavaScript still works: the select-all box of the change list.
            admin.goto(base + "/quan-tri/units/user/")
            admin.locator("#action-toggle").check()
            expect(admin.locator("input.action-select").first).to_be_checked()
            watch.check("admin change list actions")
        finally:
            browser.close()
            connections.close_all()
