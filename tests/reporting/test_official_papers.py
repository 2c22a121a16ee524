"""The official papers of issue 17: Decree 30 header lines from the unit tree and the letterhead
data, before and after 1/7/2025; numbers "Số: …/<kind>-<abbreviation>"; minutes signed by the
people records; the draft decision as PDF, Word and its annex as Excel; seed 002's lists as PDF
and Excel; who may download them (404 for everyone else)."""

import datetime
import io
import unicodedata

import openpyxl
import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from criteria.models import BaseSalary
from reporting import decisions, printing
from reporting.documents import header, render_pdf
from tests.factories import UnitFactory
from units.enums import GoverningSource, Role, UnitLevel
from units.letterhead import default_letterhead, governing_line
from units.models import UnitMove

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


# --- header lines -----------------------------------------------------------------------------


def test_header_lines_follow_the_tree_and_the_governing_bodies(tree, clock):
    day = datetime.date(2026, 3, 16)
    assert header(tree.danang, day=day)["governing"] == "UBND thành phố Đà Nẵng"  # not the Bộ
    assert header(tree.gialai, day=day)["governing"] == "UBND tỉnh Gia Lai"
    assert header(tree.commune, day=day)["governing"] == ""  # the commune is its own UBND
    assert header(tree.ministry, day=day)["governing"] == ""
    assert header(tree.school_a, day=day)["governing"] == "UBND phường Hải Châu"
    assert header(tree.school_c, day=day)["governing"] == "Sở GDĐT Gia Lai"
    assert header(tree.team_a, day=day)["governing"] == "Trường Tiểu học Lê Lợi"


def test_a_school_moved_on_1_7_2025_prints_its_district_office_before_and_commune_after(tree):
    district = UnitFactory(
        code="PGD-HC",
        name="Phòng GDĐT quận Hải Châu",
        level=UnitLevel.DISTRICT,
        parent=tree.danang,
        valid_to=datetime.date(2025, 6, 30),
    )
    UnitMove.objects.create(
        unit=tree.school_a,
        from_parent=district,
        to_parent=tree.commune,
        moved_on=datetime.date(2025, 7, 1),
    )
    assert governing_line(tree.school_a, datetime.date(2025, 5, 20)) == "Phòng GDĐT quận Hải Châu"
    assert governing_line(tree.school_a, datetime.date(2025, 7, 1)) == "UBND phường Hải Châu"
    assert governing_line(district, datetime.date(2025, 5, 20)) == "UBND quận Hải Châu"


def test_the_governing_body_is_data_an_administrator_edits(tree, clock):
    tree.school_c.governing_source = GoverningSource.NAMED
    tree.school_c.governing_body = "UBND tỉnh Gia Lai"
    tree.school_c.save()
    assert header(tree.school_c)["governing"] == "UBND tỉnh Gia Lai"
    tree.school_c.governing_source = GoverningSource.NONE
    tree.school_c.save()
    assert header(tree.school_c)["governing"] == ""


def test_default_letterheads():
    assert default_letterhead(level="province", name="Sở Giáo dục và Đào tạo Hà Nội") == {
        "abbreviation": "SGDĐT",
        "governing_source": "named",
        "governing_body": "UBND thành phố Hà Nội",
    }
    school = default_letterhead(level="school", name="Trường THPT Sơn Trà", school_type="THPT")
    assert school["abbreviation"] == "THPTST"
    assert school["governing_source"] == "parent"
    assert default_letterhead(level="commune", name="UBND xã Hòa Khánh")["governing_source"] == (
        "none"
    )


def test_the_pdf_header_is_in_capitals_with_the_number_pattern(papers, tree):
    text = pdf_text(render_pdf(*printing.council_minutes_document(papers.session)[:2]))
    assert text.startswith("UBND THÀNH PHỐ ĐÀ NẴNG SỞ GDĐT ĐÀ NẴNG")
    assert "BỘ GIÁO DỤC VÀ ĐÀO TẠO" not in text
    assert "Số: /BB-SGDĐT" in text
    text = pdf_text(
        render_pdf(*printing.unit_list_document(papers.round, tree.commune, "sent")[:2])
    )
    assert text.startswith("UBND PHƯỜNG HẢI CHÂU Số: /DS-UBND CỘNG HÒA")  # no Sở above it


# --- council minutes --------------------------------------------------------------------------


