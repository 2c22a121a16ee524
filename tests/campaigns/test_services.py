from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns import selectors, services
from campaigns.enums import CampaignStatus
from campaigns.models import Quota
from campaigns.selectors import QuotaStatus
from core.models import AuditEvent
from criteria.models import CriteriaSet, Criterion
from tests.factories import PersonFactory, RoundFactory, UnitFactory, title
from units.enums import UnitLevel

pytestmark = pytest.mark.django_db


def test_create_from_template_copies_settings_titles_and_criteria(campaign):
    assert campaign.categories == ["collective", "teacher"]
    assert [t.code for t in campaign.titles.all()] == ["DHTT"]
    links = {link.category: link.criteria_set.code for link in campaign.criteria_links.all()}
    assert links == {"collective": "THPTST-2023-TAPTHE", "teacher": "THPTST-2023-GV"}
    assert all(not link.criteria_set.is_frozen for link in campaign.criteria_links.all())
    assert AuditEvent.objects.filter(action="campaign.create", target_id=str(campaign.pk)).exists()


def test_an_admin_cannot_create_a_campaign_for_another_province(admin_gl, tree):
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=admin_gl,
            owner_unit=tree.danang,
            code="X",
            name="X",
            categories=["teacher"],
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )


class TestDeadlines:
    def test_lower_level_must_come_before_its_parent(self, campaign):
        problems = services.deadline_problems(
            campaign=campaign,
            opens_on=date(2026, 1, 1),
            deadlines={
                "school": date(2026, 4, 10),
                "commune": date(2026, 4, 10),
                "province": date(2026, 4, 20),
            },
        )
        assert problems == [
            "Hạn của cấp “Trường, cơ sở giáo dục” (10/04/2026) phải trước hạn của cấp "
            "“UBND cấp xã” (10/04/2026): cấp dưới gửi lên thì cấp trên mới có thời gian xét."
        ]

    def test_every_pair_is_checked_not_only_neighbours(self, campaign):
        problems = services.deadline_problems(
            campaign=campaign,
            opens_on=date(2026, 1, 1),
            deadlines={
                "school": date(2026, 4, 25),
                "commune": date(2026, 4, 26),
                "province": date(2026, 4, 20),
            },
        )
        assert len(problems) == 2  # school and commune both after the Sở

    def test_before_opening_and_after_the_campaign(self, campaign):
        problems = services.deadline_problems(
            campaign=campaign,
            opens_on=date(2026, 4, 1),
            deadlines={"school": date(2026, 3, 31), "province": date(2027, 4, 1)},
        )
        assert any("phải sau ngày mở đợt (01/04/2026)" in p for p in problems)
        assert any("sau ngày kết thúc phong trào (31/03/2027)" in p for p in problems)

    def test_district_and_commune_share_a_rank(self, campaign):
        assert (
            services.deadline_problems(
                campaign=campaign,
                opens_on=date(2025, 1, 1),
                deadlines={
                    "district": date(2026, 4, 10),
                    "commune": date(2026, 4, 5),
                    "province": date(2026, 4, 20),
                },
            )
            == []
        )

    def test_round_save_refuses_bad_cascades_and_saves_nothing(self, campaign, admin_dn):
        with pytest.raises(ValidationError):
            services.round_save(
                actor=admin_dn,
                campaign=campaign,
                name="Đợt 1",
                kind="ad_hoc",
                opens_on=date(2026, 1, 1),
                year=2026,
                deadlines={"school": date(2026, 5, 1), "province": date(2026, 4, 1)},
            )
        assert not campaign.rounds.exists()


class TestQuarterlyGenerator:
    def test_plan_crosses_the_year_boundary(self):
        plan = services.quarterly_plan(
            year=2026, deadline_day=3, gap_days=7, levels=["school", "commune", "province"]
        )
        assert [(p["name"], p["opens_on"]) for p in plan] == [
            ("Quý 1/2026", date(2026, 1, 1)),
            ("Quý 2/2026", date(2026, 4, 1)),
            ("Quý 3/2026", date(2026, 7, 1)),
            ("Quý 4/2026", date(2026, 10, 1)),
        ]
        assert plan[0]["deadlines"] == {
            "school": date(2026, 4, 3),
            "commune": date(2026, 4, 10),
            "province": date(2026, 4, 17),
        }
        assert plan[3]["deadlines"] == {
            "school": date(2027, 1, 3),
            "commune": date(2027, 1, 10),
            "province": date(2027, 1, 17),
        }

    def test_day_past_the_end_of_a_month_is_clamped(self):
        plan = services.quarterly_plan(
            year=2026, deadline_day=31, gap_days=1, levels=["school"], quarters=[1]
        )
        assert plan[0]["deadlines"] == {"school": date(2026, 4, 30)}

    def test_generator_uses_the_levels_under_the_owner(self, campaign, admin_dn):
        rounds = services.rounds_generate_quarterly(
            actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7
        )
        q4 = rounds[3]
        assert {d.level: d.deadline for d in q4.deadlines.all()} == {
            "school": date(2027, 1, 3),
            "commune": date(2027, 1, 10),
            "province": date(2027, 1, 17),
        }


