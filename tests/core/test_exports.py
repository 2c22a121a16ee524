"""Spreadsheets out: each sheet named after its list, an autofilter on the heading, dates as
real date cells shown dd/mm/yyyy, years and counts as numbers, codes and phones kept as text,
widths that fit; the decision register and the registrations export through the same shaping."""

import datetime
import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from core.exports import sheet_name, spreadsheet_response, workbook_response
from nominations.models import Decision
from units.enums import Role


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_a_list_is_shaped_as_an_office_would_make_it():
    dataset = tablib.Dataset(
        headers=["Họ và tên", "Ngày sinh", "Năm", "Điểm", "Điện thoại", "Mã định danh", "Ghi chú"]
    )
    dataset.append(
        ["Nguyễn Thị Ánh", "05/09/1985", "2026", "8,5", "0905123456", "048190001234", "=1+1"]
    )
    dataset.append(["Lê Văn Tám", datetime.date(1990, 1, 2), 2025, 7, "", "001", "31/02/2020"])
    book = workbook(spreadsheet_response(dataset, basename="ca-nhan", fmt="xlsx", title="Cá nhân"))
    assert book.sheetnames == ["Cá nhân"]  # not "Tablib Dataset"
    sheet = book.active
    assert sheet.auto_filter.ref == "A1:G3"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    born = sheet["B2"]
    assert born.is_date
    assert born.value.date() == datetime.date(1985, 9, 5)
    assert born.number_format == "DD/MM/YYYY"
    assert sheet["B3"].is_date
    assert sheet["C2"].value == 2026  # a year is a number
    assert sheet["D2"].value == 8.5
    assert sheet["D3"].value == 7
    # A leading zero means a code: phone numbers and identifiers stay text.
    assert (sheet["E2"].value, sheet["F2"].value, sheet["F3"].value) == (
        "0905123456",
        "048190001234",
        "001",
    )
    assert sheet["G2"].value == "'=1+1"  # never a formula
    assert sheet["G3"].value == "31/02/2020"  # not a date: left as written
    widths = {c: sheet.column_dimensions[c].width for c in "ABEG"}
    assert widths["A"] >= len("Nguyễn Thị Ánh")
    assert widths["B"] >= 10
    assert widths["E"] >= len("Điện thoại")


def test_sheet_names_are_valid_and_unique():
    assert sheet_name("Hồ sơ chờ xét tại Trường Tiểu học Lê Lợi: quý 1/2026") == (
        "Hồ sơ chờ xét tại Trường Tiểu"
    )
    assert sheet_name("Tổng hợp", used=["Tổng hợp"]) == "Tổng hợp (2)"
    assert sheet_name("") == "Danh sách"
    one = tablib.Dataset(headers=["a"], title="Trạng thái")
    two = tablib.Dataset(headers=["b"], title="Trạng thái")
    book = workbook(workbook_response([one, two], basename="x"))
    assert book.sheetnames == ["Trạng thái", "Trạng thái (2)"]


@pytest.mark.django_db
def test_the_decision_register_exports_with_real_dates(client, make_user, tree):
    secretary = make_user((tree.danang, Role.COUNCIL_SECRETARY), username="so.thuky")
    Decision.objects.create(
        unit=tree.danang,
        number="125/QĐ-SGDĐT",
        signed_on=datetime.date(2026, 6, 5),
        issuer="Giám đốc Sở",
    )
    client.force_login(secretary)
    page = client.get(reverse("nominations:council_list"))
    assert "?export=xlsx" in page.text
    book = workbook(client.get(reverse("nominations:council_list"), {"export": "xlsx"}))
    assert book.sheetnames == ["Sổ quyết định Sở GDĐT Đà Nẵng"]
    sheet = book.active
    assert [c.value for c in sheet[1]][:5] == [
        "Số quyết định",
        "Ngày ký",
        "Người, cơ quan ký",
        "Loại",
        "Số hồ sơ",
    ]
    assert sheet["A2"].value == "125/QĐ-SGDĐT"
    assert sheet["B2"].value.date() == datetime.date(2026, 6, 5)
    assert sheet["B2"].number_format == "DD/MM/YYYY"
    assert sheet["E2"].value == 0
    assert sheet.auto_filter.ref == "A1:F2"
