"""The workflow as data: DESIGN.md §3's table, one row per transition, and who may edit or
review in which state.

The table drives everything: the buttons a user sees (`actions_for`), what
`services.transition.transition` checks and does, the object permissions (`has_perm`) and the
tests (which walk every state × action × role). Each row says who may act (a `rules` predicate
from rules.py), which guards apply (guards.py), how the dossier moves along its chain and which
side effects follow (effects.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import effects
from . import guards as checks
from .enums import EDITABLE_STATES, Action, State
from .rules import (
    is_current_approver,
    is_deciding_secretary,
    is_nominating_approver,
    is_nominating_editor,
)

ACTOR_LABELS = {
    is_nominating_approver: gettext_lazy("lãnh đạo đơn vị đề nghị"),
    is_current_approver: gettext_lazy("lãnh đạo đơn vị đang giữ hồ sơ"),
    is_deciding_secretary: gettext_lazy("thư ký hội đồng của đơn vị quyết định"),
}


# How the dossier moves along its chain; the holder is then the unit at the new position.
def up_one(nomination, attempt):
    nomination.position += 1


def back_to_nominator(nomination, attempt):
    nomination.returned_from_position, nomination.position = nomination.position, 0


def back_to_returner(nomination, attempt):
    """Resubmitted, the dossier goes straight back to the unit that returned it."""
    nomination.position, nomination.returned_from_position = (
        nomination.returned_from_position,
        None,
    )


def stays(nomination, attempt):
    pass


def with_decision(nomination, attempt):
    nomination.decision = attempt.decision


def with_revocation(nomination, attempt):
    nomination.revocation = attempt.decision


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    actor: rules.Predicate
    guards: tuple[checks.Guard, ...] = ()
    move: Callable = stays
    effects: tuple[Callable, ...] = (effects.send_notices,)
    needs_reason: bool = False
    needs_decision: bool = False

    def fits(self, nomination) -> bool:
        """Source state and place on the chain: known without a query."""
        return nomination.state in self.sources and all(
            guard.fits(nomination) for guard in self.guards if guard.fits is not None
        )


TRANSITIONS = (
    Transition(
        Action.SUBMIT,
        frozenset({State.DRAFT}),
        State.UNDER_REVIEW,
        is_nominating_approver,
        guards=(checks.WINDOW_OPEN, checks.CONTENT_COMPLETE, checks.ELIGIBLE, checks.QUOTA_FREE),
        move=up_one,
        effects=(effects.record_acceptance, effects.store_eligibility, effects.send_notices),
    ),
    Transition(
        Action.FORWARD,
        frozenset({State.UNDER_REVIEW}),
        State.UNDER_REVIEW,
        is_current_approver,
        guards=(checks.BELOW_DECIDING, checks.WINDOW_OPEN, checks.QUOTA_FREE),
        move=up_one,
        effects=(effects.record_acceptance, effects.send_notices),
    ),
    Transition(
        Action.RETURN,
        frozenset({State.UNDER_REVIEW}),
        State.RETURNED,
        is_current_approver,
        move=back_to_nominator,
        needs_reason=True,
    ),
    Transition(
        Action.RESUBMIT,
        frozenset({State.RETURNED}),
        State.UNDER_REVIEW,
        is_nominating_approver,
        guards=(checks.RETURNER_WINDOW_OPEN, checks.CONTENT_COMPLETE, checks.ELIGIBLE),
        move=back_to_returner,
        effects=(effects.record_acceptance, effects.store_eligibility, effects.send_notices),
    ),
    Transition(
        Action.REJECT,
        frozenset({State.UNDER_REVIEW}),
        State.REJECTED,
        is_current_approver,
        needs_reason=True,
    ),
    Transition(
        Action.APPROVE,
        frozenset({State.UNDER_REVIEW}),
        State.APPROVED,
        is_current_approver,
        guards=(checks.AT_DECIDING, checks.CONSULTED, checks.COUNCIL_PASSED),
    ),
    Transition(
        Action.RECOGNISE,
        frozenset({State.APPROVED}),
        State.RECOGNISED,
        is_deciding_secretary,
        move=with_decision,
        effects=(effects.record_recognition, effects.send_notices),
        needs_decision=True,
    ),
    Transition(
        Action.WITHDRAW,
        frozenset({State.DRAFT, State.RETURNED, State.UNDER_REVIEW}),
        State.WITHDRAWN,
        is_nominating_approver,
    ),
    Transition(
        Action.REVOKE,
        frozenset({State.RECOGNISED}),
        State.REVOKED,
        is_deciding_secretary,
        move=with_revocation,
        effects=(effects.revoke_records, effects.send_notices),
        needs_reason=True,
        needs_decision=True,
    ),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}


@dataclass(frozen=True)
class Stage:
    """Work on a dossier that is not a transition: who may do it, in which states."""

    states: frozenset
    actor: rules.Predicate

    @property
    def permission(self) -> rules.Predicate:
        states = self.states

        @rules.predicate
        def in_states(user, nomination):
            return nomination.state in states

        return in_states & self.actor


# Edit the content, add or remove evidence, add received titles.
EDITING = Stage(frozenset(EDITABLE_STATES), is_nominating_editor)
# Score and comment (the holder's approvers, while the dossier is under review).
REVIEWING = Stage(frozenset({State.UNDER_REVIEW}), is_current_approver)

rules.add_perm("nominations.change_nomination", EDITING.permission)
rules.add_perm("nominations.review_nomination", REVIEWING.permission)


def actions_for(user, nomination) -> list[Transition]:
    """The transitions whose source state, place and actor fit; the other guards (deadline,
    quota, content, eligibility, council) are checked when the user acts."""
    return [t for t in TRANSITIONS if t.fits(nomination) and t.actor.test(user, nomination)]


def transition_label(action: str) -> str:
    return str(Action(action).label)


def not_allowed_message(transition: Transition, nomination) -> str:
    return _("Chỉ %(who)s mới được “%(action)s” hồ sơ ở trạng thái “%(state)s”.") % {
        "who": ACTOR_LABELS[transition.actor],
        "action": transition_label(transition.action),
        "state": nomination.get_state_display(),
    }
