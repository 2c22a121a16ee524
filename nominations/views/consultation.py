"""Public consultation: publishing a list, and the public pages that read and comment on it."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.security import client_ip
from campaigns.models import Round
from campaigns.workdays import describe_days
from core.idempotency import once
from core.views import LoadMixin
from units.enums import Role

from .. import selectors
from ..forms import (
    ConsultationForm,
    PublicCommentForm,
    comment_token,
)
from ..services.consultation import consultation_comment_add, consultation_publish
from .base import acting_unit


class ConsultationManageView(LoginRequiredMixin, LoadMixin, TemplateView):
    """The deciding unit's approver publishes the dossiers it intends to approve."""

    template_name = "nominations/consultation_manage.html"

    def load(self, request, *args, **kwargs):
        self.unit = acting_unit(request, Role.APPROVER)
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
                "day_count": self.round.campaign.consultation_day_count,
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
                    action=lambda: consultation_publish(
                        actor=request.user,
                        unit=self.unit,
                        round_=self.round,
                        nominations=list(form.cleaned_data["nominations"]),
                        opens_on=form.cleaned_data["opens_on"],
                        days=form.cleaned_data["days"],
                        day_count=form.cleaned_data["day_count"],
                        note=form.cleaned_data["note"],
                    ),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Đã công khai %(n)d hồ sơ trong %(length)s, đến hết ngày %(day)s.")
                    % {
                        "n": consultation.nominations.count(),
                        "length": describe_days(consultation.length, consultation.day_count),
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
                    action=lambda: consultation_comment_add(
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
