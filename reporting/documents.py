"""Printed documents: Django templates in the Vietnamese administrative layout (Decree 30/2020),
rendered to A4 PDF by WeasyPrint with the Liberation Serif fonts shipped in static/fonts, so every
diacritic prints the same on every server.

WeasyPrint fetches nothing from the network: `_fetcher` serves our own fonts and stylesheet from
static/ and refuses every other URL, and photos are embedded as data URIs. User text reaches the
templates escaped (the achievement summary is nh3-sanitised HTML).
"""

import base64
import datetime
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from units.enums import UnitLevel
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

    return HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_fetcher()).write_pdf()


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template, context))


def data_uri(field_file, content_type="image/jpeg") -> str:
    """An image embedded in the document, so the renderer needs no file access."""
    if not field_file:
        return ""
    with field_file.open("rb") as handle:
        return f"data:{content_type};base64,{base64.b64encode(handle.read()).decode()}"


PROVINCE_PREFIXES = ("Sở Giáo dục và Đào tạo ", "Sở GDĐT ")


def place_of(unit: Unit) -> str:
    """The place in the date line ("Đà Nẵng, ngày …"): the unit's province, else Hà Nội."""
    chain = [*Unit.objects.get_ancestors(unit), unit]
    province = next((u for u in reversed(chain) if u.level == UnitLevel.PROVINCE), None)
    if province is None:
        return "Hà Nội"
    name = province.name
    for prefix in PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def header(unit: Unit, *, day: datetime.date | None = None, number: str = "") -> dict:
    """The header block: the issuing unit, its parent, the document number, place and date."""
    parent = Unit.objects.get_parent(unit)
    day = day or timezone.localdate()
    return {
        "issuer": unit,
        "issuer_parent": parent,
        "number": number,
        "place": place_of(unit),
        "day": day,
    }
