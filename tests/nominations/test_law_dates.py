"""The day the competent body accepted a dossier picks the law it is judged by (recorded by the
transition's effect when the dossier reaches its deciding unit); a warning-only ground needs the
nominator to name the ground; a decision refuses a title its unit may not grant."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import services as campaign_services
from criteria.enums import RuleType
from criteria.models import EligibilityRule, RuleVersion
from nominations import guards, selectors, services
from nominations.enums import Action
from nominations.models import Nomination
from tests.factories import RecordFactory, title

pytestmark = pytest.mark.django_db
D = datetime.date


def test_accepted_on_is_recorded_when_the_dossier_reaches_its_deciding_unit(
    clock, new_nomination, users
):
    nomination = new_nomination()
    nomination = services.transition(
        actor=users.principal, nomination=nomination, action=Action.SUBMIT
    )
    assert nomination.accepted_on is None  # at the commune, not yet the Sở that decides
    services.transition(actor=users.commune, nomination=nomination, action=Action.FORWARD)
    assert Nomination.objects.get(pk=nomination.pk).accepted_on == D(2026, 3, 16)


def test_the_version_in_force_on_the_acceptance_day_is_used(clock, campaign, new_nomination, users):
    rule = EligibilityRule.objects.create(
        code="THU-LDTT", name="Thử: đạt LĐTT năm", rule_type=RuleType.TITLE_IN_YEAR
    )
    RuleVersion.objects.create(
        rule=rule,
        params={"title": "LDTT"},
        legal_source="Thông tư cũ",
        effective_from=D(2024, 1, 1),
        effective_to=D(2026, 3, 31),
    )
    RuleVersion.objects.create(
        rule=rule,
        params={"title": "LDTT", "year_offset": 1},
        legal_source="Thông tư mới",
        effective_from=D(2026, 4, 1),
    )
    campaign_services.campaign_rule_attach(
        actor=users.admin, campaign=campaign, rule=rule, severity="warn"
    )
    nomination = new_nomination()
    Nomination.objects.filter(pk=nomination.pk).update(accepted_on=D(2026, 3, 20))
    nomination.refresh_from_db()
    [result] = selectors.eligibility(nomination, on_date=D(2026, 5, 2))
    assert result.version.legal_source == "Thông tư cũ"
    Nomination.objects.filter(pk=nomination.pk).update(accepted_on=None)
    nomination.refresh_from_db()
    [result] = selectors.eligibility(nomination, on_date=D(2026, 5, 2))
    assert result.version.legal_source == "Thông tư mới"


def test_the_eligibility_box_names_each_rule_and_its_source(client, clock, new_nomination, users):
    nomination = new_nomination()
    Nomination.objects.filter(pk=nomination.pk).update(title=title("CSTDCS"))
    client.force_login(users.nominator)
    page = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()
    assert "CSTĐCS: đạt tiêu chuẩn Lao động tiên tiến trong năm" in page
    assert "CSTĐCS: hoàn thành xuất sắc nhiệm vụ, hoặc có sáng kiến" in page
    assert "Nguồn chưa xác minh" in page  # a single-source circular behind today's version
    assert "15/2025/TT-BNV" in page


def test_a_bang_khen_on_another_ground_is_not_blocked_once_the_ground_is_named(
    clock, new_nomination, users
):
    nomination = new_nomination()
    Nomination.objects.filter(pk=nomination.pk).update(title=title("BK_BO_TINH"))
    nomination.refresh_from_db()
    for year in (2025, 2026):
        RecordFactory(person=nomination.nominee_person, year=year, kind="rating", rating="good")
    attempt = guards.Attempt(
        actor=users.principal,
        action=Action.SUBMIT,
        steps=selectors.chain_steps(nomination),
        now=datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC),
    )
    [problem] = guards.eligible(nomination, attempt)
    assert "Điều 74" in problem
    assert "Căn cứ đề nghị" in problem
    [result] = attempt.eligibility
    assert (result.status, result.blocks) == ("fail", False)
    services.nomination_update(
        actor=users.nominator,
        nomination=nomination,
        ground="Điều 74 khoản 1 điểm b: thành tích đột xuất trong phòng chống bão lũ.",
    )
    nomination.refresh_from_db()
    assert guards.eligible(nomination, attempt) == []


def test_a_decision_refuses_a_title_its_unit_may_not_grant(clock, placed, tree, users):
    nomination = placed("approved")
    Nomination.objects.filter(pk=nomination.pk).update(
        title=title("CSTDCS"), deciding_unit=tree.commune
    )
    nomination.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.decide(
            actor=users.secretary,
            nominations=[nomination],
            action=Action.RECOGNISE,
            number="12/QĐ-UBND",
            signed_on=D(2026, 3, 16),
            issuer="Chủ tịch UBND phường",
        )
    assert "không có thẩm quyền tặng “Chiến sĩ thi đua cơ sở”" in " ".join(refused.value.messages)
    assert Nomination.objects.get(pk=nomination.pk).decision is None
