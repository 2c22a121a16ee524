"""Views of the organisation tree and of people. Thin: selector, permission, form, service."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView
from django.views.generic.edit import FormView
from rules.contrib.views import PermissionRequiredMixin

from core.audit import audit
from core.exports import spreadsheet_response
from core.middleware import PRIVATE_CACHE_CONTROL
from core.pagination import ClampedPaginationMixin
from core.storage import open_stored
from core.validators import photo_content_type

from . import selectors, services
from .forms import PersonFilterForm, PersonForm, UnitFilterForm
from .importers import PersonResource, UnitResource
from .models import Person, Unit
from .session import choose_membership

PAGE_SIZE = 50


def _querystring(request):
    """The list's filters without the page number, for pagination and export links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class UnitListView(LoginRequiredMixin, ClampedPaginationMixin, ListView):
    template_name = "units/unit_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "units"

    def get_queryset(self):
        self.filter_form = UnitFilterForm(self.request.GET or None)
        units = selectors.units_visible_to(self.request.user)
        if self.filter_form.is_valid():
            q, level = self.filter_form.cleaned_data["q"], self.filter_form.cleaned_data["level"]
            if q:
                units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
            if level:
                units = units.filter(level=level)
        return units.order_by("path")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form, querystring=_querystring(self.request), **kwargs
        )


class UnitDetailView(LoginRequiredMixin, DetailView):
    template_name = "units/unit_detail.html"
    context_object_name = "unit"

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.units_visible_to(self.request.user).select_related("merged_into"),
            code=self.kwargs["code"],
        )

    def get_context_data(self, **kwargs):
        unit = self.object
        children = selectors.unit_children(unit).annotate(people_count=Count("people"))
        return super().get_context_data(
            breadcrumbs=selectors.unit_breadcrumbs(self.request.user, unit),
            children=children[:200],
            children_total=unit.numchild,
            level_counts=selectors.unit_level_counts(unit),
            people_total=Person.objects.filter(unit__path__startswith=unit.path).count(),
            can_add_person=self.request.user.has_perm("units.add_person", unit),
            moves=unit.moves.select_related("from_parent", "to_parent"),
            **kwargs,
        )


class UnitExportView(LoginRequiredMixin, View):
    def get(self, request, code):
        unit = get_object_or_404(selectors.units_visible_to(request.user), code=code)
        units = Unit.objects.filter(path__startswith=unit.path).order_by("path")
        dataset = UnitResource().export(queryset=units)
        audit(actor=request.user, action="unit.export", target=unit, rows=len(dataset))
        return spreadsheet_response(
            dataset,
            basename=f"don-vi-{unit.code}",
            fmt=request.GET.get("format", "xlsx"),
            title=f"Đơn vị {unit.name}",
        )


class PeopleQueryMixin:
    """The person list and its export share one filtered, scoped query."""

    def filtered_people(self):
        self.filter_form = PersonFilterForm(self.request.GET or None)
        people = selectors.people_visible_to(self.request.user)
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["q"]:
                people = people.filter(
                    Q(full_name__icontains=data["q"]) | Q(identifier__icontains=data["q"])
                )
            if data["unit"]:
                unit = (
                    selectors.units_visible_to(self.request.user)
                    .filter(code__iexact=data["unit"])
                    .first()
                )
                people = people.filter(unit__path__startswith=unit.path) if unit else people.none()
            if data["position"]:
                people = people.filter(position=data["position"])
        return people.order_by("full_name", "pk")


class PersonListView(LoginRequiredMixin, PeopleQueryMixin, ClampedPaginationMixin, ListView):
    template_name = "units/person_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "people"

    def get_queryset(self):
        return self.filtered_people()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form, querystring=_querystring(self.request), **kwargs
        )


class PersonExportView(LoginRequiredMixin, PeopleQueryMixin, View):
    def get(self, request):
        people = self.filtered_people()
        dataset = PersonResource().export(queryset=people)
        audit(
            actor=request.user,
            action="person.export",
            rows=len(dataset),
            filters={k: v for k, v in request.GET.items() if k != "format"},
        )
        return spreadsheet_response(
            dataset, basename="ca-nhan", fmt=request.GET.get("format", "xlsx"), title="Cá nhân"
        )


class PersonDetailView(LoginRequiredMixin, DetailView):
    template_name = "units/person_detail.html"
    context_object_name = "person"

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.people_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_change=self.request.user.has_perm("units.change_person", self.object), **kwargs
        )


class PersonPhotoView(LoginRequiredMixin, View):
    def get(self, request, pk):
        person = get_object_or_404(selectors.people_visible_to(request.user), pk=pk)
        if not person.photo:
            raise Http404
        opened = open_stored(person.photo, what="person photo")
        audit(actor=request.user, action="person.photo", target=person)  # personal data
        response = FileResponse(opened, content_type=photo_content_type(person.photo.name))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response


class PersonCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    template_name = "units/person_form.html"
    form_class = PersonForm
    permission_required = "units.add_person"

    def get_permission_object(self):
        self.unit = get_object_or_404(
            selectors.units_visible_to(self.request.user), code=self.kwargs["code"]
        )
        return self.unit

    def form_valid(self, form):
        try:
            person = services.person_create(
                actor=self.request.user, unit=self.unit, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã thêm %(name)s.") % {"name": person.full_name})
        return redirect("units:person_detail", pk=person.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.unit, **kwargs)


class PersonUpdateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    template_name = "units/person_form.html"
    form_class = PersonForm
    permission_required = "units.change_person"

    def get_permission_object(self):
        self.person = get_object_or_404(
            selectors.people_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        return self.person

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.person}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.person_update(actor=self.request.user, person=self.person, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return redirect("units:person_detail", pk=self.person.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.person.unit, person=self.person, **kwargs)


class ChooseMembershipView(LoginRequiredMixin, View):
    def post(self, request):
        try:
            membership_id = int(request.POST.get("membership", ""))
        except ValueError:
            membership_id = None
        if membership_id is None or not choose_membership(request, membership_id):
            raise PermissionDenied
        return redirect("home")
