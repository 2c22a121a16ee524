"""Spreadsheet imports of people and units: check first, then all rows or none."""

import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.imports import IMPORTERS, ImportFileError, import_job_check, import_job_confirm
from core.models import ImportJob, ImportStatus
from units.enums import Role
from units.importers import unusable_key
from units.models import Person, Unit

pytestmark = pytest.mark.django_db

PEOPLE_HEADER = "Mã định danh,Họ và tên,Chức vụ,Mã đơn vị,Ngày sinh,Giới tính,Dân tộc,Điện thoại"


def to_cp1258(text):
    """Windows-1258 keeps some letters precomposed (â, ê, ô, ơ, ư, ă, đ) and writes the tones
    as combining marks: "ộ" is "ô" followed by a combining dot below."""

    def encodable(value):
        try:
            value.encode("cp1258")
            return True
        except UnicodeEncodeError:
            return False

    out = []
    for char in text:
        if encodable(char):
            out.append(char)
            continue
        base, marks = unicodedata.normalize("NFD", char)[0], unicodedata.normalize("NFD", char)[1:]
        for i, mark in enumerate(marks):
            letter, rest = unicodedata.normalize("NFC", base + mark), marks[:i] + marks[i + 1 :]
            if len(letter) == 1 and encodable(letter) and encodable(rest):
                out.append(letter + rest)
                break
        else:
            out.append(base + marks)
    return "".join(out).encode("cp1258")


def csv_bytes(*lines, encoding="utf-8"):
    text = "\n".join(lines) + "\n"
    return to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def check(actor, content, name="ds.csv", kind="people"):
    return import_job_check(actor=actor, importer=IMPORTERS[kind], file_name=name, content=content)


@pytest.fixture
def approver_a(make_user, tree):
    return make_user((tree.school_a, Role.APPROVER), username="hieutruong.a")


def test_check_previews_without_saving_then_confirm_imports(approver_a, tree):
    job = check(
        approver_a,
        csv_bytes(
            PEOPLE_HEADER,
            "001,Nguyễn Thị Ánh,GV,TH-A,05/09/1985,Nữ,Kinh,0905123456",
            "002,Lê Văn Bình,Tổ trưởng tổ chuyên môn,th-a-t1,,Nam,,",
        ),
    )
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    assert job.totals == {"rows": 2, "new": 2}
    assert not Person.objects.exists()

    job = import_job_confirm(actor=approver_a, job=job)
    assert job.status == ImportStatus.IMPORTED
    anh = Person.objects.get(identifier="001")
    assert (anh.full_name, anh.unit, anh.gender, str(anh.birth_date)) == (
        "Nguyễn Thị Ánh",
        tree.school_a,
        "female",
        "1985-09-05",
    )
    assert Person.objects.get(identifier="002").unit == tree.team_a


def test_wrong_columns_are_reported_and_nothing_is_saved(approver_a):
    job = check(approver_a, csv_bytes("Họ tên,Đơn vị,Cột lạ", "A,TH-A,x"))
    assert job.status == ImportStatus.CHECKED_ERRORS
    messages = " ".join(e["message"] for e in job.errors)
    assert "Thiếu cột bắt buộc: Mã định danh, Họ và tên, Chức vụ, Mã đơn vị" in messages
    assert "Cột không có trong tệp mẫu: Họ tên, Đơn vị, Cột lạ" in messages
    assert not Person.objects.exists()


def test_one_bad_date_stops_every_row(approver_a):
    job = check(
        approver_a,
        csv_bytes(
            PEOPLE_HEADER,
            "001,Nguyễn Thị Ánh,GV,TH-A,05/09/1985,Nữ,Kinh,",
            "002,Lê Văn Bình,GV,TH-A,31/02/1980,Nam,Kinh,",
        ),
    )
    assert job.status == ImportStatus.CHECKED_ERRORS
    # The error names the line and the cell as Excel shows them (line 1 is the heading).
    assert job.errors == [
        {
            "row": 2,
            "line": 3,
            "cell": "E3",
            "column": "Ngày sinh",
            "message": "Ngày “31/02/1980” không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, "
            "ví dụ 05/09/2025.",
        }
    ]
    with pytest.raises(Exception, match="chưa qua kiểm tra"):
        import_job_confirm(actor=approver_a, job=job)
    assert not Person.objects.exists()


