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
