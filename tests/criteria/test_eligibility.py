"""Every rule type at its boundaries, composites, merged units, and rule versions by date."""

import datetime

import pytest

from criteria.eligibility import evaluate_rules, share_meets
from criteria.enums import RuleStatus, RuleType
from criteria.models import EligibilityRule, RuleVersion
from tests.factories import PersonFactory, RecordFactory, UnitFactory, title
from units.enums import Position, UnitLevel

pytestmark = pytest.mark.django_db
ON = datetime.date(2025, 9, 1)


def make_rule(rule_type, params, *, versions=None, code="R"):
    rule = EligibilityRule.objects.create(code=code, name=code, rule_type=rule_type)
    for start, end, version_params in versions or [(datetime.date(2020, 1, 1), None, params)]:
        RuleVersion.objects.create(
            rule=rule,
            params=version_params,
            legal_source="Test",
            effective_from=start,
            effective_to=end,
        )
    return rule


def check(rule, subject, year=2024, on=ON):
    [result] = evaluate_rules(rules=[rule], subject=subject, year=year, on_date=on, today=on)
    return result.status, result.message


def held(subject, code, *years):
    for year in years:
        RecordFactory(**subject_kw(subject), year=year, kind="title", title=title(code))


def rated(subject, rating, *years):
    for year in years:
        RecordFactory(**subject_kw(subject), year=year, kind="rating", rating=rating)


def subject_kw(subject):
    return {"unit": subject} if hasattr(subject, "path") else {"person": subject}


@pytest.fixture
def person(tree):
    return PersonFactory(unit=tree.school_a)


class TestConsecutiveTitle:
    rule_params = {"title": "CSTDCS", "years": 3}

    def test_all_years_pass(self, person):
        held(person, "CSTDCS", 2022, 2023, 2024)
        rule = make_rule(RuleType.CONSECUTIVE_TITLE, self.rule_params)
        assert check(rule, person) == (
            RuleStatus.PASS,
            "Đạt CSTĐCS 3/3 năm liên tục (2022, 2023, 2024).",
        )

    def test_a_year_known_without_the_title_fails_and_names_it(self, person):
        held(person, "CSTDCS", 2023, 2024)
        rated(person, "good", 2022)
        rule = make_rule(RuleType.CONSECUTIVE_TITLE, self.rule_params)
        assert check(rule, person) == (
            RuleStatus.FAIL,
            "Có 2/3 năm liên tục đạt CSTĐCS (2023, 2024); còn thiếu năm 2022.",
        )

    def test_a_year_without_any_data_is_not_enough_data(self, person):
        held(person, "CSTDCS", 2023, 2024)
        rule = make_rule(RuleType.CONSECUTIVE_TITLE, self.rule_params)
        assert check(rule, person) == (
            RuleStatus.UNKNOWN,
            "Có 2/3 năm liên tục đạt CSTĐCS (2023, 2024); chưa có dữ liệu năm 2022.",
        )


def test_title_in_year_pass_fail_and_missing(person):
    rule = make_rule(RuleType.TITLE_IN_YEAR, {"title": "LDTT"})
    assert check(rule, person)[0] == RuleStatus.UNKNOWN
    rated(person, "good", 2024)
    assert check(rule, person) == (RuleStatus.FAIL, "Chưa đạt LĐTT năm 2024.")
    held(person, "LDTT", 2024)
    assert check(rule, person) == (RuleStatus.PASS, "Đã đạt LĐTT năm 2024.")


def test_title_count_in_a_fixed_period(tree):
    rule = make_rule(
        RuleType.TITLE_COUNT,
        {"title": "TTLDXS", "min_count": 2, "from_year": 2021, "to_year": 2025},
    )
    held(tree.school_a, "TTLDXS", 2023)
    for year in (2021, 2022, 2024, 2025):
        rated(tree.school_a, "good", year)
    assert check(rule, tree.school_a, year=2025) == (
        RuleStatus.FAIL,
        "Đạt TTLĐXS 1/2 năm trong giai đoạn 2021–2025 (2023).",
    )
    held(tree.school_a, "TTLDXS", 2025)
    assert check(rule, tree.school_a, year=2025)[0] == RuleStatus.PASS


