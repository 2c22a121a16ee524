from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
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

    placement_on = forms.DateField(
        label=_("Ngày về đơn vị, chuyển đơn vị hoặc nghỉ"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Thêm mới: ngày người này về đơn vị (để trống nếu không rõ). Sửa: ngày chuyển sang "
            "đơn vị mới hoặc thôi công tác (để trống: hôm nay). Tỷ lệ thành viên của tập thể "
            "trong từng năm học tính theo các ngày này."
        ),
    )
    move_to = forms.CharField(
        label=_("Chuyển sang đơn vị (mã đơn vị)"),
        required=False,
        max_length=32,
        help_text=_("Để trống nếu vẫn ở đơn vị hiện tại."),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        # `units`: where the user may move someone to (the update form only).
        self.units = units
        if units is None:
            del self.fields["move_to"]
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
            Row(
                Column("placement_on", css_class="col-md-6"),
                *([Column("move_to", css_class="col-md-6")] if units is not None else []),
            ),
            Submit("save", _("Lưu")),
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload, not the stored file
            # Stored under a random name (person_photo_path) with the extension of its content.
            photo.name = f"anh{PHOTO_SUFFIXES[validate_photo(photo)]}"
        return photo

    def clean_move_to(self):
        code = self.cleaned_data.get("move_to", "").strip()
        if not code:
            return None
        unit = self.units.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("Không tìm thấy đơn vị mã “%(code)s”.") % {"code": code})
        return unit

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
