"""The yearly implementation report's models: a unit's call for reports and each sub-unit's
report. They began in the reporting app and keep its tables (`db_table`), so moving them here
moved no row."""

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import FoldedKeyField
from core.validators import LONG_TEXT_MAX_CHARS

from .enums import ReportStatus


def school_year_label(year: int) -> str:
    """2026 → "2025 - 2026": `year` is the year the school year ends, as in the registry."""
    return f"{year - 1} - {year}"


def school_year_period(year: int) -> tuple[datetime.date, datetime.date]:
    """2026 → 01/09/2025 – 31/08/2026: the school year a yearly report covers, unless its call
    states another period."""
    return datetime.date(year - 1, 9, 1), datetime.date(year, 8, 31)


class ReportCall(models.Model):
    """A unit asking its direct sub-units for the implementation report of a school year by a
    date ("trước ngày 30/11 hằng năm về Sở GDĐT", seed 000; 30/08 in seed 004). The date is
    data, set by the asking unit, never a constant in code."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị yêu cầu"),
        on_delete=models.PROTECT,
        related_name="report_calls",
    )
    year = models.PositiveSmallIntegerField(
        _("năm học"), help_text=_("Năm kết thúc năm học: 2026 là năm học 2025 - 2026.")
    )
    title = models.CharField(_("tên báo cáo"), max_length=255)
    title_key = FoldedKeyField(source="title")  # the list's search, without diacritics
    due_on = models.DateField(_("hạn gửi"))
    # The period the report counts, when the call states one ("từ 01/12/2025 đến 30/11/2026",
    # seed 000's 30/11 date); blank: the school year.
    period_start = models.DateField(_("tính từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("tính đến ngày"), null=True, blank=True)
    instructions = models.TextField(
        _("hướng dẫn"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reporting_reportcall"
        verbose_name = _("yêu cầu báo cáo năm")
        verbose_name_plural = _("yêu cầu báo cáo năm")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="report_call_once_a_year")
        ]

    def __str__(self):
        return f"{self.unit} · {school_year_label(self.year)}"

    @property
    def school_year(self) -> str:
        return school_year_label(self.year)

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        start, end = school_year_period(self.year)
        return self.period_start or start, self.period_end or end


class ImplementationReport(models.Model):
    """A unit's yearly implementation report, answering its parent's `ReportCall`.

    While a draft (or returned) it shows live numbers; sending freezes the numbers, the exemplar
    lists, the header and the text in `snapshot`, so what the parent received never changes."""

    call = models.ForeignKey(
        ReportCall,
        verbose_name=_("yêu cầu báo cáo"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="implementation_reports",
    )
    year = models.PositiveSmallIntegerField(_("năm học"))
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
        db_index=True,
    )
    number = models.CharField(_("số, ký hiệu văn bản"), max_length=64, blank=True)
    direction = models.TextField(_("công tác chỉ đạo, triển khai thực hiện"), blank=True)
    propagation = models.TextField(
        _("kết quả tuyên truyền, nhân rộng điển hình tiên tiến"), blank=True
    )
    difficulties = models.TextField(_("hạn chế, khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    signer_title = models.CharField(_("chức danh người ký"), max_length=128, blank=True)
    signer_name = models.CharField(_("họ và tên người ký"), max_length=150, blank=True)
    snapshot = models.JSONField(_("bản đã gửi"), default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    send_count = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    first_sent_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_to = models.ForeignKey(
        "units.Unit",
        verbose_name=_("gửi đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_implementation_reports",
    )
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(
        _("lý do trả lại"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )

    class Meta:
        db_table = "reporting_implementationreport"
        verbose_name = _("báo cáo kết quả thực hiện năm")
        verbose_name_plural = _("báo cáo kết quả thực hiện năm")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="implementation_report_once"),
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.SENT)
                | models.Q(sent_at__isnull=False, sent_to__isnull=False),
                name="implementation_report_sent_has_when_and_where",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {school_year_label(self.year)}"

    @property
    def school_year(self) -> str:
        return school_year_label(self.year)
