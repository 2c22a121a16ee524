"""The home page is each role's to-do list: what waits for me, what came back, my drafts, the
deadlines ahead with my unit's quota and target, each with its first action one click away; in a
fixed number of queries whatever the number of dossiers. "Tạo hồ sơ" offers only rounds the unit
can still submit to."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from campaigns import services as campaign_services
from tests.conftest import counting_queries

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_principal_sees_what_waits_and_the_nominator_what_to_finish(
    client, placed, users, clock
):
    placed("under_review@commune")
    draft = placed("draft")
    returned = placed("returned")

    client.force_login(users.commune)
    home = client.get(reverse("home")).text
    assert "1 hồ sơ chờ bạn xét" in home
    assert reverse("nominations:queue") in home

    client.force_login(users.nominator)
    page = client.get(reverse("home"))
    todo = page.context["todo"]
    assert [n.pk for n in todo.drafts.rows] == [draft.pk]
    assert [n.pk for n in todo.returned.rows] == [returned.pk]
    # The first action is on the page: continue the draft, complete the returned dossier.
    assert reverse("nominations:edit", args=[draft.pk]) in page.text
    assert reverse("nominations:edit", args=[returned.pk]) in page.text
    # The round's deadline for the school (03/04/2026) with its target: one dossier, met by the
    # one under review at the commune (progress.py's definition of what counts).
    [due] = todo.deadlines
    assert due.deadline == D(2026, 4, 3)
    assert (due.standing.target, due.standing.met, due.counts["used"]) == (1, True, 1)
    assert "03/04/2026" in page.text
    assert "đã đạt" in page.text


def test_nothing_to_do_says_so(client, users, campaign, clock):
    client.force_login(users.viewer)
    page = client.get(reverse("home"))
    assert "Không có việc nào đang chờ bạn." in page.text


def test_the_home_page_costs_the_same_queries_for_one_dossier_or_many(client, placed, users, clock):
    placed("draft")
    placed("returned")
    placed("under_review@commune")
    client.force_login(users.nominator)
    client.get(reverse("home"))  # session, caches
    with counting_queries() as few:
        client.get(reverse("home"))
    client.force_login(users.commune)
    with counting_queries() as few_commune:
        client.get(reverse("home"))

    for _ in range(8):
        placed("draft")
        placed("returned")
        placed("under_review@commune")
    client.force_login(users.nominator)
    with counting_queries() as many:
        client.get(reverse("home"))
    client.force_login(users.commune)
    with counting_queries() as many_commune:
        client.get(reverse("home"))
    assert many[0] == few[0]
    assert many_commune[0] == few_commune[0]


def test_create_offers_only_rounds_still_open_to_the_unit_the_open_one_first(
    client, campaign, users, clock
):
    with time_machine.travel(datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)):
        # A round whose school deadline passed, and one not open yet.
        for name, opens, school in (
            ("Đợt đã qua", D(2025, 10, 1), D(2026, 1, 15)),
            ("Quý 2/2026", D(2026, 4, 1), D(2026, 7, 3)),
        ):
            campaign_services.round_save(
                actor=users.admin,
                campaign=campaign,
                name=name,
                kind="quarterly",
                opens_on=opens,
                year=2026,
                deadlines={
                    "school": school,
                    "commune": school + datetime.timedelta(days=7),
                    "province": school + datetime.timedelta(days=14),
                },
            )
    client.force_login(users.nominator)
    page = client.get(reverse("nominations:create"), {"phong_trao": campaign.code})
    labels = [label for _pk, label in page.context["form"].fields["round"].choices]
    assert [str(label).split(" — ")[0] for label in labels] == ["Quý 1/2026", "Quý 2/2026"]
    assert "mở từ 01/04/2026" in str(labels[1])
    closed = campaign.rounds.get(name="Đợt đã qua")
    response = client.post(
        reverse("nominations:create"),
        {
            "phong_trao": campaign.code,
            "round": closed.pk,
            "category": "teacher",
            "title": campaign.titles.get().pk,
            "nominee": "p0",
        },
    )
    assert "round" in response.context["form"].errors


def test_create_says_so_when_no_round_is_open(client, campaign, users):
    client.force_login(users.nominator)
    with time_machine.travel(datetime.datetime(2026, 5, 1, 3, tzinfo=datetime.UTC)):
        page = client.get(reverse("nominations:create"), {"phong_trao": campaign.code})
    assert page.context["form"] is None
    assert "không có đợt xét nào đơn vị bạn còn gửi hồ sơ được" in page.text
