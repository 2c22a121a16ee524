"""The catalogue's rules against DOMAIN.md (corrected): for each legal rule a case the law lets
pass and a case it refuses, evaluated under the 2025 versions and the 2026 ones (their
parameters do not differ: DOMAIN.md gives no new content for the 2026 texts, so the same
verdicts must come out of both); the members of a collective as they were in the assessed year
(a merged school, a teacher who moved schools, staff hired later); rule versions picked by the
day the dossier was accepted, the more favourable later version; invalid parameters."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from criteria.eligibility import Facts, evaluate_rules, evaluate_title, members_in_year, overall
from criteria.enums import RuleStatus, RuleType, Severity
from criteria.models import EligibilityRule, RuleVersion
from tests.factories import PersonFactory, RecordFactory, UnitFactory, title
from units.models import Placement

pytestmark = pytest.mark.django_db
D = datetime.date
# A day under the 2025 texts (Decree 152/2025, Circular 29/2023, Circular 15/2025), one under
# Circular 07/2026, one under the amending Law 06/2026/QH16.
LAW_DAYS = [D(2025, 9, 1), D(2026, 5, 4), D(2026, 11, 2)]


@pytest.fixture(params=LAW_DAYS, ids=["2025", "tt07-2026", "luat-2026"])
def day(request):
    return request.param


def verdicts(code, subject, year, day, facts=None):
    results = evaluate_title(
        title=code, subject=subject, year=year, on_date=day, today=day, facts=facts
    )
    return {r.rule.code: r for r in results}


def status(code, subject, year, day):
    return overall(evaluate_title(title=code, subject=subject, year=year, on_date=day, today=day))


def rec(subject, year, kind, **fields):
    key = "unit" if hasattr(subject, "path") else "person"
    if kind == "title":
        fields["title"] = title(fields["title"])
    return RecordFactory(**{key: subject}, year=year, kind=kind, **fields)


def staff(unit, n, *, joined=None, left=None):
    people = [PersonFactory(unit=unit) for _i in range(n)]
    for person in people:
        Placement.objects.create(person=person, unit=unit, joined_on=joined, left_on=left)
    return people


@pytest.fixture
def teacher(tree):
    return PersonFactory(unit=tree.school_a)


# --- LĐTT -------------------------------------------------------------------------------------
def test_ldtt_needs_good_or_better(teacher, day):
    rec(teacher, 2025, "rating", rating="good")
    assert status("LDTT", teacher, 2025, day) == RuleStatus.PASS
    rec(teacher, 2024, "rating", rating="completed")
    assert status("LDTT", teacher, 2024, day) == RuleStatus.FAIL


# --- CSTĐCS -----------------------------------------------------------------------------------
def test_cstdcs_excellent_with_an_initiative_passes_before_her_ldtt_is_recorded(teacher, day):
    """The issue's case: both titles are decided in the same review, so the rating suffices."""
    rec(teacher, 2025, "rating", rating="excellent")
    rec(teacher, 2025, "initiative", scope="unit", description="Sáng kiến dạy đọc")
    found = verdicts("CSTDCS", teacher, 2025, day)
    assert found["CSTDCS_LDTT"].status == RuleStatus.PASS
    assert overall(found.values()) == RuleStatus.PASS


def test_cstdcs_good_with_research_passes_and_without_anything_fails(teacher, day):
    rec(teacher, 2025, "rating", rating="good")
    found = verdicts("CSTDCS", teacher, 2025, day)
    assert found["CSTDCS_LDTT"].status == RuleStatus.PASS
    assert found["CSTDCS_XUAT_SAC_HOAC_SANG_KIEN"].status == RuleStatus.FAIL
    assert "sáng kiến, đề tài" in found["CSTDCS_XUAT_SAC_HOAC_SANG_KIEN"].missing
    rec(teacher, 2025, "research", scope="unit", description="Đề tài cấp trường")
    assert status("CSTDCS", teacher, 2025, day) == RuleStatus.PASS


