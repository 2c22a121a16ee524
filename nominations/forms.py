"""Forms of the nomination pages. They validate input; the services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from js_asset import Media, Script

from campaigns.enums import DayCount
from core.concurrency import VersionedFormMixin
from core.forms import (
    BoundedDateField,
    BoundedTextField,
    BoundedYearField,
    PhotoField,
    bound_dates,
    bound_text_fields,
)
from core.idempotency import OnceFormMixin
from core.pagination import query_int
from core.validators import (
    SHORT_TEXT_MAX_CHARS,
    SUMMARY_MAX_BYTES,
    MaxBytesValidator,
    summary_words_message,
)
from criteria.enums import NomineeCategory
from units.forms import DateInput
from units.models import Unit

from . import selectors
from .enums import ThresholdBasis
from .models import CommentKind, CouncilSession
from .summary import word_count

YES_NO = [("", _("— chưa đánh giá —")), ("yes", _("Đạt")), ("no", _("Chưa đạt"))]
CV_FIELDS = [
    ("religion", _("Tôn giáo")),
    ("hometown", _("Quê quán")),
    ("residence", _("Nơi thường trú")),
    ("political", _("Trình độ lý luận chính trị")),
    ("professional", _("Trình độ chuyên môn, nghiệp vụ")),
    ("academic_title", _("Học hàm, học vị")),
]


class NominationCreateForm(OnceFormMixin, forms.Form):
    round = forms.ModelChoiceField(label=_("Đợt xét"), queryset=None, empty_label=None)
    category = forms.ChoiceField(label=_("Đối tượng"))
    title = forms.ModelChoiceField(label=_("Danh hiệu đề nghị"), queryset=None, empty_label=None)
    nominee = forms.CharField(
        label=_("Cá nhân, tập thể được đề nghị"), max_length=24, widget=forms.Select
    )

    def __init__(self, *args, campaign, unit, open_rounds, **kwargs):
        """`open_rounds`: campaigns.selectors.rounds_open_to, the open round first; a closed
        round is not offered (its dossier could never be sent)."""
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = campaign.rounds.filter(
            pk__in=[r.round.pk for r in open_rounds]
        )
        self.fields["round"].choices = [
            (
                r.round.pk,
                _("%(round)s — hạn chót %(deadline)s")
                % {"round": r.round.name, "deadline": r.deadline.strftime("%d/%m/%Y")}
                if r.open
                else _("%(round)s — mở từ %(opens)s, hạn chót %(deadline)s")
                % {
                    "round": r.round.name,
                    "opens": r.round.opens_on.strftime("%d/%m/%Y"),
                    "deadline": r.deadline.strftime("%d/%m/%Y"),
                },
            )
            for r in open_rounds
        ]
        self.fields["category"].choices = [
            (c, NomineeCategory(c).label) for c in campaign.categories
        ]
        self.fields["title"].queryset = campaign.titles.all()
        # Up to thousands of people: the select holds only the chosen one, and the picker
        # (static/js/person-picker.js, Tom Select) asks NomineeSearchView as the user types.
        self.unit = unit
        self.allows_units = "collective" in campaign.categories
        self.allows_people = any(c != "collective" for c in campaign.categories)
        self.nominee = None
        widget = self.fields["nominee"].widget
        widget.attrs.update(
            {
                "data-autocomplete-url": reverse("nominations:nominee_search")
                + "?"
                + urlencode({"phong_trao": campaign.code}),
                "data-placeholder": _("Gõ tên (không dấu cũng được), mã định danh hoặc mã đơn vị"),
                "data-no-results": _("Không tìm thấy ai trong phạm vi đơn vị."),
                "data-group-units": _("Tập thể"),
                "data-group-people": _("Cá nhân"),
            }
        )
        widget.choices = [("", "")]
        if self.is_bound:
            chosen = self.lookup(self.data.get(self.add_prefix("nominee"), ""))
            if chosen is not None:
                widget.choices = [
                    ("", ""),
                    (self.data[self.add_prefix("nominee")], selectors.nominee_label(chosen)),
                ]
        self.helper = FormHelper()
        self.helper.add_input(Submit("create", _("Tạo hồ sơ")))

    def lookup(self, key: str):
        """The unit ("u<id>") or person ("p<id>") chosen, if the unit may nominate them here."""
        kind, number = str(key)[:1], query_int(str(key)[1:])
        if number is None:
            return None
        if kind == "u" and self.allows_units:
            return selectors.nominable_units(self.unit).filter(pk=number).first()
        if kind == "p" and self.allows_people:
            return (
                selectors.nominable_people(self.unit)
                .select_related("unit")
                .filter(pk=number)
                .first()
            )
        return None

    def clean_nominee(self):
        key = self.cleaned_data["nominee"]
        self.nominee = self.lookup(key)
        if self.nominee is None:
            raise ValidationError(_("Hãy chọn cá nhân, tập thể trong phạm vi đơn vị."))
        return key

    def nominee_kwargs(self):
        if isinstance(self.nominee, Unit):
            return {"nominee_unit": self.nominee}
        return {"person": self.nominee}


class SummaryEditor(forms.Textarea):
    """The summary's rich-text editor (django-prose-editor's ProseMirror bundle, started by
    static/js/summary-editor.js so that the strict CSP holds: no inline import map, no injected
    style). Without JavaScript it is the plain textarea it wraps."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 16, "data-summary-editor": "", **(attrs or {})})

    @property
    def media(self):
        return Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "css/summary-editor.css",
                ]
            },
            js=[Script("js/summary-editor.js", type="module")],
        )


