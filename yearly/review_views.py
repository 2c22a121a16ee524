"""The year-end review page of a unit (/bao-cao-nam/binh-xet/…): the unit comes from a selector
(out of the user's scope: 404), the leader's permission from `yearly.review_unit` (403), the
verdicts from `yearly.review` (the eligibility engine), the dossiers from the nominations
service through `services.review_drafts_create`."""

import tablib
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from campaigns.models import Round
from core.audit import audit
from core.exports import workbook_response
from core.idempotency import once, token_from
from core.views import LoadMixin
from nominations.selectors import campaigns_open_to
from units.enums import Role
from units.selectors import memberships_of, units_visible_to
from units.session import active_membership

from . import services
from .review import default_year, unit_review

YEARS_BACK = 6


def _unit(request, code):
    return get_object_or_404(units_visible_to(request.user), code=code)


class ReviewStartView(LoginRequiredMixin, View):
    """The navigation's link: the review of the unit the user leads (the acting membership's
    unit first) for the school year just ended."""

    def get(self, request):
        code, year = request.GET.get("don_vi"), request.GET.get("nam", "")
        if code and year.isdigit() and len(year) == 4:  # the page's own year picker
            return redirect("yearly:review", code=code, year=int(year))
        active = active_membership(request)
        memberships = [active] if active and active.role == Role.APPROVER else []
        memberships += [m for m in memberships_of(request.user) if m.role == Role.APPROVER]
        if not memberships:
            raise PermissionDenied
        return redirect("yearly:review", code=memberships[0].unit.code, year=default_year())


class DraftsForm(forms.Form):
    round = forms.ModelChoiceField(
        label=gettext_lazy("Lập hồ sơ nháp trong đợt xét"), queryset=Round.objects.none()
    )
    picks = forms.MultipleChoiceField(
        label=gettext_lazy("Hồ sơ cần lập"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, rounds, picks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["round"].label_from_instance = lambda r: f"{r.campaign.name} · {r.name}"
        self.fields["picks"].choices = picks


def _pick_value(person, code) -> str:
    return f"{person.pk if person else 'u'}:{code}"


def _parse_pick(value: str):
    who, _sep, code = value.partition(":")
    return (None if who == "u" else int(who), code)


class UnitReviewView(LoginRequiredMixin, LoadMixin, TemplateView):
    template_name = "yearly/review.html"

    def load(self, request, code, year):
        self.unit = _unit(request, code)
        if not request.user.has_perm("yearly.review_unit", self.unit):
            raise PermissionDenied
        self.year = int(year)
        if not 2000 <= self.year <= default_year() + 1:
            raise Http404
        self.review = unit_review(self.unit, self.year)
        campaigns = campaigns_open_to(request.user, self.unit)
        self.rounds = (
            Round.objects.filter(campaign__in=campaigns)
            .select_related("campaign")
            .order_by("-year", "-opens_on")
        )

    def form(self, data=None):
        picks = [(_pick_value(p, c), c) for p, c in self.review.eligible()]
        return DraftsForm(
            data,
            rounds=self.rounds,
            picks=picks,
            initial={"picks": [value for value, _c in picks]},
        )

    def get_context_data(self, **kwargs):
        latest = default_year()
        return super().get_context_data(
            unit=self.unit,
            review=self.review,
            years=range(latest, latest - YEARS_BACK, -1),
            pick_values={
                (p.pk if p else None, c): _pick_value(p, c) for p, c in self.review.eligible()
            },
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("xuat") == "xlsx":
            return self.export()
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            made = {}

            def create():
                made["created"], made["problems"] = services.review_drafts_create(
                    actor=request.user,
                    unit=self.unit,
                    year=self.year,
                    round_=form.cleaned_data["round"],
                    picks=[_parse_pick(v) for v in form.cleaned_data["picks"]],
                )
                return self.unit  # what the one-time token records

            try:
                _unit, fresh = once(
                    token=token_from(request.POST), actor=request.user, action=create
                )
            except ValidationError as exc:
                messages.warning(request, " ".join(exc.messages))
                return redirect(f"{reverse('nominations:list')}?state=draft")
            if not fresh:  # a double click or a resent form: the first request made the drafts
                messages.info(request, _("Các hồ sơ nháp đã được lập từ lần gửi trước."))
            if made.get("created"):
                messages.success(
                    request, _("Đã lập %(n)s hồ sơ nháp.") % {"n": len(made["created"])}
                )
            for problem in made.get("problems", ()):
                messages.warning(request, problem)
            return redirect(f"{reverse('nominations:list')}?state=draft")
        return self.render_to_response(self.get_context_data(form=form))

    def export(self):
        audit(
            actor=self.request.user, action="yearly.review_export", target=self.unit, year=self.year
        )
        review = self.review
        codes = [v.code for v in (review.members[0].verdicts if review.members else [])]
        people = tablib.Dataset(
            headers=[
                _("STT"),
                _("Họ và tên"),
                _("Chức vụ"),
                _("Đơn vị"),
                _("Xếp loại"),
                _("Sáng kiến"),
                _("Đề tài"),
                _("Kỷ luật"),
                *[review.members[0].verdict(c).name for c in codes],
                _("Còn thiếu"),
            ],
            title=_("Cá nhân"),
        )
        for i, row in enumerate(review.members, 1):
            people.append(
                [
                    i,
                    row.person.full_name,
                    row.person.get_position_display(),
                    row.person.unit.name,
                    row.rating,
                    "; ".join(row.initiatives),
                    "; ".join(row.research),
                    "; ".join(row.discipline),
                    *[row.verdict(c).status_label for c in codes],
                    "; ".join(m for v in row.verdicts for m in v.missing),
                ]
            )
        unit = tablib.Dataset(
            headers=[_("Danh hiệu"), _("Kết quả"), _("Điều kiện"), _("Nhận xét"), _("Còn thiếu")],
            title=_("Tập thể"),
        )
        for verdict in review.collective:
            for result in verdict.results:
                unit.append(
                    [
                        verdict.name,
                        verdict.status_label,
                        result.rule_name,
                        result.message,
                        result.missing,
                    ]
                )
        for share in review.shares:
            unit.append([share.label, f"{share.achieved}/{share.total}", "", "", ""])
        return workbook_response([people, unit], basename=f"binh-xet-{self.unit.code}-{self.year}")
