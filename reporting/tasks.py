"""Celery entry points of the reporting app: thin, named, primitive arguments."""

import logging

from celery import shared_task

from .models import Export, ExportStatus

logger = logging.getLogger(__name__)


@shared_task(name="reporting.build_bundle", acks_late=True)
def build_bundle(*, export_id: int) -> None:
    from .bundles import bundle_build

    # Running too: with acks_late a task whose worker died mid-way comes back, and rebuilds.
    export = Export.objects.filter(
        pk=export_id, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]
    ).first()
    if export is None:  # gone, or already built
        return
    try:
        bundle_build(export)
    except Exception as exc:
        logger.exception("bundle %s failed", export_id)
        Export.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=str(exc)[:2000]
        )
        raise
