"""The periodic reminder sweep (DESIGN.md §5): deadlines coming, deadlines passed, dossiers
waiting for review, the weekly digest. It decides from the data what is due, so a missed beat
catches up on the next one and, because each notice has a key, a sweep that runs every five
minutes sends each reminder once. Its query count depends on the number of open rounds and
deadline levels, never on the number of units or people."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.enums import CampaignStatus
from campaigns.models import Extension, Round
from campaigns.workdays import days_between, describe_days
from notifications.models import Preference
from notifications.services import Notice, notify, unwritten
from units.enums import EDITOR_ROLES as EDITORS
from units.enums import Role
from units.models import Unit
from units.selectors import live_memberships

from .enums import NoticeKind, State
from .models import ChainStep, Nomination
from .progress import quota_statuses, step_counts, totals
from .progress import target as progress_target

OVERDUE_CATCH_UP_DAYS = 3  # an overdue notice missed by beat still goes out within this window


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


# --- transitions ------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What the sweep wrote (in a dry run: would write), in all and by kind."""

    written: int = 0
    by_kind: dict = field(default_factory=lambda: defaultdict(int))


def due_offset(days_left: int, offsets: list[int]) -> int | None:
    """The reminder a unit is due with `days_left` to its deadline: the nearest offset not yet
    passed (so a missed day is caught up by the next reminder, never by an old one)."""
    if days_left < 0:
        return None
    ahead = [o for o in offsets if o >= days_left]
    return min(ahead) if ahead else None


def sweep(*, now=None, dry_run: bool = False) -> SweepResult:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    result = SweepResult()
    rounds = (
        Round.objects.filter(campaign__status=CampaignStatus.OPEN, opens_on__lte=today)
        .select_related("campaign__owner_unit")
        .prefetch_related("deadlines", "quotas")
    )
    with translation.override("vi"):
        for round_ in rounds:
            extensions = dict(
                Extension.objects.filter(round=round_).values_list("unit_id", "deadline")
            )
            for deadline in round_.deadlines.all():
                notices = _round_level_notices(round_, deadline, extensions, today)
                _write(notices, f"reminder:{round_.pk}:{deadline.level}:", result, dry_run)
        _write(_digest_notices(now, today), _digest_scope(today), result, dry_run)
    return result


def _write(notices, scope, result, dry_run):
    if dry_run:
        written = unwritten(notices, scope=scope)
    else:
        with transaction.atomic():
            written = notify(notices, scope=scope)
    result.written += len(written)
    for item in written:
        result.by_kind[item.kind] += 1


def _round_level_notices(round_, deadline, extensions, today) -> list[Notice]:
    level, campaign = deadline.level, round_.campaign
    offsets = campaign.reminder_offsets
    scope = campaign.owner_unit.path
    units = {
        pk: (name, extensions.get(pk, deadline.deadline))
        for pk, name in Unit.objects.filter(path__startswith=scope, level=level)
        .exclude(valid_to__lt=today)
        .values_list("pk", "name")
    }
    # What each unit has sent on, what waits at it, and what it is expected to send.
    counts = step_counts(ChainStep.objects.filter(nomination__round=round_, unit__level=level))
    sent = {pk: totals(by_category)["sent"] for pk, by_category in counts.items()}
    waiting = {pk: totals(by_category)["waiting"] for pk, by_category in counts.items()}
    target = progress_target(round_.quotas.all(), level) or 0
    level_quotas = [q for q in round_.quotas.all() if q.level == level]
    people = defaultdict(lambda: defaultdict(list))
    for unit_id, user_id, role in (
        live_memberships()
        .filter(unit__path__startswith=scope, unit__level=level, role__in=EDITORS)
        .values_list("unit_id", "user_id", "role")
    ):
        people[unit_id][role].append(user_id)

    notices = []
    days_left_by_day = {}
    for unit_id, roles in people.items():
        if unit_id not in units:
            continue
        name, day = units[unit_id]
        if day not in days_left_by_day:  # units with an extension have their own day
            days_left_by_day[day] = days_between(today, day, campaign.deadline_day_count)
        days_left = days_left_by_day[day]
        offset = due_offset(days_left, offsets)
        overdue = -OVERDUE_CATCH_UP_DAYS <= days_left <= -1
        if offset is None and not overdue:
            continue
        step = "overdue" if overdue else f"d{offset}"
        # Each target of the level with how far the unit is (the one progress definition); for
        # the unit that decides the round, what it selected against its own targets.
        decides = unit_id == campaign.owner_unit_id
        statuses = [
            s
            for s in quota_statuses(level_quotas, counts.get(unit_id, {}), decides=decides)
            if s.quota.min_target is not None
        ]
        facts = {
            "progress": "; ".join(s.full_label for s in statuses),
            "round": round_.name,
            "campaign": campaign.name,
            "day": _day(day),
            "n": days_left,
            "left": describe_days(max(days_left, 0), campaign.deadline_day_count),
            "sent": sent.get(unit_id, 0),
            "target": target,
            "waiting": waiting.get(unit_id, 0),
            "unit": name,
        }
        reminders = []
        if decides:
            if any(not s.target_met for s in statuses):
                reminders.append(
                    (
                        "select",
                        roles[Role.APPROVER],
                        *_selector_text(facts, overdue),
                        reverse("nominations:queue"),
                    )
                )
        elif sent.get(unit_id, 0) < target:
            reminders.append(
                (
                    "send",
                    roles[Role.NOMINATOR] + roles[Role.APPROVER],
                    *_sender_text(facts, overdue),
                    reverse("nominations:list"),
                )
            )
        if waiting.get(unit_id):
            reminders.append(
                (
                    "review",
                    roles[Role.APPROVER],
                    *_reviewer_text(facts, overdue),
                    reverse("nominations:queue"),
                )
            )
        for what, users, kind, subject, body, url in reminders:
            notices.extend(
                Notice(
                    key=f"reminder:{round_.pk}:{level}:{step}:{what}:{unit_id}:{user_id}",
                    recipient_id=user_id,
                    kind=kind,
                    subject=subject,
                    body=body,
                    url=url,
                )
                for user_id in set(users)
            )
    return notices


