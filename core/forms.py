from pathlib import PurePosixPath

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .validators import (
    LONG_TEXT_MAX_CHARS,
    DateRangeValidator,
    MaxBytesValidator,
    YearRangeValidator,
    validate_max_size,
)


class PhotoField(forms.ImageField):
    """A portrait upload. The content decides (core.validators.validate_photo) and the stored
    name is generated, so the uploaded name's extension is not checked; Django's check would
    also answer in English on a Vietnamese page."""

    default_validators = []
    default_error_messages = {
        "invalid_image": _("Tệp không phải là ảnh hợp lệ. Hãy chọn ảnh JPEG hoặc PNG."),
    }


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx) hoặc CSV"),
        help_text=_("Dòng đầu là tiêu đề cột, đúng như tệp mẫu."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("check", _("Kiểm tra tệp")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_max_size(upload, settings.IMPORT_MAX_BYTES)
        if PurePosixPath(upload.name).suffix.lower() not in {".xlsx", ".csv"}:
            raise forms.ValidationError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
        return upload


MAX_LENGTH_MESSAGE = _(
    "Nội dung dài %(show_value)d ký tự, vượt giới hạn %(limit_value)d ký tự. Hãy rút gọn."
)


class BoundedTextField(forms.CharField):
    """Free text with a limit in characters (LONG_TEXT_MAX_CHARS unless told) and in bytes,
    stated in Vietnamese when it is passed."""

    def __init__(self, *, max_length=LONG_TEXT_MAX_CHARS, max_bytes=None, rows=3, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        kwargs.setdefault("required", False)
        super().__init__(max_length=max_length, **kwargs)
        self.error_messages["max_length"] = MAX_LENGTH_MESSAGE
        if max_bytes is not None:
            self.validators.append(MaxBytesValidator(max_bytes))


def bound_text_fields(form, *, max_length=LONG_TEXT_MAX_CHARS) -> None:
    """Give every character field of a (model) form that has no limit yet the default one: a
    TextField of the model becomes a form field without max_length."""
    for field in form.fields.values():
        # Exactly CharField: its subclasses (UUID, e-mail, slug) bound themselves.
        if type(field) is forms.CharField and field.max_length is None:
            field.max_length = max_length
            field.validators.append(MaxLengthValidator(max_length))
            field.widget.attrs.setdefault("maxlength", str(max_length))
            field.error_messages["max_length"] = MAX_LENGTH_MESSAGE


class BoundedDateField(forms.DateField):
    """A date a user types, within the window of its kind (core.validators.date_bounds):
    "birth", "record" or "event"."""

    def __init__(self, *, kind: str, **kwargs):
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)
        self.validators.append(DateRangeValidator(kind))


def bound_dates(form, **kinds) -> None:
    """Give date fields of a (model) form the window of their kind: `bound_dates(self,
    birth_date="birth")`."""
    for name, kind in kinds.items():
        if name in form.fields:
            form.fields[name].validators.append(DateRangeValidator(kind))


class BoundedYearField(forms.IntegerField):
    """A year a user types, within the years of its kind's window."""

    def __init__(self, *, kind: str, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(YearRangeValidator(kind))


class DateInput(forms.DateInput):
    """The browser's own date picker (`type="date"`): on a phone it opens a calendar instead of
    a numeric keypad on which "/" cannot be typed. The browser shows the date in its own
    format and sends yyyy-mm-dd, which DATE_INPUT_FORMATS accepts next to dd/mm/yyyy (typed
    dates, imports, tests); everywhere else the portal shows dd/mm/yyyy."""

    input_type = "date"

    def __init__(self, **kwargs):
        attrs = {"autocomplete": "off", **kwargs.pop("attrs", {})}
        # The value attribute of a date input must be ISO 8601, whatever the language.
        super().__init__(format="%Y-%m-%d", attrs=attrs, **kwargs)
