"""Dashboards: a unit's dossiers of a campaign at a glance, and how its sub-units are doing in a
round. Every number is a grouped query in the database; the number of queries depends neither
on the number of dossiers nor on the number of units.

**What is counted.** Only dossiers the viewer may open (`nominations_visible_to`): a dashboard
shows no number that its reader could not check in the lists. A unit above does not count the
drafts of the units below, nor dossiers that have not reached it yet (DESIGN.md §3). Of those,
the breakdowns and the trend count the dossiers nominated in the chosen unit's subtree; the
completion table counts, for each unit, the dossiers whose chain runs through it.

- *by state, category, title*: the dossier's state, its nominee category, the title sought;
- *by level*: the level of the unit holding the dossier now (`current_unit`);
- *trend*, per round of the campaign: all dossiers; "sent up" = left their nominating unit at
  least once (`max_position >= 1`) and not withdrawn; "recognised" = a decision was recorded;
- *completion*, per unit: sent, counting and waiting as `nominations.progress` defines them (the
  reminders and the quota guard count the same); the quota is shown through `QuotaStatus` with
  the counting number; the deadline is `deadline_for` (the unit's extension, else its level's).
  The target is `nominations.progress.target`, met when every quota target of the unit's level
  is reached; a school without a target is expected to send one dossier. Overdue = the deadline
  has passed and the target is not met. Laggards first: overdue, then behind, then no target,
  then done; within each, the largest shortfall, then the fewest counting.

**Caching.** The numbers of one dashboard (unit, campaign, round, day) are cached for
`DASHBOARD_CACHE_SECONDS` (60 s by default) under a key that also holds the viewer's scope (the
paths of the units they hold roles at, or "all" for a system administrator): two people share an
entry only if they see exactly the same dossiers, so nothing leaks across scopes. Any save or
delete of a dossier, quota, deadline, extension, round, campaign or unit changes a
global version on commit, which retires every entry at once; bulk `update()`s bypass signals,
and for them the short lifetime bounds how stale a number can be.
"""

import datetime
import hashlib
import logging
import uuid
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, Extension, Quota, Round, RoundDeadline
from campaigns.selectors import campaigns_visible_to
from campaigns.workdays import DaysLeft
from nominations.enums import State
from nominations.models import ChainStep, Nomination
from nominations.progress import standing, step_counts, totals
from nominations.selectors import nominations_visible_to
from units.enums import UnitLevel, levels_lowest_first
from units.models import Unit
from units.selectors import is_unrestricted, membership_paths

logger = logging.getLogger(__name__)
VERSION_KEY = "dashboard:version"
STATUS_ORDER = {"overdue": 0, "behind": 1, "none": 2, "done": 3}
ALL_ROUNDS = "tat-ca"


def cache_seconds() -> int:
    return getattr(settings, "DASHBOARD_CACHE_SECONDS", 60)


# --- choosing what to show -------------------------------------------------------------------
@dataclass
class Selection:
    unit: Unit
    campaigns: list[Campaign]
    campaign: Campaign | None
    round: Round | None  # None with a campaign: the whole campaign

    @property
    def round_value(self) -> str:
        return str(self.round.pk) if self.round else ALL_ROUNDS


def campaigns_covering(user, unit: Unit) -> list[Campaign]:
    """The campaigns the user sees that concern the unit: owned by it or a unit above it (it
    takes part), or by a unit below it (it oversees them). Rounds and their deadlines come
    along, oldest round first: three queries."""
    above = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    rounds = Round.objects.prefetch_related("deadlines").order_by("opens_on", "pk")
    return list(
        campaigns_visible_to(user)
        .filter(Q(owner_unit__path__in=above) | Q(owner_unit__path__startswith=unit.path))
        .prefetch_related(Prefetch("rounds", queryset=rounds))
        .order_by("-period_start", "name")
    )


def round_closes(round_: Round) -> datetime.date:
    """The last deadline of the round (its window), or its opening day when it has none."""
    return max((d.deadline for d in round_.deadlines.all()), default=round_.opens_on)


def default_round(campaigns: list[Campaign], unit: Unit, today: datetime.date):
    """(campaign, round) to show first. Among the rounds of open campaigns whose window includes
    today: the one whose deadline for the unit's level comes first and has not passed (rounds
    overlap: a commune still forwards quarter 1 while quarter 2 is open for schools); else the
    latest of them; else the latest round that has opened; else the first one. Campaigns the
    unit takes part in come before those it oversees."""
    pairs = [(c, r) for c in campaigns for r in c.rounds.all()]
    if not pairs:
        return (campaigns[0], None) if campaigns else (None, None)

    def takes_part(campaign) -> bool:
        return unit.path.startswith(campaign.owner_unit.path)

    def level_deadline(round_):
        return next((d.deadline for d in round_.deadlines.all() if d.level == unit.level), None)

    current = [
        (c, r)
        for c, r in pairs
        if c.status == CampaignStatus.OPEN and r.opens_on <= today <= round_closes(r)
    ]
    due = [(c, r) for c, r in current if (level_deadline(r) or datetime.date.min) >= today]
    if due:
        return min(due, key=lambda p: (not takes_part(p[0]), level_deadline(p[1]), p[1].pk))
    opened = current or [(c, r) for c, r in pairs if r.opens_on <= today]
    if opened:
        return max(opened, key=lambda p: (takes_part(p[0]), p[1].opens_on, p[1].pk))
    return min(pairs, key=lambda p: (p[1].opens_on, p[1].pk))


