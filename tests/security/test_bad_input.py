"""Bad input, explored by hypothesis: whatever people type, paste or upload as a spreadsheet, the
forms, the summary sanitiser, the import parsers and the eligibility evaluator answer with a
clear error or a correct result, never with an exception, and never half-save.

HYPOTHESIS_PROFILE=ci (tests/conftest.py) tries many more examples than a local run.
"""

import csv
import datetime
import io
import re
import unicodedata
from contextlib import contextmanager, suppress
from datetime import date
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import assume, event, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from campaigns.models import Round
from campaigns.selectors import rounds_open_to
from core.idempotency import TOKEN_FIELD
from core.imports import (
    IMPORTERS,
    ImportFileError,
    import_job_check,
    import_job_confirm,
    read_dataset,
    valid_rows,
)
from core.models import ImportJob, ImportStatus
from core.text import clean_text
from core.widgets import ChoiceWidget, NumberWidget, VietnameseDateWidget, YesNoWidget
from criteria.eligibility import evaluate_rules, share_meets
from criteria.enums import (
    DisciplineLevel,
    Rating,
    RecognitionScope,
    RecordKind,
    RuleStatus,
    RuleType,
)
from criteria.models import (
    AchievementRecord,
    CriteriaSet,
    Criterion,
    EligibilityRule,
    RuleVersion,
    Title,
)
from nominations import services
from nominations.forms import (
    AssessmentForm,
    ConsultationForm,
    ContentForm,
    CouncilSessionForm,
    EvidenceForm,
    NominationCreateForm,
    PublicCommentForm,
    ReceivedTitleForm,
    ReviewForm,
    TransitionForm,
    VoteForm,
    WorkFormSet,
)
from nominations.lists import QueueFilter
from nominations.models import Nomination
from nominations.summary import SUMMARY_TAGS, sanitise_summary
from tests.factories import PersonFactory, title
from tests.nominations import conftest as dossiers
from units.enums import Position, Role
from units.models import Person, Unit

pytestmark = pytest.mark.django_db

# The dossier fixtures of the nominations tests: a campaign open for Q1/2026, users of every role.
campaign, clock, new_nomination, users = (
    dossiers.campaign,
    dossiers.clock,
    dossiers.new_nomination,
    dossiers.users,
)
EXAMPLES = hypothesis_settings().max_examples


@contextmanager
def rolled_back():
    """One hypothesis example's writes, undone before the next example."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- what people type --------------------------------------------------------------------------
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ"
    "áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x08\x1b[31m",
    "\u202efdp.exe",  # right-to-left override
    "\u200b\u200d\ufeff",
    "مرحبا بالعالم",
    "😀👍🏽👨‍👩‍👧",
    "Nguyễn Thị Ánh",
    unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    '"><svg/onload=alert(1)>',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "' OR 1=1 --",
    "%s %(x)s {0} {{ x }}",
    "../../etc/passwd",
    "\r\n\r\n\t",
    "NaN",
    "Infinity",
    "-Infinity",
    "sNaN",
    "1e999999",
    "9" * 5000,
    "-0",
    "0x1F",
    "١٢٣",  # Arabic-Indic digits
    "３１/１２/２０２５",  # full-width
    "31/02/2025",
    "00/00/0000",
    "29/02/2100",
    "01/01/0001",
    "31/12/9999",
    "01/01/10000",
    "2025-13-45",
]
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=200),
    st.text(alphabet=VIETNAMESE + " \n<>&\"'/=;", max_size=200),
    st.builds(lambda s, n: s * n, st.sampled_from(["Ạ", "<b>x", "a "]), st.integers(500, 30_000)),
)
numbers = st.one_of(
    st.integers().map(str),
    st.integers(-(10**40), 10**40).map(str),
    st.floats().map(str),
    st.decimals().map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(str),
)
values = st.one_of(texts, numbers)


def post_data(draw, names):
    """A browser POST: some of the form's fields (and some it does not have), 1-2 values each."""
    keys = st.one_of(st.sampled_from(sorted(names)), st.text(max_size=20))
    return MultiValueDict(
        draw(st.dictionaries(keys, st.lists(values, min_size=1, max_size=2), max_size=12))
    )


def attempt(call, expected):
    """(result, None), or (None, the error) if `call` raised the `expected` kind of error."""
    try:
        return call(), None
    except expected as exc:
        return None, exc


def assert_answers_clearly(form):
    """Valid, or invalid with readable errors on its own fields; and it still renders."""
    valid = form.is_valid()
    assert isinstance(valid, bool)
    if not valid:
        assert form.errors
        for name, errors in form.errors.items():
            assert name == "__all__" or name in form.fields
            assert all(isinstance(e, str) and e for e in errors)
    form.as_div()
    return valid


def assert_formset_answers_clearly(formset):
    valid = formset.is_valid()
    if not valid:
        assert formset.non_form_errors() or any(f.errors for f in formset.forms)
    formset.as_div()
    return valid


# --- 1. the nomination forms -------------------------------------------------------------------
PLAIN_FORMS = {
    "content_individual": lambda data, files: ContentForm(data, files, individual=True),
    "content_collective": lambda data, files: ContentForm(data, files, individual=False),
    "assessment": lambda data, files: AssessmentForm(data, prefix="a7"),
    "transition": lambda data, files: TransitionForm(data),
    "vote": lambda data, files: VoteForm(data),
}


@pytest.mark.parametrize("name", sorted(PLAIN_FORMS))
@given(data=st.data())
def test_plain_forms_validate_or_report_never_raise(name, data):
    build = PLAIN_FORMS[name]
    form = build(post_data(data.draw, build(None, None).fields), {})
    assert_answers_clearly(form)


