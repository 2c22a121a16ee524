"""Dossier bundles: a ZIP of report PDFs, evidence files and the unit's lists, built by a Celery
task (reporting.tasks.build_bundle) with progress the page polls, stored privately, downloaded
only by those allowed, and written into each dossier's timeline."""

import datetime
import logging
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.text import file_slug
from nominations.enums import State
from nominations.selectors import nominations_visible_to
from nominations.services import record_bundled
from units.selectors import membership_paths

from . import printing
from .documents import render_pdf
from .models import Export, ExportKind, ExportStatus

logger = logging.getLogger(__name__)


def _stale() -> datetime.timedelta:
    """A builder renews its claim after every dossier (a few seconds at most); one silent for
    BUNDLE_STALE_SECONDS has died (killed worker, lost machine), and its bundle may be rebuilt."""
    return datetime.timedelta(seconds=settings.BUNDLE_STALE_SECONDS)


def member_of(user, unit) -> bool:
    """Prints and bundles of a unit's own papers: for its members (not those above or below)."""
    return user.is_superuser or unit.path in membership_paths(user)


def bundle_nominations(export: Export):
    """What the requester may see of it: rights lost since the request are not built in."""
    visible = nominations_visible_to(export.requested_by)
    if export.nomination_id:
        return visible.filter(pk=export.nomination_id)
    return (
        visible.filter(round=export.round, nominating_unit__path__startswith=export.unit.path)
        .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
        .order_by("nominating_unit__path", "pk")
    )


@transaction.atomic
def bundle_request(*, actor, nomination=None, unit=None, round_=None) -> Export:
    """Ask for a bundle; the work happens in a Celery task once this transaction commits."""
    if nomination is not None:
        if not nominations_visible_to(actor, pk=nomination.pk).exists():
            raise PermissionDenied
    elif not member_of(actor, unit):
        raise PermissionDenied
    export = Export.objects.create(
        requested_by=actor, nomination=nomination, unit=unit, round=round_
    )
    transaction.on_commit(lambda: bundle_enqueue([export.pk]), robust=True)
    return export


def bundle_enqueue(ids: list[int]) -> None:
    """Queue the builds. With the broker down the exports stay pending and the periodic
    `reporting.requeue_bundles` queues them later: asking for a bundle never fails for that."""
    from .tasks import build_bundle

    for pk in ids:
        try:
            build_bundle.delay(export_id=pk)
        except Exception:
            logger.warning("broker unavailable; bundle %s waits for the requeue", pk)
            return


def bundle_claim(export_id: int, *, now=None) -> Export | None:
    """Take a bundle to build, atomically: a pending one, or a running one whose builder has
    gone silent. None if it is done, failed, gone, or being built right now by another worker
    (a task Celery handed out twice must not build it twice)."""
    now = now or timezone.now()
    claimable = Q(status=ExportStatus.PENDING) | Q(
        status=ExportStatus.RUNNING, claimed_at__lt=now - _stale()
    )
    if not Export.objects.filter(claimable, pk=export_id).update(
        status=ExportStatus.RUNNING, claimed_at=now
    ):
        return None
    return Export.objects.get(pk=export_id)


def bundles_due(*, now=None) -> list[int]:
    """What the periodic requeue queues again: pending a minute after being asked for (the
    broker was down), or running with a silent builder."""
    now = now or timezone.now()
    return list(
        Export.objects.filter(
            Q(status=ExportStatus.PENDING, created_at__lt=now - datetime.timedelta(minutes=1))
            | Q(status=ExportStatus.RUNNING, claimed_at__lt=now - _stale())
        ).values_list("pk", flat=True)
    )


def _folder(nomination) -> str:
    unit, nominee = file_slug(nomination.nominating_unit.code), file_slug(nomination.nominee)
    return f"{unit}/{nomination.pk}-{nominee}"


def _evidence_name(evidence) -> str:
    """A flat, plain name inside the dossier's folder, whatever the uploader called the file."""
    name = PurePosixPath(evidence.original_name.replace("\\", "/"))
    return f"{evidence.pk}-{file_slug(name.stem) or 'tep'}{name.suffix.lower()}"


def bundle_build(export: Export) -> Export:
    """Write the ZIP, reporting progress after every dossier."""
    nominations = list(
        bundle_nominations(export)
        .select_related(
            "campaign",
            "round",
            "title",
            "nominee_person__unit",
            "nominee_unit",
            "nominating_unit",
            "current_unit",
            "deciding_unit",
            "decision",
        )
        .prefetch_related("evidence")
    )
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, total=len(nominations), progress=0, claimed_at=timezone.now()
    )
    with tempfile.TemporaryFile() as spool:  # on disk: a round's evidence can be large
        _write_zip(spool, export, nominations)
        subject = export.nomination or export.unit
        export.name = (
            f"goi-ho-so-{file_slug(subject if export.nomination_id else subject.code)}.zip"
        )
        export.file.save(export.name, File(spool), save=False)
    export.status, export.progress, export.total = (
        ExportStatus.DONE,
        len(nominations),
        len(nominations),
    )
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "name", "status", "progress", "total", "finished_at"])
    record_bundled(actor=export.requested_by, nominations=nominations, bundle_id=export.pk)
    return export


def bundle_fail(export_id: int, *, error: str) -> None:
    """A build that raised: its page shows the failure (a finished build is never overridden)."""
    Export.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FAILED, error=error[:2000]
    )


def _write_zip(spool, export: Export, nominations) -> None:
    # PDFs and photos are compressed already; deflating them again costs time for nothing.
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_STORED) as archive:
        if export.unit_id:
            for kind in printing.LIST_HEADINGS:
                template, context, name = printing.unit_list_document(
                    export.round, export.unit, kind
                )
                archive.writestr(name, render_pdf(template, context))
        for done, nomination in enumerate(nominations, 1):
            folder = _folder(nomination)
            template, context, name = printing.nomination_document(nomination)
            archive.writestr(f"{folder}/{name}", render_pdf(template, context))
            for evidence in nomination.evidence.all():
                entry = f"{folder}/minh-chung/{_evidence_name(evidence)}"
                with evidence.file.open("rb") as source, archive.open(entry, "w") as target:
                    shutil.copyfileobj(source, target)
            Export.objects.filter(pk=export.pk).update(progress=done, claimed_at=timezone.now())


def may_download(user, export: Export) -> bool:
    """The requester, if they may still see what it holds."""
    if export.requested_by_id != user.pk or export.status != ExportStatus.DONE:
        return False
    if export.nomination_id:
        return nominations_visible_to(user, pk=export.nomination_id).exists()
    if export.kind == ExportKind.DOCUMENT:
        # Its view checked the right a moment before; only its requester ever sees it.
        return True
    return member_of(user, export.unit)
