"""Celery entry points of the nominations app: thin, named, primitive arguments."""

from celery import shared_task

from . import reminders


@shared_task(name="nominations.send_reminders")
def send_reminders() -> int:
    """The periodic sweep (beat, every five minutes): reminders, overdue notices, digests."""
    return reminders.sweep().written
