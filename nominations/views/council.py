"""The council secretary's pages: sessions, votes, and the decision for approved dossiers."""

import rules
import tablib
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from campaigns.models import Round
from core.audit import audit
from core.exports import spreadsheet_response
from core.idempotency import once, token_from
from core.lists import EXPORT_FORMATS, configure
from core.views import LoadMixin
from units.enums import Role

from .. import selectors
from ..enums import Action, State
from ..forms import (
    CouncilSessionForm,
    TransitionForm,
    VoteForm,
)
from ..lists import DecisionFilter, DecisionTable
from ..models import CouncilSession, Nomination
from ..services.council import council_session_create, council_vote_record
from ..services.decision import decide
from .base import acting_unit

# Column headings are the file's format: Vietnamese in both UI languages.
DECISION_HEADERS = ["Số quyết định", "Ngày ký", "Người, cơ quan ký", "Loại", "Số hồ sơ", "Lý do"]


class CouncilListView(LoginRequiredMixin, LoadMixin, TemplateView):
    template_name = "nominations/council_list.html"

    def load(self, request, *args, **kwargs):
        self.unit = acting_unit(request, Role.COUNCIL_SECRETARY)
        if self.unit is None:
            raise PermissionDenied

    def rounds(self):
        return Round.objects.filter(campaign__owner_unit=self.unit).select_related("campaign")

    def decisions(self, *, paginate=True):
        """The unit's decision register as a core.lists table (filters from the URL)."""
        found = DecisionFilter(self.request.GET, queryset=selectors.decision_register(self.unit))
        found.is_valid()
        table = DecisionTable(found.qs)
        return found, configure(table, self.request, paginate=paginate)

    def get_context_data(self, **kwargs):
        decision_filter, table = self.decisions()
        return super().get_context_data(
            unit=self.unit,
            sessions=CouncilSession.objects.filter(unit=self.unit).select_related("round"),
            decisions=[row.record for row in table.paginated_rows],
            filter=decision_filter,
            table=table,
            export_formats=EXPORT_FORMATS,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in EXPORT_FORMATS:
            return self.export(request.GET["export"])
        return self.render_to_response(
            self.get_context_data(form=CouncilSessionForm(rounds=self.rounds()))
        )

    def export(self, fmt):
        """The decision register as filtered on the page, as a spreadsheet: real dates, counts
        as numbers (its own columns rather than the table's rendered text)."""
        dataset = tablib.Dataset(headers=DECISION_HEADERS)
        for d in self.decisions(paginate=False)[0].qs:
            dataset.append(
                [
                    d.number,
                    d.signed_on,
                    d.issuer,
                    "Thu hồi" if d.is_revocation else "Khen thưởng",
                    d.revoked_count if d.is_revocation else d.awarded,
                    d.reason,
                ]
            )
        audit(
            actor=self.request.user,
            action="decision.export",
            target=self.unit,
            fmt=fmt,
            rows=len(dataset),
            filters={k: v for k, v in self.request.GET.items() if k != "export"},
        )
        return spreadsheet_response(
            dataset,
            basename=f"so-quyet-dinh-{self.unit.code}",
            fmt=fmt,
            title=f"Sổ quyết định {self.unit.name}",
        )

    def post(self, request, *args, **kwargs):
        form = CouncilSessionForm(request.POST, rounds=self.rounds())
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("round", "form_token")}
            try:
                session, _created = once(
                    token=form.cleaned_data["form_token"],
                    actor=request.user,
                    action=lambda: council_session_create(
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
                council_vote_record(
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
                action=lambda: decide(
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