def test_cstdcs_refused_below_the_ldtt_standard_even_with_an_initiative(teacher, day):
    rec(teacher, 2025, "rating", rating="completed")
    rec(teacher, 2025, "initiative", scope="unit")
    found = verdicts("CSTDCS", teacher, 2025, day)
    assert found["CSTDCS_LDTT"].status == RuleStatus.FAIL
    assert status("CSTDCS", teacher, 2025, day) == RuleStatus.FAIL


# --- CSTĐ cấp bộ/tỉnh ---------------------------------------------------------------------------
def test_cstd_tinh_three_consecutive_cstdcs_and_a_province_initiative(teacher, day):
    for year in (2023, 2024, 2025):
        rec(teacher, year, "title", title="CSTDCS")
    rec(teacher, 2024, "initiative", scope="province")
    assert status("CSTD_TINH", teacher, 2025, day) == RuleStatus.PASS


def test_cstd_tinh_refused_with_a_gap(teacher, day):
    for year in (2022, 2024, 2025):
        rec(teacher, year, "title", title="CSTDCS")
    rec(teacher, 2023, "rating", rating="good")
    rec(teacher, 2024, "initiative", scope="province")
    found = verdicts("CSTD_TINH", teacher, 2025, day)
    assert found["CSTD_TINH_3_NAM"].status == RuleStatus.FAIL
    assert found["CSTD_TINH_3_NAM"].shortfall == 1
    assert found["CSTD_TINH_3_NAM"].missing == "thiếu CSTĐCS năm 2023"


# --- CSTĐ toàn quốc ---------------------------------------------------------------------------
def test_cstd_tq_two_consecutive_cycles_pass(teacher, day):
    rec(teacher, 2022, "title", title="CSTD_TINH")
    rec(teacher, 2025, "title", title="CSTD_TINH")
    rec(teacher, 2024, "initiative", scope="national")
    assert status("CSTD_TQ", teacher, 2025, day) == RuleStatus.PASS


def test_cstd_tq_two_awards_in_non_consecutive_cycles_fail(teacher, day):
    """Any two within six years used to pass: 2020 and 2025 are not consecutive cycles."""
    rec(teacher, 2020, "title", title="CSTD_TINH")
    rec(teacher, 2025, "title", title="CSTD_TINH")
    rec(teacher, 2024, "initiative", scope="national")
    found = verdicts("CSTD_TQ", teacher, 2025, day)
    assert found["CSTD_TQ_2_LAN"].status == RuleStatus.FAIL
    assert "nhiều nhất 1 lần liên tiếp" in found["CSTD_TQ_2_LAN"].message
    assert status("CSTD_TQ", teacher, 2025, day) == RuleStatus.FAIL


# --- Bằng khen cấp bộ/tỉnh (Art. 74(1)(d)) ------------------------------------------------------
def test_bang_khen_two_consecutive_cstdcs(teacher, day):
    rec(teacher, 2024, "title", title="CSTDCS")
    rec(teacher, 2025, "title", title="CSTDCS")
    [result] = evaluate_title(
        title="BK_BO_TINH", subject=teacher, year=2025, on_date=day, today=day
    )
    assert result.status == RuleStatus.PASS


def test_bang_khen_accepts_two_research_projects_as_well_as_two_initiatives(teacher, day):
    rec(teacher, 2024, "rating", rating="excellent")
    rec(teacher, 2025, "rating", rating="excellent")
    rec(teacher, 2024, "research", scope="unit")
    rec(teacher, 2025, "research", scope="unit")
    [result] = evaluate_title(
        title="BK_BO_TINH", subject=teacher, year=2025, on_date=day, today=day
    )
    assert result.status == RuleStatus.PASS


