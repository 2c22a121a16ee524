"""Which of a user's memberships they are acting under (the unit switcher), kept in the session.

Visibility does not depend on it (a user sees the union of their subtrees); it decides which
unit the home page and the navigation speak for.
"""

from .selectors import memberships_of

SESSION_KEY = "active_membership_id"


def active_membership(request):
    if not hasattr(request, "_active_membership"):
        memberships = list(memberships_of(request.user))
        chosen = request.session.get(SESSION_KEY)
        request._memberships = memberships
        request._active_membership = next(
            (m for m in memberships if m.pk == chosen), memberships[0] if memberships else None
        )
    return request._active_membership


def user_memberships(request):
    active_membership(request)
    return request._memberships


def choose_membership(request, membership_id: int) -> bool:
    if any(m.pk == membership_id for m in user_memberships(request)):
        request.session[SESSION_KEY] = membership_id
        del request._active_membership
        return True
    return False