def test_minutes_list_members_one_a_line_and_are_signed_from_the_people_records(papers, users):
    text = pdf_text(render_pdf(*printing.council_minutes_document(papers.session)[:2]))
    assert (
        "gồm: 1. Nguyễn Văn Hùng – Giám đốc 2. Trần Quốc Bảo – Phó Giám đốc Sở "
        "3. Phạm Thị Lan – Chuyên viên"
    ) in text
    assert text.endswith(
        "THƯ KÝ HỘI ĐỒNG Chuyên viên Phạm Thị Lan CHỦ TỊCH HỘI ĐỒNG Giám đốc Nguyễn Văn Hùng"
    )
    assert users.secretary.full_name not in text  # the account's name is not a signature
    # one title for every row: said once, not repeated in each row
    assert text.count("Điển hình tiên tiến được biểu dương, tôn vinh") == 1


def test_minutes_of_38_rows_stay_compact(papers, users, new_nomination, tree, clock):
    from nominations import services
    from tests.factories import PersonFactory, place

    for i in range(36):
        person = PersonFactory(unit=tree.school_b, full_name=f"Giáo viên số {i}")
        n = place(
            new_nomination(person=person, nominating_unit=tree.school_b, actor=users.sibling),
            "under_review@province",
        )
        services.council_vote_record(
            actor=users.secretary,
            session=papers.session,
            nomination=n,
            votes_for=7,
            votes_against=1,
        )
    pdf = render_pdf(*printing.council_minutes_document(papers.session)[:2])
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) <= 3  # was 7 pages for 38 rows
    last = " ".join(pages[-1].extract_text().split())
    # the signatures never stand alone: the closing sentence goes with them
    assert "Biên bản kết thúc cùng ngày" in last and "CHỦ TỊCH HỘI ĐỒNG" in last  # noqa: PT018


# --- the draft decision -----------------------------------------------------------------------


def test_the_draft_decision_reads_as_a_decision(papers):
    text = pdf_text(render_pdf(*printing.draft_decision_document(papers.session)[:2]))
    # the authority matrix says the provincial chair grants this title: the Sở drafts for UBND
    assert "UBND THÀNH PHỐ ĐÀ NẴNG Số: /QĐ-UBND CỘNG HÒA" in text
    assert "SỞ GDĐT ĐÀ NẴNG Số" not in text
    assert "QUYẾT ĐỊNH Về việc khen thưởng “Điển hình tiên tiến được biểu dương, tôn vinh”" in text
    assert "CHỦ TỊCH UBND THÀNH PHỐ ĐÀ NẴNG" in text
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;" in text
    assert "Căn cứ Kế hoạch số 3776/KH-SGDĐT ngày 11/12/2023 của Sở GDĐT Đà Nẵng;" in text
    assert (
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở GDĐT Đà Nẵng ngày 10/03/2026;"
        in text
    )
    assert "Theo đề nghị của Giám đốc Sở GDĐT Đà Nẵng." in text
    assert (
        "Điều 1. Khen thưởng “Điển hình tiên tiến được biểu dương, tôn vinh” cho 01 tập thể "
        "và 01 cá nhân" in text
    )
    assert "0,3 lần mức lương cơ sở (2.340.000 đồng" in text and "thành tiền 710.000 đồng" in text  # noqa: PT018
    assert "Tổng số tiền thưởng: 1.420.000 đồng" in text
    assert "Điều 3." in text and "Nơi nhận: - Như Điều 3;" in text  # noqa: PT018
    # the annex on its own page
    assert "(Kèm theo Quyết định số /QĐ-UBND" in text
    assert "Nguyễn Thị Ánh Giáo viên, Trường Tiểu học Lê Lợi" in text
    assert "Tổng cộng 1.420.000" in text


def test_a_title_the_unit_head_grants_is_drafted_by_the_unit(papers, clock):
    from criteria.models import GrantingAuthority

    GrantingAuthority.objects.filter(title__code="DHTT", level="province").update(
        legal_source="Giám đốc Sở GDĐT"
    )
    draft = decisions.draft_decision(papers.session)
    assert draft.grantor == "don-vi"
    assert draft.header["governing"] == "UBND thành phố Đà Nẵng"
    assert draft.header["number_suffix"] == "QĐ-SGDĐT"
    assert draft.authority == "Giám đốc Sở GDĐT Đà Nẵng"
    assert draft.signer_name == "Nguyễn Văn Hùng"  # the head in the people records