def test_bang_khen_one_initiative_and_one_project_is_not_ground_d_but_only_warns(teacher, day):
    rec(teacher, 2024, "rating", rating="excellent")
    rec(teacher, 2025, "rating", rating="excellent")
    rec(teacher, 2024, "initiative", scope="unit")
    rec(teacher, 2025, "research", scope="unit")
    [result] = evaluate_title(
        title="BK_BO_TINH", subject=teacher, year=2025, on_date=day, today=day
    )
    assert result.status == RuleStatus.FAIL
    assert result.severity == Severity.WARN
    assert not result.blocks  # a nomination on another ground of Art. 74(1) goes ahead
    assert overall([result]) == RuleStatus.PASS
    assert "Điều 74" in result.rule_name


# --- collectives ----------------------------------------------------------------------------------
@pytest.fixture
def school(tree):
    return tree.school_b


def _ldtt(people, year, n):
    for person in people[:n]:
        rec(person, year, "title", title="LDTT")
    for person in people:
        rec(person, year, "rating", rating="good")


def test_ttldtt_passes_with_its_own_good_rating_and_more_than_half_ldtt(school, day):
    people = staff(school, 4)
    _ldtt(people, 2025, 3)
    rec(school, 2025, "rating", rating="good")
    assert status("TTLDTT", school, 2025, day) == RuleStatus.PASS


def test_ttldtt_refused_without_the_collectives_own_rating(school, day):
    people = staff(school, 4)
    _ldtt(people, 2025, 3)
    found = verdicts("TTLDTT", school, 2025, day)
    assert found["TTLDTT_XEP_LOAI"].status == RuleStatus.UNKNOWN
    rec(school, 2025, "rating", rating="completed")
    assert status("TTLDTT", school, 2025, day) == RuleStatus.FAIL


def test_ttldtt_exactly_half_is_not_more_than_half(school, day):
    people = staff(school, 4)
    _ldtt(people, 2025, 2)
    rec(school, 2025, "rating", rating="good")
    found = verdicts("TTLDTT", school, 2025, day)
    assert found["TTLDTT_TY_LE_LDTT"].status == RuleStatus.FAIL
    assert found["TTLDTT_TY_LE_LDTT"].missing == "cần thêm 1 người đạt LĐTT để đạt trên 50%"
    assert found["TTLDTT_TY_LE_LDTT"].narrowly_missed


def test_ttldtt_refused_when_a_member_has_a_warning(school, day):
    people = staff(school, 4)
    _ldtt(people, 2025, 4)
    rec(school, 2025, "rating", rating="good")
    rec(people[0], 2025, "discipline", discipline_level="warning")
    assert verdicts("TTLDTT", school, 2025, day)["TTLDTT_KY_LUAT"].status == RuleStatus.FAIL


def test_ttldxs_needs_excellent_collective_rating_70_percent_and_a_cstdcs(school, day):
    people = staff(school, 10)
    _ldtt(people, 2025, 7)
    rec(people[0], 2025, "title", title="CSTDCS")
    rec(school, 2025, "rating", rating="excellent")
    assert status("TTLDXS", school, 2025, day) == RuleStatus.PASS


def test_ttldxs_refused_when_rated_only_good_or_below_70_percent(school, day):
    people = staff(school, 10)
    _ldtt(people, 2025, 6)
    rec(people[0], 2025, "title", title="CSTDCS")
    rec(school, 2025, "rating", rating="good")
    found = verdicts("TTLDXS", school, 2025, day)
    assert found["TTLDXS_XEP_LOAI"].status == RuleStatus.FAIL
    assert found["TTLDXS_TY_LE_LDTT"].missing == "cần thêm 1 người đạt LĐTT để đạt từ 70%"


# --- members as they were in the assessed year ------------------------------------------------
def test_staff_hired_after_the_assessed_year_do_not_change_it(school):
    people = staff(school, 5, joined=D(2019, 9, 1))
    _ldtt(people, 2024, 3)
    rec(school, 2024, "rating", rating="good")
    assert status("TTLDTT", school, 2024, D(2025, 9, 1)) == RuleStatus.PASS
    staff(school, 3, joined=D(2024, 9, 5))  # hired for the school year 2024–2025
    assert len(members_in_year(school, 2024)) == 5
    assert status("TTLDTT", school, 2024, D(2025, 9, 1)) == RuleStatus.PASS
    assert len(members_in_year(school, 2025)) == 8


