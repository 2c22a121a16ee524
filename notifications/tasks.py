"""Celery entry points of the outbox: thin, named, primitive arguments."""

from celery import shared_task

from . import services


@shared_task(name="notifications.deliver", acks_late=True)
def deliver(*, delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        services.deliver_one(delivery_id)


@shared_task(name="notifications.requeue")
def requeue() -> int:
    return services.requeue_due()
