import datetime
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from units import services
from units.enums import Position, Role, UnitLevel
from units.models import Unit, UnitMove

pytestmark = pytest.mark.django_db


def test_unit_create_refuses_a_level_that_cannot_sit_under_the_parent(tree):
    with pytest.raises(ValidationError) as excinfo:
        services.unit_create(
            parent=tree.school_a, code="X", name="Sở lạc chỗ", level=UnitLevel.PROVINCE
        )
    assert "không thể trực thuộc" in str(excinfo.value)
    assert not Unit.objects.filter(code="X").exists()


def test_unit_create_cleans_text_and_links_into_the_tree(tree):
    decomposed = unicodedata.normalize("NFD", "Trường  Mầm non Hoa Sen")
    unit = services.unit_create(
        parent=tree.commune, code="MN-1", name=decomposed, level=UnitLevel.SCHOOL
    )
    assert unit.name == "Trường Mầm non Hoa Sen"
    assert Unit.objects.get_parent(unit) == tree.commune
    assert Unit.objects.get(pk=tree.commune.pk).numchild == 3


def test_unit_move_carries_the_subtree_and_remembers_the_old_parent(tree):
    services.unit_move(
        unit=tree.school_a,
        new_parent=tree.danang,
        moved_on=datetime.date(2025, 7, 1),
        reason="Sắp xếp",
    )
    team = Unit.objects.get(pk=tree.team_a.pk)
    assert Unit.objects.get_parent(team).code == "TH-A"
    assert Unit.objects.get_parent(Unit.objects.get(pk=tree.school_a.pk)) == tree.danang
    move = UnitMove.objects.get(unit=tree.school_a)
    assert (move.from_parent, move.to_parent) == (tree.commune, tree.danang)
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_unit_move_refuses_to_move_into_own_subtree(tree):
    with pytest.raises(ValidationError):
        services.unit_move(
            unit=tree.school_a, new_parent=tree.team_a, moved_on=datetime.date(2025, 7, 1)
        )


def test_person_create_checks_scope_and_writes_the_audit_log(tree, nominator_a):
    person = services.person_create(
        actor=nominator_a,
        unit=tree.team_a,
        full_name=unicodedata.normalize("NFD", " Nguyễn  Thị Ánh "),
        position=Position.TEACHER,
    )
    assert person.full_name == "Nguyễn Thị Ánh"
    event = AuditEvent.objects.get(action="person.create")
    assert (event.actor, event.target_id) == (nominator_a, str(person.pk))
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=nominator_a, unit=tree.school_b, full_name="X", position=Position.TEACHER
        )


def test_viewer_cannot_change_people(make_user, tree, people):
    viewer = make_user((tree.danang, Role.VIEWER))
    with pytest.raises(PermissionDenied):
        services.person_update(actor=viewer, person=people.a, full_name="Đổi tên")


def test_person_update_records_what_changed_and_skips_no_op(tree, people, nominator_a):
    services.person_update(
        actor=nominator_a, person=people.a, full_name="Nguyễn Thị Ánh", phone="0905000111"
    )
    event = AuditEvent.objects.get(action="person.update")
    assert event.data == {"fields": ["phone"]}
    services.person_update(actor=nominator_a, person=people.a, phone="0905000111")
    assert AuditEvent.objects.filter(action="person.update").count() == 1
