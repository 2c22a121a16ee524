from pathlib import PurePosixPath

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .validators import validate_max_size


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