def save_quota(round_, actor, **numbers):
    return services.quota_save(actor=actor, rounds=[round_], **numbers)


class TestQuotas:
    @pytest.fixture
    def round_(self, campaign, admin_dn):
        return services.rounds_generate_quarterly(
            actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7, quarters=[1]
        )[0]

    def test_arithmetic(self, round_):
        quota = Quota(round=round_, level="school", max_forward=1)
        assert QuotaStatus(quota, 0).label == "Đã chuyển 0/1"
        assert QuotaStatus(quota, 1).label == "Đã chuyển 1/1"
        target = Quota(round=round_, level="province", category="collective", min_target=10)
        assert QuotaStatus(target, 7).label == "chỉ tiêu ít nhất 10: còn thiếu 3"
        assert QuotaStatus(target, 10).target_met is True

    def test_category_quota_wins_over_the_general_one(self, round_, admin_dn):
        save_quota(round_, admin_dn, level="school", category="", max_forward=1, min_target=None)
        save_quota(
            round_, admin_dn, level="school", category="teacher", max_forward=2, min_target=None
        )
        assert selectors.quota_for(round_, "school", "teacher").max_forward == 2
        assert selectors.quota_for(round_, "school", "collective").max_forward == 1
        assert selectors.quota_for(round_, "commune", "collective") is None

    def test_saving_again_updates_and_bad_numbers_are_refused(self, round_, admin_dn):
        save_quota(round_, admin_dn, level="school", category="", max_forward=1, min_target=None)
        save_quota(round_, admin_dn, level="school", category="", max_forward=3, min_target=None)
        assert list(round_.quotas.values_list("max_forward", flat=True)) == [3]
        with pytest.raises(ValidationError, match="không được lớn hơn"):
            services.quota_save(
                actor=admin_dn,
                rounds=[round_],
                level="province",
                category="",
                max_forward=1,
                min_target=2,
            )


class TestExtensionsAndWindows:
    @pytest.fixture
    def round_(self, campaign, admin_dn):
        return RoundFactory(actor=admin_dn, campaign=campaign)

    def test_extension_moves_one_units_deadline(self, round_, admin_dn, tree):
        services.extension_grant(
            actor=admin_dn,
            round_=round_,
            unit=tree.school_a,
            deadline=date(2026, 4, 7),
            reason="Mất điện diện rộng",
        )
        assert selectors.deadline_for(round_, tree.school_a) == date(2026, 4, 7)
        assert selectors.deadline_for(round_, tree.school_b) == date(2026, 4, 3)

    def test_extension_must_be_later_than_the_level_and_before_the_parent(
        self, round_, admin_dn, tree
    ):
        with pytest.raises(ValidationError, match="phải sau hạn chung"):
            services.extension_grant(
                actor=admin_dn,
                round_=round_,
                unit=tree.school_a,
                deadline=date(2026, 4, 3),
                reason="x",
            )
        with pytest.raises(ValidationError, match="phải trước hạn của đơn vị cấp trên"):
            services.extension_grant(
                actor=admin_dn,
                round_=round_,
                unit=tree.school_a,
                deadline=date(2026, 4, 10),
                reason="x",
            )
        with pytest.raises(ValidationError, match="lý do"):
            services.extension_grant(
                actor=admin_dn,
                round_=round_,
                unit=tree.school_a,
                deadline=date(2026, 4, 5),
                reason="   ",
            )