class ContentForm(VersionedFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Tóm tắt thành tích"),
        required=False,
        validators=[MaxBytesValidator(SUMMARY_MAX_BYTES)],
        widget=SummaryEditor(attrs={"data-word-count": "summary-words"}),
        help_text=_(
            "Có thể dán từ Word; định dạng được giữ ở mức đoạn, đậm, nghiêng, danh sách, "
            "bảng. Mã HTML, script và liên kết bị loại bỏ."
        ),
    )
    ground = BoundedTextField(
        label=_("Căn cứ đề nghị"),
        max_length=2000,
        rows=2,
        help_text=_(
            "Ghi khi hồ sơ không dựa trên điều kiện portal kiểm tra được (ví dụ Bằng khen theo "
            "Điều 74 khoản 1 điểm a, b hoặc c): người xét thấy cả căn cứ này và cảnh báo."
        ),
    )
    video_links = BoundedTextField(
        label=_("Đường dẫn video (mỗi dòng một đường dẫn)"), max_length=2000, rows=2
    )
    photo = PhotoField(
        label=_("Ảnh 4x6"), required=False, help_text=_("JPEG hoặc PNG, tối đa 2 MB.")
    )
    photo_public = forms.BooleanField(
        label=_("Cá nhân đồng ý công khai ảnh trên trang tôn vinh"), required=False
    )

    def __init__(self, *args, individual: bool, max_summary_words=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_summary_words = max_summary_words
        if individual:
            for key, label in CV_FIELDS:
                self.fields[f"cv_{key}"] = BoundedTextField(
                    label=label, max_length=SHORT_TEXT_MAX_CHARS, widget=forms.TextInput
                )
        else:
            for name in ("photo", "photo_public"):
                self.fields.pop(name)

    def clean_summary(self):
        summary = self.cleaned_data["summary"]
        words = word_count(summary)
        if self.max_summary_words is not None and words > self.max_summary_words:
            raise forms.ValidationError(summary_words_message(words, self.max_summary_words))
        return summary

    def clean_video_links(self):
        links = [
            line.strip() for line in self.cleaned_data["video_links"].splitlines() if line.strip()
        ]
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("“%(link)s” không phải là đường dẫn http(s) hợp lệ.") % {"link": link}
                ) from exc
        return links

    def cv(self):
        return {
            key: self.cleaned_data[f"cv_{key}"]
            for key, _label in CV_FIELDS
            if f"cv_{key}" in self.cleaned_data
        }