@given(data=st.data())
def test_the_works_table_validates_or_reports_never_raises(data):
    names = {f"works-{k}" for k in ("TOTAL_FORMS", "INITIAL_FORMS", "MAX_NUM_FORMS")}
    for i in range(3):
        names |= {
            f"works-{i}-{f}"
            for f in ("name", "implementing_unit", "description", "roadmap", "results", "DELETE")
        }
    assert_formset_answers_clearly(WorkFormSet(post_data(data.draw, names), prefix="works"))


@pytest.fixture
def dossier(new_nomination, clock):
    return new_nomination(fill=False)


@given(data=st.data())
@hypothesis_settings(max_examples=EXAMPLES * 3)
def test_forms_on_a_dossier_validate_or_report_never_raise(dossier, campaign, users, tree, data):
    rounds = Round.objects.filter(campaign=campaign)
    nominations = Nomination.objects.filter(pk=dossier.pk)
    builders = {
        "create": lambda d: NominationCreateForm(
            d,
            campaign=campaign,
            unit=tree.school_a,
            open_rounds=rounds_open_to(campaign, tree.school_a),
        ),
        "received_title": lambda d: ReceivedTitleForm(d),
        "evidence": lambda d: EvidenceForm(d, {}, nomination=dossier),
        "review": lambda d: ReviewForm(d, nomination=dossier),
        "queue_filter": lambda d: QueueFilter(d, queryset=nominations, rounds=rounds).form,
        "council_session": lambda d: CouncilSessionForm(d, rounds=rounds, campaign=campaign),
        "consultation": lambda d: ConsultationForm(d, candidates=nominations),
        "public_comment": lambda d: PublicCommentForm(d, entries=nominations),
    }
    build = builders[data.draw(st.sampled_from(sorted(builders)))]
    fields = set(build(None).fields)
    # Real choices too, so that some forms get far enough to validate the rest.
    data_ = post_data(data.draw, fields)
    if data.draw(st.booleans()):
        data_["round"] = str(rounds[0].pk)
        data_["title"] = str(data.draw(st.sampled_from([t.pk for t in Title.objects.all()])))
        data_["nominations"] = data_["nomination"] = str(dossier.pk)
    assert_answers_clearly(build(data_))


cv_texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=80), st.text(VIETNAMESE, max_size=80))


@given(
    summary=st.one_of(texts, st.sampled_from(["<span>1 &lt; 2</span>", "<div>a\n\nb</div>"])),
    cv=st.dictionaries(
        st.sampled_from(["religion", "hometown", "residence", "political"]), cv_texts
    ),
    links=st.lists(
        st.one_of(
            st.sampled_from(["https://youtu.be/x", "http://example.vn/a?b=1#c", "javascript:x"]),
            st.text(max_size=30),
        ),
        max_size=3,
    ),
    work_names=st.lists(cv_texts, max_size=3),
)
@example(summary="<span>1 &lt; 2</span>", cv={}, links=[], work_names=[])
def test_a_valid_content_form_saved_through_the_service_round_trips(
    dossier, users, summary, cv, links, work_names
):
    data = {"summary": summary, "video_links": "\n".join(links)}
    data |= {f"cv_{k}": v for k, v in cv.items()}
    # The campaign's word limit, as the edit page passes it: without it the form accepts a
    # summary (`"<b>x" * 3001`) that the service then refuses.
    form = ContentForm(
        data, {}, individual=True, max_summary_words=dossier.campaign.max_summary_words
    )
    works = WorkFormSet(
        {
            "works-TOTAL_FORMS": str(len(work_names)),
            "works-INITIAL_FORMS": "0",
            **{f"works-{i}-name": n for i, n in enumerate(work_names)},
        },
        prefix="works",
    )
    if not (assert_answers_clearly(form) & assert_formset_answers_clearly(works)):
        return
    kept = [f.cleaned_data for f in works.forms if f.cleaned_data.get("name")]
    with rolled_back():
        services.nomination_update(
            actor=users.nominator,
            nomination=dossier,
            summary=form.cleaned_data["summary"],
            cv=form.cv(),
            video_links=form.cleaned_data["video_links"],
            works=[{k: v for k, v in w.items() if k != "DELETE"} for w in kept],
        )
        saved = Nomination.objects.get(pk=dossier.pk)
        assert saved.achievement_summary == sanitise_summary(form.cleaned_data["summary"])
        assert_safe_html(saved.achievement_summary)
        # The edit page shows the stored HTML in the form; saving it again changes nothing.
        assert sanitise_summary(saved.achievement_summary) == saved.achievement_summary
        for key, value in form.cv().items():
            assert saved.cv[key] == clean_text(value)
        assert saved.video_links == form.cleaned_data["video_links"]
        assert all(link.startswith(("http://", "https://")) for link in saved.video_links)
        assert [w.name for w in saved.works.order_by("order")] == [
            clean_text(w["name"]) for w in kept
        ]


@given(
    year=st.one_of(st.integers(1900, 2200).map(str), numbers),
    number=cv_texts,
    day=st.one_of(st.dates().map(lambda d: d.strftime("%d/%m/%Y")), numbers),
    issuer=cv_texts,
)
def test_a_received_title_saved_through_the_service_round_trips(
    dossier, users, year, number, day, issuer
):
    form = ReceivedTitleForm(
        {
            "year": year,
            "title": title("LDTT").pk,
            "decision_number": number,
            "decision_date": day,
            "issuer": issuer,
        }
    )
    if not assert_answers_clearly(form):
        return
    with rolled_back():
        fields = {k: v for k, v in form.cleaned_data.items() if k != TOKEN_FIELD}  # as the view
        record = services.received_title_add(actor=users.nominator, nomination=dossier, **fields)
        record.refresh_from_db()
        assert (record.year, record.title, record.decision_date) == (
            form.cleaned_data["year"],
            form.cleaned_data["title"],
            form.cleaned_data["decision_date"],
        )
        assert record.person == dossier.nominee_person
        assert record.decision_number == clean_text(form.cleaned_data["decision_number"])


