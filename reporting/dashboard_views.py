"""The dashboard page (`/bang-dieu-khien/`), its workbook and its PDF.

Any member of a unit, a viewer included, sees the dashboard of a unit in their scope: their
active unit by default, another one of their subtrees with `?don_vi=<code>` (anything else is a
404). `?phong_trao=<code>` and `?dot=<round id>|tat-ca` choose what is counted; by default the
current round (reporting.dashboards.default_round). The numbers come from
reporting.dashboards; this module only labels them, draws the charts and lays out the outputs.
The workbook and the PDF are written in Vietnamese whatever the UI language, like every file
the portal hands out.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import tablib
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from campaigns.enums import QuotaCategory
from campaigns.models import Quota
from campaigns.selectors import QuotaStatus
from core.audit import audit
from core.exports import spreadsheet_response, workbook_response
from core.text import file_slug
from core.views import LoadMixin
from criteria.enums import NomineeCategory
from nominations.enums import State
from units.enums import UnitLevel
from units.models import Unit
from units.selectors import is_unrestricted, membership_paths, unit_breadcrumbs, units_visible_to
from units.session import active_membership

from . import charts, dashboards
from .documents import header
from .views import pdf_response

DAY = "%d/%m/%Y"


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


@dataclass
class Breakdown:
    key: str  # the ?bang= of its export
    title: str
    heading: str  # the first column
    rows: list[tuple[str, int, float]]  # label, count, share of the total (%)
    total: int
    chart: str = ""


@dataclass
class Presented:
    """The dashboard with its labels (in the active language) and charts."""

    kpis: list[tuple[str, int]] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    trend_chart: str = ""
    own: dict | None = None
    children: list[dict] = field(default_factory=list)
    outside: bool = False


def _status_label(row) -> str:
    return {
        "overdue": _("Quá hạn"),
        "behind": _("Chưa đạt"),
        "done": _("Đã đạt"),
        "none": _("Không có chỉ tiêu"),
    }[row["status"]]


def _completion_row(row: dict) -> dict:
    labels = []
    for category, max_forward, min_target, used, *decides in row["quotas"]:
        status = QuotaStatus(
            Quota(category=category, max_forward=max_forward, min_target=min_target),
            used,
            decides=bool(decides and decides[0]),
        )
        labels.append(
            f"{_label(QuotaCategory, category)}: {status.label}" if category else status.label
        )
    if not labels and row["target"] == 1:
        labels.append(_("ít nhất 1 hồ sơ (mặc định)"))
    target = row["target"]
    return {
        **row,
        "level_label": _label(UnitLevel, row["level"]),
        "quota_label": "; ".join(labels),
        "status_label": _status_label(row),
        "percent": round(100 * row["reached"] / target) if target else None,
    }


def present(numbers: dict, *, font: str = charts.WEB_FONT) -> Presented:
    """Labels and charts for the numbers, in the active language."""
    breakdown = numbers["breakdown"]
    if breakdown is None:
        return Presented()
    total = breakdown["total"]

    def share(n):
        return round(100 * n / total, 1) if total else 0.0

    specs = [
        ("trang-thai", _("Theo trạng thái"), _("Trạng thái"), State, breakdown["state"]),
        ("cap", _("Theo cấp đang giữ hồ sơ"), _("Cấp"), UnitLevel, breakdown["level"]),
        ("doi-tuong", _("Theo đối tượng"), _("Đối tượng"), NomineeCategory, breakdown["category"]),
        ("danh-hieu", _("Theo danh hiệu"), _("Danh hiệu"), None, breakdown["title"]),
    ]
    result = Presented()
    for key, title, heading, choices, pairs in specs:
        rows = [(_label(choices, code) if choices else code, n, share(n)) for code, n in pairs]
        result.breakdowns.append(
            Breakdown(
                key=key,
                title=title,
                heading=heading,
                rows=rows,
                total=total,
                chart=charts.bar_chart(
                    [(label, n) for label, n, _share in rows],
                    chart_id=f"chart-{key}",
                    title=_("Số hồ sơ %(what)s") % {"what": title.lower()},
                    desc=_("Biểu đồ cột ngang; số liệu ở bảng bên cạnh."),
                    empty=_("Chưa có hồ sơ nào."),
                    font=font,
                ),
            )
        )
    states = dict(breakdown["state"])
    result.trend = numbers["trend"]
    chosen = numbers.get("round_id")
    sent = sum(r["sent"] for r in result.trend if chosen is None or r["round_id"] == chosen)
    result.kpis = [
        (_("Tổng số hồ sơ"), total),
        (_("Đã gửi lên"), sent),
        (_("Đang xét"), states.get(State.UNDER_REVIEW, 0)),
        (_("Được khen thưởng"), states.get(State.RECOGNISED, 0)),
    ]
    result.trend_chart = charts.trend_chart(
        [r["name"] for r in result.trend],
        [
            charts.Series(_("Đã gửi lên"), [r["sent"] for r in result.trend]),
            charts.Series(_("Được khen thưởng"), [r["recognised"] for r in result.trend], "line"),
        ],
        chart_id="chart-trend",
        title=_("Hồ sơ qua các đợt"),
        desc=_("Cột: số hồ sơ đã gửi lên; đường: số hồ sơ được khen thưởng, theo từng đợt."),
        empty=_("Chưa có hồ sơ nào."),
        font=font,
    )
    completion = numbers["completion"]
    if completion is not None:
        result.outside = completion["outside"]
        result.own = _completion_row(completion["own"]) if completion["own"] else None
        result.children = [_completion_row(row) for row in completion["children"]]
    return result


def datasets(presented: Presented, selection: dashboards.Selection, today) -> dict:
    """The tables as spreadsheets, keyed by their ?bang=. Headings are the Vietnamese labels
    (callers render under translation.override("vi")): a file's columns do not change with
    the reader's language."""
    unit, campaign, round_ = selection.unit, selection.campaign, selection.round
    summary = tablib.Dataset(headers=[_("Mục"), _("Giá trị")], title=_("Tổng hợp"))
    summary.append([_("Đơn vị"), unit.name])
    summary.append([_("Phong trào"), campaign.name])
    summary.append([_("Đợt"), round_.name if round_ else _("Cả phong trào")])
    summary.append([_("Ngày lập"), today.strftime(DAY)])
    for label, value in presented.kpis:
        summary.append([label, value])
    own = presented.own
    if own:
        summary.append([_("Đơn vị đã gửi lên cấp trên"), own["sent"]])
        summary.append([_("Tính vào chỉ tiêu"), own["used"]])
        summary.append([_("Đang chờ đơn vị xét"), own["waiting"]])
        summary.append([_("Chỉ tiêu"), own["quota_label"]])
        summary.append([_("Hạn chót"), own["deadline"].strftime(DAY) if own["deadline"] else ""])
        summary.append([_("Tình trạng"), own["status_label"]])
    tables = {"tong-hop": summary}
    for b in presented.breakdowns:
        sheet = tablib.Dataset(headers=[b.heading, _("Số hồ sơ"), _("Tỷ lệ (%)")], title=b.title)
        for label, n, share in b.rows:
            sheet.append([label, n, share])
        tables[b.key] = sheet
    trend = tablib.Dataset(
        headers=[_("Đợt"), _("Mở từ ngày"), _("Số hồ sơ"), _("Đã gửi lên"), _("Được khen thưởng")],
        title=_("Theo đợt"),
    )
    for r in presented.trend:
        trend.append(
            [r["name"], r["opens_on"].strftime(DAY), r["total"], r["sent"], r["recognised"]]
        )
    tables["theo-dot"] = trend
    if round_ is not None and not presented.outside:
        progress = tablib.Dataset(
            headers=[
                _("Mã đơn vị"),
                _("Đơn vị"),
                _("Cấp"),
                _("Đã gửi lên"),
                _("Tính vào chỉ tiêu"),
                _("Chỉ tiêu tối thiểu"),
                _("Chỉ tiêu"),
                _("Hạn chót"),
                _("Gia hạn"),
                _("Tình trạng"),
            ],
            title=_("Tiến độ đơn vị trực thuộc"),
        )
        for row in presented.children:
            progress.append(
                [
                    row["code"],
                    row["name"],
                    row["level_label"],
                    row["sent"],
                    row["used"],
                    row["target"] if row["target"] is not None else "",
                    row["quota_label"],
                    row["deadline"].strftime(DAY) if row["deadline"] else "",
                    _("có") if row["extended"] else "",
                    row["status_label"],
                ]
            )
        tables["tien-do"] = progress
    return tables