def select(user, unit: Unit, *, campaign_code: str, round_value: str, today) -> Selection:
    """The campaign and round asked for in the query string, else the default. A campaign code
    the user does not see, or one that does not concern the unit, raises LookupError (a 404). A
    round that is not one of the campaign's falls back to the default: the page's two menus are
    submitted together, so changing the campaign sends the previous campaign's round."""
    campaigns = campaigns_covering(user, unit)
    if not campaign_code:
        round_ = next(
            (r for c in campaigns for r in c.rounds.all() if str(r.pk) == round_value), None
        )
        if round_ is not None:
            return Selection(unit, campaigns, round_.campaign, round_)
        campaign, round_ = default_round(campaigns, unit, today)
        return Selection(unit, campaigns, campaign, round_)
    campaign = next((c for c in campaigns if c.code == campaign_code), None)
    if campaign is None:
        raise LookupError(campaign_code)
    if round_value == ALL_ROUNDS:
        return Selection(unit, campaigns, campaign, None)
    round_ = next((r for r in campaign.rounds.all() if str(r.pk) == round_value), None)
    if round_ is None:
        _campaign, round_ = default_round([campaign], unit, today)
    return Selection(unit, campaigns, campaign, round_)


# --- the numbers ------------------------------------------------------------------------------
def _dossiers(user, unit: Unit, campaign: Campaign, round_: Round | None) -> QuerySet:
    """What the breakdowns count: visible dossiers nominated in the unit's subtree."""
    dossiers = nominations_visible_to(user).filter(
        campaign=campaign, nominating_unit__path__startswith=unit.path
    )
    return dossiers.filter(round=round_) if round_ is not None else dossiers


def breakdown(user, unit: Unit, campaign: Campaign, round_: Round | None) -> dict:
    """Counts by state, level (of the unit holding the dossier), category and title, from one
    grouped query whose rows are the combinations present (a few dozen), not the dossiers."""
    rows = (
        _dossiers(user, unit, campaign, round_)
        .order_by()
        .values("state", "current_unit__level", "category", "title_id", "title__name")
        .annotate(title_order=Max("title__order"), n=Count("pk"))
    )
    states, levels, categories = Counter(), Counter(), Counter()
    titles: dict[int, list] = {}
    for row in rows:
        n = row["n"]
        states[row["state"]] += n
        levels[row["current_unit__level"]] += n
        categories[row["category"]] += n
        entry = titles.setdefault(row["title_id"], [row["title__name"], row["title_order"], 0])
        entry[2] += n
    category_codes = list(campaign.categories) + sorted(set(categories) - set(campaign.categories))
    return {
        "total": sum(states.values()),
        "state": [(code, states[code]) for code in State.values],
        "level": [(code, levels[code]) for code in levels_lowest_first(levels)],
        "category": [(code, categories[code]) for code in category_codes],
        "title": [
            (name, n)
            for name, _order, n in sorted(titles.values(), key=lambda t: (-t[2], t[1], t[0]))
        ],
    }


def trend(user, unit: Unit, campaign: Campaign) -> list[dict]:
    """Per round of the campaign, oldest first: dossiers, sent up, recognised. One query."""
    counts = {
        row["round_id"]: row
        for row in _dossiers(user, unit, campaign, None)
        .order_by()
        .values("round_id")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(max_position__gte=1) & ~Q(state=State.WITHDRAWN)),
            recognised=Count("pk", filter=Q(state=State.RECOGNISED)),
        )
    }
    return [
        {
            "round_id": r.pk,
            "name": r.name,
            "opens_on": r.opens_on,
            "total": counts.get(r.pk, {}).get("total", 0),
            "sent": counts.get(r.pk, {}).get("sent", 0),
            "recognised": counts.get(r.pk, {}).get("recognised", 0),
        }
        for r in campaign.rounds.all()
    ]


def _children(unit: Unit, round_: Round) -> list[Unit]:
    """The units directly below, active at some time of the round; sub-units nominate through
    their school and have no deadline of their own."""
    closes = round_closes(round_)
    return list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .exclude(level=UnitLevel.SUBUNIT)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=closes))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=round_.opens_on))
        .only("pk", "code", "name", "level", "path", "depth")
        .order_by("name", "pk")
    )


