"""Writing to the outbox and delivering from it.

`notify()` is called inside the transaction of the event (a transition, a sweep): if that rolls
back, no message exists. Deliveries are queued to Celery only once the transaction has committed,
and if the broker is down then, nothing is lost: `requeue_due()` (beat, every few minutes) queues
every delivery still pending. A delivery is claimed before it is sent, so it goes out once."""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.audit import audit
from units.models import User

from . import channels, kinds
from .models import Delivery, DeliveryStatus, Message, Preference
from .selectors import in_doubt_q

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BATCH = 500


@dataclass(frozen=True)
class Notice:
    """A message to write, once per `key`. `kind` is a code its caller registered (kinds.py)."""

    key: str
    recipient_id: int
    kind: str
    subject: str
    body: str
    url: str = ""


def unwritten(notices: list[Notice], *, scope: str = "") -> list[Notice]:
    """The notices whose key has no message yet (each key once)."""
    notices = list({d.key: d for d in notices}.values())
    if not notices:
        return []
    written = (
        Message.objects.filter(key__startswith=scope)
        if scope
        else Message.objects.filter(key__in=[d.key for d in notices])
    )
    keys = set(written.values_list("key", flat=True))
    return [d for d in notices if d.key not in keys]


def notify(notices: list[Notice], *, scope: str = "") -> list[Message]:
    """Write the messages not written yet (by key) and a delivery per channel that reaches the
    recipient. `scope`, a key prefix shared by all the notices, finds the written ones in one
    query however many there are (the sweep uses it)."""
    unknown = {n.kind for n in notices if not kinds.is_registered(n.kind)}
    if unknown:
        raise ValueError(f"notice kinds nobody registered: {sorted(unknown)}")
    fresh = unwritten(notices, scope=scope)
    if not fresh:
        return []
    messages = Message.objects.bulk_create(
        [
            Message(
                key=d.key,
                recipient_id=d.recipient_id,
                kind=d.kind,
                subject=d.subject[:255],
                body=d.body,
                url=d.url,
            )
            for d in fresh
        ],
        batch_size=1000,
    )
    users = User.objects.in_bulk({d.recipient_id for d in fresh})
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(message=message, channel=channel.name)
            for message in messages
            for channel in channels.enabled()
            if channel.reaches(users[message.recipient_id])
        ],
        batch_size=1000,
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: enqueue(ids), robust=True)
    return messages


def enqueue(ids: list[int]) -> None:
    """Hand deliveries to Celery in batches. If the broker does not answer they stay pending
    and the periodic requeue picks them up."""
    from .tasks import deliver

    for start in range(0, len(ids), BATCH):
        try:
            deliver.delay(delivery_ids=ids[start : start + BATCH])
        except Exception:  # the broker is down: the outbox keeps them
            logger.warning("broker unavailable; %s deliveries wait for the requeue", len(ids))
            return


def deliver_one(delivery_id: int, *, now=None) -> str:
    """Claim, send, record. Returns the status it ends in (or '' if someone else had it)."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return ""
    delivery = Delivery.objects.select_related("message__recipient").get(pk=delivery_id)
    try:
        channels.get(delivery.channel).send(delivery.message)
    except Exception as exc:
        gave_up = delivery.attempts >= MAX_ATTEMPTS
        delivery.status = DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        # Backoff: 1, 2, 4, 8, 16 minutes.
        delivery.next_attempt_at = now + datetime.timedelta(minutes=2 ** (delivery.attempts - 1))
        logger.warning("delivery %s failed (attempt %s): %s", delivery_id, delivery.attempts, exc)
    else:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, now, ""
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "sent_at"])
    return delivery.status


def requeue_due(*, now=None) -> int:
    """Queue every pending delivery whose time has come (new ones the broker missed, and
    retries after their backoff)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:50_000]
    )
    enqueue(ids)
    return len(ids)


def resend(deliveries, *, actor, now=None) -> int:
    """An admin sends again what failed or what a dead worker left in doubt. A delivery being
    sent right now (sending, but not yet for DELIVERY_IN_DOUBT_MINUTES) is left alone: its
    worker may still finish, and sending it again could send it twice."""
    ids = list(
        deliveries.filter(Q(status=DeliveryStatus.FAILED) | in_doubt_q(now)).values_list(
            "pk", flat=True
        )
    )
    Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.PENDING, next_attempt_at=None)
    audit(actor=actor, action="notification.resend", deliveries=ids)
    transaction.on_commit(lambda: enqueue(ids), robust=True)
    return len(ids)


def mark_sent(deliveries, *, actor, now=None) -> int:
    """An admin who learnt that deliveries in doubt did arrive (the mail server's log, the
    recipient) records them as sent, so nobody sends them again."""
    now = now or timezone.now()
    ids = list(deliveries.filter(in_doubt_q(now)).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.SENT, sent_at=now, last_error=""
    )
    audit(actor=actor, action="notification.mark_sent", deliveries=ids)
    return len(ids)


def mark_read(*, user, ids=None) -> int:
    messages = Message.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        messages = messages.filter(pk__in=ids)
    return messages.update(read_at=timezone.now())


def set_weekly_digest(*, user, on: bool) -> None:
    Preference.objects.update_or_create(user=user, defaults={"weekly_digest": on})
