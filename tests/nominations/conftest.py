"""A Sở Đà Nẵng campaign open for Q1/2026 whose chain is school A → commune → Sở, users for
every role of the workflow table, and a builder that puts a dossier in any state."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from tests.factories import CampaignFactory, NominationFactory, PersonFactory, place
from units.enums import Role

IN_WINDOW = datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC)  # 10:00 on 16/03 in Hà Nội


@pytest.fixture
def clock():
    with time_machine.travel(IN_WINDOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def users(make_user, tree):
    ministry_approver = make_user((tree.ministry, Role.APPROVER), username="bo.duyet")
    return SimpleNamespace(
        nominator=make_user((tree.school_a, Role.NOMINATOR), username="a.canbo"),
        principal=make_user((tree.school_a, Role.APPROVER), username="a.hieutruong"),
        commune=make_user((tree.commune, Role.APPROVER), username="xa.duyet"),
        province=make_user((tree.danang, Role.APPROVER), username="so.duyet"),
        secretary=make_user((tree.danang, Role.COUNCIL_SECRETARY), username="so.thuky"),
        sibling=make_user((tree.school_b, Role.APPROVER), username="b.hieutruong"),
        viewer=make_user((tree.danang, Role.VIEWER), username="so.xem"),
        ministry=ministry_approver,
        admin=make_user((tree.danang, Role.CAMPAIGN_ADMIN), username="so.quantri"),
    )


@pytest.fixture
def campaign(tree, users):
    with time_machine.travel(datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)):
        return CampaignFactory(
            actor=users.admin,
            owner_unit=tree.danang,
            code="DN-Q1",
            name="Điển hình quý 1",
            min_summary_words=20,
        )


@pytest.fixture
def new_nomination(campaign, tree, users):
    def make(*, person=None, unit=None, actor=None, nominating_unit=None, fill=True):
        if person is None and unit is None:
            person = PersonFactory(
                unit=tree.school_a,
                full_name="Nguyễn Thị Ánh",
                birth_date=datetime.date(1985, 3, 12),
            )
        return NominationFactory(
            actor=actor or users.nominator,
            campaign=campaign,
            nominating_unit=nominating_unit or tree.school_a,
            person=person,
            nominee_unit=unit,
            filled=fill,
        )

    return make


@pytest.fixture
def placed(new_nomination):
    """A complete dossier put straight into a place of PLACES (bypassing the workflow)."""

    def make(where, **kwargs):
        return place(new_nomination(**kwargs), where)

    return make
