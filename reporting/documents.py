"""Printed documents: Django templates in the Vietnamese administrative layout (Decree 30/2020),
rendered to A4 PDF by WeasyPrint with the Liberation Serif fonts shipped in static/fonts, so every
diacritic prints the same on every server.

WeasyPrint fetches nothing from the network: `_fetcher` serves our own fonts and stylesheet from
static/ and refuses every other URL, and photos are embedded as data URIs. User text reaches the
templates escaped (the achievement summary is nh3-sanitised HTML).

Each render's font folder is ours and locked while in use, so the folders killed processes leave
can be swept without touching a live render's (`sweep_font_folders`).
"""

import base64
import datetime
import fcntl
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from units.enums import UnitLevel
from units.letterhead import PROVINCE_PREFIXES, governing_line, number_suffix
from units.models import Unit

STATIC = Path(settings.BASE_DIR) / "static"


def _fetcher():
    """A fetcher that reads our own fonts and stylesheet and data: URIs, and refuses the rest
    (no network, no other files), whatever a document happens to contain."""
    from weasyprint import URLFetcher

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                path = Path(url[len("file://") :]).resolve()
                if path.is_relative_to(STATIC / "fonts") or path == STATIC / "css" / "print.css":
                    return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url!r} while printing")

    return StaticOnly(allowed_protocols={"file", "data"}, fail_on_errors=True)


def render_html(template: str, context: dict) -> str:
    return render_to_string(
        template, {"stylesheet": (STATIC / "css" / "print.css").as_uri(), **context}
    )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    sweep_font_folders()
    with _font_folder() as folder:
        fonts = FontConfiguration()
        # WeasyPrint would make this folder itself on the first @font-face; handing it one we
        # hold a lock on lets a sweep tell a live render's folder from a killed one's. Taken
        # back before our removal, so its own clean-up never touches a later folder of the name.
        fonts._folder = folder
        try:
            return HTML(
                string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_fetcher()
            ).write_pdf(font_config=fonts)
        finally:
            fonts._folder = None


FONT_FOLDER_PREFIX = "weasyprint-"


@contextmanager
def _font_folder():
    """A weasyprint-* folder in the temp directory, locked while the render runs and removed
    after it. The lock is the kernel's (flock): it goes with the process, however it dies."""
    folder = Path(tempfile.mkdtemp(prefix=FONT_FOLDER_PREFIX))
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(handle)


def sweep_font_folders(*, now: float | None = None) -> int:
    """Remove the weasyprint-* folders killed processes left (1.5 MB each): older than
    PDF_TEMP_STALE_SECONDS and locked by no live render. The age spares the folder of a render
    that does not lock it (another program, a process from before this code) while it runs.
    Returns how many were removed."""
    limit = (now if now is not None else time.time()) - settings.PDF_TEMP_STALE_SECONDS
    removed = 0
    with os.scandir(tempfile.gettempdir()) as entries:
        for entry in entries:
            if not entry.name.startswith(FONT_FOLDER_PREFIX):
                continue
            try:
                if not entry.is_dir(follow_symlinks=False):
                    continue
                stat = entry.stat(follow_symlinks=False)
            except FileNotFoundError:  # removed meanwhile by its render or another sweep
                continue
            if stat.st_uid == os.getuid() and stat.st_mtime < limit:
                removed += _remove_unless_held(entry.path)
    return removed


def _remove_unless_held(path: str) -> bool:
    try:
        handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live render holds it
            return False
        shutil.rmtree(path, ignore_errors=True)
        return True
    finally:
        os.close(handle)


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template, context))


def data_uri(field_file, content_type="image/jpeg") -> str:
    """An image embedded in the document, so the renderer needs no file access."""
    if not field_file:
        return ""
    with field_file.open("rb") as handle:
        return f"data:{content_type};base64,{base64.b64encode(handle.read()).decode()}"


def place_of(unit: Unit) -> str:
    """The place in the date line ("Đà Nẵng, ngày …", Decree 30/2020): a commune and what sits
    under it write the commune's name, other units their province's, the ministry Hà Nội."""
    chain = [*Unit.objects.get_ancestors(unit), unit]
    commune = next((u for u in reversed(chain) if u.level == UnitLevel.COMMUNE), None)
    if commune is not None:
        return re.sub(
            r"^(UBND|Ủy ban nhân dân)\s+(xã|phường|thị trấn|đặc khu)\s+", "", commune.name
        )
    province = next((u for u in reversed(chain) if u.level == UnitLevel.PROVINCE), None)
    if province is None:
        return "Hà Nội"
    name = province.name
    for prefix in PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def header(
    unit: Unit, *, day: datetime.date | None = None, number: str = "", kind: str = ""
) -> dict:
    """The header block (Decree 30/2020): the governing body and the issuing unit, as the tree
    and the unit's letterhead data say on the document's date; the number "Số: …/<kind>-<unit
    abbreviation>" when the document has one (`kind`: BB minutes, DS list, QĐ decision); place
    and date."""
    day = day or timezone.localdate()
    return {
        "issuer": unit,
        "issuer_name": unit.name,
        "governing": governing_line(unit, day),
        "number": number,
        "number_suffix": number_suffix(kind, unit) if kind else "",
        "place": place_of(unit),
        "day": day,
    }
