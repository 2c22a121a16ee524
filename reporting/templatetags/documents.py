from django import template

register = template.Library()


@register.filter
def vn_dateline(day):
    """Decree 30/2020: a leading zero for days below 10 and for months 1 and 2 only."""
    if not day:
        return "ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@register.filter
def ddmmyyyy(day):
    return day.strftime("%d/%m/%Y") if day else ""
