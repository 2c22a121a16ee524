"""Every kind of response carries the strict Content-Security-Policy, and the templates served
to browsers contain nothing that it would block (inline scripts, style attributes, handlers)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.nominations.conftest import (  # noqa: F401  (the nomination fixtures, shared)
    campaign,
    clock,
    new_nomination,
    users,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no CSP on {response.request['PATH_INFO']}"
    return {
        name: value.strip()
        for name, _, value in (part.strip().partition(" ") for part in header.split(";"))
        if name
    }


def assert_strict(response):
    directives = policy(response)
    for name, value in REQUIRED.items():
        assert directives.get(name) == value, (name, directives.get(name))
    header = response.headers["Content-Security-Policy"]
    for loophole in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "*", "http:", "https:"):
        assert loophole not in header


def test_html_pages_public_pages_and_the_login_page(client, nominator_a):
    for url in (reverse("login"), reverse("reporting:honour_board"), reverse("password_reset")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
    client.force_login(nominator_a)
    for url in (reverse("home"), reverse("units:person_list"), reverse("nominations:list")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_admin_pages(client, make_user):
    client.force_login(make_user(username="quantri", is_staff=True, is_superuser=True))
    for url in (reverse("admin:index"), reverse("admin:units_user_changelist")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_file_downloads_and_error_pages(client, users, new_nomination, clock):  # noqa: F811
    nomination = new_nomination()
    evidence = nomination.evidence.first()
    client.force_login(users.nominator)
    download = client.get(
        reverse("nominations:evidence_download", args=[nomination.pk, evidence.pk])
    )
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert_strict(download)
    export = client.get(reverse("units:person_export") + "?format=csv")
    assert export.status_code == 200
    assert_strict(export)
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404
    assert_strict(missing)


def test_clickjacking_and_sniffing_headers_stay(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# --- the templates hold nothing the policy blocks --------------------------------------------
# Never served to a browser under the policy: an e-mail body, and a block included only by the
# documents that WeasyPrint prints (both checked below).
NOT_SERVED = {
    "templates/notifications/email.html",
    "templates/reporting/signatures.html",
}
INLINE = [
    re.compile(r"\sstyle\s*=", re.I),  # style attribute
    re.compile(r"<style", re.I),  # style element
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),  # script without src
    re.compile(r"\son[a-z]+\s*=", re.I),  # onclick= and friends
    re.compile(r"javascript:", re.I),
    re.compile(r"hx-on", re.I),  # htmx inline handlers are evaluated code
]


def project_templates():
    for path in sorted(ROOT.glob("templates/**/*.html")) + sorted(
        ROOT.glob("*/templates/**/*.html")
    ):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith((".venv/", "staticfiles/")):
            yield relative, path.read_text()


def python_sources(pattern):
    return "".join(
        path.read_text()
        for path in ROOT.glob(pattern)
        if not {".venv", "tests", "migrations"} & set(path.relative_to(ROOT).parts)
    )


def test_no_template_served_to_browsers_has_inline_code_or_style():
    offenders = [
        (name, pattern.pattern)
        for name, text in project_templates()
        if name not in NOT_SERVED
        for pattern in INLINE
        if pattern.search(text)
    ]
    assert offenders == []


def test_the_exempted_templates_are_only_printed_or_mailed():
    printing = python_sources("reporting/**/printing.py") + python_sources("yearly/printing.py")
    views = python_sources("**/*views.py")
    includers = [
        name.removeprefix("templates/")
        for name, text in project_templates()
        if "reporting/signatures.html" in text
    ]
    assert includers
    for template in includers:
        assert template in printing, template  # handed to render_pdf by the printing module
        assert template not in views, template
    assert "notifications/email.html" in python_sources("notifications/channels.py")
    assert "notifications/email.html" not in views


def test_htmx_is_configured_for_the_policy(client, nominator_a):
    client.force_login(nominator_a)
    page = client.get(reverse("home")).text
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert config is not None
    assert '"includeIndicatorStyles":false' in config.group(1)
    assert '"allowEval":false' in config.group(1)
    assert ".htmx-indicator" in (ROOT / "static/css/portal.css").read_text()


# --- caching: nothing a logged-in user sees stays in a cache ----------------------------------
PRIVATE = "no-store, private"


def _downloads(client, nomination, person):
    evidence = nomination.evidence.first()
    responses = {
        "evidence": client.get(
            reverse("nominations:evidence_download", args=[nomination.pk, evidence.pk])
        ),
        "dossier photo": client.get(reverse("nominations:photo", args=[nomination.pk])),
        "person photo": client.get(reverse("units:person_photo", args=[person.pk])),
        "export": client.get(reverse("units:person_export") + "?format=csv"),
    }
    for response in responses.values():
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end, which closes the file
    return responses


def _with_photo(person):
    from django.core.files.base import ContentFile

    from tests.factories import photo_upload as photo

    person.photo.save("anh.jpg", ContentFile(photo().read()), save=True)
    return person


def test_logged_in_pages_and_downloads_are_not_cached(client, users, new_nomination, clock):  # noqa: F811
    nomination = new_nomination()
    client.force_login(users.nominator)
    pages = {
        url: client.get(url)
        for url in (
            reverse("home"),
            reverse("nominations:list"),
            reverse("nominations:detail", args=[nomination.pk]),
            reverse("units:person_list"),
            reverse("reporting:honour_board"),  # it shows the user's menu and name
        )
    }
    for url, response in pages.items():
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url
    for what, response in _downloads(
        client, nomination, _with_photo(nomination.nominee_person)
    ).items():
        assert response.status_code == 200, what
        assert response["Cache-Control"] == PRIVATE, what


def test_downloads_say_so_themselves(client, users, new_nomination, clock, settings):  # noqa: F811
    """Whatever path reaches them (a middleware list changed, a view reused elsewhere)."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "private_when_logged_in" not in m]
    nomination = new_nomination()
    client.force_login(users.nominator)
    for what, response in _downloads(
        client, nomination, _with_photo(nomination.nominee_person)
    ).items():
        assert response.status_code == 200, what
        assert response["Cache-Control"] == PRIVATE, what


def test_public_pages_keep_their_caching_for_visitors(client):
    for url in (reverse("reporting:honour_board"), reverse("nominations:consultation_list")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url
