"""Every list page of the portal, one way: filters from django-filter (kept in the URL), a table
from django-tables2 (sortable columns), 50 rows a page with "showing 1–50 of 1,234", the export
of exactly the filtered rows in the table's order, and search without diacritics over stored
folded keys (core.fields.FoldedKeyField, core.text.fold).

What we add to the two libraries, and why it is ours:
- `PortalTable.paginate` reads the page number through `core.pagination.page_number` (a cut or
  forged link shows the first or last page, never a 404) and, for tables that set
  `load_rows`, pages through the ids alone and fetches the page's rows by id: one query that
  filtered, sorted and joined every relation at once cost PostgreSQL several times more
  (nominations.selectors.rows_in_order).
- `ListPageView.get_table` configures the table itself instead of django-tables2's
  `RequestConfig`, which would take the page size from the URL (`?per_page=1000000`).
- The export goes through `core.exports.spreadsheet_response` (formula cells neutralised) with
  the list's own import-export resource where it has one (Vietnamese column headings, the file
  format), and is audited.
"""

import django_filters
import django_tables2 as tables
import tablib
from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2.rows import BoundRows
from django_tables2.views import SingleTableMixin

from .audit import audit
from .exports import spreadsheet_response
from .pagination import page_number
from .text import fold

PAGE_SIZE = 50
EXPORT_FORMATS = ("xlsx", "csv")
# A search longer than this is cut: nobody types a 100-word name, and each word is one LIKE.
SEARCH_MAX_CHARS = 100
SEARCH_MAX_WORDS = 8


def folded_words(value) -> list[str]:
    return fold(str(value or "")[:SEARCH_MAX_CHARS]).split()[:SEARCH_MAX_WORDS]


def folded_search_q(value, *, keys=(), codes=()) -> Q | None:
    """Every folded word of `value` in one of the folded `keys` ("bui yen" finds "Bùi Kim
    Yến"), or `value` as typed inside one of the `codes` (unit codes, identifiers), ignoring
    case. None when there is nothing to search for."""
    words = folded_words(value)
    if not words:
        return None
    condition = Q()
    for word in words:
        any_key = Q()
        for key in keys:
            any_key |= Q(**{f"{key}__contains": word})
        condition &= any_key
    typed = str(value).strip()[:SEARCH_MAX_CHARS]
    for code in codes:
        condition |= Q(**{f"{code}__icontains": typed})
    return condition


