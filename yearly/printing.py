"""The printed implementation report: (template, context, file name) for the renderer, in the
official layout of the other documents (templates/reporting/base_print.html)."""

from types import SimpleNamespace

from core.text import file_slug
from reporting.documents import place_of
from units.letterhead import governing_line

from .models import ImplementationReport
from .selectors import ReportView, report_view


def report_document(report: ImplementationReport, *, live: bool):
    """The working copy (marked as a draft) or the report as last sent, frozen. Render it under
    `translation.override("vi")`: the labels of codes are lazy, and the form is Vietnamese."""
    view: ReportView = report_view(report, live=live)
    place = place_of(report.unit) if view.live else report.snapshot.get("place", "")
    context = {
        "issuer": SimpleNamespace(name=view.issuer),
        "issuer_parent": SimpleNamespace(name=view.issuer_parent) if view.issuer_parent else None,
        # the header's first line: the unit's governing body (a report sent before the
        # letterhead data existed kept only its parent, which then stands in)
        "governing": governing_line(report.unit, view.day)
        if view.live
        else report.snapshot.get("governing", view.issuer_parent),
        "number": view.number,
        "place": place,
        "day": view.day,
        "doc_title": f"Báo cáo năm học {report.school_year} - {view.issuer}",
        "report": report,
        "view": view,
        "figures": view.figures,
        "sections": view.sections,
        # "Nơi nhận" (Decree 30/2020): the unit asked, then the unit's own archive.
        "recipients": [f"{view.issuer_parent};"] * bool(view.issuer_parent) + ["Lưu: VT."],
    }
    name = "-".join(
        file_slug(p) or "x"
        for p in ("bao-cao-nam-hoc", report.year, report.unit.code, "du-thao" if view.live else "")
        if p != ""
    )
    return "yearly/implementation_report.html", context, f"{name}.pdf"
