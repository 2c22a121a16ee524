"""The unit and people lists as core.lists pages: their filters and tables."""

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import FoldedSearchFilter, PortalFilterSet, PortalTable

from .enums import Position, UnitLevel


class UnitFilter(PortalFilterSet):
    q = FoldedSearchFilter(
        keys=("name_key",), codes=("code",), label=_("Tìm theo tên hoặc mã (không dấu cũng được)")
    )
    level = django_filters.ChoiceFilter(
        label=_("Cấp"), choices=UnitLevel.choices, empty_label=_("Tất cả các cấp")
    )


class PersonFilter(PortalFilterSet):
    q = FoldedSearchFilter(
        keys=("name_key",),
        codes=("identifier",),
        label=_("Tìm theo tên hoặc mã định danh (không dấu cũng được)"),
    )
    unit = django_filters.CharFilter(label=_("Mã đơn vị"), method="in_unit")
    position = django_filters.ChoiceFilter(
        label=_("Chức vụ"), choices=Position.choices, empty_label=_("Tất cả chức vụ")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units  # the units the user may see: a code outside them finds nobody

    def in_unit(self, queryset, name, value):
        unit = self.units.filter(code__iexact=value.strip()).first()
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset.none()


class UnitTable(PortalTable):
    name = tables.Column(verbose_name=_("Tên đơn vị"), order_by=("name_key", "pk"))
    code = tables.Column(verbose_name=_("Mã"))
    level = tables.Column(verbose_name=_("Cấp"), order_by=("depth", "path"))
    active = tables.Column(
        verbose_name=_("Hoạt động"),
        accessor="pk",
        orderable=False,
        attrs={
            "th": {"class": "d-none d-md-table-cell"},
            "td": {"class": "d-none d-md-table-cell small"},
        },
    )

    row_template = "units/rows/unit.html"

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "unit-list"}
        empty_text = _("Không có đơn vị nào phù hợp.")

    def render_name(self, record):
        return format_html(
            '<a class="tree-depth-{}" href="{}">{}</a>',
            record.depth,
            reverse("units:unit_detail", args=[record.code]),
            record.name,
        )

    def value_name(self, record):
        return record.name

    def render_code(self, value):
        return format_html("<code>{}</code>", value)

    def value_code(self, value):
        return value

    def render_level(self, record):
        level = record.get_level_display()
        return f"{level} · {record.school_type}" if record.school_type else level

    def render_active(self, record):
        if record.valid_to:
            return _("đến %(d)s") % {"d": date_format(record.valid_to, "d/m/Y")}
        if record.valid_from:
            return _("từ %(d)s") % {"d": date_format(record.valid_from, "d/m/Y")}
        return ""


class PersonTable(PortalTable):
    full_name = tables.Column(verbose_name=_("Họ và tên"), order_by=("name_key", "pk"))
    position = tables.Column(verbose_name=_("Chức vụ"))
    unit = tables.Column(verbose_name=_("Đơn vị"), order_by=("unit__name_key", "pk"))
    identifier = tables.Column(
        verbose_name=_("Mã định danh"),
        attrs={
            "th": {"class": "d-none d-md-table-cell"},
            "td": {"class": "d-none d-md-table-cell"},
        },
    )

    row_template = "units/rows/person.html"

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "person-list"}
        empty_text = _("Không có ai phù hợp với điều kiện lọc.")

    def render_full_name(self, record):
        retired = (
            format_html(' <span class="badge text-bg-secondary">{}</span>', _("đã nghỉ"))
            if not record.is_active
            else ""
        )
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("units:person_detail", args=[record.pk]),
            record.full_name,
            retired,
        )

    def render_unit(self, record):
        return record.unit.name

    def render_identifier(self, value):
        return format_html("<code>{}</code>", value)
