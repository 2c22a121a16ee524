"""A campaign admin sets up the quarterly selection (seed 003's plan) entirely in the browser:
from the template, quarterly rounds with the day-3 deadline, quotas, criteria, then opens it."""

import pytest

from campaigns.models import Campaign
from tests.browser.test_login import CHROMIUM_ARGS
from units.enums import Role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_campaign_admin_sets_up_the_quarterly_campaign(live_server, chromium_path, make_user, tree):
    make_user(
        (tree.commune, Role.CAMPAIGN_ADMIN), username="xa.quantri", full_name="Trương Thị Thu"
    )
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
            page.get_by_label("Tên đăng nhập").fill("xa.quantri")
            page.get_by_label("Mật khẩu").fill("ThiDua@2026")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{live_server.url}/")

            page.get_by_role("button", name="Phong trào", exact=True).click()  # the menu group
            page.get_by_role("link", name="Phong trào, đợt xét").click()
            page.get_by_role("link", name="Tạo phong trào").click()
            page.get_by_role("link", name="Mẫu: Lựa chọn điển hình tiên tiến hằng quý").click()
            page.get_by_label("Mã phong trào").fill("HC-DHTT-QUY-2026")
            page.get_by_label("Tên phong trào, kế hoạch").fill(
                "Lựa chọn điển hình tiên tiến hằng quý năm 2026"
            )
            page.get_by_label("Bắt đầu").fill("2026-01-01")  # a date picker: ISO
            page.get_by_label("Kết thúc").fill("2027-03-31")
            page.get_by_role("button", name="Lưu").click()
            expect(page.get_by_test_id("campaign-status")).to_have_text("Đang soạn")
            expect(page.get_by_text("Chưa có đợt xét nào.").first).to_be_visible()

            page.get_by_role("link", name="Tạo các đợt theo quý").click()
            page.get_by_label("Năm").fill("2026")
            page.get_by_role("button", name="Tạo các đợt theo quý").click()
            rounds = page.get_by_test_id("rounds")
            expect(rounds).to_contain_text("Quý 4/2026")
            expect(rounds).to_contain_text("03/01/2027")  # day 3 of the next quarter, next year
            expect(rounds).to_contain_text("10/01/2027")  # the commune a week later

            for level, maximum in (("Trường, cơ sở giáo dục", "1"), ("UBND cấp xã", "1")):
                page.get_by_role("link", name="Đặt chỉ tiêu").click()
                page.get_by_label("Cấp").select_option(label=level)
                page.get_by_label("Tối đa được gửi lên").fill(maximum)
                page.get_by_role("button", name="Lưu chỉ tiêu").click()
            expect(rounds).to_contain_text("UBND cấp xã, mọi đối tượng: tối đa 1")

            page.get_by_role("link", name="Xem trước chuỗi xét").click()
            page.get_by_label("Mã trường hoặc đơn vị").fill("TH-A")
            page.get_by_role("button", name="Xem").click()
            expect(page.get_by_test_id("chain")).to_contain_text("UBND phường Hải Châu")
            page.get_by_role("link", name="Lựa chọn điển hình tiên tiến hằng quý năm 2026").click()

            page.get_by_role("button", name="Mở phong trào").click()
            expect(page.get_by_test_id("campaign-status")).to_have_text("Đang triển khai")
        finally:
            browser.close()

    campaign = Campaign.objects.get(code="HC-DHTT-QUY-2026")
    assert campaign.rounds.count() == 4
    assert all(link.criteria_set.is_frozen for link in campaign.criteria_links.all())