class FoldedSearchFilter(django_filters.CharFilter):
    """The search box of a list: see `folded_search_q`."""

    def __init__(self, *args, keys=(), codes=(), **kwargs):
        self.keys, self.codes = tuple(keys), tuple(codes)
        kwargs.setdefault("label", _("Tìm kiếm"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        condition = folded_search_q(value, keys=self.keys, codes=self.codes)
        return qs if condition is None else qs.filter(condition)


class PortalFilterSet(django_filters.FilterSet):
    """Bootstrap classes on every filter's widget."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_portal_styled", False):
            for field in form.fields.values():
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
            form._portal_styled = True
        return form


class PortalTable(tables.Table):
    """A list's table: 50 rows a page, cards on a phone (`.table-cards` in portal.css)."""

    class Meta:
        template_name = "core/partials/table.html"
        per_page = PAGE_SIZE
        attrs = {"class": "table align-middle table-cards"}
        empty_text = _("Không có dòng nào phù hợp.")

    # `load_rows(ids)` -> the rows of those ids, in that order; None: the page's rows are read
    # by the paging query itself.
    load_rows = None
    # A template of one row (`<tr>`, the record as `n`, `p` and `u`, the columns' names in
    # `labels` for the phone's cards): the long lists render a row at a time, because
    # django-tables2's cell by cell rendering (an accessor and a call per cell) cost a 50-row
    # page about as much as its queries. The columns still give the headings, the sorting and
    # the exports (`render_*`/`value_*`), so keep both in step.
    row_template: str | None = None

    @property
    def labels(self) -> dict:
        return {column.name: column.verbose_name for column in self.columns}

    @property
    def page_records(self):
        rows = self.page.object_list if hasattr(self, "page") else self.rows
        return rows.data if isinstance(rows.data, list) else list(rows.data)

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        per_page = per_page or self._meta.per_page
        self.paginator = paginator_class(self.rows, per_page, *args, **kwargs)
        self.page = self.paginator.page(page_number(page, self.paginator.num_pages))
        if self.load_rows is not None:
            sliced = self.page.object_list.data  # the ordered queryset, sliced to the page
            ids = list(sliced.values_list("pk", flat=True))
            self.page.object_list = BoundRows(data=self.load_rows(ids), table=self)
        return self

    def ordered_data(self):
        """The filtered rows in the table's order (what an export writes)."""
        return self.data.data


def configure(table, request, *, page_size=PAGE_SIZE, paginate=True):
    """Sort and page `table` as the URL asks (the page size is ours, not the URL's). Build the
    table without `request=`: django-tables2 would then page it itself, with the URL's page
    size, and this would page it a second time."""
    table.request = request
    order = request.GET.getlist(table.prefixed_order_by_field)
    if order:
        table.order_by = order
    if paginate:
        table.paginate(per_page=page_size, page=request.GET.get(table.prefixed_page_field))
    return table


def export_response(
    request, table, *, fmt, basename, action, resource=None, rows=None, exclude=(), title=None
):
    """The rows of `table` (filtered, not paged, in its order) as .xlsx or .csv, audited. With
    an import-export `resource`, its columns (of `rows`, the same rows with what the resource
    joins, if given); else the table's, headed in Vietnamese."""
    if resource is not None:
        dataset = resource.export(queryset=table.ordered_data() if rows is None else rows)
    else:
        # Column headings are the file's format: Vietnamese whatever the page's language.
        with translation.override("vi"):
            values = list(table.as_values(exclude_columns=exclude))
        dataset = tablib.Dataset(*values[1:], headers=values[0])
    audit(
        actor=request.user,
        action=action,
        rows=len(dataset),
        filters={k: v for k, v in request.GET.items() if k not in ("export", "format")},
    )
    return spreadsheet_response(dataset, basename=basename, fmt=fmt, title=title)


class ListPageView(SingleTableMixin, FilterView):
    """A list page. Subclasses give `get_queryset()` (always from a scoped selector), a
    `filterset_class`, a `table_class`, and for an export `export_basename` and
    `export_action` (audit), with `export_resource` where the list has an import-export
    resource (else the table's columns, headed in Vietnamese)."""

    strict = False  # a filter value that is not valid is ignored, not an empty list
    export_basename: str | None = None
    export_action: str | None = None
    export_resource = None
    export_exclude: tuple[str, ...] = ()
    export_title = None  # the workbook's sheet name (core.exports.sheet_name); else "Danh sách"
    page_size = PAGE_SIZE
    context_object_name = "rows"  # FilterView's object_list (the unpaged queryset): not used

    def get_table(self, paginate=True, **kwargs):
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        return configure(table, self.request, page_size=self.page_size, paginate=paginate)

    def filtered(self):
        """The rows the filters in the URL keep (what the table lists, before sorting)."""
        filterset = self.get_filterset(self.get_filterset_class())
        filterset.is_valid()
        return filterset.qs

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, even to an empty query: a filter set's defaults (the queue shows what is
        # under review unless asked otherwise) apply to the first visit too.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def export_rows(self, rows):
        """The rows handed to the export resource (add the joins it reads)."""
        return rows

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS and self.export_basename:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt):
        self.object_list = self.filtered()
        table = self.get_table(paginate=False, **self.get_table_kwargs())
        return export_response(
            self.request,
            table,
            fmt=fmt,
            basename=self.export_basename,
            action=self.export_action,
            resource=self.export_resource() if self.export_resource else None,
            rows=self.export_rows(table.ordered_data()),
            exclude=self.export_exclude,
            title=self.export_title,
        )

    # The page's records also go into the context under this name (templates and tests read
    # `nominations`, `people`... rather than the table's rows).
    rows_name: str | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            export_formats=EXPORT_FORMATS if self.export_basename else (), **kwargs
        )
        table = context["table"]
        context["page_obj"] = getattr(table, "page", None)
        context["paginator"] = getattr(table, "paginator", None)
        if self.rows_name:
            context[self.rows_name] = [row.record for row in table.paginated_rows]
        return context
