"""In a real browser, as a visitor without an account: the honour board on demo data, a search
typed without diacritics, and the exemplar's page it leads to."""

import io

import pytest
from django.core.management import call_command

from core.text import fold
from nominations.enums import State
from nominations.models import Nomination
from tests.browser.test_login import CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_visitor_searches_without_diacritics_and_opens_an_exemplar(live_server, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    honoured = (
        Nomination.objects.filter(state=State.RECOGNISED, nominee_person__isnull=False)
        .select_related("nominee_person")
        .order_by("pk")
        .first()
    )
    name, title = honoured.nominee_person.full_name, honoured.title.name
    typed = fold(name)
    assert typed != name.lower()  # the search really has diacritics to ignore

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/")
            page.get_by_role("link", name="Vinh danh").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Vinh danh gương điển hình tiên tiến"
            )
            expect(page.get_by_test_id("exemplar-card").first).to_be_visible()

            page.get_by_label("Tìm theo tên hoặc đơn vị").fill(typed)
            page.get_by_role("button", name="Tìm").click()
            cards = page.get_by_test_id("exemplar-card")
            expect(cards.filter(has_text=name)).to_have_count(1)

            cards.filter(has_text=name).get_by_role("link", name=name).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(name)
            expect(page.get_by_test_id("exemplar")).to_contain_text(title)
            expect(page.get_by_test_id("exemplar")).to_contain_text("Câu chuyện, thành tích")
            og_title = page.locator("meta[property='og:title']").get_attribute("content")
            assert og_title.startswith(name)
        finally:
            browser.close()