class TestMinRating:
    def test_better_equal_worse_missing(self, person):
        rule = make_rule(RuleType.MIN_RATING, {"rating": "good"})
        assert check(rule, person) == (
            RuleStatus.UNKNOWN,
            "Chưa có xếp loại năm 2024 (yêu cầu: từ “Hoàn thành tốt nhiệm vụ” trở lên).",
        )
        rated(person, "completed", 2024)
        assert check(rule, person)[0] == RuleStatus.FAIL
        person.achievements.update(rating="good")
        assert check(rule, person)[0] == RuleStatus.PASS
        person.achievements.update(rating="excellent")
        assert check(rule, person)[0] == RuleStatus.PASS

    def test_several_years_all_must_meet(self, person):
        rule = make_rule(RuleType.MIN_RATING, {"rating": "excellent", "years": 2})
        rated(person, "excellent", 2024)
        assert check(rule, person) == (
            RuleStatus.UNKNOWN,
            "Chưa có xếp loại năm 2023 (yêu cầu: từ “Hoàn thành xuất sắc nhiệm vụ” trở lên).",
        )
        rated(person, "good", 2023)
        assert check(rule, person)[0] == RuleStatus.FAIL


@pytest.fixture
def team(tree):
    """A collective of 10 staff (and 3 pupils, who are not members for these rules)."""
    unit = UnitFactory(code="TO-10", level=UnitLevel.SUBUNIT, parent=tree.school_a)
    staff = [PersonFactory(unit=unit) for _ in range(10)]
    for _ in range(3):
        PersonFactory(unit=unit, position=Position.PUPIL)
    return unit, staff


class TestMemberShare:
    def test_exactly_70_percent_passes_at_least_70(self, team):
        unit, staff = team
        for person in staff[:7]:
            held(person, "LDTT", 2024)
        for person in staff[7:]:
            rated(person, "completed", 2024)
        rule = make_rule(RuleType.MEMBER_SHARE, {"title": "LDTT", "min_percent": 70})
        assert check(rule, unit) == (
            RuleStatus.PASS,
            "7/10 thành viên (70%) đạt LĐTT năm 2024; yêu cầu từ 70%.",
        )

    def test_one_short_fails(self, team):
        unit, staff = team
        for person in staff[:6]:
            held(person, "LDTT", 2024)
        rule = make_rule(RuleType.MEMBER_SHARE, {"title": "LDTT", "min_percent": 70})
        assert check(rule, unit)[0] == RuleStatus.FAIL

    def test_more_than_half_is_strict(self, team):
        unit, staff = team
        rule = make_rule(
            RuleType.MEMBER_SHARE, {"title": "LDTT", "min_percent": 50, "strict": True}
        )
        for person in staff[:5]:
            held(person, "LDTT", 2024)
        assert check(rule, unit) == (
            RuleStatus.FAIL,
            "5/10 thành viên (50%) đạt LĐTT năm 2024; yêu cầu trên 50%.",
        )
        held(staff[5], "LDTT", 2024)
        assert check(rule, unit)[0] == RuleStatus.PASS

    def test_rating_share_of_everyone(self, team):
        unit, staff = team
        for person in staff:
            rated(person, "completed", 2024)
        rule = make_rule(RuleType.MEMBER_SHARE, {"rating": "completed", "min_percent": 100})
        assert check(rule, unit)[0] == RuleStatus.PASS
        staff[0].achievements.update(rating="not_completed")
        assert check(rule, unit)[0] == RuleStatus.FAIL

    def test_no_data_for_the_year_is_unknown(self, team):
        unit, staff = team
        held(staff[0], "LDTT", 2023)
        rule = make_rule(RuleType.MEMBER_SHARE, {"title": "LDTT", "min_percent": 70})
        assert check(rule, unit) == (
            RuleStatus.UNKNOWN,
            "Chưa có dữ liệu năm 2024 của các thành viên.",
        )


