"""Downloads of the printed documents. Each view fetches what it prints through the selector
of its app (out of scope: 404), renders, logs the download, and answers with a PDF."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from campaigns.models import Round
from core.audit import audit
from core.middleware import PRIVATE_CACHE_CONTROL
from core.storage import open_stored
from nominations import selectors as nomination_selectors
from nominations.models import CouncilSession, Decision
from nominations.services import record_download
from units.selectors import units_visible_to

from . import bundles, large_prints, printing
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
    def get(self, request, round_pk, code, kind):
        if kind not in printing.LIST_HEADINGS:
            raise Http404
        unit, round_ = _unit_and_round(request, round_pk, code)
        response = pdf_response(request, *printing.unit_list_document(round_, unit, kind))
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