@given(data=st.data())
@hypothesis_settings(max_examples=max(EXAMPLES // 2, 10))
def test_hostile_posts_to_the_edit_page_never_fail(client, dossier, users, data):
    """Through the real page: a 200 with errors or a redirect after saving, never a 500; a NUL
    anywhere is the site's 400 page before the view (core.middleware)."""
    fields = {"summary", "video_links", "photo_public", *(f"cv_{k}" for k in ("hometown",))}
    fields |= {"works-TOTAL_FORMS", "works-INITIAL_FORMS", "works-0-name", "works-0-DELETE"}
    fields |= {f"a{a.criterion_id}-met" for a in dossier.assessments.all()[:2]}
    payload = post_data(data.draw, fields)
    client.force_login(users.nominator)
    with rolled_back():
        response = client.post(
            reverse("nominations:edit", args=[dossier.pk]), dict(payload.lists())
        )
        has_nul = any("\x00" in k or any("\x00" in v for v in vs) for k, vs in payload.lists())
        assert response.status_code in ({400} if has_nul else {200, 302})


# --- 2. the summary sanitiser ------------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.other = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.other.append(data)

    def handle_decl(self, decl):
        self.other.append(decl)

    def handle_pi(self, data):
        self.other.append(data)


def parsed(html):
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def assert_safe_html(html):
    found = parsed(html)
    assert {tag for tag, _attrs in found.tags} <= SUMMARY_TAGS, html
    assert all(attrs == [] for _tag, attrs in found.tags), html
    assert found.other == [], html


TAGS = [
    *sorted(SUMMARY_TAGS),
    "script",
    "style",
    "img",
    "a",
    "iframe",
    "svg",
    "math",
    "div",
    "span",
    "noscript",
    "template",
    "textarea",
    "title",
    "xmp",
    "object",
    "form",
    "base",
    "meta",
]
ATTRIBUTES = [
    "onclick=alert(1)",
    'onerror="alert(1)"',
    "onmouseover='x()'",
    'style="background:url(javascript:alert(1))"',
    'href="javascript:alert(1)"',
    "src=//evil.example/x.js",
    'srcdoc="<script>alert(1)</script>"',
    'formaction="javascript:x"',
    'class="MsoNormal"',
]
leaves = st.one_of(
    texts.map(lambda t: t[:200]),
    st.sampled_from(["<!-- x -->", "<![CDATA[<script>x</script>]]>", "&lt;", "&amp;lt;", "&#x3C;"]),
    st.sampled_from(["<p", "</", "<!--", "<scr<script>ipt>", "<<b>>", "<b/onclick=x>"]),
)
html_fragments = st.recursive(
    leaves,
    lambda children: st.builds(
        lambda tag, attrs, inner, close: (
            f"<{tag}{''.join(' ' + a for a in attrs)}>{inner}" + (f"</{tag}>" if close else "")
        ),
        st.sampled_from(TAGS),
        st.lists(st.sampled_from(ATTRIBUTES), max_size=2),
        st.lists(children, max_size=4).map("".join),
        st.booleans(),
    ),
    max_leaves=12,
)


@given(html=st.one_of(html_fragments, texts))
@hypothesis_settings(max_examples=EXAMPLES * 8)
@example(html="<span>1 &lt; 2</span>")
@example(html="<div>a\n\nb</div>")
@example(html="<script>alert(1)</script>Thành tích")
@example(html="<!-- Word -->Thành tích")
@example(html="Dòng một\r\ndòng hai\r0")
@example(html="<b><h3><object><h3>")
def test_the_summary_is_always_safe_and_sanitising_twice_changes_nothing(html):
    once = sanitise_summary(html)
    assert_safe_html(once)
    assert sanitise_summary(once) == once


@given(
    text=st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")) | st.sampled_from("\n "),
        max_size=300,
    ).filter(lambda t: "<" not in t)
)
@hypothesis_settings(max_examples=EXAMPLES * 4)
@example(text="Đạt 2 < 3 & “AT&T” &amp;")
def test_plain_text_summary_keeps_every_word(text):
    """Pasted plain text (“2 < 3”, “&”) comes back word for word, never escaped twice."""
    shown = "".join(parsed(sanitise_summary(text)).text)
    normalised = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    assert shown.split() == normalised.split()


# --- 3. the import parsers ---------------------------------------------------------------------
def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows, delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258", "latin-1"]
# Cells as they come out of Excel: strings, numbers, dates, booleans, empty cells.
xlsx_cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(-1e300, 1e300),
    st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.datetimes(datetime.datetime(1900, 3, 1), datetime.datetime(9999, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60).filter(
        lambda s: not s.startswith("=")
    ),  # openpyxl would write those as formulas
    st.sampled_from([n for n in NASTY if not re.search(r"[\x00-\x1f]", n) and n[:1] != "="]),
)
csv_cells = st.one_of(st.text(max_size=60), st.sampled_from(NASTY), numbers)


def garbage_files():
    good_xlsx = xlsx_bytes([["Mã định danh", "Họ và tên"], ["001", "Nguyễn Thị Ánh"]])
    return st.one_of(
        st.binary(max_size=3000),
        st.builds(lambda cut: good_xlsx[:cut], st.integers(0, len(good_xlsx))),
        st.builds(
            lambda at, byte: good_xlsx[:at] + bytes([byte]) + good_xlsx[at + 1 :],
            st.integers(0, len(good_xlsx) - 1),
            st.integers(0, 255),
        ),
        st.builds(
            lambda rows, encoding, delimiter, bom: (
                bom + csv_text(rows, delimiter).encode(encoding, errors="replace")
            ),
            st.lists(st.lists(csv_cells, max_size=5), max_size=6),
            st.sampled_from(ENCODINGS),
            st.sampled_from([",", ";", "\t", "|"]),
            st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
        ),
        st.just(b"a,b\n" + b"x" * 200_000 + b",1\n"),  # a cell longer than csv's field limit
        st.just(b'a,b\n"never closed,' + b"y" * 140_000),
    )


@given(
    content=garbage_files(),
    name=st.sampled_from(["ds.csv", "ds.xlsx", "DS.XLSX", "ds.xls", "ds", "ds.csv.exe", ".csv"]),
)
@hypothesis_settings(max_examples=EXAMPLES * 8)
@example(content=b"a,b\n" + b"x" * 200_000 + b",1\n", name="ds.csv")
@example(content=b"\xff\xfe" + "a,b\n1,2\n".encode("utf-16-le") + b"\x00", name="ds.csv")
def test_any_file_reads_as_a_table_or_a_clear_file_error(settings, content, name):
    dataset, error = attempt(lambda: read_dataset(content=content, file_name=name), ImportFileError)
    if error is not None:
        assert str(error)
        return
    assert dataset.headers
    assert all(len(row) == len(dataset.headers) for row in dataset)
    for row in [dataset.headers, *dataset]:
        for cell in row:
            assert not (isinstance(cell, str) and re.search(r"[\x00-\x08\x0b-\x1f\x7f]", cell))


def blank(cell) -> bool:
    return cell is None or not str(cell).strip()


@given(
    rows=st.lists(st.lists(csv_cells, min_size=3, max_size=3), max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258"]),
)
@hypothesis_settings(max_examples=EXAMPLES * 4)
@example(rows=[["", "", "\r0"], ["a\nb", "\r\n", "x"]], encoding="utf-8")
def test_a_csv_keeps_every_row_and_cell(rows, encoding):
    header = ["Mã định danh", "Họ và tên", "Ghi chú"]
    text = csv_text([header, *rows])
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError:
        content = text.encode("utf-8")
    if encoding == "cp1258":  # bytes that also read as UTF-8 are taken as UTF-8, rightly
        with suppress(UnicodeDecodeError):
            assume(content.decode("utf-8") == text)
    dataset = read_dataset(content=content, file_name="ds.csv")
    # Control characters are never data: they become spaces, and a row of nothing is dropped.
    cleaned = [[clean_text(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", c)) for c in r] for r in rows]
    kept = [row for row in cleaned if any(row)]
    assert dataset.headers == header
    assert [list(row) for row in dataset] == kept


@pytest.mark.parametrize("line_end", ["\r\n", "\n", "\r"])
def test_a_csv_reads_with_any_line_ends(line_end):
    content = line_end.join(["Mã định danh,Họ và tên", "001,Nguyễn Thị Ánh", "002,Lê Văn Tám"])
    dataset = read_dataset(content=content.encode("utf-8"), file_name="ds.csv")
    assert [list(r) for r in dataset] == [["001", "Nguyễn Thị Ánh"], ["002", "Lê Văn Tám"]]


@given(rows=st.lists(st.lists(xlsx_cells, min_size=3, max_size=3), max_size=12))
@hypothesis_settings(max_examples=EXAMPLES * 2)
def test_an_xlsx_keeps_every_row_and_typed_cell(rows):
    header = ["Mã định danh", "Họ và tên", "Ngày sinh"]
    dataset = read_dataset(content=xlsx_bytes([header, *rows]), file_name="ds.xlsx")
    kept = [row for row in rows if not all(blank(c) for c in row)]
    assert len(dataset) == len(kept)
    for read, written in zip(dataset, kept, strict=True):
        for got, cell in zip(read, written, strict=True):
            if isinstance(cell, str):
                assert (got or "") == clean_text(cell)
            elif isinstance(cell, datetime.date) and not isinstance(cell, datetime.datetime):
                assert got == datetime.datetime.combine(cell, datetime.time())
            elif isinstance(cell, float):
                assert got == pytest.approx(cell, rel=1e-15, abs=1e-300)
            else:
                assert got == cell or (cell is None and got is None)


widget_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.decimals(),
    st.dates(),
    st.datetimes(),
    texts,
    numbers,
)


@given(value=widget_values)
@hypothesis_settings(max_examples=EXAMPLES * 8)
@example(value="1e2000000")
@example(value="Infinity")
@example(value="sNaN")
@example(value=float("inf"))
def test_import_widgets_clean_or_raise_a_readable_error(value):
    widgets = [
        NumberWidget(),
        NumberWidget(integer=True, required=True),
        VietnameseDateWidget(),
        YesNoWidget(),
        ChoiceWidget(Position, required=True),
    ]
    for widget in widgets:
        cleaned, error = attempt(lambda w=widget: w.clean(value), ValueError)
        if error is not None:
            assert str(error)
            continue
        if isinstance(widget, NumberWidget) and cleaned is not None:
            # What a number column lets through can be stored and compared.
            assert Decimal(cleaned).is_finite()
            assert abs(cleaned) < 10**15


def test_control_characters_in_cells_never_reach_the_database(make_user, tree):
    """NUL and escape codes in a CSV (PostgreSQL refuses NUL in text and in JSON, where the
    check's error messages quote the cell) are blanks, in the rows and in the messages."""
    actor = make_user((tree.school_a, Role.APPROVER))
    content = (
        "Mã định danh,Họ và tên,Chức vụ,Mã đơn vị\n"
        "N\x00001,Nguyễn\x00 Thị\x1b[31m Ánh,GV,TH-A\n"
        "N002,Lê Văn Tám,Chức\x00vụ lạ,TH-A\n"
    ).encode()
    job = import_job_check(
        actor=actor, importer=IMPORTERS["people"], file_name="ds.csv", content=content
    )
    assert job.status == ImportStatus.CHECKED_ERRORS
    [error] = job.errors
    assert error["row"] == 2
    assert "“Chức vụ lạ”" in error["message"]
    assert "\x00" not in str(job.preview)
    job = import_job_confirm(actor=actor, job=job, valid_only=True)
    assert Person.objects.get(identifier="N 001").full_name == "Nguyễn Thị [31m Ánh"


# Each importer with valid-looking values per column, mixed with anything at all.
def people_columns(tree):
    return {
        "Mã định danh": st.sampled_from(["N001", "N002", "N003", "n001", ""]),
        "Họ và tên": st.sampled_from(["Nguyễn Thị Ánh", "Lê Văn Tám", ""]),
        "Chức vụ": st.sampled_from(["GV", "Giáo viên", "Tổ trưởng", "Hiệu trưởng", "x"]),
        "Mã đơn vị": st.sampled_from(["TH-A", "th-a-t1", "TH-B", "THPT-C", "KHONG-CO"]),
        "Ngày sinh": st.sampled_from(["05/09/1985", "1985-09-05", "31/02/1985", ""]),
        "Giới tính": st.sampled_from(["Nam", "Nữ", "", "?"]),
        "Điện thoại": st.sampled_from(["0905123456", "905123456", ""]),
        "Thư điện tử": st.sampled_from(["a@b.vn", "không phải thư", ""]),
    }


def units_columns(tree):
    return {
        "Mã đơn vị": st.sampled_from(["TH-NEW1", "TH-NEW2", "TH-A", "TH-NEW1 ", ""]),
        "Tên đơn vị": st.sampled_from(["Trường Tiểu học Mới", ""]),
        "Cấp": st.sampled_from(["Trường", "Tổ", "Sở GDĐT", "cấp lạ"]),
        "Mã đơn vị cấp trên": st.sampled_from(["X-HC", "TH-A", "SGD-GL", "KHONG-CO", ""]),
        "Loại trường": st.sampled_from(["", "Tiểu học", "?"]),
        "Hoạt động từ ngày": st.sampled_from(["", "01/07/2025", "32/13/2025"]),
    }


def registry_columns(tree):
    return {
        "Năm": st.sampled_from(["2024", "2025", "1e2000000", "Infinity", "năm ngoái", ""]),
        "Loại": st.sampled_from(["Danh hiệu", "Xếp loại năm", "Sáng kiến", "Kỷ luật", "??"]),
        "Mã định danh": st.sampled_from(["REG-1", "REG-9", ""]),
        "Mã đơn vị": st.sampled_from(["TH-A", "THPT-C", ""]),
        "Xếp loại": st.sampled_from(["Hoàn thành tốt nhiệm vụ", "good", "", "giỏi"]),
        "Danh hiệu, hình thức": st.sampled_from(["LĐTT", "CSTDCS", "Không có", ""]),
        "Cấp công nhận": st.sampled_from(["Cấp cơ sở", "unit", ""]),
        "Hình thức kỷ luật": st.sampled_from(["Khiển trách", ""]),
        "Số quyết định": st.sampled_from(["12/QĐ", ""]),
        "Ngày quyết định": st.sampled_from(["15/08/2025", "15/08/25", "không rõ", ""]),
    }


def criteria_columns(tree):
    return {
        "Mã bộ tiêu chí": st.sampled_from(["SGD-DN-X", "SGD-DN-Y", ""]),
        "Tên bộ tiêu chí": st.sampled_from(["Bộ tiêu chí thử", ""]),
        "Đối tượng": st.sampled_from(["Giáo viên", "Tập thể", "?"]),
        "Cấp xét": st.sampled_from(["Sở", "Trường", "?"]),
        "STT": st.sampled_from(["1", "2", "2", "1,5", "1e2000000", "-1", ""]),
        "Nội dung tiêu chí": st.sampled_from(["Hoàn thành xuất sắc nhiệm vụ", ""]),
        "Loại": st.sampled_from(["Xác nhận", "Minh chứng", "Định lượng", "?"]),
        "Đơn vị sở hữu (mã)": st.sampled_from(["SGD-DN", "SGD-GL", ""]),
        "Điểm tối đa": st.sampled_from(["10", "7,5", "Infinity", "1e999999", "-3", ""]),
        "Ngưỡng": st.sampled_from(["", "50", "NaN"]),
    }


def registration_columns(tree):
    return {
        "Loại": st.sampled_from(["Tập thể", "Cá nhân", "cá nhân", "?"]),
        "Tên tập thể hoặc họ và tên": st.sampled_from(["Nguyễn Thị Ánh", "Trần Văn B", ""]),
        "Mã đơn vị": st.sampled_from(["TH-A", "TH-A-T1", "TH-B", ""]),
        "Chức vụ": st.sampled_from(["GV", "Hiệu trưởng", "", "?"]),
        "Mã định danh": st.sampled_from(["", "REG-1", "REG-X"]),
        "Danh hiệu": st.sampled_from(["", "DHTT", "LDTT"]),
    }


IMPORT_CASES = {
    "people": (people_columns, Role.APPROVER, "school_a", [Person]),
    "units": (units_columns, Role.CAMPAIGN_ADMIN, "danang", [Unit]),
    "registry": (registry_columns, Role.APPROVER, "commune", [AchievementRecord]),
    "criteria": (criteria_columns, Role.CAMPAIGN_ADMIN, "danang", [CriteriaSet, Criterion]),
    "registration": (registration_columns, Role.APPROVER, "school_a", [Nomination, Person]),
}


def counts(models):
    return [m.objects.count() for m in models]


@pytest.mark.parametrize("kind", sorted(IMPORT_CASES))
@given(data=st.data())
def test_an_import_checks_every_row_then_saves_all_or_nothing(kind, request, tree, data):
    columns_for, role, unit_name, models = IMPORT_CASES[kind]
    importer = IMPORTERS[kind]
    context = None
    if kind == "registration":
        campaign_ = request.getfixturevalue("campaign")
        request.getfixturevalue("clock")
        context = {
            "campaign_id": campaign_.pk,
            "round_id": campaign_.rounds.get().pk,
            "unit_id": tree.school_a.pk,
        }
    columns = {c: s for c, s in columns_for(tree).items() if c in importer.columns}
    header = data.draw(
        st.permutations(sorted(set(importer.required_columns) | set(columns))), label="header"
    )
    row = st.fixed_dictionaries({c: st.one_of(columns.get(c, values), values) for c in header})
    rows = data.draw(st.lists(row, min_size=1, max_size=6), label="rows")
    table = [list(header)] + [[r[c] for c in header] for r in rows]
    as_xlsx = data.draw(st.booleans(), label="xlsx")
    if as_xlsx:
        table = [[re.sub(r"[\x00-\x1f]", "", c).lstrip("=") for c in r] for r in table]
        content, name = xlsx_bytes(table), "ds.xlsx"
    else:
        content, name = csv_text(table).encode("utf-8"), "ds.csv"
    with rolled_back():
        actor = request.getfixturevalue("make_user")((getattr(tree, unit_name), role))
        if kind in ("registry", "registration"):
            PersonFactory(unit=tree.school_a, identifier="REG-1", full_name="Nguyễn Thị Ánh")
        before = counts(models)
        job, error = attempt(
            lambda: import_job_check(
                actor=actor, importer=importer, file_name=name, content=content, context=context
            ),
            ImportFileError,
        )
        if error is not None:
            assert str(error)
            assert not ImportJob.objects.exists()
            return
        assert counts(models) == before, "a check (dry run) wrote rows"
        nonblank = [r for r in table[1:] if not all(blank(c) for c in r)]
        assert job.totals["rows"] == len(nonblank)
        for error in job.errors:
            assert error["message"]
            assert error["row"] is None or 1 <= error["row"] <= len(nonblank)
        if job.status == ImportStatus.CHECKED_OK:
            job = import_job_confirm(actor=actor, job=job)
            assert job.status == ImportStatus.IMPORTED, job.errors
        else:
            assert job.status == ImportStatus.CHECKED_ERRORS
            with pytest.raises(ValidationError, match="chưa qua kiểm tra"):
                import_job_confirm(actor=actor, job=job)
            assert counts(models) == before, "a faulty file was partly imported"
            if valid_rows(job):
                job = import_job_confirm(
                    actor=actor, job=ImportJob.objects.get(pk=job.pk), valid_only=True
                )
                assert job.status == ImportStatus.IMPORTED
                assert job.totals["skipped"] == len({e["row"] for e in job.errors})


# --- 4. the eligibility evaluator --------------------------------------------------------------
TITLE_CODES = ["LDTT", "CSTDCS", "CSTD_TINH", "TTLDTT", "GK"]
YEARS = st.integers(2018, 2026)  # facts close to the year evaluated, so that rules can pass


def record_kwargs(draw_kind=None):
    """A registry fact as the model's clean() allows it."""
    kinds = st.sampled_from(list(RecordKind)) if draw_kind is None else st.just(draw_kind)

    @st.composite
    def build(draw):
        kind = draw(kinds)
        fields = {"year": draw(YEARS), "kind": kind}
        if kind == RecordKind.RATING:
            fields["rating"] = draw(st.sampled_from(list(Rating)))
        elif kind == RecordKind.TITLE:
            fields["title_code"] = draw(st.sampled_from(TITLE_CODES))
        elif kind == RecordKind.DISCIPLINE:
            fields["discipline_level"] = draw(st.sampled_from(list(DisciplineLevel)))
        elif kind in (RecordKind.INITIATIVE, RecordKind.RESEARCH):
            fields["scope"] = draw(st.sampled_from(list(RecognitionScope)))
        elif kind == RecordKind.DISCIPLINE_REVIEW:
            fields["period_start"] = draw(st.none() | st.dates(date(2015, 1, 1), date(2027, 1, 1)))
            fields["period_end"] = draw(st.none() | st.dates(date(2015, 1, 1), date(2027, 1, 1)))
            if fields["period_start"] and fields["period_end"]:
                fields["period_start"], fields["period_end"] = sorted(
                    [fields["period_start"], fields["period_end"]]
                )
        fields["is_revoked"] = draw(st.booleans()) if kind == RecordKind.TITLE else False
        return fields

    return build()


def one_rating_a_year(records):
    seen, kept = set(), []
    for r in records:
        if r["kind"] == RecordKind.RATING:
            if r["year"] in seen:
                continue
            seen.add(r["year"])
        kept.append(r)
    return kept


def save_records(subject, records):
    titles = {t.code: t for t in Title.objects.filter(code__in=TITLE_CODES)}
    field = "unit" if isinstance(subject, Unit) else "person"
    AchievementRecord.objects.bulk_create(
        [
            AchievementRecord(
                **{field: subject},
                **{k: v for k, v in r.items() if k != "title_code"},
                title=titles.get(r.get("title_code")),
            )
            for r in records
        ]
    )


def leaf_rules():
    years = st.integers(1, 6)
    title_code = st.sampled_from(TITLE_CODES)
    rating = st.sampled_from(list(Rating))
    return st.one_of(
        st.fixed_dictionaries(
            {"title": title_code, "years": years},
            optional={"until_offset": st.integers(0, 2)},
        ).map(lambda p: {"type": RuleType.CONSECUTIVE_TITLE, "params": p}),
        st.fixed_dictionaries(
            {"title": title_code}, optional={"year_offset": st.integers(0, 2)}
        ).map(lambda p: {"type": RuleType.TITLE_IN_YEAR, "params": p}),
        st.fixed_dictionaries(
            {"title": title_code, "min_count": st.integers(0, 4), "years": years}
        ).map(lambda p: {"type": RuleType.TITLE_COUNT, "params": p}),
        st.fixed_dictionaries(
            {"rating": rating}, optional={"years": years, "year_offset": st.integers(0, 2)}
        ).map(lambda p: {"type": RuleType.MIN_RATING, "params": p}),
        st.fixed_dictionaries(
            {"level": st.sampled_from(list(DisciplineLevel))},
            optional={"years": years, "members": st.booleans()},
        ).map(lambda p: {"type": RuleType.NO_DISCIPLINE, "params": p}),
        st.fixed_dictionaries(
            {"min_count": st.integers(0, 3)},
            optional={
                "years": years,
                "min_scope": st.sampled_from(list(RecognitionScope)),
                "include_research": st.booleans(),
            },
        ).map(lambda p: {"type": RuleType.INITIATIVE_COUNT, "params": p}),
        st.just({"type": RuleType.NOT_UNDER_REVIEW, "params": {}}),
        st.fixed_dictionaries(
            {"min_percent": st.sampled_from([0, 50, 69.9, 70, 100]), "strict": st.booleans()},
            optional={"year_offset": st.integers(0, 1)},
        )
        .flatmap(
            lambda p: st.one_of(
                title_code.map(lambda t: {**p, "title": t}),
                rating.map(lambda r: {**p, "rating": r}),
            )
        )
        .map(lambda p: {"type": RuleType.MEMBER_SHARE, "params": p}),
        st.fixed_dictionaries({"min_count": st.integers(0, 3), "title": title_code}).map(
            lambda p: {"type": RuleType.MEMBER_COUNT, "params": p}
        ),
    )


rule_trees = st.recursive(
    leaf_rules(),
    lambda children: st.builds(
        lambda kind, subs: {"type": kind, "params": {"rules": subs}},
        st.sampled_from([RuleType.ANY_OF, RuleType.ALL_OF]),
        st.lists(children, min_size=1, max_size=3),
    ),
    max_leaves=5,
)


def make_rules(trees):
    rules = []
    for i, tree_ in enumerate(trees):
        rule = EligibilityRule.objects.create(
            code=f"PBT-{i}", name=f"Điều kiện {i}", rule_type=tree_["type"]
        )
        RuleVersion.objects.create(
            rule=rule, params=tree_["params"], legal_source="Thử", effective_from=date(2000, 1, 1)
        )
        rules.append(rule)
    return rules


def evaluate(rules, subject, year, on):
    rules = EligibilityRule.objects.filter(pk__in=[r.pk for r in rules]).prefetch_related(
        "versions"
    )
    results = evaluate_rules(rules=rules, subject=subject, year=year, on_date=on)
    for result in results:
        assert result.status in RuleStatus.values
        assert isinstance(result.message, str)
        assert result.message.strip()
    return {r.rule.code: (r.status, r.message) for r in results}


@pytest.fixture
def catalogue_rules(db):
    return list(EligibilityRule.objects.filter(code__in=CATALOGUE_CODES))


CATALOGUE_CODES = [
    "LDTT_XEP_LOAI",
    "CSTDCS_LDTT",
    "CSTDCS_XUAT_SAC_HOAC_SANG_KIEN",
    "CSTD_TINH_3_NAM",
    "CSTD_TQ_2_LAN",
    "TTLDTT_TY_LE_LDTT",
    "TTLDXS_KY_LUAT",
    "BK_BO_TINH_THANH_TICH",
    "KHONG_DANG_XEM_XET_KY_LUAT",
]
POSITIVE_KINDS = [RecordKind.TITLE, RecordKind.INITIATIVE, RecordKind.RESEARCH, RecordKind.RATING]
NEGATIVE_KINDS = [RecordKind.DISCIPLINE, RecordKind.DISCIPLINE_REVIEW]


@given(
    trees=st.lists(rule_trees, max_size=3),
    records=st.lists(record_kwargs(), max_size=12).map(one_rating_a_year),
    year=YEARS,
    on=st.dates(date(2015, 1, 1), date(2027, 12, 31)),
    data=st.data(),
)
@hypothesis_settings(max_examples=EXAMPLES * 2)
def test_evaluation_never_raises_is_deterministic_and_ignores_storage_order(
    tree, catalogue_rules, trees, records, year, on, data
):
    person = PersonFactory(unit=tree.school_a)
    with rolled_back():
        rules = catalogue_rules + make_rules(trees)
        save_records(person, records)
        first = evaluate(rules, person, year, on)
        assert evaluate(rules, person, year, on) == first
    shuffled = data.draw(st.permutations(records), label="same facts, other order")
    with rolled_back():
        rules = catalogue_rules + make_rules(trees)
        save_records(person, shuffled)
        again = evaluate(rules, person, year, on)
        assert {k: s for k, (s, _m) in again.items()} == {k: s for k, (s, _m) in first.items()}


@given(
    trees=st.lists(rule_trees, min_size=1, max_size=3),
    records=st.lists(record_kwargs(), max_size=10).map(one_rating_a_year),
    extra=st.sampled_from(POSITIVE_KINDS).flatmap(record_kwargs),
    year=YEARS,
    on=st.dates(date(2015, 1, 1), date(2027, 12, 31)),
)
@hypothesis_settings(max_examples=EXAMPLES * 2)
def test_a_further_achievement_never_makes_an_eligible_person_ineligible(
    tree, catalogue_rules, trees, records, extra, year, on
):
    """Titles, initiatives and research only ever add up; a rating counts for a year that had
    none. So what passed before still passes after one more such fact."""
    if extra["kind"] == RecordKind.RATING and extra["year"] in {
        r["year"] for r in records if r["kind"] == RecordKind.RATING
    }:
        return  # one rating a year: a second one would replace, not add
    person = PersonFactory(unit=tree.school_a)
    with rolled_back():
        rules = catalogue_rules + make_rules(trees)
        save_records(person, records)
        before = evaluate(rules, person, year, on)
        save_records(person, [extra])
        after = evaluate(rules, person, year, on)
    for code, (status, _message) in before.items():
        event(f"generated rule {status}" if code.startswith("PBT") else f"catalogue {status}")
        if status == RuleStatus.PASS:
            assert after[code][0] == RuleStatus.PASS, (code, extra, after[code][1])


@given(
    trees=st.lists(rule_trees, min_size=1, max_size=3),
    records=st.lists(record_kwargs(), max_size=10).map(one_rating_a_year),
    extra=st.sampled_from(NEGATIVE_KINDS).flatmap(record_kwargs),
    year=YEARS,
    on=st.dates(date(2015, 1, 1), date(2027, 12, 31)),
)
@hypothesis_settings(max_examples=EXAMPLES * 2)
def test_a_discipline_never_makes_an_ineligible_person_eligible(
    tree, catalogue_rules, trees, records, extra, year, on
):
    person = PersonFactory(unit=tree.school_a)
    with rolled_back():
        rules = catalogue_rules + make_rules(trees)
        save_records(person, records)
        before = evaluate(rules, person, year, on)
        save_records(person, [extra])
        after = evaluate(rules, person, year, on)
    for code, (status, _message) in before.items():
        event(f"generated rule {status}" if code.startswith("PBT") else f"catalogue {status}")
        if status != RuleStatus.PASS:
            assert after[code][0] != RuleStatus.PASS, (code, extra, after[code][1])


@given(
    members=st.lists(
        st.lists(record_kwargs(), max_size=4).map(one_rating_a_year), min_size=1, max_size=5
    ),
    percent=st.sampled_from([0, 50, 69.9, 70, 100]),
    strict=st.booleans(),
    code=st.sampled_from(["LDTT", "CSTDCS"]),
    year=YEARS,
    pupil=st.booleans(),
)
@hypothesis_settings(max_examples=EXAMPLES * 2)
def test_a_member_who_achieves_never_lowers_the_collectives_share(
    tree, members, percent, strict, code, year, pupil
):
    """A new staff member holding the title in the year can only raise the share (a/t ≤ a+1/t+1);
    pupils are not members, so adding one changes nothing."""
    with rolled_back():
        [rule] = make_rules(
            [
                {
                    "type": RuleType.MEMBER_SHARE,
                    "params": {"title": code, "min_percent": percent, "strict": strict},
                }
            ]
        )
        team = tree.team_a
        for records in members:
            save_records(PersonFactory(unit=team), records)
        [before] = evaluate([rule], team, year, date(2025, 9, 1)).values()
        newcomer = PersonFactory(unit=team, position=Position.PUPIL if pupil else Position.TEACHER)
        save_records(newcomer, [{"year": year, "kind": RecordKind.TITLE, "title_code": code}])
        [after] = evaluate([rule], team, year, date(2025, 9, 1)).values()
    event(f"share {before[0]}")
    if pupil:
        assert after == before
    elif before[0] == RuleStatus.PASS:
        assert after[0] == RuleStatus.PASS


@given(
    achieved=st.integers(0, 10**6),
    extra=st.integers(0, 10**6),
    percent=st.one_of(
        st.integers(0, 100),
        st.decimals(0, 100, places=3),
        st.sampled_from([69.9, 33.3, 66.7, 12.5, 0.1]),
    ),
    strict=st.booleans(),
)
@hypothesis_settings(max_examples=EXAMPLES * 20)
def test_shares_are_compared_exactly(achieved, extra, percent, strict):
    """69.9% never rounds up to 70%: the same answer as exact fractions."""
    total = achieved + extra
    assume(total > 0)  # a collective without members is "not enough data" before this
    share, minimum = Fraction(achieved * 100, total), Fraction(str(percent))
    expected = share > minimum if strict else share >= minimum
    assert share_meets(achieved, total, percent, strict=strict) == expected
