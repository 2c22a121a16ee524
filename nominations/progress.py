"""How far a unit is in a round: what it sent, what counts against its quota, what waits at it,
what it is expected to send. One definition, read by the queue headline, the dashboards, the
reminder sweep, the yearly report, the printed lists and the transition's quota guard. The
conditions themselves are `querysets.SENT`, `COUNTING` and `WAITING`; the deadline a unit sees
(its extension, else its level's) is `campaigns.selectors.deadline_for`."""

from collections import defaultdict

from django.db.models import Count, QuerySet

from units.enums import UnitLevel

from .models import ChainStep, Nomination
from .querysets import COUNTING, SENT, WAITING

MEASURES = ("sent", "used", "waiting")
# A school with no quota target is still expected to send one dossier a round. Sub-units are not:
# they nominate through their school and work to its deadline (DESIGN.md §2, campaigns), so a
# subject team that sends nothing leaves its school short, not itself.
DEFAULT_TARGET_LEVEL = UnitLevel.SCHOOL


def _counting_steps(round_, unit, category: str) -> QuerySet[ChainStep]:
    steps = ChainStep.objects.filter(unit=unit, nomination__round=round_).counting()
    return steps.filter(nomination__category=category) if category else steps


def counting_against(round_, unit, category: str = "") -> QuerySet[Nomination]:
    """The round's dossiers that left `unit` and still count against its quota (the list it
    sends up), for one category or all."""
    return Nomination.objects.filter(
        pk__in=_counting_steps(round_, unit, category).values("nomination_id")
    )


def quota_used(round_, unit, category: str = "") -> int:
    """How many of the round's dossiers count against `unit`'s quota, for one category or all."""
    return _counting_steps(round_, unit, category).count()


def step_counts(steps: QuerySet[ChainStep]) -> dict[int, dict[str, dict]]:
    """Sent, counting (`used`) and waiting per unit and nominee category of the given chain
    steps: one grouped query whose rows are the units and categories, not the dossiers."""
    counts: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in (
        steps.order_by()
        .values("unit_id", "nomination__category")
        .annotate(
            sent=Count("pk", filter=SENT),
            used=Count("pk", filter=COUNTING),
            waiting=Count("pk", filter=WAITING),
        )
    ):
        counts[row["unit_id"]][row["nomination__category"]] = row
    return counts


def totals(by_category: dict[str, dict]) -> dict[str, int]:
    """A unit's counts over all categories."""
    return {m: sum(row[m] for row in by_category.values()) for m in MEASURES}


def target(quotas, level: str, *, decides: bool = False) -> int | None:
    """What a unit of `level` is expected to send in a round: the sum of the targets of its
    level's quotas (`quotas` may hold other levels'); a school without one, one dossier; any
    other unit without one, and the deciding unit (it sends nothing up), no target."""
    if decides:
        return None
    targets = [q.min_target for q in quotas if q.level == level and q.min_target is not None]
    if targets:
        return sum(targets)
    return 1 if level == DEFAULT_TARGET_LEVEL else None
