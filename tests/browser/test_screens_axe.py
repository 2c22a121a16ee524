"""axe-core (vendored as a test asset, tests/browser/assets/) on every main page
(bench.screens.main_pages) at a phone's width and an office laptop's, with the account menu and
the side menu open too: no critical and no serious violation of WCAG 2.1 A/AA. The pages (the
summary editor among them) also run without a single Content-Security-Policy violation."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from bench.screens import log_in, main_pages, set_language
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.browser.test_login import CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text()
WIDTHS = (390, 1366)
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    resultTypes: ['violations'],
  });
  return result.violations
    .filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => `${v.id} (${v.impact}): ` + v.nodes.slice(0, 3).map(
      n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n')[1]
    ).join(' | '));
}"""


def _axe(page, where, problems):
    for violation in page.evaluate("window.__cspViolations || []"):
        problems.append(f"{where}: CSP {violation}")
    # Evaluated through DevTools, not as a <script> of the page: the strict CSP stays as it is.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)
    for violation in page.evaluate(RUN_AXE):
        problems.append(f"{where}: {violation}")


def test_every_main_page_has_no_serious_accessibility_violation(
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
            for user in dict.fromkeys(p.user for p in pages):
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.add_init_script(RECORD_VIOLATIONS)
                if user:
                    log_in(page, base, user)
                for item in (p for p in pages if p.user == user):
                    for width in WIDTHS:
                        page.set_viewport_size({"width": width, "height": 900})
                        page.goto(base + item.path)
                        page.wait_for_load_state("load")
                        _axe(page, f"{item.slug} [{width}px]", problems)
                if user == "so.lanhdao":
                    # The menus open, in both languages.
                    for language in ("vi", "en"):
                        if language == "en":
                            set_language(page, "en")
                        for width in WIDTHS:
                            page.set_viewport_size({"width": width, "height": 900})
                            page.goto(f"{base}/")
                            page.get_by_test_id("membership-menu").click()
                            _axe(page, f"account menu [{language} {width}px]", problems)
                            page.keyboard.press("Escape")
                            if width < 1200:
                                page.get_by_test_id("menu-button").click()
                                page.locator("#mainnav.show").wait_for()
                                _axe(page, f"side menu [{language} {width}px]", problems)
                context.close()
        finally:
            browser.close()
            connections.close_all()
    assert problems == [], "\n".join(problems)
