"""The printed documents, read back from the PDFs: Vietnamese text, headings, table values,
escaping, empty sections left out, and a golden outline of the individual report."""

import datetime
import fcntl
import io
import json
import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from nominations import services
from nominations.enums import Action
from nominations.models import ModelWork
from reporting import printing
from reporting.documents import render_pdf, sweep_font_folders
from tests.conftest import counting_queries
from tests.factories import RecordFactory, title

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden" / "individual_report.json"
LONG_SUMMARY = (
    "<p>"
    + " ".join(
        f"Năm học thứ {i}, cô Ánh đổi mới phương pháp dạy học, bồi dưỡng học sinh giỏi."
        for i in range(160)
    )
    + "</p><p>Đặng &amp; cộng sự; công thức &lt;script&gt;alert(1)&lt;/script&gt;</p>"
)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.fixture
def official(placed, users, campaign):
    campaign.report_template = "official"
    campaign.save()
    nomination = placed("approved")
    nomination.achievement_summary = LONG_SUMMARY
    nomination.cv.update({"hometown": "Hòa Vang, Đà Nẵng", "religion": ""})
    nomination.save()
    for year, code, number in (
        (2023, "LDTT", "101/QĐ-UBND"),
        (2024, "CSTDCS", "88/QĐ-SGDĐT"),
        (2024, "GK", "12/QĐ-THPT"),
    ):
        RecordFactory(
            person=nomination.nominee_person,
            year=year,
            kind="title",
            title=title(code),
            decision_number=number,
            decision_date=datetime.date(year, 8, 20),
            issuer="Sở GDĐT Đà Nẵng",
        )
    return nomination


HEADINGS = (
    "BÁO CÁO THÀNH TÍCH",
    "I. SƠ LƯỢC LÝ LỊCH",
    "II. THÀNH TÍCH ĐẠT ĐƯỢC",
    "Các mô hình, công trình",
    "Tự đánh giá theo tiêu chí của phong trào",
    "III. CÁC DANH HIỆU THI ĐUA, HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN",
    "1. Danh hiệu thi đua",
    "2. Hình thức khen thưởng",
    "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN",
    "NGƯỜI BÁO CÁO THÀNH TÍCH",
)


def outline(text: str) -> list[str]:
    """The headings the report prints, in the order it prints them."""
    return sorted((h for h in HEADINGS if h in text), key=text.index)


def test_individual_report_reads_right(official, clock):
    pages, text = pdf_text(render_pdf(*printing.nomination_document(official)[:2]))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Hải Châu, ngày 16 tháng 3 năm 2026" in text  # a school under a commune: its place
    assert "BÁO CÁO THÀNH TÍCH" in text
    assert "ĐỀ NGHỊ ĐIỂN HÌNH TIÊN TIẾN ĐƯỢC BIỂU DƯƠNG, TÔN VINH" in text
    assert (
        text.index("I. SƠ LƯỢC LÝ LỊCH")
        < text.index("II. THÀNH TÍCH ĐẠT ĐƯỢC")
        < text.index("III. CÁC DANH HIỆU THI ĐUA")
    )
    assert "Họ và tên: NGUYỄN THỊ ÁNH" in text  # in capitals, as seed 003's form asks
    assert "Quê quán: Hòa Vang, Đà Nẵng" in text
    assert "tôn giáo" not in text  # an empty optional line disappears
    assert "Lao động tiên tiến" in text and "101/QĐ-UBND ngày 20/08/2023" in text  # noqa: PT018
    assert "88/QĐ-SGDĐT" in text and "2. Hình thức khen thưởng" in text  # noqa: PT018
    assert "Đặng & cộng sự; công thức <script>alert(1)</script>" in text  # escaped, printed as text
    assert pages >= 3  # the long summary flowed over pages
    assert f"1/{pages}" not in text  # no "n/N" footer: Decree 30 numbers pages at the top


def test_individual_report_matches_its_golden_outline(official, clock):
    pages, text = pdf_text(render_pdf(*printing.nomination_document(official)[:2]))
    actual = {"pages": pages, "sections": outline(text)}
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n")
    assert actual == json.loads(GOLDEN.read_text()), (
        "The individual report's layout changed; if on purpose, run with UPDATE_GOLDEN=1."
    )


