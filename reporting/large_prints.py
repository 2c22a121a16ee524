"""Printed documents too large to render inside a web request. A view renders the HTML (cheap:
the template, a few queries), weighs it, and either converts it to PDF at once or stores it as a
document `Export` that the bundle task turns into a PDF while the user watches the bundle
progress page: the same model, claim, requeue, page and download as the dossier bundles."""

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StillRendering

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .bundles import bundle_enqueue
from .documents import html_to_pdf
from .models import Export, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

# Photos travel inside the HTML as data: URIs: long, but a picture costs WeasyPrint next to
# nothing to place, so they do not count towards the weight.
DATA_URI = re.compile(r"data:[^\"'\s)]*")


def print_weight(html: str) -> int:
    """What a render costs, measured before it: the characters WeasyPrint has to lay out."""
    return len(html) - sum(len(match) for match in DATA_URI.findall(html))


def renders_inline(html: str) -> bool:
    return print_weight(html) <= settings.PDF_INLINE_MAX_CHARS


@transaction.atomic
def print_request(*, actor, html: str, name: str, nomination=None) -> Export:
    """Store the document to be rendered by a worker once this transaction commits. The
    caller checked `actor`'s right to it; `nomination`, for a dossier's report, lets the
    download check that right again."""
    export = Export(
        kind=ExportKind.DOCUMENT, requested_by=actor, nomination=nomination, name=name, total=1
    )
    export.source.save(f"{name}.html", ContentFile(html.encode()), save=False)
    export.save()
    transaction.on_commit(lambda: bundle_enqueue([export.pk]), robust=True)
    return export


def print_build(export: Export) -> Export:
    """Render the stored HTML to the export's PDF. WeasyPrint reports no progress, so the claim
    is renewed from here while it works in a thread: a long render is not taken for a dead one."""
    with export.source.open("rb") as handle:
        html = handle.read().decode()
    heartbeat = max(settings.BUNDLE_STALE_SECONDS / 4, 1)
    with ThreadPoolExecutor(max_workers=1) as pool:
        rendering = pool.submit(html_to_pdf, html)
        while True:
            try:
                pdf = rendering.result(timeout=heartbeat)
                break
            except StillRendering:
                Export.objects.filter(pk=export.pk).update(claimed_at=timezone.now())
    export.file.save(export.name, ContentFile(pdf), save=False)
    export.source.delete(save=False)
    export.status, export.progress, export.finished_at = ExportStatus.DONE, 1, timezone.now()
    export.save(update_fields=["file", "source", "status", "progress", "finished_at"])
    return export
