"""HTML, script and formula payloads in every free-text field, read back on every page that shows
them (issue 8).

Every CharField and TextField of the domain models that a person can type into (found from the
models, so a new one is covered without editing this file; NOT_TYPED lists those the portal
writes itself, with the reason) gets a payload in every row of the world of
tests/security/crawl.py, written straight into the database: stored data is never trusted,
whether it came through a form, an import or the admin. Each payload carries a tag (Q12Q) naming
its field, an HTML or script injection, a formula prefix for spreadsheets and `{{ 7*7 }}`.

Then the crawl of tests/security/test_access_crawl.py opens every page as the owner's users
(and the public pages anonymously, the admin as a system administrator), the exports as .csv and
.xlsx, the Atom feeds, and the printed documents as the HTML they are printed from, and checks:
- no element carries an on* attribute or a javascript: URL, and no script element runs other
  than our static files (HTML parsed with html.parser; the Atom summaries, which readers render
  as HTML, too);
- no spreadsheet cell holding user text starts with = + - @ (they are neutralised with ');
- every field's tag was seen somewhere, so that no field escapes the crawl unnoticed.
"""

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import defaultdict

import openpyxl
import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.exports import FORMULA_PREFIXES
from tests.security import crawl
from tests.security.test_access_crawl import ROUTES, Guarded, Public, Scoped, entries

pytestmark = pytest.mark.django_db

# Fields the portal writes itself, or codes it validates: not free text a person types.
NOT_TYPED = {
    "core.AuditEvent.action": "a code the portal writes",
    "core.AuditEvent.target_type": "a model name the portal writes",
    "core.AuditEvent.target_id": "a primary key the portal writes",
    "core.FormToken.target_type": "a model label the portal writes",
    "core.FormToken.target_id": "a primary key the portal writes",
    "core.ImportJob.kind": "the importer's code",
    "core.ImportJob.file_format": "detected from the file",
    "units.Unit.path": "the tree's materialised path",
    "units.Unit.code": "a code: part of URLs and imports, validated",
    "units.User.password": "a password hash",
    "units.User.first_name": "Django's, unused: no form, import or admin page sets it (full_name)",
    "units.User.last_name": "Django's, unused: no form, import or admin page sets it (full_name)",
    "criteria.Title.code": "a code: part of URLs and imports, validated",
    "criteria.CriteriaSet.code": "a code: part of URLs and imports, validated",
    "criteria.EligibilityRule.code": "a code: part of URLs and imports, validated",
    "campaigns.Campaign.code": "a code: part of URLs and imports, validated",
    "campaigns.Campaign.reminder_days": "a list of numbers, validated and parsed",
    "nominations.NominationEvent.kind": "a code the portal writes",
    "nominations.NominationEvent.from_state": "a code the portal writes",
    "nominations.NominationEvent.to_state": "a code the portal writes",
    "nominations.Evidence.content_type": "detected from the file's bytes",
    "notifications.Message.key": "an idempotency key the portal writes",
    "notifications.Message.url": "a path the portal builds with reverse()",
    "notifications.Delivery.channel": "a code the portal writes",
    "reporting.Export.error": "an exception message the portal writes",
}
# Typed and kept, but shown on no page today: still poisoned (a page that starts showing them
# is checked), only not required to turn up.
SHOWN_NOWHERE = {
    "nominations.Decision.reason": "the reason of a revocation decision, kept for the record",
}

LEADS = ('=HYPERLINK("http://evil.example","x")', "=1+1", "+1", "-1", "@SUM(1)")
INJECTIONS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
)
EXTRAS = (" {{ 7*7 }}", " javascript:alert(1)", "<script>alert(1)</script>")
TAG = re.compile(r"Q(\d+)Q")
RAW = ("<script>alert(", "<img src=x onerror", "<svg onload")


def payload(n: int, max_length: int | None) -> str | None:
    """Tag first (it must survive truncation), after a formula lead when it fits; None when
    not even a tag and an injection fit."""
    room = max_length or 10_000
    injections = [INJECTIONS[(n + i) % len(INJECTIONS)] for i in range(len(INJECTIONS))]
    leads = [LEADS[n % len(LEADS)], "@", ""]
    fitting = [
        lead + f"Q{n}Q" + injection
        for injection in injections
        for lead in leads
        if len(lead + f"Q{n}Q" + injection) <= room
    ]
    if not fitting:
        return None
    value = fitting[0]
    for extra in EXTRAS:
        if len(value + extra) <= room:
            value += extra
    return value


def _unique(model, field) -> bool:
    from django.db.models import UniqueConstraint

    together = [*model._meta.unique_together]
    together += [c.fields for c in model._meta.constraints if isinstance(c, UniqueConstraint)]
    return field.unique or any(field.name in fields for fields in together)


