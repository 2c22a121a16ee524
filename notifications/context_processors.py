from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def bell(request):
    """The unread count for the bell in the navigation (one query, only if a page shows it)."""
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request.user))}
