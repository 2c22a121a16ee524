"""Working days: the holiday calendar (`Holiday` rows, data an administrator edits) and the
windows the portal computes in working or calendar days.

Public servants work Monday to Friday. A day is off when it is a Saturday or Sunday, or has a
`Holiday` row with `is_day_off`; a weekend day with a row whose `is_day_off` is false is worked
(the government's yearly swap, "làm bù"). A year without rows counts weekends only, so the
administrator should prefill a new year (`manage.py prefill_holidays 2028`) and then enter the
government's announcement.

The prefill uses the `holidays` package (python-holidays, "Open World Holidays Framework"):
it is released every few weeks, its Vietnamese calendar computes Tết and the Hùng Kings'
day with a Vietnamese lunisolar table (the Vietnamese calendar is reckoned at UTC+7 and differs
from the Chinese one in some years, e.g. Tết 2007, so a Chinese-calendar library such as
`lunardate` would be wrong there), it names days in Vietnamese and it already carries the
announced swaps of past years. We keep its output as rows with our own legal basis, so an
administrator can correct any of them and nothing depends on the package at request time.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .enums import DayCount, HolidayKind

LABOUR_CODE = "Bộ luật Lao động 2019"
# Legal basis per kind of day; the Labour Code article for each fixed holiday (Art. 112(1)).
_FIXED_BASIS = {
    "New Year's Day": f"{LABOUR_CODE}, Điều 112 khoản 1 điểm a",
    "Liberation Day/Reunification Day": f"{LABOUR_CODE}, Điều 112 khoản 1 điểm c",
    "International Labor Day": f"{LABOUR_CODE}, Điều 112 khoản 1 điểm d",
    "National Day": f"{LABOUR_CODE}, Điều 112 khoản 1 điểm đ (ngày liền kề do Thủ tướng quyết "
    "định hằng năm)",
}
_LUNAR_BASIS = {
    "Hung Kings' Commemoration Day": f"{LABOUR_CODE}, Điều 112 khoản 1 điểm e (10/3 âm lịch)",
    "tet": f"{LABOUR_CODE}, Điều 112 khoản 1 điểm b (05 ngày Tết Âm lịch, Thủ tướng quyết định "
    "cụ thể hằng năm)",
}
COMPENSATORY_BASIS = f"{LABOUR_CODE}, Điều 111 khoản 3 (nghỉ bù ngày làm việc kế tiếp)"
ANNOUNCED_BASIS = "Thông báo nghỉ lễ, tết hằng năm (cần ghi số văn bản)"
_SWAP = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


@dataclass(frozen=True)
class HolidayRow:
    date: datetime.date
    name: str
    kind: str
    legal_basis: str
    is_day_off: bool = True


def computed_holidays(year: int) -> list[HolidayRow]:
    """The days off of `year` as the `holidays` package computes them, with our legal basis;
    and, for each announced swap, the weekend day worked in exchange. Not saved: see
    `services.holidays_prefill`."""
    import holidays  # imported here: only the prefill needs it

    english = holidays.country_holidays("VN", years=year, language="en_US")
    vietnamese = holidays.country_holidays("VN", years=year, language="vi")
    rows = []
    for day in sorted(english):
        en, vi = english[day], vietnamese.get(day, english[day])
        if "(observed)" in en:
            rows.append(HolidayRow(day, vi, HolidayKind.COMPENSATORY, COMPENSATORY_BASIS))
        elif en.startswith("Day off"):
            rows.append(HolidayRow(day, vi, HolidayKind.ANNOUNCED, ANNOUNCED_BASIS))
            match = _SWAP.search(vi)
            if match:
                d, m, y = (int(g) for g in match.groups())
                worked = datetime.date(y, m, d)
                rows.append(
                    HolidayRow(
                        worked,
                        str(_("Làm bù cho ngày nghỉ %(day)s") % {"day": f"{day:%d/%m/%Y}"}),
                        HolidayKind.SWAPPED_WORKDAY,
                        ANNOUNCED_BASIS,
                        is_day_off=False,
                    )
                )
        elif en in _FIXED_BASIS:
            rows.append(HolidayRow(day, vi, HolidayKind.FIXED, _FIXED_BASIS[en]))
        elif en in _LUNAR_BASIS:
            rows.append(HolidayRow(day, vi, HolidayKind.LUNAR, _LUNAR_BASIS[en]))
        elif "Lunar New Year" in en:
            rows.append(HolidayRow(day, vi, HolidayKind.LUNAR, _LUNAR_BASIS["tet"]))
        else:  # a holiday added by a later text (e.g. Vietnam Culture Day, 24/11 from 2026)
            rows.append(HolidayRow(day, vi, HolidayKind.ANNOUNCED, ANNOUNCED_BASIS))
    return rows


class WorkCalendar:
    """The days off between two dates, read in one query; answers day questions in memory."""

    def __init__(self, start: datetime.date, end: datetime.date):
        from .models import Holiday

        self.start, self.end = start, end
        self.rows = dict(
            Holiday.objects.filter(date__range=(start, end)).values_list("date", "is_day_off")
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.rows:
            return not self.rows[day]
        return day.weekday() < 5


def _horizon(days: int) -> datetime.timedelta:
    # Enough calendar days to hold `days` working days even across Tết (9 days off in a row).
    return datetime.timedelta(days=days * 2 + 21)


def window_end(start: datetime.date, days: int, day_count: str) -> datetime.date:
    """The last day of a window of `days` days that begins on `start` (inclusive). In working
    days, the window holds `days` working days; a window that begins on a day off begins
    counting on the next working day."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if day_count == DayCount.CALENDAR:
        return start + datetime.timedelta(days=days - 1)
    calendar = WorkCalendar(start, start + _horizon(days))
    day, counted = start, 0
    while True:
        if day > calendar.end:  # a very unusual calendar: read further
            calendar = WorkCalendar(day, day + _horizon(days))
        if calendar.is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += datetime.timedelta(days=1)


