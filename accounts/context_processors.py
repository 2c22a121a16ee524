from .two_factor import may_enrol


def two_factor(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    # Approvers, staff and admins see "Bảo mật tài khoản", and so does anyone whose session was
    # verified with a code (it has two-factor login on); no query for the others.
    return {
        "two_factor_offered": may_enrol(request.user)
        or getattr(request.user, "otp_device", None) is not None,
    }
