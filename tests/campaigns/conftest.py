import datetime

import pytest

from campaigns import services
from campaigns.models import Campaign
from tests.factories import CampaignFactory
from units.enums import Role


@pytest.fixture
def admin_dn(make_user, tree):
    return make_user((tree.danang, Role.CAMPAIGN_ADMIN), username="admin.dn")


@pytest.fixture
def admin_gl(make_user, tree):
    return make_user((tree.gialai, Role.CAMPAIGN_ADMIN), username="admin.gl")


@pytest.fixture
def campaign(admin_dn, tree):
    """A Sở Đà Nẵng campaign made from the quarterly template, still being prepared."""
    return services.campaign_create(
        actor=admin_dn,
        owner_unit=tree.danang,
        template=Campaign.objects.get(code="MAU-DIEN-HINH-THEO-QUY"),
        code="DN-2026-QUY",
        name="Điển hình tiên tiến theo quý 2026",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 3, 31),
    )


@pytest.fixture
def campaign_gl(admin_gl, tree):
    """Sở Gia Lai's campaign, being prepared: no criteria, no rounds yet."""
    return CampaignFactory(
        actor=admin_gl,
        owner_unit=tree.gialai,
        code="GL-2026",
        name="Gia Lai 2026",
        categories=["teacher"],
        criteria={},
        rounds=(),
        opened=False,
    )


@pytest.fixture
def round_(campaign, admin_dn):
    return services.rounds_generate_quarterly(
        actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7, quarters=[1]
    )[0]
