from decimal import Decimal

import pytest
from django.urls import reverse

from core.imports import IMPORTERS, import_job_check, import_job_confirm
from core.models import ImportStatus
from criteria.models import AchievementRecord, CriteriaSet
from criteria.services import criteria_set_freeze
from tests.factories import PersonFactory, RecordFactory, title
from units.enums import Role

pytestmark = pytest.mark.django_db

CRITERIA_HEADER = (
    "Mã bộ tiêu chí,Tên bộ tiêu chí,Đối tượng,Cấp xét,Đơn vị sở hữu (mã),STT,"
    "Nội dung tiêu chí,Loại,Bắt buộc minh chứng,Điểm tối đa,Ngưỡng,Đơn vị ngưỡng"
)


def run(actor, kind, *lines, confirm=True):
    content = ("\n".join(lines) + "\n").encode()
    job = import_job_check(
        actor=actor, importer=IMPORTERS[kind], file_name="f.csv", content=content
    )
    if confirm and job.status == ImportStatus.CHECKED_OK:
        job = import_job_confirm(actor=actor, job=job)
    return job


class TestCriteriaImport:
    def test_a_province_imports_its_own_set_and_updates_it(self, province_admin):
        job = run(
            province_admin,
            "criteria",
            CRITERIA_HEADER,
            "DN-GV,Tiêu chí giáo viên,Giáo viên,Sở,SGD-DN,1,Hoàn thành xuất sắc nhiệm vụ,"
            "Xác nhận,,10,,",
            "DN-GV,Tiêu chí giáo viên,Giáo viên,Sở,SGD-DN,2,Có sáng kiến,Minh chứng,Có,10,,",
            "DN-GV,Tiêu chí giáo viên,Giáo viên,Sở,SGD-DN,3,Tỷ lệ học sinh đạt,Định lượng,"
            ',"7,5",90,%',
        )
        assert job.status == ImportStatus.IMPORTED, job.errors
        criteria_set = CriteriaSet.objects.get(code="DN-GV", version=0)
        assert (criteria_set.category, criteria_set.tier, criteria_set.owner_unit.code) == (
            "teacher",
            "province",
            "SGD-DN",
        )
        third = criteria_set.criteria.get(order=3)
        assert (third.max_score, third.threshold, third.kind) == (
            Decimal("7.5"),
            Decimal("90"),
            "numeric",
        )
        assert criteria_set.criteria.get(order=2).evidence_required

        frozen = criteria_set_freeze(criteria_set=criteria_set)
        job = run(
            province_admin,
            "criteria",
            CRITERIA_HEADER,
            "DN-GV,Tiêu chí giáo viên (sửa),Giáo viên,Sở,SGD-DN,1,Hoàn thành xuất sắc,Xác nhận,,,,",
        )
        assert job.status == ImportStatus.IMPORTED, job.errors
        assert list(criteria_set.criteria.values_list("order", flat=True)) == [1]
        assert frozen.criteria.count() == 3  # the frozen version is untouched

    def test_national_templates_are_for_system_admins(self, province_admin):
        job = run(
            province_admin,
            "criteria",
            CRITERIA_HEADER,
            "QG-1,Mẫu toàn ngành,Giáo viên,Sở,,1,Tiêu chí,Xác nhận,,,,",
        )
        assert job.status == ImportStatus.CHECKED_ERRORS
        assert "chỉ quản trị hệ thống" in job.errors[0]["message"]

    def test_a_set_owned_elsewhere_cannot_be_taken_over(self, province_admin, make_user, tree):
        run(
            province_admin,
            "criteria",
            CRITERIA_HEADER,
            "DN-GV,Tiêu chí,Giáo viên,Sở,SGD-DN,1,Tiêu chí,Xác nhận,,,,",
        )
        admin_gl = make_user((tree.gialai, Role.CAMPAIGN_ADMIN))
        job = run(
            admin_gl,
            "criteria",
            CRITERIA_HEADER,
            "DN-GV,Của tôi,Giáo viên,Sở,SGD-GL,1,Tiêu chí khác,Xác nhận,,,,",
        )
        assert "đã thuộc đơn vị khác" in job.errors[0]["message"]
        job = run(
            admin_gl,
            "criteria",
            CRITERIA_HEADER,
            "GL-X,Của tôi,Giáo viên,Sở,SGD-DN,1,Tiêu chí khác,Xác nhận,,,,",
        )
        assert "Không tìm thấy đơn vị có mã “SGD-DN”" in job.errors[0]["message"]


REGISTRY_HEADER = (
    "Mã định danh,Mã đơn vị,Năm,Loại,Xếp loại,Danh hiệu, hình thức,Cấp công nhận,"
    "Hình thức kỷ luật,Nội dung,Số quyết định,Ngày quyết định,Cơ quan ban hành"
)


