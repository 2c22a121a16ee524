"""Moving dossiers: one dossier's action buttons and the reviewer's queue with its bulk forward
and return."""

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from campaigns.models import Round
from core.idempotency import once, token_from
from core.views import LoadMixin

from .. import progress, selectors
from ..enums import Action, State
from ..forms import (
    QueueFilterForm,
    TransitionForm,
)
from ..models import ChainStep
from ..services.decision import decide
from ..services.transition import transition, transition_many
from ..workflow import BY_ACTION
from .base import acting_unit, export_response, visible_nomination


class TransitionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        nomination = visible_nomination(request, pk)
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
                    action=lambda: decide(
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
                transition(
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


class QueueView(LoginRequiredMixin, LoadMixin, TemplateView):
    """What waits at my unit, with my unit's quota and deadline per round, and bulk actions."""

    template_name = "nominations/queue.html"

    def load(self, request, *args, **kwargs):
        self.unit = acting_unit(request)
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
        return progress.headline(rounds, self.unit, today=timezone.localdate())

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in ("xlsx", "csv"):
            form = QueueFilterForm(request.GET or None, rounds=self.rounds())
            return export_response(
                request, self.queryset(form), "hang-cho", f"Hồ sơ chờ xét tại {self.unit.name}"
            )
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
        done, refused = transition_many(
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
