from django import template
from django.utils.safestring import mark_safe

from nominations.text import sanitise_summary

register = template.Library()


@register.filter
def summary_html(value):
    """Sanitised on save and again on output: stored HTML is never trusted as it is."""
    return mark_safe(sanitise_summary(value))  # noqa: S308 (nh3 output)


@register.filter
def is_web_link(value) -> bool:
    """Only http(s) links become links: the form checks it, but stored data is not trusted (a
    javascript: URL in an href runs when clicked)."""
    return str(value).lower().startswith(("http://", "https://"))
