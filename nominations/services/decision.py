"""Decisions: one award or revocation decision, applied to each dossier it lists."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.text import clean_text
from core.validators import LONG_TEXT_MAX_CHARS, SHORT_TEXT_MAX_CHARS, validate_date
from criteria.selectors import authority_problem

from ..enums import Action
from ..models import Decision
from .base import TransitionError, require_sizes
from .transition import transition


@transaction.atomic
def decide(
    *, actor, nominations, action: str, number: str, signed_on, issuer: str, reason: str = ""
) -> Decision:
    """Record one decision (award or revocation) and apply it to each dossier it lists."""
    number, issuer = clean_text(number), clean_text(issuer)
    if not number or not signed_on or not issuer:
        raise TransitionError(_("Hãy nhập số, ngày và người ký quyết định."))
    require_sizes(
        (number, _("Số quyết định"), 64),
        (issuer, _("Người, cơ quan ký"), SHORT_TEXT_MAX_CHARS),
        (reason, _("Lý do"), LONG_TEXT_MAX_CHARS),
    )
    try:
        validate_date(signed_on, "record")
    except ValidationError as exc:
        raise TransitionError(exc.messages) from exc
    units = {n.deciding_unit_id for n in nominations}
    if len(units) != 1:
        raise TransitionError(_("Một quyết định chỉ gồm hồ sơ của cùng một đơn vị quyết định."))
    if action != Action.REVOKE:
        # The authority matrix on the day of signing: a commune cannot record a title only a
        # Sở director may grant.
        problems = {
            authority_problem(title=n.title, unit=n.deciding_unit, day=signed_on)
            for n in nominations
        } - {""}
        if problems:
            raise TransitionError(sorted(problems))
    decision = Decision.objects.create(
        unit=nominations[0].deciding_unit,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        is_revocation=action == Action.REVOKE,
        reason=clean_text(reason),
        created_by=actor,
    )
    for nomination in nominations:
        transition(
            actor=actor, nomination=nomination, action=action, reason=reason, decision=decision
        )
    return decision
