"""`{{ n|days_label:kind }}` → "10 ngày làm việc" / "9 ngày" (campaigns.workdays.describe_days)."""

from django import template

from ..enums import DayCount
from ..workdays import describe_days

register = template.Library()


@register.filter
def days_label(days, day_count=DayCount.CALENDAR):
    if days in (None, ""):
        return ""
    return describe_days(int(days), day_count or DayCount.CALENDAR)
