"""Choices of the campaigns app. Codes are stable: they are stored and never renamed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    OPEN = "open", _("Đang triển khai")
    CLOSED = "closed", _("Đã kết thúc")


class RoundKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Theo quý")
    YEARLY = "yearly", _("Theo năm học")
    AD_HOC = "ad_hoc", _("Đột xuất, chuyên đề")


class ReportTemplate(models.TextChoices):
    OFFICIAL = "official", _("Báo cáo thành tích theo mẫu của Nghị định")
    SHORT = "short", _("Tóm tắt thành tích (khoảng 1.000 từ) và bảng mô hình, công trình")


class QuotaCategory(models.TextChoices):
    """Whom a quota or target counts: one nominee category, or every individual category at
    once (seed 002: "ít nhất 10 tập thể và 10 cá nhân"). Blank: everyone. The codes of the
    single categories are criteria.enums.NomineeCategory's."""

    INDIVIDUAL = "individual", _("Cá nhân (mọi đối tượng cá nhân)")
    COLLECTIVE = "collective", _("Tập thể")
    MANAGER = "manager", _("Cán bộ quản lý")
    TEACHER = "teacher", _("Giáo viên, giảng viên")
    STAFF = "staff", _("Nhân viên")
    STUDENT = "student", _("Học sinh, sinh viên")


def quota_categories(category: str) -> list[str] | None:
    """The nominee categories a quota of `category` counts; None: all of them."""
    if not category:
        return None
    if category == QuotaCategory.INDIVIDUAL:
        return ["manager", "teacher", "staff", "student"]
    return [category]
