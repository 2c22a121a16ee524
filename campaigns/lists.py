"""The campaign list as a core.lists page: its filters and table."""

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import FoldedSearchFilter, PortalFilterSet, PortalTable

from .enums import CampaignStatus

_STATUS_BADGE = {CampaignStatus.OPEN: "text-bg-success", CampaignStatus.DRAFT: "text-bg-secondary"}


class CampaignFilter(PortalFilterSet):
    q = FoldedSearchFilter(
        keys=("name_key",), codes=("code",), label=_("Tìm theo tên hoặc mã (không dấu cũng được)")
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=CampaignStatus.choices, empty_label=_("Tất cả")
    )
    year = django_filters.NumberFilter(
        label=_("Năm"), method="in_year", min_value=1945, max_value=2100
    )

    def in_year(self, queryset, name, value):
        return queryset.filter(period_start__year__lte=value, period_end__year__gte=value)


class CampaignTable(PortalTable):
    name = tables.Column(verbose_name=_("Phong trào"), order_by=("name_key", "pk"))
    code = tables.Column(verbose_name=_("Mã"), visible=False)
    owner_unit = tables.Column(
        verbose_name=_("Đơn vị chủ trì"), order_by=("owner_unit__name_key", "pk")
    )
    period_start = tables.Column(verbose_name=_("Bắt đầu"), attrs={"td": {"class": "text-nowrap"}})
    period_end = tables.Column(verbose_name=_("Kết thúc"), attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column(verbose_name=_("Trạng thái"))

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "campaign-list"}
        empty_text = _("Chưa có phong trào nào trong phạm vi của bạn.")

    def __init__(self, *args, managed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.managed = set(managed)

    def render_name(self, record):
        badge = (
            format_html(' <span class="badge text-bg-info">{}</span>', _("bạn quản trị"))
            if record.pk in self.managed
            else ""
        )
        return format_html(
            '<a href="{}">{}</a><br><code class="small">{}</code>{}',
            reverse("campaigns:detail", args=[record.code]),
            record.name,
            record.code,
            badge,
        )

    def value_name(self, record):
        return record.name

    def render_owner_unit(self, record):
        return record.owner_unit.name

    def render_period_start(self, value):
        return date_format(value, "d/m/Y")

    def render_period_end(self, value):
        return date_format(value, "d/m/Y")

    def render_status(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            _STATUS_BADGE.get(record.status, "text-bg-dark"),
            record.get_status_display(),
        )

    def value_status(self, record):
        return record.get_status_display()
