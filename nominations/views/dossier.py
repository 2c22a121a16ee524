"""The dossier pages: lists, creating, editing, the detail, evidence, received titles, files."""

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from campaigns.selectors import rounds_open_to
from core.audit import audit
from core.concurrency import StaleVersionError, stale_context
from core.idempotency import once
from core.lists import ListPageView
from core.middleware import PRIVATE_CACHE_CONTROL
from core.storage import open_stored
from core.validators import photo_content_type
from core.views import LoadMixin

from .. import selectors
from ..enums import Action
from ..exports import NominationResource
from ..forms import (
    AssessmentForm,
    ContentForm,
    EvidenceForm,
    NominationCreateForm,
    ReceivedTitleForm,
    ReviewForm,
    TransitionForm,
    WorkFormSet,
)
from ..guards import content_problems
from ..lists import NominationFilter, NominationTable
from ..models import Evidence
from ..services.dossier import (
    evidence_add,
    evidence_remove,
    nomination_create,
    nomination_update,
    received_title_add,
    record_download,
)
from ..workflow import actions_for
from .base import acting_unit, attachment, visible_nomination


class NominationListView(LoginRequiredMixin, ListPageView):
    """The unit's own dossiers, with their state and next step: searchable without diacritics,
    sortable, exported exactly as filtered."""

    template_name = "nominations/list.html"
    filterset_class = NominationFilter
    table_class = NominationTable
    export_basename = "ho-so"
    export_title = "Danh sách hồ sơ"  # the file is in Vietnamese, as its headings
    export_action = "nomination.export"
    export_resource = NominationResource
    rows_name = "nominations"

    def get_queryset(self):
        unit = acting_unit(self.request)
        nominations = selectors.nominations_visible_to(self.request.user)
        if unit is not None:
            nominations = nominations.filter(nominating_unit__path__startswith=unit.path)
        # The paging query joins only what it filters and sorts on; the table reads its page's
        # rows by id (NominationTable.load_rows).
        return nominations.select_related(None).order_by("-updated_at", "-pk")

    def export_rows(self, rows):
        return rows.select_related(*selectors.ROW_RELATED, "decision")

    def get_context_data(self, **kwargs):
        unit = acting_unit(self.request)
        return super().get_context_data(
            unit=unit,
            can_create=rules.has_perm("nominations.add_nomination_for", self.request.user, unit),
            **kwargs,
        )


