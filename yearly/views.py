"""Pages of the yearly implementation report, under /bao-cao-nam/. Thin: fetch from a selector
(out of scope: 404), check the permission (may see but not act: 403), run the form, call the
service, turn its error into a message, redirect."""

import rules
import tablib
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from core.audit import audit
from core.concurrency import StaleVersionError, stale_context
from core.exports import spreadsheet_response
from core.idempotency import once, token_from
from core.lists import ListPageView
from core.views import LoadMixin
from reporting.views import pdf_response
from units.models import Unit
from units.selectors import membership_paths

from . import printing, selectors, services
from .forms import ReportCallForm, ReportForm, ReturnForm
from .lists import CallFilter, CallTable


def _call(request, pk, *, overseen=True):
    calls = (
        selectors.calls_overseen_by(request.user)
        if overseen
        else selectors.calls_visible_to(request.user)
    )
    return get_object_or_404(calls, pk=pk)


def _report(request, pk):
    return get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class IndexView(LoginRequiredMixin, ListPageView):
    """What the user's units have been asked to report, and the calls the user oversees."""

    template_name = "yearly/index.html"
    filterset_class = CallFilter
    table_class = CallTable
    rows_name = "calls"
    export_basename = "yeu-cau-bao-cao"
    export_title = "Yêu cầu báo cáo năm"  # the file is in Vietnamese, as its headings
    export_action = "yearly.call_export"
    export_exclude = ("link",)

    def get_queryset(self):
        return selectors.with_progress(selectors.calls_overseen_by(self.request.user)).order_by(
            "-year", "unit__path"
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            assignments=selectors.assignments_of(user),
            can_issue=selectors.units_issuing_for(user).exists(),
            **kwargs,
        )


class CallCreateView(LoginRequiredMixin, LoadMixin, FormView):
    template_name = "yearly/call_form.html"
    form_class = ReportCallForm

    def load(self, request, *args, **kwargs):
        self.units = selectors.units_issuing_for(request.user)
        if not self.units.exists():
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": self.units}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            call = services.report_call_create(
                actor=self.request.user,
                unit=data["unit"],
                year=data["year"],
                due_on=data["due_on"],
                title=data["title"],
                instructions=data["instructions"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã gửi yêu cầu báo cáo đến %(n)s đơn vị trực thuộc.")
            % {"n": selectors.expected_units(call).count()},
        )
        return redirect("yearly:call", pk=call.pk)


