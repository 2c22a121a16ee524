"""The two middlewares of login security: idle expiry, and the superuser's second factor (with
OTP_REQUIRED_FOR_ADMIN, a superuser's session must be verified with a code before any page but
the login and two-factor pages)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .security import LAST_ACTIVITY_KEY
from .two_factor import admin_otp_satisfied, is_enrolled

ACTIVITY_WRITE_EVERY = 60  # seconds: the session row is written at most this often for idle expiry


# --- idle expiry ----------------------------------------------------------------------------
class IdleTimeoutMiddleware:
    """Logs out a session left unused for SESSION_IDLE_TIMEOUT seconds (see config/settings.py
    for why this is not SESSION_SAVE_EVERY_REQUEST). The request then goes on as anonymous:
    a page that needs a login redirects to it, a public page simply shows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.SESSION_IDLE_TIMEOUT
        if timeout and SESSION_KEY in request.session:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > timeout:
                request.logout_reason = "idle"
                logout(request)
                messages.info(
                    request,
                    _("Phiên làm việc đã hết hạn vì lâu không thao tác. Hãy đăng nhập lại."),
                )
            elif last is None or now - last >= ACTIVITY_WRITE_EVERY:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


# --- the superuser's second factor ------------------------------------------------------------
# What a superuser's session that has not proved the code may still open: the way to prove it.
SECOND_FACTOR_OPEN = frozenset(
    {
        "login",
        "login_code",
        "logout",
        "account_security",
        "two_factor_start",
        "two_factor_confirm",
        "healthz",
        "set_language",
    }
)


class SuperuserSecondFactorMiddleware:
    """With OTP_REQUIRED_FOR_ADMIN, a superuser's session opens nothing before it is verified
    with a code, not only the admin: a superuser can change every unit's data from the portal's
    own pages, so a stolen password alone must not be enough. Answered as the admin answers
    (config/admin.py): enrolled, log in again with the code; not enrolled, enrol first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_superuser) or admin_otp_satisfied(user):
            return None
        if request.resolver_match.url_name in SECOND_FACTOR_OPEN:
            return None
        if is_enrolled(user):
            request.logout_reason = "second_factor"
            logout(request)
            return redirect_to_login(request.get_full_path())
        messages.warning(
            request,
            _(
                "Tài khoản quản trị hệ thống yêu cầu xác thực hai bước. Hãy bật xác thực hai "
                "bước ở đây; sau đó các trang khác sẽ mở như thường."
            ),
        )
        return redirect("account_security")
