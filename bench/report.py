"""The individual achievement report, end to end (request, permission, queries, template, PDF)
against WeasyPrint alone on the saved HTML of the same report."""

import io

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from nominations.models import Nomination
from reporting import printing
from reporting.documents import html_to_pdf, render_html

from . import scenario
from .harness import counting_queries, interleaved, require, rounded

PAGES = 3


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def three_page_dossier() -> Nomination:
    """The shortest summary that makes the report three pages long."""
    for paragraphs in range(2, 40, 2):
        nomination = scenario.dossiers(1, paragraphs=paragraphs)[0]
        template, context, _name = printing.nomination_document(nomination)
        pages = pages_of(html_to_pdf(render_html(template, context)))
        if pages == PAGES:
            return nomination
        if pages > PAGES:
            break
    raise RuntimeError(f"no summary length gives a {PAGES}-page report")


def run(*, repeat: int) -> dict:
    nomination = three_page_dossier()
    client = Client(HTTP_HOST="localhost")
    client.force_login(scenario.nominator())
    url = reverse("reporting:nomination_report", args=[nomination.pk])

    def end_to_end():
        response = client.get(url)
        require(response.status_code == 200, f"status {response.status_code}")
        return response.content

    pdf = end_to_end()  # warm: templates compiled, fonts loaded
    template, context, _name = printing.nomination_document(
        Nomination.objects.get(pk=nomination.pk)
    )
    html = render_html(template, context)
    html_to_pdf(html)
    with counting_queries() as queries:
        end_to_end()
    full, floor = interleaved(end_to_end, lambda: html_to_pdf(html), repeat=repeat)
    pages = pages_of(pdf)
    return {
        "pages": pages,
        "repeat": repeat,
        "queries_per_report": queries[0],
        "end_to_end_median_s": rounded(full),
        "weasyprint_alone_median_s": rounded(floor),
        "overhead_ratio": rounded(full / floor, 3),
        "end_to_end_per_page_s": rounded(full / pages),
    }
