from .session import active_membership, user_memberships


def memberships(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "active_membership": active_membership(request),
        "user_memberships": user_memberships(request),
    }