def test_without_awards_section_three_is_left_out(placed, campaign, clock):
    campaign.report_template = "official"
    campaign.save()
    _pages, text = pdf_text(render_pdf(*printing.nomination_document(placed("draft"))[:2]))
    assert "II. THÀNH TÍCH ĐẠT ĐƯỢC" in text
    assert "III." not in text


def test_short_form_and_collective_report(new_nomination, tree, campaign, clock):
    _pages, text = pdf_text(render_pdf(*printing.nomination_document(new_nomination())[:2]))
    assert "TÓM TẮT THÀNH TÍCH" in text
    assert "Chức vụ, đơn vị công tác: Giáo viên, Trường Tiểu học Lê Lợi" in text
    campaign.report_template = "official"
    campaign.save()
    collective = new_nomination(unit=tree.school_a)
    _pages, text = pdf_text(render_pdf(*printing.nomination_document(collective)[:2]))
    assert "I. ĐẶC ĐIỂM, TÌNH HÌNH" in text
    assert "Tên tập thể: Trường Tiểu học Lê Lợi" in text
    assert "Tổ 1" in text  # its subject team


def test_unit_lists_council_minutes_and_decision_annex(placed, users, tree, campaign, clock):
    sent = placed("under_review@province")
    waiting = placed("under_review@commune")
    round_ = campaign.rounds.get()
    _p, text = pdf_text(render_pdf(*printing.unit_list_document(round_, tree.commune, "sent")[:2]))
    assert "DANH SÁCH ĐỀ NGHỊ" in text
    assert text.count("Nguyễn Thị Ánh") == 1  # only what left the commune
    _p, text = pdf_text(
        render_pdf(*printing.unit_list_document(round_, tree.school_a, "registration")[:2])
    )
    assert "DANH SÁCH GIỚI THIỆU TẬP THỂ, CÁ NHÂN ĐIỂN HÌNH TIÊN TIẾN" in text
    assert text.count("Nguyễn Thị Ánh") == 2
    assert waiting.pk != sent.pk

    session = services.council_session_create(
        actor=users.secretary,
        unit=tree.danang,
        round_=round_,
        held_on=datetime.date(2026, 4, 15),
        members_total=9,
        members_present=8,
        threshold_percent=50,
        threshold_basis="present",
        threshold_strict=True,
        member_names="Ông A, Bà B",
    )
    services.council_vote_record(
        actor=users.secretary, session=session, nomination=sent, votes_for=6, votes_against=2
    )
    _p, text = pdf_text(render_pdf(*printing.council_minutes_document(session)[:2]))
    assert "BIÊN BẢN" in text
    assert "có mặt: 8 người, gồm: 1. Ông A 2. Bà B" in text  # one member a line
    assert re.search(r"6 2 0 75[,.]0% Đạt", text)

    services.transition(actor=users.province, nomination=sent, action=Action.APPROVE)
    decision = services.decide(
        actor=users.secretary,
        nominations=[sent],
        action=Action.RECOGNISE,
        number="321/QĐ-SGDĐT",
        signed_on=datetime.date(2026, 4, 20),
        issuer="Giám đốc Sở",
    )
    _p, text = pdf_text(render_pdf(*printing.decision_annex_document(decision)[:2]))
    assert "Kèm theo Quyết định số 321/QĐ-SGDĐT ngày 20 tháng 4 năm 2026 của Giám đốc Sở" in text
    assert "Giáo viên, Trường Tiểu học Lê Lợi" in text