def test_a_teacher_who_moved_schools_counts_where_she_was_and_keeps_her_history(tree):
    a, b = tree.school_a, tree.school_b
    mover = PersonFactory(unit=b)
    Placement.objects.create(person=mover, unit=a, joined_on=D(2015, 9, 1), left_on=D(2024, 8, 31))
    Placement.objects.create(person=mover, unit=b, joined_on=D(2024, 9, 1))
    assert mover.pk in members_in_year(a, 2024)
    assert mover.pk not in members_in_year(b, 2024)
    assert mover.pk in members_in_year(b, 2025)
    assert mover.pk not in members_in_year(a, 2025)
    # her own titles follow her: three consecutive CSTĐCS across the two schools
    for year in (2023, 2024, 2025):
        rec(mover, year, "title", title="CSTDCS")
    rec(mover, 2025, "initiative", scope="province")
    assert status("CSTD_TINH", mover, 2025, D(2025, 9, 1)) == RuleStatus.PASS


def test_a_merged_schools_history_and_members_count_for_the_school_it_merged_into(tree):
    old = UnitFactory(code="TH-CU", parent=tree.commune, valid_to=D(2024, 7, 31))
    new = tree.school_b
    old.merged_into = new
    old.save()
    before = staff(old, 4, joined=D(2018, 9, 1), left=D(2024, 7, 31))
    for person in before:
        Placement.objects.create(person=person, unit=new, joined_on=D(2024, 8, 1))
    _ldtt(before, 2024, 3)
    rec(old, 2024, "rating", rating="good")  # the merged school's own rating
    assert sorted(members_in_year(new, 2024)) == sorted(p.pk for p in before)
    assert status("TTLDTT", new, 2024, D(2025, 9, 1)) == RuleStatus.PASS
    # the merged school's CSTĐCS-style history: consecutive TTLĐTT over the merge
    rec(new, 2025, "rating", rating="good")
    _ldtt(before, 2025, 3)
    assert status("TTLDTT", new, 2025, D(2025, 9, 1)) == RuleStatus.PASS


def test_a_person_without_placements_counts_while_active(tree):
    """People loaded before placements existed (or by a path that made none)."""
    legacy = PersonFactory(unit=tree.school_b)
    gone = PersonFactory(unit=tree.school_b, is_active=False)
    assert legacy.pk in members_in_year(tree.school_b, 2020)
    assert gone.pk not in members_in_year(tree.school_b, 2020)


# --- one pass with facts prefetched, assumed titles ------------------------------------------
def test_one_pass_review_with_assumed_titles_and_constant_queries(
    school, django_assert_max_num_queries
):
    def review(n):
        people = staff(school, n)
        for person in people:
            rec(person, 2025, "rating", rating="excellent")
        rec(school, 2025, "rating", rating="excellent")
        facts = Facts.load(units=[school])
        queries = []
        with django_assert_max_num_queries(12) as captured:
            for person in people:
                if (
                    overall(evaluate_title(title="LDTT", subject=person, year=2025, facts=facts))
                    == "pass"
                ):
                    facts.assume_title(person.pk, "LDTT", 2025)
            for person in people:
                if (
                    overall(evaluate_title(title="CSTDCS", subject=person, year=2025, facts=facts))
                    == "pass"
                ):
                    facts.assume_title(person.pk, "CSTDCS", 2025)
            result = overall(evaluate_title(title="TTLDXS", subject=school, year=2025, facts=facts))
            queries.append(len(captured.captured_queries))
        return result, queries[0]

    result, few = review(5)
    assert result == RuleStatus.PASS  # nobody's LĐTT or CSTĐCS is recorded yet
    _result, many = review(20)
    assert many == few


