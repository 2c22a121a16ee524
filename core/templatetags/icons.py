"""`{% icon "bell" %}`: a Bootstrap Icons symbol from the sprite shipped in
static/vendor/bootstrap-icons/ (no icon font, nothing from outside, nothing inline that a strict
CSP would block). Decorative: the link or button around it carries the accessible name."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

SPRITE = "vendor/bootstrap-icons/bootstrap-icons.svg"


@register.simple_tag
def icon(name: str, extra_class: str = "") -> str:
    classes = f"bi {extra_class}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classes,
        static(SPRITE),
        name,
    )
