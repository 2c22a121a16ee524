"""How far a unit is in a round: what it sent, what counts against its quota, what waits at it,
what it is expected to send. One definition, read by the queue headline, the dashboards, the
reminder sweep, the yearly report, the printed lists and the transition's quota guard. The
conditions themselves are `querysets.SENT`, `COUNTING` and `WAITING`; the deadline a unit sees
(its extension, else its level's) is `campaigns.selectors.deadline_for`."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from campaigns.enums import quota_categories
from campaigns.selectors import QuotaStatus, deadline_for, quota_for
from campaigns.workdays import DaysLeft
from units.enums import UnitLevel

from .models import ChainStep, Nomination
from .querysets import COUNTING, SELECTED, SENT, WAITING

# "selected" is what the deciding unit chose (approved or recognised there): its progress
# against its own target ("xét chọn ít nhất 10 tập thể và 10 cá nhân", seed 002).
MEASURES = ("sent", "used", "waiting", "selected")
# A school with no quota target is still expected to send one dossier a round. Sub-units are not:
# they nominate through their school and work to its deadline (DESIGN.md §2, campaigns), so a
# subject team that sends nothing leaves its school short, not itself.
DEFAULT_TARGET_LEVEL = UnitLevel.SCHOOL


def _counting_steps(round_, unit, category: str) -> QuerySet[ChainStep]:
    steps = ChainStep.objects.filter(unit=unit, nomination__round=round_).counting()
    categories = quota_categories(category)
    return steps.filter(nomination__category__in=categories) if categories else steps


def counting_against(round_, unit, category: str = "") -> QuerySet[Nomination]:
    """The round's dossiers that left `unit` and still count against its quota (the list it
    sends up), for one category or all."""
    return Nomination.objects.filter(
        pk__in=_counting_steps(round_, unit, category).values("nomination_id")
    )


def quota_used(round_, unit, category: str = "") -> int:
    """How many of the round's dossiers count against `unit`'s quota, for one category or all."""
    return _counting_steps(round_, unit, category).count()


def step_counts(steps: QuerySet[ChainStep], *, by: str = "unit_id") -> dict[int, dict[str, dict]]:
    """Sent, counting (`used`) and waiting per unit (or per `by`, e.g. "nomination__round_id"
    for one unit's steps over several rounds) and nominee category of the given chain steps:
    one grouped query whose rows are the units and categories, not the dossiers."""
    counts: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in (
        steps.order_by()
        .values(by, "nomination__category")
        .annotate(
            sent=Count("pk", filter=SENT),
            used=Count("pk", filter=COUNTING),
            waiting=Count("pk", filter=WAITING),
            selected=Count("pk", filter=SELECTED),
        )
    ):
        counts[row[by]][row["nomination__category"]] = row
    return counts


def totals(by_category: dict[str, dict]) -> dict[str, int]:
    """A unit's counts over all categories."""
    return {m: sum(row.get(m, 0) for row in by_category.values()) for m in MEASURES}


def measure_of(by_category: dict[str, dict], category: str, measure: str) -> int:
    """One measure for the categories a quota of `category` counts ("" all, "individual" every
    individual category)."""
    categories = quota_categories(category)
    if categories is None:
        return totals(by_category)[measure]
    return sum(by_category.get(c, {}).get(measure, 0) for c in categories)


def quota_statuses(level_quotas, by_category, *, decides: bool = False) -> list[QuotaStatus]:
    """Each quota of the unit's level with what counts against it: what left the unit and
    still counts, or, for the deciding unit, what it selected."""
    measure = "selected" if decides else "used"
    return [
        QuotaStatus(q, measure_of(by_category, q.category, measure), decides=decides)
        for q in level_quotas
    ]


def target(quotas, level: str, *, decides: bool = False) -> int | None:
    """What a unit of `level` is expected to send in a round (for the deciding unit: to
    select): the sum of the targets of its level's quotas (`quotas` may hold other levels'); a
    school without one, one dossier; any other unit without one, and a deciding unit without
    one, no target."""
    targets = [q.min_target for q in quotas if q.level == level and q.min_target is not None]
    if targets:
        return sum(targets)
    if decides:
        return None
    return 1 if level == DEFAULT_TARGET_LEVEL else None


@dataclass(frozen=True)
class Standing:
    """Where a unit stands in a round against its quotas, its target and its deadline."""

    statuses: list[QuotaStatus]
    target: int | None
    met: bool | None  # None: no target
    shortfall: int  # what is missing of the target (per category where the quota has one)
    deadline: datetime.date | None
    overdue: bool


def standing(
    round_,
    unit,
    by_category: dict[str, dict],
    *,
    today: datetime.date,
    decides: bool = False,
    quotas=None,
) -> Standing:
    """`by_category` is the unit's entry of `step_counts`; `quotas` the round's quotas in the
    order to show them (by default as stored); the round brings its quotas and extensions
    prefetched. Met means every quota target of the level is reached, each with the
    dossiers of its own category (a collective target is not met by teachers), or, for the
    default target, with what counts; overdue means the deadline passed with the target unmet."""
    used = totals(by_category)["selected" if decides else "used"]
    quotas = round_.quotas.all() if quotas is None else quotas
    level_quotas = [q for q in quotas if q.level == unit.level]
    statuses = quota_statuses(level_quotas, by_category, decides=decides)
    goal = target(level_quotas, unit.level, decides=decides)
    with_target = [s for s in statuses if s.quota.min_target is not None]
    if goal is None:
        met, shortfall = None, 0
    elif with_target:
        met = all(s.target_met for s in with_target)
        shortfall = sum(max(s.quota.min_target - s.used, 0) for s in with_target)
    else:
        met, shortfall = used >= goal, max(goal - used, 0)
    deadline = deadline_for(round_, unit)
    overdue = deadline is not None and today > deadline and met is False
    return Standing(statuses, goal, met, shortfall, deadline, overdue)


def headline(rounds, unit, *, today: datetime.date) -> list[dict]:
    """The queue's first lines, one per round: the unit's deadline, days left, and each quota
    and target of its level with what counts against it (for the unit that decides the round:
    what it selected). The rounds bring deadlines, quotas, extensions and the campaign
    prefetched; one grouped count per round that has quotas for the unit's level."""
    lines = []
    days = [deadline_for(round_, unit) for round_ in rounds]
    counters = {}  # one per way of counting days, each reading the days off once
    for round_ in rounds:
        day = deadline_for(round_, unit)
        kind = round_.campaign.deadline_day_count
        if kind not in counters:
            counters[kind] = DaysLeft(today, kind, days)
        decides = unit.pk == round_.campaign.owner_unit_id
        level_quotas = [q for q in round_.quotas.all() if q.level == unit.level]
        statuses = []
        if level_quotas:
            counts = step_counts(ChainStep.objects.filter(unit=unit, nomination__round=round_))
            statuses = quota_statuses(level_quotas, counts.get(unit.pk, {}), decides=decides)
        everyone = quota_for(round_, unit.level, "")
        lines.append(
            {
                "round": round_,
                "deadline": day,
                # The quota for every category (the first line's words), and all of them.
                "status": next((s for s in statuses if s.quota is everyone), None),
                "statuses": statuses,
                "decides": decides,
                "days_left": counters[kind](day),
                "day_count": kind,
            }
        )
    return lines
