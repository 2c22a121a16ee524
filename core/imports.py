"""Spreadsheet imports: read a file safely, check it (dry run), then import all or nothing.

Each app registers an `Importer` for what it can take in (units, people, later the achievement
registry and registration lists). The flow is the same for all: the file is read by content
(.xlsx is a zip, CSV is text in UTF-8 or a legacy Vietnamese encoding), text is NFC-normalised,
columns are checked against the template, then django-import-export runs the rows inside a
transaction that is rolled back on a dry run or when any row fails. Errors name the row and the
column in Vietnamese.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .audit import audit
from .models import ImportJob, ImportStatus
from .text import clean_text
from .validators import ZIP_MAX_UNCOMPRESSED


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


def read_dataset(*, content: bytes, file_name: str) -> tablib.Dataset:
    """Turn uploaded bytes into a dataset with clean headers and cells, or raise ImportFileError."""
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
            # newline="": rows may end in \r\n, \n or \r (older Mac Excel), cells may hold any.
            rows = list(csv.reader(io.StringIO(_decode_csv(content), newline="")))
        except csv.Error as exc:  # a cell over csv's field limit, often an unclosed quote
            raise ImportFileError(
                _(
                    "Không đọc được tệp CSV: có ô quá dài hoặc dấu ngoặc kép không được đóng. "
                    "Hãy mở tệp bằng Excel và lưu lại ở dạng CSV UTF-8."
                )
            ) from exc
    else:
        raise ImportFileError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))

    rows = [[_cell(c) for c in row] for row in rows]
    rows = [row for row in rows if any(str(c).strip() for c in row if c is not None)]
    if not rows:
        raise ImportFileError(_("Tệp không có dữ liệu."))
    headers = [_cell(str(h or "")) for h in rows[0]]
    body = rows[1:]
    if len(body) > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows(len(body))
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for row in body:
        row = list(row)[:width] + [None] * (width - len(row))
        dataset.append(row)
    return dataset


def _too_many_rows(n) -> ImportFileError:
    return ImportFileError(
        _("Tệp có %(n)s dòng, vượt giới hạn %(max)s dòng một lần nhập.")
        % {"n": n, "max": settings.IMPORT_MAX_ROWS}
    )


def _xlsx_rows(content: bytes) -> list[list]:
    """The first sheet's non-blank rows. A few megabytes of .xlsx may unpack to gigabytes (a
    "zip bomb"): the declared sizes are checked first and reading stops past the row limit."""
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
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            if any(c is not None and str(c).strip() for c in row):
                rows.append(list(row))
                if len(rows) > settings.IMPORT_MAX_ROWS + 1:  # + the heading
                    raise _too_many_rows(f"{settings.IMPORT_MAX_ROWS}+")
        return rows
    finally:
        workbook.close()


def column_errors(importer: Importer, dataset: tablib.Dataset) -> list[dict]:
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


PREVIEW_ROWS = 50


def run_import(
    *,
    importer: Importer,
    actor,
    dataset: tablib.Dataset,
    dry_run: bool,
    context=None,
    valid_only: bool = False,
):
    """Returns (totals, errors, preview). Nothing is saved on a dry run or if any row fails,
    unless `valid_only`: then the valid rows are saved and the invalid ones skipped."""
    errors = column_errors(importer, dataset)
    if errors:
        return {"rows": len(dataset)}, errors, []
    resource = importer.resource_factory(actor, **(context or {}))
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=not valid_only,
        raise_errors=False,
    )
    errors = _result_errors(resource, result)
    totals = {"rows": len(dataset), **{k: v for k, v in result.totals.items() if v}}
    preview = [
        {
            "number": n,
            "type": str(r.import_type),
            # A new row has no saved object to name on a dry run: show what the file says.
            "repr": r.object_repr if r.object_repr not in (None, "None") else _row_text(dataset, n),
        }
        for n, r in enumerate(result.rows[:PREVIEW_ROWS], 1)
    ]
    return totals, errors, preview


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
    """Read and dry-run an upload; keep it so that the user can confirm without re-uploading."""
    dataset = read_dataset(content=content, file_name=file_name)
    totals, errors, preview = run_import(
        importer=importer, actor=actor, dataset=dataset, dry_run=True, context=context
    )
    job = ImportJob.objects.create(
        kind=importer.kind,
        created_by=actor,
        file_name=PurePosixPath(file_name).name[:255],
        file_format=PurePosixPath(file_name).suffix.lower().lstrip("."),
        content=content,
        status=ImportStatus.CHECKED_ERRORS if errors else ImportStatus.CHECKED_OK,
        totals=totals,
        errors=errors,
        preview=preview,
        context=context or {},
    )
    audit(
        actor=actor,
        action="import.check",
        target=job,
        kind=importer.kind,
        rows=totals.get("rows"),
        errors=len(errors),
    )
    return job


def valid_rows(job: ImportJob) -> int:
    """How many rows would go in if the faulty ones were skipped (0 when the file itself is at
    fault: wrong columns, unreadable)."""
    if any(e["row"] is None for e in job.errors):
        return 0
    return job.totals.get("rows", 0) - len({e["row"] for e in job.errors})


def import_job_confirm(*, actor, job: ImportJob, valid_only: bool = False) -> ImportJob:
    """Import a checked file for real: all rows or none, or (`valid_only`, the user's explicit
    choice) the valid rows, skipping the faulty ones."""
    allowed = (
        (job.status == ImportStatus.CHECKED_ERRORS and valid_rows(job) > 0)
        if valid_only
        else job.status == ImportStatus.CHECKED_OK
    )
    if not allowed:
        raise ValidationError(
            _("Tệp này chưa qua kiểm tra hoặc đã được nhập. Hãy tải tệp lên lại.")
        )
    importer = IMPORTERS[job.kind]
    dataset = read_dataset(content=bytes(job.content), file_name=f"x.{job.file_format}")
    with transaction.atomic():
        totals, errors, preview = run_import(
            importer=importer,
            actor=actor,
            dataset=dataset,
            dry_run=False,
            context=job.context,
            valid_only=valid_only,
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
    job.save(update_fields=["totals", "errors", "preview", "status", "imported_at"])
    audit(
        actor=actor,
        action="import.confirm",
        target=job,
        kind=job.kind,
        status=job.status,
        totals=totals,
    )
    return job


def template_dataset(importer: Importer) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=list(importer.columns))
    for row in importer.sample_rows:
        dataset.append(list(row))
    return dataset
