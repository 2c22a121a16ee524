"""Validators for uploaded files, shared by every form that takes one.

A file's type is decided by its content, never by its name or the browser's content type.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
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
