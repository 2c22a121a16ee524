import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Delivery, DeliveryStatus, Message, Preference


def inbox(user) -> QuerySet[Message]:
    return Message.objects.filter(recipient=user)


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def wants_weekly_digest(user) -> bool:
    return Preference.objects.filter(user=user, weekly_digest=True).exists()


def in_doubt_since(now=None) -> datetime.datetime:
    """Deliveries claimed before this and still "sending" lost their worker."""
    now = now or timezone.now()
    return now - datetime.timedelta(minutes=settings.DELIVERY_IN_DOUBT_MINUTES)


def in_doubt_q(now=None) -> Q:
    return Q(status=DeliveryStatus.SENDING, claimed_at__lt=in_doubt_since(now))


def deliveries_in_doubt(now=None) -> QuerySet[Delivery]:
    """Deliveries whose worker died while sending: the mail may or may not have left."""
    return Delivery.objects.filter(in_doubt_q(now))
