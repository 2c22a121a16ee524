"""Forms of the login, its code step and the account security page."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's Vietnamese catalogue leaves the login errors in English; ours says them plainly,
    without revealing whether the account exists. One message covers a wrong password, an
    unknown username and a temporary lockout (accounts.security.lockout_response)."""

    error_messages = {
        "invalid_login": _(
            "Vui lòng nhập chính xác tên đăng nhập và mật khẩu. Lưu ý: mật khẩu phân biệt chữ "
            "hoa và chữ thường. Sau %(limit)s lần nhập sai liên tiếp, việc đăng nhập tạm dừng "
            "%(minutes)s phút; nếu quên mật khẩu, hãy dùng “Quên mật khẩu?”."
        ),
        "inactive": _("Tài khoản này đã bị khoá. Hãy liên hệ quản trị hệ thống của đơn vị."),
    }

    def get_invalid_login_error(self):
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )


class LockedOutLoginForm(LoginForm):
    """The login form while django-axes refuses this username from this address: it never
    authenticates and fails exactly as a wrong password does."""

    def clean(self):
        if self.cleaned_data.get("username") is not None and self.cleaned_data.get("password"):
            raise self.get_invalid_login_error()
        return self.cleaned_data


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=32,
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class EnrolmentConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Mã 6 chữ số trong ứng dụng"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TwoFactorDisableForm(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Mã xác thực hoặc mã dự phòng"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
