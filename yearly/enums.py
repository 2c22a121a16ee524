"""Choices and role groups of the yearly implementation report. Codes are stable."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from units.enums import LEADER_ROLES, STAFF_ROLES


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SENT = "sent", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại để bổ sung")


EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class ReportNoticeKind(models.TextChoices):
    """The messages of the yearly report (notifications.kinds): its own, not a dossier's."""

    DUE = "report_due", _("Sắp đến hạn gửi báo cáo năm")
    SENT = "report_sent", _("Có báo cáo năm gửi đến")
    RETURNED = "report_returned", _("Báo cáo năm bị trả lại")


class Standing(models.TextChoices):
    """Where a sub-unit stands on the asking unit's overview (computed, never stored)."""

    NOT_STARTED = "not_started", _("Chưa lập báo cáo")
    DRAFTING = "drafting", _("Đang soạn")
    RETURNED = "returned", _("Bị trả lại, chờ gửi lại")
    SENT = "sent", _("Đã gửi")


# Who issues a call for reports at their unit, who writes the unit's report, who signs it off
# and sends it (and, at the receiving unit, may return it).
ISSUER_ROLES = LEADER_ROLES
WRITER_ROLES = STAFF_ROLES
SENDER_ROLES = LEADER_ROLES

# The free-text sections, in the order they print, and whether sending needs them. The headings
# follow what seeds 000, 001 and 004 ask units to report on; the printed headings are in the
# template (official form text), the labels here are for the web pages.
SECTIONS = (
    ("direction", _("Công tác chỉ đạo, triển khai thực hiện"), True),
    ("propagation", _("Kết quả tuyên truyền, nhân rộng điển hình tiên tiến"), True),
    ("difficulties", _("Hạn chế, khó khăn, vướng mắc"), False),
    ("proposals", _("Đề xuất, kiến nghị"), False),
)
SECTION_FIELDS = tuple(name for name, _label, _required in SECTIONS)
SECTION_MAX_CHARS = 20_000
