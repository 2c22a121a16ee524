"""Template helpers for hand-written forms (those without a Form class)."""

import uuid

from django import template
from django.utils.html import format_html

from core.idempotency import TOKEN_FIELD

register = template.Library()


@register.simple_tag
def form_token(prefix=""):
    """The one-time token of a form that creates something (core.idempotency)."""
    return format_html(
        '<input type="hidden" name="{}{}" value="{}">', prefix, TOKEN_FIELD, uuid.uuid4()
    )
