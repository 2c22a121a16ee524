"""The report calls a user oversees, as a core.lists page: filters and table."""

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import FoldedSearchFilter, PortalFilterSet, PortalTable


class CallFilter(PortalFilterSet):
    q = FoldedSearchFilter(
        keys=("title_key", "unit__name_key"),
        codes=("unit__code",),
        label=_("Tìm theo tên báo cáo, đơn vị (không dấu cũng được)"),
    )
    year = django_filters.NumberFilter(label=_("Năm"), min_value=1945, max_value=2100)


class CallTable(PortalTable):
    year = tables.Column(verbose_name=_("Năm học"), order_by=("year", "unit__path"))
    unit = tables.Column(verbose_name=_("Đơn vị yêu cầu"), order_by=("unit__name_key", "pk"))
    title = tables.Column(verbose_name=_("Tên báo cáo"), order_by=("title_key", "pk"))
    due_on = tables.Column(verbose_name=_("Hạn gửi"))
    sent_count = tables.Column(verbose_name=_("Đã gửi"))
    expected_count = tables.Column(verbose_name=_("Phải gửi"))
    link = tables.Column(
        verbose_name="", accessor="pk", orderable=False, attrs={"td": {"class": "text-end"}}
    )

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "calls"}
        empty_text = _("Chưa có yêu cầu báo cáo nào trong phạm vi của bạn.")

    def render_year(self, record):
        return record.school_year

    def render_unit(self, record):
        return record.unit.name

    def render_due_on(self, value):
        return date_format(value, "d/m/Y")

    def render_link(self, record):
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            reverse("yearly:call", args=[record.pk]),
            _("Tình hình báo cáo"),
        )
