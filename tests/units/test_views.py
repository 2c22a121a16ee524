import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from core.models import AuditEvent
from tests.factories import PersonFactory
from units.enums import Role
from units.models import Person

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_user_of_school_a_gets_404_for_everything_of_school_b(client, people, nominator_a, tree):
    client.force_login(nominator_a)
    for url in [
        reverse("units:person_detail", args=[people.b.pk]),
        reverse("units:person_update", args=[people.b.pk]),
        reverse("units:person_photo", args=[people.b.pk]),
        reverse("units:unit_detail", args=[tree.school_b.code]),
        reverse("units:unit_export", args=[tree.school_b.code]),
        reverse("units:person_create", args=[tree.school_b.code]),
        reverse("units:unit_detail", args=[tree.danang.code]),
    ]:
        assert client.get(url).status_code == 404, url


def test_province_user_sees_the_people_and_units_of_its_schools(client, people, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("units:person_detail", args=[people.b.pk]))
    assert response.status_code == 200
    assert "Trần Thị Bích" in response.text
    assert client.get(reverse("units:unit_detail", args=["TH-B"])).status_code == 200
    assert client.get(reverse("units:unit_detail", args=["THPT-C"])).status_code == 404


def test_person_list_shows_only_the_scope(client, people, nominator_a):
    client.force_login(nominator_a)
    text = client.get(reverse("units:person_list")).text
    assert "Nguyễn Thị Ánh" in text
    assert "Lê Văn Tám" in text
    assert "Trần Thị Bích" not in text
    assert "Rơ Mah Hlim" not in text


def test_person_list_filter_by_unit_outside_scope_shows_nothing(client, people, nominator_a):
    client.force_login(nominator_a)
    response = client.get(reverse("units:person_list"), {"unit": "TH-B"})
    assert list(response.context["people"]) == []


def test_anonymous_visitor_is_sent_to_the_login_page(client, people):
    response = client.get(reverse("units:person_detail", args=[people.a.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_viewer_sees_people_but_may_not_edit_them(client, make_user, tree, people):
    viewer = make_user((tree.commune, Role.VIEWER))
    client.force_login(viewer)
    detail = client.get(reverse("units:person_detail", args=[people.a.pk]))
    assert detail.status_code == 200
    assert reverse("units:person_update", args=[people.a.pk]) not in detail.text
    assert client.get(reverse("units:person_update", args=[people.a.pk])).status_code == 403
    assert client.get(reverse("units:person_create", args=["TH-A"])).status_code == 403


def test_nominator_adds_a_person_with_a_photo_served_privately(client, nominator_a, tree):
    client.force_login(nominator_a)
    photo = SimpleUploadedFile("../../etc/chan-dung.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("units:person_create", args=["TH-A-T1"]),
        {
            "full_name": "Phạm Thị Hoa",
            "identifier": "048190000001",
            "birth_date": "1985-03-12",
            "gender": "female",
            "ethnicity": "Kinh",
            "position": "GV",
            "phone": "0905123456",
            "email": "",
            "photo": photo,
            "is_active": "on",
        },
    )
    person = Person.objects.get(identifier="048190000001")
    assert response.status_code == 302
    assert person.unit == tree.team_a
    assert person.photo.name.startswith("private/people/photos/")
    assert ".." not in person.photo.name
    assert "chan-dung" not in person.photo.name
    assert AuditEvent.objects.filter(action="person.create", target_id=str(person.pk)).exists()
    photo_response = client.get(reverse("units:person_photo", args=[person.pk]))
    assert photo_response["Content-Type"] == "image/png"
    assert photo_response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(photo_response.streaming_content) == png_bytes()


def test_a_script_disguised_as_a_photo_is_rejected(client, nominator_a):
    client.force_login(nominator_a)
    fake = SimpleUploadedFile("anh.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(
        reverse("units:person_create", args=["TH-A"]),
        {
            "full_name": "Phạm Thị Hoa",
            "position": "GV",
            "ethnicity": "Kinh",
            "photo": fake,
        },
    )
    assert response.status_code == 200
    assert not Person.objects.filter(full_name="Phạm Thị Hoa").exists()
    assert "ảnh" in str(response.context["form"].errors["photo"]).lower()


def test_editing_a_person_saves_through_the_service(client, nominator_a, people):
    client.force_login(nominator_a)
    response = client.post(
        reverse("units:person_update", args=[people.a.pk]),
        {
            "full_name": "Nguyễn Thị Ánh",
            "identifier": people.a.identifier,
            "position": "TT",
            "gender": "female",
            "ethnicity": "Kinh",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    people.a.refresh_from_db()
    assert people.a.position == "TT"
    assert AuditEvent.objects.filter(action="person.update").count() == 1


def test_duplicate_identifier_is_refused_with_a_message(client, nominator_a, people):
    client.force_login(nominator_a)
    response = client.post(
        reverse("units:person_create", args=["TH-A"]),
        {
            "full_name": "Người trùng mã",
            "identifier": people.c.identifier,
            "position": "GV",
            "ethnicity": "Kinh",
        },
    )
    assert "đã được dùng" in str(response.context["form"].errors["identifier"])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("view", ["units:person_list", "units:unit_list"])
def test_list_pages_issue_the_same_number_of_queries_for_1_and_3_rows(
    client, province_admin, tree, view
):
    client.force_login(province_admin)
    PersonFactory(unit=tree.school_a)
    client.get(reverse(view))  # warm up the session
    one = count_queries(client, reverse(view))
    for unit in (tree.school_b, tree.team_a):
        PersonFactory(unit=unit)
    assert count_queries(client, reverse(view)) == one


def test_unit_detail_query_count_does_not_grow_with_children(client, province_admin, tree):
    from tests.factories import UnitFactory

    client.force_login(province_admin)
    url = reverse("units:unit_detail", args=["X-HC"])
    client.get(url)
    before = count_queries(client, url)
    for n in range(3):
        UnitFactory(parent=tree.commune, code=f"NEW-{n}")
    assert count_queries(client, url) == before


def test_export_respects_scope_and_neutralises_formulas(client, nominator_a, tree, people):
    PersonFactory(unit=tree.school_a, full_name='=HYPERLINK("http://x")', identifier="EVIL")
    client.force_login(nominator_a)
    response = client.get(reverse("units:person_export"), {"format": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="ca-nhan-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Mã định danh", "Họ và tên"]
    names = {row[1] for row in rows[1:]}
    assert names == {"Nguyễn Thị Ánh", "Lê Văn Tám", '\'=HYPERLINK("http://x")'}
    assert AuditEvent.objects.filter(action="person.export", actor=nominator_a).exists()


def test_unit_export_is_a_real_xlsx_of_the_subtree(client, province_admin, tree):
    from openpyxl import load_workbook

    client.force_login(province_admin)
    response = client.get(reverse("units:unit_export", args=["X-HC"]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã đơn vị"
    assert {r[0] for r in rows[1:]} == {"X-HC", "TH-A", "TH-A-T1", "TH-B"}
    parent_column = rows[0].index("Mã đơn vị cấp trên")
    parent_of = {r[0]: r[parent_column] for r in rows[1:]}
    assert parent_of["TH-A-T1"] == "TH-A"
    assert parent_of["X-HC"] == "SGD-DN"


def test_a_page_number_past_the_end_shows_the_last_page(client, nominator_a, people):
    client.force_login(nominator_a)
    response = client.get(reverse("units:person_list"), {"page": "999"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert "Nguyễn Thị Ánh" in response.text
