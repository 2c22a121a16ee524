"""What counts: the title catalogue, criteria sets, eligibility rules, the achievement registry."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.enums import UnitLevel

from .enums import (
    CriterionKind,
    DisciplineLevel,
    NomineeCategory,
    NomineeKind,
    Rating,
    RecognitionScope,
    RecordKind,
    RecordSource,
    RuleType,
    Severity,
    SourceGrade,
    Tier,
    TitleKind,
)


class Title(models.Model):
    """An emulation title or a form of award. Who may grant it, and since when, is the authority
    matrix (GrantingAuthority), not a field of the title: it changes with the law."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=32, blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=TitleKind.choices)
    nominee_kind = models.CharField(_("đối tượng"), max_length=16, choices=NomineeKind.choices)
    cash_multiplier = models.DecimalField(
        _("mức tiền thưởng (lần lương cơ sở)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    legal_source = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("danh hiệu, hình thức khen thưởng")
        verbose_name_plural = _("danh hiệu, hình thức khen thưởng")
        ordering = ["order", "code"]

    def __str__(self):
        return self.short_name or self.name

    def fits(self, category: str) -> bool:
        kind = NomineeCategory(category).nominee_kind
        return self.nominee_kind in (kind, NomineeKind.BOTH)


class CriteriaSet(models.Model):
    """An ordered list of criteria for one nominee category and tier.

    A template (frozen_at empty) may be edited. A campaign uses frozen copies: `freeze()` in the
    services makes an immutable version, and nominations keep the version they were made under.
    """

    code = models.CharField(_("mã"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    category = models.CharField(_("đối tượng"), max_length=16, choices=NomineeCategory.choices)
    tier = models.CharField(_("cấp xét"), max_length=16, choices=Tier.choices)
    source = models.CharField(_("nguồn, căn cứ"), max_length=255, blank=True)
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị sở hữu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria_sets",
        help_text=_("Để trống: mẫu dùng chung toàn ngành."),
    )
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    frozen_at = models.DateTimeField(_("khoá lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_version"),
            # version 0 is the editable template; frozen copies are numbered from 1
            models.CheckConstraint(
                condition=Q(version=0, frozen_at__isnull=True)
                | Q(version__gt=0, frozen_at__isnull=False),
                name="criteria_set_frozen_versions",
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})" if self.version else self.name

    def save(self, *args, **kwargs):
        if (
            not self._state.adding
            and CriteriaSet.objects.filter(pk=self.pk, frozen_at__isnull=False).exists()
        ):
            raise FrozenCriteriaSetError(self)
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class FrozenCriteriaSetError(ValidationError):
    """A frozen criteria set is what nominations were made under: it never changes."""

    def __init__(self, criteria_set):
        super().__init__(
            _(
                "Bộ tiêu chí “%(name)s” đã khoá (phiên bản %(version)s), không sửa được. "
                "Hãy sửa bộ mẫu rồi cập nhật phiên bản mới cho phong trào."
            )
            % {"name": criteria_set.name, "version": criteria_set.version}
        )


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.TextField(_("nội dung tiêu chí"))
    kind = models.CharField(_("loại"), max_length=16, choices=CriterionKind.choices)
    evidence_required = models.BooleanField(_("bắt buộc minh chứng"), default=False)
    max_score = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, default=10)
    weight = models.DecimalField(_("trọng số"), max_digits=5, decimal_places=2, default=1)
    threshold = models.DecimalField(
        _("ngưỡng"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    threshold_unit = models.CharField(_("đơn vị ngưỡng"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "order"], name="criterion_order"),
        ]

    def __str__(self):
        return f"{self.order}. {self.text[:80]}"

    def save(self, *args, **kwargs):
        if self.criteria_set.is_frozen:
            raise FrozenCriteriaSetError(self.criteria_set)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.criteria_set.is_frozen:
            raise FrozenCriteriaSetError(self.criteria_set)
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.kind == CriterionKind.NUMERIC and self.threshold is None:
            raise ValidationError({"threshold": _("Chỉ tiêu định lượng cần có ngưỡng.")})


class LegalText(models.Model):
    """A legal text a rule version or a line of the authority matrix rests on (a law, decree or
    circular), with how sure we are of it. A text graded [U] in DOMAIN.md is marked unverified
    on every verdict that uses it until an administrator confirms it, having read the text."""

    code = models.CharField(_("số hiệu"), max_length=64, unique=True)
    name = models.CharField(_("tên văn bản"), max_length=255)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    effective_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    effective_to = models.DateField(_("hết hiệu lực từ ngày"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("thay thế văn bản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    grade = models.CharField(
        _("mức tin cậy"), max_length=1, choices=SourceGrade.choices, default=SourceGrade.UNVERIFIED
    )
    url = models.URLField(_("đường dẫn văn bản"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản pháp lý")
        verbose_name_plural = _("văn bản pháp lý")
        ordering = ["-effective_from", "code"]

    def __str__(self):
        return self.code

    @property
    def is_verified(self) -> bool:
        """Not a single unverified source ([U]), or confirmed by an administrator since."""
        return self.grade != SourceGrade.UNVERIFIED or self.verified_at is not None


class EligibilityRule(models.Model):
    """A named, checkable condition. Its parameters live in dated versions (RuleVersion), so a
    change in the law adds a version and evaluation uses the one in force on the date."""

    code = models.CharField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên điều kiện"), max_length=255)
    rule_type = models.CharField(_("loại điều kiện"), max_length=32, choices=RuleType.choices)
    title = models.ForeignKey(
        Title,
        verbose_name=_("áp dụng cho danh hiệu"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    severity = models.CharField(
        _("khi không đạt"), max_length=8, choices=Severity.choices, default=Severity.BLOCK
    )
    applies_to = models.CharField(
        _("áp dụng cho"),
        max_length=16,
        choices=NomineeKind.choices,
        default=NomineeKind.BOTH,
        help_text=_("Điều kiện gắn vào phong trào chỉ xét với loại đối tượng này."),
    )
    description = models.TextField(_("diễn giải"), blank=True)

    class Meta:
        verbose_name = _("điều kiện xét")
        verbose_name_plural = _("điều kiện xét")
        ordering = ["code"]

    def __str__(self):
        return self.name


class RuleVersion(models.Model):
    rule = models.ForeignKey(EligibilityRule, on_delete=models.CASCADE, related_name="versions")
    params = models.JSONField(_("tham số"), default=dict)
    legal_source = models.CharField(_("căn cứ pháp lý"), max_length=255)
    effective_from = models.DateField(_("hiệu lực từ ngày"))
    effective_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    sources = models.ManyToManyField(
        LegalText, verbose_name=_("văn bản căn cứ"), blank=True, related_name="rule_versions"
    )
    applies_if_more_favourable = models.BooleanField(
        _("áp dụng cho hồ sơ tiếp nhận trước nếu có lợi hơn"),
        default=False,
        help_text=_(
            "Quy định chuyển tiếp: hồ sơ được tiếp nhận trước ngày hiệu lực vẫn theo phiên bản "
            "cũ, trừ khi phiên bản này có lợi hơn cho người được đề nghị."
        ),
    )

    class Meta:
        verbose_name = _("phiên bản điều kiện")
        verbose_name_plural = _("phiên bản điều kiện")
        ordering = ["rule", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "effective_from"], name="rule_version_from"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="rule_version_range",
            ),
        ]

    def __str__(self):
        return f"{self.rule.code} từ {self.effective_from:%d/%m/%Y}"

    def in_force_on(self, day) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def unverified_sources(self) -> list[LegalText]:
        """The texts this version rests on that nobody has confirmed (prefetch `sources`)."""
        return [text for text in self.sources.all() if not text.is_verified]

    def clean(self):
        from .params import params_problems

        if self.rule_id:
            codes = set(Title.objects.values_list("code", flat=True))
            problems = params_problems(self.rule.rule_type, self.params, title_codes=codes)
            if problems:
                raise ValidationError({"params": problems})


class GrantingAuthority(models.Model):
    """One line of the authority matrix: the head of a unit at `level` may grant `title` between
    the dates, on the legal basis named. The campaign and decision forms check it, and the chain
    of a dossier stops at the first unit that may grant its title."""

    title = models.ForeignKey(
        Title,
        verbose_name=_("danh hiệu, hình thức"),
        on_delete=models.CASCADE,
        related_name="authorities",
    )
    level = models.CharField(_("cấp có thẩm quyền tặng"), max_length=16, choices=UnitLevel.choices)
    source = models.ForeignKey(
        LegalText,
        verbose_name=_("văn bản căn cứ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authorities",
    )
    legal_source = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    grade = models.CharField(
        _("mức tin cậy"), max_length=1, choices=SourceGrade.choices, default=SourceGrade.UNVERIFIED
    )
    effective_from = models.DateField(_("hiệu lực từ ngày"))
    effective_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("thẩm quyền khen thưởng")
        verbose_name_plural = _("thẩm quyền khen thưởng")
        ordering = ["title", "level", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "level", "effective_from"], name="authority_title_level_from"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="authority_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.title}"

    @property
    def is_verified(self) -> bool:
        return self.grade != SourceGrade.UNVERIFIED

    def in_force_on(self, day) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class AchievementRecord(models.Model):
    """One fact of a person's or a unit's history in a school year: a rating, a title or award,
    an initiative, a research project, a discipline or an open disciplinary review.

    `year` is the year in which the school year ends: 2024 means the school year 2023–2024.
    """

    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("cá nhân"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="achievements",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("tập thể"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="achievements",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại"), max_length=24, choices=RecordKind.choices)
    rating = models.CharField(_("xếp loại"), max_length=16, choices=Rating.choices, blank=True)
    title = models.ForeignKey(
        Title,
        verbose_name=_("danh hiệu, hình thức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    scope = models.CharField(
        _("cấp công nhận"), max_length=16, choices=RecognitionScope.choices, blank=True
    )
    discipline_level = models.CharField(
        _("hình thức kỷ luật"), max_length=16, choices=DisciplineLevel.choices, blank=True
    )
    description = models.CharField(_("nội dung"), max_length=500, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    period_start = models.DateField(_("từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("đến ngày"), null=True, blank=True)
    source = models.CharField(
        _("nguồn"), max_length=16, choices=RecordSource.choices, default=RecordSource.MANUAL
    )
    source_ref = models.CharField(_("tham chiếu"), max_length=64, blank=True)
    is_revoked = models.BooleanField(_("đã bị thu hồi"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành tích, kỷ luật")
        verbose_name_plural = _("sổ thành tích")
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True)
                | Q(person__isnull=True, unit__isnull=False),
                name="record_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "year"], name="record_person_year_idx"),
            models.Index(fields=["unit", "year"], name="record_unit_year_idx"),
        ]

    def __str__(self):
        return f"{self.year}: {self.summary}"

    @property
    def subject(self):
        return self.person or self.unit

    @property
    def summary(self) -> str:
        if self.kind == RecordKind.RATING:
            return self.get_rating_display()
        if self.kind == RecordKind.TITLE and self.title_id:
            return self.title.name
        if self.kind == RecordKind.DISCIPLINE:
            return f"{self.get_kind_display()}: {self.get_discipline_level_display()}"
        return f"{self.get_kind_display()}: {self.description}"

    def clean(self):
        required = {
            RecordKind.RATING: "rating",
            RecordKind.TITLE: "title",
            RecordKind.DISCIPLINE: "discipline_level",
            RecordKind.INITIATIVE: "scope",
            RecordKind.RESEARCH: "scope",
        }.get(self.kind)
        if required and not getattr(self, required if required != "title" else "title_id"):
            field = self._meta.get_field(required)
            raise ValidationError(
                {
                    required: _("Loại “%(kind)s” cần có “%(field)s”.")
                    % {"kind": self.get_kind_display(), "field": field.verbose_name}
                }
            )
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("Ngày kết thúc phải sau ngày bắt đầu.")})


class BaseSalary(models.Model):
    """The base salary ("mức lương cơ sở") from a date: cash awards are multiples of it
    (Title.cash_multiplier), so the draft decision's Điều 2 computes each amount from the one in
    force on the decision's date. Data, because the government raises it every year or two."""

    amount = models.PositiveIntegerField(_("mức lương cơ sở (đồng)"))
    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    legal_source = models.CharField(_("căn cứ pháp lý"), max_length=255)
    round_to = models.PositiveIntegerField(
        _("làm tròn tiền thưởng lên bội số của (đồng)"),
        default=10000,
        help_text=_("Tiền thưởng sau khi nhân với mức lương cơ sở được làm tròn lên."),
    )

    class Meta:
        verbose_name = _("mức lương cơ sở")
        verbose_name_plural = _("mức lương cơ sở")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.amount:,} đ từ {self.effective_from:%d/%m/%Y}".replace(",", ".")

    @classmethod
    def on(cls, day):
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()

    def award(self, multiplier) -> int:
        """The cash for `multiplier` times the base salary, rounded up to `round_to`."""
        from decimal import ROUND_CEILING, Decimal

        raw = Decimal(self.amount) * Decimal(multiplier)
        step = Decimal(self.round_to or 1)
        return int((raw / step).to_integral_value(rounding=ROUND_CEILING) * step)
