"""The council: sessions of the deciding unit and their votes on dossiers."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.validators import LONG_TEXT_MAX_CHARS, validate_date

from ..enums import EventKind, State, ThresholdBasis
from ..models import CouncilSession, CouncilVote, Nomination
from ..rules import is_secretary_of_unit
from .base import event, require_sizes


def vote_passes(
    *, votes_for: int, present: int, total: int, percent, basis: str, strict: bool
) -> bool:
    base = present if basis == ThresholdBasis.PRESENT else total
    if base == 0:
        return False
    left, right = Decimal(votes_for) * 100, Decimal(str(percent)) * base
    return left > right if strict else left >= right


@transaction.atomic
def council_session_create(*, actor, unit, round_, **fields) -> CouncilSession:
    if not is_secretary_of_unit.test(actor, unit):
        raise PermissionDenied
    require_sizes((fields.get("member_names"), _("Thành viên có mặt"), LONG_TEXT_MAX_CHARS))
    validate_date(fields.get("held_on"), "event")
    session = CouncilSession(unit=unit, round=round_, recorded_by=actor, **fields)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def council_vote_record(
    *,
    actor,
    session: CouncilSession,
    nomination: Nomination,
    votes_for: int,
    votes_against: int,
    votes_abstain: int = 0,
) -> CouncilVote:
    if not is_secretary_of_unit.test(actor, session.unit):
        raise PermissionDenied
    if (
        nomination.deciding_unit_id != session.unit_id
        or nomination.state != State.UNDER_REVIEW
        or nomination.current_unit_id != session.unit_id
    ):
        raise ValidationError(_("Chỉ bỏ phiếu cho hồ sơ đang chờ duyệt tại đơn vị quyết định."))
    if votes_for + votes_against + votes_abstain > session.members_present:
        raise ValidationError(
            _("Tổng số phiếu (%(n)s) vượt số thành viên có mặt (%(p)s).")
            % {"n": votes_for + votes_against + votes_abstain, "p": session.members_present}
        )
    passed = vote_passes(
        votes_for=votes_for,
        present=session.members_present,
        total=session.members_total,
        percent=session.threshold_percent,
        basis=session.threshold_basis,
        strict=session.threshold_strict,
    )
    vote, _created = CouncilVote.objects.update_or_create(
        session=session,
        nomination=nomination,
        defaults={
            "votes_for": votes_for,
            "votes_against": votes_against,
            "votes_abstain": votes_abstain,
            "passed": passed,
        },
    )
    event(
        nomination,
        actor=actor,
        kind=EventKind.VOTED,
        data={
            "for": votes_for,
            "against": votes_against,
            "abstain": votes_abstain,
            "passed": passed,
            "session": session.held_on.isoformat(),
        },
    )
    return vote
