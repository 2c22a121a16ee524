"""Spreadsheet downloads. Every list in the portal exports through here.

Cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
return before one) get a leading apostrophe, so an exported nominee name such as
"=HYPERLINK(...)" stays text when an official opens the file.

An .xlsx is shaped the way an office would have made it by hand (`shape_sheet`, the one place
that does it, for any export, a django-tables2 one included): each sheet named after its list,
the heading row bold, frozen and with an autofilter, dates as real date cells shown dd/mm/yyyy,
years, counts and scores as numbers, and columns as wide as their contents. tablib's own .xlsx
writer names every sheet "Tablib Dataset" and writes every cell as text, hence our writer.
"""

import datetime
import io
import re
from decimal import Decimal

import tablib
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


# --- typed, shaped .xlsx ------------------------------------------------------------------------
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# Text cells that are really dates or numbers (exports render through widgets, as text). A
# number with a leading zero is a code, a phone or an identifier, and stays text.
_DATE_TEXT = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_INTEGER_TEXT = re.compile(r"^-?(?:0|[1-9]\d{0,8})$")
_DECIMAL_TEXT = re.compile(r"^-?(?:0|[1-9]\d{0,8})[.,]\d{1,3}$")
SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 6, 60


def typed(value):
    """The cell value Excel should hold: a date for "05/09/2025", a number for "2026" or
    "8,5", the value itself otherwise (text made formula-safe)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    if not isinstance(value, str):
        return "" if value is None else neutralise(str(value))
    text = value.strip()
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return value
    if _INTEGER_TEXT.match(text):
        return int(text)
    if _DECIMAL_TEXT.match(text):
        return float(text.replace(",", "."))
    return neutralise(value)


def sheet_name(title, used=()) -> str:
    """A valid, unique sheet name from a list's title (Excel: at most 31 characters, none of
    [ ] : * ? / \\)."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", str(title or "")).strip().strip("'") or "Danh sách"
    name = " ".join(name.split())
    if len(name) > SHEET_NAME_MAX:  # cut between words
        cut = name[: SHEET_NAME_MAX + 1]
        name = cut.rsplit(" ", 1)[0] if " " in cut else cut[:SHEET_NAME_MAX]
    candidate, n = name, 2
    while candidate.casefold() in {u.casefold() for u in used}:
        suffix = f" ({n})"
        candidate = name[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    return candidate


def _width(value) -> int:
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def shape_sheet(sheet, headers, rows) -> None:
    """Fill an openpyxl worksheet with a heading row and typed rows, shaped for an office: bold
    frozen heading with an autofilter, dates shown dd/mm/yyyy, widths that fit. Any export
    writes its sheets through here."""
    headers = [str(h) for h in headers]
    sheet.append(headers)
    widths = [len(h) for h in headers]
    for row in rows:
        cells = [typed(v) for v in row]
        sheet.append(cells)
        for i, cell in enumerate(cells[: len(widths)]):
            widths[i] = max(widths[i], _width(cell))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
    if headers:
        sheet.freeze_panes = "A2"
        last = get_column_letter(len(headers))
        sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 1)}"
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )


def xlsx_bytes(tables) -> bytes:
    """`tables`: (title, headers, rows) triples, one sheet each, named after its title."""
    book = Workbook()
    book.remove(book.active)
    used = []
    for title, headers, rows in tables:
        name = sheet_name(title, used)
        used.append(name)
        shape_sheet(book.create_sheet(name), headers, rows)
    if not used:
        book.create_sheet("Danh sách")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(dataset: tablib.Dataset, title=None):
    return (title or dataset.title, dataset.headers or [], list(dataset))


def spreadsheet_response(
    dataset: tablib.Dataset, *, basename: str, fmt: str, title=None
) -> HttpResponse:
    """One list as .xlsx (its sheet named `title`, else the dataset's title) or .csv."""
    fmt = fmt if fmt in CONTENT_TYPES else "xlsx"
    if fmt == "xlsx":
        body = xlsx_bytes([_table(dataset, title)])
    else:
        # utf-8-sig: Excel opens a CSV with a byte-order mark as UTF-8 and shows diacritics.
        body = safe_dataset(dataset).export("csv").encode("utf-8-sig")
    return _attachment(body, basename=basename, fmt=fmt)


def workbook_response(datasets: list[tablib.Dataset], *, basename: str) -> HttpResponse:
    """Several tables as the sheets of one .xlsx (each dataset's title names its sheet)."""
    return _attachment(xlsx_bytes([_table(d) for d in datasets]), basename=basename, fmt="xlsx")