# --- versions by date, the more favourable later version -------------------------------------
def _rule(*versions):
    rule = EligibilityRule.objects.create(
        code="THU", name="Thử: CSTĐCS liên tục", rule_type=RuleType.CONSECUTIVE_TITLE
    )
    for start, end, years, favourable in versions:
        RuleVersion.objects.create(
            rule=rule,
            params={"title": "CSTDCS", "years": years},
            legal_source=f"Văn bản {start.year}",
            effective_from=start,
            effective_to=end,
            applies_if_more_favourable=favourable,
        )
    return rule


def test_accepted_before_the_new_law_but_the_new_rule_is_more_favourable(teacher):
    rule = _rule((D(2024, 1, 1), D(2026, 9, 30), 3, False), (D(2026, 10, 1), None, 2, True))
    rec(teacher, 2025, "title", title="CSTDCS")
    rec(teacher, 2026, "title", title="CSTDCS")
    rec(teacher, 2024, "rating", rating="good")
    [result] = evaluate_rules(
        rules=[rule], subject=teacher, year=2026, on_date=D(2026, 9, 15), today=D(2026, 12, 4)
    )
    assert result.status == RuleStatus.PASS
    assert result.version.effective_from == D(2026, 10, 1)
    assert [(a.version.effective_from, a.status, a.chosen) for a in result.alternatives] == [
        (D(2024, 1, 1), RuleStatus.FAIL, False),
        (D(2026, 10, 1), RuleStatus.PASS, True),
    ]
    # evaluated before the new law was in force, only the old version applies
    [before] = evaluate_rules(
        rules=[rule], subject=teacher, year=2026, on_date=D(2026, 9, 15), today=D(2026, 9, 20)
    )
    assert (before.status, before.alternatives) == (RuleStatus.FAIL, ())


def test_a_stricter_later_version_never_reaches_back(teacher):
    rule = _rule((D(2024, 1, 1), D(2026, 9, 30), 2, False), (D(2026, 10, 1), None, 3, True))
    rec(teacher, 2025, "title", title="CSTDCS")
    rec(teacher, 2026, "title", title="CSTDCS")
    rec(teacher, 2024, "rating", rating="good")
    [result] = evaluate_rules(
        rules=[rule], subject=teacher, year=2026, on_date=D(2026, 9, 15), today=D(2026, 12, 4)
    )
    assert result.status == RuleStatus.PASS
    assert result.version.effective_from == D(2024, 1, 1)
    # accepted after the new law: the new version alone
    [later] = evaluate_rules(
        rules=[rule], subject=teacher, year=2026, on_date=D(2026, 10, 5), today=D(2026, 12, 4)
    )
    assert later.status == RuleStatus.FAIL
    assert later.alternatives == ()


# --- parameters an administrator typed ----------------------------------------------------------
def test_invalid_parameters_are_refused_on_save_and_reported_when_evaluated(teacher):
    rule = EligibilityRule.objects.create(
        code="SAI", name="Sai", rule_type=RuleType.CONSECUTIVE_TITLE
    )
    version = RuleVersion(
        rule=rule,
        params={"title": "CSTDCS", "years": 0},
        legal_source="x",
        effective_from=D(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        version.full_clean()
    assert "“years” phải là số nguyên từ 1 trở lên" in str(refused.value)
    version.save()  # saved before the check existed
    [result] = evaluate_rules(rules=[rule], subject=teacher, year=2025, on_date=D(2025, 9, 1))
    assert result.status == RuleStatus.UNKNOWN
    assert result.message.startswith("Không đánh giá được điều kiện này")
    assert result.rule_name == "Sai"


def test_an_unknown_title_code_is_reported_not_crashed(teacher):
    rule = EligibilityRule.objects.create(
        code="SAI2", name="Sai 2", rule_type=RuleType.TITLE_IN_YEAR
    )
    RuleVersion.objects.create(
        rule=rule, params={"title": "KHONG_CO"}, legal_source="x", effective_from=D(2024, 1, 1)
    )
    [result] = evaluate_rules(rules=[rule], subject=teacher, year=2025, on_date=D(2025, 9, 1))
    assert result.status == RuleStatus.UNKNOWN
    assert "KHONG_CO" in result.message
