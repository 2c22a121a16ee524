"""`python -m bench.screens [OUT_DIR]` (`make screens`): screenshots of every main page of the
portal, on the demo data, at a phone's width (390 px) and an office laptop's (1366 px), into
docs/screens/ (linked from the README), so that anyone can see the portal without running it.

It seeds a throwaway SQLite database, runs the development server on a free port, signs in as
the demo account each page belongs to and shoots it in Chromium (Playwright). The catalogue of
main pages, `main_pages`, is shared with the browser tests (tests/browser/test_screens_*.py),
which open the same pages at five widths in both languages and run axe-core on them."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "ThiDua@2026"  # noqa: S105 (the demo accounts', README)
WIDTHS = (390, 1366)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
# One demo account per role (README's table), the one with the most menu items first, and the
# account that holds two roles (its menu has the role switch).
ROLE_ACCOUNTS = (
    "so.lanhdao",  # approver at the Sở: the most menu items
    "truong.canbo",  # nominator at a school
    "so.thuky",  # council secretary
    "so.quantri",  # campaign admin
    "bo.xem",  # viewer
    "giaovien.kiemnhiem",  # nominator and viewer: the role switch
    "quantri",  # superuser: the admin link
)


@dataclass(frozen=True)
class Page:
    slug: str  # the screenshot's name
    user: str | None  # the demo account that opens it; None: not signed in
    path: str


def ensure_draft():
    """A draft dossier of `truong.canbo`'s school with a summary pasted from Word, so that the
    edit page and the nominator's home show work in progress (the demo has none)."""
    from campaigns.enums import CampaignStatus
    from campaigns.selectors import rounds_open_to
    from nominations.enums import State
    from nominations.models import Nomination
    from nominations.services.dossier import nomination_create, nomination_update
    from units.models import Person, User

    user = User.objects.get(username="truong.canbo")
    unit = user.memberships.get().unit
    existing = Nomination.objects.filter(nominating_unit=unit, state=State.DRAFT).first()
    if existing:
        return existing
    for campaign in (
        c
        for c in _campaigns_open_to(user, unit)
        if c.status == CampaignStatus.OPEN and "teacher" in c.categories
    ):
        rounds = [r for r in rounds_open_to(campaign, unit) if r.open]
        title = next((t for t in campaign.titles.all() if t.fits("teacher")), None)
        if not rounds or title is None:
            continue
        person = Person.objects.filter(unit=unit, is_active=True).order_by("full_name").first()
        draft = nomination_create(
            actor=user,
            campaign=campaign,
            round_=rounds[0].round,
            category="teacher",
            title=title,
            nominating_unit=unit,
            person=person,
        )
        return nomination_update(
            actor=user,
            nomination=draft,
            summary=(
                "<p>Cô giáo chủ nhiệm lớp 11A2, tổ trưởng tổ Ngữ văn, <strong>15 năm</strong> "
                "liên tục hoàn thành xuất sắc nhiệm vụ.</p><ul><li><p>Đổi mới phương pháp dạy "
                "học theo hướng phát triển năng lực.</p></li><li><p>Bồi dưỡng học sinh giỏi "
                "cấp thành phố: <em>12 giải</em>.</p></li></ul><table><tbody><tr><td><p>Năm học"
                "</p></td><td><p>Kết quả</p></td></tr><tr><td><p>2025-2026</p></td><td><p>"
                "Chiến sĩ thi đua cơ sở</p></td></tr></tbody></table>"
            ),
        )
    return None


def _campaigns_open_to(user, unit):
    from nominations.selectors import campaigns_open_to

    return campaigns_open_to(user, unit)


