"""Login security: the client's address, the login audit trail, the lockout page, password reset
throttling. The two middlewares (idle expiry, the superuser's second factor) are in
accounts/middleware.py.

- The client's address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many reverse
  proxies stand in front of us; only then is X-Forwarded-For read (from the right, where our
  own proxies wrote), so a client cannot choose the address that throttling and audit see.
- Logins, failed logins (the username typed, never the password), logouts and lockouts are
  written to the audit log with the address and a shortened user agent.
- Password reset e-mails are limited per client address and per e-mail address; a request over
  either limit gets the same page as any other and no e-mail.
- A locked-out attempt is answered by the login page with the same message and status as a
  wrong password: neither says whether the account exists (django-axes locks the username as
  typed, existing or not).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from core.audit import audit

USER_AGENT_LENGTH = 200
USERNAME_LENGTH = 150
LAST_ACTIVITY_KEY = "last_activity"


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return remote


def client_data(request) -> dict:
    """What the audit log keeps about where a request came from."""
    if request is None:
        return {}
    return {
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    }


# --- audit of logins (receivers connected in units.apps) ----------------------------------------
def on_logged_in(sender, request, user, **kwargs):
    audit(actor=user, action="auth.login", target=user, **client_data(request))
    if request is not None and hasattr(request, "session"):
        # The idle clock starts now, so the first page after login does not write the session.
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


def on_logged_out(sender, request, user, **kwargs):
    if user is None:  # logging out an anonymous session
        return
    reason = getattr(request, "logout_reason", "user")
    audit(actor=user, action="auth.logout", target=user, reason=reason, **client_data(request))


def on_login_failed(sender, credentials, request=None, **kwargs):
    # An attempt that locked the pair, or that hit an existing lock, is recorded once, as a
    # lockout (on_locked_out); axes' receiver has already flagged the request by now.
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    username = str(credentials.get("username", ""))[:USERNAME_LENGTH]
    audit(actor=None, action="auth.login_failed", username=username, **client_data(request))


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit(
        actor=None,
        action="auth.lockout",
        username=str(username or "")[:USERNAME_LENGTH],
        **client_data(request),
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page, answered as for a wrong password."""
    from .forms import LockedOutLoginForm
    from .views import PortalLoginView

    response = PortalLoginView.as_view(authentication_form=LockedOutLoginForm)(request)
    return response.render()  # made inside the middleware chain, after Django renders responses


# --- password reset throttling ---------------------------------------------------------------
def _counted(key: str, window: int) -> int:
    """Counts one more event under `key` in a window of `window` seconds; returns the count."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts a new window
        cache.set(key, 1, timeout=window)
        return 1


def password_reset_throttled(request, email: str) -> bool:
    """Counts a reset request from this client and for this e-mail; True (and audited) when
    either went over its limit. Both are counted whether the account exists or not, so the
    answer cannot tell."""
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    address = client_ip(request)
    email = email.strip().lower()[:USERNAME_LENGTH]
    # The salt keeps the app's old name: a new one would restart every open window at deploy.
    digest = salted_hmac("units.password-reset", email).hexdigest()
    over = []
    if _counted(f"reset-ip:{address}", window) > settings.PASSWORD_RESET_PER_ADDRESS:
        over.append("address")
    if _counted(f"reset-email:{digest}", window) > settings.PASSWORD_RESET_PER_EMAIL:
        over.append("email")
    if over:
        audit(
            actor=None,
            action="auth.password_reset_throttled",
            email=email,
            limits=over,
            **client_data(request),
        )
    return bool(over)
