"""When and how many: campaigns, their rounds with per-level deadlines, quotas, extensions and
the registrations units and people make at the start of the school year."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import FoldedKeyField
from core.validators import DEFAULT_MAX_SUMMARY_WORDS, LONG_TEXT_MAX_CHARS
from criteria.enums import NomineeCategory, Severity
from units.enums import UnitLevel

from .enums import CampaignStatus, DayCount, HolidayKind, QuotaCategory, ReportTemplate, RoundKind

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới."),
)


class Campaign(models.Model):
    """An emulation campaign or plan ("phong trào thi đua", "kế hoạch"). Its owner unit's subtree
    is its scope. A template (is_template) has no owner and seeds new campaigns."""

    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    is_template = models.BooleanField(_("là mẫu"), default=False)
    template = models.ForeignKey(
        "self",
        verbose_name=_("tạo từ mẫu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(
        _("mã phong trào"), max_length=64, unique=True, validators=[code_validator]
    )
    name = models.CharField(_("tên phong trào, kế hoạch"), max_length=255)
    name_key = FoldedKeyField(source="name")  # the list's search, without diacritics
    description = models.TextField(
        _("mục đích, nội dung"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )
    legal_basis = models.CharField(_("số, ký hiệu văn bản"), max_length=255, blank=True)
    period_start = models.DateField(_("bắt đầu"))
    period_end = models.DateField(_("kết thúc"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    categories = models.JSONField(_("đối tượng được đề nghị"), default=list)
    titles = models.ManyToManyField(
        "criteria.Title",
        verbose_name=_("danh hiệu, hình thức đề nghị"),
        blank=True,
        related_name="campaigns",
    )
    report_template = models.CharField(
        _("mẫu báo cáo thành tích"),
        max_length=16,
        choices=ReportTemplate.choices,
        default=ReportTemplate.SHORT,
    )
    min_summary_words = models.PositiveIntegerField(
        _("số từ tối thiểu của bản tóm tắt"), default=1000
    )
    max_summary_words = models.PositiveIntegerField(
        _("số từ tối đa của bản tóm tắt"),
        default=DEFAULT_MAX_SUMMARY_WORDS,
        validators=[MinValueValidator(1), MaxValueValidator(20_000)],
    )
    reminder_days = models.CharField(
        _("nhắc trước hạn chót (số ngày)"),
        max_length=32,
        default="7,3,1",
        validators=[
            RegexValidator(
                r"^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$",
                _("Ghi các số ngày, cách nhau bằng dấu phẩy, ví dụ 7,3,1."),
            )
        ],
        help_text=_("Ví dụ 7,3,1: nhắc các đơn vị chưa gửi đủ hồ sơ 7, 3 và 1 ngày trước hạn."),
    )
    deadline_day_count = models.CharField(
        _("đếm số ngày đến hạn chót theo"),
        max_length=16,
        choices=DayCount.choices,
        default=DayCount.CALENDAR,
        help_text=_(
            "Dùng cho thư nhắc hạn và số ngày còn lại ghi trên hàng chờ xét, bảng điều khiển và "
            "chuỗi xét."
        ),
    )
    requires_council_vote = models.BooleanField(_("cần hội đồng bỏ phiếu"), default=False)
    council_threshold_percent = models.DecimalField(
        _("tỷ lệ phiếu đồng ý cần đạt (%)"),
        max_digits=5,
        decimal_places=2,
        default=50,
        help_text=_("Tính trên tổng số thành viên hội đồng."),
    )
    requires_public_consultation = models.BooleanField(
        _("cần công khai, lấy ý kiến"), default=False
    )
    consultation_days = models.PositiveSmallIntegerField(_("số ngày công khai"), default=10)
    consultation_day_count = models.CharField(
        _("cách tính số ngày công khai"),
        max_length=16,
        choices=DayCount.choices,
        default=DayCount.WORKING,
        help_text=_(
            "Danh hiệu cấp Nhà nước phải công khai ít nhất 10 ngày làm việc (Nghị định "
            "152/2025/NĐ-CP, Điều 60)."
        ),
    )
    registration_opens = models.DateField(_("mở đăng ký thi đua"), null=True, blank=True)
    registration_closes = models.DateField(_("hạn đăng ký thi đua"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(_("mở lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # Raised by every save of the campaign form (core.concurrency).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_template=True) | Q(owner_unit__isnull=False),
                name="campaign_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="campaign_period"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def reminder_offsets(self) -> list[int]:
        """Days before a deadline at which reminders go out, largest first."""
        return sorted({int(d) for d in self.reminder_days.split(",") if d.strip()}, reverse=True)

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
        unknown = set(self.categories or []) - set(NomineeCategory.values)
        if unknown:
            errors["categories"] = _("Đối tượng không hợp lệ: %(v)s.") % {"v": ", ".join(unknown)}
        if not self.categories:
            errors["categories"] = _("Hãy chọn ít nhất một đối tượng được đề nghị.")
        if (
            self.min_summary_words is not None
            and self.max_summary_words is not None
            and self.max_summary_words < self.min_summary_words
        ):
            errors["max_summary_words"] = _(
                "Số từ tối đa của bản tóm tắt phải không nhỏ hơn số từ tối thiểu."
            )
        opens, closes = self.registration_opens, self.registration_closes
        if bool(opens) != bool(closes):
            errors["registration_closes"] = _(
                "Hãy nhập cả ngày mở và hạn đăng ký, hoặc bỏ trống cả hai."
            )
        elif opens and closes < opens:
            errors["registration_closes"] = _("Hạn đăng ký phải sau ngày mở đăng ký.")
        if errors:
            raise ValidationError(errors)

    @property
    def category_labels(self):
        return [NomineeCategory(c).label for c in self.categories]


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("giai đoạn"), max_length=128)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        ordering = ["campaign", "starts_on"]

    def __str__(self):
        return self.name


class CampaignCriteriaSet(models.Model):
    """The criteria set a campaign uses for one category: a template while the campaign is being
    prepared, a frozen version once it is open."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria_links")
    category = models.CharField(_("đối tượng"), max_length=16, choices=NomineeCategory.choices)
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        verbose_name=_("bộ tiêu chí"),
        on_delete=models.PROTECT,
        related_name="campaign_links",
    )

    class Meta:
        verbose_name = _("bộ tiêu chí của phong trào")
        verbose_name_plural = _("bộ tiêu chí của phong trào")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "category"], name="campaign_category_set")
        ]

    def __str__(self):
        return f"{self.campaign}: {self.get_category_display()}"


