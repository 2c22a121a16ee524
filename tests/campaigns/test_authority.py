"""The authority matrix (DOMAIN.md) as dated data: the campaign form refuses a title the unit
running it may not grant, and the chain stops at the first unit that may."""

import datetime

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from criteria.models import GrantingAuthority
from criteria.selectors import authority_problem, granting_levels
from tests.factories import title
from units.enums import Role

pytestmark = pytest.mark.django_db
D = datetime.date


def _post(client, owner, titles, code):
    return client.post(
        reverse("campaigns:create"),
        {
            "owner_unit": owner.pk,
            "code": code,
            "name": "Thi đua năm học 2025-2026",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "categories": ["teacher"],
            "titles": [title(code).pk for code in titles],
            "report_template": "short",
            "min_summary_words": 100,
            "reminder_days": "3",
            "council_threshold_percent": 50,
            "consultation_days": 9,
        },
    )


def test_a_commune_cannot_run_a_campaign_for_a_title_only_the_so_may_grant(client, make_user, tree):
    client.force_login(make_user((tree.commune, Role.CAMPAIGN_ADMIN), username="xa.qt"))
    refused = _post(client, tree.commune, ["CSTDCS"], "XA-CSTDCS")
    assert refused.status_code == 200
    [error] = refused.context["form"].errors["titles"]
    assert "không có thẩm quyền tặng “Chiến sĩ thi đua cơ sở”" in error
    assert "Sở" in error
    assert not Campaign.objects.filter(code="XA-CSTDCS").exists()
    # LĐTT and Giấy khen are the commune chair's to grant
    assert _post(client, tree.commune, ["LDTT", "GK"], "XA-LDTT").status_code == 302


def test_the_matrix_is_dated_the_district_level_ends_with_the_2025_restructuring():
    ldtt = title("LDTT")
    assert "district" in granting_levels(ldtt, D(2025, 6, 30))
    assert "district" not in granting_levels(ldtt, D(2025, 7, 1))
    assert granting_levels(title("CSTDCS"), D(2026, 1, 1)) == {"school", "province", "ministry"}
    # every line names its legal basis
    assert not GrantingAuthority.objects.filter(source__isnull=True).exists()


def test_an_administrator_changes_the_matrix_without_a_deploy(tree):
    cstdcs = title("CSTDCS")
    day = D(2026, 11, 1)
    assert authority_problem(title=cstdcs, unit=tree.commune, day=day)
    GrantingAuthority.objects.create(
        title=cstdcs, level="commune", legal_source="Văn bản mới", effective_from=D(2026, 10, 1)
    )
    assert authority_problem(title=cstdcs, unit=tree.commune, day=day) == ""
    assert authority_problem(title=cstdcs, unit=tree.commune, day=D(2026, 9, 30))
