from django.db.models import QuerySet

from .models import Message, Preference


def inbox(user) -> QuerySet[Message]:
    return Message.objects.filter(recipient=user)


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def wants_weekly_digest(user) -> bool:
    return Preference.objects.filter(user=user, weekly_digest=True).exists()