class WorkForm(forms.Form):
    name = BoundedTextField(
        label=_("Tên mô hình, công trình"), max_length=SHORT_TEXT_MAX_CHARS, widget=forms.TextInput
    )
    implementing_unit = BoundedTextField(
        label=_("Đơn vị thực hiện"), max_length=SHORT_TEXT_MAX_CHARS, widget=forms.TextInput
    )
    description = BoundedTextField(label=_("Mô tả"), rows=2)
    roadmap = BoundedTextField(label=_("Lộ trình triển khai"), rows=2)
    results = BoundedTextField(label=_("Kết quả đạt được"), rows=2)


WorkFormSet = forms.formset_factory(WorkForm, extra=1, can_delete=True)


class AssessmentForm(forms.Form):
    met = forms.ChoiceField(label=_("Tự đánh giá"), choices=YES_NO, required=False)
    explanation = BoundedTextField(label=_("Giải trình"), rows=2)

    def __init__(self, *args, criterion=None, **kwargs):
        """With `criterion`, each field names it, so that a screen reader tells the five
        selects apart; the criterion's full text describes them (id "criterion-<pk>")."""
        super().__init__(*args, **kwargs)
        if criterion is not None:
            self.fields["met"].label = _("Tự đánh giá tiêu chí %(n)s") % {"n": criterion.order}
            self.fields["explanation"].label = _("Giải trình tiêu chí %(n)s") % {
                "n": criterion.order
            }
            for field in self.fields.values():
                field.widget.attrs["aria-describedby"] = f"criterion-{criterion.pk}"

    def value(self):
        met = {"yes": True, "no": False}.get(self.cleaned_data["met"])
        return met, self.cleaned_data["explanation"]


class ReceivedTitleForm(OnceFormMixin, forms.Form):
    """A title or award the nominee already received that the registry does not have yet."""

    year = BoundedYearField(label=_("Năm"), kind="record")
    title = forms.ModelChoiceField(label=_("Danh hiệu, hình thức"), queryset=None)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)
    decision_date = BoundedDateField(label=_("Ngày quyết định"), kind="record")
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)

    def __init__(self, *args, **kwargs):
        from criteria.models import Title

        super().__init__(*args, **kwargs)
        self.fields["title"].queryset = Title.objects.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.add_input(Submit("add_title", _("Thêm vào sổ thành tích")))


class EvidenceForm(OnceFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Tệp minh chứng"), help_text=_("PDF, ảnh, Word, Excel, PowerPoint; tối đa 20 MB.")
    )
    criterion = forms.ModelChoiceField(
        label=_("Cho tiêu chí"), queryset=None, required=False, empty_label=_("— chung cho hồ sơ —")
    )

    def __init__(self, *args, nomination, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = nomination.criteria_set.criteria.all()
        self.helper = FormHelper()
        self.helper.add_input(Submit("upload", _("Tải lên")))


class TransitionForm(forms.Form):
    reason = BoundedTextField(label=_("Lý do"), rows=2)
    number = forms.CharField(label=_("Số quyết định"), required=False, max_length=64)
    signed_on = BoundedDateField(label=_("Ngày ký"), required=False, kind="record")
    issuer = forms.CharField(label=_("Người, cơ quan ký"), required=False, max_length=255)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewForm(OnceFormMixin, forms.Form):
    comment = BoundedTextField(label=_("Nhận xét"))
    comment_visible = forms.BooleanField(label=_("Cho đơn vị đề nghị xem nhận xét"), required=False)

    def __init__(self, *args, nomination, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(nomination.criteria_set.criteria.all())
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.order}. {criterion.text}",  # whole: never cut mid-word
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=2,
                help_text=_("Tối đa %(max)s, trọng số %(w)s")
                % {"max": f"{criterion.max_score:g}", "w": f"{criterion.weight:g}"},
            )
        self.order_fields([f"c{c.pk}" for c in self.criteria])
        self.helper = FormHelper()
        self.helper.add_input(Submit("score", _("Lưu điểm")))

    def scores(self):
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}


class CouncilSessionForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = CouncilSession
        fields = [
            "round",
            "held_on",
            "members_total",
            "members_present",
            "member_names",
            "threshold_percent",
            "threshold_basis",
            "threshold_strict",
        ]
        widgets = {"held_on": DateInput(), "member_names": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, rounds, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        bound_dates(self, held_on="event")
        bound_text_fields(self)
        self.fields["threshold_basis"].initial = ThresholdBasis.ALL
        if campaign is not None:
            self.fields["threshold_percent"].initial = campaign.council_threshold_percent
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Lập phiên họp")))


class VoteForm(forms.Form):
    votes_for = forms.IntegerField(label=_("Đồng ý"), min_value=0)
    votes_against = forms.IntegerField(label=_("Không đồng ý"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("Không biểu quyết"), min_value=0, initial=0)


class ConsultationForm(OnceFormMixin, forms.Form):
    """The deciding unit's list for public consultation."""

    nominations = forms.ModelMultipleChoiceField(
        label=_("Hồ sơ công khai"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    opens_on = BoundedDateField(label=_("Công khai từ ngày"), kind="event")
    days = forms.IntegerField(label=_("Số ngày công khai"), min_value=1, max_value=60)
    day_count = forms.ChoiceField(label=_("Cách tính số ngày"), choices=DayCount.choices)
    note = BoundedTextField(label=_("Thông báo kèm theo"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = candidates
        self.fields["nominations"].label_from_instance = lambda n: f"{n.nominee} — {n.title.name}"


# Anti-spam without a captcha: a field people never see (bots fill it), and a signed time stamp
# (a person takes more than a few seconds to write; a replayed form expires).
FORM_MIN_SECONDS = 3
FORM_MAX_AGE = 2 * 60 * 60
_SIGNER_SALT = "nominations.public-comment"


def comment_token() -> str:
    return signing.TimestampSigner(salt=_SIGNER_SALT).sign("comment")


class PublicCommentForm(OnceFormMixin, forms.Form):
    nomination = forms.ModelChoiceField(label=_("Ý kiến về hồ sơ"), queryset=None)
    kind = forms.ChoiceField(label=_("Loại ý kiến"), choices=CommentKind.choices)
    author_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    author_contact = forms.CharField(
        label=_("Điện thoại hoặc thư điện tử (không công khai)"), max_length=120, required=False
    )
    text = BoundedTextField(label=_("Nội dung"), required=True, rows=5)
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = entries
        self.fields["nomination"].label_from_instance = lambda n: f"{n.nominee} — {n.title.name}"
        self.fields["token"].initial = comment_token()

    @property
    def is_bot(self) -> bool:
        """Filled the field people never see: refuse without saying why."""
        return bool(self.data.get("website"))

    def clean_token(self):
        signer = signing.TimestampSigner(salt=_SIGNER_SALT)
        try:
            signer.unsign(self.cleaned_data["token"], max_age=FORM_MAX_AGE)
        except signing.SignatureExpired as exc:
            raise forms.ValidationError(
                _("Trang đã mở quá lâu; hãy gửi lại ý kiến (nội dung vẫn được giữ).")
            ) from exc
        except signing.BadSignature as exc:
            raise forms.ValidationError(_("Biểu mẫu không hợp lệ; hãy tải lại trang.")) from exc
        try:
            signer.unsign(self.cleaned_data["token"], max_age=FORM_MIN_SECONDS)
        except signing.SignatureExpired:
            return self.cleaned_data["token"]
        raise forms.ValidationError(
            _("Ý kiến được gửi quá nhanh; hãy đọc lại nội dung rồi gửi lần nữa.")
        )
