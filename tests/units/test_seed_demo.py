import io

import pytest
from django.core.management import call_command

from units.demo import SCALES, build_tree
from units.enums import SchoolType, UnitLevel
from units.models import Membership, Person, Unit, UnitMove, User

pytestmark = pytest.mark.django_db


def counts():
    return (
        Unit.objects.count(),
        Person.objects.count(),
        UnitMove.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def test_seed_demo_is_idempotent_and_builds_a_consistent_tree(client):
    output = io.StringIO()
    call_command("seed_demo", "--scale", "demo", stdout=output)
    assert "truong.canbo" in output.getvalue()
    assert "ThiDua@2026" in output.getvalue()
    first = counts()
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    assert counts() == first
    assert first[0] == len(build_tree(SCALES["demo"]))
    assert Unit.objects.find_problems() == ([], [], [], [], [])

    # the 2025 restructuring: districts closed, schools moved under communes, Sở merged
    assert not Unit.objects.filter(level=UnitLevel.DISTRICT, valid_to__isnull=True).exists()
    move = UnitMove.objects.select_related("unit", "from_parent", "to_parent").first()
    assert move.from_parent.level == UnitLevel.DISTRICT
    assert move.to_parent.level == UnitLevel.COMMUNE
    assert Unit.objects.get_parent(move.unit) == move.to_parent
    assert Unit.objects.get(code="SGD-QNA").merged_into.code == "SGD-DN"
    school_types = set(
        Unit.objects.filter(level=UnitLevel.SCHOOL).values_list("school_type", flat=True)
    )
    assert school_types == set(SchoolType.values)

    for username in ("truong.canbo", "so.quantri", "quantri"):
        assert client.login(username=username, password="ThiDua@2026")


def test_larger_scales_contain_the_smaller_ones():
    demo = {n.code for n in build_tree(SCALES["demo"])}
    province = build_tree(SCALES["province"])
    assert demo <= {n.code for n in province}
    schools = [n for n in province if n.level == UnitLevel.SCHOOL]
    first_province = [n for n in schools if n.code.startswith("DN-")]
    assert 1400 <= len(first_province) <= 1600
    assert 55_000 <= sum(n.people for n in province) <= 70_000
    nation = build_tree(SCALES["nation"])
    assert 50_000 <= len(nation) <= 60_000
    assert 1_500_000 <= sum(n.people for n in nation) <= 1_700_000