def _with_targets(body: str, facts) -> str:
    if not facts["progress"]:
        return body
    return body + " " + _("Chỉ tiêu: %(progress)s.") % facts


def _sender_text(facts, overdue):
    if overdue:
        return (
            NoticeKind.OVERDUE,
            _("Đã quá hạn chót %(day)s: %(round)s") % facts,
            _with_targets(
                _(
                    "%(unit)s chưa gửi đủ hồ sơ của “%(round)s” (phong trào “%(campaign)s”): "
                    "đã gửi %(sent)s/%(target)s. Hạn chót là %(day)s. Hãy liên hệ cấp trên nếu "
                    "cần gia hạn."
                )
                % facts,
                facts,
            ),
        )
    return (
        NoticeKind.DEADLINE,
        _("Còn %(left)s đến hạn chót %(day)s: %(round)s") % facts,
        _with_targets(
            _(
                "%(unit)s đã gửi %(sent)s/%(target)s hồ sơ của “%(round)s” (phong trào "
                "“%(campaign)s”). Hạn chót gửi là %(day)s."
            )
            % facts,
            facts,
        ),
    )


def _selector_text(facts, overdue):
    """The deciding unit's reminder: its own selection targets, not what it "sent"."""
    if overdue:
        return (
            NoticeKind.OVERDUE,
            _("Đã quá hạn xét chọn %(day)s: %(round)s") % facts,
            _(
                "%(unit)s chưa xét chọn đủ chỉ tiêu của “%(round)s” (phong trào “%(campaign)s”): "
                "%(progress)s. Hạn chót là %(day)s."
            )
            % facts,
        )
    return (
        NoticeKind.DEADLINE,
        _("Còn %(left)s đến hạn xét chọn %(day)s: %(round)s") % facts,
        _(
            "Chỉ tiêu xét chọn của %(unit)s trong “%(round)s” (phong trào “%(campaign)s”): "
            "%(progress)s. Hạn chót là %(day)s."
        )
        % facts,
    )


def _reviewer_text(facts, overdue):
    if overdue:
        return (
            NoticeKind.OVERDUE,
            _("Đã quá hạn xét %(day)s: %(waiting)s hồ sơ còn chờ") % facts,
            _(
                "%(waiting)s hồ sơ của “%(round)s” (phong trào “%(campaign)s”) vẫn chờ "
                "%(unit)s xét; hạn chót là %(day)s."
            )
            % facts,
        )
    return (
        NoticeKind.REVIEW_WAITING,
        _("%(waiting)s hồ sơ chờ xét, hạn chót %(day)s") % facts,
        _(
            "%(waiting)s hồ sơ của “%(round)s” (phong trào “%(campaign)s”) đang chờ %(unit)s "
            "xét. Còn %(left)s đến hạn chót %(day)s."
        )
        % facts,
    )


def _digest_scope(today: datetime.date) -> str:
    year, week, _weekday = today.isocalendar()
    return f"digest:{year}-W{week:02d}:"


def _digest_notices(now, today) -> list[Notice]:
    """The weekly digest, for those who asked: what waits at their units, open rounds' next
    deadlines. Once per ISO week (the key), from the first sweep of the week."""
    users = list(
        Preference.objects.filter(weekly_digest=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if not users:
        return []
    waiting = dict(
        Nomination.objects.filter(state=State.UNDER_REVIEW)
        .values("current_unit_id")
        .annotate(n=Count("pk"))
        .values_list("current_unit_id", "n")
    )
    totals = defaultdict(int)
    for user_id, unit_id in (
        live_memberships()
        .filter(user_id__in=users, role=Role.APPROVER)
        .values_list("user_id", "unit_id")
    ):
        totals[user_id] += waiting.get(unit_id, 0)
    scope = _digest_scope(today)
    return [
        Notice(
            key=f"{scope}{user_id}",
            recipient_id=user_id,
            kind=NoticeKind.DIGEST,
            subject=_("Tổng hợp tuần: %(n)s hồ sơ chờ bạn xét") % {"n": totals[user_id]},
            body=_(
                "Đến %(day)s, %(n)s hồ sơ đang chờ các đơn vị bạn phụ trách xét. Xem hàng chờ "
                "xét để biết hạn chót của từng đợt."
            )
            % {"day": _day(today), "n": totals[user_id]},
            url=reverse("nominations:queue"),
        )
        for user_id in users
        if totals[user_id]
    ]
