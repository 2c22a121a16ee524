"""django-import-export widgets that speak the spreadsheets Vietnamese offices actually keep:
dd/mm/yyyy dates (or real Excel dates), choices written as labels or codes, numbers that are
really text (phone numbers lose their leading zero when Excel stores them as numbers)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export.widgets import Widget

from .text import clean_text
from .validators import validate_date, validate_year

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")
MAX_DIGITS = 15  # integer digits a number cell may have


class TextWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return clean_text(str(value))

    def render(self, value, obj=None, **kwargs):
        return value or ""


class PhoneWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        was_number = isinstance(value, int | float)
        text = super().clean(value, row, **kwargs)
        # Excel turned "0905123456" into the number 905123456: give the zero back.
        if was_number and text and not text.startswith("0"):
            text = "0" + text
        return text


class VietnameseDateWidget(Widget):
    """A date cell; with `kind` ("birth", "record", "event") it must also fall in that kind's
    window (core.validators.date_bounds), as on the forms."""

    def __init__(self, *, kind: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind

    def clean(self, value, row=None, **kwargs):
        day = self._parse(value)
        if day is not None and self.kind is not None:
            try:
                validate_date(day, self.kind)
            except ValidationError as exc:
                raise ValueError(" ".join(exc.messages)) from exc
        return day

    def _parse(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = clean_text(str(value))
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date)
            except ValueError:
                continue
        raise ValueError(
            _("Ngày “%(value)s” không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/09/2025.")
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class ChoiceWidget(Widget):
    """Accepts a choice's code or its label (Vietnamese or the current language), any case."""

    def __init__(self, choices, *, required: bool = False, aliases=None, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.required = required
        self.aliases = aliases or {}  # other spellings people type, e.g. "Trường" for a school

    def _lookup(self):
        # Built once per widget and UI language: a 10,000-row sheet asks it 10,000 times.
        language = translation.get_language()
        cache = self.__dict__.setdefault("_tables", {})
        if language not in cache:
            cache[language] = self._build_lookup()
        return cache[language]

    def _build_lookup(self):
        table = {}
        with translation.override("vi"):
            for code, label in self.choices.choices:
                table[str(code).casefold()] = code
                table[str(label).casefold()] = code
        for code, label in self.choices.choices:
            table.setdefault(str(label).casefold(), code)
        for alias, code in self.aliases.items():
            table.setdefault(alias.casefold(), code)
        return table

    def clean(self, value, row=None, **kwargs):
        text = clean_text(str(value)) if value is not None else ""
        if not text:
            if self.required:
                raise ValueError(_("Ô này không được để trống."))
            return ""
        code = self._lookup().get(text.casefold())
        if code is None:
            with translation.override("vi"):
                allowed = ", ".join(str(label) for _code, label in self.choices.choices)
            raise ValueError(
                _("Giá trị “%(value)s” không hợp lệ; hãy chọn một trong: %(allowed)s.")
                % {"value": text, "allowed": allowed}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        with translation.override("vi"):
            return str(self.choices(value).label)


class NumberWidget(Widget):
    """Decimal numbers written either way: "7,5" (Vietnamese) or "7.5"; empty means None."""

    def __init__(self, *, integer: bool = False, required: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.integer = integer
        self.required = required

    def clean(self, value, row=None, **kwargs):
        from decimal import Decimal, InvalidOperation

        if value in (None, ""):
            if self.required:
                raise ValueError(_("Ô này không được để trống."))
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            text = clean_text(str(value)).replace(" ", "")
            text = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
            try:
                number = Decimal(text)
            except InvalidOperation as exc:
                raise ValueError(_("“%(value)s” không phải là số.") % {"value": value}) from exc
        # "NaN", "Infinity" and "1e999999999" parse as decimals; the last would take hours to
        # turn into an int. No column of ours holds a number that large.
        if not number.is_finite() or number.adjusted() >= MAX_DIGITS:
            raise ValueError(_("“%(value)s” không phải là số hợp lệ.") % {"value": value})
        if self.integer:
            if number != number.to_integral_value():
                raise ValueError(_("“%(value)s” phải là số nguyên.") % {"value": value})
            return int(number)
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(Widget):
    YES = {"có", "x", "1", "true", "yes", "c", "đúng"}
    NO = {"", "không", "0", "false", "no", "k", "sai"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = clean_text(str(value or "")).casefold()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(
            _("“%(value)s” không hợp lệ; hãy ghi “Có” hoặc để trống.") % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        return "Có" if value else ""


class YearWidget(NumberWidget):
    """A year cell within the years of a kind's window (core.validators.year_bounds)."""

    def __init__(self, *, kind: str, **kwargs):
        super().__init__(integer=True, **kwargs)
        self.kind = kind

    def clean(self, value, row=None, **kwargs):
        year = super().clean(value, row, **kwargs)
        try:
            validate_year(year, self.kind)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc
        return year