def test_duplicate_codes_in_the_file_are_reported_on_each_row(approver_a):
    job = check(
        approver_a,
        csv_bytes(
            PEOPLE_HEADER,
            "001,Nguyễn Thị Ánh,GV,TH-A,,,,",
            "002,Lê Văn Bình,GV,TH-A,,,,",
            "001,Nguyễn Thị Ánh,GV,TH-A,,,,",
        ),
    )
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (1, "Mã định danh"),
        (3, "Mã định danh"),
    ]
    assert "lặp lại ở các dòng 1, 3" in job.errors[0]["message"]


def test_units_outside_the_scope_are_not_found_even_if_they_exist(approver_a):
    job = check(approver_a, csv_bytes(PEOPLE_HEADER, "001,Trần Văn A,GV,TH-B,,,,"))
    assert job.errors[0]["column"] == "Mã đơn vị"
    assert "Không tìm thấy đơn vị có mã “TH-B” trong phạm vi của bạn" in job.errors[0]["message"]
    job = check(approver_a, csv_bytes(PEOPLE_HEADER, "001,Trần Văn A,GV,KHONG-CO,,,,"))
    assert "Không tìm thấy đơn vị có mã “KHONG-CO”" in job.errors[0]["message"]


def test_a_person_of_another_unit_cannot_be_overwritten_by_identifier(approver_a, people):
    job = check(approver_a, csv_bytes(PEOPLE_HEADER, f"{people.b.identifier},Tên mới,GV,TH-A,,,,"))
    assert job.status == ImportStatus.CHECKED_ERRORS
    assert job.errors[0]["column"] == "Mã định danh"
    people.b.refresh_from_db()
    assert people.b.full_name == "Trần Thị Bích"


def _errors(job, row):
    return sorted((e["column"], e["message"]) for e in job.errors if e["row"] == row)


def test_a_key_outside_the_scope_tells_nothing_of_its_holder(approver_a, people):
    """An identifier held by someone of another school reads like any key that cannot be used:
    not whose it is, not that they are outside the importer's scope."""
    job = check(approver_a, csv_bytes(PEOPLE_HEADER, f"{people.b.identifier},Tên mới,GV,TH-A,,,,"))
    [(column, message)] = _errors(job, 1)
    assert column == "Mã định danh"
    assert message == unusable_key(people.b.identifier)
    for telling in ("người", "ngoài phạm vi", "đã được dùng", "đã có"):
        assert telling not in message


def test_a_row_with_a_key_outside_the_scope_is_checked_like_any_other(approver_a, people):
    """Its other columns get the errors a row with an unknown identifier gets: an error list
    cut short at the identifier would single it out."""
    job = check(
        approver_a,
        csv_bytes(
            PEOPLE_HEADER,
            f"{people.b.identifier},Tên mới,Thầy giáo,TH-A,31/02/1980,,,",
            "KHONG-CO-001,Tên mới,Thầy giáo,TH-A,31/02/1980,,,",
        ),
    )
    outside, unknown = _errors(job, 1), _errors(job, 2)
    assert unknown
    assert outside == sorted([("Mã định danh", unusable_key(people.b.identifier)), *unknown])


def test_a_unit_code_outside_the_scope_tells_nothing_of_the_unit(approver_a, tree):
    job = check(approver_a, csv_bytes(UNIT_HEADER, "TH-B,Trường lạ,Trường,TH-A,TH,"), kind="units")
    messages = dict(_errors(job, 1))
    assert messages["Mã đơn vị"] == unusable_key("TH-B")


def test_bad_choice_lists_the_accepted_values(approver_a):
    job = check(approver_a, csv_bytes(PEOPLE_HEADER, "001,Trần Văn A,Thầy giáo,TH-A,,,,"))
    assert job.errors[0]["column"] == "Chức vụ"
    assert "“Thầy giáo” không hợp lệ" in job.errors[0]["message"]
    assert "Giáo viên" in job.errors[0]["message"]


