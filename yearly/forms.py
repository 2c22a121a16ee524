"""Forms of the yearly implementation report: they validate what the user typed and hand it to
the services, which check it again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from core.forms import BoundedDateField, BoundedTextField, BoundedYearField

from .enums import SECTION_MAX_CHARS, SECTIONS


class ReportCallForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị yêu cầu"), queryset=None, empty_label=None)
    year = BoundedYearField(
        label=_("Năm học (năm kết thúc)"),
        kind="event",
        help_text=_("Năm kết thúc năm học: 2026 là năm học 2025 - 2026."),
    )
    title = forms.CharField(
        label=_("Tên báo cáo"),
        max_length=255,
        required=False,
        help_text=_(
            "Dòng trích yếu in dưới chữ BÁO CÁO. Để trống để dùng: “Kết quả thực hiện công tác "
            "tuyên truyền, nhân rộng điển hình tiên tiến năm học …”."
        ),
    )
    due_on = BoundedDateField(
        label=_("Hạn gửi"),
        kind="event",
        help_text=_("Các đơn vị trực thuộc gửi báo cáo trước hết ngày này."),
    )
    instructions = BoundedTextField(label=_("Hướng dẫn cho đơn vị"), rows=4)
    period_start = BoundedDateField(
        label=_("Số liệu tính từ ngày"),
        kind="event",
        required=False,
        help_text=_("Để trống: từ 01/09 của năm học."),
    )
    period_end = BoundedDateField(
        label=_("Số liệu tính đến ngày"),
        kind="event",
        required=False,
        help_text=_("Để trống: đến 31/08 kết thúc năm học."),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:  # editing: the unit and the year are fixed
            del self.fields["unit"]
            del self.fields["year"]
        else:
            self.fields["unit"].queryset = units
            self.fields["year"].initial = timezone.localdate().year


SECTION_HELP = {
    "direction": _(
        "Kế hoạch của đơn vị, văn bản chỉ đạo, phân công thực hiện; việc phát hiện, lựa chọn, "
        "bồi dưỡng điển hình tiên tiến."
    ),
    "propagation": _(
        "Các hình thức tuyên truyền đã làm (trang thông tin điện tử, mạng xã hội, bảng tin, "
        "hội nghị biểu dương, giao lưu, trao đổi kinh nghiệm), số tin, bài; điển hình, mô hình "
        "được nhân rộng và kết quả."
    ),
    "difficulties": _("Những gì chưa làm được và nguyên nhân."),
    "proposals": _("Đề xuất với cấp trên; phương hướng năm học tới."),
}


def _section_field(name, label, required_to_send) -> forms.CharField:
    # Never required to save a draft; sending checks the required ones (services.report_send).
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 6 if required_to_send else 4}),
        max_length=SECTION_MAX_CHARS,
        required=False,
        help_text=SECTION_HELP[name],
    )


class ReportForm(VersionedFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Số, ký hiệu văn bản"),
        max_length=64,
        required=False,
        help_text=_("Ví dụ: 25/BC-THPTST. Để trống nếu ghi tay khi đóng dấu."),
    )
    # The four sections, in print order, from the one list in enums.SECTIONS.
    direction, propagation, difficulties, proposals = (
        _section_field(name, label, required) for name, label, required in SECTIONS
    )
    signer_title = forms.CharField(
        label=_("Chức danh người ký"),
        max_length=128,
        required=False,
        help_text=_("Ví dụ: Hiệu trưởng; KT. Hiệu trưởng / Phó Hiệu trưởng."),
    )
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=150, required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Đơn vị sẽ nhận được lý do này cùng thông báo."),
    )
