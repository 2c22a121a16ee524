"""Campaign pages: the list, the detail, and the configuration pages of campaign admins.

Every configuration page fetches the campaign from `campaigns_managed_by`, so the admin of one
Sở gets a 404 for another's; services check the permission again.
"""

from functools import cached_property

import tablib
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django.views.generic.edit import FormView

from core.audit import audit
from core.concurrency import StaleVersionError, stale_context
from core.exports import spreadsheet_response
from core.idempotency import TOKEN_FIELD, once
from core.lists import ListPageView
from core.views import LoadMixin
from units.enums import Role, UnitLevel, levels_lowest_first
from units.models import Unit
from units.session import active_membership

from . import selectors, services
from .chain import ChainError, chain_preview
from .enums import DayCount
from .forms import (
    CampaignForm,
    CampaignRuleForm,
    ChainForm,
    CriteriaChoiceForm,
    ExtensionForm,
    PhaseForm,
    QuarterlyForm,
    QuotaForm,
    RegistrationForm,
    RoundForm,
)
from .lists import CampaignFilter, CampaignTable
from .models import CampaignRule, Round


def form_fail(view, form, exc: ValidationError):
    """Show a service's ValidationError on the form: on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
    return view.form_invalid(form)


class CampaignListView(LoginRequiredMixin, ListPageView):
    template_name = "campaigns/campaign_list.html"
    filterset_class = CampaignFilter
    table_class = CampaignTable
    rows_name = "campaigns"
    export_basename = "phong-trao"
    export_title = "Phong trào thi đua"  # the file is in Vietnamese, as its headings
    export_action = "campaign.export"

    def get_queryset(self):
        return selectors.campaigns_visible_to(self.request.user).order_by("-period_start", "pk")

    def get_table_kwargs(self):
        managed = selectors.campaigns_managed_by(self.request.user).values_list("pk", flat=True)
        return {"managed": list(managed)}


class CampaignDetailView(LoginRequiredMixin, DetailView):
    template_name = "campaigns/campaign_detail.html"
    context_object_name = "campaign"

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.campaigns_visible_to(self.request.user), code=self.kwargs["code"]
        )

    def get_context_data(self, **kwargs):
        campaign = self.object
        can_manage = self.request.user.has_perm("campaigns.manage_campaign", campaign)
        rounds = list(selectors.rounds_of(campaign))
        levels = [
            (level, UnitLevel(level).label)
            for level in levels_lowest_first(d.level for r in rounds for d in r.deadlines.all())
        ]
        return super().get_context_data(
            can_manage=can_manage,
            rounds=rounds,
            levels=levels,
            criteria_links=campaign.criteria_links.select_related("criteria_set"),
            rule_links=campaign.rule_links.select_related("rule"),
            problems=services.campaign_open_problems(campaign) if can_manage else [],
            registrations=campaign.registrations.count(),
            **kwargs,
        )


class ManagedCampaignMixin(LoginRequiredMixin, LoadMixin):
    """Configuration pages: the campaign comes from the manager's selector, or it is a 404."""

    template_name = "campaigns/form.html"
    heading = ""

    def load(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(
            selectors.campaigns_managed_by(request.user), code=kwargs["code"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, heading=self.heading, **kwargs)

    def done(self, message):
        messages.success(self.request, message)
        return redirect("campaigns:detail", code=self.campaign.code)

    def fail(self, form, exc: ValidationError):
        return form_fail(self, form, exc)


class CampaignCreateView(LoginRequiredMixin, FormView):
    template_name = "campaigns/campaign_create.html"
    form_class = CampaignForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("campaigns.add_campaign"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def template(self):
        code = self.request.GET.get("mau") or self.request.POST.get("template")
        return selectors.campaign_templates().filter(code=code).first() if code else None

    def owner_choices(self):
        user = self.request.user
        if user.is_superuser:
            return Unit.objects.filter(level__in=["ministry", "province"]).order_by("path")
        ids = [m.unit_id for m in user.memberships.filter(role=Role.CAMPAIGN_ADMIN, is_active=True)]
        return Unit.objects.filter(pk__in=ids).order_by("path")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "owner_choices": self.owner_choices()}

    def get_initial(self):
        template = self.template()
        if template is None:
            return {}
        return {
            "description": template.description,
            "categories": template.categories,
            "titles": template.titles.all(),
            "report_template": template.report_template,
            "min_summary_words": template.min_summary_words,
            "max_summary_words": template.max_summary_words,
            "requires_council_vote": template.requires_council_vote,
            "council_threshold_percent": template.council_threshold_percent,
            "requires_public_consultation": template.requires_public_consultation,
            "consultation_days": template.consultation_days,
            "consultation_day_count": template.consultation_day_count,
            "reminder_days": template.reminder_days,
            "deadline_day_count": template.deadline_day_count,
        }

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        owner, titles = data.pop("owner_unit"), data.pop("titles")
        data.pop("version", None)
        token = data.pop(TOKEN_FIELD, None)
        try:
            campaign, _created = once(
                token=token,
                actor=self.request.user,
                action=lambda: services.campaign_create(
                    actor=self.request.user,
                    owner_unit=owner,
                    template=self.template(),
                    titles=titles,
                    **data,
                ),
            )
        except ValidationError as exc:
            return form_fail(self, form, exc)
        messages.success(
            self.request, _("Đã tạo phong trào. Tiếp theo: chọn bộ tiêu chí và thêm đợt xét.")
        )
        return redirect("campaigns:detail", code=campaign.code)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            templates=selectors.campaign_templates(), template=self.template(), **kwargs
        )


class CampaignUpdateView(ManagedCampaignMixin, FormView):
    form_class = CampaignForm

    @property
    def heading(self):
        return _("Sửa thông tin phong trào")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.campaign}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        titles = data.pop("titles", None)
        try:
            services.campaign_update(
                actor=self.request.user,
                campaign=self.campaign,
                titles=titles,
                expected_version=form.cleaned_data.get("version"),
                **data,
            )
        except StaleVersionError as exc:
            stored = CampaignForm(instance=exc.current)
            return self.render_to_response(
                self.get_context_data(form=form, **stale_context(exc, typed=form, stored=stored))
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        return self.done(_("Đã lưu thông tin phong trào."))


class PhaseView(ManagedCampaignMixin, FormView):
    form_class = PhaseForm

    @property
    def heading(self):
        return _("Thêm giai đoạn")

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        token = data.pop(TOKEN_FIELD, None)
        try:
            once(
                token=token,
                actor=self.request.user,
                action=lambda: services.phase_create(
                    actor=self.request.user, campaign=self.campaign, **data
                ),
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        return self.done(_("Đã thêm giai đoạn."))


class CampaignRuleView(ManagedCampaignMixin, FormView):
    form_class = CampaignRuleForm

    @property
    def heading(self):
        return _("Thêm điều kiện xét của phong trào")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign}

    def form_valid(self, form):
        try:
            services.campaign_rule_attach(
                actor=self.request.user, campaign=self.campaign, **form.cleaned_data
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        return self.done(_("Đã thêm điều kiện."))


class CampaignRuleDeleteView(ManagedCampaignMixin, View):
    def post(self, request, code, pk):
        link = get_object_or_404(CampaignRule, pk=pk, campaign=self.campaign)
        services.campaign_rule_detach(actor=request.user, link=link)
        return self.done(_("Đã bỏ điều kiện."))


class CriteriaView(ManagedCampaignMixin, FormView):
    form_class = CriteriaChoiceForm

    @property
    def heading(self):
        return _("Bộ tiêu chí theo đối tượng")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign, "user": self.request.user}

    def form_valid(self, form):
        try:
            for category, criteria_set in form.cleaned_data.items():
                current = self.campaign.criteria_links.filter(category=category).first()
                # Re-choosing the template of the frozen version in use changes nothing,
                # unless the admin asks for a new version of it.
                unchanged = (
                    current
                    and criteria_set
                    and (
                        current.criteria_set == criteria_set
                        or (
                            current.criteria_set.derived_from == criteria_set
                            and not self.request.POST.get("new_version")
                        )
                    )
                )
                if criteria_set and not unchanged:
                    services.campaign_set_criteria(
                        actor=self.request.user,
                        campaign=self.campaign,
                        category=category,
                        criteria_set=criteria_set,
                    )
        except ValidationError as exc:
            return self.fail(form, exc)
        return self.done(_("Đã lưu bộ tiêu chí."))


class RoundCreateView(ManagedCampaignMixin, FormView):
    form_class = RoundForm

    @cached_property
    def round(self):
        return None

    @property
    def heading(self):
        return _("Thêm đợt xét") if self.round is None else _("Sửa đợt xét")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "levels": selectors.period_levels(self.campaign)}

    def get_initial(self):
        if self.round is None:
            return {"year": self.campaign.period_start.year, "opens_on": self.campaign.period_start}
        return self.initial_of(self.round)

    @staticmethod
    def initial_of(round_):
        initial = {f: getattr(round_, f) for f in ("name", "kind", "opens_on", "year", "quarter")}
        initial.update({f"deadline_{d.level}": d.deadline for d in round_.deadlines.all()})
        return {**initial, "version": round_.version}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        deadlines = form.deadlines()
        fields = {k: data[k] for k in ("name", "kind", "opens_on", "year", "quarter")}
        try:
            once(
                token=data.get(TOKEN_FIELD),
                actor=self.request.user,
                action=lambda: services.round_save(
                    actor=self.request.user,
                    campaign=self.campaign,
                    deadlines=deadlines,
                    round_=self.round,
                    expected_version=data.get("version"),
                    **fields,
                ),
            )
        except StaleVersionError as exc:
            stored = self.get_form_class()(
                initial=self.initial_of(exc.current), **self.get_form_kwargs_unbound()
            )
            return self.render_to_response(
                self.get_context_data(form=form, **stale_context(exc, typed=form, stored=stored))
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        return self.done(_("Đã lưu đợt xét."))

    def get_form_kwargs_unbound(self):
        return {"levels": selectors.period_levels(self.campaign)}


class RoundUpdateView(RoundCreateView):
    @cached_property
    def round(self):
        return get_object_or_404(Round, pk=self.kwargs["pk"], campaign=self.campaign)


class QuarterlyView(ManagedCampaignMixin, FormView):
    form_class = QuarterlyForm

    @property
    def heading(self):
        return _("Tạo các đợt theo quý")

    def get_initial(self):
        return {"year": self.campaign.period_start.year}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["gap_days"].label = _("Mỗi cấp trên có thêm bao nhiêu %(kind)s") % {
            "kind": DayCount(self.campaign.deadline_day_count).label.lower()
        }
        return form

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            rounds = services.rounds_generate_quarterly(
                actor=self.request.user,
                campaign=self.campaign,
                year=data["year"],
                deadline_day=data["deadline_day"],
                gap_days=data["gap_days"],
                quarters=data["quarters"],
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        return self.done(_("Đã tạo %(n)s đợt theo quý.") % {"n": len(rounds)})


class RoundDeleteView(ManagedCampaignMixin, View):
    def post(self, request, code, pk):
        round_ = get_object_or_404(Round, pk=pk, campaign=self.campaign)
        try:
            services.round_delete(actor=request.user, round_=round_)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("campaigns:detail", code=code)
        return self.done(_("Đã xoá đợt “%(name)s”.") % {"name": round_.name})


class QuotaView(ManagedCampaignMixin, FormView):
    form_class = QuotaForm

    @property
    def heading(self):
        return _("Chỉ tiêu")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "campaign": self.campaign,
            "levels": selectors.period_levels(self.campaign),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.quota_save(
                actor=self.request.user,
                rounds=form.rounds(),
                level=data["level"],
                category=data["category"] or "",
                max_forward=data["max_forward"],
                min_target=data["min_target"],
                campaign=self.campaign if form.all_rounds else None,
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        return self.done(_("Đã lưu chỉ tiêu."))


class ExtensionView(ManagedCampaignMixin, FormView):
    form_class = ExtensionForm

    @property
    def heading(self):
        return _("Gia hạn cho một đơn vị")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            once(
                token=data.get(TOKEN_FIELD),
                actor=self.request.user,
                action=lambda: services.extension_grant(
                    actor=self.request.user,
                    round_=data["round"],
                    unit=data["unit"],
                    deadline=data["deadline"],
                    reason=data["reason"],
                ),
            )
        except ValidationError as exc:
            return self.fail(form, exc)
        return self.done(_("Đã gia hạn cho %(unit)s.") % {"unit": data["unit"].name})


class ChainView(ManagedCampaignMixin, FormView):
    """Preview: the chain a school's nomination climbs, and the deadline each level sees."""

    template_name = "campaigns/chain.html"
    form_class = ChainForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.GET:
            kwargs["data"] = self.request.GET
        return {**kwargs, "campaign": self.campaign}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        chain, rows = None, []
        if form.is_bound and form.is_valid():
            try:
                chain, rows = chain_preview(
                    self.campaign,
                    form.cleaned_data["unit"],
                    title=form.cleaned_data["title"],
                    today=timezone.localdate(),
                )
            except ChainError as exc:
                form.add_error("unit", str(exc))
        return self.render_to_response(self.get_context_data(form=form, chain=chain, rows=rows))


class OpenView(ManagedCampaignMixin, View):
    def post(self, request, code):
        try:
            services.campaign_open(actor=request.user, campaign=self.campaign)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("campaigns:detail", code=code)
        return self.done(_("Đã mở phong trào; bộ tiêu chí đã được khoá phiên bản."))


class CloseView(ManagedCampaignMixin, View):
    def post(self, request, code):
        try:
            services.campaign_close(actor=request.user, campaign=self.campaign)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("campaigns:detail", code=code)
        return self.done(_("Đã kết thúc phong trào."))


# Column headings are the file's format: Vietnamese in both UI languages.
REGISTRATION_HEADERS = [
    "Mã đơn vị",
    "Đơn vị đăng ký",
    "Loại",
    "Cá nhân, tập thể",
    "Danh hiệu đăng ký",
    "Ghi chú",
    "Ngày đăng ký",
]


class RegistrationView(LoginRequiredMixin, LoadMixin, FormView):
    """Units register the titles they and their people aim for, at the start of the year."""

    template_name = "campaigns/registrations.html"
    form_class = RegistrationForm

    def load(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(
            selectors.campaigns_visible_to(request.user), code=kwargs["code"]
        )
        membership = active_membership(request)
        self.unit = membership.unit if membership else None
        if self.unit is None or not self.unit.path.startswith(self.campaign.owner_unit.path):
            self.unit = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign, "unit": self.unit}

    def get_form(self, form_class=None):
        return None if self.unit is None else super().get_form(form_class)

    def post(self, request, *args, **kwargs):
        if self.unit is None:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            once(
                token=form.cleaned_data.get(TOKEN_FIELD),
                actor=self.request.user,
                action=lambda: services.registration_create(
                    actor=self.request.user,
                    campaign=self.campaign,
                    title=form.cleaned_data["title"],
                    note=form.cleaned_data["note"],
                    **form.nominee_kwargs(),
                ),
            )
        except ValidationError as exc:
            return form_fail(self, form, exc)
        messages.success(self.request, _("Đã đăng ký."))
        return redirect("campaigns:registrations", code=self.campaign.code)

    def registrations(self):
        registrations = self.campaign.registrations.select_related(
            "person", "nominee_unit", "title", "unit"
        )
        if self.unit is not None:
            registrations = registrations.filter(unit__path__startswith=self.unit.path)
        return registrations

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("xlsx", "csv"):
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt):
        """The registrations the page lists, as a spreadsheet (dates as dates)."""
        dataset = tablib.Dataset(headers=REGISTRATION_HEADERS)
        for r in self.registrations():
            dataset.append(
                [
                    r.unit.code,
                    r.unit.name,
                    "Cá nhân" if r.person_id else "Tập thể",
                    str(r.nominee),
                    r.title.name,
                    r.note,
                    timezone.localdate(r.created_at),
                ]
            )
        audit(actor=self.request.user, action="registration.export", target=self.campaign)
        return spreadsheet_response(
            dataset,
            basename=f"dang-ky-thi-dua-{self.campaign.code}",
            fmt=fmt,
            title=f"Đăng ký thi đua {self.campaign.code}",
        )

    def get_context_data(self, **kwargs):
        registrations = self.registrations()
        today = timezone.localdate()
        c = self.campaign
        window_open = bool(
            c.registration_opens and c.registration_opens <= today <= c.registration_closes
        )
        can_register = bool(self.unit) and self.request.user.has_perm(
            "campaigns.register", self.unit
        )
        return super().get_context_data(
            campaign=c,
            unit=self.unit,
            registrations=registrations,
            window_open=window_open,
            can_register=can_register,
            **kwargs,
        )
