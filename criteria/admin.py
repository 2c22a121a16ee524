"""Django admin for system administrators: the title catalogue, rules and criteria templates."""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    AchievementRecord,
    BaseSalary,
    CriteriaSet,
    Criterion,
    EligibilityRule,
    GrantingAuthority,
    LegalText,
    RuleVersion,
    Title,
)


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


class RuleVersionInline(admin.StackedInline):
    """A new circular: add a version here (its dates, legal source, texts and parameters); the
    parameters are checked before saving (criteria.params)."""

    model = RuleVersion
    extra = 1
    filter_horizontal = ["sources"]
    readonly_fields = ["source_check"]

    @admin.display(description=_("nguồn chưa xác minh"))
    def source_check(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return ", ".join(text.code for text in obj.unverified_sources) or _("không có")


class AuthorityInline(admin.TabularInline):
    model = GrantingAuthority
    extra = 0
    fields = ["level", "source", "legal_source", "grade", "effective_from", "effective_to", "note"]


@admin.register(LegalText)
class LegalTextAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "effective_from", "effective_to", "grade", "verified"]
    list_filter = ["grade"]
    search_fields = ["code", "name"]
    readonly_fields = ["verified_by", "verified_at"]
    actions = ["confirm"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(boolean=True, description=_("đã xác minh"))
    def verified(self, obj):
        return obj.is_verified

    @admin.action(description=_("Xác nhận đã đối chiếu văn bản gốc"))
    def confirm(self, request, queryset):
        count = services.legal_texts_confirm(actor=request.user, texts=queryset)
        self.message_user(request, _("Đã xác nhận %(n)s văn bản.") % {"n": count}, messages.SUCCESS)


@admin.register(GrantingAuthority)
class GrantingAuthorityAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "legal_source", "grade", "effective_from", "effective_to"]
    list_filter = ["level", "grade", "title"]
    search_fields = ["title__code", "title__name", "legal_source"]


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


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "nominee_kind", "cash_multiplier", "is_active"]
    list_filter = ["kind", "nominee_kind", "is_active"]
    search_fields = ["code", "name"]
    inlines = [AuthorityInline]


@admin.register(BaseSalary)
class BaseSalaryAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "amount", "round_to", "legal_source"]