def main_pages() -> list[Page]:
    """Every main page, each with the demo account that uses it. Reads the demo database."""
    from django.urls import reverse

    from campaigns.models import Campaign
    from nominations.models import CouncilSession
    from nominations.selectors import nominations_visible_to
    from units.models import User

    draft = ensure_draft()
    leader = User.objects.get(username="so.lanhdao")
    dossier = (
        nominations_visible_to(leader).exclude(photo="").order_by("pk").first()
        or nominations_visible_to(leader).order_by("pk").first()
    )
    campaign = Campaign.objects.filter(code="SGD-DN-DHTT-2024-2027").first()
    session = CouncilSession.objects.order_by("pk").first()
    unit = leader.memberships.get().unit
    pages = [
        Page("login", None, reverse("login")),
        Page("honour-board", None, reverse("reporting:honour_board")),
        Page("consultations-public", None, reverse("nominations:consultation_list")),
        Page("home-approver", "so.lanhdao", reverse("home")),
        Page("queue", "so.lanhdao", reverse("nominations:queue")),
        Page("dossiers", "so.lanhdao", reverse("nominations:list")),
        Page("dossier", "so.lanhdao", reverse("nominations:detail", args=[dossier.pk])),
        Page("consultation", "so.lanhdao", reverse("nominations:consultation_manage")),
        Page("campaigns", "so.lanhdao", reverse("campaigns:list")),
        Page("dashboard", "so.lanhdao", reverse("reporting:dashboard")),
        Page("units", "so.lanhdao", reverse("units:unit_list")),
        Page("unit", "so.lanhdao", reverse("units:unit_detail", args=[unit.code])),
        Page("people", "so.lanhdao", reverse("units:person_list")),
        Page("titles", "so.lanhdao", reverse("criteria:title_list")),
        Page("criteria-sets", "so.lanhdao", reverse("criteria:criteriaset_list")),
        Page("yearly", "so.lanhdao", reverse("yearly:index")),
        Page("notifications", "so.lanhdao", reverse("notifications:inbox")),
        Page("account-security", "so.lanhdao", reverse("account_security")),
        Page("home-nominator", "truong.canbo", reverse("home")),
        Page("create", "truong.canbo", reverse("nominations:create")),
        Page("home-secretary", "so.thuky", reverse("home")),
        Page("councils", "so.thuky", reverse("nominations:council_list")),
        Page("home-campaign-admin", "so.quantri", reverse("home")),
        Page("home-viewer", "bo.xem", reverse("home")),
        Page("home-two-roles", "giaovien.kiemnhiem", reverse("home")),
        Page("home-superuser", "quantri", reverse("home")),
    ]
    if campaign is not None:
        pages += [
            Page("campaign", "so.lanhdao", reverse("campaigns:detail", args=[campaign.code])),
            Page(
                "create-in-campaign",
                "truong.canbo",
                f"{reverse('nominations:create')}?phong_trao={campaign.code}",
            ),
        ]
    if draft is not None:
        pages.append(Page("edit", "truong.canbo", reverse("nominations:edit", args=[draft.pk])))
    if session is not None:
        pages.append(
            Page("council", "so.thuky", reverse("nominations:council_detail", args=[session.pk]))
        )
    return pages


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def set_language(page, code: str) -> None:
    """The footer's language buttons (the choice is kept in a cookie)."""
    page.locator(f"footer button[value={code}]").click()
    page.wait_for_load_state("load")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shoot(base: str, pages: list[Page], out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for user in dict.fromkeys(p.user for p in pages):
                context = browser.new_context(viewport={"width": WIDTHS[-1], "height": 768})
                page = context.new_page()
                if user:
                    log_in(page, base, user)
                for item in (p for p in pages if p.user == user):
                    for width in WIDTHS:
                        page.set_viewport_size(
                            {"width": width, "height": 844 if width < 800 else 768}
                        )
                        page.goto(base + item.path)
                        page.wait_for_load_state("load")
                        page.wait_for_timeout(150)  # the summary editor starts
                        height = min(page.evaluate("document.documentElement.scrollHeight"), 1600)
                        path = out / f"{item.slug}-{width}.png"
                        page.screenshot(
                            path=path,
                            full_page=True,
                            clip={"x": 0, "y": 0, "width": width, "height": height},
                        )
                        written.append(path)
                context.close()
        finally:
            browser.close()
    return written


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},  # Celery runs eagerly
            "DATABASE_URL": f"sqlite:///{folder}/screens.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "EMAIL_URL": "dummymail://",
            "DEBUG": "1",
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, str(root / "manage.py")]
        quiet = {"cwd": root, "env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], **quiet)  # noqa: S603
        subprocess.run([*manage, "seed_demo", "--scale", "demo", "-v0"], **quiet)  # noqa: S603
        os.environ.update(
            {k: env[k] for k in ("DATABASE_URL", "MEDIA_ROOT", "EMAIL_URL", "LOG_LEVEL")}
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        pages = main_pages()
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 (our own fixed arguments)
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _attempt in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            written = shoot(base, pages, out)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{len(written)} screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screens"))
