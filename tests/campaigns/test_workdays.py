"""The holiday calendar (data, prefilled from the Labour Code and the lunar calendar, edited by
the administrator) and the windows computed in working or calendar days."""

import datetime

import pytest

from campaigns.enums import DayCount, HolidayKind
from campaigns.models import Holiday
from campaigns.services import holidays_prefill
from campaigns.workdays import days_between, describe_days, window_end

D = datetime.date
pytestmark = pytest.mark.django_db


def test_the_calendar_is_prefilled_for_2024_to_2027_with_its_legal_basis():
    years = {d.year for d in Holiday.objects.values_list("date", flat=True)}
    assert {2024, 2025, 2026, 2027} <= years
    # Tết of the lunar calendar (Vietnamese reckoning): mùng 1 Tết Ất Tỵ is 29/1/2025.
    tet = Holiday.objects.get(date=D(2025, 1, 29))
    assert tet.kind == HolidayKind.LUNAR
    assert "Điều 112" in tet.legal_basis
    # The Hùng Kings' day, 10/3 lunar: Sunday 26/4/2026, so the next working day is off too.
    assert Holiday.objects.get(date=D(2026, 4, 26)).kind == HolidayKind.LUNAR
    assert Holiday.objects.get(date=D(2026, 4, 27)).kind == HolidayKind.COMPENSATORY
    for fixed in (D(2027, 1, 1), D(2027, 4, 30), D(2027, 5, 1), D(2027, 9, 2)):
        assert Holiday.objects.get(date=fixed).kind == HolidayKind.FIXED
    # 2024's announced swap: Monday 29/4 off, Saturday 4/5 worked.
    assert Holiday.objects.get(date=D(2024, 4, 29)).is_day_off
    assert not Holiday.objects.get(date=D(2024, 5, 4)).is_day_off
    assert not Holiday.objects.filter(legal_basis="").exists()
    assert not Holiday.objects.filter(is_verified=True).exists()  # to confirm each year


def test_prefilling_again_keeps_the_administrators_edits():
    Holiday.objects.filter(date=D(2026, 9, 1)).update(
        name="Quốc khánh (theo thông báo)", legal_basis="Thông báo 1234/TB-BNV", is_verified=True
    )
    Holiday.objects.filter(date=D(2026, 11, 24)).delete()
    assert holidays_prefill(years=[2026]) == 1  # only the deleted day comes back
    assert Holiday.objects.get(date=D(2026, 9, 1)).legal_basis == "Thông báo 1234/TB-BNV"
    assert holidays_prefill(years=[2028]) > 8
    assert Holiday.objects.filter(date=D(2028, 1, 1)).exists()


def test_working_day_windows_follow_the_calendar_and_its_edits():
    # Tết 2026: 16-20/2 (Monday-Friday) are off, so a window from 13/2 (Friday) holds 13/2 and
    # then starts again on 23/2.
    assert window_end(D(2026, 2, 13), 2, DayCount.WORKING) == D(2026, 2, 23)
    assert window_end(D(2026, 2, 13), 2, DayCount.CALENDAR) == D(2026, 2, 14)
    # A window that opens on a Saturday counts from Monday.
    assert window_end(D(2026, 3, 14), 1, DayCount.WORKING) == D(2026, 3, 16)
    # The administrator enters an announced day off, and a worked Saturday.
    Holiday.objects.create(
        date=D(2026, 3, 17), name="Nghỉ", kind=HolidayKind.ANNOUNCED, legal_basis="TB"
    )
    assert window_end(D(2026, 3, 16), 2, DayCount.WORKING) == D(2026, 3, 18)
    Holiday.objects.create(
        date=D(2026, 3, 21),
        name="Làm bù",
        kind=HolidayKind.SWAPPED_WORKDAY,
        legal_basis="TB",
        is_day_off=False,
    )
    assert window_end(D(2026, 3, 20), 2, DayCount.WORKING) == D(2026, 3, 21)


def test_days_between_counts_working_days_for_reminders():
    assert days_between(D(2026, 3, 13), D(2026, 3, 16), DayCount.CALENDAR) == 3
    assert days_between(D(2026, 3, 13), D(2026, 3, 16), DayCount.WORKING) == 1
    assert days_between(D(2026, 3, 16), D(2026, 3, 13), DayCount.WORKING) == -1
    assert days_between(D(2026, 4, 24), D(2026, 5, 4), DayCount.WORKING) == 3  # 28, 29/4, 4/5


def test_every_window_says_how_it_counts():
    assert describe_days(10, DayCount.WORKING) == "10 ngày làm việc"
    assert describe_days(9, DayCount.CALENDAR) == "9 ngày"


def test_quarterly_deadlines_step_up_in_the_campaigns_days():
    from campaigns.services import quarterly_plan

    def plan(day_count):
        [quarter] = quarterly_plan(
            year=2026,
            deadline_day=24,
            levels=["school", "commune", "province"],
            gap_days=3,
            quarters=[1],
            day_count=day_count,
        )
        return list(quarter["deadlines"].values())

    # Friday 24/4/2026; in working days 27/4 (Hùng Kings' day taken), 30/4 and 1/5 are skipped.
    assert plan(DayCount.CALENDAR) == [D(2026, 4, 24), D(2026, 4, 27), D(2026, 4, 30)]
    assert plan(DayCount.WORKING) == [D(2026, 4, 24), D(2026, 5, 4), D(2026, 5, 7)]
