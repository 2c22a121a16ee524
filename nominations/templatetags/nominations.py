import functools

from django import template
from django.utils.safestring import mark_safe

from nominations.models import Nomination
from nominations.summary import sanitise_summary

register = template.Library()


@functools.cache
def _labels(field: str) -> dict:
    return dict(Nomination._meta.get_field(field).flatchoices)  # lazy labels: any language


@register.filter
def label(nomination, field: str):
    """`{{ n|label:"state" }}`: what `n.get_state_display` shows, for the rows of a list.
    Django's `get_FOO_display` rebuilds the dict of every choice at each call (a Sở's queue of
    143 rows spent about 15 ms there)."""
    value = getattr(nomination, field)
    return _labels(field).get(value, value)


@register.filter
def summary_html(value):
    """Sanitised on save and again on output: stored HTML is never trusted as it is."""
    return mark_safe(sanitise_summary(value))  # noqa: S308 (nh3 output)


@register.filter
def is_web_link(value) -> bool:
    """Only http(s) links become links: the form checks it, but stored data is not trusted (a
    javascript: URL in an href runs when clicked)."""
    return str(value).lower().startswith(("http://", "https://"))
