"""Seed 002's registration list as schools really send it: a title block, a "1. TẬP THỂ" and a
"2. CÁ NHÂN" section each under its own heading row, blank rows, a "Lưu ý" footnote; merged
heading cells, a blank column, decomposed names, phone numbers stored as numbers; the same
list as a Windows-1258 CSV and as a semicolon-separated CSV. A list titled "ĐĂNG KÝ" becomes
registrations the registration page shows; a "ĐỀ NGHỊ" list draft dossiers."""

import io
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import Workbook

from campaigns.models import Campaign, Registration
from core.imports import IMPORTERS, import_job_check, import_job_confirm
from core.models import ImportStatus
from nominations.models import Nomination
from units.models import Person

pytestmark = pytest.mark.django_db

TITLE = [
    "DANH SÁCH GIỚI THIỆU, ĐĂNG KÝ TẬP THỂ, CÁ NHÂN",
    "ĐIỂN HÌNH TIÊN TIẾN TRONG PHONG TRÀO THI ĐUA “DẠY TỐT - HỌC TỐT” GIAI ĐOẠN 2021-2025",
    "(Kèm theo Kế hoạch số /KH-SGDĐT ngày tháng 10 năm 2021 của Sở Giáo dục và Đào tạo)",
]
NOTES = [
    "*** Lưu ý:",
    "- Các cơ quan, đơn vị chỉ cần lập bảng, đóng dấu treo và gửi bản pdf qua thư điện tử",
    "- Giới thiệu, đăng ký tập thể và cá nhân phải đảm bảo các tiêu chí trên.",
]
NFD_NAME = unicodedata.normalize("NFD", "Hoàng Thị Ngọc Ánh")


def seed_002_rows(*, unit_of_second="Tổ 1", title=TITLE):
    """The annex's lines (None: a blank line), with the names and phone numbers as schools type
    them: a decomposed name, phone numbers as numbers."""
    return [
        *[[line] for line in title],
        None,
        ["1. TẬP THỂ"],
        ["Stt", "Trường", None, "Địa chỉ", "Số điện thoại liên hệ"],
        [1, "Trường Tiểu học Lê Lợi", None, "12 Lê Lợi, Hải Châu", 2363111222],
        None,
        ["2. CÁ NHÂN"],
        ["Stt", "Họ và tên", "Chức vụ", "Đơn vị", "Số điện thoại liên hệ"],
        [1, NFD_NAME, "Giáo viên", "Trường Tiểu học Lê Lợi, phường Hải Châu", 978123456],
        [2, "Lê Văn Tám", "GV", unit_of_second, "0905 111 222"],
        None,
        *[[line] for line in NOTES],
    ]


def xlsx(rows, *, merge=True) -> bytes:
    book = Workbook()
    sheet = book.active
    for line, row in enumerate(rows, 1):
        for column, value in enumerate(row or [], 1):
            if value is not None:
                sheet.cell(row=line, column=column, value=value)
    if merge:
        for line in range(1, 4):  # the title block spans the table's width
            sheet.merge_cells(start_row=line, end_row=line, start_column=1, end_column=6)
        # "Số điện thoại liên hệ" over two columns, as templates often have it
        sheet.merge_cells(start_row=6, end_row=6, start_column=5, end_column=6)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def delimited(rows, delimiter=",") -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if c is None else c for c in (row or [])])
    return buffer.getvalue()


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores Vietnamese: letters with a tone mark are a base letter (which
    may carry its own circumflex, breve or horn) followed by a combining tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        marks = unicodedata.normalize("NFD", char)
        for i in range(1, len(marks)):
            base = unicodedata.normalize("NFC", marks[:i] + marks[i + 1 :])
            try:
                out += base.encode("cp1258") + marks[i].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise AssertionError(char)
    return out


@pytest.fixture
def registering(campaign):
    """The campaign's registration window is open on the test day (16/03/2026)."""
    import datetime

    Campaign.objects.filter(pk=campaign.pk).update(
        registration_opens=datetime.date(2026, 3, 1),
        registration_closes=datetime.date(2026, 3, 31),
    )
    campaign.refresh_from_db()
    return campaign


def check(users, campaign, tree, content, file_name):
    return import_job_check(
        actor=users.principal,
        importer=IMPORTERS["registration"],
        file_name=file_name,
        content=content,
        context={
            "campaign_id": campaign.pk,
            "round_id": campaign.rounds.get().pk,
            "unit_id": tree.school_a.pk,
        },
    )