class TestOpening:
    def test_problems_are_listed_until_fixed(self, campaign, admin_dn):
        assert services.campaign_open_problems(campaign) == ["Chưa có đợt xét nào."]
        with pytest.raises(ValidationError):
            services.campaign_open(actor=admin_dn, campaign=campaign)

    def test_opening_freezes_the_criteria_and_later_edits_make_new_versions(
        self, campaign, admin_dn
    ):
        services.rounds_generate_quarterly(
            actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7
        )
        campaign = services.campaign_open(actor=admin_dn, campaign=campaign)
        assert campaign.status == CampaignStatus.OPEN
        link = campaign.criteria_links.get(category="teacher")
        v1 = link.criteria_set
        assert v1.is_frozen
        assert v1.version == 1
        assert v1.code == "THPTST-2023-GV"
        template = CriteriaSet.objects.get(code="THPTST-2023-GV", version=0)
        assert [c.text for c in v1.criteria.all()] == [c.text for c in template.criteria.all()]

        with pytest.raises(ValidationError, match="đã khoá"):
            Criterion.objects.filter(criteria_set=v1).first().save()
        Criterion.objects.create(
            criteria_set=template, order=99, text="Tiêu chí mới", kind="attestation"
        )
        services.campaign_set_criteria(
            actor=admin_dn, campaign=campaign, category="teacher", criteria_set=template
        )
        v2 = campaign.criteria_links.get(category="teacher").criteria_set
        assert (v2.version, v2.criteria.count()) == (2, v1.criteria.count() + 1)
        v1.refresh_from_db()
        assert v1.criteria.count() == template.criteria.count() - 1  # v1 kept as it was

    def test_an_unchanged_template_reuses_its_latest_version(self, campaign):
        from criteria.services import criteria_set_freeze

        template = CriteriaSet.objects.get(code="THPTST-2023-GV", version=0)
        first = criteria_set_freeze(criteria_set=template)
        assert criteria_set_freeze(criteria_set=template) == first
        template.name = "Tên mới"
        template.save()
        assert criteria_set_freeze(criteria_set=template).version == first.version + 1

    def test_frozen_set_itself_cannot_be_renamed(self, campaign):
        template = CriteriaSet.objects.get(code="THPTST-2023-GV", version=0)
        from criteria.services import criteria_set_freeze

        frozen = criteria_set_freeze(criteria_set=template)
        frozen.name = "Đổi tên"
        with pytest.raises(ValidationError):
            frozen.save()

    def test_close_only_when_open(self, campaign, admin_dn):
        with pytest.raises(ValidationError):
            services.campaign_close(actor=admin_dn, campaign=campaign)


class TestRegistration:
    @pytest.fixture
    def open_campaign(self, campaign, admin_dn):
        services.rounds_generate_quarterly(
            actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7
        )
        services.campaign_update(
            actor=admin_dn,
            campaign=campaign,
            registration_opens=date(2026, 1, 5),
            registration_closes=date(2026, 1, 31),
        )
        return services.campaign_open(actor=admin_dn, campaign=campaign)

    def test_register_inside_the_window_only(self, open_campaign, nominator_a, tree):
        person = PersonFactory(unit=tree.team_a)
        reg = services.registration_create(
            actor=nominator_a,
            campaign=open_campaign,
            title=title("DHTT"),
            person=person,
            today=date(2026, 1, 10),
        )
        assert reg.unit == tree.school_a  # a team member registers through the school
        with pytest.raises(ValidationError, match="Ngoài thời gian đăng ký"):
            services.registration_create(
                actor=nominator_a,
                campaign=open_campaign,
                title=title("DHTT"),
                nominee_unit=tree.school_a,
                today=date(2026, 2, 1),
            )

    def test_registering_the_same_title_twice_says_so_in_plain_words(
        self, open_campaign, nominator_a, tree
    ):
        person = PersonFactory(unit=tree.school_a)
        for nominee in ({"person": person}, {"nominee_unit": tree.school_a}):
            services.registration_create(
                actor=nominator_a,
                campaign=open_campaign,
                title=title("DHTT"),
                today=date(2026, 1, 10),
                **nominee,
            )
            with pytest.raises(ValidationError) as error:
                services.registration_create(
                    actor=nominator_a,
                    campaign=open_campaign,
                    title=title("DHTT"),
                    today=date(2026, 1, 11),
                    **nominee,
                )
            assert "đã đăng ký danh hiệu này trong phong trào" in " ".join(error.value.messages)
            assert "Constraint" not in " ".join(error.value.messages)

    def test_title_must_be_of_the_campaign_and_fit_the_nominee(
        self, open_campaign, nominator_a, tree
    ):
        with pytest.raises(ValidationError, match="không xét danh hiệu"):
            services.registration_create(
                actor=nominator_a,
                campaign=open_campaign,
                title=title("LDTT"),
                nominee_unit=tree.school_a,
                today=date(2026, 1, 10),
            )

    def test_nobody_registers_for_another_school(self, open_campaign, nominator_a, tree):
        with pytest.raises(PermissionDenied):
            services.registration_create(
                actor=nominator_a,
                campaign=open_campaign,
                title=title("DHTT"),
                nominee_unit=tree.school_b,
                today=date(2026, 1, 10),
            )


def test_campaign_levels_follow_the_tree_at_the_date(tree, admin_dn):
    UnitFactory(
        code="PGD-CU", level=UnitLevel.DISTRICT, parent=tree.danang, valid_to=date(2025, 6, 30)
    )
    campaign = services.campaign_create(
        actor=admin_dn,
        owner_unit=tree.danang,
        code="DN-GD",
        name="Giai đoạn",
        categories=["teacher"],
        period_start=date(2021, 9, 1),
        period_end=date(2026, 8, 31),
    )
    assert selectors.campaign_levels(campaign, on=date(2024, 1, 1)) == [
        "school",
        "district",
        "commune",
        "province",
    ]
    assert selectors.campaign_levels(campaign, on=date(2025, 9, 1)) == [
        "school",
        "commune",
        "province",
    ]
