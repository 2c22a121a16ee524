import datetime
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, Quota, Round
from units.enums import Role

pytestmark = pytest.mark.django_db

CONFIG_PAGES = [
    "update",
    "phase",
    "criteria",
    "round_create",
    "quarterly",
    "quota",
    "extension",
    "chain",
]
POST_ACTIONS = ["open", "close"]


def test_the_admin_of_another_province_gets_404_everywhere(client, campaign, round_, admin_gl):
    client.force_login(admin_gl)
    code = campaign.code
    assert client.get(reverse("campaigns:detail", args=[code])).status_code == 404
    for name in CONFIG_PAGES:
        assert client.get(reverse(f"campaigns:{name}", args=[code])).status_code == 404, name
        assert client.post(reverse(f"campaigns:{name}", args=[code]), {}).status_code == 404, name
    for name in POST_ACTIONS:
        assert client.post(reverse(f"campaigns:{name}", args=[code])).status_code == 404, name
    for name in ("round_update", "round_delete"):
        assert client.post(reverse(f"campaigns:{name}", args=[code, round_.pk])).status_code == 404
    assert Round.objects.filter(pk=round_.pk).exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert code not in client.get(reverse("campaigns:list")).text


def test_a_school_sees_its_provinces_campaign_but_cannot_configure_it(
    client, campaign, nominator_a
):
    client.force_login(nominator_a)
    detail = client.get(reverse("campaigns:detail", args=[campaign.code]))
    assert detail.status_code == 200
    assert reverse("campaigns:quota", args=[campaign.code]) not in detail.text
    for name in CONFIG_PAGES:
        assert client.get(reverse(f"campaigns:{name}", args=[campaign.code])).status_code == 404


def test_only_campaign_admins_may_create(client, nominator_a, admin_dn):
    client.force_login(nominator_a)
    assert client.get(reverse("campaigns:create")).status_code == 403
    client.force_login(admin_dn)
    assert client.get(reverse("campaigns:create")).status_code == 200