def _row(unit, counts, quotas, round_, today, left, *, decides: bool) -> dict:
    by_category = counts.get(unit.pk, {})
    sent, used, waiting, _selected = totals(by_category).values()
    state = standing(round_, unit, by_category, today=today, decides=decides, quotas=quotas)
    target, shortfall, deadline = state.target, state.shortfall, state.deadline
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "sent": sent,
        "used": used,
        "waiting": waiting,
        "quotas": [
            (s.quota.category, s.quota.max_forward, s.quota.min_target, s.used, s.decides)
            for s in state.statuses
        ],
        "target": target,
        # Of the target, how much is reached (a collective target is not met by teachers).
        "reached": target - shortfall if target is not None else None,
        "deadline": deadline,
        "extended": any(e.unit_id == unit.pk for e in round_.extensions.all()),
        "days_left": left(deadline),
        "day_count": left.day_count,
        "met": state.met,
        "overdue": state.overdue,
        "shortfall": shortfall,
        "status": "overdue"
        if state.overdue
        else {False: "behind", True: "done", None: "none"}[state.met],
    }


def completion(user, unit: Unit, round_: Round, today: datetime.date) -> dict:
    """The unit's own line and one line per unit directly below it, laggards first. Four
    queries whatever the number of units: quotas, extensions, the units, the grouped counts."""
    campaign = round_.campaign
    if not unit.path.startswith(campaign.owner_unit.path):
        return {"own": None, "children": [], "outside": True}
    order = {code: i for i, code in enumerate(campaign.categories)}
    # The quota for every category first, then the campaign's categories in its own order.
    quotas = sorted(
        round_.quotas.all(), key=lambda q: (q.category != "", order.get(q.category, 99))
    )
    units = [unit, *_children(unit, round_)]
    visible = nominations_visible_to(user).filter(round=round_).values("pk")
    counts = step_counts(
        ChainStep.objects.filter(unit_id__in=[u.pk for u in units], nomination__in=visible)
    )
    # Days left as the campaign counts them: with working days, one query per distinct deadline.
    left = DaysLeft(
        today,
        campaign.deadline_day_count,
        [d.deadline for d in round_.deadlines.all()]
        + [e.deadline for e in round_.extensions.all()],
    )
    own = _row(unit, counts, quotas, round_, today, left, decides=unit.pk == campaign.owner_unit_id)
    children = [
        _row(child, counts, quotas, round_, today, left, decides=False) for child in units[1:]
    ]
    children.sort(key=lambda r: (STATUS_ORDER[r["status"]], -r["shortfall"], r["used"], r["name"]))
    return {"own": own, "children": children, "outside": False}


def _scope_token(user) -> str:
    if is_unrestricted(user):
        return "all"
    paths = ",".join(sorted(membership_paths(user)))
    return hashlib.sha256(paths.encode()).hexdigest()[:20]


def _cached(method: str, *args, default=None):
    """The cache is an optimisation: when it is down (Redis restarting), the page is computed
    from the database and a write after a dossier's commit does not fail the request."""
    try:
        return getattr(cache, method)(*args)
    except Exception:
        logger.warning("dashboard cache unavailable for %s", method, exc_info=True)
        return default


def _version() -> str | None:
    version = _cached("get", VERSION_KEY)
    if version is None:
        _cached("add", VERSION_KEY, uuid.uuid4().hex, None)
        version = _cached("get", VERSION_KEY)
    return version


def dashboard_numbers(user, selection: Selection, *, today: datetime.date) -> dict:
    """Everything the page, the workbook and the PDF show, as plain data (codes, not labels, so
    one cache entry serves both languages), cached as the module docstring explains."""
    unit, campaign, round_ = selection.unit, selection.campaign, selection.round
    if campaign is None:
        return {"breakdown": None, "trend": [], "completion": None}
    version = _version()
    seconds = cache_seconds() if version is not None else 0
    key = (
        f"dashboard:{version}:{_scope_token(user)}:{unit.pk}:{campaign.pk}:"
        f"{round_.pk if round_ else ALL_ROUNDS}:{today.isoformat()}"
    )
    if seconds:
        cached = _cached("get", key)
        if cached is not None:
            return cached
    if round_ is not None:
        # The round came with its deadlines; the completion table needs these two as well.
        prefetch_related_objects([round_], "quotas", "extensions")
    numbers = {
        "breakdown": breakdown(user, unit, campaign, round_),
        "trend": trend(user, unit, campaign),
        "completion": completion(user, unit, round_, today) if round_ is not None else None,
    }
    if seconds:
        _cached("set", key, numbers, seconds)
    return numbers


def today() -> datetime.date:
    return timezone.localdate()


# --- invalidation -----------------------------------------------------------------------------
def retire_now() -> None:
    """Retire every cached dashboard at once."""
    _cached("set", VERSION_KEY, uuid.uuid4().hex, None)


def _retire(**_kwargs) -> None:
    # On commit: retiring earlier would let a request cache the old numbers under the new
    # version in between.
    transaction.on_commit(retire_now)


WATCHED = (Nomination, Quota, RoundDeadline, Extension, Round, Campaign, Unit)


def connect_signals() -> None:
    """Called from ReportingConfig.ready()."""
    for model in WATCHED:
        post_save.connect(_retire, sender=model, dispatch_uid=f"dashboard-save-{model.__name__}")
        post_delete.connect(
            _retire, sender=model, dispatch_uid=f"dashboard-delete-{model.__name__}"
        )
