"""Dated membership of people in units, filled by the person form and the people import: the
shares of a past year count the people as they were."""

import datetime

import pytest
from django.urls import reverse

from core.imports import IMPORTERS, import_job_check, import_job_confirm
from criteria.eligibility import members_in_year
from tests.factories import PersonFactory
from units import services
from units.enums import Role
from units.models import Person, Placement

pytestmark = pytest.mark.django_db
D = datetime.date


def spans(person):
    return [
        (p.unit.code, p.joined_on, p.left_on)
        for p in Placement.objects.filter(person=person).select_related("unit").order_by("pk")
    ]


def test_the_person_form_dates_a_move_to_another_school(client, make_user, tree):
    actor = make_user((tree.commune, Role.NOMINATOR), username="xa.canbo")
    client.force_login(actor)
    created = client.post(
        reverse("units:person_create", args=["TH-A"]),
        {
            "full_name": "Trần Văn Chuyển",
            "position": "GV",
            "gender": "male",
            "is_active": "on",
            "placement_on": "05/09/2019",
        },
    )
    assert created.status_code == 302, created.context["form"].errors
    person = Person.objects.get(full_name="Trần Văn Chuyển")
    assert spans(person) == [("TH-A", D(2019, 9, 5), None)]
    moved = client.post(
        reverse("units:person_update", args=[person.pk]),
        {
            "full_name": "Trần Văn Chuyển",
            "position": "GV",
            "gender": "male",
            "is_active": "on",
            "move_to": "TH-B",
            "placement_on": "01/01/2025",
        },
    )
    assert moved.status_code == 302, moved.context["form"].errors
    person.refresh_from_db()
    assert person.unit == tree.school_b
    assert spans(person) == [
        ("TH-A", D(2019, 9, 5), D(2024, 12, 31)),
        ("TH-B", D(2025, 1, 1), None),
    ]
    # the school year 2024–2025 is assessed on 31/05/2025: she counts at her new school
    assert person.pk in members_in_year(tree.school_b, 2025)
    assert person.pk not in members_in_year(tree.school_a, 2025)
    assert person.pk in members_in_year(tree.school_a, 2024)
    page = client.get(reverse("units:person_detail", args=[person.pk])).content.decode()
    assert "Quá trình công tác" in page
    assert "31/12/2024" in page


def test_leaving_closes_the_placement(make_user, tree):
    actor = make_user((tree.school_a, Role.APPROVER), username="a.ht")
    person = services.person_create(
        actor=actor, unit=tree.school_a, full_name="Lê Thị Nghỉ", position="GV"
    )
    services.person_update(actor=actor, person=person, is_active=False, placement_on=D(2025, 6, 30))
    assert spans(person) == [("TH-A", None, D(2025, 6, 30))]
    assert person.pk in members_in_year(tree.school_a, 2025)
    assert person.pk not in members_in_year(tree.school_a, 2026)


def test_the_people_import_dates_new_staff_and_moves(make_user, tree):
    actor = make_user((tree.commune, Role.APPROVER), username="xa.duyet")
    old = PersonFactory(unit=tree.school_a, identifier="077")
    Placement.objects.create(person=old, unit=tree.school_a)
    content = (
        "Mã định danh,Họ và tên,Chức vụ,Mã đơn vị,Ngày về đơn vị\n"
        "076,Phạm Văn Mới,GV,TH-A,05/09/2024\n"
        f"077,{old.full_name},GV,TH-B,01/09/2024\n"
    ).encode()
    job = import_job_check(
        actor=actor, importer=IMPORTERS["people"], file_name="ds.csv", content=content
    )
    assert not Placement.objects.filter(person__identifier="076").exists()  # a check saves nothing
    import_job_confirm(actor=actor, job=job)
    new = Person.objects.get(identifier="076")
    assert spans(new) == [("TH-A", D(2024, 9, 5), None)]
    assert spans(old) == [("TH-A", None, D(2024, 8, 31)), ("TH-B", D(2024, 9, 1), None)]
    # hired for 2024–2025: not a member of the school year 2023–2024
    assert new.pk not in members_in_year(tree.school_a, 2024)
    assert new.pk in members_in_year(tree.school_a, 2025)
