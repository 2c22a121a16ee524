"""Django admin for system administrators (superusers) who maintain the tree and accounts."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Membership, Person, Placement, Unit, UnitMove, User


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit, exclude=["path", "depth", "numchild"])
    list_display = [
        "name",
        "code",
        "level",
        "school_type",
        "abbreviation",
        "governing_source",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["level", "school_type"]
    search_fields = ["code", "name"]
    raw_id_fields = ["merged_into"]
    list_per_page = 100


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    raw_id_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone", "person")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    raw_id_fields = ["person"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__full_name", "unit__code", "unit__name"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    inlines = [PlacementInline]
    list_display = ["full_name", "identifier", "position", "unit", "is_active"]
    list_filter = ["position", "gender", "is_active"]
    search_fields = ["full_name", "identifier", "unit__code"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(UnitMove)
class UnitMoveAdmin(admin.ModelAdmin):
    list_display = ["unit", "from_parent", "to_parent", "moved_on"]
    raw_id_fields = ["unit", "from_parent", "to_parent"]
    list_select_related = ["unit", "from_parent", "to_parent"]
