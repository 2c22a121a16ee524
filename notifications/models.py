"""The outbox. A `Message` is written in the same transaction as the event that causes it, one per
recipient, under an idempotency key: the same event written twice is one message. Each external
channel (e-mail today; SMS or Zalo later) gets a `Delivery` row with its own status, attempts and
last error; the in-app channel is the message itself (shown in the bell until read)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import FoldedKeyField


class Message(models.Model):
    key = models.CharField(_("khoá chống trùng"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("loại"), max_length=32)  # a code registered in kinds.py
    subject = models.CharField(_("tiêu đề"), max_length=255)
    subject_key = FoldedKeyField(source="subject")  # the inbox search, without diacritics
    body = models.TextField(_("nội dung"))
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="message_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at", "-id"], name="message_inbox_idx"),
        ]

    def __str__(self):
        return self.subject


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class Delivery(models.Model):
    """One message through one external channel. Claimed (pending → sending) before the channel is
    called, so a second worker or a redelivered task never sends it again. A worker that dies
    while sending leaves it in `sending`: it is not retried by itself (that could send twice);
    the outbox page shows it for a person to resend."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("kênh"), max_length=16)
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("hộp thư đi")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "channel"], name="delivery_once_per_channel")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.channel}: {self.message}"


class Preference(models.Model):
    """What a user chose to hear besides the notices that are always on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    weekly_digest = models.BooleanField(_("nhận thư tổng hợp hằng tuần"), default=False)

    class Meta:
        verbose_name = _("tuỳ chọn thông báo")
        verbose_name_plural = _("tuỳ chọn thông báo")

    def __str__(self):
        return str(self.user)
