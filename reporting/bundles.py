"""Dossier bundles: a ZIP of report PDFs, evidence files and the unit's lists, built by a Celery
task (reporting.tasks.build_bundle) with progress the page polls, stored privately, downloaded
only by those allowed, and written into each dossier's timeline."""

import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from nominations.enums import EventKind, State
from nominations.models import NominationEvent
from nominations.selectors import nominations_visible_to
from units.selectors import membership_paths

from . import printing
from .documents import render_pdf
from .models import Export, ExportStatus


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
    from .tasks import build_bundle

    transaction.on_commit(lambda: build_bundle.delay(export_id=export.pk))
    return export


def _folder(nomination) -> str:
    return (
        f"{slugify(nomination.nominating_unit.code)}/{nomination.pk}-{slugify(nomination.nominee)}"
    )


def _evidence_name(evidence) -> str:
    """A flat, plain name inside the dossier's folder, whatever the uploader called the file."""
    name = PurePosixPath(evidence.original_name.replace("\\", "/"))
    return f"{evidence.pk}-{slugify(name.stem) or 'tep'}{name.suffix.lower()}"


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
        status=ExportStatus.RUNNING, total=len(nominations), progress=0
    )
    with tempfile.TemporaryFile() as spool:  # on disk: a round's evidence can be large
        _write_zip(spool, export, nominations)
        subject = export.nomination or export.unit
        export.name = f"goi-ho-so-{slugify(subject if export.nomination_id else subject.code)}.zip"
        export.file.save(export.name, File(spool), save=False)
    export.status, export.progress, export.total = (
        ExportStatus.DONE,
        len(nominations),
        len(nominations),
    )
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "name", "status", "progress", "total", "finished_at"])
    NominationEvent.objects.bulk_create(
        [
            NominationEvent(
                nomination=n,
                actor=export.requested_by,
                kind=EventKind.EXPORTED,
                data={"bundle": export.pk},
            )
            for n in nominations
        ]
    )
    return export


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
            Export.objects.filter(pk=export.pk).update(progress=done)


def may_download(user, export: Export) -> bool:
    """The requester, if they may still see what it holds."""
    if export.requested_by_id != user.pk or export.status != ExportStatus.DONE:
        return False
    if export.nomination_id:
        return nominations_visible_to(user, pk=export.nomination_id).exists()
    return member_of(user, export.unit)
