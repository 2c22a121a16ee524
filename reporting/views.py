"""Downloads of the printed documents. Each view fetches what it prints through the selector
of its app (out of scope: 404), renders, logs the download, and answers with a PDF."""

import rules
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from campaigns.models import Round
from campaigns.selectors import campaigns_visible_to
from core.audit import audit
from core.middleware import PRIVATE_CACHE_CONTROL
from core.storage import open_stored
from nominations import selectors as nomination_selectors
from nominations.models import CouncilSession, Decision
from nominations.services import record_download
from units.selectors import units_visible_to

from . import bundles, decisions, large_prints, office, printing
from .documents import html_to_pdf, render_html
from .models import Export, ExportKind


def pdf_response(request, template, context, filename, *, nomination=None) -> HttpResponse:
    """Every printed document a view answers with. One that renders in a moment comes back as
    the PDF; a larger one (user text can make any of them grow) is rendered by a worker while
    the user follows the bundle progress page, so no web worker is held for long."""
    html = render_html(template, context)
    if not large_prints.renders_inline(html):
        export = large_prints.print_request(
            actor=request.user, html=html, name=filename, nomination=nomination
        )
        return redirect("reporting:export", pk=export.pk)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """A document's editable file (Word, Excel): private, never cached, never sniffed."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


def _unit_and_round(request, round_pk, code):
    """A unit the user belongs to, and a round of a campaign that covers it; else 404."""
    unit = get_object_or_404(units_visible_to(request.user), code=code)
    round_ = get_object_or_404(Round.objects.select_related("campaign__owner_unit"), pk=round_pk)
    if not unit.path.startswith(round_.campaign.owner_unit.path) or not bundles.member_of(
        request.user, unit
    ):
        raise Http404
    return unit, round_


class NominationReportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        nomination = get_object_or_404(
            nomination_selectors.nominations_visible_to(request.user, pk=pk)
        )
        template, context, filename = printing.nomination_document(nomination)
        response = pdf_response(request, template, context, filename, nomination=nomination)
        if response.status_code == 200:  # a large one goes on record when its file is fetched
            record_download(actor=request.user, nomination=nomination, what=filename)
        return response


class UnitListView(LoginRequiredMixin, View):
    def get(self, request, round_pk, code, kind, fmt="pdf"):
        if kind not in printing.LIST_HEADINGS:
            raise Http404
        unit, round_ = _unit_and_round(request, round_pk, code)
        template, context, filename = printing.unit_list_document(round_, unit, kind)
        if fmt == "xlsx":
            response = file_response(
                office.seed002_xlsx(context["listing"]), XLSX, filename.replace(".pdf", ".xlsx")
            )
        else:
            response = pdf_response(request, template, context, filename)
        audit(actor=request.user, action=f"document.{kind}", target=unit, round=round_.pk)
        return response


class CouncilMinutesView(LoginRequiredMixin, View):
    def get(self, request, pk):
        session = get_object_or_404(
            CouncilSession.objects.select_related("unit", "round__campaign", "recorded_by"), pk=pk
        )
        if not bundles.member_of(request.user, session.unit):
            raise Http404
        response = pdf_response(request, *printing.council_minutes_document(session))
        audit(actor=request.user, action="document.minutes", target=session)
        return response


class RegistrationListView(LoginRequiredMixin, View):
    """A unit's registration of targets in a campaign (seed 002 layout), PDF or Excel: for the
    members of the unit, in a campaign that covers it."""

    def get(self, request, code, unit_code, fmt):
        if fmt not in ("pdf", "xlsx"):
            raise Http404
        campaign = get_object_or_404(
            campaigns_visible_to(request.user).select_related("owner_unit"), code=code
        )
        unit = get_object_or_404(units_visible_to(request.user), code=unit_code)
        if not unit.path.startswith(campaign.owner_unit.path) or not bundles.member_of(
            request.user, unit
        ):
            raise Http404
        template, context, filename = printing.registration_document(campaign, unit)
        audit(actor=request.user, action="document.registrations", target=unit, fmt=fmt)
        if fmt == "xlsx":
            return file_response(
                office.seed002_xlsx(context["listing"]), XLSX, filename.replace(".pdf", ".xlsx")
            )
        return pdf_response(request, template, context, filename)


class DraftDecisionView(LoginRequiredMixin, View):
    """The draft decision for the dossiers approved at a council session's unit: PDF, Word, or
    its annex as Excel. Only the deciding unit's leader and council secretary; else 404."""

    def get(self, request, pk, fmt):
        if fmt not in ("pdf", "docx", "xlsx"):
            raise Http404
        session = get_object_or_404(
            CouncilSession.objects.select_related("unit", "round__campaign", "recorded_by"), pk=pk
        )
        if not rules.has_perm("nominations.draft_decision_of", request.user, session.unit):
            raise Http404
        grantor = request.GET.get("cap") or None
        if grantor is not None and grantor not in decisions.GRANTORS:
            raise Http404
        template, context, filename, draft = printing.draft_decision_document(
            session, grantor=grantor
        )
        audit(actor=request.user, action="document.draft_decision", target=session, fmt=fmt)
        if fmt == "docx":
            return file_response(office.decision_docx(draft), DOCX, f"{draft.filename}.docx")
        if fmt == "xlsx":
            return file_response(office.annex_xlsx(draft), XLSX, f"{draft.filename}-phu-luc.xlsx")
        return pdf_response(request, template, context, filename)


class DecisionAnnexView(LoginRequiredMixin, View):
    def get(self, request, pk):
        decision = get_object_or_404(Decision.objects.select_related("unit"), pk=pk)
        if not units_visible_to(request.user).filter(pk=decision.unit_id).exists():
            raise Http404
        response = pdf_response(request, *printing.decision_annex_document(decision))
        audit(actor=request.user, action="document.annex", target=decision)
        return response


class NominationBundleView(LoginRequiredMixin, View):
    def post(self, request, pk):
        nomination = get_object_or_404(
            nomination_selectors.nominations_visible_to(request.user, pk=pk)
        )
        export = bundles.bundle_request(actor=request.user, nomination=nomination)
        return redirect("reporting:export", pk=export.pk)


class UnitBundleView(LoginRequiredMixin, View):
    def post(self, request, round_pk, code):
        unit, round_ = _unit_and_round(request, round_pk, code)
        export = bundles.bundle_request(actor=request.user, unit=unit, round_=round_)
        return redirect("reporting:export", pk=export.pk)


def _own_export(request, pk) -> Export:
    return get_object_or_404(
        Export.objects.select_related("nomination", "unit", "round"),
        pk=pk,
        requested_by=request.user,
    )


class ExportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        export = _own_export(request, pk)
        template = (
            "reporting/partials/export_progress.html" if request.htmx else "reporting/export.html"
        )
        return render(request, template, {"export": export})


class ExportDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        export = _own_export(request, pk)
        if not bundles.may_download(request.user, export):
            raise Http404
        opened = open_stored(export.file, what="export")
        if export.nomination_id:
            record_download(actor=request.user, nomination=export.nomination, what=export.name)
        audit(actor=request.user, action=f"{export.kind}.download", target=export)
        response = FileResponse(
            opened,
            content_type="application/pdf"
            if export.kind == ExportKind.DOCUMENT
            else "application/zip",
            as_attachment=True,
            filename=export.name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
