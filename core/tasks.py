"""Celery entry points of the shared pieces: thin, they call a service."""

import logging

from celery import shared_task

from . import imports
from .idempotency import form_tokens_purge

logger = logging.getLogger(__name__)


@shared_task(name="core.purge_form_tokens")
def purge_form_tokens() -> int:
    return form_tokens_purge()


@shared_task(name="core.run_import_job", acks_late=True)
def run_import_job(*, job_id: int) -> None:
    # acks_late: a task whose worker died mid-way comes back; the claim lets it run again only
    # once the first worker has gone silent, never beside it. The import is one transaction, so
    # a killed worker left nothing half-imported.
    job = imports.import_claim(job_id)
    if job is None:
        return
    try:
        imports.import_run(job)
    except Exception:
        logger.exception("import %s failed", job_id)
        imports.import_fail(job_id)
        raise


@shared_task(name="core.requeue_imports")
def requeue_imports() -> int:
    ids = imports.imports_due()
    imports.import_enqueue(ids)
    return len(ids)