class CallEditView(LoginRequiredMixin, LoadMixin, FormView):
    template_name = "yearly/call_form.html"
    form_class = ReportCallForm

    def load(self, request, *args, **kwargs):
        self.call = _call(request, kwargs["pk"])
        if not rules.has_perm("yearly.change_report_call", request.user, self.call):
            raise PermissionDenied

    def get_initial(self):
        c = self.call
        return {
            "title": c.title,
            "due_on": c.due_on,
            "instructions": c.instructions,
            "period_start": c.period_start,
            "period_end": c.period_end,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(call=self.call, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.report_call_update(
                actor=self.request.user,
                call=self.call,
                due_on=data["due_on"],
                title=data["title"],
                instructions=data["instructions"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu yêu cầu báo cáo."))
        return redirect("yearly:call", pk=self.call.pk)


OVERVIEW_HEADERS = [
    "Mã đơn vị",
    "Đơn vị",
    "Tình trạng",
    "Ngày gửi",
    "Người gửi",
    "Gửi muộn, quá hạn",
    "Hồ sơ giới thiệu",
    "Được công nhận, khen thưởng",
]


class CallOverviewView(LoginRequiredMixin, TemplateView):
    """Who has and has not reported: every direct sub-unit, its standing and what it sent."""

    template_name = "yearly/overview.html"

    def get(self, request, *args, **kwargs):
        self.call = _call(request, kwargs["pk"])
        if request.GET.get("export") in ("xlsx", "csv"):
            return self.export(request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            call=self.call,
            overview=selectors.call_overview(self.call),
            can_change=rules.has_perm("yearly.change_report_call", user, self.call),
            **kwargs,
        )

    def export(self, fmt):
        overview = selectors.call_overview(self.call)
        # Column headings are the file's format: Vietnamese in both UI languages, values too.
        with translation.override("vi"):
            dataset = tablib.Dataset(
                headers=OVERVIEW_HEADERS, title=f"Báo cáo năm {self.call.year}"
            )
            for row in overview.rows:
                report = row.report
                sent = row.standing == "sent"
                dataset.append(
                    [
                        row.unit.code,
                        row.unit.name,
                        str(row.standing_label),
                        row.sent_on.strftime("%d/%m/%Y") if sent else "",
                        report.sent_by.get_full_name() if sent and report.sent_by else "",
                        "x" if row.late else "",
                        report.sent_introduced if report and report.first_sent_at else "",
                        report.sent_recognised if report and report.first_sent_at else "",
                    ]
                )
        audit(actor=self.request.user, action="report_call.export", target=self.call, fmt=fmt)
        return spreadsheet_response(
            dataset, basename=f"bao-cao-nam-{self.call.year}-{self.call.unit.code}", fmt=fmt
        )


class ReportStartView(LoginRequiredMixin, View):
    def post(self, request, pk, code):
        call = _call(request, pk, overseen=False)
        unit = get_object_or_404(
            Unit.objects.filter(path__in=membership_paths(request.user)), code=code
        )
        try:
            report = services.report_start(actor=request.user, call=call, unit=unit)
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("yearly:index")
        return redirect("yearly:report_edit", pk=report.pk)


class ReportDetailView(LoginRequiredMixin, TemplateView):
    template_name = "yearly/report_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        report = _report(self.request, self.kwargs["pk"])
        live = selectors.shows_working_copy(user, report)
        can_send = rules.has_perm("yearly.send_report", user, report)
        return super().get_context_data(
            report=report,
            view=selectors.report_view(report, live=live),
            can_edit=rules.has_perm("yearly.change_report", user, report),
            can_send=can_send,
            problems=services.missing_sections(report) if can_send else [],
            return_form=ReturnForm()
            if rules.has_perm("yearly.return_report", user, report)
            else None,
            oversees=rules.has_perm("yearly.view_report_overview", user, report.call),
            late=report.first_sent_at is not None
            and timezone.localdate(report.first_sent_at) > report.call.due_on,
            **kwargs,
        )


class ReportEditView(LoginRequiredMixin, LoadMixin, FormView):
    template_name = "yearly/report_form.html"
    form_class = ReportForm

    def load(self, request, *args, **kwargs):
        self.report = _report(request, kwargs["pk"])
        if not rules.has_perm("yearly.change_report", request.user, self.report):
            raise PermissionDenied

    def get_initial(self):
        return self.initial_of(self.report)

    @staticmethod
    def initial_of(report):
        return {
            "version": report.version,
            **{name: getattr(report, name) for name in services.TEXT_FIELDS},
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.report_update(
                actor=self.request.user,
                report=self.report,
                expected_version=data["version"],
                **{name: data[name] for name in services.TEXT_FIELDS},
            )
        except StaleVersionError as exc:
            stored = ReportForm(initial=self.initial_of(exc.current))
            return self.render_to_response(
                self.get_context_data(form=form, **stale_context(exc, typed=form, stored=stored))
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu báo cáo."))
        return redirect("yearly:report", pk=self.report.pk)


class ReportSendView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = _report(request, pk)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            report, _created = once(
                token=token_from(request.POST),
                actor=request.user,
                action=lambda: services.report_send(
                    actor=request.user, report=report, expected_version=version
                ),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Đã gửi báo cáo đến %(unit)s.") % {"unit": report.sent_to.name},
            )
        return redirect("yearly:report", pk=pk)


class ReportReturnView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = _report(request, pk)
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì."))
            return redirect("yearly:report", pk=pk)
        try:
            services.report_return(
                actor=request.user, report=report, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã trả lại báo cáo cho %(unit)s.") % {"unit": report.unit})
        return redirect("yearly:report", pk=pk)


class ReportPdfView(LoginRequiredMixin, View):
    """The report in the official layout: the working copy (marked as a draft) for the unit's
    own members while it is editable, else the report as sent."""

    def get(self, request, pk):
        report = _report(request, pk)
        live = selectors.shows_working_copy(request.user, report)
        with translation.override("vi"):
            response = pdf_response(request, *printing.report_document(report, live=live))
        audit(
            actor=request.user, action="document.implementation_report", target=report, draft=live
        )
        return response
