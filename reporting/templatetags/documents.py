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


@register.filter
def vn_upper(text):
    """Capitals for the header lines and the nominee's name (seed 003: "ghi đầy đủ bằng chữ in
    hoa"). Python's upper() knows every Vietnamese letter (ư → Ư, đ → Đ); done here rather than
    by CSS so the PDF's text layer, which search and our tests read, is in capitals too."""
    return str(text or "").upper()


@register.filter
def money(amount):
    """2340000 → 2.340.000 (đồng)."""
    return f"{int(amount):,}".replace(",", ".") if amount not in (None, "") else ""