def test_the_draft_decision_as_word_and_its_annex_as_excel(papers):
    from reporting import office

    document = Document(io.BytesIO(office.decision_docx(papers.draft)))
    paragraphs = [p.text for p in document.paragraphs]
    assert "QUYẾT ĐỊNH" in paragraphs
    assert any(p.startswith("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15") for p in paragraphs)
    assert any(p.startswith("Điều 2. Mỗi tập thể, cá nhân") for p in paragraphs)
    header_cells = [c.text for c in document.tables[0].rows[0].cells]
    assert "UBND THÀNH PHỐ ĐÀ NẴNG" in header_cells[0] and "Số:" in header_cells[0]  # noqa: PT018
    assert "Độc lập - Tự do - Hạnh phúc" in header_cells[1]
    annex = document.tables[-1]
    assert [c.text for c in annex.rows[0].cells][:2] == ["STT", "Tập thể, cá nhân"]
    assert len(annex.rows) == 1 + 2 + 1  # header, two dossiers, total
    assert document.sections[0].different_first_page_header_footer  # numbers from page 2

    sheet = openpyxl.load_workbook(io.BytesIO(office.annex_xlsx(papers.draft))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "STT")
    body = rows[header_at + 1 : header_at + 3]
    assert {row[1] for row in body} == {"Nguyễn Thị Ánh", "Trường Tiểu học Lê Lợi"}
    assert all(row[4] == 710000 for row in body)  # a number, not text
    assert rows[header_at + 3][1] == "Tổng cộng" and rows[header_at + 3][4] == 1420000  # noqa: PT018


def test_the_cash_award_is_rounded_up_as_the_base_salary_row_says():
    base = BaseSalary(amount=2340000, effective_from=datetime.date(2024, 7, 1), round_to=10000)
    assert base.award("0.3") == 710000
    assert base.award("1.5") == 3510000
    assert BaseSalary.on(datetime.date(2024, 6, 30)).amount == 1800000
    assert BaseSalary.on(datetime.date(2026, 1, 1)).amount == 2340000


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_only_the_deciding_units_leader_and_secretary_get_the_draft(
    client, papers, users, make_user, tree, fmt
):
    url = reverse("reporting:draft_decision", args=[papers.session.pk, fmt])
    for user in (users.secretary, users.province):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Cache-Control"].startswith("no-store")
    outsider = make_user((tree.gialai, Role.APPROVER), username="gl.duyet")
    for user in (users.viewer, users.admin, users.principal, users.commune, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(users.secretary)
    assert client.get(url + "?cap=khac").status_code == 404


# --- seed 002's lists -------------------------------------------------------------------------


def test_the_introduction_and_registration_lists_in_seed_002_layout(papers, tree):
    text = pdf_text(render_pdf(*printing.registration_document(papers.campaign, tree.school_a)[:2]))
    assert "DANH SÁCH ĐĂNG KÝ THI ĐUA" in text
    assert text.index("1. TẬP THỂ") < text.index("2. CÁ NHÂN") < text.index("Lưu ý")
    assert (
        "1 Trường Tiểu học Lê Lợi 12 Lê Lợi, phường Hải Châu 02363822111 Tập thể lao động xuất sắc"
        in text
    )
    assert (
        "1 Nguyễn Thị Ánh Giáo viên Trường Tiểu học Lê Lợi 0905123456 Chiến sĩ thi đua cơ sở"
        in text
    )

    from reporting import office

    listing = printing.unit_list_document(papers.round, tree.school_a, "registration")[1]["listing"]
    sheet = openpyxl.load_workbook(io.BytesIO(office.seed002_xlsx(listing))).active
    rows = list(sheet.iter_rows(values_only=True))
    firsts = [row[0] for row in rows]
    collectives, individuals = firsts.index("1. TẬP THỂ"), firsts.index("2. CÁ NHÂN")
    assert rows[collectives + 1][:3] == ("Stt", "Trường (tập thể)", "Địa chỉ")
    assert rows[collectives + 2][:3] == (1, "Trường Tiểu học Lê Lợi", "12 Lê Lợi, phường Hải Châu")
    assert rows[individuals + 1][:4] == ("Stt", "Họ và tên", "Chức vụ", "Đơn vị")
    assert rows[individuals + 2][1:5] == (
        "Nguyễn Thị Ánh",
        "Giáo viên",
        "Trường Tiểu học Lê Lợi",
        "0905123456",
    )
    assert any(str(f).startswith("* Lưu ý") for f in firsts)


def test_list_downloads_are_for_the_units_members(client, papers, users, tree):
    pdf = reverse(
        "reporting:registration_list", args=[papers.campaign.code, tree.school_a.code, "pdf"]
    )
    xlsx = reverse(
        "reporting:registration_list", args=[papers.campaign.code, tree.school_a.code, "xlsx"]
    )
    sheet = reverse(
        "reporting:unit_list_xlsx", args=[papers.round.pk, tree.school_a.code, "registration"]
    )
    client.force_login(users.nominator)
    assert client.get(pdf)["Content-Type"] == "application/pdf"
    assert client.get(xlsx)["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(sheet).status_code == 200
    for user in (users.sibling, users.province):  # a sibling school; the Sở above
        client.force_login(user)
        assert client.get(pdf).status_code == 404
        assert client.get(xlsx).status_code == 404
        assert client.get(sheet).status_code == 404
    client.force_login(users.nominator)
    assert client.get(pdf.replace(".pdf", ".doc")).status_code == 404
