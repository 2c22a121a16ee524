"""Django admin for system administrators: campaign templates and, when needed, any campaign."""

from django.contrib import admin

from .models import (
    Campaign,
    CampaignCriteriaSet,
    CampaignRule,
    Extension,
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
