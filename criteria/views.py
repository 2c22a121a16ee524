"""Catalogue, criteria sets and achievement history pages. Thin: selector, form, evaluator."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from core.audit import audit
from core.exports import spreadsheet_response
from core.lists import ListPageView
from core.pagination import query_int
from units import selectors as unit_selectors

from . import selectors
from .eligibility import evaluate_title
from .enums import NomineeKind
from .forms import EligibilityCheckForm
from .importers import CriterionResource, RecordResource
from .lists import RecordFilter, RecordTable
from .models import Criterion


class TitleListView(LoginRequiredMixin, ListView):
    template_name = "criteria/title_list.html"
    context_object_name = "titles"

    def get_queryset(self):
        return selectors.titles_active().prefetch_related(
            Prefetch("rules", queryset=selectors.rules_with_versions())
        )

    def get_context_data(self, **kwargs):
        general = selectors.rules_with_versions().filter(title__isnull=True)
        return super().get_context_data(general_rules=general, **kwargs)


class CriteriaSetListView(LoginRequiredMixin, ListView):
    template_name = "criteria/criteriaset_list.html"
    context_object_name = "criteria_sets"

    def get_queryset(self):
        return selectors.criteria_templates_for(self.request.user).order_by("category", "code")


class CriteriaSetDetailView(LoginRequiredMixin, DetailView):
    template_name = "criteria/criteriaset_detail.html"
    context_object_name = "criteria_set"

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.criteria_sets_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            criteria=self.object.criteria.all(),
            versions=self.object.versions.order_by("-version") if not self.object.is_frozen else [],
            **kwargs,
        )


class CriteriaSetExportView(LoginRequiredMixin, View):
    def get(self, request):
        sets = selectors.criteria_templates_for(request.user)
        if request.GET.get("id"):
            # An id that is no number matches no set, like one that does not exist.
            chosen = query_int(request.GET["id"])
            sets = sets.filter(pk=chosen) if chosen is not None else sets.none()
        criteria = (
            Criterion.objects.filter(criteria_set__in=sets)
            .select_related("criteria_set__owner_unit")
            .order_by("criteria_set__code", "order")
        )
        return spreadsheet_response(
            CriterionResource().export(queryset=criteria),
            basename="bo-tieu-chi",
            fmt=request.GET.get("format", "xlsx"),
            title="Bộ tiêu chí",
        )


class HistoryMixin:
    """The history of a person or a unit, and an eligibility check against it."""

    template_name = "criteria/history.html"
    nominee_kind = NomineeKind.INDIVIDUAL

    def get_context_data(self, **kwargs):
        subject = self.get_subject()
        form = EligibilityCheckForm(self.request.GET or None, nominee_kind=self.nominee_kind)
        results = None
        if form.is_valid():
            results = evaluate_title(
                title=form.cleaned_data["title"],
                subject=subject,
                year=form.cleaned_data["year"],
                on_date=timezone.localdate(),
            )
        return super().get_context_data(
            subject=subject, records=self.get_records(subject), form=form, results=results, **kwargs
        )


class PersonHistoryView(LoginRequiredMixin, HistoryMixin, TemplateView):
    def get_subject(self):
        return get_object_or_404(
            unit_selectors.people_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_records(self, person):
        return selectors.history_of_person(person)


class UnitHistoryView(LoginRequiredMixin, HistoryMixin, TemplateView):
    nominee_kind = NomineeKind.COLLECTIVE

    def get_subject(self):
        return get_object_or_404(
            unit_selectors.units_visible_to(self.request.user), code=self.kwargs["code"]
        )

    def get_records(self, unit):
        return selectors.history_of_unit(unit)


class RegistryListView(LoginRequiredMixin, ListPageView):
    """The achievement registry of the units the user reaches: search without diacritics,
    filters, sorting, export of exactly what is filtered."""

    template_name = "criteria/registry.html"
    filterset_class = RecordFilter
    table_class = RecordTable
    rows_name = "records"
    export_basename = "so-thanh-tich"
    export_title = "Sổ thành tích"  # the file is in Vietnamese, as its headings
    export_action = "registry.export"
    export_resource = RecordResource

    def get_queryset(self):
        return selectors.records_visible_to(self.request.user).order_by("-year", "pk")

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "units": unit_selectors.units_visible_to(self.request.user),
        }


class RegistryExportView(LoginRequiredMixin, View):
    def get(self, request):
        records = selectors.records_visible_to(request.user)
        code = request.GET.get("don_vi")
        if code:
            unit = get_object_or_404(unit_selectors.units_visible_to(request.user), code=code)
            records = records.filter(person__unit__path__startswith=unit.path) | records.filter(
                unit__path__startswith=unit.path
            )
        dataset = RecordResource().export(queryset=records.order_by("-year", "pk"))
        audit(actor=request.user, action="registry.export", rows=len(dataset), unit=code or "")
        return spreadsheet_response(
            dataset,
            basename="so-thanh-tich",
            fmt=request.GET.get("format", "xlsx"),
            title="Sổ thành tích",
        )
