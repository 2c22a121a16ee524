"""The dossier list and the reviewer's queue as core.lists pages: their filters and tables.

Cells are rendered by `render_*` methods with format_html rather than template columns: a
template per cell cost a 50-row page several milliseconds."""

import django_filters
import django_tables2 as tables
from django.db.models import F
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import FoldedSearchFilter, PortalFilterSet, PortalTable
from criteria.enums import NomineeCategory

from . import selectors
from .enums import Eligibility, State
from .templatetags.nominations import label

# --- filters ------------------------------------------------------------------------------------


class NominationFilter(PortalFilterSet):
    q = FoldedSearchFilter(
        keys=("search_text",),
        codes=("nominating_unit__code",),
        label=_("Tìm theo tên, đơn vị (gõ không dấu cũng được)"),
    )
    state = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=State.choices, empty_label=_("Tất cả")
    )
    category = django_filters.ChoiceFilter(
        label=_("Đối tượng"), choices=NomineeCategory.choices, empty_label=_("Tất cả")
    )


class QueueFilter(PortalFilterSet):
    """What waits at the unit: under review unless another state is asked for."""

    q = FoldedSearchFilter(
        keys=("search_text",),
        codes=("nominating_unit__code",),
        label=_("Tìm theo tên, đơn vị hoặc mã đơn vị"),
    )
    round = django_filters.ModelChoiceFilter(
        label=_("Đợt"), queryset=None, empty_label=_("Tất cả các đợt")
    )
    category = django_filters.ChoiceFilter(
        label=_("Đối tượng"), choices=NomineeCategory.choices, empty_label=_("Tất cả")
    )
    state = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=[(c, lbl) for c, lbl in State.choices if c != State.UNDER_REVIEW],
        empty_label=State.UNDER_REVIEW.label,
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("Điều kiện"), choices=Eligibility.choices, empty_label=_("Tất cả")
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["round"].queryset = rounds

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(state=State.UNDER_REVIEW)
        return queryset


# --- tables -------------------------------------------------------------------------------------
_NEXT_STEP = {
    State.DRAFT: _("Hoàn thiện nội dung; lãnh đạo đơn vị gửi lên"),
    State.RETURNED: _("Bổ sung theo yêu cầu rồi gửi lại"),
    State.APPROVED: _("Chờ quyết định khen thưởng"),
}


def _day(value):
    return date_format(timezone.localtime(value), "d/m/Y") if value else "—"


_ELIGIBILITY_BADGE = {Eligibility.PASS: "text-bg-success", Eligibility.FAIL: "text-bg-danger"}


def _nominee_link(record):
    duplicate = (
        format_html(' <span class="badge text-bg-warning">{}</span>', _("trùng"))
        if getattr(record, "has_duplicates", False)
        else ""
    )
    return format_html(
        '<a href="{}">{}</a>{}',
        reverse("nominations:detail", args=[record.pk]),
        record.nominee,
        duplicate,
    )


class NominationTable(PortalTable):
    nominee = tables.Column(
        verbose_name=_("Cá nhân, tập thể"), accessor="search_text", order_by=("search_text", "pk")
    )
    title = tables.Column(verbose_name=_("Danh hiệu"), order_by=("title__name", "pk"))
    round = tables.Column(
        verbose_name=_("Đợt"),
        order_by=("round__opens_on", "pk"),
        attrs={
            "th": {"class": "d-none d-md-table-cell"},
            "td": {"class": "small d-none d-md-table-cell"},
        },
    )
    state = tables.Column(verbose_name=_("Trạng thái"), order_by=("state", "pk"))
    next_step = tables.Column(
        verbose_name=_("Bước tiếp theo"),
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "small"}},
    )
    updated_at = tables.Column(
        verbose_name=_("Cập nhật"), order_by=("updated_at", "pk"), attrs={"td": {"class": "small"}}
    )

    row_template = "nominations/rows/nomination.html"

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "nomination-list"}
        empty_text = _("Chưa có hồ sơ nào.")
        order_by = ("-updated_at",)

    @staticmethod
    def load_rows(ids):
        return selectors.rows_in_order(ids)

    def render_nominee(self, record):
        return format_html(
            '{}<div class="small text-muted">{}</div>',
            _nominee_link(record),
            record.nominating_unit.name,
        )

    def render_round(self, record):
        return format_html(
            '{}<div class="text-muted">{}</div>', record.round.name, record.campaign.code
        )

    def render_state(self, record):
        return format_html(
            '<span class="badge text-bg-light border">{}</span>', label(record, "state")
        )

    def render_next_step(self, record):
        if record.state == State.UNDER_REVIEW:
            return _("Đang xét tại %(unit)s") % {"unit": record.current_unit.name}
        return _NEXT_STEP.get(record.state, "—")

    def render_updated_at(self, value):
        return _day(value)


