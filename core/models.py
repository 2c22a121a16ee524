"""The few pieces every app shares: the audit log and spreadsheet import jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only record of who did what to which object: edits, imports, exports, downloads.

    The nomination timeline of later issues reads the same table for its dossier events.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.target_repr}"


class ImportStatus(models.TextChoices):
    # A large file is checked and imported by a Celery task (core.tasks.run_import_job).
    CHECKING = "checking", _("Đang kiểm tra trong nền")
    IMPORTING = "importing", _("Đang nhập trong nền")
    CHECKED_OK = "checked_ok", _("Đã kiểm tra, không có lỗi")
    CHECKED_ERRORS = "checked_errors", _("Đã kiểm tra, có lỗi")
    IMPORTED = "imported", _("Đã nhập")
    FAILED = "failed", _("Nhập không thành công")


class ImportJob(models.Model):
    """An uploaded spreadsheet: checked (dry run) first, imported only when the user confirms.

    The file is kept in the database, not on disk: it holds personal data, it must be reachable
    from any web node, and the size is capped (IMPORT_MAX_BYTES).
    """

    kind = models.CharField(_("loại dữ liệu"), max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_format = models.CharField(max_length=8)
    content = models.BinaryField()
    # What the rows are imported into, for importers that need it (a campaign and round).
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=ImportStatus.choices)
    totals = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    # Background work: when a worker took it (a claim gone silent may be taken again), and
    # whether the user chose to import only the valid rows.
    claimed_at = models.DateTimeField(null=True, blank=True)
    valid_only = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("lượt nhập Excel")
        verbose_name_plural = _("lượt nhập Excel")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind}: {self.file_name}"


class FormToken(models.Model):
    """The one-time token of a rendered create form, claimed by the first request that submits
    it: a double click or a resent form finds the claim and gets the object it created instead
    of a second one (core.idempotency)."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("mã gửi biểu mẫu")
        verbose_name_plural = _("mã gửi biểu mẫu")

    def __str__(self):
        return str(self.token)
