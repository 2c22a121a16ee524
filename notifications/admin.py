"""The outbox for system administrators: what went to whom and when, what failed and why, and
sending again what failed or what a dead worker left unsure."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Delivery, Message


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "status", "attempts", "last_error", "claimed_at", "sent_at"]
    fields = readonly_fields


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
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

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "recipient",
        "subject",
        "channel",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "message__kind"]
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
    actions = ["resend"]

    @admin.display(description=_("người nhận"))
    def recipient(self, delivery):
        return delivery.message.recipient

    @admin.display(description=_("tiêu đề"))
    def subject(self, delivery):
        return delivery.message.subject

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
