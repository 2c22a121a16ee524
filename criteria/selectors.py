"""Reads of the criteria app, scoped like everything else."""

from django.db.models import Prefetch, Q, QuerySet

from units.selectors import is_unrestricted, scope_paths

from .models import (
    AchievementRecord,
    CriteriaSet,
    EligibilityRule,
    GrantingAuthority,
    RuleVersion,
    Title,
)


def titles_active() -> QuerySet[Title]:
    return Title.objects.filter(is_active=True)


def criteria_sets_visible_to(user) -> QuerySet[CriteriaSet]:
    """National templates, and the sets owned by units on the user's paths (their own units, the
    units above them, and the units below them)."""
    sets = CriteriaSet.objects.select_related("owner_unit")
    if is_unrestricted(user):
        return sets
    condition = Q(owner_unit__isnull=True)
    for path in scope_paths(user):
        condition |= Q(owner_unit__path__startswith=path)
        ancestors = [path[:i] for i in range(4, len(path), 4)]
        if ancestors:
            condition |= Q(owner_unit__path__in=ancestors)
    return sets.filter(condition)


def criteria_templates_for(user, *, category=None) -> QuerySet[CriteriaSet]:
    templates = criteria_sets_visible_to(user).filter(frozen_at__isnull=True)
    return templates.filter(category=category) if category else templates


def rules_with_versions(queryset=None) -> QuerySet[EligibilityRule]:
    rules = queryset if queryset is not None else EligibilityRule.objects.all()
    return rules.select_related("title").prefetch_related(
        Prefetch(
            "versions",
            queryset=RuleVersion.objects.order_by("effective_from").prefetch_related("sources"),
        )
    )


def authorities_on(title, day) -> list[GrantingAuthority]:
    """The lines of the authority matrix for `title` in force on `day`."""
    return [
        line
        for line in GrantingAuthority.objects.filter(title=title).select_related("source")
        if line.in_force_on(day)
    ]


def granting_levels(title, day) -> set[str]:
    """The unit levels whose head may grant `title` on `day`."""
    return {line.level for line in authorities_on(title, day)}


def authority_problem(*, title, unit, day) -> str:
    """Why the head of `unit` may not grant `title` on `day` (empty when it may)."""
    from django.utils.translation import gettext as _

    from units.enums import UnitLevel

    levels = granting_levels(title, day)
    if unit.level in levels:
        return ""
    return _(
        "%(unit)s (%(level)s) không có thẩm quyền tặng “%(title)s” vào ngày %(day)s; theo "
        "ma trận thẩm quyền chỉ cấp: %(levels)s."
    ) % {
        "unit": unit.name,
        "level": UnitLevel(unit.level).label,
        "title": title.name,
        "day": day.strftime("%d/%m/%Y"),
        "levels": ", ".join(str(UnitLevel(level).label) for level in UnitLevel if level in levels)
        or "—",
    }


def history_of_person(person) -> QuerySet[AchievementRecord]:
    return person.achievements.select_related("title").order_by("-year", "kind", "pk")


def history_of_unit(unit) -> QuerySet[AchievementRecord]:
    from .eligibility import history_unit_ids

    return (
        AchievementRecord.objects.filter(unit_id__in=history_unit_ids(unit))
        .select_related("title", "unit")
        .order_by("-year", "kind", "pk")
    )


def records_visible_to(user) -> QuerySet[AchievementRecord]:
    records = AchievementRecord.objects.select_related("title", "person__unit", "unit")
    if is_unrestricted(user):
        return records
    condition = Q(pk__in=[])
    for path in scope_paths(user):
        condition |= Q(person__unit__path__startswith=path) | Q(unit__path__startswith=path)
    return records.filter(condition)
