"""Optional two-factor login (TOTP in an authenticator app, plus one-time backup codes).

Who may turn it on: approvers (they sign dossiers off) and staff or system admins; someone who
has it keeps the page to turn it off even after losing the role. Enrolment: start (an
unconfirmed TOTP device, shown as a QR code), confirm with a code (the device is confirmed and
ten backup codes are made, shown once). Login with it: the password step leaves the session
anonymous and remembers who is half-way (`pending_*`); the code step logs in. Wrong codes are
throttled by django-otp (each device waits 1, 2, 4, ... seconds after a failure) and a pending
login is dropped after MAX_CODE_FAILURES. A lost phone: a system admin deletes the user's
devices in the admin (TOTP devices, static devices); the user logs in with the password alone.
"""

import base64
import time
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit
from units.enums import Role
from units.models import User
from units.selectors import scope_paths

BACKUP_CODE_COUNT = 10
MAX_CODE_FAILURES = 5
PENDING_KEY = "two_factor_pending"


# --- who ------------------------------------------------------------------------------------
def may_enrol(user) -> bool:
    """Approvers, staff and system admins are offered two-factor login."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or bool(scope_paths(user, roles=[Role.APPROVER]))


def is_enrolled(user) -> bool:
    return user.is_authenticated and user_has_device(user)


def may_manage(user) -> bool:
    """Who sees the account security page: those offered 2FA and those who have it."""
    return may_enrol(user) or is_enrolled(user)


def admin_otp_satisfied(user) -> bool:
    if not settings.OTP_REQUIRED_FOR_ADMIN:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


# --- enrolment ------------------------------------------------------------------------------
def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def enrolment_start(*, user) -> TOTPDevice:
    """A fresh secret each time: an unconfirmed device left over from an earlier try is
    replaced, so a QR code that was seen by someone else stops working."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code in a data: URI (an <img>, so no inline style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def enrolment_confirm(*, user, code: str, client: dict | None = None):
    """The first code from the app proves it holds the secret. Returns (device, backup codes)
    or (None, []) when the code is wrong or there is nothing to confirm."""
    code = normalise(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None or not code.isdigit() or not device.verify_token(code):
            failed = device is not None
        else:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _new_backup_codes(user)
            audit(actor=user, action="otp.enrol", target=user, **(client or {}))
            return device, codes
    if failed:
        audit(actor=user, action="otp.failed", target=user, step="enrol", **(client or {}))
    return None, []


# --- verification ---------------------------------------------------------------------------
def normalise(code: str) -> str:
    return "".join(str(code or "").split()).lower()


@dataclass
class Verification:
    device: object | None = None
    throttled: bool = False


def verify_code(*, user, code: str) -> Verification:
    """A 6-digit code goes to the authenticator app's device, anything else to the backup
    codes (each works once), so a wrong guess slows down only the device it was meant for."""
    code = normalise(code)
    wanted = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if not isinstance(device, wanted):
                continue
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                return Verification(device=device)
    return Verification(throttled=throttled)


def disable(*, user, password: str, code: str, client: dict | None = None) -> bool:
    """Turning it off needs both the password and a current code (or a backup code)."""
    if not user.check_password(password) or verify_code(user=user, code=code).device is None:
        audit(actor=user, action="otp.failed", target=user, step="disable", **(client or {}))
        return False
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
        audit(actor=user, action="otp.disable", target=user, **(client or {}))
    return True


# --- the login half-way between password and code -------------------------------------------
def pending_start(request, user, *, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": int(time.time()),
        "failures": 0,
    }


def pending_user(request):
    """The user who gave the right password in this session a moment ago, or None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.OTP_LOGIN_TIMEOUT:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_failed(request) -> bool:
    """Count a wrong code; True when the half-way login is over and the password is due again."""
    pending = request.session[PENDING_KEY]
    pending["failures"] += 1
    if pending["failures"] >= MAX_CODE_FAILURES:
        del request.session[PENDING_KEY]
        return True
    request.session.modified = True
    return False


def pending_finish(request) -> dict:
    return request.session.pop(PENDING_KEY)
