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


class DayCount(models.TextChoices):
    """How a window or an offset the portal computes counts its days."""

    WORKING = "working", _("Ngày làm việc")
    CALENDAR = "calendar", _("Ngày (theo lịch)")


class HolidayKind(models.TextChoices):
    """Why a day is off (or, for SWAPPED_WORKDAY, why a weekend day is worked)."""

    FIXED = "fixed", _("Ngày lễ theo dương lịch (Bộ luật Lao động)")
    LUNAR = "lunar", _("Ngày lễ, tết theo âm lịch (Bộ luật Lao động)")
    COMPENSATORY = "compensatory", _("Nghỉ bù (ngày lễ trùng ngày nghỉ hằng tuần)")
    ANNOUNCED = "announced", _("Nghỉ theo thông báo của Chính phủ (hoán đổi, bổ sung)")
    SWAPPED_WORKDAY = "swapped_workday", _("Làm bù vào ngày nghỉ hằng tuần")


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