class DashboardMixin(LoginRequiredMixin, LoadMixin):
    """The unit (in scope, else 404), the selection and the numbers, shared by the three
    outputs."""

    def load(self, request, *args, **kwargs):
        self.today = dashboards.today()
        self.unit = self.dashboard_unit(request)
        self.selection = None
        if self.unit is None:
            return
        try:
            self.selection = dashboards.select(
                request.user,
                self.unit,
                campaign_code=request.GET.get("phong_trao", ""),
                round_value=request.GET.get("dot", ""),
                today=self.today,
            )
        except LookupError as exc:
            raise Http404 from exc

    @staticmethod
    def dashboard_unit(request) -> Unit | None:
        code = request.GET.get("don_vi")
        if code:
            return get_object_or_404(units_visible_to(request.user), code=code)
        membership = active_membership(request)
        if membership is not None:
            return membership.unit
        if is_unrestricted(request.user):
            return Unit.objects.filter(depth=1).order_by("path").first()
        return None

    def numbers(self) -> dict:
        numbers = dashboards.dashboard_numbers(self.request.user, self.selection, today=self.today)
        round_ = self.selection.round
        return {**numbers, "round_id": round_.pk if round_ else None}

    def query(self, **extra) -> str:
        selection = self.selection
        params = {"don_vi": self.unit.code}
        if selection and selection.campaign:
            params["phong_trao"] = selection.campaign.code
            params["dot"] = selection.round_value
        return urlencode({**params, **extra})

    def partial_view(self) -> bool:
        """The viewer holds no role at the unit itself: some of its dossiers (those that did not
        reach the viewer's own units) are not theirs to see, and are not counted."""
        user = self.request.user
        return not is_unrestricted(user) and self.unit.path not in membership_paths(user)


