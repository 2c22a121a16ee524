"""States and actions of a nomination. Codes are stable: stored, never renamed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    UNDER_REVIEW = "under_review", _("Đang xét")
    RETURNED = "returned", _("Trả lại để bổ sung")
    REJECTED = "rejected", _("Không được chọn")
    APPROVED = "approved", _("Đã được duyệt, chờ quyết định")
    RECOGNISED = "recognised", _("Đã có quyết định khen thưởng")
    WITHDRAWN = "withdrawn", _("Đã rút")
    REVOKED = "revoked", _("Đã bị thu hồi")


# Named groups, used by queries and pages.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
OPEN_STATES = frozenset({State.DRAFT, State.UNDER_REVIEW, State.RETURNED})
DECIDED_STATES = frozenset({State.REJECTED, State.APPROVED, State.RECOGNISED, State.REVOKED})
# States in which a nomination occupies a quota slot of every unit it has already passed.
QUOTA_STATES = frozenset({State.UNDER_REVIEW, State.APPROVED, State.RECOGNISED})


class Action(models.TextChoices):
    SUBMIT = "submit", _("Gửi lên cấp trên")
    FORWARD = "forward", _("Chuyển lên cấp trên")
    RETURN = "return", _("Trả lại để bổ sung")
    RESUBMIT = "resubmit", _("Gửi lại sau khi bổ sung")
    REJECT = "reject", _("Không chọn")
    APPROVE = "approve", _("Duyệt")
    RECOGNISE = "recognise", _("Ghi quyết định khen thưởng")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    REVOKE = "revoke", _("Thu hồi")


class EventKind(models.TextChoices):
    """What the timeline records besides transitions (which use the Action codes)."""

    CREATED = "created", _("Tạo hồ sơ")
    EDITED = "edited", _("Sửa hồ sơ")
    EVIDENCE_ADDED = "evidence_added", _("Thêm minh chứng")
    EVIDENCE_REMOVED = "evidence_removed", _("Gỡ minh chứng")
    SCORED = "scored", _("Chấm điểm, nhận xét")
    VOTED = "voted", _("Hội đồng bỏ phiếu")
    DOWNLOADED = "downloaded", _("Tải tệp")
    EXPORTED = "exported", _("Xuất dữ liệu")
    PUBLISHED = "published", _("Công khai, lấy ý kiến")


class ThresholdBasis(models.TextChoices):
    PRESENT = "present", _("Số thành viên có mặt")
    ALL = "all", _("Tổng số thành viên hội đồng")


class Eligibility(models.TextChoices):
    """The dossier's eligibility at its last save: the worst of its rules' results."""

    PASS = "pass", _("Đủ điều kiện")
    WARN = "warn", _("Có cảnh báo")
    UNKNOWN = "unknown", _("Chưa đủ dữ liệu")
    FAIL = "fail", _("Không đủ điều kiện")


class NoticeKind(models.TextChoices):
    """The messages the dossier workflow and its reminders send (notifications.kinds)."""

    SUBMITTED = "submitted", _("Có hồ sơ gửi đến")
    RETURNED = "returned", _("Hồ sơ bị trả lại")
    REJECTED = "rejected", _("Hồ sơ không được chọn")
    APPROVED = "approved", _("Hồ sơ được duyệt")
    RECOGNISED = "recognised", _("Hồ sơ có quyết định khen thưởng")
    DEADLINE = "deadline", _("Sắp đến hạn chót")
    REVIEW_WAITING = "review_waiting", _("Hồ sơ đang chờ xét")
    OVERDUE = "overdue", _("Đã quá hạn chót")
    DIGEST = "digest", _("Tổng hợp hằng tuần")
    PUBLIC_COMMENT = "public_comment", _("Có ý kiến của công chúng")
