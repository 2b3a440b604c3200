"""Working-day arithmetic for deadlines: Saturdays, Sundays and the holiday calendar are skipped."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

ONE_DAY = datetime.timedelta(days=1)


def is_working_day(day: datetime.date, holidays: set[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: datetime.date, days: int, holidays: Iterable[datetime.date]
) -> datetime.date:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    off = set(holidays)
    day = start
    remaining = days
    while remaining > 0:
        day += ONE_DAY
        if is_working_day(day, off):
            remaining -= 1
    return day


def holidays_between(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    from .models import Holiday

    return set(
        Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )


def add_days(start: datetime.date, days: int, *, working: bool) -> datetime.date:
    """Add calendar or working days, reading the holiday calendar from the database."""
    if not working:
        return start + datetime.timedelta(days=days)
    # Holidays never exceed a few per week, so three times the span always covers the result.
    horizon = start + datetime.timedelta(days=days * 3 + 14)
    return add_working_days(start, days, holidays_between(start, horizon))
