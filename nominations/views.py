"""Nomination pages: lists, the dossier form, the detail with its actions, the reviewer queue,
council sessions. Every page starts from `nominations_visible_to`: out of scope is a 404."""

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from campaigns.models import Round
from campaigns.selectors import (
    QuotaStatus,
    days_left,
    deadline_for,
    quota_for,
)
from core.audit import audit
from core.concurrency import StaleVersionError, stale_context
from core.exports import spreadsheet_response
from core.idempotency import once, token_from
from core.middleware import PRIVATE_CACHE_CONTROL
from core.pagination import ClampedPaginationMixin
from core.storage import open_stored
from core.validators import photo_content_type
from core.views import LoadMixin
from units.enums import Role
from units.security import client_ip
from units.session import active_membership

from . import selectors, services
from .enums import Action, State
from .exports import NominationResource
from .forms import (
    AssessmentForm,
    ConsultationForm,
    ContentForm,
    CouncilSessionForm,
    EvidenceForm,
    NominationCreateForm,
    PublicCommentForm,
    QueueFilterForm,
    ReceivedTitleForm,
    ReviewForm,
    TransitionForm,
    VoteForm,
    WorkFormSet,
    comment_token,
)
from .guards import content_problems
from .models import ChainStep, CouncilSession, Evidence, Nomination
from .workflow import BY_ACTION, actions_for

PAGE_SIZE = 50


def _visible(request, pk) -> Nomination:
    return get_object_or_404(selectors.nominations_visible_to(request.user, pk=pk))


def _acting_unit(request, role=None):
    membership = active_membership(request)
    if membership is None or (role is not None and membership.role != role):
        return None
    return membership.unit


def export_response(request, nominations, basename):
    """The list as .xlsx or .csv: the rows the page shows, audited once."""
    dataset = NominationResource().export(
        queryset=nominations.select_related("decision", "nominee_person")
    )
    audit(
        actor=request.user,
        action="nomination.export",
        rows=len(dataset),
        filters={k: v for k, v in request.GET.items() if k != "export"},
    )
    return spreadsheet_response(dataset, basename=basename, fmt=request.GET["export"])


class NominationListView(LoginRequiredMixin, ClampedPaginationMixin, ListView):
    """The unit's own dossiers, with their state and next step."""

    template_name = "nominations/list.html"
    context_object_name = "nominations"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        unit = _acting_unit(self.request)
        nominations = selectors.nominations_visible_to(self.request.user)
        if unit is not None:
            nominations = nominations.filter(nominating_unit__path__startswith=unit.path)
        state = self.request.GET.get("state")
        if state in State.values:
            nominations = nominations.filter(state=state)
        return nominations.order_by("-updated_at", "-pk")

    def paginate_queryset(self, queryset, page_size):
        # Page through the ids alone, then fetch the page's rows (selectors.rows_in_order).
        ids = queryset.select_related(None).values_list("pk", flat=True)
        paginator, page, ids, is_paginated = super().paginate_queryset(ids, page_size)
        page.object_list = selectors.rows_in_order(ids)
        return paginator, page, page.object_list, is_paginated

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in ("xlsx", "csv"):
            return export_response(request, self.get_queryset(), "ho-so")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        unit = _acting_unit(self.request)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            querystring=query.urlencode(),
            unit=unit,
            states=State.choices,
            current_state=self.request.GET.get("state", ""),
            can_create=rules.has_perm("nominations.add_nomination_for", self.request.user, unit),
            **kwargs,
        )


