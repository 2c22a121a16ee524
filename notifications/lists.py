"""The inbox as a core.lists page: its filters and table."""

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, linebreaks
from django.utils.translation import gettext_lazy as _

from core.lists import FoldedSearchFilter, PortalFilterSet, PortalTable

PAGE_SIZE = 30


class InboxFilter(PortalFilterSet):
    q = FoldedSearchFilter(keys=("subject_key",), label=_("Tìm theo tiêu đề (không dấu cũng được)"))
    unread = django_filters.BooleanFilter(
        label=_("Chưa đọc"),
        field_name="read_at",
        lookup_expr="isnull",
        widget=django_filters.widgets.BooleanWidget(),
    )


class InboxTable(PortalTable):
    subject = tables.Column(verbose_name=_("Thông báo"), order_by=("subject_key", "pk"))
    created_at = tables.Column(
        verbose_name=_("Lúc"),
        order_by=("created_at", "pk"),
        attrs={"td": {"class": "small text-nowrap"}},
    )

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "notices"}
        empty_text = _("Chưa có thông báo nào.")
        per_page = PAGE_SIZE

    def render_subject(self, record):
        new = (
            format_html('<span class="badge text-bg-primary me-1">{}</span>', _("Mới"))
            if not record.read_at
            else ""
        )
        return format_html(
            '<a class="{}" href="{}">{}{}</a><div class="small text-muted">{}</div>',
            "fw-semibold" if not record.read_at else "",
            reverse("notifications:open", args=[record.pk]),
            new,
            record.subject,
            linebreaks(record.body),
        )

    def render_created_at(self, value):
        return date_format(timezone.localtime(value), "H:i d/m/Y")