@pytest.mark.parametrize(
    ("achieved", "total", "minimum", "strict", "expected"),
    [
        (700, 1000, 70, False, True),
        (699, 1000, 70, False, False),  # 69.9% is not 70%
        (699, 1000, "69.9", False, True),
        (7, 10, 70, True, False),  # "more than 70%"
        (1, 3, "33.3", False, True),  # 33.33...% >= 33.3%
        (1, 3, "33.34", False, False),
    ],
)
def test_share_is_compared_exactly(achieved, total, minimum, strict, expected):
    assert share_meets(achieved, total, minimum, strict=strict) is expected


def test_member_count(team):
    unit, staff = team
    rule = make_rule(RuleType.MEMBER_COUNT, {"title": "CSTDCS", "min_count": 1})
    rated(staff[0], "good", 2024)
    assert check(rule, unit)[0] == RuleStatus.FAIL
    held(staff[1], "CSTDCS", 2024)
    assert check(rule, unit) == (
        RuleStatus.PASS,
        "Có 1 thành viên đạt CSTĐCS năm 2024; yêu cầu ít nhất 1.",
    )


class TestNoDiscipline:
    params = {"level": "warning", "years": 2}

    def test_person_levels(self, person):
        rule = make_rule(RuleType.NO_DISCIPLINE, self.params)
        RecordFactory(person=person, year=2024, kind="discipline", discipline_level="reprimand")
        assert check(rule, person)[0] == RuleStatus.PASS
        RecordFactory(person=person, year=2022, kind="discipline", discipline_level="firing")
        assert check(rule, person)[0] == RuleStatus.PASS  # outside the two-year window
        RecordFactory(person=person, year=2023, kind="discipline", discipline_level="warning")
        assert check(rule, person)[0] == RuleStatus.FAIL

    def test_a_disciplined_member_fails_the_collective_and_is_named(self, team):
        unit, staff = team
        RecordFactory(person=staff[3], year=2024, kind="discipline", discipline_level="warning")
        status, message = check(make_rule(RuleType.NO_DISCIPLINE, self.params), unit)
        assert status == RuleStatus.FAIL
        assert staff[3].full_name in message


def test_initiative_count_by_scope_and_window(person):
    rule = make_rule(
        RuleType.INITIATIVE_COUNT, {"min_count": 1, "years": 3, "min_scope": "province"}
    )
    RecordFactory(person=person, year=2024, kind="initiative", scope="unit", description="A")
    RecordFactory(person=person, year=2021, kind="initiative", scope="national", description="B")
    RecordFactory(person=person, year=2024, kind="research", scope="national", description="C")
    assert check(rule, person)[0] == RuleStatus.FAIL  # wrong scope, too old, research excluded
    RecordFactory(person=person, year=2023, kind="initiative", scope="province", description="D")
    assert check(rule, person)[0] == RuleStatus.PASS


def test_not_under_review_on_the_date(person):
    rule = make_rule(RuleType.NOT_UNDER_REVIEW, {})
    RecordFactory(
        person=person,
        year=2025,
        kind="discipline_review",
        description="Thanh tra",
        period_start=datetime.date(2025, 3, 1),
        period_end=datetime.date(2025, 8, 31),
    )
    assert check(rule, person, on=datetime.date(2025, 8, 31))[0] == RuleStatus.FAIL
    assert check(rule, person, on=datetime.date(2025, 9, 1))[0] == RuleStatus.PASS


def test_any_of_from_the_catalogue_cstdcs(person):
    from criteria.selectors import rules_with_versions

    [rule] = rules_with_versions().filter(code="CSTDCS_XUAT_SAC_HOAC_SANG_KIEN")
    rated(person, "good", 2024)
    assert check(rule, person)[0] == RuleStatus.FAIL
    RecordFactory(person=person, year=2024, kind="initiative", scope="unit", description="SK")
    assert check(rule, person)[0] == RuleStatus.PASS
    person.achievements.filter(kind="initiative").delete()
    person.achievements.update(rating="excellent")
    assert check(rule, person)[0] == RuleStatus.PASS


