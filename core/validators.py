"""Validators for uploaded files, shared by every form that takes one.

A file's type is decided by its content, never by its name or the browser's content type.
"""

import datetime
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

ALLOWED_PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
PHOTO_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
# A portrait needs far fewer; a few kilobytes of PNG can declare hundreds of millions of pixels
# that the PDF printer would then unpack (Pillow itself only warns below 179 million).
PHOTO_MAX_PIXELS = 40_000_000


def validate_max_size(upload, max_bytes: int):
    if upload.size > max_bytes:
        raise ValidationError(
            _("Tệp nặng %(size)s, vượt giới hạn %(limit)s. Hãy chọn tệp nhỏ hơn.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )


def validate_photo(upload) -> str:
    """A portrait photo: JPEG, PNG or WebP by content, within PHOTO_MAX_BYTES and
    PHOTO_MAX_PIXELS. Returns its format ("JPEG", "PNG" or "WEBP")."""
    validate_max_size(upload, settings.PHOTO_MAX_BYTES)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except Exception as exc:
        raise ValidationError(
            _("Tệp không phải là ảnh hợp lệ. Hãy chọn ảnh JPEG hoặc PNG.")
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_PHOTO_FORMATS:
        raise ValidationError(_("Chỉ nhận ảnh JPEG, PNG hoặc WebP."))
    if width * height > PHOTO_MAX_PIXELS:
        raise ValidationError(
            _(
                "Ảnh có %(width)s × %(height)s điểm ảnh, quá lớn cho ảnh chân dung. Hãy thu nhỏ "
                "ảnh (ví dụ 600 × 900 điểm ảnh) rồi tải lên lại."
            )
            % {"width": width, "height": height}
        )
    return image_format


def photo_file_name(image_format: str) -> str:
    """A stored photo's name: random, with the extension of its content, never the uploaded
    name (it may carry a path, personal data or a misleading extension)."""
    return f"{uuid.uuid4().hex}{PHOTO_SUFFIXES[image_format]}"


def photo_content_type(name: str) -> str:
    return PHOTO_TYPES.get(PurePosixPath(name).suffix.lower(), "image/jpeg")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 reworded this message and its Vietnamese catalogue has not caught up, so the
    Vietnamese UI would show it in English; we say it ourselves."""

    def get_error_message(self):
        return _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.") % {
            "min_length": self.min_length
        }


# Django's message for a NUL in a form field ("Null characters are not allowed.") has no
# Vietnamese translation in Django 5.2; core.apps gives its validator this one instead.
NULL_CHARACTERS_MESSAGE = gettext_lazy(
    "Nội dung có ký tự rỗng (NUL), thường do dán từ tệp khác. Hãy gõ lại nội dung rồi gửi lại."
)


EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odf": "application/vnd.oasis.opendocument",
    "ole": "application/msword",  # .doc, .xls, .ppt of Office 97-2003
}
# The extensions a file of each kind may keep; the first is given to one whose name says otherwise.
EVIDENCE_SUFFIXES = {
    "pdf": (".pdf",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg", ".jfif"),
    "webp": (".webp",),
    "docx": (".docx", ".docm", ".dotx"),
    "xlsx": (".xlsx", ".xlsm", ".xltx"),
    "pptx": (".pptx", ".pptm", ".ppsx"),
    "odf": (".odt", ".ods", ".odp", ".odg"),
    "ole": (".doc", ".xls", ".ppt"),
}
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_ENTRIES = 5000


def _office_kind(upload) -> str | None:
    import zipfile

    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if (
                len(entries) > ZIP_MAX_ENTRIES
                or sum(e.file_size for e in entries) > ZIP_MAX_UNCOMPRESSED
            ):
                raise ValidationError(
                    _(
                        "Tệp nén bên trong quá lớn so với kích thước tệp (nghi là "
                        "“bom nén”). Hãy lưu lại tệp bằng phần mềm văn phòng."
                    )
                )
            names = {e.filename for e in entries}
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument"
            ):
                return "odf"
            if "[Content_Types].xml" in names:
                for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except zipfile.BadZipFile:
        return None
    return None


def _is_image(upload) -> bool:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except Exception:
        return False
    return True


def evidence_name(name: str, kind: str) -> str:
    """The name an evidence file is listed and downloaded under: the uploaded one, with an
    extension that matches its content ("bao-cao.pdf.html" holding a PDF becomes
    "bao-cao.pdf"), so that opening the download never hands HTML or a program to the system."""
    allowed = EVIDENCE_SUFFIXES[kind]
    path = PurePosixPath(name)
    if path.suffix.lower() in allowed:
        return name
    stem = path.stem if path.suffix else name
    if PurePosixPath(stem).suffix.lower() in allowed:
        return stem
    return f"{stem[: 255 - len(allowed[0])]}{allowed[0]}"


def evidence_kind(upload) -> str:
    """The kind of an evidence file, decided by its bytes; raises ValidationError if it is not
    one we accept (PDF, image, office document), whatever its name says."""
    validate_max_size(upload, settings.EVIDENCE_MAX_BYTES)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = None
    try:
        if head.startswith(b"%PDF-"):
            kind = "pdf"
        elif head.startswith(b"\x89PNG\r\n\x1a\n"):
            kind = "png"
        elif head.startswith(b"\xff\xd8\xff"):
            kind = "jpeg"
        elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            kind = "webp"
        elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            kind = "ole"
        elif head.startswith(b"PK\x03\x04"):
            kind = _office_kind(upload)
        if kind in ("png", "jpeg", "webp") and not _is_image(upload):
            kind = None  # an image's first bytes followed by anything else (HTML, a program)
    finally:
        upload.seek(0)
    if kind:
        return kind
    raise ValidationError(
        _(
            "Chỉ nhận minh chứng là PDF, ảnh (JPEG, PNG, WebP) hoặc tài liệu văn "
            "phòng (Word, Excel, PowerPoint). Nội dung tệp này không thuộc loại nào "
            "trong số đó."
        )
    )


# --- bounded free text ------------------------------------------------------------------------
# Every free-text field has a limit, so that a pasted file or a script cannot store megabytes
# that every list, export and printed report then has to carry.
SHORT_TEXT_MAX_CHARS = 255  # names, numbers, one-line answers
LONG_TEXT_MAX_CHARS = 5000  # reasons, notes, comments, the cells of the works table
# The summary is limited in words by its campaign; the byte cap also bounds the HTML pasted from
# Word around those words (a page of Word markup is many times its text).
SUMMARY_MAX_BYTES = 200_000
# Three times the usual minimum (1,000): room for a full account (the dossier journey test alone
# writes 1,540 words), not for a pasted book.
DEFAULT_MAX_SUMMARY_WORDS = 3000


def text_problems(
    value, *, label, max_chars: int | None = LONG_TEXT_MAX_CHARS, max_bytes: int | None = None
) -> list[str]:
    """Sentences saying which limit `value` passes, for services that check again what the form
    checked (a script or an import does not go through the form)."""
    if not isinstance(value, str):
        return []
    problems = []
    if max_chars is not None and len(value) > max_chars:
        problems.append(
            _("“%(field)s” dài %(n)s ký tự, vượt giới hạn %(limit)s ký tự. Hãy rút gọn.")
            % {"field": label, "n": len(value), "limit": max_chars}
        )
    size = len(value.encode())
    if max_bytes is not None and size > max_bytes:
        problems.append(
            _("“%(field)s” nặng %(size)s, vượt giới hạn %(limit)s. Hãy rút gọn hoặc dán dạng chữ.")
            % {"field": label, "size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    return problems


def summary_words_message(words: int, limit: int) -> str:
    return _("Bản tóm tắt thành tích có %(n)s từ, vượt mức tối đa %(max)s từ. Hãy rút gọn.") % {
        "n": words,
        "max": limit,
    }


class MaxBytesValidator:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes

    def __call__(self, value):
        size = len((value or "").encode())
        if size > self.max_bytes:
            raise ValidationError(
                _("Nội dung nặng %(size)s, vượt giới hạn %(limit)s. Hãy rút gọn.")
                % {"size": filesizeformat(size), "limit": filesizeformat(self.max_bytes)}
            )

    def __eq__(self, other):
        return isinstance(other, MaxBytesValidator) and other.max_bytes == self.max_bytes


# --- dates people type ------------------------------------------------------------------------
# A date outside these windows is a typing slip (year 1, 2100, 9999) that would otherwise flow
# into ages, deadlines, sorting and printed decisions.
FIRST_BIRTH_DATE = datetime.date(1900, 1, 1)
FIRST_RECORD_YEAR = 1945  # awards and decisions of the registry go back to the founding years
EVENT_YEARS_BACK, EVENT_YEARS_AHEAD = 10, 5
FIRST_FOUNDING_DATE = datetime.date(1800, 1, 1)  # some schools are older than the state


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_bounds(kind: str) -> tuple[datetime.date, datetime.date]:
    """The dates a user may type for a kind of date: "birth" (someone alive or recently so),
    "record" (a decision, an award or the period it covers), "event" (a session, a deadline, a
    campaign's period: a window around today) or "founding" (when a unit began or ended)."""
    today = timezone.localdate()
    ahead = _years_from(today, EVENT_YEARS_AHEAD)
    if kind == "birth":
        return FIRST_BIRTH_DATE, today
    if kind == "record":
        return datetime.date(FIRST_RECORD_YEAR, 1, 1), ahead
    if kind == "event":
        return _years_from(today, -EVENT_YEARS_BACK), ahead
    if kind == "founding":
        return FIRST_FOUNDING_DATE, ahead
    raise KeyError(kind)


def year_bounds(kind: str) -> tuple[int, int]:
    first, last = date_bounds(kind)
    return first.year, last.year


def validate_date(value, kind: str) -> None:
    if value is None:
        return
    first, last = date_bounds(kind)
    if not first <= value <= last:
        raise ValidationError(
            _(
                "Ngày %(value)s nằm ngoài khoảng hợp lệ (từ %(first)s đến %(last)s). Hãy kiểm "
                "tra lại ngày, tháng, năm."
            )
            % {
                "value": value.strftime("%d/%m/%Y"),
                "first": first.strftime("%d/%m/%Y"),
                "last": last.strftime("%d/%m/%Y"),
            }
        )


def validate_year(value, kind: str) -> None:
    if value is None:
        return
    first, last = year_bounds(kind)
    if not first <= value <= last:
        raise ValidationError(
            _(
                "Năm %(value)s nằm ngoài khoảng hợp lệ (từ %(first)s đến %(last)s). Hãy kiểm "
                "tra lại."
            )
            % {"value": value, "first": first, "last": last}
        )


class DateRangeValidator:
    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, value):
        validate_date(value, self.kind)

    def __eq__(self, other):
        return isinstance(other, DateRangeValidator) and other.kind == self.kind


class YearRangeValidator(DateRangeValidator):
    def __call__(self, value):
        validate_year(value, self.kind)
