"""The object permissions of nominations, over every place of a dossier and every role: what the
views ask (`rules.has_perm`) and what the services check are the same predicates."""

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError

from nominations import services
from nominations.enums import State
from tests.factories import PLACES

pytestmark = pytest.mark.django_db

ROLES = ["nominator", "principal", "commune", "province", "secretary", "sibling", "viewer"]


def holder_approver(nomination):
    return {"commune": "commune", "province": "province"}.get(
        nomination.current_unit.level, "principal"
    )


@pytest.mark.parametrize("place", PLACES)
def test_who_may_edit_and_review_in_each_place(placed, users, place):
    nomination = placed(place)
    for role in ROLES:
        user = getattr(users, role)
        editable = nomination.state in (State.DRAFT, State.RETURNED)
        assert rules.has_perm("nominations.change_nomination", user, nomination) == (
            editable and role in ("nominator", "principal")
        ), role
        assert services.can_edit(user, nomination) == (
            editable and role in ("nominator", "principal")
        ), role
        assert rules.has_perm("nominations.review_nomination", user, nomination) == (
            nomination.state == State.UNDER_REVIEW and role == holder_approver(nomination)
        ), role


def test_a_superuser_without_a_role_does_not_edit_or_review(placed, make_user):
    """`user.has_perm` grants a superuser everything; the views ask `rules.has_perm`, as the
    services do, so a system administrator reads dossiers but acts for no unit."""
    admin = make_user(is_superuser=True)
    draft, waiting = placed("draft"), placed("under_review@commune")
    assert not rules.has_perm("nominations.change_nomination", admin, draft)
    assert not rules.has_perm("nominations.review_nomination", admin, waiting)
    assert rules.has_perm("nominations.view_internal_reviews", admin, waiting)
    with pytest.raises(PermissionDenied):
        services.review_save(actor=admin, nomination=waiting, scores={})


def test_the_service_refuses_what_the_permission_refuses(placed, users):
    returned, waiting = placed("returned"), placed("under_review@commune")
    with pytest.raises(ValidationError):
        services.nomination_update(actor=users.nominator, nomination=waiting, summary="x")
    with pytest.raises(PermissionDenied):
        services.nomination_update(actor=users.commune, nomination=returned, summary="x")
    with pytest.raises(PermissionDenied):
        services.review_save(actor=users.province, nomination=waiting, scores={})


def test_internal_reviews_are_for_whoever_reaches_a_reviewing_unit(placed, users, clock):
    nomination = placed("under_review@commune")
    assert not rules.has_perm("nominations.view_internal_reviews", users.commune, nomination)
    services.review_save(actor=users.commune, nomination=nomination, scores={})
    for role, sees in [
        ("commune", True),
        ("province", True),  # the Sở's scope reaches the commune
        ("principal", False),
        ("nominator", False),
        ("sibling", False),
    ]:
        assert (
            rules.has_perm("nominations.view_internal_reviews", getattr(users, role), nomination)
            == sees
        ), role


def test_who_may_draw_up_and_work_the_queue_for_a_unit(users, tree):
    assert rules.has_perm("nominations.add_nomination_for", users.nominator, tree.school_a)
    assert rules.has_perm("nominations.add_nomination_for", users.principal, tree.school_a)
    assert not rules.has_perm("nominations.add_nomination_for", users.commune, tree.school_a)
    assert not rules.has_perm("nominations.add_nomination_for", users.nominator, None)
    assert rules.has_perm("nominations.work_queue_of", users.commune, tree.commune)
    assert not rules.has_perm("nominations.work_queue_of", users.nominator, tree.school_a)
    assert rules.has_perm("nominations.keep_council_of", users.secretary, tree.danang)
    assert not rules.has_perm("nominations.keep_council_of", users.province, tree.danang)
