"""The workflow as data: DESIGN.md §3's table, one row per transition.

The table drives everything: the buttons a user sees (`actions_for`), the checks the transition
service makes, and the tests (which walk every state × action × role). Who may act is a role at
a specific unit of the dossier's chain; guards are named checks that return the sentences that
explain why not.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.enums import Role
from units.selectors import has_role_at

from .enums import Action, State

# Who may act: a role held at exactly one unit of the chain (a membership reaches the subtree for
# reading, but acting for a unit needs a role at that unit).
NOMINATING_APPROVER = "nominating_approver"  # approver of the nominating unit
CURRENT_APPROVER = "current_approver"  # approver of the unit that holds the dossier now
DECIDING_SECRETARY = "deciding_secretary"  # council secretary of the deciding unit

ACTORS = {
    NOMINATING_APPROVER: (Role.APPROVER, lambda n: n.nominating_unit),
    CURRENT_APPROVER: (Role.APPROVER, lambda n: n.current_unit),
    DECIDING_SECRETARY: (Role.COUNCIL_SECRETARY, lambda n: n.deciding_unit),
}
ACTOR_LABELS = {
    NOMINATING_APPROVER: gettext_lazy("lãnh đạo đơn vị đề nghị"),
    CURRENT_APPROVER: gettext_lazy("lãnh đạo đơn vị đang giữ hồ sơ"),
    DECIDING_SECRETARY: gettext_lazy("thư ký hội đồng của đơn vị quyết định"),
}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    actor: str
    guards: tuple = ()
    needs_reason: bool = False
    needs_decision: bool = False


TRANSITIONS = (
    Transition(
        Action.SUBMIT,
        frozenset({State.DRAFT}),
        State.UNDER_REVIEW,
        NOMINATING_APPROVER,
        guards=("window_open", "content_complete", "eligible", "quota_free"),
    ),
    Transition(
        Action.FORWARD,
        frozenset({State.UNDER_REVIEW}),
        State.UNDER_REVIEW,
        CURRENT_APPROVER,
        guards=("below_deciding", "window_open", "quota_free"),
    ),
    Transition(
        Action.RETURN,
        frozenset({State.UNDER_REVIEW}),
        State.RETURNED,
        CURRENT_APPROVER,
        needs_reason=True,
    ),
    Transition(
        Action.RESUBMIT,
        frozenset({State.RETURNED}),
        State.UNDER_REVIEW,
        NOMINATING_APPROVER,
        guards=("returner_window_open", "content_complete", "eligible"),
    ),
    Transition(
        Action.REJECT,
        frozenset({State.UNDER_REVIEW}),
        State.REJECTED,
        CURRENT_APPROVER,
        needs_reason=True,
    ),
    Transition(
        Action.APPROVE,
        frozenset({State.UNDER_REVIEW}),
        State.APPROVED,
        CURRENT_APPROVER,
        guards=("at_deciding", "consulted", "council_passed"),
    ),
    Transition(
        Action.RECOGNISE,
        frozenset({State.APPROVED}),
        State.RECOGNISED,
        DECIDING_SECRETARY,
        needs_decision=True,
    ),
    Transition(
        Action.WITHDRAW,
        frozenset({State.DRAFT, State.RETURNED, State.UNDER_REVIEW}),
        State.WITHDRAWN,
        NOMINATING_APPROVER,
    ),
    Transition(
        Action.REVOKE,
        frozenset({State.RECOGNISED}),
        State.REVOKED,
        DECIDING_SECRETARY,
        needs_reason=True,
        needs_decision=True,
    ),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}


def acts_as(user, nomination, actor: str) -> bool:
    """Does `user` hold the role the table asks for, at the unit it names?"""
    role, unit_of = ACTORS[actor]
    return has_role_at(user, unit_of(nomination), role)


def where_fits(transition: Transition, nomination) -> bool:
    """Forward only below the deciding unit, approve only at it: known without a query."""
    at_deciding = nomination.current_unit_id == nomination.deciding_unit_id
    if "below_deciding" in transition.guards:
        return not at_deciding
    if "at_deciding" in transition.guards:
        return at_deciding
    return True


def actions_for(user, nomination) -> list[Transition]:
    """The transitions whose source state, actor and place fit; the other guards (deadline,
    quota, content, eligibility, council) are checked when the user acts."""
    return [
        t
        for t in TRANSITIONS
        if nomination.state in t.sources
        and acts_as(user, nomination, t.actor)
        and where_fits(t, nomination)
    ]


def transition_label(action: str) -> str:
    return str(Action(action).label)


def not_allowed_message(transition: Transition, nomination) -> str:
    return _("Chỉ %(who)s mới được “%(action)s” hồ sơ ở trạng thái “%(state)s”.") % {
        "who": ACTOR_LABELS[transition.actor],
        "action": transition_label(transition.action),
        "state": nomination.get_state_display(),
    }
