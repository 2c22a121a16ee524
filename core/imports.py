"""Spreadsheet imports: read a file safely, check it (dry run), then import all or nothing.

Each app registers an `Importer` for what it can take in (units, people, later the achievement
registry and registration lists). The flow is the same for all: the file is read by content
(.xlsx is a zip, CSV is text in UTF-8 or a legacy Vietnamese encoding), text is NFC-normalised,
columns are checked against the template, then django-import-export runs the rows inside a
transaction that is rolled back on a dry run or when any row fails. Errors name the row and the
column in Vietnamese.
"""

import csv
import datetime
import io
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import tablib
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from .audit import audit
from .models import ImportJob, ImportStatus
from .text import clean_text, fold
from .validators import ZIP_MAX_UNCOMPRESSED

logger = logging.getLogger(__name__)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message tells the user what to do."""


@dataclass(frozen=True)
class Importer:
    kind: str
    title: str | Promise
    permission: str
    resource_factory: Callable  # (actor) -> import_export Resource
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    sample_rows: tuple[tuple, ...] = field(default=())
    # (request) -> dict of what the rows go into, raising ImportFileError if the page's query
    # does not name it; and (context) -> a sentence for the page.
    context_from: Callable | None = None
    describe: Callable | None = None
    # Usual names of the columns in the lists offices already keep ("Số điện thoại liên hệ"
    # for "Điện thoại"): heading → the column's own name.
    aliases: dict[str, str] = field(default_factory=dict)
    # The column a section heading fills ("1. TẬP THỂ" → "Loại" = "TẬP THỂ").
    section_column: str | None = None
    # (dataset, context) -> more context, from the file itself (e.g. what its title says the
    # list is); the resource factory receives it with the rest.
    plan: Callable | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required_columns + self.optional_columns


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.kind] = importer
    return importer


CSV_ENCODINGS = ("utf-8-sig", "utf-16", "cp1258")


def _decode_csv(content: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        if encoding == "utf-16" and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            if encoding == "utf-16":
                break  # a UTF-16 mark on broken UTF-16: legacy bytes would only give gibberish
            continue
    raise ImportFileError(_("Không đọc được bảng mã của tệp CSV. Hãy lưu tệp ở dạng UTF-8."))


# Control characters (NUL, escape codes) are never data; PostgreSQL refuses NUL in text and JSON.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _cell(value):
    if isinstance(value, str):
        return clean_text(_CONTROL.sub(" ", value))
    return value


def read_dataset(*, content: bytes, file_name: str, importer: "Importer | None" = None):
    """Turn uploaded bytes into a dataset with clean headers and cells, or raise ImportFileError.

    Without `importer` the first non-blank row is the heading. With it, the file is read the way
    offices really send lists (seed 002's annex): a title block, then one or more sections
    ("1. TẬP THỂ", "2. CÁ NHÂN") each under its own heading row, blank rows, and a footnote
    ("Lưu ý: ..."). The heading rows are found by the columns the importer knows (or their
    usual names, `Importer.aliases`), every section's rows are put under the importer's own
    column names, and the title, section headings and notes are kept aside, not read as data.
    The dataset carries `lines` (each row's line in the file, for error messages),
    `letters` (each row's column letters by column name) and `list_title`."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("Tệp quá lớn (tối đa %(mb)s MB). Hãy chia thành nhiều tệp nhỏ hơn.")
            % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    suffix = PurePosixPath(file_name).suffix.lower()
    if suffix == ".xlsx":
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise ImportFileError(_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."))
        try:
            rows = _xlsx_rows(content)
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(
                _("Không mở được tệp Excel. Hãy lưu lại tệp bằng Excel ở dạng .xlsx.")
            ) from exc
    elif suffix == ".csv":
        try:
            rows = _csv_rows(_decode_csv(content), importer)
        except csv.Error as exc:  # a cell over csv's field limit, often an unclosed quote
            raise ImportFileError(
                _(
                    "Không đọc được tệp CSV: có ô quá dài hoặc dấu ngoặc kép không được đóng. "
                    "Hãy mở tệp bằng Excel và lưu lại ở dạng CSV UTF-8."
                )
            ) from exc
    else:
        raise ImportFileError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))

    rows = [(line, [_cell(c) for c in row]) for line, row in rows]
    rows = [(line, row) for line, row in rows if not _blank_row(row)]
    if not rows:
        raise ImportFileError(_("Tệp không có dữ liệu."))
    if importer is not None:
        tables = _find_tables(importer, rows)
        if tables:
            return _dataset_from_tables(importer, tables)
    return _plain_dataset(rows)


def _blank_row(row) -> bool:
    return not any(c is not None and str(c).strip() for c in row)


def _plain_dataset(rows) -> tablib.Dataset:
    (_line, first), body = rows[0], rows[1:]
    headers = [_cell(str(h or "")) for h in first]
    if len(body) > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows(len(body))
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    letters = {h: get_column_letter(i) for i, h in enumerate(headers, 1) if h}
    dataset.lines, dataset.letters, dataset.list_title = [], [], ""
    for line, row in body:
        row = list(row)[:width] + [None] * (width - len(row))
        dataset.append(row)
        dataset.lines.append(line)
        dataset.letters.append(letters)
    return dataset


# --- lists as offices send them ------------------------------------------------------------------
# A section heading: "1. TẬP THỂ", "II. CÁ NHÂN", "A - Tập thể".
_SECTION = re.compile(r"^\s*(?:[0-9]+|[IVXLivxl]+|[A-Da-d])\s*[.)/-]\s*(\S.*)$")
# Where the notes under a list begin.
_NOTE = re.compile(r"^[\s*•-]*(lưu ý|ghi chú|chú ý|chú thích|note)\b", re.IGNORECASE)
# The numbering row some templates put under the heading: (1) (2) (3) ...
_NUMBERING = re.compile(r"^\(?[0-9]+\)?$")
# Columns every list may have that carry nothing to store.
ROW_NUMBER_HEADINGS = ("stt", "so tt", "so thu tu", "tt")


def _header_key(value) -> str:
    return fold(str(value or "")).strip(" :*.")


def _columns_of(importer: "Importer", row) -> dict[int, str]:
    """Which cells of `row` name a column of the importer (by its name or a usual alias)."""
    names = {_header_key(c): c for c in importer.columns}
    names.update({_header_key(a): c for a, c in importer.aliases.items()})
    found = {}
    for index, cell in enumerate(row):
        column = names.get(_header_key(cell))
        if column is not None and column not in found.values():
            found[index] = column
    return found


def _is_header(importer, row) -> bool:
    return len(_columns_of(importer, row)) >= min(2, len(importer.columns))


def _single_text(row) -> str | None:
    filled = [str(c).strip() for c in row if c is not None and str(c).strip()]
    return filled[0] if len(filled) == 1 else None


def _find_tables(importer, rows) -> list[dict]:
    """The heading rows and the data rows under each, with the section each belongs to."""
    tables, current, section, title = [], None, "", []
    after_heading = False  # the previous line was a section heading ("2. CÁ NHÂN")
    index = 0
    while index < len(rows):
        line, row = rows[index]
        index += 1
        # Inside a table, a data row whose cells happen to read as two column names is still
        # data: a new heading row there needs three names or a section heading above it.
        header = _is_header(importer, row) and (
            current is None
            or after_heading
            or not current["rows"]
            or len(_columns_of(importer, row)) >= 3
        )
        after_heading = False
        if header:
            columns = _columns_of(importer, row)
            # A heading over two rows (merged cells above, the detailed names below).
            if index < len(rows) and _is_header(importer, rows[index][1]):
                columns = {**columns, **_columns_of(importer, rows[index][1])}
                index += 1
            current = {"columns": columns, "section": section, "rows": [], "line": line}
            tables.append(current)
            continue
        text = _single_text(row)
        if text is not None:
            if _NOTE.match(text):
                current = None  # the notes run to the next heading row, or the end
                continue
            match = _SECTION.match(text)
            if match:
                section, current, after_heading = match.group(1), None, True
                continue
            if not tables:
                title.append(text)  # the title block
                continue
        if current is None:
            continue  # lines of the title block or the notes: not data
        if not current["rows"] and all(
            _NUMBERING.match(str(c).strip()) for c in row if c is not None and str(c).strip()
        ):
            continue  # (1) (2) (3) under the heading
        current["rows"].append((line, row))
    if tables:
        tables[0]["title"] = " ".join(title)
    return tables


def _dataset_from_tables(importer, tables) -> tablib.Dataset:
    headers = list(importer.columns)
    dataset = tablib.Dataset(headers=headers)
    dataset.lines, dataset.letters = [], []
    dataset.list_title = tables[0].get("title", "")
    dataset.missing = []  # (heading line, required columns it lacks)
    for table in tables:
        have = set(table["columns"].values())
        if importer.section_column and table["section"]:
            have.add(importer.section_column)
        lacking = [c for c in importer.required_columns if c not in have]
        if lacking:
            dataset.missing.append((table["line"], lacking))
    total = sum(len(t["rows"]) for t in tables)
    if total > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows(total)
    for table in tables:
        columns = table["columns"]
        letters = {column: get_column_letter(i + 1) for i, column in columns.items()}
        for line, row in table["rows"]:
            values = dict.fromkeys(headers)
            for i, column in columns.items():
                values[column] = row[i] if i < len(row) else None
            section_column = importer.section_column
            if section_column and values.get(section_column) in (None, "") and table["section"]:
                values[section_column] = table["section"]
            dataset.append([values[h] for h in headers])
            dataset.lines.append(line)
            dataset.letters.append(letters)
    return dataset


def _csv_rows(text: str, importer) -> list[tuple[int, list]]:
    # newline="": rows may end in \r\n, \n or \r (older Mac Excel), cells may hold any.
    delimiter = _csv_delimiter(text, importer)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


CSV_DELIMITERS = (",", ";", "\t")


def _csv_delimiter(text: str, importer) -> str:
    """Excel saves CSV with the separator of the computer's regional settings: a comma, or a
    semicolon where the comma is the decimal mark (Vietnamese settings), or a tab. With the
    importer known, the separator that finds its heading row wins; without, the first line's."""
    sample = text[:20000]
    if importer is None:
        first = next((line for line in sample.splitlines() if line.strip()), "")
        if "," not in first:
            for delimiter in (";", "\t"):
                if delimiter in first:
                    return delimiter
        return ","
    best, best_score = ",", -1
    for delimiter in CSV_DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        score = max((len(_columns_of(importer, r)) for r in rows[:200]), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _too_many_rows(n) -> ImportFileError:
    return ImportFileError(
        _("Tệp có %(n)s dòng, vượt giới hạn %(max)s dòng một lần nhập.")
        % {"n": n, "max": settings.IMPORT_MAX_ROWS}
    )


def _xlsx_rows(content: bytes) -> list[tuple[int, list]]:
    """The first sheet's non-blank rows, with their line numbers. A few megabytes of .xlsx may
    unpack to gigabytes (a "zip bomb"): the declared sizes are checked first and reading stops
    past the row limit."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(entry.file_size for entry in archive.infolist()) > ZIP_MAX_UNCOMPRESSED:
            raise ImportFileError(
                _(
                    "Tệp Excel giải nén ra quá lớn so với kích thước tệp (nghi là “bom nén”). "
                    "Hãy lưu lại tệp bằng Excel ở dạng .xlsx."
                )
            )
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        rows = []
        sheet = workbook.worksheets[0]
        for line, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            if any(c is not None and str(c).strip() for c in row):
                rows.append((line, list(row)))
                # + the heading, a title block and notes
                if len(rows) > settings.IMPORT_MAX_ROWS + 50:
                    raise _too_many_rows(f"{settings.IMPORT_MAX_ROWS}+")
        return rows
    finally:
        workbook.close()


def column_errors(importer: Importer, dataset: tablib.Dataset) -> list[dict]:
    if hasattr(dataset, "missing"):  # read by heading rows: only what they lack
        return [
            {
                "row": None,
                "line": line,
                "column": None,
                "message": _(
                    "Dòng tiêu đề (dòng %(line)s) thiếu cột bắt buộc: %(cols)s. Hãy tải tệp mẫu "
                    "và giữ nguyên tên cột."
                )
                % {"line": line, "cols": ", ".join(lacking)},
            }
            for line, lacking in dataset.missing
        ]
    headers = set(dataset.headers or [])
    errors = []
    missing = [c for c in importer.required_columns if c not in headers]
    if missing:
        errors.append(
            {
                "row": None,
                "column": None,
                "message": _(
                    "Thiếu cột bắt buộc: %(cols)s. Hãy tải tệp mẫu và giữ nguyên dòng tiêu đề."
                )
                % {"cols": ", ".join(missing)},
            }
        )
    unknown = [h for h in dataset.headers if h and h not in importer.columns]
    if unknown:
        errors.append(
            {
                "row": None,
                "column": None,
                "message": _(
                    "Cột không có trong tệp mẫu: %(cols)s. Hãy xoá hoặc đổi tên cho đúng mẫu."
                )
                % {"cols": ", ".join(unknown)},
            }
        )
    if len(set(dataset.headers)) != len(dataset.headers):
        errors.append(
            {
                "row": None,
                "column": None,
                "message": _("Dòng tiêu đề có cột trùng tên. Mỗi cột chỉ được xuất hiện một lần."),
            }
        )
    return errors


def _messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    return [str(error)]


def _result_errors(resource, result) -> list[dict]:
    columns = {}
    for name, resource_field in resource.fields.items():
        columns[name] = resource_field.column_name
        if resource_field.attribute:
            columns[resource_field.attribute] = resource_field.column_name
    errors = []
    for error in result.base_errors:
        errors.append({"row": None, "column": None, "message": "; ".join(_messages(error.error))})
    for number, row_errors in result.row_errors():
        for error in row_errors:
            for message in _messages(error.error):
                errors.append({"row": number, "column": None, "message": message})
    for invalid in result.invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            column = columns.get(attribute)
            for message in messages:
                errors.append({"row": invalid.number, "column": column, "message": str(message)})
    errors.sort(key=lambda e: e["row"] or 0)
    return errors


def _locate(errors: list[dict], dataset) -> list[dict]:
    """Add where each row's error is in the file as the clerk sees it: its line and, when the
    error is about one column, the cell ("C12")."""
    lines, letters = getattr(dataset, "lines", None), getattr(dataset, "letters", None)
    for error in errors:
        row = error.get("row")
        if not row or lines is None or row > len(lines):
            continue
        error["line"] = lines[row - 1]
        letter = letters[row - 1].get(error.get("column")) if error.get("column") else None
        if letter:
            error["cell"] = f"{letter}{error['line']}"
    return errors


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def preview_values(resource, row) -> dict[str, str]:
    """What will be stored from one row, column by column, as the import cleans it: names
    NFC-normalised, a phone number given its leading zero back, dates read, choices resolved.
    A resource may say it better itself (`preview_row`, e.g. which unit a name was matched to)."""
    if hasattr(resource, "preview_row"):
        return resource.preview_row(row)
    values = {}
    for resource_field in resource.get_import_fields():
        column = resource_field.column_name
        if not column or column not in row:
            continue
        try:
            value = resource_field.widget.clean(row.get(column), row=row)
        except Exception:  # the error list says what is wrong with it
            value = row.get(column)
        else:
            if hasattr(resource_field.widget, "choices") and value:
                value = resource_field.widget.render(value)
        values[column] = _shown(value)
    return values


PREVIEW_ROWS = 50


def run_import(
    *,
    importer: Importer,
    actor,
    dataset: tablib.Dataset,
    dry_run: bool,
    context=None,
    valid_only: bool = False,
    progress=None,
):
    """Returns (totals, errors, preview). Nothing is saved on a dry run or if any row fails,
    unless `valid_only`: then the valid rows are saved and the invalid ones skipped.
    `progress(rows_done)` is called every PROGRESS_EVERY rows."""
    errors = column_errors(importer, dataset)
    if errors:
        return {"rows": len(dataset)}, errors, []
    resource = importer.resource_factory(actor, **(context or {}))
    if progress is not None:
        _report_progress(resource, progress)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=not valid_only,
        raise_errors=False,
    )
    errors = _locate(_result_errors(resource, result), dataset)
    totals = {"rows": len(dataset), **{k: v for k, v in result.totals.items() if v}}
    preview = [
        {
            "number": n,
            "type": str(r.import_type),
            # A new row has no saved object to name on a dry run: show what the file says.
            "repr": r.object_repr if r.object_repr not in (None, "None") else _row_text(dataset, n),
            "line": dataset.lines[n - 1] if getattr(dataset, "lines", None) else n + 1,
        }
        for n, r in enumerate(result.rows[:PREVIEW_ROWS], 1)
    ]
    if dry_run:
        # After the import: the dry run has rolled back, so these reads see the data as it is.
        rows = [
            dict(zip(dataset.headers, dataset[i], strict=True))
            for i in range(min(PREVIEW_ROWS, len(dataset)))
        ]
        for item, row in zip(preview, rows, strict=False):
            try:
                item["values"] = preview_values(resource, row)
            except Exception:  # a row the import refused: its errors are listed instead
                item["values"] = {}
    return totals, errors, preview


def _report_progress(resource, progress) -> None:
    """Count rows as import-export finishes them (its `after_import_row` hook, on this one
    resource object)."""
    done = [0]
    after = resource.after_import_row

    def counted(row, row_result, **kwargs):
        after(row, row_result, **kwargs)
        done[0] += 1
        if done[0] % PROGRESS_EVERY == 0:
            progress(done[0])

    resource.after_import_row = counted


def _row_text(dataset: tablib.Dataset, number: int) -> str:
    """The first few filled cells of a data row (1 = the first under the header)."""
    try:
        row = dataset[number - 1]
    except IndexError:
        return ""
    return " · ".join(str(v).strip() for v in row if v not in (None, "") and str(v).strip())[:200]


def import_job_check(
    *, actor, importer: Importer, file_name: str, content: bytes, context=None
) -> ImportJob:
    """Read and dry-run an upload; keep it so that the user can confirm without re-uploading.
    A file of more than IMPORT_BACKGROUND_ROWS rows is read here (so an unreadable file is told
    at once) and checked by a Celery worker: the job comes back CHECKING."""
    dataset = read_dataset(content=content, file_name=file_name, importer=importer)
    if importer.plan is not None:
        # What the list means may depend on the file itself (its title): decided once, here,
        # kept with the job, and shown on the preview.
        context = {**(context or {}), **importer.plan(dataset, context or {})}
    job = ImportJob(
        kind=importer.kind,
        created_by=actor,
        file_name=PurePosixPath(file_name).name[:255],
        file_format=PurePosixPath(file_name).suffix.lower().lstrip("."),
        content=content,
        context=context or {},
        totals={"rows": len(dataset)},
    )
    if in_background(dataset):
        job.status = ImportStatus.CHECKING
        job.save()
        transaction.on_commit(lambda: import_enqueue([job.pk]), robust=True)
    else:
        _check(job, dataset, actor=actor)
    audit(
        actor=actor,
        action="import.check",
        target=job,
        kind=importer.kind,
        rows=len(dataset),
        errors=len(job.errors),
        background=job.status == ImportStatus.CHECKING,
    )
    return job


def in_background(dataset) -> bool:
    return len(dataset) > settings.IMPORT_BACKGROUND_ROWS


def _check(job: ImportJob, dataset, *, actor, progress=None) -> ImportJob:
    totals, errors, preview = run_import(
        importer=IMPORTERS[job.kind],
        actor=actor,
        dataset=dataset,
        dry_run=True,
        context=job.context,
        progress=progress,
    )
    job.status = ImportStatus.CHECKED_ERRORS if errors else ImportStatus.CHECKED_OK
    job.totals, job.errors, job.preview = totals, errors, preview
    job.claimed_at = None
    job.save()
    return job


def valid_rows(job: ImportJob) -> int:
    """How many rows would go in if the faulty ones were skipped (0 when the file itself is at
    fault: wrong columns, unreadable)."""
    if any(e["row"] is None for e in job.errors):
        return 0
    return job.totals.get("rows", 0) - len({e["row"] for e in job.errors})


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob, valid_only: bool = False) -> ImportJob:
    """Import a checked file for real: all rows or none, or (`valid_only`, the user's explicit
    choice) the valid rows, skipping the faulty ones. A large file is imported by a Celery
    worker: the job comes back IMPORTING."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)  # two clicks: one import
    allowed = (
        (job.status == ImportStatus.CHECKED_ERRORS and valid_rows(job) > 0)
        if valid_only
        else job.status == ImportStatus.CHECKED_OK
    )
    if not allowed:
        raise ValidationError(
            _("Tệp này chưa qua kiểm tra hoặc đã được nhập. Hãy tải tệp lên lại.")
        )
    if job.totals.get("rows", 0) > settings.IMPORT_BACKGROUND_ROWS:
        job.status, job.valid_only, job.claimed_at = ImportStatus.IMPORTING, valid_only, None
        job.save(update_fields=["status", "valid_only", "claimed_at"])
        transaction.on_commit(lambda: import_enqueue([job.pk]), robust=True)
        audit(actor=actor, action="import.confirm", target=job, kind=job.kind, background=True)
        return job
    return _import(job, actor=actor, valid_only=valid_only)


def _import(job: ImportJob, *, actor, valid_only: bool, progress=None) -> ImportJob:
    importer = IMPORTERS[job.kind]
    dataset = read_dataset(
        content=bytes(job.content), file_name=f"x.{job.file_format}", importer=importer
    )
    with transaction.atomic():
        totals, errors, preview = run_import(
            importer=importer,
            actor=actor,
            dataset=dataset,
            dry_run=False,
            context=job.context,
            valid_only=valid_only,
            progress=progress,
        )
    job.totals, job.errors, job.preview = totals, errors, preview
    if valid_only and not any(e["row"] is None for e in errors):
        job.status = ImportStatus.IMPORTED
        job.imported_at = timezone.now()
        job.totals["skipped"] = len({e["row"] for e in errors})
    elif errors:
        # The data changed since the check (someone else imported or edited): nothing was saved.
        job.status = ImportStatus.FAILED
    else:
        job.status = ImportStatus.IMPORTED
        job.imported_at = timezone.now()
    job.claimed_at = None
    job.save(update_fields=["totals", "errors", "preview", "status", "imported_at", "claimed_at"])
    audit(
        actor=actor,
        action="import.confirm",
        target=job,
        kind=job.kind,
        status=job.status,
        totals=totals,
    )
    return job


# --- in the background (the bundles' pattern: reporting.bundles) ----------------------------------
BACKGROUND = (ImportStatus.CHECKING, ImportStatus.IMPORTING)
PROGRESS_EVERY = 200  # rows between two progress reports


def _stale() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)


def _progress_key(pk: int) -> str:
    return f"import-progress:{pk}"


def import_progress(job: ImportJob) -> int:
    """Rows done so far by the worker. The import runs in one transaction (all or nothing), so
    its progress cannot be a column of the job: it is kept in the cache, which is shared by the
    web nodes and the workers. 0 if unknown (cache down)."""
    try:
        return int(cache.get(_progress_key(job.pk)) or 0)
    except Exception:
        return 0


def _heartbeat(pk: int, done: int) -> None:
    try:
        cache.set(_progress_key(pk), done, timeout=settings.IMPORT_STALE_SECONDS)
    except Exception:  # progress is a courtesy: the import goes on without it
        logger.warning("cache unavailable for import progress %s", pk, exc_info=True)


def _alive(pk: int) -> bool:
    """Whether the worker of a claimed job reported progress lately (its heartbeat expires
    IMPORT_STALE_SECONDS after the last report)."""
    try:
        return cache.get(_progress_key(pk)) is not None
    except Exception:
        return False


def import_enqueue(ids: list[int]) -> None:
    """Queue the background work. With the broker down the jobs wait and the periodic
    `core.requeue_imports` queues them later: an upload never fails for that."""
    from .tasks import run_import_job

    for pk in ids:
        try:
            run_import_job.delay(job_id=pk)
        except Exception:
            logger.warning("broker unavailable; import %s waits for the requeue", pk)
            return


def import_claim(job_id: int, *, now=None) -> ImportJob | None:
    """Take a background job, atomically: one not yet taken, or one whose worker has gone
    silent. None if it is done, gone, or being worked on right now by another worker (Celery
    hands a task out again after a worker restart: acks_late)."""
    now = now or timezone.now()
    silent = Q(claimed_at__lt=now - _stale())
    if _alive(job_id):
        silent = Q(pk__in=[])  # its worker spoke within IMPORT_STALE_SECONDS
    claimable = Q(status__in=BACKGROUND) & (Q(claimed_at__isnull=True) | silent)
    if not ImportJob.objects.filter(claimable, pk=job_id).update(claimed_at=now):
        return None
    return ImportJob.objects.get(pk=job_id)


def imports_due(*, now=None) -> list[int]:
    """What the periodic requeue queues again: waiting a minute after being asked for (the
    broker was down), or claimed by a worker that has gone silent."""
    now = now or timezone.now()
    candidates = ImportJob.objects.filter(status__in=BACKGROUND).filter(
        Q(claimed_at__isnull=True, created_at__lt=now - datetime.timedelta(minutes=1))
        | Q(claimed_at__lt=now - _stale())
    )
    return [pk for pk in candidates.values_list("pk", flat=True) if not _alive(pk)]


def import_run(job: ImportJob) -> ImportJob:
    """The worker's part: the check or the import the job waits for, reporting progress."""
    actor = job.created_by
    _heartbeat(job.pk, 0)

    def progress(done: int) -> None:
        _heartbeat(job.pk, done)

    if job.status == ImportStatus.CHECKING:
        importer = IMPORTERS[job.kind]
        dataset = read_dataset(
            content=bytes(job.content), file_name=f"x.{job.file_format}", importer=importer
        )
        job = _check(job, dataset, actor=actor, progress=progress)
    else:
        job = _import(job, actor=actor, valid_only=job.valid_only, progress=progress)
    _forget_progress(job.pk)
    return job


def _forget_progress(pk: int) -> None:
    try:
        cache.delete(_progress_key(pk))
    except Exception:
        logger.warning("cache unavailable for import progress %s", pk, exc_info=True)


def import_fail(job_id: int) -> None:
    """A background job that raised: nothing was saved (one transaction); its page says so."""
    ImportJob.objects.filter(pk=job_id, status__in=BACKGROUND).update(
        status=ImportStatus.FAILED,
        claimed_at=None,
        errors=[{"row": None, "column": None, "message": str(_IMPORT_CRASHED)}],
    )


_IMPORT_CRASHED = gettext_lazy(
    "Lỗi hệ thống khi xử lý tệp; không dòng nào được lưu. Hãy thử lại; nếu vẫn lỗi, báo quản trị "
    "hệ thống."
)


def template_dataset(importer: Importer) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=list(importer.columns))
    for row in importer.sample_rows:
        dataset.append(list(row))
    return dataset
