"""A principal reviews the school's year in one page and creates the draft dossiers from it."""

import os

import pytest

from nominations.enums import State
from nominations.models import Nomination
from tests.browser.test_login import CHROMIUM_ARGS
from tests.yearly.test_review import school, yearly_campaign  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SHOTS = os.environ.get("REVIEW_SCREENSHOTS")  # a folder: save the pages for a human to look at


def test_principal_reviews_the_year_and_creates_draft_dossiers(
    live_server,
    chromium_path,
    school,  # noqa: F811
    users,
    yearly_campaign,  # noqa: F811
    clock,
):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
            page.get_by_label("Tên đăng nhập").fill("a.hieutruong")
            page.get_by_label("Mật khẩu").fill("ThiDua@2026")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{live_server.url}/")

            # The review sits in the "Hồ sơ" menu of an approver.
            page.locator(".dropdown-toggle[data-nav]", has_text="Hồ sơ").click()
            page.get_by_test_id("nav-review").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("2024–2025")
            members = page.get_by_test_id("review-members")
            expect(members.locator("tbody tr")).to_have_count(10)
            excellent = page.get_by_test_id(f"member-{school['excellent'].pk}")
            expect(excellent.get_by_test_id("verdict-CSTDCS")).to_contain_text("CSTĐCS")
            expect(page.get_by_test_id("collective-TTLDXS")).to_contain_text("Suýt đạt")
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/review-vi-1366.png", full_page=True)
                page.set_viewport_size({"width": 390, "height": 844})
                page.screenshot(path=f"{SHOTS}/review-vi-390.png", full_page=True)
                page.set_viewport_size({"width": 1366, "height": 900})
                page.get_by_role("button", name="English").click()
                expect(page.get_by_role("heading", level=1)).to_contain_text("Year-end review")
                page.screenshot(path=f"{SHOTS}/review-en-1366.png", full_page=True)
                page.set_viewport_size({"width": 390, "height": 844})
                page.screenshot(path=f"{SHOTS}/review-en-390.png", full_page=True)
                page.set_viewport_size({"width": 1366, "height": 900})
                page.get_by_role("button", name="Tiếng Việt").click()
                expect(page.get_by_role("heading", level=1)).to_contain_text("Bình xét")

            # Leave out one teacher's LĐTT, then create the rest in one action.
            left_out = school["good"][0]
            page.locator(f"input[name=picks][value='{left_out.pk}:LDTT']").uncheck()
            page.get_by_label("Lập hồ sơ nháp trong đợt xét").select_option(
                label=f"{yearly_campaign.name} · Cuối năm học 2024–2025"
            )
            page.get_by_test_id("review-create").click()
            expect(page.get_by_text("Đã lập 8 hồ sơ nháp.")).to_be_visible()
        finally:
            browser.close()
    drafts = Nomination.objects.filter(round__campaign=yearly_campaign)
    assert drafts.count() == 8
    assert {n.state for n in drafts} == {State.DRAFT}
    assert not drafts.filter(nominee_person=left_out, title__code="LDTT").exists()
