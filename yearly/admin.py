"""Admin pages of the yearly report: its calls and reports, for system admins to
look into (a report's content changes only through its services, so it is read-only here)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ImplementationReport, ReportCall


@admin.register(ReportCall)
class ReportCallAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "due_on", "title", "created_by"]
    list_filter = ["year"]
    search_fields = ["unit__name", "unit__code", "title"]
    list_select_related = ["unit", "created_by"]
    raw_id_fields = ["unit"]
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(ImplementationReport)
class ImplementationReportAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "status", "sent_to", "sent_at", "first_sent_at", "send_count"]
    list_filter = ["status", "year"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "sent_to"]