def test_merged_units_history_counts_for_the_unit_they_merged_into(tree):
    old = UnitFactory(
        code="TH-CU",
        parent=tree.commune,
        valid_to=datetime.date(2025, 6, 30),
        merged_into=tree.school_a,
    )
    older = UnitFactory(
        code="TH-CU-HON", parent=tree.commune, valid_to=datetime.date(2020, 6, 30), merged_into=old
    )
    rule = make_rule(
        RuleType.TITLE_COUNT,
        {"title": "TTLDXS", "min_count": 3, "from_year": 2019, "to_year": 2025},
    )
    held(older, "TTLDXS", 2019)
    held(old, "TTLDXS", 2023)
    held(tree.school_a, "TTLDXS", 2025)
    assert check(rule, tree.school_a, year=2025) == (
        RuleStatus.PASS,
        "Đạt TTLĐXS 3/3 năm trong giai đoạn 2019–2025 (2019, 2023, 2025).",
    )
    assert check(rule, old, year=2025)[0] != RuleStatus.PASS  # history flows forward, not back


def test_the_version_in_force_on_the_date_is_used(team):
    unit, staff = team
    for person in staff[:6]:
        held(person, "LDTT", 2025)
    rule = make_rule(
        RuleType.MEMBER_SHARE,
        None,
        versions=[
            (
                datetime.date(2024, 1, 1),
                datetime.date(2025, 6, 30),
                {"title": "LDTT", "min_percent": 50},
            ),
            (datetime.date(2025, 7, 1), None, {"title": "LDTT", "min_percent": 70}),
        ],
    )
    [before] = evaluate_rules(
        rules=[rule], subject=unit, year=2025, on_date=datetime.date(2025, 6, 30)
    )
    [after] = evaluate_rules(
        rules=[rule], subject=unit, year=2025, on_date=datetime.date(2025, 7, 1)
    )
    assert (before.status, before.version.effective_from.year) == (RuleStatus.PASS, 2024)
    assert after.status == RuleStatus.FAIL
    [none] = evaluate_rules(
        rules=[rule], subject=unit, year=2025, on_date=datetime.date(2023, 1, 1)
    )
    assert none.status == RuleStatus.UNKNOWN
    assert "chưa có phiên bản có hiệu lực vào ngày 01/01/2023" in none.message


def test_catalogue_rules_have_versions_for_both_decrees_and_the_2026_texts():
    rule = EligibilityRule.objects.get(code="TTLDXS_TY_LE_LDTT")
    versions = list(rule.versions.order_by("effective_from").prefetch_related("sources"))
    assert [(v.effective_from, v.effective_to) for v in versions] == [
        (datetime.date(2024, 1, 1), datetime.date(2025, 6, 30)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 8, 4)),
        (datetime.date(2025, 8, 5), datetime.date(2026, 4, 1)),
        (datetime.date(2026, 4, 2), datetime.date(2026, 9, 30)),
        (datetime.date(2026, 10, 1), None),
    ]
    codes = [{s.code for s in v.sources.all()} for v in versions]
    assert "98/2023/NĐ-CP" in codes[0]
    assert "152/2025/NĐ-CP" in codes[1]
    assert "15/2025/TT-BNV" in codes[2]
    assert "07/2026/TT-BGDĐT" in codes[3]
    assert "06/2026/QH16" in codes[4]
    # the 2026 texts are single-source: every version resting on them says so
    assert [bool(v.unverified_sources) for v in versions] == [True, True, True, True, True]
    assert {s.code for s in versions[4].unverified_sources} == {
        "06/2026/QH16",
        "07/2026/TT-BGDĐT",
        "15/2025/TT-BNV",
    }
    # the amending law's transition rule: it reaches earlier dossiers when more favourable
    assert [v.applies_if_more_favourable for v in versions] == [False] * 4 + [True]
