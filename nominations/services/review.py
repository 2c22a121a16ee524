"""Reviews: the holder's approvers score a dossier and comment on it."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.concurrency import bump_version
from core.validators import LONG_TEXT_MAX_CHARS

from ..enums import EventKind
from ..models import Nomination, Review
from ..workflow import REVIEWING
from .base import event, require_sizes


@transaction.atomic
def review_save(
    *, actor, nomination: Nomination, scores: dict, comment: str = "", comment_visible: bool = False
) -> Review:
    """Score a dossier waiting at the reviewer's unit: per criterion, within its maximum, weighted
    by the criteria set."""
    # Locked: two reviewers saving at once would each average without the other's score.
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if not REVIEWING.permission.test(actor, nomination):
        raise PermissionDenied
    require_sizes((comment, _("Nhận xét"), LONG_TEXT_MAX_CHARS))
    criteria = {c.pk: c for c in nomination.criteria_set.criteria.all()}
    total, clean = Decimal(0), {}
    for key, value in scores.items():
        criterion = criteria.get(int(key))
        if criterion is None or value is None:
            continue
        value = Decimal(str(value))
        if not 0 <= value <= criterion.max_score:
            raise ValidationError(
                _("Điểm tiêu chí số %(n)s phải từ 0 đến %(max)s.")
                % {"n": criterion.order, "max": criterion.max_score}
            )
        clean[str(criterion.pk)] = str(value)
        total += value * criterion.weight
    review, _created = Review.objects.update_or_create(
        nomination=nomination,
        unit=nomination.current_unit,
        reviewer=actor,
        defaults={
            "scores": clean,
            "total": total,
            "comment": comment.strip(),
            "comment_visible": comment_visible,
        },
    )
    totals = list(
        Review.objects.filter(nomination=nomination, unit=nomination.current_unit).values_list(
            "total", flat=True
        )
    )
    # A new score reorders the queue the reviewer acted on: the version tells a page read before
    # it, and a save (not a bulk update) lets the dashboards' cache hear of the change.
    nomination.score = sum(totals) / len(totals)
    bump_version(nomination)
    # `updated_at` stays: the lists' "newest first" means a change of content or place.
    nomination.save(update_fields=["score", "version"])
    event(
        nomination,
        actor=actor,
        kind=EventKind.SCORED,
        data={
            "total": str(total),
            "unit": nomination.current_unit.code,
            "visible": comment_visible,
        },
    )
    return review
