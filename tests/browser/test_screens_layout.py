"""In Chromium, on the demo data: every main page (bench.screens.main_pages) at 320, 390, 1280,
1366 and 1440 px, in Vietnamese and English, never scrolls sideways; for every demo role, every
item of the top menu and the account menu (log out, password, role switch) can be reached and is
drawn inside the window, legibly (not white on white). One browser, one seeding for the module:
the pages are loaded once per language and re-laid out at each width."""

import io

import pytest
from django.core.management import call_command
from django.db import connections

from bench.screens import ROLE_ACCOUNTS, log_in, main_pages, set_language
from tests.browser.test_login import CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = (320, 390, 1280, 1366, 1440)
XL = 1200  # Bootstrap's xl: from here on the menu sits in the bar, below it in a side panel

PAGE_OVERFLOW = """() => {
  const over = document.documentElement.scrollWidth - window.innerWidth;
  if (over <= 0) return null;
  // The widest element sticking out, to say what to fix.
  let worst = null;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && (!worst || r.right > worst.right)) {
      worst = {
        right: r.right, tag: el.tagName, cls: String(el.getAttribute('class') || ''),
        text: (el.textContent || '').trim().slice(0, 40),
      };
    }
  }
  return {over, worst};
}"""

INSIDE = """(el) => {
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  let bg = null;
  for (let n = el; n && !bg; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') bg = c;
  }
  return {
    inside: r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= window.innerWidth + 1,
    color: s.color, background: bg || 'rgb(255, 255, 255)',
  };
}"""


def _visible_and_legible(locator, where, problems):
    from playwright.sync_api import expect

    try:
        expect(locator).to_be_visible(timeout=3000)
    except AssertionError:
        problems.append(f"{where}: not visible")
        return
    box = locator.evaluate(INSIDE)
    if not box["inside"]:
        problems.append(f"{where}: drawn outside the window")
    if box["color"] == box["background"]:
        problems.append(f"{where}: text colour {box['color']} on the same background")


def _check_menus(page, width, where, problems):
    """Open the side panel below xl; reach each top-level item and each dropdown's items; then
    the account menu."""
    narrow = width < XL
    if narrow:
        page.get_by_test_id("menu-button").click()
        page.locator("#mainnav.show").wait_for()
    menu = page.get_by_test_id("main-menu")
    toggles = menu.locator(":scope > li > a[data-nav]")
    for i in range(toggles.count()):
        item = toggles.nth(i)
        label = item.inner_text().strip()
        _visible_and_legible(item, f"{where} menu “{label}”", problems)
        if item.get_attribute("data-bs-toggle") == "dropdown":
            item.click()
            entries = item.locator("xpath=following-sibling::ul").locator("a[data-nav]")
            for j in range(entries.count()):
                entry = entries.nth(j)
                _visible_and_legible(
                    entry, f"{where} menu “{label}” › “{entry.inner_text().strip()}”", problems
                )
            item.click()  # close it again
    if narrow:
        page.keyboard.press("Escape")
        page.locator("#mainnav.show").wait_for(state="detached")
    _visible_and_legible(page.get_by_test_id("bell"), f"{where} bell", problems)
    account = page.get_by_test_id("membership-menu")
    _visible_and_legible(account, f"{where} account button", problems)
    account.click()
    for name in ("logout", "password-change"):
        _visible_and_legible(page.get_by_test_id(name), f"{where} account menu {name}", problems)
    switches = page.get_by_test_id("role-switch")
    for j in range(switches.count()):
        _visible_and_legible(switches.nth(j), f"{where} role switch {j + 1}", problems)
    page.keyboard.press("Escape")


def test_every_main_page_fits_every_width_and_every_menu_item_is_reachable(
    live_server, chromium_path, settings, monkeypatch
):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.OTP_REQUIRED_FOR_ADMIN = False
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    pages = main_pages()
    base = live_server.url
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            for user in (None, *ROLE_ACCOUNTS):
                for language in ("vi", "en"):
                    context = browser.new_context(viewport={"width": 1440, "height": 900})
                    page = context.new_page()
                    if user:
                        log_in(page, base, user)
                    else:
                        page.goto(f"{base}/vinh-danh/")
                    if language == "en":
                        set_language(page, "en")
                    for item in (p for p in pages if p.user == user):
                        response = page.goto(base + item.path)
                        assert response.status < 400, (item, response.status)
                        page.wait_for_load_state("load")
                        for width in WIDTHS:
                            page.set_viewport_size({"width": width, "height": 900})
                            where = f"{item.slug} [{user} {language} {width}px]"
                            overflow = page.evaluate(PAGE_OVERFLOW)
                            if overflow:
                                problems.append(f"{where}: scrolls sideways {overflow}")
                    if user:
                        page.goto(f"{base}/")
                        for width in WIDTHS:
                            page.set_viewport_size({"width": width, "height": 900})
                            _check_menus(
                                page, width, f"home [{user} {language} {width}px]", problems
                            )
                    context.close()
        finally:
            browser.close()
            connections.close_all()
    assert problems == [], "\n".join(problems)
