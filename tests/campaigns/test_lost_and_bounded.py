"""Campaign and round forms: a stale tab saves nothing and shows both versions; the summary's
word limit is part of the campaign; dates typed on these forms stay in a sane window."""

import datetime

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def posted(page, **changes):
    """What the page's form would post if the user changed `changes` and nothing else."""
    data = {}
    for field in page.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [getattr(v, "pk", v) for v in value]
        data[field.html_name] = value
    return {**data, **changes}


def test_a_stale_campaign_tab_changes_nothing_and_shows_both(client, campaign, admin_dn):
    client.force_login(admin_dn)
    url = reverse("campaigns:update", args=[campaign.code])
    first_tab, second_tab = client.get(url), client.get(url)
    assert client.post(url, posted(first_tab, name="Tên của tab một")).status_code == 302

    response = client.post(url, posted(second_tab, name="Tên của tab hai"))

    assert response.status_code == 200
    assert "người khác đã lưu thay đổi" in response.text
    rows = {label: (stored, typed) for label, stored, typed in response.context["stale"]}
    assert rows["Tên phong trào, kế hoạch"] == ("Tên của tab một", "Tên của tab hai")
    assert Campaign.objects.get(pk=campaign.pk).name == "Tên của tab một"
    # Seen both: the same form sent again now replaces the stored version.
    assert client.post(url, posted(response)).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).name == "Tên của tab hai"


def test_a_stale_round_tab_changes_nothing(client, campaign, admin_dn):
    round_ = services.rounds_generate_quarterly(
        actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7, quarters=[1]
    )[0]
    client.force_login(admin_dn)
    url = reverse("campaigns:round_update", args=[campaign.code, round_.pk])
    first_tab, second_tab = client.get(url), client.get(url)
    assert client.post(url, posted(first_tab, name="Quý một (sửa)")).status_code == 302

    response = client.post(url, posted(second_tab, name="Quý một (tab hai)"))

    assert response.status_code == 200
    rows = {label: (stored, typed) for label, stored, typed in response.context["stale"]}
    assert rows["Tên đợt"] == ("Quý một (sửa)", "Quý một (tab hai)")
    round_.refresh_from_db()
    assert round_.name == "Quý một (sửa)"


def test_the_summary_word_limit_is_set_on_the_campaign_form(client, campaign, admin_dn):
    client.force_login(admin_dn)
    url = reverse("campaigns:update", args=[campaign.code])
    page = client.get(url)
    assert page.context["form"]["max_summary_words"].value() == 3000
    response = client.post(url, posted(page, min_summary_words=800, max_summary_words=500))
    assert response.status_code == 200
    assert "không nhỏ hơn số từ tối thiểu" in response.text
    assert client.post(url, posted(page, max_summary_words=2500)).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).max_summary_words == 2500


@pytest.mark.parametrize("day", ["0001-01-01", "2100-01-01", "9999-12-31"])
def test_campaign_and_round_dates_far_from_today_are_refused(client, campaign, admin_dn, day):
    client.force_login(admin_dn)
    url = reverse("campaigns:update", args=[campaign.code])
    response = client.post(url, posted(client.get(url), period_end=day))
    assert response.status_code == 200
    assert "nằm ngoài khoảng hợp lệ" in response.text
    response = client.post(
        reverse("campaigns:round_create", args=[campaign.code]),
        {"name": "Đợt 1", "kind": "ad_hoc", "opens_on": day, "year": 2026},
    )
    assert "nằm ngoài khoảng hợp lệ" in response.text
    assert not campaign.rounds.exists()


def test_a_double_click_on_the_campaign_admins_create_forms_saves_once(
    client, campaign, round_, admin_dn
):
    """Round, phase and extension forms carry a one-time token: the same form sent twice (a
    double click, a resend after a slow answer) saves once and lands where the first went."""
    from core.idempotency import TOKEN_FIELD

    client.force_login(admin_dn)
    forms = {
        "round_create": {
            "name": "Đợt bổ sung",
            "kind": "ad_hoc",
            "opens_on": "2026-05-01",
            "year": 2026,
            "deadline_school": "2026-05-10",
            "deadline_commune": "2026-05-15",
            "deadline_province": "2026-05-20",
        },
        "phase": {"name": "Giai đoạn 1", "starts_on": "2026-01-01", "ends_on": "2026-06-30"},
        "extension": {
            "round": round_.pk,
            "unit": "TH-A",
            "deadline": "2026-04-08",
            "reason": "Trường có giáo viên đi tập huấn",
        },
    }
    for name, data in forms.items():
        url = reverse(f"campaigns:{name}", args=[campaign.code])
        token = client.get(url).context["form"][TOKEN_FIELD].value()
        first = client.post(url, {**data, TOKEN_FIELD: token})
        second = client.post(url, {**data, TOKEN_FIELD: token})
        assert (first.status_code, second.status_code) == (302, 302), name
        assert second["Location"] == first["Location"], name
    assert campaign.rounds.filter(name="Đợt bổ sung").count() == 1
    assert campaign.phases.count() == 1
    assert round_.extensions.count() == 1
    # A form rendered anew is a new request: another phase is refused for its dates, not lost.
    url = reverse("campaigns:phase", args=[campaign.code])
    token = client.get(url).context["form"][TOKEN_FIELD].value()
    again = client.post(url, {**forms["phase"], TOKEN_FIELD: token})
    assert "trùng thời gian" in " ".join(again.context["form"].non_field_errors())
