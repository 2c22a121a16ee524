"""Forms of the campaign configuration pages. They validate input; services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from core.forms import BoundedDateField, BoundedYearField, bound_dates, bound_text_fields
from core.idempotency import OnceFormMixin
from core.validators import DEFAULT_MAX_SUMMARY_WORDS
from criteria.enums import NomineeCategory, Severity
from criteria.models import EligibilityRule, Title
from criteria.selectors import authority_problem, criteria_templates_for
from units.enums import UnitLevel
from units.forms import DateInput
from units.models import Unit

from .enums import QuotaCategory, RoundKind
from .models import Campaign, Phase


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("save", label))
    return helper


class CampaignForm(OnceFormMixin, VersionedFormMixin, forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Đối tượng được đề nghị"),
        choices=NomineeCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    titles = forms.ModelMultipleChoiceField(
        label=_("Danh hiệu, hình thức đề nghị"),
        queryset=Title.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "code",
            "name",
            "legal_basis",
            "description",
            "period_start",
            "period_end",
            "categories",
            "titles",
            "report_template",
            "min_summary_words",
            "max_summary_words",
            "reminder_days",
            "deadline_day_count",
            "requires_council_vote",
            "council_threshold_percent",
            "requires_public_consultation",
            "consultation_days",
            "consultation_day_count",
            "registration_opens",
            "registration_closes",
        ]
        widgets = {
            name: DateInput()
            for name in ("period_start", "period_end", "registration_opens", "registration_closes")
        }
        widgets["description"] = forms.Textarea(attrs={"rows": 3})

    # How days count: a form posted without them (an older page, a script) keeps what the
    # campaign has, or the model's default for a new one.
    DAY_COUNT_FIELDS = ("consultation_day_count", "deadline_day_count")

    def __init__(self, *args, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DAY_COUNT_FIELDS:
            self.fields[name].required = False
        if owner_choices is not None:
            self.fields["owner_unit"] = forms.ModelChoiceField(
                label=_("Đơn vị chủ trì"), queryset=owner_choices, empty_label=None
            )
            self.order_fields(["owner_unit"])
        else:
            self.fields.pop("code")  # the code names the campaign in links: it does not change
        bound_dates(
            self,
            period_start="event",
            period_end="event",
            registration_opens="event",
            registration_closes="event",
        )
        bound_text_fields(self)
        # Blank keeps the campaign's (or the default) maximum: older forms and scripts omit it.
        self.fields["max_summary_words"].required = False
        self.helper = _helper(_("Lưu"))

    def _day_count(self, name):
        value = self.cleaned_data.get(name)
        if value:
            return value
        if self.instance.pk:
            return getattr(self.instance, name)
        return Campaign._meta.get_field(name).default

    def clean_consultation_day_count(self):
        return self._day_count("consultation_day_count")

    def clean_deadline_day_count(self):
        return self._day_count("deadline_day_count")

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("owner_unit") or getattr(self.instance, "owner_unit", None)
        day = cleaned.get("period_start") or timezone.localdate()
        if owner is not None and cleaned.get("titles"):
            # The authority matrix: the unit running the campaign decides its dossiers, so it
            # must be allowed to grant every title it offers.
            problems = [
                authority_problem(title=title, unit=owner, day=day) for title in cleaned["titles"]
            ]
            for problem in filter(None, problems):
                self.add_error("titles", problem)
        return cleaned

    def clean_max_summary_words(self):
        value = self.cleaned_data.get("max_summary_words")
        if value is None:
            return self.instance.max_summary_words or DEFAULT_MAX_SUMMARY_WORDS
        return value


class PhaseForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self, starts_on="event", ends_on="event")
        self.helper = _helper(_("Thêm giai đoạn"))


class CampaignRuleForm(forms.Form):
    rule = forms.ModelChoiceField(label=_("Điều kiện"), queryset=None)
    severity = forms.ChoiceField(label=_("Khi không đạt"), choices=Severity.choices)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        attached = campaign.rule_links.values_list("rule_id", flat=True)
        # Title rules already apply through the titles; a campaign adds general ones.
        self.fields["rule"].queryset = EligibilityRule.objects.filter(title__isnull=True).exclude(
            pk__in=attached
        )
        self.helper = _helper(_("Thêm điều kiện"))


class CriteriaChoiceForm(forms.Form):
    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = {link.category: link.criteria_set for link in campaign.criteria_links.all()}
        for category in campaign.categories:
            chosen = current.get(category)
            self.fields[category] = forms.ModelChoiceField(
                label=NomineeCategory(category).label,
                queryset=criteria_templates_for(user, category=category),
                required=False,
                initial=(
                    chosen.derived_from_id
                    if chosen and chosen.is_frozen
                    else getattr(chosen, "pk", None)
                ),
                empty_label=_("— chưa chọn —"),
            )
        self.helper = _helper(_("Lưu bộ tiêu chí"))


class RoundForm(OnceFormMixin, VersionedFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên đợt"), max_length=128)
    kind = forms.ChoiceField(label=_("Loại đợt"), choices=RoundKind.choices)
    opens_on = BoundedDateField(label=_("Mở từ ngày"), kind="event")
    year = BoundedYearField(label=_("Năm"), kind="event")
    quarter = forms.IntegerField(label=_("Quý"), min_value=1, max_value=4, required=False)

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        for level in levels:
            self.fields[f"deadline_{level}"] = BoundedDateField(
                label=_("Hạn chót của cấp “%(level)s”") % {"level": UnitLevel(level).label},
                required=False,
                kind="event",
            )
        self.levels = levels
        self.helper = _helper(_("Lưu đợt"))

    def deadlines(self):
        return {level: self.cleaned_data.get(f"deadline_{level}") for level in self.levels}


class QuarterlyForm(forms.Form):
    year = BoundedYearField(label=_("Năm"), kind="event")
    deadline_day = forms.IntegerField(
        label=_("Hạn của cấp thấp nhất: ngày thứ mấy của tháng đầu quý sau"),
        initial=3,
        min_value=1,
        max_value=31,
    )
    gap_days = forms.IntegerField(
        label=_("Mỗi cấp trên có thêm bao nhiêu ngày"), initial=7, min_value=1, max_value=60
    )
    quarters = forms.TypedMultipleChoiceField(
        label=_("Các quý"),
        choices=[(q, _("Quý %(q)s") % {"q": q}) for q in range(1, 5)],
        coerce=int,
        initial=[1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Tạo các đợt theo quý"))


class QuotaForm(forms.Form):
    round = forms.ChoiceField(label=_("Áp dụng cho đợt"))
    level = forms.ChoiceField(label=_("Cấp"))
    category = forms.ChoiceField(label=_("Đối tượng"), required=False)
    max_forward = forms.IntegerField(label=_("Tối đa được gửi lên"), min_value=0, required=False)
    min_target = forms.IntegerField(label=_("Chỉ tiêu tối thiểu"), min_value=0, required=False)

    def __init__(self, *args, campaign, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["round"].choices = [
            ("all", _("Tất cả các đợt")),
            *[(r.pk, r.name) for r in campaign.rounds.all()],
        ]
        self.fields["level"].choices = [(level, UnitLevel(level).label) for level in levels]
        individual = [c for c in campaign.categories if c != NomineeCategory.COLLECTIVE]
        self.fields["category"].choices = [
            ("", _("Mọi đối tượng")),
            *([(QuotaCategory.INDIVIDUAL, QuotaCategory.INDIVIDUAL.label)] if individual else []),
            *[(c, NomineeCategory(c).label) for c in campaign.categories],
        ]
        self.fields["round"].help_text = _("“Tất cả các đợt” áp dụng cả cho các đợt thêm sau này.")
        self.helper = _helper(_("Lưu chỉ tiêu"))

    def clean(self):
        data = super().clean()
        if data.get("max_forward") is None and data.get("min_target") is None:
            raise forms.ValidationError(
                _("Hãy nhập số tối đa được gửi lên hoặc chỉ tiêu tối thiểu.")
            )
        return data

    @property
    def all_rounds(self) -> bool:
        return self.cleaned_data["round"] == "all"

    def rounds(self):
        rounds = self.campaign.rounds.all()
        choice = self.cleaned_data["round"]
        return list(rounds) if choice == "all" else [rounds.get(pk=choice)]


class UnitCodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=32, **kwargs)


def unit_in_campaign(campaign, code: str) -> Unit:
    """The unit with `code` inside the campaign's scope, or a form error saying so."""
    code = code.strip()
    unit = Unit.objects.filter(code__iexact=code, path__startswith=campaign.owner_unit.path).first()
    if unit is None:
        raise forms.ValidationError(
            _("Không có đơn vị mã “%(code)s” trong phạm vi phong trào.") % {"code": code}
        )
    return unit