class TestRegistryImport:
    @pytest.fixture
    def keeper(self, make_user, tree):
        return make_user((tree.school_a, Role.APPROVER))

    def header(self):
        return REGISTRY_HEADER.replace("Danh hiệu, hình thức", '"Danh hiệu, hình thức"')

    def test_facts_of_people_and_units_and_reimport_is_idempotent(self, keeper, people, tree):
        lines = [
            self.header(),
            f"{people.a.identifier},,2024,Xếp loại năm,Hoàn thành xuất sắc nhiệm vụ,,,,,,,",
            f"{people.a.identifier},,2024,Danh hiệu,,LĐTT,,,,12/QĐ-UBND,15/08/2024,UBND phường",
            f"{people.a.identifier},,2024,Sáng kiến,,,Cấp cơ sở,,Dạy học STEM,5/QĐ,01/06/2024,"
            "Trường",
            ",TH-A,2024,Danh hiệu,,Tập thể lao động tiên tiến,,,,20/QĐ,20/08/2024,UBND phường",
            f"{people.a_team.identifier},,2023,Kỷ luật,,,,Khiển trách,,7/QĐ,01/03/2023,Trường",
        ]
        job = run(keeper, "registry", *lines)
        assert job.status == ImportStatus.IMPORTED, job.errors
        assert job.totals == {"rows": 5, "new": 5}
        ldtt = AchievementRecord.objects.get(person=people.a, kind="title")
        assert (ldtt.title.code, ldtt.decision_number, str(ldtt.decision_date)) == (
            "LDTT",
            "12/QĐ-UBND",
            "2024-08-15",
        )
        assert AchievementRecord.objects.get(unit=tree.school_a).title.code == "TTLDTT"
        job = run(keeper, "registry", *lines)
        assert job.totals == {"rows": 5, "update": 5}
        assert AchievementRecord.objects.count() == 5

    def test_errors_name_the_row_and_nothing_is_saved(self, keeper, people):
        job = run(
            keeper,
            "registry",
            self.header(),
            f"{people.a.identifier},,2024,Danh hiệu,,Huân chương lạ,,,,,,",
            f"{people.b.identifier},,2024,Xếp loại năm,Hoàn thành tốt nhiệm vụ,,,,,,,",
            f"{people.a.identifier},,2024,Kỷ luật,,,,,,,,",
        )
        messages = {(e["row"], e["message"]) for e in job.errors}
        assert (1, "Không có danh hiệu, hình thức “Huân chương lạ” trong danh mục.") in messages
        assert any(row == 2 and "trong phạm vi của bạn" in m for row, m in messages)
        assert any(row == 3 and "cần có “hình thức kỷ luật”" in m for row, m in messages)
        assert not AchievementRecord.objects.exists()


class TestHistoryPages:
    def test_history_and_eligibility_check_for_a_person(self, client, people, nominator_a):
        RecordFactory(person=people.a, year=2024, kind="rating", rating="good")
        RecordFactory(person=people.a, year=2024, kind="title", title=title("LDTT"))
        client.force_login(nominator_a)
        url = reverse("criteria:person_history", args=[people.a.pk])
        page = client.get(url, {"title": title("CSTDCS").pk, "year": 2024})
        assert "Lao động tiên tiến" in page.text
        statuses = {r.rule.code: r.status for r in page.context["results"]}
        assert statuses == {"CSTDCS_LDTT": "pass", "CSTDCS_XUAT_SAC_HOAC_SANG_KIEN": "fail"}

    def test_history_of_another_school_is_404(self, client, people, nominator_a):
        client.force_login(nominator_a)
        assert client.get(reverse("criteria:person_history", args=[people.b.pk])).status_code == 404
        assert client.get(reverse("criteria:unit_history", args=["TH-B"])).status_code == 404

    def test_registry_export_is_scoped(self, client, people, nominator_a):
        RecordFactory(person=people.a, year=2024, kind="rating", rating="good")
        RecordFactory(person=people.b, year=2024, kind="rating", rating="good")
        client.force_login(nominator_a)
        response = client.get(reverse("criteria:registry_export"), {"format": "csv"})
        body = response.content.decode("utf-8-sig")
        assert people.a.identifier in body
        assert people.b.identifier not in body

    def test_catalogue_and_criteria_pages(self, client, nominator_a):
        client.force_login(nominator_a)
        titles = client.get(reverse("criteria:title_list"))
        assert "Tập thể lao động xuất sắc" in titles.text
        assert "Nghị định 152/2025/NĐ-CP" in titles.text
        sets = client.get(reverse("criteria:criteriaset_list"))
        criteria_set = CriteriaSet.objects.get(code="GL-2021-TAPTHE", version=0)
        assert criteria_set.name in sets.text
        detail = client.get(reverse("criteria:criteriaset_detail", args=[criteria_set.pk]))
        assert "70" in detail.text


def test_criteria_sets_of_another_province_are_hidden(client, make_user, tree, province_admin):
    run(
        province_admin,
        "criteria",
        CRITERIA_HEADER,
        "DN-GV,Tiêu chí riêng Đà Nẵng,Giáo viên,Sở,SGD-DN,1,Tiêu chí,Xác nhận,,,,",
    )
    other = make_user((tree.school_c, Role.NOMINATOR))
    client.force_login(other)
    assert "Tiêu chí riêng Đà Nẵng" not in client.get(reverse("criteria:criteriaset_list")).text
    hidden = CriteriaSet.objects.get(code="DN-GV")
    assert client.get(reverse("criteria:criteriaset_detail", args=[hidden.pk])).status_code == 404
    client.force_login(make_user((tree.team_a, Role.NOMINATOR)))
    assert "Tiêu chí riêng Đà Nẵng" in client.get(reverse("criteria:criteriaset_list")).text


def test_people_without_registry_data_still_have_a_page(client, nominator_a, tree):
    person = PersonFactory(unit=tree.school_a)
    client.force_login(nominator_a)
    page = client.get(reverse("criteria:person_history", args=[person.pk]))
    assert "Chưa có dữ liệu thành tích" in page.text
