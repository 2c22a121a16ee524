"""Numbers read from a query string, and the page number of every list, read one way.

A link may be cut, bookmarked after deletions or forged: a page number past the end shows the
last page, one that is not a number (or below 1) shows the first, and a number too large for the
database is no number at all. Never a 404 or a 500 for a page or a filter.
"""

from django.core.paginator import Paginator

# The largest value a PostgreSQL integer column holds; larger ones would fail in the query.
INT_MAX = 2**31 - 1


def query_int(value, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """The whole number in a query parameter, or None when it is missing, not a number or out
    of [minimum, maximum]."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):  # also a string of more than 4300 digits
        return None
    return number if minimum <= number <= maximum else None


def page_number(value, pages: int) -> int:
    """The page to show of `pages` (at least 1) for the requested value."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(pages, 1))


class ClampedPaginationMixin:
    """For a ListView: page numbers as above instead of Django's 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.page(
            page_number(self.request.GET.get(self.page_kwarg), paginator.num_pages)
        )
        return paginator, page, page.object_list, page.has_other_pages()


def paginate(request, items, page_size: int, parameter: str = "page"):
    """The requested page of `items` outside a ListView."""
    paginator = Paginator(items, page_size)
    return paginator.page(page_number(request.GET.get(parameter), paginator.num_pages))