def poison(world) -> dict[int, str]:
    """Write a payload into every typed text field of every row; the tag number → field."""
    from nominations.models import Nomination

    fields = {}
    problems = []
    for n, (model, field) in enumerate(crawl.text_fields(), start=1):
        label = f"{model._meta.label}.{field.name}"
        if label in NOT_TYPED:
            continue
        fields[n] = label
        rows = list(model.objects.values_list("pk", flat=True))
        if not rows:
            problems.append(f"{label}: no row in the world; add one to crawl.build_world")
            continue
        value = payload(n, field.max_length)
        if value is None:
            problems.append(f"{label}: max_length {field.max_length} holds no payload")
            continue
        try:
            with transaction.atomic():
                if _unique(model, field):
                    for i, pk in enumerate(rows):
                        suffix = f"~{i}"
                        cut = (field.max_length or 10_000) - len(suffix)
                        model.objects.filter(pk=pk).update(**{field.attname: value[:cut] + suffix})
                else:
                    model.objects.update(**{field.attname: value})
        except DatabaseError as exc:
            problems.append(f"{label}: the payload could not be set ({exc})")
    assert not problems, "\n".join(problems)
    # The dossier's JSON text: its CV lines and video links (shown as links).
    n = max(fields) + 1
    fields[n] = "nominations.Nomination.cv"
    for nomination in Nomination.objects.all():
        cv = {key: payload(n, 255) for key in nomination.cv} or {"position": payload(n, 255)}
        n_links = n + 1
        links = [f"javascript:alert('Q{n_links}Q')", f'https://x.example/"><b Q{n_links}Q>']
        Nomination.objects.filter(pk=nomination.pk).update(cv=cv, video_links=links)
    fields[n + 1] = "nominations.Nomination.video_links"
    return fields


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    for world in crawl.world_for_module(django_db_blocker, tmp_path_factory):
        with django_db_blocker.unblock():
            world.fields = poison(world)
        yield world


@pytest.fixture(scope="module")
def findings(world):
    """What every test of this module saw: tags found, problems by page."""
    return {"seen": set(), "problems": defaultdict(list), "kinds": set(), "neutralised": 0}


def check_html(text: str, where: str, found) -> None:
    page = crawl.inspect_html(text)
    for problem in page.problems:
        found["problems"][where].append(problem)
    for needle in RAW:
        if needle in text:
            found["problems"][where].append(f"raw {needle!r} in the markup")
    for piece in page.texts:
        found["seen"].update(int(m) for m in TAG.findall(piece))
        if "{{ 7*7 }}" in piece:  # shown as typed, never evaluated
            found["kinds"].add("template text")


def check_cells(rows, where: str, found) -> None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and TAG.search(cell):
                found["seen"].update(int(m) for m in TAG.findall(cell))
                if cell.startswith(FORMULA_PREFIXES):
                    found["problems"][where].append(f"formula cell {cell[:60]!r}")
                elif cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES):
                    found["neutralised"] += 1


def check_feed(body: bytes, where: str, found) -> None:
    root = ET.fromstring(body)  # noqa: S314  (our own feed)
    for element in root.iter():
        text = element.text or ""
        found["seen"].update(int(m) for m in TAG.findall(text))
        if element.get("type") == "html":  # readers render it as HTML
            check_html(text, f"{where} <{element.tag}>", found)


def check_response(response, where: str, found) -> None:
    kind = response.get("Content-Type", "")
    body = crawl.body_bytes(response)
    found["kinds"].add(kind.split(";")[0])
    if "html" in kind:
        check_html(body.decode(), where, found)
    elif "csv" in kind:
        check_cells(csv.reader(io.StringIO(body.decode("utf-8-sig"))), where, found)
    elif "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        found["problems"][where].append(f"formula {cell.coordinate}")
            check_cells(sheet.iter_rows(values_only=True), where, found)
    elif "wordprocessingml" in kind:
        check_docx(body, found)
    elif "atom" in kind or "xml" in kind:
        check_feed(body, where, found)


def check_docx(body: bytes, found) -> None:
    """A Word file (the draft decision): its text is literal (Word runs no markup and no
    formulas); note which typed fields it shows."""
    from docx import Document

    document = Document(io.BytesIO(body))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for text in texts:
        found["seen"].update(int(m) for m in TAG.findall(text))


# Who opens what: the owner's side in every role, and a system administrator.
READERS = (
    "a_nominator",
    "a_principal",
    "commune_approver",
    "dn_approver",
    "dn_secretary",
    "dn_admin",
    "superuser",
)


def _xlsx_too(url: str) -> list[str]:
    for csv_query in ("format=csv", "export=csv"):
        if csv_query in url:
            return [url, url.replace(csv_query, csv_query.replace("csv", "xlsx"))]
    return [url]


