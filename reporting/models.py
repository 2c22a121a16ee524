"""Files the portal builds in the background (dossier bundles, printed documents too large to
render inside a web request), stored privately until fetched."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")


class ExportKind(models.TextChoices):
    BUNDLE = "bundle", _("Gói hồ sơ")
    DOCUMENT = "document", _("Văn bản in")


def export_path(instance, filename):
    return f"private/exports/{uuid.uuid4().hex}{PurePosixPath(filename).suffix}"


class Export(models.Model):
    """A dossier bundle (one nomination's, or a unit's whole set for a round), or one printed
    document rendered in the background from the HTML its view stored in `source`."""

    kind = models.CharField(max_length=8, choices=ExportKind.choices, default=ExportKind.BUNDLE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exports",
    )
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey(
        "campaigns.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_path, blank=True)
    # A document's HTML, rendered when the request came (with the requester's rights and
    # language), kept until its PDF is built: a rebuild after a lost worker prints the same.
    source = models.FileField(upload_to=export_path, blank=True)
    name = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The builder's heartbeat, renewed after every dossier: a running bundle whose heartbeat is
    # older than BUNDLE_STALE_SECONDS lost its worker and may be taken over; a fresh one may not.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gói hồ sơ")
        verbose_name_plural = _("gói hồ sơ")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=ExportKind.DOCUMENT)
                | models.Q(nomination__isnull=False)
                | models.Q(unit__isnull=False, round__isnull=False),
                name="export_has_a_subject",
            )
        ]

    def __str__(self):
        return self.name or f"export {self.pk}"

    @property
    def percent(self) -> int:
        return int(self.progress * 100 / self.total) if self.total else 0
