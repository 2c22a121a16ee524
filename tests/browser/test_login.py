"""A real browser (Debian's Chromium, driven by Playwright) logs in through the login page."""

import pytest

from units.enums import Role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def test_a_demo_user_logs_in_through_the_real_login_page(
    live_server, chromium_path, make_user, tree
):
    make_user((tree.school_a, Role.NOMINATOR), username="truong.canbo", full_name="Đặng Thu Trang")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(f"{live_server.url}/")
            assert "/tai-khoan/dang-nhap/" in page.url
            assert page.locator("html").get_attribute("lang") == "vi"
            page.get_by_label("Tên đăng nhập").fill("truong.canbo")
            page.get_by_label("Mật khẩu").fill("mật khẩu sai")
            page.get_by_role("button", name="Đăng nhập").click()
            assert page.get_by_text("Vui lòng nhập chính xác").is_visible()

            page.get_by_label("Mật khẩu").fill("ThiDua@2026")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{live_server.url}/")
            assert page.get_by_role("heading", name="Xin chào, Đặng Thu Trang").is_visible()
            assert page.locator("main").get_by_text("Trường Tiểu học Lê Lợi").is_visible()
        finally:
            browser.close()
