"""The chain a dossier climbs (`campaigns.chain`), and the campaign's preview of it, which must be
that very chain: the tree as it stood when the round opened, cut at the deciding unit, with a
sub-unit working to its school's deadline."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.chain import chain_from, chain_on, nomination_chain
from criteria.models import GrantingAuthority, Title
from tests.factories import UnitFactory
from units import services as unit_services
from units.enums import UnitLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(campaign, admin_dn):
    return services.rounds_generate_quarterly(
        actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7, quarters=[1]
    )[0]


@pytest.fixture
def moved_school(tree):
    """A school under a district office until 1/3/2026, under the commune since."""
    district = UnitFactory(
        code="PGD-HC", level=UnitLevel.DISTRICT, parent=tree.danang, valid_to=date(2026, 2, 28)
    )
    school = UnitFactory(code="TH-MOI", parent=district)
    unit_services.unit_move(unit=school, new_parent=tree.commune, moved_on=date(2026, 3, 1))
    school.refresh_from_db()
    return school, district


def test_the_chain_follows_the_tree_as_it_stood_at_the_rounds_dates(tree, moved_school):
    school, district = moved_school
    assert chain_on(school, day=date(2026, 1, 1), up_to=tree.danang) == [
        school,
        district,
        tree.danang,
    ]
    assert chain_on(school, day=date(2026, 3, 1), up_to=tree.danang) == [
        school,
        tree.commune,
        tree.danang,
    ]
    upper = UnitFactory(code="THPT-DN", parent=tree.danang)
    assert chain_on(upper, day=date(2026, 1, 1), up_to=tree.danang) == [upper, tree.danang]


def test_chain_skips_levels_the_branch_does_not_have(tree, campaign):
    upper = UnitFactory(code="THPT-X", parent=tree.danang)  # THPT sits right under the Sở
    today = date(2026, 5, 1)
    assert chain_from(upper, campaign=campaign, day=today) == [upper, tree.danang]
    assert chain_from(tree.team_a, campaign=campaign, day=today) == [
        tree.team_a,
        tree.school_a,
        tree.commune,
        tree.danang,
    ]


def test_the_preview_shows_the_chain_a_dossier_would_climb(
    client, campaign, round_, admin_dn, tree, moved_school
):
    """The preview used to walk today's tree up to the owner and leave a subject team without a
    deadline: here it showed team → school → commune → Sở, the first cell empty."""
    school, district = moved_school
    team = UnitFactory(code="TH-MOI-T1", level=UnitLevel.SUBUNIT, parent=school)
    # A certificate the commune or the district office grants: the chain stops there.
    certificate = Title.objects.create(
        code="GK-XA",
        name="Giấy khen của Chủ tịch UBND cấp xã",
        kind="award",
        nominee_kind="both",
    )
    for level in ("commune", "district"):
        GrantingAuthority.objects.create(
            title=certificate, level=level, effective_from=date(2024, 1, 1)
        )
    campaign.titles.add(certificate)
    real = nomination_chain(
        campaign=campaign, round_=round_, title=certificate, nominating_unit=team
    )
    assert real == [team, school, district]

    client.force_login(admin_dn)
    page = client.get(
        reverse("campaigns:chain", args=[campaign.code]),
        {"unit": "TH-MOI-T1", "title": certificate.pk},
    )
    row = page.context["rows"][0]
    assert [cell["unit"] for cell in row["cells"]] == real
    # The team works to its school's deadline; the district office has none in this round.
    assert [cell["day"] for cell in row["cells"]] == [date(2026, 4, 3), date(2026, 4, 3), None]
    assert row["cells"][0]["from"] == school
    # Above the table, the chain on today's tree: the school sits under the commune now.
    assert page.context["chain"] == [team, school, tree.commune]


def test_the_preview_says_when_the_unit_would_decide_for_itself(client, campaign, round_, admin_dn):
    client.force_login(admin_dn)
    own_title = Title.objects.get(code="DHTT")
    page = client.get(
        reverse("campaigns:chain", args=[campaign.code]), {"unit": "SGD-DN", "title": own_title.pk}
    )
    assert page.context["chain"] is None
    assert "không tự đề nghị cho chính mình" in str(page.context["form"].errors["unit"])


def test_the_preview_costs_the_same_queries_for_three_times_the_rounds(
    client, campaign, round_, admin_dn, moved_school
):
    """Rounds that open between the same two unit moves share one walk up the tree: quarter 1
    opened before TH-MOI moved, quarters 2 to 4 after it, so four rounds cost what two do."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_dn)
    url = reverse("campaigns:chain", args=[campaign.code])

    def queries(code: str, rounds: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url, {"unit": code})
        assert len(page.context["rows"]) == rounds
        return len(captured)

    def add(quarters):
        services.rounds_generate_quarterly(
            actor=admin_dn, campaign=campaign, year=2026, deadline_day=3, gap_days=7,
            quarters=quarters,
        )  # fmt: skip

    assert queries("TH-A", 1)
    add([2])
    two_rounds = (queries("TH-MOI", 2), queries("TH-A", 2))
    add([3, 4])
    assert (queries("TH-MOI", 4), queries("TH-A", 4)) == two_rounds