class NominationCreateView(LoginRequiredMixin, LoadMixin, TemplateView):
    template_name = "nominations/create.html"

    def load(self, request, *args, **kwargs):
        self.unit = acting_unit(request)
        if not rules.has_perm("nominations.add_nomination_for", request.user, self.unit):
            raise PermissionDenied
        self.campaigns = selectors.campaigns_open_to(request.user, self.unit)
        code = request.GET.get("phong_trao") or request.POST.get("phong_trao")
        self.campaign = next((c for c in self.campaigns if c.code == code), None)

        self.open_rounds = (
            rounds_open_to(self.campaign, self.unit) if self.campaign is not None else []
        )

    def form(self, data=None):
        if self.campaign is None or not self.open_rounds:
            return None
        return NominationCreateForm(
            data,
            campaign=self.campaign,
            unit=self.unit,
            open_rounds=self.open_rounds,
            initial={"round": self.request.GET.get("dot")},  # the home page's "Tạo hồ sơ"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaigns=self.campaigns,
            campaign=self.campaign,
            open_rounds=self.open_rounds,
            unit=self.unit,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                nomination, created = once(
                    token=data["form_token"],
                    actor=request.user,
                    action=lambda: nomination_create(
                        actor=request.user,
                        campaign=self.campaign,
                        round_=data["round"],
                        category=data["category"],
                        title=data["title"],
                        nominating_unit=self.unit,
                        **form.nominee_kwargs(),
                    ),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if created:
                    messages.success(request, _("Đã tạo hồ sơ nháp. Hãy điền nội dung."))
                return redirect("nominations:edit", pk=nomination.pk)
        return self.render_to_response(self.get_context_data(form=form))


class NomineeSearchView(LoginRequiredMixin, View):
    """The person picker's source: the people and units the acting unit may nominate in the
    campaign (`phong_trao`) and category (`doi_tuong`, optional), whose name matches what was
    typed, without diacritics. JSON."""

    def get(self, request):
        unit = acting_unit(request)
        if not rules.has_perm("nominations.add_nomination_for", request.user, unit):
            raise PermissionDenied
        code = request.GET.get("phong_trao")
        campaign = next(
            (c for c in selectors.campaigns_open_to(request.user, unit) if c.code == code), None
        )
        if campaign is None:
            raise Http404
        categories = campaign.categories
        if request.GET.get("doi_tuong") in categories:  # the category chosen on the form
            categories = [request.GET["doi_tuong"]]
        found = selectors.nominee_choices(
            unit,
            request.GET.get("q", ""),
            units="collective" in categories,
            people=any(c != "collective" for c in categories),
        )
        response = JsonResponse(
            {"results": [{"value": k, "text": text, "group": g} for k, text, g in found]}
        )
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response


class NominationEditView(LoginRequiredMixin, LoadMixin, TemplateView):
    template_name = "nominations/edit.html"

    def load(self, request, *args, **kwargs):
        self.nomination = visible_nomination(request, kwargs["pk"])
        if not rules.has_perm("nominations.change_nomination", request.user, self.nomination):
            raise PermissionDenied

    def forms(self, data=None, files=None, nomination=None):
        n = nomination or self.nomination
        initial = {
            "version": n.version,
            "summary": n.achievement_summary,
            "ground": n.ground,
            "video_links": "\n".join(n.video_links),
            "photo_public": n.photo_public,
            **{f"cv_{k}": v for k, v in n.cv.items()},
        }
        content = ContentForm(
            data,
            files,
            initial=initial,
            individual=not n.is_collective,
            max_summary_words=n.campaign.max_summary_words,
        )
        works = WorkFormSet(
            data,
            prefix="works",
            initial=[
                {
                    f: getattr(w, f)
                    for f in ("name", "implementing_unit", "description", "roadmap", "results")
                }
                for w in n.works.all()
            ],
        )
        assessments = [
            (
                a,
                AssessmentForm(
                    data,
                    prefix=f"a{a.criterion_id}",
                    criterion=a.criterion,
                    initial={
                        "met": {True: "yes", False: "no"}.get(a.met, ""),
                        "explanation": a.explanation,
                    },
                ),
            )
            for a in n.assessments.select_related("criterion").order_by("criterion__order")
        ]
        return content, works, assessments

    def get_context_data(self, **kwargs):
        return super().get_context_data(nomination=self.nomination, **kwargs)

    def get(self, request, *args, **kwargs):
        content, works, assessments = self.forms()
        return self.render_to_response(
            self.get_context_data(content=content, works=works, assessments=assessments)
        )

    def post(self, request, *args, **kwargs):
        content, works, assessments = self.forms(request.POST, request.FILES)
        valid = content.is_valid() & works.is_valid() & all(f.is_valid() for _a, f in assessments)
        if valid:
            data = content.cleaned_data
            kept = [
                f.cleaned_data
                for f in works.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                nomination_update(
                    actor=request.user,
                    nomination=self.nomination,
                    summary=data["summary"],
                    ground=data["ground"],
                    cv=content.cv(),
                    video_links=data["video_links"],
                    photo=data.get("photo"),
                    photo_public=data.get("photo_public"),
                    works=[{k: v for k, v in w.items() if k != "DELETE"} for w in kept],
                    assessments={a.criterion_id: f.value() for a, f in assessments},
                    expected_version=data.get("version"),
                )
            except StaleVersionError as exc:
                return self.stale(exc, content, works, assessments)
            except ValidationError as exc:
                content.add_error(None, exc.messages)
            else:
                messages.success(request, _("Đã lưu hồ sơ."))
                if "add_work" in request.POST:
                    return redirect("nominations:edit", pk=self.nomination.pk)
                return redirect("nominations:detail", pk=self.nomination.pk)
        return self.render_to_response(
            self.get_context_data(content=content, works=works, assessments=assessments)
        )

    def stale(self, exc, content, works, assessments):
        """Someone saved the dossier since this page was read: keep what the user typed, show
        what is stored now beside it."""
        stored_content, stored_works, stored_assessments = self.forms(nomination=exc.current)
        typed = [("", content)]
        stored = [("", stored_content)]
        rows = max(len(works.forms), len(stored_works.forms))
        blank = WorkFormSet(prefix="works").empty_form
        for i in range(rows):
            heading = _("Mô hình, công trình %(n)s") % {"n": i + 1}
            typed.append((heading, works.forms[i] if i < len(works.forms) else blank))
            stored.append(
                (heading, stored_works.forms[i] if i < len(stored_works.forms) else blank)
            )
        for (a, mine), (_b, now) in zip(assessments, stored_assessments, strict=True):
            heading = _("Tiêu chí %(n)s") % {"n": a.criterion.order}
            typed.append((heading, mine))
            stored.append((heading, now))
        context = stale_context(exc, typed=typed, stored=stored)
        return self.render_to_response(
            self.get_context_data(content=content, works=works, assessments=assessments, **context)
        )


class NominationDetailView(LoginRequiredMixin, TemplateView):
    template_name = "nominations/detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        nomination = visible_nomination(self.request, self.kwargs["pk"])
        editable = rules.has_perm("nominations.change_nomination", user, nomination)
        reviews = nomination.reviews.select_related("unit", "reviewer")
        sees_internal = rules.has_perm("nominations.view_internal_reviews", user, nomination)
        return super().get_context_data(
            nomination=nomination,
            steps=nomination.steps.select_related("unit").order_by("position"),
            works=nomination.works.all(),
            assessments=nomination.assessments.select_related("criterion").order_by(
                "criterion__order"
            ),
            evidence=nomination.evidence.select_related("criterion"),
            eligibility=selectors.eligibility(nomination),
            duplicates=selectors.duplicates_of(nomination),
            problems=content_problems(nomination) if editable else [],
            editable=editable,
            actions=[
                (t, Action(t.action).label, TransitionForm(initial={"version": nomination.version}))
                for t in actions_for(user, nomination)
            ],
            reviews=[r for r in reviews if sees_internal or r.comment_visible],
            can_review=rules.has_perm("nominations.review_nomination", user, nomination),
            review_form=ReviewForm(nomination=nomination),
            evidence_form=EvidenceForm(nomination=nomination) if editable else None,
            votes=nomination.council_votes.select_related("session"),
            received=selectors.received_titles(nomination),
            received_form=ReceivedTitleForm() if editable else None,
            timeline=selectors.timeline(nomination),
            public_comments=selectors.public_comments_for(user, nomination),
            **kwargs,
        )


class EvidenceUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        nomination = visible_nomination(request, pk)
        form = EvidenceForm(request.POST, request.FILES, nomination=nomination)
        if form.is_valid():
            try:
                once(
                    token=form.cleaned_data["form_token"],
                    actor=request.user,
                    action=lambda: evidence_add(
                        actor=request.user,
                        nomination=nomination,
                        upload=form.cleaned_data["file"],
                        criterion=form.cleaned_data["criterion"],
                    ),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Đã tải lên minh chứng."))
        elif request.FILES:  # a file that Django refused (empty), or a criterion of another set
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            messages.error(request, _("Hãy chọn tệp minh chứng."))
        return redirect("nominations:detail", pk=pk)


class ReceivedTitleView(LoginRequiredMixin, View):
    def post(self, request, pk):
        nomination = visible_nomination(request, pk)
        form = ReceivedTitleForm(request.POST)
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "form_token"}
            try:
                once(
                    token=form.cleaned_data["form_token"],
                    actor=request.user,
                    action=lambda: received_title_add(
                        actor=request.user, nomination=nomination, **fields
                    ),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Đã thêm vào sổ thành tích."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("nominations:detail", pk=pk)


class EvidenceDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk, evidence_pk):
        nomination = visible_nomination(request, pk)
        evidence = get_object_or_404(Evidence, pk=evidence_pk, nomination=nomination)
        try:
            evidence_remove(actor=request.user, evidence=evidence)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("nominations:detail", pk=pk)


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk, evidence_pk):
        nomination = visible_nomination(request, pk)
        evidence = get_object_or_404(Evidence, pk=evidence_pk, nomination=nomination)
        opened = open_stored(evidence.file, what="evidence")  # a missing file is no download
        record_download(actor=request.user, nomination=nomination, what=evidence.original_name)
        return attachment(opened, name=evidence.original_name, content_type=evidence.content_type)


class PhotoView(LoginRequiredMixin, View):
    def get(self, request, pk):
        nomination = visible_nomination(request, pk)
        if not nomination.photo:
            raise Http404
        # Personal data leaving the portal, but shown on every visit of the dossier page: the
        # audit log, not the dossier's timeline.
        opened = open_stored(nomination.photo, what="dossier photo")
        audit(actor=request.user, action="nomination.photo", target=nomination)
        response = FileResponse(opened, content_type=photo_content_type(nomination.photo.name))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
