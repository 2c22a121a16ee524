"""Targets that add up: the Sở's own selection targets ("xét chọn ít nhất 10 tập thể và 10 cá
nhân", seed 002) in its queue headline, its dashboard line and its reminders; a quota set for
"all rounds" reaches the rounds added later."""

import datetime

import pytest
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import Quota
from nominations import progress
from nominations.enums import Action
from nominations.reminders import sweep
from nominations.services import transition
from notifications.models import Message
from reporting.dashboards import completion
from tests.factories import PersonFactory, place
from units.enums import UnitLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def so_targets(campaign, users):
    """The Sở's targets for all rounds: at least 2 collectives and 2 individuals (seed 002's
    10 and 10, smaller)."""
    rounds = list(campaign.rounds.all())
    for category in ("collective", "individual"):
        campaign_services.quota_save(
            actor=users.admin,
            rounds=rounds,
            level=UnitLevel.PROVINCE,
            category=category,
            max_forward=None,
            min_target=2,
            campaign=campaign,
        )
    return campaign


def test_the_sos_queue_headline_and_dashboard_count_what_it_selected(
    so_targets, new_nomination, users, tree, client, clock
):
    round_ = so_targets.rounds.get()
    approved = place(new_nomination(person=PersonFactory(unit=tree.school_a)), "approved")
    assert approved.state == "approved"
    place(new_nomination(person=PersonFactory(unit=tree.school_a)), "under_review@province")

    rounds = type(round_).objects.filter(pk=round_.pk).select_related("campaign")
    [line] = progress.headline(rounds, tree.danang, today=datetime.date(2026, 3, 16))
    labels = [s.full_label for s in line["statuses"]]
    assert labels == [
        "Tập thể: đã chọn 0, chỉ tiêu ít nhất 2: còn thiếu 2",
        "Cá nhân (mọi đối tượng cá nhân): đã chọn 1, chỉ tiêu ít nhất 2: còn thiếu 1",
    ]
    client.force_login(users.province)
    page = client.get(reverse("nominations:queue"))
    assert "không giới hạn" not in page.text
    assert "đã chọn 1, chỉ tiêu ít nhất 2: còn thiếu 1" in page.text

    board = completion(users.province, tree.danang, round_, datetime.date(2026, 3, 16))
    own = board["own"]
    assert (own["target"], own["reached"], own["status"]) == (4, 1, "behind")


def test_a_teacher_counts_against_an_every_individual_quota(
    so_targets, new_nomination, users, tree, clock
):
    round_ = so_targets.rounds.get()
    campaign_services.quota_save(
        actor=users.admin,
        rounds=[round_],
        level=UnitLevel.SCHOOL,
        category="individual",
        max_forward=1,
        min_target=None,
    )
    first, second = (new_nomination(person=PersonFactory(unit=tree.school_a)) for _ in range(2))
    transition(actor=users.principal, nomination=first, action=Action.SUBMIT)
    assert progress.quota_used(round_, tree.school_a, "individual") == 1
    with pytest.raises(Exception, match="đã gửi đủ 1 hồ sơ"):
        transition(actor=users.principal, nomination=second, action=Action.SUBMIT)


def test_a_quota_for_all_rounds_reaches_a_round_added_later(so_targets, users, tree, clock):
    campaign_services.quota_save(
        actor=users.admin,
        rounds=list(so_targets.rounds.all()),
        level=UnitLevel.SCHOOL,
        category="",
        max_forward=None,
        min_target=2,
        campaign=so_targets,
    )
    later = campaign_services.round_save(
        actor=users.admin,
        campaign=so_targets,
        name="Quý 2/2026",
        kind="quarterly",
        opens_on=datetime.date(2026, 4, 1),
        year=2026,
        quarter=2,
        deadlines={
            "school": datetime.date(2026, 7, 3),
            "commune": datetime.date(2026, 7, 10),
            "province": datetime.date(2026, 7, 17),
        },
    )
    assert sorted(
        Quota.objects.filter(round=later).values_list("level", "category", "min_target")
    ) == [("province", "collective", 2), ("province", "individual", 2), ("school", "", 2)]
    # The school's reminder in the new round counts against 2, not the default 1.
    clock.move_to(datetime.datetime(2026, 6, 26, 1, 0, tzinfo=datetime.UTC))
    sweep()
    body = (
        Message.objects.filter(
            key__startswith=f"reminder:{later.pk}:school:", recipient=users.sibling
        )
        .get()
        .body
    )
    assert "đã gửi 0/2 hồ sơ" in body
    assert "Chỉ tiêu: chỉ tiêu ít nhất 2: còn thiếu 2." in body
    # The Sở is reminded of what it must still select, not of what it "sent".
    so = Message.objects.filter(
        key__startswith=f"reminder:{later.pk}:province:", recipient=users.province
    )
    clock.move_to(datetime.datetime(2026, 7, 10, 1, 0, tzinfo=datetime.UTC))
    sweep()
    [message] = so.all()
    assert "Tập thể: đã chọn 0, chỉ tiêu ít nhất 2: còn thiếu 2" in message.body
    assert "đã gửi" not in message.body
