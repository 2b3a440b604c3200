"""Document numbers: a pattern per kind and instansi, a yearly sequence, never repeated."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portal import numbering
from portal.evidence import ImmutableRecord
from portal.models import DocumentKind, DocumentNumber
from tests.conftest import make_instansi

pytestmark = pytest.mark.django_db

JAN = dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC)


def allocate(instansi, reference, kind=DocumentKind.IKRAR, when=JAN):
    return numbering.allocate(instansi=instansi, kind=kind, reference=reference, when=when)


def test_numbers_follow_the_default_pattern_and_count_up(instansi):
    assert allocate(instansi, "a").number == "800.1.6/IKR/2026/000001"
    assert allocate(instansi, "b").number == "800.1.6/IKR/2026/000002"
    assert allocate(instansi, "c", kind=DocumentKind.PAKTA).number == "800.1.6/PKT/2026/000001"


def test_the_same_document_keeps_its_number(instansi):
    first = allocate(instansi, "signature:X")
    assert allocate(instansi, "signature:X").pk == first.pk
    assert DocumentNumber.objects.count() == 1


def test_the_sequence_starts_again_each_year_in_the_instansi_time_zone(instansi):
    allocate(instansi, "a")
    # 31 December 2026 20:00 UTC is already 1 January 2027 in Atambua (WITA).
    new_year = dt.datetime(2026, 12, 31, 20, tzinfo=dt.UTC)
    assert allocate(instansi, "b", when=new_year).number == "800.1.6/IKR/2027/000001"


def test_each_instansi_has_its_own_sequence_and_patterns(instansi):
    kupang = make_instansi("kupang", number_patterns={"ikrar": "KPG/{seq:04}/{month_roman}/{year}"})
    allocate(instansi, "a")
    assert allocate(kupang, "a").number == "KPG/0001/I/2026"


def test_a_changed_pattern_never_repeats_a_number(instansi):
    instansi.number_patterns = {"ikrar": "IKR/{year}/{seq}"}
    instansi.save()
    assert allocate(instansi, "a").number == "IKR/2026/1"
    # The BKD goes back to a pattern that would give "IKR/2026/1" again at some point: the
    # sequence goes on, and a number already issued is skipped.
    instansi.number_patterns = {"ikrar": "IKR/{year}/{seq}", "pakta": "IKR/{year}/{seq}"}
    instansi.save()
    assert allocate(instansi, "p", kind=DocumentKind.PAKTA).number == "IKR/2026/2"


def test_issued_numbers_are_append_only(instansi):
    number = allocate(instansi, "a")
    number.number = "changed"
    with pytest.raises(ImmutableRecord):
        number.save()


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        ("800/{seq}", "{year}"),
        ("800/{year}", "{seq}"),
        ("{year}/{seq}/{seq}", "{seq}"),
        ("{year}/{seq}/{nama}", "hanya boleh"),
        ("{year}/{seq:06}/<script>", "hanya boleh"),
        ("{year}/{seq}/" + "X" * 60, "terlalu panjang"),
    ],
)
def test_bad_patterns_are_explained(pattern, error):
    with pytest.raises(ValidationError, match=error.replace("{", r"\{")):
        numbering.validate_pattern(pattern)


def test_format_number_fills_every_placeholder():
    number = numbering.format_number(
        "{month}.{month_roman}/{year}/{seq:05}", year=2026, month=11, seq=42
    )
    assert number == "11.XI/2026/00042"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_share_a_number():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    instansi = make_instansi("belu")

    def take(i):
        try:
            return allocate(instansi, f"r{i}").number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(take, range(40)))
    assert len(set(numbers)) == 40
    assert sorted(numbers)[-1] == "800.1.6/IKR/2026/000040"
