"""Django admin for system administrators: the title catalogue, rules and criteria templates."""

from django.contrib import admin

from .models import AchievementRecord, CriteriaSet, Criterion, EligibilityRule, RuleVersion, Title


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "nominee_kind", "cash_multiplier", "is_active"]
    list_filter = ["kind", "nominee_kind", "is_active"]
    search_fields = ["code", "name"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "category", "tier", "owner_unit", "frozen_at"]
    list_filter = ["category", "tier", "frozen_at"]
    search_fields = ["code", "name"]
    raw_id_fields = ["owner_unit", "derived_from"]
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        # A frozen version is what nominations were made under: look, never touch.
        if obj is not None and obj.is_frozen:
            return [f.name for f in self.model._meta.fields]
        return ["version", "frozen_at", "derived_from"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.is_frozen else self.inlines


class RuleVersionInline(admin.TabularInline):
    model = RuleVersion
    extra = 1


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rule_type", "title", "severity"]
    list_filter = ["rule_type", "severity", "title"]
    search_fields = ["code", "name"]
    inlines = [RuleVersionInline]


@admin.register(AchievementRecord)
class AchievementRecordAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "person", "unit", "title", "rating", "decision_number"]
    list_filter = ["kind", "year", "source"]
    search_fields = ["person__full_name", "person__identifier", "unit__code", "decision_number"]
    raw_id_fields = ["person", "unit", "created_by"]
    list_select_related = ["person", "unit", "title"]
