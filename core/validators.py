"""Validators for uploaded files, shared by every form that takes one.

A file's type is decided by its content, never by its name or the browser's content type.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

ALLOWED_PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_max_size(upload, max_bytes: int):
    if upload.size > max_bytes:
        raise ValidationError(
            _("Tệp nặng %(size)s, vượt giới hạn %(limit)s. Hãy chọn tệp nhỏ hơn.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )


def validate_photo(upload):
    """A portrait photo: JPEG, PNG or WebP by content, within PHOTO_MAX_BYTES."""
    validate_max_size(upload, settings.PHOTO_MAX_BYTES)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except Exception as exc:
        raise ValidationError(
            _("Tệp không phải là ảnh hợp lệ. Hãy chọn ảnh JPEG hoặc PNG.")
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_PHOTO_FORMATS:
        raise ValidationError(_("Chỉ nhận ảnh JPEG, PNG hoặc WebP."))


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 reworded this message and its Vietnamese catalogue has not caught up, so the
    Vietnamese UI would show it in English; we say it ourselves."""

    def get_error_message(self):
        return _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.") % {
            "min_length": self.min_length
        }
