"""The outbox for system administrators: what went to whom and when, what failed and why, and
sending again what failed or what a dead worker left unsure.

"In doubt": still "sending" DELIVERY_IN_DOUBT_MINUTES after it was claimed, so its worker died,
perhaps after the mail server had accepted the message. Nothing resends it by itself; the filter
"Không rõ kết quả" lists them with their age, and a person either marks them as sent (the mail
server's log shows them delivered) or sends them again.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import kinds, selectors, services
from .models import Delivery, DeliveryStatus, Message


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "status", "attempts", "last_error", "claimed_at", "sent_at"]
    fields = readonly_fields


class KindFilter(admin.SimpleListFilter):
    """The kinds the apps registered, by their labels (the column holds codes only)."""

    title = _("loại")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind_label", "subject", "read_at"]
    list_filter = [KindFilter, ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__username", "recipient__full_name", "key"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [
        "key",
        "recipient",
        "kind",
        "subject",
        "body",
        "url",
        "created_at",
        "read_at",
    ]
    inlines = [DeliveryInline]

    @admin.display(description=_("loại"), ordering="kind")
    def kind_label(self, message):
        return kinds.label(message.kind)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _age(elapsed) -> str:
    # Django's timesince has no Vietnamese words for these.
    minutes = int(elapsed.total_seconds() // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return gettext("%(days)d ngày %(hours)d giờ") % {"days": days, "hours": hours}
    if hours:
        return gettext("%(hours)d giờ %(minutes)d phút") % {"hours": hours, "minutes": minutes}
    return gettext("%(minutes)d phút") % {"minutes": minutes}


class InDoubtFilter(admin.SimpleListFilter):
    title = _("kết quả gửi")
    parameter_name = "khong_ro"

    def lookups(self, request, model_admin):
        return [("1", _("Không rõ kết quả (đang gửi quá lâu)"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(selectors.in_doubt_q())
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "recipient",
        "subject",
        "channel",
        "status",
        "attempts",
        "sending_for",
        "sent_at",
        "last_error",
    ]
    list_filter = [InDoubtFilter, "status", "channel", "message__kind"]
    search_fields = ["message__subject", "message__recipient__username", "last_error"]
    list_select_related = ["message__recipient"]
    readonly_fields = [
        "message",
        "channel",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
    ]
    actions = ["resend", "mark_sent"]

    @admin.display(description=_("người nhận"))
    def recipient(self, delivery):
        return delivery.message.recipient

    @admin.display(description=_("tiêu đề"))
    def subject(self, delivery):
        return delivery.message.subject

    @admin.display(description=_("đang gửi đã"))
    def sending_for(self, delivery):
        if delivery.status != DeliveryStatus.SENDING or delivery.claimed_at is None:
            return ""
        age = _age(timezone.now() - delivery.claimed_at)
        if delivery.claimed_at < selectors.in_doubt_since():
            return gettext("%(age)s — không rõ kết quả") % {"age": age}
        return age

    @admin.action(description=_("Đánh dấu đã gửi (các lần gửi không rõ kết quả)"))
    def mark_sent(self, request, queryset):
        count = services.mark_sent(queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("Đã ghi %(n)d lần gửi là đã gửi.", "Đã ghi %(n)d lần gửi là đã gửi.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Gửi lại (các lần gửi lỗi hoặc không rõ kết quả)"))
    def resend(self, request, queryset):
        count = services.resend(queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("Đã xếp %(n)d lần gửi lại.", "Đã xếp %(n)d lần gửi lại.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