class NominationCreateView(LoginRequiredMixin, LoadMixin, TemplateView):
    template_name = "nominations/create.html"

    def load(self, request, *args, **kwargs):
        self.unit = _acting_unit(request)
        if not rules.has_perm("nominations.add_nomination_for", request.user, self.unit):
            raise PermissionDenied
        self.campaigns = selectors.campaigns_open_to(request.user, self.unit)
        code = request.GET.get("phong_trao") or request.POST.get("phong_trao")
        self.campaign = next((c for c in self.campaigns if c.code == code), None)

    def form(self, data=None):
        if self.campaign is None:
            return None
        return NominationCreateForm(data, campaign=self.campaign, unit=self.unit)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaigns=self.campaigns, campaign=self.campaign, unit=self.unit, **kwargs
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
                    action=lambda: services.nomination_create(
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


class NominationEditView(LoginRequiredMixin, LoadMixin, TemplateView):
    template_name = "nominations/edit.html"

    def load(self, request, *args, **kwargs):
        self.nomination = _visible(request, kwargs["pk"])
        if not rules.has_perm("nominations.change_nomination", request.user, self.nomination):
            raise PermissionDenied

    def forms(self, data=None, files=None, nomination=None):
        n = nomination or self.nomination
        initial = {
            "version": n.version,
            "summary": n.achievement_summary,
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
                services.nomination_update(
                    actor=request.user,
                    nomination=self.nomination,
                    summary=data["summary"],
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
        nomination = _visible(self.request, self.kwargs["pk"])
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


class TransitionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        nomination = _visible(request, pk)
        if action not in Action.values:
            raise Http404
        form = TransitionForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            if form.errors:
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            if BY_ACTION[action].needs_decision:
                once(
                    token=token_from(request.POST),
                    actor=request.user,
                    action=lambda: services.decide(
                        actor=request.user,
                        nominations=[nomination],
                        action=action,
                        number=data.get("number") or "",
                        signed_on=data.get("signed_on"),
                        issuer=data.get("issuer") or "",
                        reason=data.get("reason") or "",
                    ),
                )
            else:
                services.transition(
                    actor=request.user,
                    nomination=nomination,
                    action=action,
                    reason=data.get("reason") or "",
                    expected_version=data.get("version"),
                )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Đã thực hiện: %(action)s.") % {"action": Action(action).label}
            )
            if action in (Action.SUBMIT, Action.RESUBMIT):
                for other in selectors.duplicates_of(nomination):
                    messages.warning(
                        request,
                        _(
                            "Lưu ý: cùng đợt này, %(unit)s cũng có hồ sơ cho cùng cá nhân, tập thể "
                            "(%(state)s). Cấp xét sẽ thấy cảnh báo trùng."
                        )
                        % {"unit": other.nominating_unit.name, "state": other.get_state_display()},
                    )
        return redirect("nominations:detail", pk=pk)


class ReviewView(LoginRequiredMixin, View):
    def post(self, request, pk):
        nomination = _visible(request, pk)
        form = ReviewForm(request.POST, nomination=nomination)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("nominations:detail", pk=pk)
        try:
            once(
                token=form.cleaned_data["form_token"],
                actor=request.user,
                action=lambda: services.review_save(
                    actor=request.user,
                    nomination=nomination,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    comment_visible=form.cleaned_data["comment_visible"],
                ),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu điểm và nhận xét."))
        return redirect("nominations:detail", pk=pk)


class EvidenceUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        nomination = _visible(request, pk)
        form = EvidenceForm(request.POST, request.FILES, nomination=nomination)
        if form.is_valid():
            try:
                once(
                    token=form.cleaned_data["form_token"],
                    actor=request.user,
                    action=lambda: services.evidence_add(
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
        nomination = _visible(request, pk)
        form = ReceivedTitleForm(request.POST)
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "form_token"}
            try:
                once(
                    token=form.cleaned_data["form_token"],
                    actor=request.user,
                    action=lambda: services.received_title_add(
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
        nomination = _visible(request, pk)
        evidence = get_object_or_404(Evidence, pk=evidence_pk, nomination=nomination)
        try:
            services.evidence_remove(actor=request.user, evidence=evidence)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("nominations:detail", pk=pk)


def _attachment(opened, *, name, content_type):
    response = FileResponse(opened, content_type=content_type, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk, evidence_pk):
        nomination = _visible(request, pk)
        evidence = get_object_or_404(Evidence, pk=evidence_pk, nomination=nomination)
        opened = open_stored(evidence.file, what="evidence")  # a missing file is no download
        services.record_download(
            actor=request.user, nomination=nomination, what=evidence.original_name
        )
        return _attachment(opened, name=evidence.original_name, content_type=evidence.content_type)


class PhotoView(LoginRequiredMixin, View):
    def get(self, request, pk):
        nomination = _visible(request, pk)
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


class QueueView(LoginRequiredMixin, LoadMixin, TemplateView):
    """What waits at my unit, with my unit's quota and deadline per round, and bulk actions."""

    template_name = "nominations/queue.html"

    def load(self, request, *args, **kwargs):
        self.unit = _acting_unit(request)
        if not rules.has_perm("nominations.work_queue_of", request.user, self.unit):
            raise PermissionDenied

    def queryset(self, form):
        nominations = (
            selectors.nominations_visible_to(self.request.user)
            .filter(current_unit=self.unit)
            .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
        )
        if form.is_valid():
            data = form.cleaned_data
            nominations = nominations.filter(state=data["state"] or State.UNDER_REVIEW)
            if data["round"]:
                nominations = nominations.filter(round=data["round"])
            if data["category"]:
                nominations = nominations.filter(category=data["category"])
            if data["eligibility"]:
                nominations = nominations.filter(eligibility=data["eligibility"])
            if data["unit"]:
                nominations = nominations.filter(nominating_unit__code__iexact=data["unit"])
        else:
            nominations = nominations.filter(state=State.UNDER_REVIEW)
        order = (
            F("score").desc(nulls_last=True)
            if self.request.GET.get("sort") != "new"
            else F("updated_at").desc()
        )
        return nominations.order_by(order, "pk")

    def rounds(self):
        # A semi-join: DISTINCT over every chain step of the unit cost a Sở 7 ms, twice a page.
        through_unit = ChainStep.objects.filter(unit=self.unit).values("nomination__round_id")
        return Round.objects.filter(pk__in=through_unit).select_related("campaign")

    def headline(self, rounds):
        today = timezone.localdate()
        lines = []
        for round_ in rounds:
            day = deadline_for(round_, self.unit)
            quota = quota_for(round_, self.unit.level, "")
            status = (
                QuotaStatus(quota, selectors.quota_used(round_, self.unit, quota.category))
                if quota
                else None
            )
            lines.append(
                {
                    "round": round_,
                    "deadline": day,
                    "status": status,
                    "days_left": days_left(day, today=today) if day else None,
                }
            )
        return lines

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in ("xlsx", "csv"):
            form = QueueFilterForm(request.GET or None, rounds=self.rounds())
            return export_response(request, self.queryset(form), "hang-cho")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rounds = list(self.rounds().prefetch_related("deadlines", "quotas", "extensions"))
        # The filter's menu reads the same rounds again, by primary key this time.
        menu = Round.objects.filter(pk__in=[r.pk for r in rounds])
        form = QueueFilterForm(self.request.GET or None, rounds=menu)
        return super().get_context_data(
            unit=self.unit,
            form=form,
            nominations=selectors.rows_in_order(
                self.queryset(form).select_related(None).values_list("pk", flat=True)[:200],
                related=selectors.QUEUE_ROW_RELATED,
            ),
            headline=self.headline(rounds),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """Bulk forward or return: the same service, once per dossier."""
        action = request.POST.get("action")
        if action not in (Action.FORWARD, Action.RETURN):
            raise Http404
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        done, refused = services.transition_many(
            actor=request.user,
            nominations=selectors.nominations_visible_to(request.user).filter(
                pk__in=ids, current_unit=self.unit
            ),
            action=action,
            reason=request.POST.get("reason", ""),
        )
        if done:
            messages.success(request, _("Đã xử lý %(n)s hồ sơ.") % {"n": done})
        for nomination, problems in refused:
            messages.error(request, f"{nomination.nominee}: {' '.join(problems)}")
        return redirect(f"{reverse('nominations:queue')}?{request.GET.urlencode()}")


class CouncilListView(LoginRequiredMixin, LoadMixin, TemplateView):
    template_name = "nominations/council_list.html"

    def load(self, request, *args, **kwargs):
        self.unit = _acting_unit(request, Role.COUNCIL_SECRETARY)
        if self.unit is None:
            raise PermissionDenied

    def rounds(self):
        return Round.objects.filter(campaign__owner_unit=self.unit).select_related("campaign")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unit=self.unit,
            sessions=CouncilSession.objects.filter(unit=self.unit).select_related("round"),
            decisions=selectors.decision_register(self.unit),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=CouncilSessionForm(rounds=self.rounds()))
        )

    def post(self, request, *args, **kwargs):
        form = CouncilSessionForm(request.POST, rounds=self.rounds())
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("round", "form_token")}
            try:
                session, _created = once(
                    token=form.cleaned_data["form_token"],
                    actor=request.user,
                    action=lambda: services.council_session_create(
                        actor=request.user,
                        unit=self.unit,
                        round_=form.cleaned_data["round"],
                        **data,
                    ),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("nominations:council_detail", pk=session.pk)
        return self.render_to_response(self.get_context_data(form=form))


class CouncilDetailView(LoginRequiredMixin, LoadMixin, TemplateView):
    """Record the votes of a session, then the decision for the approved dossiers."""

    template_name = "nominations/council_detail.html"

    def load(self, request, *args, **kwargs):
        self.session = get_object_or_404(
            CouncilSession.objects.select_related("round", "unit"), pk=kwargs["pk"]
        )
        if not rules.has_perm("nominations.keep_council_of", request.user, self.session.unit):
            raise Http404

    def get_context_data(self, **kwargs):
        at_unit = Nomination.objects.filter(
            round=self.session.round,
            current_unit=self.session.unit,
            deciding_unit=self.session.unit,
        ).select_related("title", "nominee_person", "nominee_unit", "nominating_unit")
        votes = {v.nomination_id: v for v in self.session.votes.all()}
        waiting = [
            (n, votes.get(n.pk), VoteForm(prefix=f"n{n.pk}"))
            for n in at_unit.filter(state=State.UNDER_REVIEW)
        ]
        return super().get_context_data(
            session=self.session,
            waiting=waiting,
            approved=at_unit.filter(state=State.APPROVED),
            decision_form=TransitionForm(),
            **kwargs,
        )

    def post(self, request, pk):
        if "record_decision" in request.POST:
            return self.record_decision(request)
        nomination = get_object_or_404(
            Nomination,
            pk=request.POST.get("nomination"),
            round=self.session.round,
            current_unit=self.session.unit,
        )
        form = VoteForm(request.POST, prefix=f"n{nomination.pk}")
        if form.is_valid():
            try:
                services.council_vote_record(
                    actor=request.user,
                    session=self.session,
                    nomination=nomination,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Đã ghi kết quả bỏ phiếu."))
        else:
            messages.error(request, _("Hãy nhập số phiếu là số không âm."))
        return redirect("nominations:council_detail", pk=pk)

    def record_decision(self, request):
        form = TransitionForm(request.POST)
        form.is_valid()
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        nominations = list(
            Nomination.objects.filter(
                pk__in=ids, state=State.APPROVED, deciding_unit=self.session.unit
            )
        )
        if not nominations:
            messages.error(request, _("Hãy chọn ít nhất một hồ sơ đã duyệt."))
            return redirect("nominations:council_detail", pk=self.session.pk)
        data = form.cleaned_data
        if form.errors:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("nominations:council_detail", pk=self.session.pk)
        try:
            decision, _created = once(
                token=token_from(request.POST),
                actor=request.user,
                action=lambda: services.decide(
                    actor=request.user,
                    nominations=nominations,
                    action=Action.RECOGNISE,
                    number=data.get("number") or "",
                    signed_on=data.get("signed_on"),
                    issuer=data.get("issuer") or "",
                ),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Đã ghi quyết định %(n)s cho %(c)s hồ sơ.")
                % {"n": decision.number, "c": len(nominations)},
            )
        return redirect("nominations:council_detail", pk=self.session.pk)


# --- public consultation ----------------------------------------------------------------------
class ConsultationManageView(LoginRequiredMixin, LoadMixin, TemplateView):
    """The deciding unit's approver publishes the dossiers it intends to approve."""

    template_name = "nominations/consultation_manage.html"

    def load(self, request, *args, **kwargs):
        self.unit = _acting_unit(request, Role.APPROVER)
        if self.unit is None:
            raise PermissionDenied
        rounds = Round.objects.filter(
            pk__in=selectors.consultation_candidates(None, self.unit).values("round")
        ).select_related("campaign")
        self.rounds = list(rounds)
        chosen = request.GET.get("dot") or request.POST.get("dot")
        self.round = next((r for r in self.rounds if str(r.pk) == chosen), None)
        if self.round is None and self.rounds:
            self.round = self.rounds[0]

    def form(self, data=None):
        if self.round is None:
            return None
        return ConsultationForm(
            data,
            candidates=selectors.consultation_candidates(self.round, self.unit).select_related(
                "title", "nominee_person", "nominee_unit"
            ),
            initial={
                "opens_on": timezone.localdate(),
                "days": self.round.campaign.consultation_days,
            },
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unit=self.unit,
            rounds=self.rounds,
            round=self.round,
            consultations=selectors.consultations_of(self.unit),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form is not None and form.is_valid():
            try:
                consultation, _created = once(
                    token=form.cleaned_data["form_token"],
                    actor=request.user,
                    action=lambda: services.consultation_publish(
                        actor=request.user,
                        unit=self.unit,
                        round_=self.round,
                        nominations=list(form.cleaned_data["nominations"]),
                        opens_on=form.cleaned_data["opens_on"],
                        days=form.cleaned_data["days"],
                        note=form.cleaned_data["note"],
                    ),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Đã công khai %(n)d hồ sơ đến hết ngày %(day)s.")
                    % {
                        "n": consultation.nominations.count(),
                        "day": consultation.closes_on.strftime("%d/%m/%Y"),
                    },
                )
                return redirect("nominations:consultation_public", pk=consultation.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ConsultationListPublicView(TemplateView):
    """No login: the lists under public consultation now, and recently."""

    template_name = "nominations/consultation_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consultations=selectors.consultations_public(today=timezone.localdate()),
            today=timezone.localdate(),
            **kwargs,
        )


COMMENTS_PER_HOUR = 5


def _sender_digest(request) -> str:
    """A keyed digest of the sender's address: enough to limit and to trace abuse, not to
    identify anyone from the database alone. The address is the client's as the login throttle
    sees it: behind nginx REMOTE_ADDR is nginx itself, shared by every sender."""
    return salted_hmac("nominations.public-comment", client_ip(request)).hexdigest()


def _over_rate(digest: str) -> bool:
    key = f"comment-rate:{digest}"
    cache.add(key, 0, timeout=60 * 60)
    return cache.incr(key) > COMMENTS_PER_HOUR


class ConsultationPublicView(TemplateView):
    """No login: one consultation's list (public fields only) and the comment form."""

    template_name = "nominations/consultation_public.html"

    def dispatch(self, request, *args, **kwargs):
        today = timezone.localdate()
        self.consultation = get_object_or_404(
            selectors.consultations_public(today=today), pk=kwargs["pk"]
        )
        self.is_open = self.consultation.opens_on <= today <= self.consultation.closes_on
        self.entries = selectors.consultation_entries(self.consultation)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consultation=self.consultation, entries=self.entries, is_open=self.is_open, **kwargs
        )

    def get(self, request, *args, **kwargs):
        form = PublicCommentForm(entries=self.entries) if self.is_open else None
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        if not self.is_open:
            raise Http404
        form = PublicCommentForm(request.POST, entries=self.entries)
        if form.is_bot:
            # Say nothing that would teach a bot; save nothing.
            messages.success(request, _("Đã nhận ý kiến. Cảm ơn bạn."))
            return redirect("nominations:consultation_public", pk=self.consultation.pk)
        digest = _sender_digest(request)
        if form.is_valid():
            if _over_rate(digest):
                form.add_error(
                    None, _("Bạn đã gửi nhiều ý kiến trong một giờ qua; hãy thử lại sau.")
                )
                response = self.render_to_response(self.get_context_data(form=form))
                response.status_code = 429
                return response
            fields = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("website", "token", "form_token")
            }
            try:
                once(
                    token=form.cleaned_data["form_token"],
                    actor=request.user,
                    action=lambda: services.consultation_comment_add(
                        consultation=self.consultation,
                        sender_digest=digest,
                        today=timezone.localdate(),
                        **fields,
                    ),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Đã nhận ý kiến. Cảm ơn bạn."))
                return redirect("nominations:consultation_public", pk=self.consultation.pk)
        form.data = form.data.copy()
        form.data["token"] = comment_token()
        return self.render_to_response(self.get_context_data(form=form))
