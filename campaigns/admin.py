"""Django admin for system administrators: campaign templates and, when needed, any campaign."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Campaign,
    CampaignCriteriaSet,
    CampaignRule,
    Extension,
    Holiday,
    Phase,
    Quota,
    Registration,
    Round,
    RoundDeadline,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class CriteriaInline(admin.TabularInline):
    model = CampaignCriteriaSet
    extra = 0
    raw_id_fields = ["criteria_set"]


class RuleInline(admin.TabularInline):
    model = CampaignRule
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "owner_unit",
        "status",
        "is_template",
        "period_start",
        "period_end",
    ]
    list_filter = ["status", "is_template"]
    search_fields = ["code", "name"]
    raw_id_fields = ["owner_unit", "template", "created_by"]
    filter_horizontal = ["titles"]
    inlines = [PhaseInline, CriteriaInline, RuleInline]
    list_select_related = ["owner_unit"]


class DeadlineInline(admin.TabularInline):
    model = RoundDeadline
    extra = 0


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "kind", "opens_on"]
    list_filter = ["kind"]
    search_fields = ["name", "campaign__code"]
    inlines = [DeadlineInline, QuotaInline]
    list_select_related = ["campaign"]


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = ["round", "unit", "deadline", "granted_by", "granted_at"]
    raw_id_fields = ["round", "unit", "granted_by"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["campaign", "unit", "person", "nominee_unit", "title"]
    raw_id_fields = ["campaign", "unit", "person", "nominee_unit", "registered_by"]
    list_select_related = ["campaign", "unit", "person", "nominee_unit", "title"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The holiday calendar: one row a day off. Prefilled by `manage.py prefill_holidays`; enter
    each year's government announcement here (swapped days, the day beside 2/9, Tết)."""

    list_display = ["date", "name", "kind", "is_day_off", "legal_basis", "is_verified"]
    list_filter = ["kind", "is_day_off", "is_verified", ("date", admin.DateFieldListFilter)]
    date_hierarchy = "date"
    search_fields = ["name", "legal_basis"]
    actions = ["prefill_next_year"]

    @admin.action(description=_("Điền sẵn lịch nghỉ của năm sau năm cuối cùng đã có"))
    def prefill_next_year(self, request, queryset):
        from django.db.models import Max

        from .services import holidays_prefill

        last = Holiday.objects.aggregate(last=Max("date"))["last"]
        year = (last.year + 1) if last else 2024
        added = holidays_prefill(actor=request.user, years=[year])
        self.message_user(
            request, _("Đã thêm %(n)s ngày của năm %(year)s.") % {"n": added, "year": year}
        )