def crawl_urls(world) -> list[tuple[str, str]]:
    """(who, url) of every page of the access crawl's table, PDFs aside (their HTML is
    rendered below)."""
    visits = []
    for name in sorted(ROUTES):
        for entry in entries(name):
            if isinstance(entry, Public):
                route = next(r for r in crawl.routes() if r.name == name)
                if not route.kwargs:
                    visits.append(("anonymous", reverse(name)))
                continue
            assert isinstance(entry, Guarded | Scoped)
            for expand in entry.targets:
                for target in expand(world):
                    url = target.url(name)
                    if target.path(name).endswith(".pdf"):
                        continue
                    for who in READERS:
                        visits.extend((who, u) for u in _xlsx_too(url))
    # The public pages with objects, and the honour board's filters.
    recognised = world.nominations["recognised"].pk
    visits += [
        ("anonymous", reverse("reporting:exemplar", args=[recognised])),
        ("anonymous", reverse("reporting:honour_unit_feed", args=[world.school_a.code])),
        ("anonymous", reverse("reporting:honour_board") + f"?don_vi={world.school_a.code}"),
        ("anonymous", reverse("nominations:consultation_public", args=[world.consultation.pk])),
    ]
    return visits


@pytest.fixture
def clients(world, settings):
    settings.MEDIA_ROOT = world.media_root
    settings.OTP_REQUIRED_FOR_ADMIN = False  # the admin's pages show the fields too
    made = {"anonymous": Client()}
    for who in READERS:
        made[who] = Client()
        made[who].force_login(getattr(world, who))
    return made


def test_pages_render_payloads_as_text(world, clients, findings):
    failures = []
    for who, url in crawl_urls(world):
        response = crawl.settle(clients[who].get(url))
        if response.status_code >= 500:
            failures.append(f"{who} {url}: {response.status_code}")
        if response.status_code == 200:
            check_response(response, f"{who} {url}", findings)
    assert not failures, "\n".join(failures)
    problems = dict(findings["problems"])
    assert not problems, "\n".join(f"{k}: {v[:5]}" for k, v in problems.items())
    # The crawl reached every kind of output, and formula payloads did reach spreadsheets.
    assert {
        "text/html",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/atom+xml",
        "template text",
    } <= findings["kinds"], findings["kinds"]
    assert findings["neutralised"] > 0


def test_admin_pages_render_payloads_as_text(world, clients, findings):
    from django.contrib import admin

    client = clients["superuser"]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages = [reverse("admin:{}_{}_changelist".format(*info))]
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            check_response(response, f"admin {url}", findings)
    problems = {k: v for k, v in findings["problems"].items() if k.startswith("admin")}
    assert not problems, "\n".join(f"{k}: {v[:5]}" for k, v in problems.items())


def documents(world):
    """The HTML every printed document is made from (PDFs are printed from exactly this)."""
    from reporting import printing
    from yearly.printing import report_document

    def fresh(obj):  # as poisoned in the database, not as built
        return type(obj).objects.get(pk=obj.pk)

    for place, nomination in world.nominations.items():
        yield f"report {place}", printing.nomination_document(fresh(nomination))
    for kind in printing.LIST_HEADINGS:
        for unit in (world.school_a, world.commune, world.dn):
            yield (
                f"list {kind} {unit.code}",
                printing.unit_list_document(fresh(world.round), fresh(unit), kind),
            )
    yield "minutes", printing.council_minutes_document(fresh(world.session))
    yield "annex", printing.decision_annex_document(fresh(world.decision))
    yield "revocation annex", printing.decision_annex_document(fresh(world.revocation))
    yield "yearly report draft", report_document(fresh(world.report), live=True)
    yield "yearly report sent", report_document(fresh(world.sent_report), live=False)


def test_printed_documents_render_payloads_as_text(world, clients, findings):
    from reporting.documents import render_html

    with translation.override("vi"):
        for where, (template, context, _filename) in documents(world):
            check_html(render_html(template, context), f"document {where}", findings)
    problems = {k: v for k, v in findings["problems"].items() if k.startswith("document")}
    assert not problems, "\n".join(f"{k}: {v[:5]}" for k, v in problems.items())


def test_every_field_was_seen(world, findings):
    """Runs last: the tags of every typed field turned up on some page, export or document."""
    if not findings["seen"]:
        pytest.fail("the crawl tests of this module did not run first")
    missing = [
        label
        for n, label in world.fields.items()
        if n not in findings["seen"] and label not in SHOWN_NOWHERE
    ]
    assert not missing, (
        "these fields were shown on no crawled page: add the page that shows them to the crawl "
        f"(or the field to NOT_TYPED with the reason): {missing}"
    )