def test_reimporting_updates_instead_of_duplicating(approver_a):
    content = csv_bytes(PEOPLE_HEADER, "001,Nguyễn Thị Ánh,GV,TH-A,,,,0905123456")
    first = import_job_confirm(actor=approver_a, job=check(approver_a, content))
    assert first.status == "imported", first.errors
    job = check(approver_a, csv_bytes(PEOPLE_HEADER, "001,Nguyễn Thị Ánh,PHT,TH-A,,,,"))
    assert job.totals == {"rows": 1, "update": 1}
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    import_job_confirm(actor=approver_a, job=job)
    assert Person.objects.get().position == "PHT"


def test_legacy_encoding_decomposed_text_and_excel_numbers(approver_a):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PEOPLE_HEADER.split(","))
    import datetime

    sheet.append(
        [
            48190001234,
            decomposed,
            "GV",
            "TH-A",
            datetime.datetime(1985, 9, 5),
            "nữ",
            "Kinh",
            905123456,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_job_confirm(actor=approver_a, job=check(approver_a, buffer.getvalue(), "ds.xlsx"))
    person = Person.objects.get()
    assert person.full_name == "Nguyễn Thị Ánh"  # stored composed (NFC)
    assert (person.identifier, person.phone) == ("48190001234", "0905123456")
    assert str(person.birth_date) == "1985-09-05"

    cp1258 = csv_bytes(PEOPLE_HEADER, "002,Lê Văn Bình,GV,TH-A,,,,", encoding="cp1258")
    import_job_confirm(actor=approver_a, job=check(approver_a, cp1258))
    assert Person.objects.get(identifier="002").full_name == "Lê Văn Bình"


def test_a_file_that_is_not_a_spreadsheet_is_refused(approver_a):
    with pytest.raises(ImportFileError, match="không phải là bảng tính Excel"):
        check(approver_a, b"<script>alert(1)</script>", "ds.xlsx")
    with pytest.raises(ImportFileError, match="Chỉ nhận tệp Excel"):
        check(approver_a, b"MZ\x90\x00", "ds.exe")


def test_import_pages_flow_and_only_the_uploader_sees_the_result(
    client, approver_a, make_user, tree
):
    client.force_login(approver_a)
    upload = SimpleUploadedFile(
        "ds.csv", csv_bytes(PEOPLE_HEADER, "001,Nguyễn Thị Ánh,GV,TH-A,,,,")
    )
    response = client.post(reverse("core:import_start", args=["people"]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("core:import_job", args=[job.pk])
    page = client.get(response.url)
    assert "Nhập dữ liệu" in page.text
    assert "Nguyễn Thị Ánh" in page.text

    other = make_user((tree.school_a, Role.APPROVER))
    client.force_login(other)
    assert client.get(reverse("core:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("core:import_job", args=[job.pk])).status_code == 404

    client.force_login(approver_a)
    client.post(reverse("core:import_job", args=[job.pk]))
    assert Person.objects.filter(identifier="001").exists()


def test_nominators_may_not_import(client, nominator_a):
    client.force_login(nominator_a)
    assert client.get(reverse("core:import_start", args=["people"])).status_code == 403


UNIT_HEADER = "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên,Loại trường,Hoạt động từ ngày"


def test_province_admin_imports_schools_and_their_teams_in_one_file(province_admin, tree):
    job = check(
        province_admin,
        csv_bytes(
            UNIT_HEADER,
            "MN-HS,Trường Mầm non Hoa Sen,Trường,X-HC,MN,05/09/2025",
            "MN-HS-T1,Tổ chuyên môn 1,Tổ chuyên môn,MN-HS,,",
        ),
        kind="units",
    )
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    assert not Unit.objects.filter(code="MN-HS").exists()
    import_job_confirm(actor=province_admin, job=job)
    school = Unit.objects.get(code="MN-HS")
    assert Unit.objects.get_parent(school) == tree.commune
    assert school.school_type == "MN"
    assert Unit.objects.get_parent(Unit.objects.get(code="MN-HS-T1")) == school
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_unit_import_errors_parent_outside_scope_duplicates_bad_level(province_admin):
    job = check(
        province_admin,
        csv_bytes(
            UNIT_HEADER,
            "NEW-1,Trường A,Trường,SGD-GL,TH,",
            "NEW-2,Trường B,Trường,X-HC,TH,",
            "NEW-2,Trường B,Trường,X-HC,TH,",
            "NEW-3,Sở lạc,Sở,TH-A,,",
            "NEW-4,Trường C,Cấp lạ,X-HC,TH,",
        ),
        kind="units",
    )
    by_row = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "Không tìm thấy đơn vị có mã “SGD-GL”" in by_row[(1, "Mã đơn vị cấp trên")]
    assert "lặp lại ở các dòng 2, 3" in by_row[(2, "Mã đơn vị")]
    assert "không thể trực thuộc" in by_row[(4, "Cấp")]
    assert "“Cấp lạ” không hợp lệ" in by_row[(5, "Cấp")]
    assert not Unit.objects.filter(code__startswith="NEW-").exists()


def test_template_download_has_the_columns_and_an_example(client, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("core:import_template", args=["units"]), {"format": "csv"})
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên")


def test_unit_lookups_are_shared_between_rows_of_the_same_unit(approver_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def unit_queries(rows):
        lines = [f"{n:03d},Người {n},GV,TH-A,,,," for n in range(rows)]
        with CaptureQueriesContext(connection) as context:
            job = check(approver_a, csv_bytes(PEOPLE_HEADER, *lines))
        assert job.status == ImportStatus.CHECKED_OK, job.errors
        return [q["sql"] for q in context.captured_queries if 'FROM "units_unit"' in q["sql"]]

    assert len(unit_queries(2)) == 1
    assert len(unit_queries(6)) == 1


def test_a_renamed_person_is_found_by_the_new_name_without_diacritics(approver_a):
    """The import updates in bulk, which skips the model's pre_save: the folded key of the name
    is refreshed all the same, so the lists and the person picker find the new name."""
    content = csv_bytes(PEOPLE_HEADER, "001,Nguyễn Thị Ánh,GV,TH-A,,,,")
    import_job_confirm(actor=approver_a, job=check(approver_a, content))
    assert Person.objects.get().name_key == "nguyen thi anh"
    job = check(approver_a, csv_bytes(PEOPLE_HEADER, "001,Bùi Kim Yến,GV,TH-A,,,,"))
    import_job_confirm(actor=approver_a, job=job)
    assert Person.objects.get().name_key == "bui kim yen"


def test_a_staff_list_with_a_title_block_previews_the_values_to_be_stored(approver_a):
    """A sheet as a school keeps it: a title above the heading, a blank column, a decomposed
    name, the phone stored as a number, the birth date as a real date. The preview shows what
    will be stored."""
    import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH CÁN BỘ, GIÁO VIÊN NĂM HỌC 2025 - 2026"])
    sheet.append([])
    sheet.append(
        ["Mã định danh", "Họ và tên", None, "Chức vụ", "Mã đơn vị", "Ngày sinh", "Điện thoại"]
    )
    sheet.append(
        [
            "048190001234",
            unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
            None,
            "Giáo viên",
            "TH-A",
            datetime.datetime(1985, 3, 12),
            905123456,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    job = check(approver_a, buffer.getvalue(), name="ds.xlsx")
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    [row] = job.preview
    assert row["line"] == 4
    assert row["values"]["Họ và tên"] == "Nguyễn Thị Ánh"
    assert row["values"]["Họ và tên"] == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    assert row["values"]["Điện thoại"] == "0905123456"
    assert row["values"]["Ngày sinh"] == "12/03/1985"
    assert row["values"]["Chức vụ"] == "Giáo viên"
    assert row["values"]["Mã định danh"] == "048190001234"
