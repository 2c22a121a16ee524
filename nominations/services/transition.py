"""The transition: the only code that changes a dossier's state.

`transition()` locks the row, finds the table's row (workflow.py), checks who acts and the row's
guards, moves the dossier, saves it, appends to the timeline and runs the row's side effects, all
in one transaction. `transition_many()` is the bulk form: one transaction per dossier.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text
from core.validators import LONG_TEXT_MAX_CHARS

from .. import selectors
from ..enums import Action
from ..guards import Attempt
from ..models import Decision, Nomination
from ..workflow import BY_ACTION, not_allowed_message
from .base import TransitionError, event, require_sizes


@transaction.atomic
def transition(
    *,
    actor,
    nomination: Nomination,
    action: str,
    reason: str = "",
    decision: Decision | None = None,
    expected_version: int | None = None,
    now=None,
) -> Nomination:
    rule = BY_ACTION[Action(action)]
    # Lock the row alone: with joins, PostgreSQL re-checks a row updated meanwhile against the
    # old joined rows and the waiting side would find nothing instead of the new state.
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    _check_request(nomination, rule, actor, reason, decision, expected_version)
    attempt = Attempt(
        actor=actor,
        action=rule.action,
        steps=selectors.chain_steps(nomination),
        now=now or timezone.now(),
        reason=clean_text(reason),
        decision=decision,
    )
    problems = [p for guard in rule.guards for p in guard.check(nomination, attempt)]
    if problems:
        raise TransitionError(problems)
    from_state, from_unit = nomination.state, nomination.current_unit
    rule.move(nomination, attempt)
    nomination.current_unit = attempt.steps[nomination.position].unit
    nomination.max_position = max(nomination.max_position, nomination.position)
    nomination.state = rule.target
    nomination.version += 1
    nomination.save(update_fields=SAVED_FIELDS)
    event(
        nomination,
        actor=actor,
        kind=rule.action,
        from_state=from_state,
        to_state=nomination.state,
        from_unit=from_unit,
        to_unit=nomination.current_unit,
        reason=attempt.reason,
        data={"decision": decision.number} if decision else {},
    )
    for effect in rule.effects:
        effect(nomination, attempt)
    return nomination


SAVED_FIELDS = [
    "state",
    "position",
    "max_position",
    "returned_from_position",
    "current_unit",
    "decision",
    "revocation",
    "version",
    "updated_at",
]


def _check_request(nomination, rule, actor, reason, decision, expected_version) -> None:
    """Is the request itself acceptable: the page's version, the actor, reason and decision."""
    if expected_version is not None and nomination.version != expected_version:
        raise TransitionError(
            _(
                "Hồ sơ vừa được người khác xử lý (hiện ở trạng thái “%(state)s” "
                "tại %(unit)s). Hãy tải lại trang để xem."
            )
            % {"state": nomination.get_state_display(), "unit": nomination.current_unit.name}
        )
    if nomination.state not in rule.sources or not rule.actor.test(actor, nomination):
        raise TransitionError(not_allowed_message(rule, nomination))
    reason = clean_text(reason)
    require_sizes((reason, _("Lý do"), LONG_TEXT_MAX_CHARS))
    if rule.needs_reason and not reason:
        raise TransitionError(_("Hãy ghi lý do."))
    if rule.needs_decision and decision is None:
        raise TransitionError(_("Hãy nhập số, ngày và người ký quyết định."))


def transition_many(*, actor, nominations, action: str, reason: str = "") -> tuple[int, list]:
    """The same transition for each dossier, each in its own transaction: one refusal does not
    undo the others. Returns how many succeeded and, for each refusal, the dossier and why."""
    done, refused = 0, []
    for nomination in nominations:
        try:
            transition(actor=actor, nomination=nomination, action=action, reason=reason)
        except ValidationError as exc:
            refused.append((nomination, exc.messages))
        else:
            done += 1
    return done, refused
