"""The achievement registry ("sổ thành tích") as a core.lists page: filters and table."""

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import FoldedSearchFilter, PortalFilterSet, PortalTable

from .enums import RecordKind


class RecordFilter(PortalFilterSet):
    q = FoldedSearchFilter(
        keys=("person__name_key", "unit__name_key"),
        codes=("person__identifier", "unit__code", "decision_number"),
        label=_("Tìm theo tên, mã, số quyết định (không dấu cũng được)"),
    )
    year = django_filters.NumberFilter(label=_("Năm"), min_value=1945, max_value=2100)
    kind = django_filters.ChoiceFilter(
        label=_("Loại"), choices=RecordKind.choices, empty_label=_("Tất cả")
    )
    don_vi = django_filters.CharFilter(label=_("Mã đơn vị"), method="in_unit")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units  # the units the user may see: a code outside them finds nothing

    def in_unit(self, queryset, name, value):
        unit = self.units.filter(code__iexact=value.strip()).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(person__unit__path__startswith=unit.path) | queryset.filter(
            unit__path__startswith=unit.path
        )


class RecordTable(PortalTable):
    subject = tables.Column(
        verbose_name=_("Cá nhân, tập thể"),
        accessor="pk",
        order_by=("person__name_key", "unit__name_key", "pk"),
    )
    year = tables.Column(verbose_name=_("Năm"), order_by=("year", "pk"))
    kind = tables.Column(verbose_name=_("Loại"))
    what = tables.Column(verbose_name=_("Danh hiệu, hình thức"), accessor="pk", orderable=False)
    decision_number = tables.Column(verbose_name=_("Số quyết định"))
    decision_date = tables.Column(verbose_name=_("Ngày quyết định"))

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "registry"}
        empty_text = _("Sổ thành tích chưa có dòng nào phù hợp.")
        order_by = ("-year",)

    def render_subject(self, record):
        if record.person_id:
            return format_html(
                '<a href="{}">{}</a><div class="small text-muted">{}</div>',
                reverse("criteria:person_history", args=[record.person_id]),
                record.person.full_name,
                record.person.unit.name,
            )
        return format_html(
            '<a href="{}">{}</a>',
            reverse("criteria:unit_history", args=[record.unit.code]),
            record.unit.name,
        )

    def render_kind(self, record):
        return record.get_kind_display()

    def render_what(self, record):
        text = record.summary or "—"
        if record.is_revoked:
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>', text, _("đã thu hồi")
            )
        return text

    def render_decision_date(self, value):
        return date_format(value, "d/m/Y")
