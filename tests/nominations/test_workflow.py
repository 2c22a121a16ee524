"""The transition graph, exhaustively: every place × every action × every role is allowed exactly
where the table says, and when allowed it does what the table says."""

import datetime

import pytest

from nominations import services
from nominations.enums import Action, State
from nominations.models import Decision
from nominations.services import TransitionError
from nominations.workflow import BY_ACTION, actions_for
from tests.factories import PLACES

pytestmark = pytest.mark.django_db

ROLES = [
    "nominator",
    "principal",
    "commune",
    "province",
    "secretary",
    "sibling",
    "viewer",
    "ministry",
    "anonymous",
]


def role_unit(role, tree):
    return {
        "principal": tree.school_a,
        "commune": tree.commune,
        "province": tree.danang,
        "secretary": tree.danang,
    }.get(role)


def expected_allowed(place, action, role, tree, nomination):
    """The table, read independently of the code under test."""
    rule = BY_ACTION[action]
    if nomination.state not in rule.sources:
        return False
    wanted = {
        "is_nominating_approver": ("principal", nomination.nominating_unit),
        "is_current_approver": (
            {"commune": "commune", "province": "province"}.get(
                nomination.current_unit.level, "principal"
            ),
            nomination.current_unit,
        ),
        "is_deciding_secretary": ("secretary", nomination.deciding_unit),
    }[rule.actor.name]
    return role == wanted[0] and role_unit(role, tree) == wanted[1]


def positional_guard_fails(nomination, action):
    at_deciding = nomination.current_unit_id == nomination.deciding_unit_id
    return (action == Action.FORWARD and at_deciding) or (
        action == Action.APPROVE and not at_deciding
    )


def attempt(actor, nomination, action):
    decision = None
    if BY_ACTION[action].needs_decision:
        decision = Decision.objects.create(
            unit=nomination.deciding_unit,
            number="1/QĐ",
            signed_on=datetime.date(2026, 3, 16),
            issuer="Giám đốc",
        )
    return services.transition(
        actor=actor,
        nomination=nomination,
        action=action,
        reason="Lý do kiểm thử",
        decision=decision,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", list(PLACES))
def test_every_action_is_allowed_exactly_where_the_table_says(
    place, role, placed, users, tree, clock
):
    from django.contrib.auth.models import AnonymousUser

    actor = AnonymousUser() if role == "anonymous" else getattr(users, role)
    for action in Action:
        nomination = placed(place)
        allowed = expected_allowed(place, action, role, tree, nomination)
        shown = action in [t.action for t in actions_for(actor, nomination)]
        # Buttons also hide what cannot fit here: forward at the deciding unit, approve below it.
        assert shown == (allowed and not positional_guard_fails(nomination, action)), (
            place,
            action,
            role,
        )
        if not allowed:
            with pytest.raises(TransitionError, match="Chỉ "):
                attempt(actor, nomination, action)
            nomination.refresh_from_db()
            assert nomination.state == PLACES[place][0]
            continue
        if positional_guard_fails(nomination, action):
            with pytest.raises(TransitionError):
                attempt(actor, nomination, action)
            continue
        result = attempt(actor, nomination, action)
        assert result.state == BY_ACTION[action].target, (place, action, role)
        assert result.events.filter(kind=action).count() == 1


def test_the_whole_chain_moves_the_holder_and_return_goes_back_to_the_returner(
    new_nomination, users, tree, clock
):
    nomination = new_nomination()
    assert [s.unit for s in nomination.steps.order_by("position")] == [
        tree.school_a,
        tree.commune,
        tree.danang,
    ]
    n = services.transition(actor=users.principal, nomination=nomination, action=Action.SUBMIT)
    assert (n.state, n.current_unit) == (State.UNDER_REVIEW, tree.commune)
    n = services.transition(actor=users.commune, nomination=n, action=Action.FORWARD)
    assert n.current_unit == tree.danang
    n = services.transition(
        actor=users.province, nomination=n, action=Action.RETURN, reason="Bổ sung minh chứng"
    )
    assert (n.state, n.current_unit, n.returned_from_position) == (State.RETURNED, tree.school_a, 2)
    n = services.transition(actor=users.principal, nomination=n, action=Action.RESUBMIT)
    assert (n.state, n.current_unit) == (State.UNDER_REVIEW, tree.danang)  # straight back
    n = services.transition(actor=users.province, nomination=n, action=Action.APPROVE)
    decision = services.decide(
        actor=users.secretary,
        nominations=[n],
        action=Action.RECOGNISE,
        number="125/QĐ-SGDĐT",
        signed_on=datetime.date(2026, 4, 20),
        issuer="Giám đốc Sở GDĐT Đà Nẵng",
    )
    n.refresh_from_db()
    assert (n.state, n.decision) == (State.RECOGNISED, decision)
    kinds = list(n.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "edited",
        "submit",
        "forward",
        "return",
        "resubmit",
        "approve",
        "recognise",
    ]
    returned = n.events.get(kind="return")
    assert (returned.reason, returned.from_unit, returned.to_unit) == (
        "Bổ sung minh chứng",
        tree.danang,
        tree.school_a,
    )


def test_reason_is_required_to_return_or_reject(placed, users, clock):
    nomination = placed("under_review@commune")
    for action in (Action.RETURN, Action.REJECT):
        with pytest.raises(TransitionError, match="Hãy ghi lý do"):
            services.transition(
                actor=users.commune, nomination=nomination, action=action, reason="   "
            )


def test_a_stale_page_is_told_someone_else_was_faster(placed, users, clock):
    nomination = placed("under_review@commune")
    seen = nomination.version
    services.transition(
        actor=users.commune, nomination=nomination, action=Action.FORWARD, expected_version=seen
    )
    with pytest.raises(TransitionError, match="vừa được người khác xử lý"):
        services.transition(
            actor=users.commune,
            nomination=nomination,
            action=Action.RETURN,
            reason="x",
            expected_version=seen,
        )
