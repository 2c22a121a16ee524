"""Round progress (`nominations.progress`): what a unit sent, what counts against its quota,
what waits at it and what it is expected to send, as every page and the sweep count them."""

import datetime

import pytest
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import Campaign, Extension, Quota, Round
from nominations import progress
from nominations.enums import Action
from nominations.models import ChainStep
from nominations.services import transition
from tests.factories import PersonFactory
from units.enums import UnitLevel

pytestmark = pytest.mark.django_db


def test_used_counts_what_left_the_unit_and_frees_on_return(
    new_nomination, users, tree, campaign, clock
):
    nomination = new_nomination()
    round_ = campaign.rounds.get()
    assert progress.quota_used(round_, tree.school_a, "") == 0
    transition(actor=users.principal, nomination=nomination, action=Action.SUBMIT)
    assert progress.quota_used(round_, tree.school_a, "") == 1
    assert progress.quota_used(round_, tree.school_a, "teacher") == 1
    assert progress.quota_used(round_, tree.school_a, "collective") == 0
    assert progress.quota_used(round_, tree.commune, "") == 0
    assert list(progress.counting_against(round_, tree.school_a)) == [nomination]
    transition(actor=users.commune, nomination=nomination, action=Action.RETURN, reason="x")
    assert progress.quota_used(round_, tree.school_a, "") == 0
    assert not progress.counting_against(round_, tree.school_a).exists()


def test_sent_used_and_waiting_per_unit(new_nomination, users, tree, campaign, clock):
    """A returned dossier was sent but no longer counts; a withdrawn one is neither; one under
    review at the commune waits there and counts for the school."""
    round_ = campaign.rounds.get()
    returned, waiting, withdrawn = (
        new_nomination(person=PersonFactory(unit=tree.school_a)) for _ in range(3)
    )
    for nomination in (returned, waiting, withdrawn):
        transition(actor=users.principal, nomination=nomination, action=Action.SUBMIT)
    transition(actor=users.commune, nomination=returned, action=Action.RETURN, reason="x")
    withdrawn.refresh_from_db()
    transition(actor=users.principal, nomination=withdrawn, action=Action.WITHDRAW)

    counts = progress.step_counts(ChainStep.objects.filter(nomination__round=round_))
    school, commune = counts[tree.school_a.pk], counts[tree.commune.pk]
    assert progress.totals(school) == {"sent": 2, "used": 1, "waiting": 0, "selected": 0}
    assert progress.totals(commune) == {"sent": 0, "used": 0, "waiting": 1, "selected": 0}
    assert ChainStep.objects.filter(unit=tree.school_a).sent().count() == 2
    assert ChainStep.objects.filter(unit=tree.school_a).counting().count() == 1
    assert ChainStep.objects.filter(unit=tree.commune).waiting().get().nomination == waiting


def test_the_target_is_the_quota_targets_else_one_dossier_from_a_school(campaign):
    round_ = campaign.rounds.get()
    quotas = [
        Quota(round=round_, level=UnitLevel.PROVINCE, category="collective", min_target=10),
        Quota(round=round_, level=UnitLevel.PROVINCE, category="teacher", min_target=10),
        Quota(round=round_, level=UnitLevel.SCHOOL, max_forward=1),
    ]
    assert progress.target(quotas, UnitLevel.PROVINCE) == 20
    # The deciding Sở's own targets are what it must select (seed 002: 10 and 10).
    assert progress.target(quotas, UnitLevel.PROVINCE, decides=True) == 20
    assert progress.target(quotas, UnitLevel.SCHOOL) == 1
    assert progress.target(quotas, UnitLevel.SCHOOL, decides=True) is None
    # A sub-unit nominates through its school and is not expected to send one of its own.
    assert progress.target(quotas, UnitLevel.SUBUNIT) is None
    assert progress.target(quotas, UnitLevel.COMMUNE) is None


def test_a_school_that_sent_nothing_is_overdue_after_its_own_deadline(campaign, tree, users):
    round_ = campaign.rounds.get()
    after = datetime.date(2026, 4, 5)  # the schools' deadline is 03/04
    fresh = Round.objects.prefetch_related("quotas", "extensions", "deadlines").get(pk=round_.pk)
    late = progress.standing(fresh, tree.school_a, {}, today=after)
    assert (late.target, late.met, late.shortfall, late.overdue) == (1, False, 1, True)
    assert progress.standing(fresh, tree.school_a, {}, today=after, decides=True).overdue is False

    Extension.objects.create(
        round=round_, unit=tree.school_a, deadline=datetime.date(2026, 4, 8), reason="Bão"
    )
    fresh = Round.objects.prefetch_related("quotas", "extensions", "deadlines").get(pk=round_.pk)
    extended = progress.standing(fresh, tree.school_a, {}, today=after)
    assert (extended.deadline, extended.overdue) == (datetime.date(2026, 4, 8), False)


def test_the_queue_headline_counts_what_the_quota_guard_counts(
    new_nomination, users, tree, campaign, clock
):
    round_ = campaign.rounds.get()
    campaign_services.quota_save(
        actor=users.admin,
        rounds=[round_],
        level="school",
        category="",
        max_forward=2,
        min_target=None,
    )
    transition(actor=users.principal, nomination=new_nomination(), action=Action.SUBMIT)
    fresh = Round.objects.prefetch_related("quotas", "extensions", "deadlines").get(pk=round_.pk)
    [line] = progress.headline([fresh], tree.school_a, today=datetime.date(2026, 3, 30))
    assert line["deadline"] == datetime.date(2026, 4, 3)
    assert line["days_left"] == 4
    assert line["status"].label == "Đã chuyển 1/2"
    [commune] = progress.headline([fresh], tree.commune, today=datetime.date(2026, 3, 30))
    assert commune["status"] is None  # no quota for communes


def test_days_left_count_as_the_campaign_says_and_the_queue_says_which(
    client, new_nomination, users, tree, campaign, clock
):
    """From Monday 30/3/2026 to the Sở's deadline, Friday 17/4: 18 days, or 14 working days.
    The queue says which it counts."""
    monday = datetime.date(2026, 3, 30)

    def line():
        round_ = Round.objects.prefetch_related("quotas", "extensions", "deadlines").get(
            campaign=campaign
        )
        [line] = progress.headline([round_], tree.danang, today=monday)
        return line["days_left"], line["day_count"]

    assert line() == (18, "calendar")
    Campaign.objects.filter(pk=campaign.pk).update(deadline_day_count="working")
    assert line() == (14, "working")
    transition(actor=users.principal, nomination=new_nomination(), action=Action.SUBMIT)
    client.force_login(users.commune)  # the dossier waits at the commune, due 10/4
    text = client.get(reverse("nominations:queue")).content.decode()
    assert "ngày làm việc" in text
