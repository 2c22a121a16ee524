from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, PhotoField, bound_dates
from core.validators import PHOTO_SUFFIXES, validate_photo

from .enums import Position, UnitLevel
from .models import Person


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "full_name",
            "identifier",
            "birth_date",
            "gender",
            "ethnicity",
            "position",
            "phone",
            "email",
            "photo",
            "is_active",
        ]
        widgets = {"birth_date": DateInput()}
        field_classes = {"photo": PhotoField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self, birth_date="birth")
        self.fields["photo"].help_text = _("Ảnh chân dung 4x6, JPEG hoặc PNG, tối đa 2 MB.")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("full_name", css_class="col-md-8"),
                Column("identifier", css_class="col-md-4"),
            ),
            Row(
                Column("birth_date", css_class="col-md-4"),
                Column("gender", css_class="col-md-4"),
                Column("ethnicity", css_class="col-md-4"),
            ),
            Row(
                Column("position", css_class="col-md-4"),
                Column("phone", css_class="col-md-4"),
                Column("email", css_class="col-md-4"),
            ),
            "photo",
            "is_active",
            Submit("save", _("Lưu")),
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload, not the stored file
            # Stored under a random name (person_photo_path) with the extension of its content.
            photo.name = f"anh{PHOTO_SUFFIXES[validate_photo(photo)]}"
        return photo

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip()
        if (
            identifier
            and Person.objects.filter(identifier=identifier).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(
                _("Mã định danh này đã được dùng cho một người khác. Hãy kiểm tra lại.")
            )
        return identifier


def _text_input():
    return forms.TextInput(attrs={"class": "form-control"})


def _select():
    return forms.Select(attrs={"class": "form-select"})


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc mã"), required=False, widget=_text_input())
    level = forms.ChoiceField(
        widget=_select(),
        label=_("Cấp"),
        required=False,
        choices=[("", _("Tất cả các cấp")), *UnitLevel.choices],
    )


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên hoặc mã định danh"), required=False, widget=_text_input()
    )
    unit = forms.CharField(label=_("Mã đơn vị"), required=False, widget=_text_input())
    position = forms.ChoiceField(
        widget=_select(),
        label=_("Chức vụ"),
        required=False,
        choices=[("", _("Tất cả chức vụ")), *Position.choices],
    )


class LoginForm(AuthenticationForm):
    """Django's Vietnamese catalogue leaves the login errors in English; ours says them plainly,
    without revealing whether the account exists. One message covers a wrong password, an
    unknown username and a temporary lockout (units.security.lockout_response)."""

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
