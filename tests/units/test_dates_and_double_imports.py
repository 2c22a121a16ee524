"""Birth dates typed on the person form or carried by an import column stay between 1900 and
today; confirming the same checked import twice (a double click) imports once, quietly."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportJob, ImportStatus
from units.enums import Role
from units.models import Person

from .test_imports import PEOPLE_HEADER, check, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver_a(make_user, tree):
    return make_user((tree.school_a, Role.APPROVER), username="hieutruong.a")


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2100-01-01", "9999-12-31"])
@time_machine.travel("2026-03-16 10:00 +0700", tick=False)
def test_a_birth_date_outside_1900_to_today_is_refused_on_the_form(client, nominator_a, day):
    client.force_login(nominator_a)
    response = client.post(
        reverse("units:person_create", args=["TH-A-T1"]),
        {
            "full_name": "Phạm Thị Hoa",
            "identifier": "048190000001",
            "birth_date": day,
            "gender": "female",
            "ethnicity": "Kinh",
            "position": "GV",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "nằm ngoài khoảng hợp lệ (từ 01/01/1900 đến 16/03/2026)" in response.text
    assert not Person.objects.exists()


@pytest.mark.parametrize("day", ["01/01/0001", "01/01/2100", "31/12/9999"])
def test_a_birth_date_column_outside_the_window_is_a_row_error(approver_a, day):
    job = check(
        approver_a,
        csv_bytes(PEOPLE_HEADER, f"001,Nguyễn Thị Ánh,GV,TH-A,{day},Nữ,Kinh,"),
    )
    assert job.status == ImportStatus.CHECKED_ERRORS
    assert job.errors[0]["column"] == "Ngày sinh"
    assert "nằm ngoài khoảng hợp lệ" in job.errors[0]["message"]


def test_a_double_click_on_confirm_imports_once_and_says_nothing_wrong(client, approver_a):
    client.force_login(approver_a)
    upload = SimpleUploadedFile(
        "ds.csv", csv_bytes(PEOPLE_HEADER, "001,Nguyễn Thị Ánh,GV,TH-A,,,,")
    )
    client.post(reverse("core:import_start", args=["people"]), {"file": upload})
    job = ImportJob.objects.get()
    url = reverse("core:import_job", args=[job.pk])
    page = client.get(url)
    assert 'name="form_token"' in page.text
    data = {"form_token": "7b1e2f7a-9d8c-4b5e-a1f0-2c3d4e5f6a7b"}
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert "đã được nhập" not in second.text
    assert Person.objects.filter(identifier="001").count() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED
