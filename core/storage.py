"""Where uploaded and generated files are kept, and what happens when the disk fails them.

Every FileField of the portal goes through `PortalStorage` (settings.STORAGES["default"]): a disk
or quota that is full while a file is written removes what was partly written and raises
`StorageFull`, a ValidationError, so the services' callers show it like any refused input, on
the same page with the typed fields kept, and the service's transaction writes no row. Files are
served back through `open_stored`: a file whose row exists but whose file is gone (restored from
an older backup, removed by hand) is a 404 page that says so, and a warning in the log.
"""

import errno
import logging
import threading

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

DISK_FULL_ERRORS = {errno.ENOSPC, errno.EDQUOT}

_tried = threading.local()


class StorageFull(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Máy chủ tạm thời hết chỗ lưu tệp nên tệp chưa được lưu và hồ sơ chưa thay đổi. "
                "Hãy thử lại sau ít phút; nếu vẫn không được, hãy báo quản trị hệ thống."
            ),
            code="storage_full",
        )


class PortalStorage(FileSystemStorage):
    def get_available_name(self, name, max_length=None):
        name = super().get_available_name(name, max_length=max_length)
        names = getattr(_tried, "names", None)
        if names is not None:
            names.append(name)
        return name

    def _save(self, name, content):
        _tried.names = [name]
        try:
            return super()._save(name, content)
        except OSError as exc:
            if exc.errno not in DISK_FULL_ERRORS:
                raise
            # Only the name tried last can hold a partial file of ours: each name before it
            # already existed (the exclusive create refused it) and belongs to another upload.
            self._remove_partial(_tried.names[-1])
            logger.error("storage full: %s not stored: %s", name, exc)
            raise StorageFull from exc
        finally:
            _tried.names = None

    def _remove_partial(self, name):
        try:
            self.delete(name)
        except OSError as exc:
            logger.error("storage full: the partial file %s could not be removed: %s", name, exc)


class StoredFileMissing(Http404):
    """A stored file whose row exists but whose file does not (templates/404_file.html)."""


def open_stored(field_file, *, what: str):
    """The open file of a FileField for a download, or StoredFileMissing."""
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        row = field_file.instance
        logger.warning(
            "stored file missing: %s %s (%s %s)", what, field_file.name, row._meta.label, row.pk
        )
        raise StoredFileMissing(what) from None
