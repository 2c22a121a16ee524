from .session import active_membership, user_memberships
from .two_factor import may_enrol


def memberships(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "active_membership": active_membership(request),
        "user_memberships": user_memberships(request),
        # Approvers, staff and admins see "Bảo mật tài khoản", and so does anyone whose session
        # was verified with a code (it has two-factor login on); no query for the others.
        "two_factor_offered": may_enrol(request.user)
        or getattr(request.user, "otp_device", None) is not None,
    }
