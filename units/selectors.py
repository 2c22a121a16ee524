"""Reads about units, people and memberships, always scoped to what the user may see.

Every view starts from these, so that what a user may not see is simply absent (a 404), never a
403 that confirms it exists. A role held at a unit reaches that unit's whole subtree: a school
sees itself and its sub-units; a Sở sees every school below it; nobody sees a sibling.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.functional import empty

from .models import Membership, Person, Unit, UnitMove


def live_memberships() -> QuerySet[Membership]:
    """Roles that count today: the membership and its user both active (who gets notices)."""
    return Membership.objects.filter(is_active=True, user__is_active=True)


def memberships_of(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("unit")
        .order_by("unit__path", "role")
    )


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths that lie inside another one: their subtree is already covered."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


def _request_cache(user) -> dict:
    """Where a request's reads about the user are kept: the user object's own __dict__. Through
    request.user, a SimpleLazyObject, that is the wrapped user's: the proxy's __dict__ is its
    own (attribute writes go to the wrapped user, so checking one and writing the other never
    hit), and a view passes the proxy while a permission check in a template (`perms`) gets
    the wrapped user: caching on the proxy cost every page a second query."""
    while "_wrapped" in user.__dict__:  # django-otp wraps the lazy user of the auth middleware
        if user.__dict__["_wrapped"] is empty:
            user._setup()
        user = user.__dict__["_wrapped"]
    return user.__dict__


def _memberships(user) -> list[tuple[str, str]]:
    """(role, unit path) of the user's active memberships, cached on the user object, which
    lives for one request, so that the many permission checks of a page cost one query."""
    cache = _request_cache(user)
    if "_memberships_cache" not in cache:
        cache["_memberships_cache"] = list(
            Membership.objects.filter(user=user, is_active=True).values_list("role", "unit__path")
        )
    return cache["_memberships_cache"]


def scope_paths(user, *, roles: Iterable[str] | None = None) -> tuple[str, ...]:
    """Tree paths of the units whose subtrees the user reaches (with one of `roles`, if given)."""
    if not user.is_authenticated or not user.is_active:
        return ()
    key = frozenset(roles) if roles is not None else None
    cache = _request_cache(user).setdefault("_scope_paths_cache", {})
    if key not in cache:
        cache[key] = _outermost(
            path for role, path in _memberships(user) if key is None or role in key
        )
    return cache[key]


def membership_paths(user) -> set[str]:
    """The paths of every unit the user holds a role at (not only the outermost ones)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return {path for _role, path in _memberships(user)}


def has_role_at(user, unit, role: str) -> bool:
    """A role held at exactly this unit: what acting *for* a unit in a workflow requires."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (role, unit.path) in _memberships(user)


def is_unrestricted(user) -> bool:
    """System administrators maintain the whole tree and see everything."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def scope_q(user, *, field: str = "path", roles: Iterable[str] | None = None) -> Q | None:
    """A filter on `field` (a unit path) that keeps the user's subtrees; None means nothing."""
    if is_unrestricted(user):
        return Q()
    paths = scope_paths(user, roles=roles)
    if not paths:
        return None
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def units_visible_to(user, *, roles: Iterable[str] | None = None) -> QuerySet[Unit]:
    condition = scope_q(user, roles=roles)
    if condition is None:
        return Unit.objects.none()
    return Unit.objects.filter(condition)


def people_visible_to(user, *, roles: Iterable[str] | None = None) -> QuerySet[Person]:
    condition = scope_q(user, field="unit__path", roles=roles)
    if condition is None:
        return Person.objects.none()
    return Person.objects.filter(condition).select_related("unit")


def unit_in_scope(user, unit: Unit, *, roles: Iterable[str] | None = None) -> bool:
    if is_unrestricted(user):
        return True
    return any(unit.path.startswith(path) for path in scope_paths(user, roles=roles))


def unit_breadcrumbs(user, unit: Unit) -> list[Unit]:
    """The unit's ancestors that the user may see, top first, then the unit: one query."""
    ancestors = [a for a in Unit.objects.get_ancestors(unit) if unit_in_scope(user, a)]
    return [*ancestors, unit]


def unit_children(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.get_children(unit).order_by("level", "name")


def unit_level_counts(unit: Unit) -> dict[str, int]:
    """How many units of each level lie under `unit` (itself excluded): one grouped query."""
    rows = (
        Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth)
        .order_by()  # the model's ordering (path) would otherwise join the GROUP BY
        .values("level")
        .annotate(n=Count("pk"))
    )
    return {row["level"]: row["n"] for row in rows}


def placements_of(person):
    """Where the person worked and when, most recent first."""
    return person.placements.select_related("unit").order_by("-joined_on", "-pk")


def parent_on(unit, day: datetime.date):
    """The unit's parent as the tree stood on `day`: the `from_parent` of its first move after
    that day, or else today's parent."""
    later = (
        UnitMove.objects.filter(unit=unit, moved_on__gt=day)
        .select_related("from_parent")
        .order_by("moved_on")
        .first()
    )
    if later is not None:
        return later.from_parent
    return Unit.objects.get_parent(unit)
