"""Reads of nominations. Every view starts here: what a user may not see is a 404.

A unit sees a dossier once it has reached that unit (or a unit of its subtree) in the dossier's
chain, and keeps seeing it after; a unit above that it never reached does not see it yet, and a
sibling never does.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from units.selectors import is_unrestricted, scope_paths

from .enums import State
from .models import ChainStep, Nomination

LIST_RELATED = (
    "campaign",
    "round",
    "title",
    "nominee_person",
    "nominee_unit",
    "nominating_unit",
    "current_unit",
    "deciding_unit",
)


def nominations_visible_to(user) -> QuerySet[Nomination]:
    nominations = Nomination.objects.select_related(*LIST_RELATED)
    if is_unrestricted(user):
        return nominations
    paths = scope_paths(user)
    if not paths:
        return nominations.none()
    in_scope = Q()
    for path in paths:
        in_scope |= Q(unit__path__startswith=path)
    reached = ChainStep.objects.filter(
        in_scope, nomination=OuterRef("pk"), position__lte=OuterRef("max_position")
    )
    return nominations.filter(Exists(reached))


def with_duplicate_counts(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Annotate how many other live dossiers of the same round name the same nominee."""
    others = (
        Nomination.objects.filter(round=OuterRef("round"), nominee_key=OuterRef("nominee_key"))
        .exclude(pk=OuterRef("pk"))
        .exclude(state=State.WITHDRAWN)
    )
    return nominations.annotate(has_duplicates=Exists(others))


def waiting_at(unit) -> QuerySet[Nomination]:
    return Nomination.objects.filter(current_unit=unit, state=State.UNDER_REVIEW)


def state_counts(nominations: QuerySet[Nomination]) -> dict[str, int]:
    return dict(nominations.order_by().values_list("state").annotate(n=Count("pk")))


def timeline(nomination: Nomination):
    return nomination.events.select_related("actor", "from_unit", "to_unit").order_by(
        "created_at", "pk"
    )
