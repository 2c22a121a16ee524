"""Reads of the criteria app, scoped like everything else."""

from django.db.models import Prefetch, Q, QuerySet

from units.selectors import is_unrestricted, scope_paths

from .models import AchievementRecord, CriteriaSet, EligibilityRule, RuleVersion, Title


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
        Prefetch("versions", queryset=RuleVersion.objects.order_by("effective_from"))
    )


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
