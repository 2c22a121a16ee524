"""The home page's to-do list of a unit and role: what waits for me, what came back to me, the
drafts to finish, the deadlines of the coming days with where my unit stands. Read only; a
fixed number of queries whatever the number of dossiers or rounds (tests/nominations/test_todo.py).
Round progress is nominations.progress (the one definition of sent, counting and waiting)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from campaigns.enums import CampaignStatus
from campaigns.models import Round
from campaigns.selectors import campaigns_visible_to, deadline_for
from campaigns.workdays import DaysLeft
from units.enums import EDITOR_ROLES, STAFF_ROLES, Role

from . import progress
from .enums import State
from .models import ChainStep, Nomination

SHOWN = 5  # dossiers (and deadlines) listed per heading; the heading links to all of them
SOON_DAYS = 7  # a deadline this close is flagged


@dataclass
class Heap:
    """Some dossiers: the first few to show and how many there are in all."""

    rows: list[Nomination]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class RoundDue:
    round: Round
    deadline: datetime.date
    days_left: int
    soon: bool
    standing: progress.Standing
    counts: dict = field(default_factory=dict)  # sent / used / waiting over all categories
    day_count: str = "calendar"  # how the campaign counts the days left (campaigns.workdays)


@dataclass
class Todo:
    waiting: Heap | None  # approvers: dossiers under review at my unit
    returned: Heap | None  # editors: dossiers returned to my unit
    drafts: Heap | None  # editors: my unit's drafts
    deadlines: list[RoundDue]
    can_create: bool

    @property
    def empty(self) -> bool:
        heaps = [h for h in (self.waiting, self.returned, self.drafts) if h is not None]
        return not self.deadlines and not any(h.total for h in heaps)


def _heap(nominations: QuerySet[Nomination]) -> Heap:
    rows = list(
        nominations.select_related("nominee_person", "nominee_unit", "title", "round").order_by(
            "-updated_at", "-pk"
        )[:SHOWN]
    )
    return Heap(rows, nominations.count())


def _rounds_due(unit, user, *, today) -> list[Round]:
    """Rounds of the open campaigns my unit takes part in (or runs) whose deadline for my unit
    has not passed, nearest first, the first few. Two queries."""
    campaigns = [
        c
        for c in campaigns_visible_to(user).filter(status=CampaignStatus.OPEN)
        if unit.path.startswith(c.owner_unit.path)
    ]
    rounds = (
        Round.objects.filter(campaign__in=campaigns)
        .select_related("campaign")
        .prefetch_related("deadlines", "quotas", "extensions")
    )
    due = []
    for round_ in rounds:
        day = deadline_for(round_, unit)
        if day is not None and today <= day and round_.opens_on <= today:
            due.append(round_)
    return sorted(due, key=lambda r: deadline_for(r, unit))[:SHOWN]


def todo_for(user, membership, *, today=None) -> Todo:
    """What `membership`'s unit and role has to do now."""
    from django.utils import timezone

    today = today or timezone.localdate()
    unit, role = membership.unit, membership.role
    editor = role in EDITOR_ROLES
    waiting = returned = drafts = None
    if role == Role.APPROVER:
        waiting = _heap(
            Nomination.objects.filter(
                pk__in=ChainStep.objects.filter(unit=unit).waiting().values("nomination_id")
            )
        )
    if editor:
        returned = _heap(Nomination.objects.filter(state=State.RETURNED, current_unit=unit))
        drafts = _heap(Nomination.objects.filter(state=State.DRAFT, current_unit=unit))
    # A viewer follows, it has no deadline to meet.
    rounds = _rounds_due(unit, user, today=today) if role in STAFF_ROLES else []
    by_round = (
        progress.step_counts(
            ChainStep.objects.filter(unit=unit, nomination__round__in=rounds),
            by="nomination__round_id",
        )
        if rounds
        else {}
    )
    deadlines = []
    counters = {}  # one per way of counting days, each reading the calendar once
    for round_ in rounds:
        counts = by_round.get(round_.pk, {})
        decides = round_.campaign.owner_unit_id == unit.pk
        standing = progress.standing(round_, unit, counts, today=today, decides=decides)
        kind = round_.campaign.deadline_day_count
        if kind not in counters:
            counters[kind] = DaysLeft(today, kind, [deadline_for(r, unit) for r in rounds])
        left = counters[kind](standing.deadline)
        deadlines.append(
            RoundDue(
                round_,
                standing.deadline,
                left,
                left <= SOON_DAYS,
                standing,
                progress.totals(counts),
                kind,
            )
        )
    return Todo(
        waiting=waiting,
        returned=returned,
        drafts=drafts,
        deadlines=deadlines,
        can_create=editor,
    )
