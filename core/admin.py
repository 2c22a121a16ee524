from django.contrib import admin

from .models import AuditEvent, ImportJob


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the portal's services: administrators read them, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log is append-only, also for administrators."""

    list_display = ["created_at", "actor", "action", "target_repr"]
    list_filter = ["action"]
    search_fields = ["target_repr", "actor__username"]
    list_select_related = ["actor"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "file_name", "created_by", "status"]
    list_filter = ["kind", "status"]
    exclude = ["content"]
    readonly_fields = [
        "kind",
        "created_by",
        "file_name",
        "file_format",
        "status",
        "totals",
        "errors",
        "preview",
        "imported_at",
    ]
    list_select_related = ["created_by"]

    def has_add_permission(self, request):
        return False