class CampaignRule(models.Model):
    """An eligibility rule the campaign adds to those of the titles, blocking or only warning."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rule_links")
    rule = models.ForeignKey(
        "criteria.EligibilityRule",
        verbose_name=_("điều kiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    severity = models.CharField(
        _("khi không đạt"), max_length=8, choices=Severity.choices, default=Severity.BLOCK
    )

    class Meta:
        verbose_name = _("điều kiện của phong trào")
        verbose_name_plural = _("điều kiện của phong trào")
        constraints = [models.UniqueConstraint(fields=["campaign", "rule"], name="campaign_rule")]

    def __str__(self):
        return f"{self.campaign}: {self.rule}"


class Round(models.Model):
    """A selection round ("đợt xét"): a window that opens on a date and a deadline per level."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("tên đợt"), max_length=128)
    kind = models.CharField(_("loại đợt"), max_length=16, choices=RoundKind.choices)
    opens_on = models.DateField(_("mở từ ngày"))
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)
    # Raised by every save of the round form (core.concurrency).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("đợt xét")
        verbose_name_plural = _("đợt xét")
        ordering = ["campaign", "opens_on", "pk"]

    def __str__(self):
        return self.name


class RoundDeadline(models.Model):
    """Units of `level` must have submitted or forwarded by the end of `deadline` (local time)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="deadlines")
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    deadline = models.DateField(_("hạn chót"))

    class Meta:
        verbose_name = _("hạn chót theo cấp")
        verbose_name_plural = _("hạn chót theo cấp")
        ordering = ["round", "deadline"]
        constraints = [models.UniqueConstraint(fields=["round", "level"], name="round_level")]

    def __str__(self):
        return f"{self.round}: {self.get_level_display()} {self.deadline:%d/%m/%Y}"


class Quota(models.Model):
    """The most a unit of `level` may forward in a round (for a category, or all of them), and/or
    the least it is expected to (a target such as "at least 10 collectives")."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="quotas")
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    category = models.CharField(
        _("đối tượng"),
        max_length=16,
        choices=QuotaCategory.choices,
        blank=True,
        help_text=_("Để trống: tính chung mọi đối tượng."),
    )
    max_forward = models.PositiveIntegerField(_("tối đa được gửi lên"), null=True, blank=True)
    min_target = models.PositiveIntegerField(_("chỉ tiêu tối thiểu"), null=True, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["round", "level", "category"]
        constraints = [
            models.UniqueConstraint(fields=["round", "level", "category"], name="quota_unique"),
            models.CheckConstraint(
                condition=Q(max_forward__isnull=False) | Q(min_target__isnull=False),
                name="quota_has_a_number",
            ),
        ]

    def __str__(self):
        return f"{self.round}: {self.get_level_display()} {self.category_label}"

    @property
    def category_label(self):
        return self.get_category_display() if self.category else _("mọi đối tượng")

    def clean(self):
        if self.max_forward is None and self.min_target is None:
            raise ValidationError(_("Hãy nhập số tối đa được gửi lên hoặc chỉ tiêu tối thiểu."))
        if (
            self.max_forward is not None
            and self.min_target is not None
            and self.min_target > self.max_forward
        ):
            raise ValidationError(
                {"min_target": _("Chỉ tiêu tối thiểu không được lớn hơn số tối đa.")}
            )


class StandingQuota(models.Model):
    """A quota or target set for "all rounds" of a campaign: copied onto every round, those
    added later included (campaigns.services.round_save), so that a quarter added in June has
    the same target as those that existed when it was set."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="standing_quotas")
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    category = models.CharField(
        _("đối tượng"), max_length=16, choices=QuotaCategory.choices, blank=True
    )
    max_forward = models.PositiveIntegerField(_("tối đa được gửi lên"), null=True, blank=True)
    min_target = models.PositiveIntegerField(_("chỉ tiêu tối thiểu"), null=True, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu cho mọi đợt")
        verbose_name_plural = _("chỉ tiêu cho mọi đợt")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "level", "category"], name="standing_quota_unique"
            ),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.get_level_display()} {self.category or '*'}"


class Extension(models.Model):
    """A later deadline for one unit in one round, granted by the campaign admin with a reason."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="extensions"
    )
    deadline = models.DateField(_("hạn mới"))
    reason = models.CharField(_("lý do"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="extension_unique")]

    def __str__(self):
        return f"{self.unit}: {self.deadline:%d/%m/%Y}"


