"""The spreadsheet import flow, shared by every importer: upload, check (dry run), confirm."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django.views.generic.edit import FormView

from .exports import spreadsheet_response
from .forms import ImportUploadForm
from .idempotency import once, token_from
from .imports import (
    BACKGROUND,
    IMPORTERS,
    ImportFileError,
    import_job_check,
    import_job_confirm,
    import_progress,
    template_dataset,
    valid_rows,
)
from .models import ImportJob, ImportStatus


class ImporterMixin:
    def dispatch(self, request, *args, **kwargs):
        self.importer = IMPORTERS.get(kwargs["kind"])
        if self.importer is None:
            raise Http404
        if request.user.is_authenticated and not request.user.has_perm(self.importer.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportStartView(LoginRequiredMixin, ImporterMixin, FormView):
    template_name = "core/import_start.html"
    form_class = ImportUploadForm

    def import_context(self):
        """What the rows go into (a campaign and round), from the page's query string."""
        if self.importer.context_from is None:
            return {}
        try:
            return self.importer.context_from(self.request)
        except ImportFileError as exc:
            raise Http404(str(exc)) from exc

    def get(self, request, *args, **kwargs):
        self.import_context()
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            job = import_job_check(
                actor=self.request.user,
                importer=self.importer,
                file_name=upload.name,
                content=upload.read(),
                context=self.import_context(),
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return redirect("core:import_job", pk=job.pk)

    def get_context_data(self, **kwargs):
        recent = ImportJob.objects.filter(created_by=self.request.user, kind=self.importer.kind)
        context = self.import_context()
        return super().get_context_data(
            importer=self.importer,
            recent=recent[:10],
            target=self.importer.describe(context) if self.importer.describe else "",
            **kwargs,
        )


class ImportTemplateView(LoginRequiredMixin, ImporterMixin, View):
    def get(self, request, kind):
        return spreadsheet_response(
            template_dataset(self.importer),
            basename=f"mau-{kind}",
            fmt=request.GET.get("format", "xlsx"),
            title=str(self.importer.title),
        )


def imported_message(job: ImportJob) -> str:
    """What an import did, in one sentence."""
    skipped = job.totals.get("skipped", 0)
    done = job.totals.get("rows", 0) - skipped
    if skipped:
        return _("Đã nhập xong %(n)s dòng và bỏ qua %(skipped)s dòng lỗi (liệt kê bên dưới).") % {
            "n": done,
            "skipped": skipped,
        }
    return _("Đã nhập xong %(n)s dòng.") % {"n": done}


class ImportJobView(LoginRequiredMixin, DetailView):
    """A checked upload: its errors or its preview, and the button that imports it."""

    template_name = "core/import_job.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        # Only the uploader sees their file: it may hold other people's personal data.
        job = get_object_or_404(
            ImportJob.objects.defer("content"), pk=self.kwargs["pk"], created_by=self.request.user
        )
        self.importer = IMPORTERS[job.kind]
        return job

    def get_context_data(self, **kwargs):
        job = self.object
        columns = list(dict.fromkeys(c for r in job.preview for c in r.get("values", {})))
        rows = [
            {**r, "cells": [r.get("values", {}).get(c, "") for c in columns]} for r in job.preview
        ]
        total = job.totals.get("rows", 0)
        done = min(import_progress(job), total) if job.status in BACKGROUND else 0
        return super().get_context_data(
            importer=self.importer,
            background=job.status in BACKGROUND,
            done=done,
            percent=round(100 * done / total / 25) * 25 if total else 0,
            target=self.importer.describe(job.context) if self.importer.describe else "",
            preview_columns=columns,
            preview_rows=rows,
            can_confirm=self.object.status == ImportStatus.CHECKED_OK,
            valid_rows=valid_rows(self.object)
            if self.object.status == ImportStatus.CHECKED_ERRORS
            else 0,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.headers.get("HX-Request"):
            if self.object.status not in BACKGROUND:
                # Done: the whole page changes (preview, errors, buttons), so reload it.
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
            return render(request, "core/partials/import_progress.html", self.get_context_data())
        return self.render_to_response(self.get_context_data())

    def post(self, request, pk):
        job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
        if not request.user.has_perm(IMPORTERS[job.kind].permission):
            raise PermissionDenied
        try:
            job, created = once(
                token=token_from(request.POST),
                actor=request.user,
                action=lambda: import_job_confirm(
                    actor=request.user, job=job, valid_only=request.POST.get("valid_only") == "1"
                ),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("core:import_job", pk=pk)
        if not created:
            return redirect("core:import_job", pk=pk)
        if job.status == ImportStatus.IMPORTING:
            messages.info(
                request,
                _("Tệp lớn nên được nhập trong nền; trang tự cập nhật khi xong."),
            )
        elif job.status == ImportStatus.IMPORTED:
            messages.success(request, imported_message(job))
        else:
            messages.error(
                request,
                _(
                    "Không nhập được: dữ liệu đã thay đổi từ lúc kiểm tra. "
                    "Không dòng nào được lưu; hãy xem lỗi bên dưới."
                ),
            )
        return redirect("core:import_job", pk=pk)


class LoadMixin:
    """Put after LoginRequiredMixin: the user is known to be logged in when `load()` fetches the
    objects a page works on (raising Http404 or PermissionDenied as it must)."""

    def dispatch(self, request, *args, **kwargs):
        self.load(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, *args, **kwargs):
        raise NotImplementedError
