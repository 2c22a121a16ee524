import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.units import SCALES, build_tree
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
        # through the login page: django-axes needs the request that client.login() lacks
        response = client.post(reverse("login"), {"username": username, "password": "ThiDua@2026"})
        assert (response.status_code, response.url) == (302, reverse("home")), username
        client.logout()


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


def test_seed_demo_creates_the_seed_campaigns_with_history_to_evaluate():
    import datetime

    from campaigns.models import Campaign
    from criteria.eligibility import evaluate_rules
    from criteria.selectors import rules_with_versions

    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    statuses = dict(Campaign.objects.filter(is_template=False).values_list("code", "status"))
    assert statuses == {
        "THPTST-DHTT-2023-2025": "closed",
        "X001-DHTT-QUY-2026": "open",
        "GL-DTHT-2021-2025": "closed",
        "SGD-DN-DHTT-2024-2027": "open",
    }
    quarterly = Campaign.objects.get(code="X001-DHTT-QUY-2026")
    q4 = quarterly.rounds.get(quarter=4)
    assert {d.level: d.deadline for d in q4.deadlines.all()} == {
        "school": datetime.date(2027, 1, 3),
        "commune": datetime.date(2027, 1, 10),
    }
    assert q4.quotas.get(level="school").max_forward == 1
    assert all(link.criteria_set.is_frozen for link in quarterly.criteria_links.all())
    gialai = Campaign.objects.get(code="GL-DTHT-2021-2025")
    assert gialai.registrations.count() == 2
    assert set(gialai.rounds.first().quotas.values_list("category", "min_target")) == {
        ("collective", 10),
        ("individual", 10),
    }

    star = Person.objects.get(identifier="DN-THPT001-T2-001")
    rules = rules_with_versions().filter(code="CSTD_TINH_3_NAM")
    [result] = evaluate_rules(
        rules=rules, subject=star, year=2025, on_date=datetime.date(2025, 9, 1)
    )
    assert result.message == "Có 2/3 năm liên tục đạt CSTĐCS (2024, 2025); còn thiếu năm 2023."


def test_every_demo_campaign_can_run_to_its_end_and_prints_official_papers():
    """Each open campaign's deciding units have a demo account that approves and one that keeps
    the council (records the decision); the Sở's campaign prints the decree's forms; the demo
    papers carry the letterhead data and the signers' real names."""
    import io as _io

    from pypdf import PdfReader

    from campaigns.models import Campaign
    from nominations.models import CouncilSession, Nomination
    from reporting import printing
    from reporting.documents import header, render_pdf
    from units.enums import Role

    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    for campaign in Campaign.objects.filter(status="open"):
        deciding = {campaign.owner_unit_id} | set(
            Nomination.objects.filter(campaign=campaign).values_list("deciding_unit", flat=True)
        )
        for unit_id in deciding:
            for role in (Role.APPROVER, Role.COUNCIL_SECRETARY):
                assert (
                    Membership.objects.filter(
                        unit_id=unit_id,
                        role=role,
                        is_active=True,
                        user__is_active=True,
                        user__username__contains=".",
                    )
                    .exclude(user__username="demo.quytrinh")
                    .exists()
                ), (campaign.code, unit_id, role)
    assert Campaign.objects.get(code="SGD-DN-DHTT-2024-2027").report_template == "official"
    assert Campaign.objects.get(code="X001-DHTT-QUY-2026").report_template == "short"

    so = Unit.objects.get(code="SGD-DN")
    assert header(so)["governing"] == "UBND thành phố Đà Nẵng"
    assert header(Unit.objects.get(code="DN-X001"))["governing"] == ""
    session = CouncilSession.objects.get(unit=so)
    reader = PdfReader(_io.BytesIO(render_pdf(*printing.council_minutes_document(session)[:2])))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Phạm Thị Lan" in text and "Nguyễn Văn Hùng" in text  # noqa: PT018
    assert "Quản trị hệ thống" not in text and "dữ liệu mẫu" not in text  # noqa: PT018
    assert "2. Trần Quốc Bảo – Phó Giám đốc Sở, Phó Chủ tịch Hội đồng" in text
