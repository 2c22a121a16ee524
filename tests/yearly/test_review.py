"""The year-end review of a unit: every member as of the school year, the verdicts of LĐTT, then
CSTĐCS, then the collective's titles in one pass (no decision recorded yet), the distance to
each title missed, the Excel export and draft dossiers for the eligible, for the unit's leader
only, in a constant number of queries."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from campaigns import services as campaign_services
from criteria.models import CriteriaSet
from nominations.enums import State
from nominations.models import Nomination
from tests.conftest import counting_queries
from tests.factories import PersonFactory, RecordFactory, title
from units.models import Placement
from yearly import services as yearly_services
from yearly.review import unit_review

D = datetime.date
YEAR = 2025  # school year 2024–2025


def staff(school, n, *, rating="good", prefix="Giáo viên"):
    people = []
    for i in range(n):
        person = PersonFactory(unit=school, full_name=f"{prefix} {i:03d}")
        if rating:
            RecordFactory(person=person, year=YEAR, kind="rating", rating=rating)
        people.append(person)
    return people


@pytest.fixture
def school(tree):
    """School A in 2024–2025: 10 members; 6 rated "hoàn thành tốt" or better (one of them
    "xuất sắc", one with a unit-level initiative), 4 "hoàn thành"; the school rated "xuất sắc"."""
    unit = tree.school_a
    good = staff(unit, 4, rating="good", prefix="Tốt")
    excellent = staff(unit, 1, rating="excellent", prefix="Xuất sắc")
    inventive = staff(unit, 1, rating="good", prefix="Sáng kiến")
    RecordFactory(
        person=inventive[0],
        year=YEAR,
        kind="initiative",
        scope="unit",
        description="Dạy đọc theo nhóm",
    )
    completed = staff(unit, 4, rating="completed", prefix="Hoàn thành")
    RecordFactory(unit=unit, year=YEAR, kind="rating", rating="excellent")
    return {
        "unit": unit,
        "good": good,
        "excellent": excellent[0],
        "inventive": inventive[0],
        "completed": completed,
    }


def test_one_pass_gives_every_verdict_in_dependency_order(school, clock):
    review = unit_review(school["unit"], YEAR)
    assert len(review.members) == 10
    rows = {row.person.pk: row for row in review.members}
    # LĐTT from the rating; CSTĐCS on the LĐTT standard without any recorded LĐTT title.
    assert rows[school["excellent"].pk].verdict("LDTT").passed
    assert rows[school["excellent"].pk].verdict("CSTDCS").passed
    assert rows[school["inventive"].pk].verdict("CSTDCS").passed
    assert rows[school["inventive"].pk].initiatives == ["Dạy đọc theo nhóm (Cấp cơ sở)"]
    plain = rows[school["good"][0].pk]
    assert plain.verdict("LDTT").passed
    assert not plain.verdict("CSTDCS").passed
    assert plain.verdict("CSTDCS").missing  # says what is lacking
    assert not rows[school["completed"][0].pk].verdict("LDTT").passed
    # The collective counts the assumed LĐTT and CSTĐCS: 6/10 LĐTT passes "more than 50%" ...
    verdicts = {v.code: v for v in review.collective}
    assert verdicts["TTLDTT"].passed
    # ... and misses "at least 70%" by one person: the distance is shown.
    assert not verdicts["TTLDXS"].passed
    assert verdicts["TTLDXS"].narrowly_missed
    assert any("1" in m for m in verdicts["TTLDXS"].missing)
    assert [(s.achieved, s.total) for s in review.shares] == [(6, 10), (2, 10)]


def test_members_are_those_of_the_school_year_not_todays_staff(school, clock):
    hired = PersonFactory(unit=school["unit"], full_name="Mới tuyển")
    Placement.objects.create(person=hired, unit=school["unit"], joined_on=D(2025, 9, 1))
    review = unit_review(school["unit"], YEAR)
    assert hired.pk not in {row.person.pk for row in review.members}
    assert len(review.members) == 10
    # The 2026 review counts them.
    assert hired.pk in {row.person.pk for row in unit_review(school["unit"], 2026).members}


def test_only_the_units_leader_sees_the_page(client, school, users, clock):
    url = reverse("yearly:review", args=[school["unit"].code, YEAR])
    client.force_login(users.sibling)  # another school's principal: not in scope
    assert client.get(url).status_code == 404
    client.force_login(users.nominator)  # in scope, but not the leader
    assert client.get(url).status_code == 403
    client.force_login(users.principal)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tốt 000" in text
    assert "Suýt đạt" in text
    # The page's year picker goes through the start page.
    picked = client.get(
        reverse("yearly:review_start"), {"don_vi": school["unit"].code, "nam": 2024}
    )
    assert picked["Location"] == reverse("yearly:review", args=[school["unit"].code, 2024])
    assert client.get(reverse("yearly:review", args=[school["unit"].code, 1999])).status_code == 404
    start = client.get(reverse("yearly:review_start"))
    assert start["Location"].startswith(
        reverse("yearly:review", args=[school["unit"].code, 0])[:-2]
    )


def test_the_export_is_a_workbook_of_people_and_the_collective(client, school, users, clock):
    client.force_login(users.principal)
    url = reverse("yearly:review", args=[school["unit"].code, YEAR])
    response = client.get(url, {"xuat": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    people, collective = book.worksheets
    assert people.max_row == 11
    names = {people.cell(row=r, column=2).value for r in range(2, 12)}
    assert "Xuất sắc 000" in names
    assert any(collective.cell(row=r, column=1).value for r in range(2, collective.max_row + 1))


@pytest.fixture
def yearly_campaign(tree, users):
    campaign = campaign_services.campaign_create(
        actor=users.admin,
        owner_unit=tree.danang,
        code="DN-2025",
        name="Thi đua năm học 2024–2025",
        categories=["teacher", "collective"],
        titles=[title("LDTT"), title("CSTDCS"), title("TTLDTT")],
        period_start=D(2025, 9, 1),
        period_end=D(2026, 12, 31),
        min_summary_words=20,
    )
    for category, code in (("teacher", "THPTST-2023-GV"), ("collective", "THPTST-2023-TAPTHE")):
        campaign_services.campaign_set_criteria(
            actor=users.admin,
            campaign=campaign,
            category=category,
            criteria_set=CriteriaSet.objects.get(code=code, version=0),
        )
    campaign_services.round_save(
        actor=users.admin,
        campaign=campaign,
        name="Cuối năm học 2024–2025",
        kind="yearly",
        opens_on=D(2026, 1, 1),
        year=2026,
        deadlines={
            "school": D(2026, 4, 3),
            "commune": D(2026, 4, 10),
            "province": D(2026, 4, 17),
        },
    )
    return campaign_services.campaign_open(actor=users.admin, campaign=campaign)


def test_the_leader_creates_draft_dossiers_for_the_eligible_in_one_action(
    client, school, users, yearly_campaign, clock
):
    client.force_login(users.principal)
    url = reverse("yearly:review", args=[school["unit"].code, YEAR])
    page = client.get(url)
    round_ = yearly_campaign.rounds.get()
    picks = page.context["form"]["picks"].initial
    assert f"{school['excellent'].pk}:CSTDCS" in picks
    forged = f"{school['completed'][0].pk}:LDTT"  # not eligible: refused
    assert client.post(url, {"round": round_.pk, "picks": [forged]}).status_code == 200
    assert not Nomination.objects.exists()
    response = client.post(url, {"round": round_.pk, "picks": picks})
    assert response.status_code == 302
    drafts = Nomination.objects.filter(round=round_)
    assert {n.state for n in drafts} == {State.DRAFT}
    # 6 LĐTT + 2 CSTĐCS + the school's TTLĐTT
    assert drafts.count() == 9
    assert not drafts.filter(nominee_person=school["completed"][0]).exists()
    assert drafts.filter(nominee_unit=school["unit"], title__code="TTLDTT").exists()
    # Pressing again creates nothing twice; the service itself ignores an ineligible pick.
    client.post(url, {"round": round_.pk, "picks": picks})
    assert Nomination.objects.filter(round=round_).count() == 9
    created, problems = yearly_services.review_drafts_create(
        actor=users.principal,
        unit=school["unit"],
        year=YEAR,
        round_=round_,
        picks=[(school["completed"][0].pk, "LDTT")],
    )
    assert (created, problems) == ([], [])


def test_the_page_costs_the_same_queries_for_10_or_40_members(client, school, users, clock):
    client.force_login(users.principal)
    url = reverse("yearly:review", args=[school["unit"].code, YEAR])
    client.get(url)  # warm the session and the caches
    with counting_queries() as small:
        assert client.get(url).status_code == 200
    staff(school["unit"], 30, rating="excellent", prefix="Thêm")
    with counting_queries() as large:
        page = client.get(url)
    assert len(page.context["review"].members) == 40
    assert large[0] == small[0]


def test_a_resent_review_form_makes_the_drafts_once(client, school, users, yearly_campaign, clock):
    """The form carries a one-time token: the same post twice (a double click, a resend after a
    slow answer) runs the creation once and says so."""
    client.force_login(users.principal)
    url = reverse("yearly:review", args=[school["unit"].code, YEAR])
    page = client.get(url)
    token = re.search(r'name="form_token" value="([0-9a-f-]+)"', page.text).group(1)
    data = {
        "round": yearly_campaign.rounds.get().pk,
        "picks": page.context["form"]["picks"].initial,
        "form_token": token,
    }
    first = client.post(url, data, follow=True)
    assert "Đã lập 9 hồ sơ nháp." in first.text
    again = client.post(url, data, follow=True)
    assert Nomination.objects.count() == 9
    assert "Các hồ sơ nháp đã được lập từ lần gửi trước." in again.text
    assert "Đã lập" not in again.text
