"""Celery entry points of the shared pieces: thin, they call a service."""

from celery import shared_task

from .idempotency import form_tokens_purge


@shared_task(name="core.purge_form_tokens")
def purge_form_tokens() -> int:
    return form_tokens_purge()
