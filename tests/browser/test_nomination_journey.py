"""The whole journey of a dossier in a real browser, as the real users walk it, on demo data.

Journey 1 runs in May 2025, when the primary school DN-X001-TH01 still sat under the district
office DN-PGD01: school → district → Sở. Journey 2 runs in November 2026 on an upper-secondary
school, whose chain goes straight to the Sở. Both come from the unit tree, not from code."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from PIL import Image

from core.text import fold
from nominations.models import Nomination
from tests.browser.test_login import CHROMIUM_ARGS
from units.models import Person

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CAMPAIGN = "Phát hiện, biểu dương điển hình tiên tiến ngành Giáo dục Đà Nẵng 2024 - 2027"
SUMMARY = " ".join(["Cô giáo tận tụy, sáng tạo, đổi mới phương pháp dạy học tích cực."] * 110)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 450), "lightgray").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def demo(settings):
    # The server's clock travels; a CSRF cookie dated by it would look expired to the browser.
    settings.CSRF_COOKIE_AGE = None
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())


class Users:
    def __init__(self, browser, base):
        self.browser, self.base, self.pages = browser, base, {}

    def __call__(self, username):
        if username not in self.pages:
            page = self.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(f"{self.base}/tai-khoan/dang-nhap/")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill("ThiDua@2026")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{self.base}/")
            self.pages[username] = page
        return self.pages[username]


def choose_person(page, person):
    """The person picker (Tom Select): type the name without diacritics, pick the person."""
    picker = page.locator("#id_nominee-ts-control")
    picker.click()
    picker.press_sequentially(fold(person.full_name), delay=20)
    page.locator(".ts-dropdown .option").filter(has_text=person.full_name).first.click()
    assert page.locator("select#id_nominee").input_value() == f"p{person.pk}"


def draft(page, base, *, round_name, person):
    """A nominator drafts a complete dossier; returns its detail URL."""
    from playwright.sync_api import expect

    page.goto(f"{base}/ho-so/tao/")
    page.get_by_role("link", name=CAMPAIGN).click()
    # Each offered round reads "<name> — hạn chót <its deadline>".
    offered = page.get_by_label("Đợt xét").locator("option", has_text=round_name)
    page.get_by_label("Đợt xét").select_option(offered.get_attribute("value"))
    page.get_by_label("Đối tượng").select_option("teacher")
    choose_person(page, person)
    page.get_by_role("button", name="Tạo hồ sơ").click()
    page.get_by_role("textbox", name="Tóm tắt thành tích").fill(SUMMARY)  # the rich-text editor
    page.get_by_label("Quê quán").fill("Hòa Vang, Đà Nẵng")
    page.get_by_label("Ảnh 4x6").set_input_files(
        {"name": "chan-dung.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    )
    for select in page.locator("select[name$='-met']").all():
        select.select_option("yes")
    page.get_by_label("Tên mô hình, công trình").first.fill("Câu lạc bộ Em yêu khoa học")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    for criterion in ("4", "5"):
        page.get_by_label("Tệp minh chứng").set_input_files(
            {"name": f"minh-chung-{criterion}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_label("Cho tiêu chí").select_option(
            label=page.locator("#id_criterion option").nth(int(criterion)).inner_text()
        )
        page.get_by_role("button", name="Tải lên").click()
        # Wait for the upload's answer before the next one (under load the page may still be
        # the previous one when it is read).
        expect(page.get_by_role("link", name=f"minh-chung-{criterion}.pdf")).to_be_visible()
    expect(page.get_by_text("Cần bổ sung trước khi gửi")).to_have_count(0)
    return page.url


def act(page, url, button, *, reason=None):
    page.goto(url)
    if reason:
        page.locator("textarea[name=reason]").first.fill(reason)
    page.get_by_role("button", name=button, exact=True).click()


def state(page):
    return page.get_by_test_id("state").inner_text()


def test_journey_school_district_province(live_server, chromium_path, demo):
    from playwright.sync_api import expect, sync_playwright

    teacher = Person.objects.filter(unit__code="DN-X001-TH01", position="GV").first()
    may_2025 = datetime.datetime(2025, 5, 10, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(may_2025, tick=True), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            as_user = Users(browser, live_server.url)
            url = draft(
                as_user("tieuhoc.canbo"),
                live_server.url,
                round_name="Năm học 2024-2025",
                person=teacher,
            )
            nominator = as_user("tieuhoc.canbo")
            expect(nominator.get_by_role("button", name="Gửi lên cấp trên")).to_have_count(0)

            principal = as_user("tieuhoc.hieutruong")
            act(principal, url, "Gửi lên cấp trên")
            assert state(principal) == "Đang xét"
            expect(principal.get_by_test_id("chain").get_by_role("listitem")).to_have_text(
                [
                    "Trường Tiểu học Lý Thường Kiệt",
                    "→ Phòng GDĐT huyện Hòa Khánh",
                    "→ Sở Giáo dục và Đào tạo Đà Nẵng",
                ]
            )

            district = as_user("phong.lanhdao")
            district.goto(f"{live_server.url}/hang-cho/")
            expect(district.get_by_test_id("queue")).to_contain_text(teacher.full_name)
            act(district, url, "Trả lại để bổ sung", reason="Bổ sung số liệu học sinh đạt giải")
            assert state(district) == "Trả lại để bổ sung"

            nominator.goto(url)
            expect(nominator.get_by_test_id("timeline")).to_contain_text(
                "Bổ sung số liệu học sinh đạt giải"
            )
            nominator.get_by_role("link", name="Sửa nội dung hồ sơ").click()
            nominator.get_by_role("textbox", name="Tóm tắt thành tích").fill(
                SUMMARY + " Có 12 học sinh đạt giải."
            )
            nominator.get_by_role("button", name="Lưu hồ sơ").click()
            act(principal, url, "Gửi lại sau khi bổ sung")
            expect(principal.get_by_text("đang ở: Phòng GDĐT huyện", exact=False)).to_be_visible()

            act(district, url, "Chuyển lên cấp trên")
            expect(district.get_by_text("đang ở: Sở Giáo dục và Đào tạo Đà Nẵng")).to_be_visible()

            secretary = as_user("so.thuky")
            secretary.goto(f"{live_server.url}/hoi-dong/")
            secretary.get_by_label("Đợt xét").select_option(label="Năm học 2024-2025")
            secretary.get_by_label("Ngày họp").fill("2025-06-05")  # a date picker: ISO
            secretary.get_by_label("Tổng số thành viên hội đồng").fill("9")
            secretary.get_by_label("Số thành viên có mặt").fill("9")
            secretary.get_by_label("Tỷ lệ đồng ý cần đạt (%)").fill("50")
            secretary.get_by_role("button", name="Lập phiên họp").click()
            ballots = secretary.get_by_test_id("ballots")
            ballots.get_by_label("Đồng ý", exact=True).fill("8")
            ballots.get_by_label("Không đồng ý").fill("1")
            ballots.get_by_role("button", name="Ghi kết quả").click()
            expect(secretary.get_by_test_id("ballots")).to_contain_text("8/1/0 — đạt")
            session_url = secretary.url

            act(as_user("so.lanhdao"), url, "Duyệt")
            assert state(as_user("so.lanhdao")) == "Đã được duyệt, chờ quyết định"

            secretary.goto(session_url)
            secretary.get_by_label("Số quyết định").fill("1234/QĐ-SGDĐT")
            secretary.get_by_label("Ngày ký").fill("2025-06-20")
            secretary.get_by_label("Người, cơ quan ký").fill("Giám đốc Sở GDĐT Đà Nẵng")
            secretary.get_by_role("button", name="Ghi quyết định").click()
            secretary.goto(url)
            assert state(secretary) == "Đã có quyết định khen thưởng"
            expect(
                secretary.get_by_text("Quyết định số 1234/QĐ-SGDĐT ngày 20/06/2025")
            ).to_be_visible()
        finally:
            browser.close()

    nomination = Nomination.objects.get(nominee_person=teacher)
    assert [s.unit.code for s in nomination.steps.order_by("position")] == [
        "DN-X001-TH01",
        "DN-PGD01",
        "SGD-DN",
    ]
    assert list(
        nomination.events.values_list("kind", flat=True).filter(
            kind__in=["submit", "return", "resubmit", "forward", "voted", "approve", "recognise"]
        )
    ) == ["submit", "return", "resubmit", "forward", "voted", "approve", "recognise"]
    assert teacher.achievements.filter(decision_number="1234/QĐ-SGDĐT").exists()


def test_journey_upper_secondary_goes_straight_to_the_province(live_server, chromium_path, demo):
    from playwright.sync_api import expect, sync_playwright

    teacher = Person.objects.filter(unit__code__startswith="DN-THPT001", position="GV").first()
    november_2026 = datetime.datetime(2026, 11, 25, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(november_2026, tick=True), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            as_user = Users(browser, live_server.url)
            url = draft(
                as_user("truong.canbo"),
                live_server.url,
                round_name="Năm học 2026-2027",
                person=teacher,
            )
            principal = as_user("truong.hieutruong")
            act(principal, url, "Gửi lên cấp trên")
            expect(principal.get_by_test_id("chain").get_by_role("listitem")).to_have_text(
                ["Trường THPT Sơn Trà", "→ Sở Giáo dục và Đào tạo Đà Nẵng"]
            )
            province = as_user("so.lanhdao")
            province.goto(f"{live_server.url}/hang-cho/")
            expect(province.get_by_test_id("queue")).to_contain_text(teacher.full_name)
        finally:
            browser.close()