class DashboardView(DashboardMixin, TemplateView):
    template_name = "reporting/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(unit=self.unit, selection=self.selection, **kwargs)
        if self.unit is None:
            return context
        context.update(
            breadcrumbs=unit_breadcrumbs(self.request.user, self.unit),
            partial=self.partial_view(),
            query=self.query(),
            today=self.today,
        )
        if self.selection.campaign is not None:
            context["board"] = present(self.numbers())
        return context


def _basename(unit: Unit) -> str:
    return f"bang-dieu-khien-{file_slug(unit.code) or 'don-vi'}"


class DashboardExportView(DashboardMixin, View):
    """The whole dashboard as an .xlsx workbook, or one table (`?bang=`) as .xlsx or .csv."""

    def get(self, request):
        fmt = request.GET.get("format", "xlsx")
        if self.selection is None or self.selection.campaign is None or fmt not in ("xlsx", "csv"):
            raise Http404
        with translation.override("vi"):
            tables = datasets(present(self.numbers()), self.selection, self.today)
        table = request.GET.get("bang", "")
        if fmt == "csv" and not table:
            table = "tien-do" if "tien-do" in tables else "trang-thai"
        if table and table not in tables:
            raise Http404
        if table:
            response = spreadsheet_response(tables[table], basename=_basename(self.unit), fmt=fmt)
        else:
            response = workbook_response(list(tables.values()), basename=_basename(self.unit))
        audit(
            actor=request.user,
            action="dashboard.export",
            target=self.unit,
            campaign=self.selection.campaign.code,
            round=self.selection.round.pk if self.selection.round else None,
            table=table or "all",
            format=fmt,
        )
        return response


class DashboardPdfView(DashboardMixin, View):
    """The dashboard printed in the administrative layout, charts included."""

    def get(self, request):
        if self.selection is None or self.selection.campaign is None:
            raise Http404
        with translation.override("vi"):
            board = present(self.numbers(), font=charts.PRINT_FONT)
            context = {
                **header(self.unit, day=self.today),
                "doc_title": f"Bảng điều khiển - {self.unit.name}",
                "unit": self.unit,
                "selection": self.selection,
                "board": board,
                "partial": self.partial_view(),
            }
            response = pdf_response(
                request,
                "reporting/dashboard_print.html",
                context,
                f"{_basename(self.unit)}-{self.today:%Y%m%d}.pdf",
            )
        audit(
            actor=request.user,
            action="dashboard.pdf",
            target=self.unit,
            campaign=self.selection.campaign.code,
            round=self.selection.round.pk if self.selection.round else None,
        )
        return response
