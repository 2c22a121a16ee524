"""Views of the organisation tree and of people. Thin: selector, permission, form, service."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django.views.generic.edit import FormView
from rules.contrib.views import PermissionRequiredMixin

from core.audit import audit
from core.exports import spreadsheet_response
from core.lists import ListPageView
from core.middleware import PRIVATE_CACHE_CONTROL
from core.storage import open_stored
from core.validators import photo_content_type

from . import selectors, services
from .forms import PersonForm
from .importers import PersonResource, UnitResource
from .lists import PersonFilter, PersonTable, UnitFilter, UnitTable
from .models import Person, Unit
from .session import choose_membership

PAGE_SIZE = 50


class UnitListView(LoginRequiredMixin, ListPageView):
    template_name = "units/unit_list.html"
    filterset_class = UnitFilter
    table_class = UnitTable
    rows_name = "units"
    export_basename = "don-vi"
    export_title = "Danh sách đơn vị"  # the file is in Vietnamese, as its headings
    export_action = "unit.export"
    export_resource = UnitResource

    def get_queryset(self):
        return selectors.units_visible_to(self.request.user).order_by("path")


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


class PersonListView(LoginRequiredMixin, ListPageView):
    template_name = "units/person_list.html"
    filterset_class = PersonFilter
    table_class = PersonTable
    rows_name = "people"
    export_basename = "ca-nhan"
    export_title = "Danh sách cá nhân"  # the file is in Vietnamese, as its headings
    export_action = "person.export"
    export_resource = PersonResource

    def get_queryset(self):
        return selectors.people_visible_to(self.request.user).order_by("full_name", "pk")

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "units": selectors.units_visible_to(self.request.user),
        }


class PersonExportView(PersonListView):
    """The old export address (`?format=xlsx|csv` beside the filters): the list's export."""

    def get(self, request, *args, **kwargs):
        return self.export(
            request.GET.get("format") if request.GET.get("format") == "csv" else "xlsx"
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
            can_change=self.request.user.has_perm("units.change_person", self.object),
            placements=selectors.placements_of(self.object),
            **kwargs,
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
        data = dict(form.cleaned_data)
        data["joined_on"] = data.pop("placement_on")
        try:
            person = services.person_create(actor=self.request.user, unit=self.unit, **data)
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
        return {
            **super().get_form_kwargs(),
            "instance": self.person,
            "units": selectors.units_visible_to(self.request.user),
        }

    def form_valid(self, form):
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in ("placement_on", "move_to")
        }
        if form.cleaned_data.get("move_to"):
            data["unit"] = form.cleaned_data["move_to"]
        data["placement_on"] = form.cleaned_data.get("placement_on")
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
