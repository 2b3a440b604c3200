import datetime

import pytest

from sanctions.authority import covers
from sanctions.models import Holiday
from sanctions.workdays import add_days, add_working_days

D = datetime.date


def test_it_skips_the_weekend():
    assert add_working_days(D(2025, 7, 4), 1, []) == D(2025, 7, 7)
    assert add_working_days(D(2025, 7, 5), 1, []) == D(2025, 7, 7)
    assert add_working_days(D(2025, 7, 7), 5, []) == D(2025, 7, 14)


def test_it_skips_given_holidays():
    assert add_working_days(D(2025, 7, 7), 1, [D(2025, 7, 8)]) == D(2025, 7, 9)


def test_it_adds_zero_days_as_the_same_day():
    assert add_working_days(D(2025, 7, 5), 0, []) == D(2025, 7, 5)


@pytest.mark.django_db
def test_it_reads_holidays_and_cuti_bersama_from_the_calendar():
    # 29 May Kenaikan, 30 May cuti bersama, weekend, 6 June Iduladha, 9 June cuti bersama.
    assert add_days(D(2025, 5, 28), 1, working=True) == D(2025, 6, 2)
    assert add_days(D(2025, 5, 28), 7, working=True) == D(2025, 6, 12)


@pytest.mark.django_db
def test_it_crosses_the_idul_fitri_break():
    assert add_days(D(2025, 3, 27), 1, working=True) == D(2025, 4, 8)


@pytest.mark.django_db
def test_it_follows_holidays_the_admin_adds():
    assert add_days(D(2025, 7, 7), 1, working=True) == D(2025, 7, 8)
    Holiday.objects.create(date=D(2025, 7, 8), name="Libur daerah", kind="libur")
    assert add_days(D(2025, 7, 7), 1, working=True) == D(2025, 7, 9)


@pytest.mark.django_db
def test_it_covers_long_spans_of_working_days():
    # 65 working days (banding) from Monday 2 June 2025 would end on Monday 1 September; four
    # weekday holidays (6, 9, 27 June, 18 August) push it by four, and 5 September is Maulid.
    result = add_days(D(2025, 6, 2), 65, working=True)
    assert result == D(2025, 9, 8)


def test_it_counts_calendar_days_without_the_calendar():
    assert add_days(D(2025, 6, 2), 14, working=False) == D(2025, 6, 16)


@pytest.mark.parametrize(
    ("official", "employee", "level", "expected"),
    [
        ("ppk", "jpt_pratama", "ringan", True),
        ("ppk", "jpt_pratama", "berat", True),
        ("ppk", "administrator", "sedang", True),
        ("ppk", "fungsional", "berat", True),
        ("ppk", "administrator", "ringan", False),
        ("jpt_pratama", "administrator", "ringan", True),
        ("jpt_pratama", "administrator", "sedang", False),
        ("jpt_pratama", "pengawas", "sedang", True),
        ("jpt_pratama", "fungsional", "berat", False),
        ("administrator", "pengawas", "ringan", True),
        ("administrator", "pelaksana", "sedang", False),
        ("pengawas", "pelaksana", "ringan", True),
        ("pengawas", "fungsional", "ringan", True),
        ("pengawas", "pengawas", "ringan", False),
        ("pengawas", "pelaksana", "sedang", False),
        ("administrator", "", "ringan", False),
        ("ppk", "fungsional", "", True),
        ("jpt_pratama", "fungsional", "", False),
    ],
)
def test_it_tells_who_may_impose_which_level(official, employee, level, expected):
    assert covers(official, employee, level) is expected