def test_the_seed_002_annex_becomes_registrations_the_registration_page_shows(
    users, registering, tree, client, clock
):
    job = check(users, registering, tree, xlsx(seed_002_rows()), "danh-sach.xlsx")
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    assert job.totals["rows"] == 3  # title, section headings, blank lines and notes are no rows
    assert job.context["mode"] == "registrations"
    # The preview shows what will be stored, on the file's own lines.
    assert [(r["line"], r["values"]) for r in job.preview] == [
        (
            7,
            {
                "Loại": "Tập thể",
                "Tên tập thể hoặc họ và tên": "Trường Tiểu học Lê Lợi",
                "Tên đơn vị": "Trường Tiểu học Lê Lợi (TH-A)",
                "Chức vụ": "",
                "Điện thoại": "02363111222",
                "Danh hiệu": "Điển hình tiên tiến được biểu dương, tôn vinh",
            },
        ),
        (
            11,
            {
                "Loại": "Cá nhân",
                "Tên tập thể hoặc họ và tên": "Hoàng Thị Ngọc Ánh",  # composed (NFC)
                "Tên đơn vị": "Trường Tiểu học Lê Lợi (TH-A)",
                "Chức vụ": "Giáo viên",
                "Điện thoại": "0978123456",
                "Danh hiệu": "Điển hình tiên tiến được biểu dương, tôn vinh",
            },
        ),
        (
            12,
            {
                "Loại": "Cá nhân",
                "Tên tập thể hoặc họ và tên": "Lê Văn Tám",
                "Tên đơn vị": "Tổ 1 (TH-A-T1)",
                "Chức vụ": "Giáo viên",
                "Điện thoại": "0905 111 222",
                "Danh hiệu": "Điển hình tiên tiến được biểu dương, tôn vinh",
            },
        ),
    ]
    client.force_login(users.principal)
    page = client.get(reverse("core:import_job", args=[job.pk]))
    assert "cho biết đây là danh sách đăng ký thi đua" in page.text
    assert "Hoàng Thị Ngọc Ánh" in page.text
    assert "None" not in page.text

    import_job_confirm(actor=users.principal, job=job)
    assert not Nomination.objects.exists()  # a registration list makes no dossiers
    registrations = Registration.objects.filter(campaign=registering).order_by("pk")
    assert [str(r.nominee) for r in registrations] == [
        "Trường Tiểu học Lê Lợi",
        "Hoàng Thị Ngọc Ánh",
        "Lê Văn Tám",
    ]
    added = Person.objects.get(full_name="Hoàng Thị Ngọc Ánh")
    assert (added.unit, added.phone) == (tree.school_a, "0978123456")
    detail = client.get(reverse("campaigns:detail", args=[registering.code]))
    assert "3 lượt đăng ký" in detail.text
    listing = client.get(reverse("campaigns:registrations", args=[registering.code]))
    assert "Hoàng Thị Ngọc Ánh" in listing.text
    assert "Lê Văn Tám" in listing.text
    # The same list again registers nobody twice.
    again = check(users, registering, tree, xlsx(seed_002_rows()), "danh-sach.xlsx")
    assert again.totals == {"rows": 3, "skip": 3}


def test_a_wrong_cell_is_named_by_its_line_and_column(users, registering, tree, clock):
    rows = seed_002_rows(unit_of_second="Trường THCS Không Có, huyện Mang Yang")
    job = check(users, registering, tree, xlsx(rows), "danh-sach.xlsx")
    assert job.status == ImportStatus.CHECKED_ERRORS
    [error] = job.errors
    assert (error["line"], error["cell"], error["column"]) == (12, "D12", "Tên đơn vị")
    assert "Không tìm thấy đơn vị tên “Trường THCS Không Có, huyện Mang Yang”" in error["message"]
    assert not Registration.objects.exists()


def test_the_annex_as_a_windows_1258_csv(users, registering, tree, clock):
    content = cp1258(delimited(seed_002_rows()))
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really legacy bytes
    job = check(users, registering, tree, content, "danh-sach.csv")
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    assert [r["values"]["Tên tập thể hoặc họ và tên"] for r in job.preview] == [
        "Trường Tiểu học Lê Lợi",
        "Hoàng Thị Ngọc Ánh",
        "Lê Văn Tám",
    ]


def test_the_annex_as_a_semicolon_separated_csv(users, registering, tree, clock):
    # Excel with Vietnamese regional settings separates with ";" (the comma is the decimal
    # mark), and the unit's name keeps its comma inside one cell.
    content = delimited(seed_002_rows(), delimiter=";").encode("utf-8-sig")
    job = check(users, registering, tree, content, "danh-sach.csv")
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    assert job.totals["rows"] == 3
    assert job.preview[1]["values"]["Tên đơn vị"] == "Trường Tiểu học Lê Lợi (TH-A)"


def test_a_proposal_list_becomes_draft_dossiers_and_the_preview_says_so(
    users, registering, tree, client, clock
):
    rows = seed_002_rows(title=["DANH SÁCH ĐỀ NGHỊ XÉT CHỌN ĐIỂN HÌNH TIÊN TIẾN QUÝ 1/2026"])
    job = check(users, registering, tree, xlsx(rows, merge=False), "de-nghi.xlsx")
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    assert job.context["mode"] == "dossiers"
    client.force_login(users.principal)
    page = client.get(reverse("core:import_job", args=[job.pk]))
    assert "không phải danh sách đăng ký: mỗi dòng thành một hồ sơ nháp" in page.text
    import_job_confirm(actor=users.principal, job=job)
    assert Nomination.objects.count() == 3
    assert not Registration.objects.exists()


def test_registrations_outside_the_window_are_refused_once(users, campaign, tree, clock):
    job = check(users, campaign, tree, xlsx(seed_002_rows()), "danh-sach.xlsx")
    assert job.status == ImportStatus.CHECKED_ERRORS
    assert [e["message"] for e in job.errors] == [
        "Đây là danh sách đăng ký thi đua, nhưng hôm nay ngoài thời gian đăng ký của phong "
        "trào. Không dòng nào được lưu."
    ]


def test_imported_registrations_export_as_a_shaped_sheet(users, registering, tree, client, clock):
    import openpyxl

    job = check(users, registering, tree, xlsx(seed_002_rows()), "danh-sach.xlsx")
    import_job_confirm(actor=users.principal, job=job)
    client.force_login(users.principal)
    response = client.get(
        reverse("campaigns:registrations", args=[registering.code]), {"export": "xlsx"}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Đăng ký thi đua DN-Q1"]
    sheet = book.active
    assert [sheet.cell(row=r, column=4).value for r in range(2, 5)] == [
        "Trường Tiểu học Lê Lợi",
        "Hoàng Thị Ngọc Ánh",
        "Lê Văn Tám",
    ]
    assert sheet["G2"].is_date
    assert sheet["G2"].number_format == "DD/MM/YYYY"
    assert sheet.auto_filter.ref == "A1:G4"
