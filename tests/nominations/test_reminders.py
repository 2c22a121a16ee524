"""The reminder sweep over a whole quarterly round, in travelled time: exactly the expected
reminders at 7, 3 and 1 days to exactly the expected units, none to a unit that already sent,
the overdue notice once, nothing twice although the sweep runs every five minutes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nominations import services
from nominations.enums import NoticeKind
from nominations.reminders import due_offset, sweep
from notifications.models import Message, Preference
from tests.factories import UnitFactory
from units.enums import Role, SchoolType

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
REMINDERS = (NoticeKind.DEADLINE, NoticeKind.REVIEW_WAITING, NoticeKind.OVERDUE)


def at(day: datetime.date, hour=0, minute=0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI)


def sweeps(clock, start, end, *, every_minutes, actions=None):
    """Run the sweep at every step from start to end; `actions` happen at their moment."""
    actions = actions if actions is not None else {}  # shared: each action happens once
    moment = start
    while moment <= end:
        for when in [w for w in actions if w <= moment]:
            clock.move_to(when)
            actions.pop(when)()
        clock.move_to(moment)
        sweep()
        moment += datetime.timedelta(minutes=every_minutes)


def reminders():
    got = set()
    for message in Message.objects.filter(kind__in=REMINDERS).select_related("recipient"):
        _r, _round, level, step, what, _unit, _user = message.key.split(":")
        sent_on = message.created_at.astimezone(HANOI).date()
        got.add((message.recipient.username, message.kind, level, step, what, sent_on))
    return got


def test_a_whole_quarter_of_reminders(new_nomination, users, clock, tree):
    D = datetime.date
    nomination = new_nomination()  # school A's draft, 16/03
    # School deadline 03/04, commune 10/04, Sở 17/04; offsets 7, 3, 1.

    def school_a_sends():
        services.transition(actor=users.principal, nomination=nomination, action="submit")

    def commune_forwards():
        nomination.refresh_from_db()
        services.transition(actor=users.commune, nomination=nomination, action="forward")

    actions = {at(D(2026, 3, 30), 10): school_a_sends, at(D(2026, 4, 6), 12): commune_forwards}
    # Every three hours over the quarter's end, every five minutes on the busiest day.
    sweeps(clock, at(D(2026, 3, 17)), at(D(2026, 3, 30), 23), every_minutes=180, actions=actions)
    sweeps(clock, at(D(2026, 3, 31)), at(D(2026, 3, 31), 23, 55), every_minutes=5)
    sweeps(clock, at(D(2026, 4, 1)), at(D(2026, 4, 24)), every_minutes=180, actions=actions)

    school, commune, province = "school", "commune", "province"
    assert reminders() == {
        # School A: reminded a week ahead, then it sent its dossier: nothing more.
        ("a.canbo", NoticeKind.DEADLINE, school, "d7", "send", D(2026, 3, 27)),
        ("a.hieutruong", NoticeKind.DEADLINE, school, "d7", "send", D(2026, 3, 27)),
        # School B never sends: 7, 3, 1 days ahead, then overdue the day after, once each.
        ("b.hieutruong", NoticeKind.DEADLINE, school, "d7", "send", D(2026, 3, 27)),
        ("b.hieutruong", NoticeKind.DEADLINE, school, "d3", "send", D(2026, 3, 31)),
        ("b.hieutruong", NoticeKind.DEADLINE, school, "d1", "send", D(2026, 4, 2)),
        ("b.hieutruong", NoticeKind.OVERDUE, school, "overdue", "send", D(2026, 4, 4)),
        # The commune holds the dossier from 30/03 and forwards it on 06/04.
        ("xa.duyet", NoticeKind.REVIEW_WAITING, commune, "d7", "review", D(2026, 4, 3)),
        # The Sở holds it from 06/04 and never decides.
        ("so.duyet", NoticeKind.REVIEW_WAITING, province, "d7", "review", D(2026, 4, 10)),
        ("so.duyet", NoticeKind.REVIEW_WAITING, province, "d3", "review", D(2026, 4, 14)),
        ("so.duyet", NoticeKind.REVIEW_WAITING, province, "d1", "review", D(2026, 4, 16)),
        ("so.duyet", NoticeKind.OVERDUE, province, "overdue", "review", D(2026, 4, 18)),
    }
    assert Message.objects.filter(kind__in=REMINDERS).count() == 11  # none twice
    # Nobody outside the campaign's scope heard anything.
    assert not Message.objects.filter(recipient=users.ministry).exists()
    overdue = Message.objects.get(recipient=users.sibling, kind=NoticeKind.OVERDUE)
    assert overdue.subject == "Đã quá hạn chót 03/04/2026: Quý 1/2026"
    assert "đã gửi 0/1" in overdue.body
    d3 = Message.objects.get(recipient=users.province, key__contains=":d3:")
    assert d3.subject == "1 hồ sơ chờ xét, hạn chót 17/04/2026"


def test_a_missed_beat_catches_up_with_the_current_reminder_only():
    assert [due_offset(n, [7, 3, 1]) for n in (9, 8, 7, 5, 4, 3, 2, 1, 0, -1)] == [
        None, None, 7, 7, 7, 3, 3, 1, 1, None,
    ]  # fmt: skip


def test_an_extension_moves_the_units_reminders(new_nomination, users, clock, tree):
    from campaigns.models import Extension

    round_ = new_nomination(fill=False).round
    Extension.objects.create(
        round=round_, unit=tree.school_b, deadline=datetime.date(2026, 4, 10), reason="Bão"
    )
    clock.move_to(at(datetime.date(2026, 3, 31), 8))  # 3 days before the common deadline
    sweep()
    assert not Message.objects.filter(recipient=users.sibling).exists()
    clock.move_to(at(datetime.date(2026, 4, 7), 8))  # 3 days before its own
    sweep()
    assert Message.objects.get(recipient=users.sibling).key.split(":")[3] == "d3"


def test_the_weekly_digest_goes_once_a_week_to_those_who_asked(new_nomination, users, clock, tree):
    nomination = new_nomination()
    services.transition(actor=users.principal, nomination=nomination, action="submit")
    Preference.objects.create(user=users.commune, weekly_digest=True)
    Preference.objects.create(user=users.province, weekly_digest=True)  # nothing waits there
    sweeps(
        clock,
        at(datetime.date(2026, 3, 16), 8),
        at(datetime.date(2026, 3, 29), 20),
        every_minutes=360,
    )
    digests = Message.objects.filter(kind=NoticeKind.DIGEST)
    assert [(m.recipient, m.key.split(":")[1]) for m in digests.order_by("pk")] == [
        (users.commune, "2026-W12"),
        (users.commune, "2026-W13"),
    ]
    assert digests.first().subject == "Tổng hợp tuần: 1 hồ sơ chờ bạn xét"


def test_the_dry_run_counts_without_writing(new_nomination, users, clock, capsys):
    from django.core.management import call_command

    new_nomination(fill=False)
    clock.move_to(at(datetime.date(2026, 3, 31), 8))
    call_command("send_reminders", "--dry-run")
    assert "Sẽ gửi 3 thông báo" in capsys.readouterr().out
    assert not Message.objects.exists()
    call_command("send_reminders")
    assert "Đã ghi 3 thông báo mới" in capsys.readouterr().out
    call_command("send_reminders", "--dry-run")
    assert "Sẽ gửi 0 thông báo" in capsys.readouterr().out


def test_the_sweep_costs_the_same_queries_for_ten_times_the_units(
    new_nomination, users, clock, tree, make_user
):
    new_nomination(fill=False)
    clock.move_to(at(datetime.date(2026, 3, 31), 8))

    def add_schools(count, start):
        for i in range(start, start + count):
            school = UnitFactory(
                code=f"TH-X{i}",
                name=f"Trường Tiểu học số {i}",
                parent=tree.commune,
                school_type=SchoolType.PRIMARY,
            )
            make_user((school, Role.APPROVER), username=f"ht.{i}")

    def queries_of_a_sweep() -> int:
        Message.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            sweep()
        return len(queries)

    add_schools(2, 0)
    small = queries_of_a_sweep()
    small_messages = Message.objects.count()
    add_schools(20, 2)
    assert queries_of_a_sweep() == small
    assert Message.objects.count() == small_messages + 20


def test_a_subunit_is_not_asked_to_send_a_dossier_of_its_own(
    new_nomination, users, clock, tree, make_user
):
    """The sweep used to expect one dossier from every sub-unit as from every school, while the
    dashboard expected it from schools only. A subject team nominates through its school and
    works to its deadline: even where a round sets a deadline for sub-units, the reminder to
    send goes to the schools."""
    from campaigns.models import RoundDeadline

    round_ = new_nomination(fill=False).round
    RoundDeadline.objects.create(round=round_, level="subunit", deadline=datetime.date(2026, 4, 3))
    team_leader = make_user((tree.team_a, Role.NOMINATOR), username="to1.canbo")
    clock.move_to(at(datetime.date(2026, 3, 31), 8))  # 3 days before the deadlines
    sweep()
    assert Message.objects.filter(recipient=users.sibling, kind=NoticeKind.DEADLINE).exists()
    assert not Message.objects.filter(recipient=team_leader).exists()