def test_dateline_follows_decree_30():
    from reporting.templatetags.documents import vn_dateline

    assert vn_dateline(datetime.date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert vn_dateline(datetime.date(2025, 12, 18)) == "ngày 18 tháng 12 năm 2025"


def test_downloads_are_scoped_and_logged(client, placed, users, clock):
    nomination = placed("under_review@commune")
    client.force_login(users.sibling)
    assert (
        client.get(reverse("reporting:nomination_report", args=[nomination.pk])).status_code == 404
    )
    client.force_login(users.commune)
    response = client.get(reverse("reporting:nomination_report", args=[nomination.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert nomination.events.filter(kind="downloaded", actor=users.commune).exists()


def test_the_printer_fetches_nothing_outside_its_own_files(placed, clock):
    from reporting.documents import _fetcher

    fetcher = _fetcher()
    for url in ("http://example.com/x.png", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


def test_a_report_costs_the_same_queries_however_long_the_record(client, official, users, clock):
    """No query per registry row, model or criterion: a long career prints as cheaply."""

    def queries_for_report() -> int:
        with counting_queries() as count:
            response = client.get(reverse("reporting:nomination_report", args=[official.pk]))
        assert response.status_code == 200
        return count[0]

    client.force_login(users.province)
    before = queries_for_report()
    for year in range(2010, 2022):
        RecordFactory(person=official.nominee_person, year=year, kind="title", title=title("LDTT"))
    ModelWork.objects.bulk_create(
        ModelWork(nomination=official, order=n, name=f"Mô hình {n}", results="Tốt")
        for n in range(8)
    )
    assert queries_for_report() == before


# --- WeasyPrint's temp folders ------------------------------------------------------------------
@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """The temp directory WeasyPrint and the sweep use, a fresh one per test (the machine's own
    /tmp is shared with other processes)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def font_folder(temp_dir, name, *, age_seconds):
    folder = temp_dir / name
    folder.mkdir()
    (folder / "font").write_bytes(b"\0" * 1024)
    when = time.time() - age_seconds
    os.utime(folder, (when, when))
    return folder


def test_stale_font_folders_are_swept_and_fresh_or_held_ones_kept(settings, temp_dir):
    settings.PDF_TEMP_STALE_SECONDS = 300
    stale = font_folder(temp_dir, "weasyprint-dead1", age_seconds=3600)
    fresh = font_folder(temp_dir, "weasyprint-live1", age_seconds=10)
    held = font_folder(temp_dir, "weasyprint-long1", age_seconds=3600)
    other = font_folder(temp_dir, "pytest-of-someone", age_seconds=3600)
    lock = os.open(held, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(lock, fcntl.LOCK_EX)  # a long render still running in another process
    try:
        assert sweep_font_folders() == 1
    finally:
        os.close(lock)
    assert not stale.exists()
    assert fresh.exists()
    assert held.exists()
    assert other.exists()
    assert sweep_font_folders() == 1  # its render is over: the lock went with it
    assert not held.exists()


def test_each_render_sweeps_and_leaves_no_folder_of_its_own(settings, temp_dir, placed, clock):
    settings.PDF_TEMP_STALE_SECONDS = 300
    stale = font_folder(temp_dir, "weasyprint-killed", age_seconds=3600)
    fresh = font_folder(temp_dir, "weasyprint-busy", age_seconds=10)
    assert render_pdf(*printing.nomination_document(placed("draft"))[:2]).startswith(b"%PDF")
    assert sorted(p.name for p in temp_dir.iterdir()) == [fresh.name]
    assert not stale.exists()


def test_a_render_holds_its_font_folder_until_done(temp_dir):
    """What lets the sweep spare a long render: its folder is locked while WeasyPrint uses it."""
    from reporting.documents import _font_folder

    with _font_folder() as folder:
        assert folder.parent == temp_dir
        assert folder.name.startswith("weasyprint-")
        probe = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(probe)
    assert not folder.exists()


def test_pages_are_numbered_top_centre_from_page_two(official, clock):
    """Decree 30/2020: Arabic page numbers at the top centre, none on the first page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(render_pdf(*printing.nomination_document(official)[:2]))
    assert len(document) >= 3
    for index in range(len(document)):
        page = document[index]
        width, height = page.get_size()
        text = page.get_textpage()
        band = height - 20 * 72 / 25.4  # the top margin (20 mm)
        top = text.get_text_bounded(left=0, bottom=band, right=width, top=height).split()
        middle = text.get_text_bounded(
            left=width / 2 - 40, bottom=band, right=width / 2 + 80, top=height
        ).split()
        bottom = text.get_text_bounded(left=0, bottom=0, right=width, top=20 * 72 / 25.4)
        assert not bottom.strip()  # nothing at the foot any more
        assert top == ([] if index == 0 else [str(index + 1)])
        assert middle == top  # centred (the text block's centre, left margin 30 mm)
    document.close()
