"""Spreadsheet downloads. Every list in the portal exports through here.

Cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
return before one) get a leading apostrophe, so an exported nominee name such as
"=HYPERLINK(...)" stays text when an official opens the file.
"""

import tablib
from django.http import HttpResponse
from django.utils import timezone

from .middleware import PRIVATE_CACHE_CONTROL

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([neutralise(cell) for cell in row])
    return safe


def _attachment(body, *, basename: str, fmt: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


def spreadsheet_response(dataset: tablib.Dataset, *, basename: str, fmt: str) -> HttpResponse:
    fmt = fmt if fmt in CONTENT_TYPES else "xlsx"
    dataset = safe_dataset(dataset)
    # utf-8-sig: Excel opens a CSV with a byte-order mark as UTF-8 and shows diacritics right.
    body = dataset.export("xlsx") if fmt == "xlsx" else dataset.export("csv").encode("utf-8-sig")
    return _attachment(body, basename=basename, fmt=fmt)


def workbook_response(datasets: list[tablib.Dataset], *, basename: str) -> HttpResponse:
    """Several tables as the sheets of one .xlsx (each dataset's title names its sheet)."""
    book = tablib.Databook([safe_dataset(dataset) for dataset in datasets])
    return _attachment(book.export("xlsx"), basename=basename, fmt="xlsx")