def days_between(
    start: datetime.date, end: datetime.date, day_count: str, calendar: "WorkCalendar" = None
) -> int:
    """Days from `start` to `end`, as a reminder counts them: calendar days, or the working days
    after `start` up to and including `end` (negative when `end` is past). `calendar` may bring
    the days off already read (it must span both dates)."""
    if day_count == DayCount.CALENDAR or end == start:
        return (end - start).days
    if end < start:
        return -days_between(end, start, day_count, calendar)
    if calendar is None or not (calendar.start <= start and end <= calendar.end):
        calendar = WorkCalendar(start, end)
    return sum(
        calendar.is_working_day(start + datetime.timedelta(days=i))
        for i in range(1, (end - start).days + 1)
    )


class DaysLeft:
    """Days left from `today` to deadlines, counted as `day_count`. Give it the deadlines a page
    shows (`days`) and it reads the days off once for all of them; a deadline outside costs one
    more query."""

    def __init__(self, today: datetime.date, day_count: str, days=()):
        self.today, self.day_count, self._memo = today, day_count, {}
        days = [d for d in days if d is not None]
        self.calendar = None
        if day_count == DayCount.WORKING and days:
            self.calendar = WorkCalendar(min(today, *days), max(today, *days))

    def __call__(self, day: datetime.date | None) -> int | None:
        if day is None:
            return None
        if day not in self._memo:
            self._memo[day] = days_between(self.today, day, self.day_count, self.calendar)
        return self._memo[day]


def describe_days(days: int, day_count: str) -> str:
    """ "10 ngày làm việc" or "9 ngày": every window the portal shows says how it counts."""
    if day_count == DayCount.WORKING:
        return ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", days) % {"n": days}
    return ngettext("%(n)s ngày", "%(n)s ngày", days) % {"n": days}