class ExtensionForm(OnceFormMixin, forms.Form):
    round = forms.ModelChoiceField(label=_("Đợt"), queryset=None, empty_label=None)
    unit = UnitCodeField(label=_("Mã đơn vị được gia hạn"))
    deadline = BoundedDateField(label=_("Hạn mới"), kind="event")
    reason = forms.CharField(
        label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["round"].queryset = campaign.rounds.all()
        self.helper = _helper(_("Gia hạn"))

    def clean_unit(self):
        return unit_in_campaign(self.campaign, self.cleaned_data["unit"])


class ChainForm(forms.Form):
    unit = UnitCodeField(label=_("Mã trường hoặc đơn vị"))
    # The chain stops at the unit that may grant the title: without one, the preview climbs to
    # the campaign's owner.
    title = forms.ModelChoiceField(
        label=_("Danh hiệu đề nghị"),
        queryset=None,
        required=False,
        empty_label=_("(chưa chọn: đến đơn vị chủ trì)"),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["title"].queryset = campaign.titles.order_by("order", "code")

    def clean_unit(self):
        return unit_in_campaign(self.campaign, self.cleaned_data["unit"])


class RegistrationForm(OnceFormMixin, forms.Form):
    nominee = forms.ChoiceField(label=_("Cá nhân, tập thể đăng ký"))
    title = forms.ModelChoiceField(label=_("Danh hiệu đăng ký"), queryset=None)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, campaign, unit, **kwargs):
        super().__init__(*args, **kwargs)
        from units.models import Person

        self.units = {
            f"u{u.pk}": u
            for u in Unit.objects.filter(path__startswith=unit.path).order_by("path")[:200]
        }
        self.people = {
            f"p{p.pk}": p
            for p in Person.objects.filter(
                unit__path__startswith=unit.path, is_active=True
            ).order_by("full_name")[:2000]
        }
        self.fields["nominee"].choices = [
            (_("Tập thể"), [(key, u.name) for key, u in self.units.items()]),
            (
                _("Cá nhân"),
                [
                    (key, f"{p.full_name} ({p.get_position_display()})")
                    for key, p in self.people.items()
                ],
            ),
        ]
        self.fields["title"].queryset = campaign.titles.all()
        self.helper = _helper(_("Đăng ký"))

    def nominee_kwargs(self):
        key = self.cleaned_data["nominee"]
        return (
            {"nominee_unit": self.units[key]} if key in self.units else {"person": self.people[key]}
        )
