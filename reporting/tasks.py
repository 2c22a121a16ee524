"""Celery entry points of the reporting app: thin, named, primitive arguments."""

import logging

from celery import shared_task
from celery.signals import worker_ready

from . import bundles, large_prints
from .documents import sweep_font_folders
from .models import ExportKind

logger = logging.getLogger(__name__)


@shared_task(name="reporting.build_bundle", acks_late=True)
def build_bundle(*, export_id: int) -> None:
    # With acks_late a task whose worker died mid-way comes back; the claim lets it rebuild only
    # once the first builder has gone silent, never beside it.
    export = bundles.bundle_claim(export_id)
    if export is None:
        return
    build = large_prints.print_build if export.kind == ExportKind.DOCUMENT else bundles.bundle_build
    try:
        build(export)
    except Exception as exc:
        logger.exception("export %s failed", export_id)
        bundles.bundle_fail(export_id, error=str(exc))
        raise


@shared_task(name="reporting.requeue_bundles")
def requeue_bundles() -> int:
    ids = bundles.bundles_due()
    bundles.bundle_enqueue(ids)
    return len(ids)


@worker_ready.connect
def sweep_font_folders_on_start(**kwargs) -> None:
    # A worker starting again is often one that was killed mid-render: its folders go first.
    sweep_font_folders()