def test_create_from_template_then_configure_in_pages(client, admin_dn, tree):
    client.force_login(admin_dn)
    page = client.get(reverse("campaigns:create"), {"mau": "MAU-DIEN-HINH-THEO-QUY"})
    assert page.context["form"].initial["categories"] == ["collective", "teacher"]
    # The templates start new campaigns at 10 working days of public consultation.
    assert page.context["form"].initial["consultation_days"] == 10
    assert page.context["form"].initial["consultation_day_count"] == "working"
    response = client.post(
        reverse("campaigns:create"),
        {
            "template": "MAU-DIEN-HINH-THEO-QUY",
            "owner_unit": tree.danang.pk,
            "code": "DN-Q-2026",
            "name": "Điển hình theo quý 2026",
            "period_start": "2026-01-01",
            "period_end": "2027-03-31",
            "categories": ["collective", "teacher"],
            "titles": [
                t.pk for t in Campaign.objects.get(code="MAU-DIEN-HINH-THEO-QUY").titles.all()
            ],
            "report_template": "short",
            "min_summary_words": 1000,
            "reminder_days": "10, 3,1",
            "deadline_day_count": "working",
            "council_threshold_percent": 50,
            "consultation_days": 10,
            "consultation_day_count": "working",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    campaign = Campaign.objects.get(code="DN-Q-2026")
    assert campaign.criteria_links.count() == 2
    assert campaign.reminder_offsets == [10, 3, 1]
    assert (campaign.deadline_day_count, campaign.consultation_day_count) == ("working", "working")
    detail = client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()
    assert "10, 3,1 · ngày làm việc" in detail

    url = lambda name: reverse(f"campaigns:{name}", args=[campaign.code])  # noqa: E731
    assert (
        client.post(
            url("quarterly"),
            {"year": 2026, "deadline_day": 3, "gap_days": 7, "quarters": [1, 2, 3, 4]},
        ).status_code
        == 302
    )
    assert campaign.rounds.count() == 4
    assert (
        client.post(
            url("quota"), {"round": "all", "level": "school", "category": "", "max_forward": 1}
        ).status_code
        == 302
    )
    assert Quota.objects.filter(round__campaign=campaign, level="school").count() == 4
    assert client.post(url("open")).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_bad_deadlines_are_shown_on_the_round_form(client, campaign, admin_dn):
    client.force_login(admin_dn)
    response = client.post(
        reverse("campaigns:round_create", args=[campaign.code]),
        {
            "name": "Đợt 1",
            "kind": "ad_hoc",
            "opens_on": "2026-01-01",
            "year": 2026,
            "deadline_school": "2026-05-01",
            "deadline_commune": "2026-04-20",
            "deadline_province": "2026-04-30",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "phải trước hạn của cấp “UBND cấp xã” (20/04/2026)" in errors


def test_extension_form_refuses_a_unit_outside_the_campaign(client, campaign, round_, admin_dn):
    client.force_login(admin_dn)
    response = client.post(
        reverse("campaigns:extension", args=[campaign.code]),
        {"round": round_.pk, "unit": "THPT-C", "deadline": "2026-04-05", "reason": "x"},
    )
    assert "Không có đơn vị mã “THPT-C” trong phạm vi phong trào" in str(
        response.context["form"].errors["unit"]
    )


def test_chain_preview_shows_each_levels_deadline(client, campaign, round_, admin_dn):
    client.force_login(admin_dn)
    page = client.get(reverse("campaigns:chain", args=[campaign.code]), {"unit": "TH-A-T1"})
    assert [u.code for u in page.context["chain"]] == ["TH-A-T1", "TH-A", "X-HC", "SGD-DN"]
    row = page.context["rows"][0]
    # The subject team has no deadline of its own: it works to its school's, as a dossier does.
    assert [c["day"] for c in row["cells"]] == [
        date(2026, 4, 3),
        date(2026, 4, 3),
        date(2026, 4, 10),
        date(2026, 4, 17),
    ]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_campaign_pages_query_counts_do_not_grow_with_rounds_and_campaigns(
    client, campaign, admin_dn, tree
):
    client.force_login(admin_dn)
    services.rounds_generate_quarterly(
        actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7, quarters=[1]
    )
    detail, listing = (reverse("campaigns:detail", args=[campaign.code]), reverse("campaigns:list"))
    client.get(detail)
    before = (count_queries(client, detail), count_queries(client, listing))
    services.rounds_generate_quarterly(
        actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7, quarters=[2, 3, 4]
    )
    for n in range(2):
        services.campaign_create(
            actor=admin_dn,
            owner_unit=tree.danang,
            code=f"X{n}",
            name="X",
            categories=["teacher"],
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    assert (count_queries(client, detail), count_queries(client, listing)) == before


def test_registration_page_for_a_school(client, campaign, admin_dn, nominator_a, tree):
    services.rounds_generate_quarterly(
        actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7
    )
    today = timezone.localdate()
    services.campaign_update(
        actor=admin_dn,
        campaign=campaign,
        registration_opens=today - datetime.timedelta(days=1),
        registration_closes=today + datetime.timedelta(days=10),
    )
    services.campaign_open(actor=admin_dn, campaign=campaign)
    client.force_login(nominator_a)
    page = client.get(reverse("campaigns:registrations", args=[campaign.code]))
    assert page.context["window_open"]
    assert page.context["can_register"]
    key = f"u{tree.school_a.pk}"
    response = client.post(
        page.request["PATH_INFO"], {"nominee": key, "title": campaign.titles.get().pk, "note": ""}
    )
    assert response.status_code == 302
    assert campaign.registrations.get().nominee == tree.school_a
    listing = client.get(reverse("campaigns:registrations", args=[campaign.code]))
    assert "Trường Tiểu học Lê Lợi" in listing.text


def test_a_campaign_admin_role_is_required_to_see_the_create_button(client, make_user, tree):
    viewer = make_user((tree.danang, Role.VIEWER))
    client.force_login(viewer)
    assert reverse("campaigns:create") not in client.get(reverse("campaigns:list")).text


def test_phases_must_fit_the_campaign_and_not_overlap(client, campaign, admin_dn):
    client.force_login(admin_dn)
    url = reverse("campaigns:phase", args=[campaign.code])
    assert (
        client.post(
            url, {"name": "Giai đoạn 1", "starts_on": "2026-01-01", "ends_on": "2026-06-30"}
        ).status_code
        == 302
    )
    response = client.post(
        url, {"name": "Giai đoạn 2", "starts_on": "2026-06-01", "ends_on": "2027-06-30"}
    )
    errors = " ".join(response.context["form"].non_field_errors())
    assert "trùng thời gian với “Giai đoạn 1”" in errors
    assert "phải nằm trong thời gian của phong trào" in errors
    assert list(campaign.phases.values_list("name", flat=True)) == ["Giai đoạn 1"]


def test_campaign_admin_attaches_a_general_rule_as_a_warning_and_removes_it(
    client, campaign, admin_dn
):
    from criteria.models import EligibilityRule

    client.force_login(admin_dn)
    rule = EligibilityRule.objects.get(code="KHONG_DANG_XEM_XET_KY_LUAT")
    form = client.get(reverse("campaigns:rule", args=[campaign.code])).context["form"]
    assert list(form.fields["rule"].queryset) == [rule]  # title rules are not offered
    client.post(
        reverse("campaigns:rule", args=[campaign.code]), {"rule": rule.pk, "severity": "warn"}
    )
    link = campaign.rule_links.get()
    assert (link.rule, link.severity) == (rule, "warn")
    client.post(reverse("campaigns:rule_delete", args=[campaign.code, link.pk]))
    assert not campaign.rule_links.exists()
