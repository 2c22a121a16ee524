"""Reads of the campaigns app: which campaigns a user sees or manages, the levels a campaign
runs through, the deadline a given unit sees and the quota that applies. The chain a dossier
climbs is `campaigns.chain`; how far a unit is in a round is `nominations.progress`."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from units.enums import ADMIN_ROLES, UnitLevel, levels_lowest_first
from units.models import Unit
from units.selectors import is_unrestricted, scope_paths

from .models import Campaign, Quota, Round

CAMPAIGN_ADMIN_ROLES = ADMIN_ROLES


def campaigns_managed_by(user) -> QuerySet[Campaign]:
    """Campaigns whose owner unit lies in the user's campaign-admin subtrees."""
    campaigns = Campaign.objects.filter(is_template=False).select_related("owner_unit")
    if is_unrestricted(user):
        return campaigns
    paths = scope_paths(user, roles=CAMPAIGN_ADMIN_ROLES)
    if not paths:
        return campaigns.none()
    condition = Q()
    for path in paths:
        condition |= Q(owner_unit__path__startswith=path)
    return campaigns.filter(condition)


def _ancestor_paths(path: str) -> list[str]:
    return [path[:i] for i in range(Unit.steplen, len(path) + 1, Unit.steplen)]


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns the user manages or takes part in: owned by a unit in their subtrees, or by a
    unit above them (a school sees its commune's, its Sở's and the ministry's campaigns)."""
    campaigns = Campaign.objects.filter(is_template=False).select_related("owner_unit")
    if is_unrestricted(user):
        return campaigns
    paths = scope_paths(user)
    if not paths:
        return campaigns.none()
    condition = Q(owner_unit__path__in={a for p in paths for a in _ancestor_paths(p)})
    for path in paths:
        condition |= Q(owner_unit__path__startswith=path)
    return campaigns.filter(condition)


def campaign_templates() -> QuerySet[Campaign]:
    return Campaign.objects.filter(is_template=True).order_by("name")


def campaign_levels(campaign: Campaign, *, on: datetime.date) -> list[str]:
    """The levels a nomination passes through in this campaign on a date, lowest first: the
    levels of the units active under the owner then, and the owner's own level. Sub-units
    nominate through their school, so they have no deadline of their own."""
    owner = campaign.owner_unit
    active = (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    levels = set(
        Unit.objects.filter(path__startswith=owner.path, depth__gt=owner.depth)
        .filter(active)
        .exclude(level=UnitLevel.SUBUNIT)
        .order_by()
        .values_list("level", flat=True)
        .distinct()
    )
    levels.add(owner.level)
    return levels_lowest_first(levels)


def period_levels(campaign: Campaign) -> list[str]:
    """The levels with deadlines at some point of the campaign: a campaign spanning 1/7/2025
    has district offices before and communes after."""
    return levels_lowest_first(
        campaign_levels(campaign, on=campaign.period_start)
        + campaign_levels(campaign, on=campaign.period_end)
    )


def deadline_for(round_: Round, unit: Unit) -> datetime.date | None:
    """The deadline `unit` sees in a round: its own extension, else its level's deadline."""
    extension = next((e for e in round_.extensions.all() if e.unit_id == unit.pk), None)
    if extension is not None:
        return extension.deadline
    return next((d.deadline for d in round_.deadlines.all() if d.level == unit.level), None)


def closes_at(day: datetime.date) -> datetime.datetime:
    """A window closes at the end of the deadline day in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def rounds_of(campaign: Campaign) -> QuerySet[Round]:
    return campaign.rounds.prefetch_related("deadlines", "quotas", "extensions__unit")


@dataclass(frozen=True)
class QuotaStatus:
    quota: Quota
    used: int
    decides: bool = False  # the deciding unit: `used` is what it selected

    @property
    def target_met(self) -> bool | None:
        return None if self.quota.min_target is None else self.used >= self.quota.min_target

    @property
    def label(self) -> str:
        parts = []
        if self.decides and self.quota.min_target is not None:
            return _("đã chọn %(used)s, chỉ tiêu ít nhất %(min)s: %(state)s") % {
                "used": self.used,
                "min": self.quota.min_target,
                "state": _("đã đạt")
                if self.target_met
                else _("còn thiếu %(n)s") % {"n": self.quota.min_target - self.used},
            }
        if self.quota.max_forward is not None:
            parts.append(
                _("Đã chuyển %(used)s/%(max)s") % {"used": self.used, "max": self.quota.max_forward}
            )
        if self.quota.min_target is not None:
            parts.append(
                _("chỉ tiêu ít nhất %(min)s: %(state)s")
                % {
                    "min": self.quota.min_target,
                    "state": _("đã đạt")
                    if self.target_met
                    else _("còn thiếu %(n)s") % {"n": self.quota.min_target - self.used},
                }
            )
        return "; ".join(parts)

    @property
    def full_label(self) -> str:
        """The label with whom the quota counts: "Tập thể: đã chọn 3, chỉ tiêu ít nhất 10: ..."."""
        if not self.quota.category:
            return self.label
        return f"{self.quota.get_category_display()}: {self.label}"


def quota_for(round_: Round, level: str, category: str) -> Quota | None:
    """The quota that applies: the category's own, else the one for all categories."""
    quotas = [q for q in round_.quotas.all() if q.level == level]
    return next((q for q in quotas if q.category == category), None) or next(
        (q for q in quotas if not q.category), None
    )


@dataclass(frozen=True)
class OpenRound:
    """A round a unit can still create dossiers in: its deadline (the unit's own, else that of
    the nearest unit above it that has one, as campaigns.chain.deadline_in_chain) has not
    passed. `open` is False while the round has not opened yet (a draft may wait for it)."""

    round: Round
    deadline: datetime.date
    open: bool


def rounds_open_to(campaign: Campaign, unit: Unit, *, today=None) -> list[OpenRound]:
    """The campaign's rounds `unit` can still submit to, the open ones first, each group by
    nearest deadline. Two queries: the unit's ancestors and the rounds with their deadlines."""
    today = today or timezone.localdate()
    above = sorted(
        Unit.objects.filter(path__in=_ancestor_paths(unit.path)).exclude(pk=unit.pk),
        key=lambda u: -len(u.path),
    )
    rows = []
    for round_ in rounds_of(campaign):
        day = next((d for u in [unit, *above] if (d := deadline_for(round_, u)) is not None), None)
        if day is not None and day >= today:
            rows.append(OpenRound(round_, day, round_.opens_on <= today))
    return sorted(rows, key=lambda r: (not r.open, r.deadline, r.round.opens_on))
