"""Importing a registration list (seed 002's template) as draft dossiers; the "valid rows only"
choice; encodings."""

import pytest
from django.urls import reverse

from core.imports import IMPORTERS, import_job_check, import_job_confirm
from core.models import ImportStatus
from nominations.enums import State
from nominations.models import Nomination
from tests.factories import PersonFactory
from units.models import Person

pytestmark = pytest.mark.django_db
HEADER = "Loại,Tên tập thể hoặc họ và tên,Mã đơn vị,Chức vụ,Mã định danh,Điện thoại"


def check(users, campaign, tree, *lines, encoding="utf-8"):
    content = ("\n".join(lines) + "\n").encode(encoding, errors="replace")
    return import_job_check(
        actor=users.principal,
        importer=IMPORTERS["registration"],
        file_name="ds.csv",
        content=content,
        context={
            "campaign_id": campaign.pk,
            "round_id": campaign.rounds.get().pk,
            "unit_id": tree.school_a.pk,
        },
    )


def test_a_valid_list_becomes_draft_dossiers(users, campaign, tree, clock):
    known = PersonFactory(unit=tree.school_a, full_name="Trần Văn Bình", identifier="ID-BINH")
    job = check(
        users,
        campaign,
        tree,
        HEADER,
        "Tập thể,Trường Tiểu học Lê Lợi,TH-A,,,",
        "Cá nhân,TRAN VAN BINH,TH-A,GV,,",
        "Cá nhân,Lê Thị Hoa,TH-A-T1,Giáo viên,,0905111222",
    )
    assert job.status == ImportStatus.CHECKED_OK, job.errors
    assert not Nomination.objects.exists()  # a dry run saves nothing
    # Each new row is previewed by what the file says, never as "None".
    assert [r["repr"] for r in job.preview] == [
        "Tập thể · Trường Tiểu học Lê Lợi · TH-A",
        "Cá nhân · TRAN VAN BINH · TH-A · GV",
        "Cá nhân · Lê Thị Hoa · TH-A-T1 · Giáo viên · 0905111222",
    ]
    import_job_confirm(actor=users.principal, job=job)
    drafts = Nomination.objects.order_by("pk")
    assert [(n.nominee.__str__(), n.category, n.state) for n in drafts] == [
        ("Trường Tiểu học Lê Lợi", "collective", State.DRAFT),
        ("Trần Văn Bình", "teacher", State.DRAFT),
        ("Lê Thị Hoa", "teacher", State.DRAFT),
    ]
    assert drafts[1].nominee_person == known  # found by folded name within the unit
    assert Person.objects.get(full_name="Lê Thị Hoa").phone == "0905111222"  # added to staff
    again = check(users, campaign, tree, HEADER, "Tập thể,Trường Tiểu học Lê Lợi,TH-A,,,")
    assert again.totals == {"rows": 1, "skip": 1}


def test_wrong_headers_unknown_units_bad_kinds_and_nothing_saved(users, campaign, tree, clock):
    job = check(users, campaign, tree, "Tên,Đơn vị", "X,TH-A")
    assert "Thiếu cột bắt buộc" in job.errors[0]["message"]
    job = check(
        users,
        campaign,
        tree,
        HEADER,
        "Tập thể,Trường Tiểu học Trần Phú,TH-B,,,",
        "Đơn vị,Ai đó,TH-A,GV,,",
        "Cá nhân,Ai đó,TH-A,Thầy giáo,,",
    )
    by_row = {e["row"]: e for e in job.errors}
    assert by_row[1]["column"] == "Mã đơn vị"
    assert "Không tìm thấy đơn vị có mã “TH-B”" in by_row[1]["message"]
    assert "ghi “Tập thể” hoặc “Cá nhân”" in by_row[2]["message"]
    assert "“Thầy giáo” không hợp lệ" in by_row[3]["message"]
    assert not Nomination.objects.exists()
    assert not Person.objects.filter(full_name="Ai đó").exists()


def test_the_valid_rows_only_when_the_user_chooses_so(users, campaign, tree, client, clock):
    job = check(
        users,
        campaign,
        tree,
        HEADER,
        "Tập thể,Trường Tiểu học Lê Lợi,TH-A,,,",
        "Tập thể,Không có,KHONG-CO,,,",
    )
    assert job.status == ImportStatus.CHECKED_ERRORS
    client.force_login(users.principal)
    page = client.get(reverse("core:import_job", args=[job.pk]))
    assert page.context["valid_rows"] == 1
    response = client.post(
        reverse("core:import_job", args=[job.pk]), {"valid_only": "1"}, follow=True
    )
    assert "Đã bỏ qua 1 dòng lỗi" in response.text
    # The page says what happened once: the valid row went in, nothing claims otherwise.
    assert "Đã nhập xong 1 dòng" in response.text
    assert "Không dòng nào được lưu" not in response.text
    assert Nomination.objects.count() == 1
    job.refresh_from_db()
    assert (job.status, job.totals["skipped"]) == (ImportStatus.IMPORTED, 1)


def test_a_cp1252_file_cannot_carry_vietnamese_headers_and_says_which_are_missing(
    users, campaign, tree, clock
):
    job = check(users, campaign, tree, HEADER, "Tập thể,Trường,TH-A,,,", encoding="cp1252")
    assert job.status == ImportStatus.CHECKED_ERRORS
    assert job.errors[0]["message"].startswith(
        "Thiếu cột bắt buộc: Loại, Tên tập thể hoặc họ và tên, Mã đơn vị"
    )


def test_the_import_page_needs_an_open_campaign_and_round(client, users, campaign, clock):
    client.force_login(users.principal)
    assert client.get(reverse("core:import_start", args=["registration"])).status_code == 404
    page = client.get(
        reverse("core:import_start", args=["registration"]),
        {"phong_trao": campaign.code, "dot": campaign.rounds.get().pk},
    )
    assert "Tạo hồ sơ nháp trong “Điển hình quý 1”" in page.text