class Registration(models.Model):
    """At the start of the school year a unit registers the titles it and its people aim for."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="registrations")
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị đăng ký"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("cá nhân"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    nominee_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("tập thể"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.ForeignKey(
        "criteria.Title",
        verbose_name=_("danh hiệu đăng ký"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký thi đua")
        verbose_name_plural = _("đăng ký thi đua")
        ordering = ["campaign", "unit", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, nominee_unit__isnull=True)
                | Q(person__isnull=True, nominee_unit__isnull=False),
                name="registration_one_nominee",
            ),
            models.UniqueConstraint(
                fields=["campaign", "person", "title"],
                condition=Q(person__isnull=False),
                name="registration_person_title",
                violation_error_message=_(
                    "Cá nhân này đã đăng ký danh hiệu này trong phong trào; không cần đăng ký lại."
                ),
            ),
            models.UniqueConstraint(
                fields=["campaign", "nominee_unit", "title"],
                condition=Q(nominee_unit__isnull=False),
                name="registration_unit_title",
                violation_error_message=_(
                    "Tập thể này đã đăng ký danh hiệu này trong phong trào; không cần đăng ký lại."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.nominee} — {self.title}"

    @property
    def nominee(self):
        return self.person or self.nominee_unit


class Holiday(models.Model):
    """One day off for public servants (or, with `is_day_off` false, a weekend day worked in
    exchange), with its legal basis. Saturdays and Sundays are off without a row. Prefilled from
    the Labour Code by `services.holidays_prefill`; each year's government announcement is entered
    as edits by the system administrator (Django admin)."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên ngày nghỉ"), max_length=160)
    kind = models.CharField(_("loại"), max_length=16, choices=HolidayKind.choices)
    is_day_off = models.BooleanField(
        _("là ngày nghỉ"),
        default=True,
        help_text=_("Bỏ chọn khi đây là thứ Bảy, Chủ nhật phải đi làm bù."),
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255)
    is_verified = models.BooleanField(
        _("đã đối chiếu với văn bản"),
        default=False,
        help_text=_("Ngày điền sẵn theo tính toán cần đối chiếu với thông báo nghỉ lễ hằng năm."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ lễ, tết")
        verbose_name_plural = _("lịch nghỉ lễ, tết")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"
