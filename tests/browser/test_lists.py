"""In a real browser, on the demo data: the person picker finds a teacher typed without
diacritics under the strict CSP, and on a phone (390 px) the wide lists become cards that never
scroll the page sideways."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from core.text import fold
from tests.browser.test_csp import Watcher
from tests.browser.test_login import CHROMIUM_ARGS
from units.models import Person

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CAMPAIGN = "Phát hiện, biểu dương điển hình tiên tiến ngành Giáo dục Đà Nẵng 2024 - 2027"
NOVEMBER_2026 = datetime.datetime(2026, 11, 25, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo(settings):
    settings.CSRF_COOKIE_AGE = None  # the server's clock travels (see test_nomination_journey)
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())


def signed_in(browser, base, username, *, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    watcher = Watcher(page)
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("ThiDua@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")
    return page, watcher


def test_person_picker_and_phone_cards(live_server, chromium_path, demo):
    from playwright.sync_api import expect, sync_playwright

    teacher = (
        Person.objects.filter(unit__code__startswith="DN-THPT001", position="GV", is_active=True)
        .order_by("pk")
        .first()
    )
    typed = fold(teacher.full_name)
    assert typed != teacher.full_name  # a Vietnamese name, typed without its diacritics
    with time_machine.travel(NOVEMBER_2026, tick=True), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page, watcher = signed_in(browser, live_server.url, "truong.canbo", width=1366)
            page.goto(f"{live_server.url}/ho-so/tao/")
            page.get_by_role("link", name=CAMPAIGN).click()
            # Each offered round reads "<name> — hạn chót <its deadline>".
            rounds = page.get_by_label("Đợt xét")
            offered = rounds.locator("option", has_text="Năm học 2026-2027")
            rounds.select_option(offered.get_attribute("value"))
            page.get_by_label("Đối tượng").select_option("teacher")
            picker = page.locator("#id_nominee-ts-control")
            picker.click()
            picker.press_sequentially(typed, delay=20)
            option = page.locator(".ts-dropdown .option").filter(has_text=teacher.full_name)
            expect(option.first).to_be_visible()
            # only people of the school: none of another school's
            for text in page.locator(".ts-dropdown .option").all_inner_texts():
                assert "Trường THPT Sơn Trà" in text or "Tổ" in text, text
            option.first.click()
            assert page.locator("select#id_nominee").input_value() == f"p{teacher.pk}"
            page.get_by_role("button", name="Tạo hồ sơ").click()
            expect(page.get_by_label("Tóm tắt thành tích")).to_be_visible()
            watcher.check("the person picker")

            phone, phone_watcher = signed_in(browser, live_server.url, "so.lanhdao", width=390)
            for path, table in (("/hang-cho/", "queue"), ("/ho-so/", "nomination-list")):
                phone.goto(f"{live_server.url}{path}")
                rows = phone.get_by_test_id(table).locator("tbody tr")
                expect(rows.first).to_be_visible()
                assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
                assert not phone.get_by_test_id(table).locator("thead").is_visible(), path
                # each cell is headed by its column's name, as a card
                label = phone.evaluate(
                    """(table) => getComputedStyle(document.querySelector(
                        `[data-testid="${table}"] tbody td[data-label]:not([data-label=""])`
                    ), "::before").content""",
                    table,
                )
                assert label.strip('"'), path
                box = rows.first.bounding_box()
                assert box["width"] <= 390, path
            phone_watcher.check("the phone lists")
        finally:
            browser.close()