class QueueTable(PortalTable):
    ids = tables.CheckBoxColumn(
        verbose_name="",
        accessor="pk",
        attrs={
            "th__input": {"aria-label": _("Chọn cả trang"), "data-check-all": "ids"},
            "td__input": {"class": "form-check-input", "aria-label": _("Chọn")},
            "th": {"class": "col-check"},
        },
    )
    nominee = tables.Column(
        verbose_name=_("Cá nhân, tập thể"), accessor="search_text", order_by=("search_text", "pk")
    )
    nominating_unit = tables.Column(
        verbose_name=_("Đơn vị đề nghị"), order_by=("nominating_unit__name", "pk")
    )
    title = tables.Column(verbose_name=_("Danh hiệu"), order_by=("title__name", "pk"))
    eligibility = tables.Column(verbose_name=_("Điều kiện"), order_by=("eligibility", "pk"))
    score = tables.Column(
        verbose_name=_("Điểm"),
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}},
        empty_values=(),
    )
    updated_at = tables.Column(
        verbose_name=_("Cập nhật"), order_by=("updated_at", "pk"), attrs={"td": {"class": "small"}}
    )

    row_template = "nominations/rows/queue.html"

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "queue"}
        empty_text = _("Không có hồ sơ nào chờ xét.")

    @staticmethod
    def load_rows(ids):
        return selectors.rows_in_order(ids, related=selectors.QUEUE_ROW_RELATED)

    def order_score(self, queryset, is_descending):
        # Dossiers not yet scored last, whichever way: PostgreSQL puts NULL first when descending.
        score = (
            F("score").desc(nulls_last=True) if is_descending else F("score").asc(nulls_last=True)
        )
        return queryset.order_by(score, "pk"), True

    def render_nominee(self, record):
        return format_html(
            '{}<div class="small text-muted">{} · {}</div>',
            _nominee_link(record),
            record.round.name,
            label(record, "category"),
        )

    def render_nominating_unit(self, record):
        return record.nominating_unit.name

    def render_eligibility(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            _ELIGIBILITY_BADGE.get(record.eligibility, "text-bg-secondary"),
            label(record, "eligibility") or "—",
        )

    def render_score(self, record):
        return "—" if record.score is None else floatformat(record.score, "-2")

    def render_updated_at(self, value):
        return _day(value)


class DecisionFilter(PortalFilterSet):
    q = FoldedSearchFilter(
        keys=(), codes=("number", "issuer"), label=_("Tìm theo số quyết định, người ký")
    )
    year = django_filters.NumberFilter(
        label=_("Năm"), field_name="signed_on", lookup_expr="year", min_value=1945, max_value=2100
    )
    is_revocation = django_filters.BooleanFilter(
        label=_("Thu hồi"), widget=django_filters.widgets.BooleanWidget()
    )


class DecisionTable(PortalTable):
    number = tables.Column(verbose_name=_("Số quyết định"))
    signed_on = tables.Column(verbose_name=_("Ngày ký"), order_by=("signed_on", "pk"))
    issuer = tables.Column(verbose_name=_("Người, cơ quan ký"))
    is_revocation = tables.Column(verbose_name=_("Loại"))
    size = tables.Column(
        verbose_name=_("Số hồ sơ"),
        accessor="pk",
        orderable=False,
        attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}},
    )

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "data-testid": "decisions"}
        empty_text = _("Chưa có quyết định nào.")

    def render_signed_on(self, value):
        return date_format(value, "d/m/Y")

    def render_is_revocation(self, value):
        return _("Thu hồi") if value else _("Khen thưởng")

    def render_size(self, record):
        count = record.revoked_count if record.is_revocation else record.awarded
        return format_html(
            '{} · <a href="{}">{}</a>',
            count,
            reverse("reporting:decision_annex", args=[record.pk]),
            _("Phụ lục (PDF)"),
        )

    def value_size(self, record):
        return record.revoked_count if record.is_revocation else record.awarded
