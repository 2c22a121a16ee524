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

from campaigns.models import Round
from core.idempotency import once, token_from
from core.lists import EXPORT_FORMATS, ListPageView
from core.pagination import query_int
from core.views import LoadMixin

from .. import progress, selectors
from ..enums import Action, State
from ..exports import NominationResource
from ..forms import TransitionForm
from ..lists import QueueFilter, QueueTable
from ..models import ChainStep
from ..services.decision import decide
from ..services.transition import transition, transition_many
from ..workflow import BY_ACTION
from .base import acting_unit, visible_nomination


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


class QueueView(LoginRequiredMixin, LoadMixin, ListPageView):
    """What waits at my unit, with my unit's quota and deadline per round, and bulk actions over
    the checked dossiers or, as an explicit choice, over all the dossiers the filters keep."""

    template_name = "nominations/queue.html"
    filterset_class = QueueFilter
    table_class = QueueTable
    export_basename = "hang-cho"
    export_title = "Hồ sơ chờ xét"  # the file is in Vietnamese, as its headings
    export_action = "nomination.export"
    export_resource = NominationResource
    rows_name = "nominations"

    def load(self, request, *args, **kwargs):
        self.unit = acting_unit(request)
        if not rules.has_perm("nominations.work_queue_of", request.user, self.unit):
            raise PermissionDenied

    def get_queryset(self):
        # The paging query joins only what it filters and sorts on (QueueTable.load_rows).
        return (
            selectors.nominations_visible_to(self.request.user)
            .select_related(None)
            .filter(current_unit=self.unit)
            .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
            .order_by(F("score").desc(nulls_last=True), "pk")
        )

    def rounds(self):
        # A semi-join: DISTINCT over every chain step of the unit cost a Sở 7 ms, twice a page.
        through_unit = ChainStep.objects.filter(unit=self.unit).values("nomination__round_id")
        return Round.objects.filter(pk__in=through_unit).select_related("campaign")

    def get_filterset_kwargs(self, filterset_class):
        # The filter's menu reads the rounds by primary key once the page has them.
        rounds = getattr(self, "_rounds", None)
        menu = Round.objects.filter(pk__in=[r.pk for r in rounds]) if rounds else self.rounds()
        return {**super().get_filterset_kwargs(filterset_class), "rounds": menu}

    def export_rows(self, rows):
        return rows.select_related(*selectors.ROW_RELATED, "decision")

    def headline(self, rounds):
        return progress.headline(rounds, self.unit, today=timezone.localdate())

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") not in EXPORT_FORMATS:
            self._rounds = list(self.rounds().prefetch_related("deadlines", "quotas", "extensions"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(unit=self.unit, **kwargs)
        context["headline"] = self.headline(self._rounds)
        context["matching"] = context["table"].paginator.count
        return context

    def post(self, request, *args, **kwargs):
        """Bulk forward or return: the same service, once per dossier. `scope=all` acts on every
        dossier the filters in the URL keep, provided their number is still the one the user
        saw (`expected`); otherwise on the checked rows."""
        action = request.POST.get("action")
        if action not in (Action.FORWARD, Action.RETURN):
            raise Http404
        back = redirect(f"{reverse('nominations:queue')}?{request.GET.urlencode()}")
        if request.POST.get("scope") == "all":
            matching = self.filtered()
            count = matching.count()
            if query_int(request.POST.get("expected")) != count:
                messages.error(
                    request,
                    _(
                        "Danh sách đã thay đổi: nay có %(n)s hồ sơ khớp bộ lọc. Hãy xem lại "
                        "rồi chọn lần nữa."
                    )
                    % {"n": count},
                )
                return back
            nominations = matching.order_by("pk")
        else:
            ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
            nominations = selectors.nominations_visible_to(request.user).filter(
                pk__in=ids, current_unit=self.unit
            )
        done, refused = transition_many(
            actor=request.user,
            nominations=nominations,
            action=action,
            reason=request.POST.get("reason", ""),
        )
        if done:
            messages.success(request, _("Đã xử lý %(n)s hồ sơ.") % {"n": done})
        for nomination, problems in refused:
            messages.error(request, f"{nomination.nominee}: {' '.join(problems)}")
        if not done and not refused:
            messages.warning(request, _("Chưa chọn hồ sơ nào."))
        return back
