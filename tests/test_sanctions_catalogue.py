import datetime

import pytest

from sanctions.models import (
    DeadlineRule,
    Holiday,
    ReportingBody,
    SanctionType,
    ViolationType,
)

pytestmark = pytest.mark.django_db


def test_it_loads_the_nine_pp94_sanctions_in_order_of_severity():
    rows = SanctionType.objects.filter(kind="disiplin").order_by("severity")
    assert [(r.code, r.level) for r in rows] == [
        ("teguran-lisan", "ringan"),
        ("teguran-tertulis", "ringan"),
        ("pernyataan-tidak-puas", "ringan"),
        ("tpp-25-6", "sedang"),
        ("tpp-25-9", "sedang"),
        ("tpp-25-12", "sedang"),
        ("penurunan-jabatan", "berat"),
        ("pembebasan-jabatan", "berat"),
        ("pdhtaps", "berat"),
    ]
    cut = SanctionType.objects.get(code="tpp-25-9")
    assert (cut.duration_months, cut.percentage) == (9, 25)


def test_it_loads_interim_ethics_pppk_and_ptdh_outcomes():
    assert set(SanctionType.objects.filter(kind="pengganti").values_list("level", flat=True)) == {
        "sedang"
    }
    assert SanctionType.objects.filter(kind="pengganti").count() == 3
    assert set(SanctionType.objects.filter(kind="etik").values_list("code", flat=True)) == {
        "moral-tertutup",
        "moral-terbuka",
    }
    phk = SanctionType.objects.get(kind="pppk")
    assert (phk.for_pns, phk.for_pppk, phk.appeal_route) == (False, True, "banding")
    ptdh = SanctionType.objects.get(kind="ptdh")
    assert ptdh.level == ""
    assert not SanctionType.objects.get(code="penurunan-jabatan").for_pppk


def test_it_loads_the_seven_neutrality_offences_with_their_levels():
    rows = ViolationType.objects.filter(group="netralitas", legal_basis__contains="Pasal 5")
    assert [r.default_level for r in rows.order_by("order")] == ["sedang", "sedang"] + ["berat"] * 5


def test_party_membership_or_candidacy_is_a_violation_leading_to_ptdh():
    violation = ViolationType.objects.get(code="netral-parpol")
    assert "partai politik" in violation.name and "mengundurkan diri" in violation.name
    assert violation.default_level == ""
    assert violation.suggested_sanction.kind == SanctionType.Kind.PTDH


def test_it_loads_ethics_attendance_and_other_violations():
    assert ViolationType.objects.filter(group="etik", default_level="").count() >= 5
    attendance = ViolationType.objects.filter(group="kehadiran").order_by("order")
    assert attendance.count() == 9
    assert attendance.first().suggested_sanction.code == "teguran-lisan"
    assert attendance.last().suggested_sanction.code == "pdhtaps"
    assert ViolationType.objects.get(group="lainnya").requires_text


def test_it_loads_reporting_bodies_as_data():
    codes = set(ReportingBody.objects.values_list("code", flat=True))
    assert {"bawaslu", "bkn", "kasn", "pengaduan", "atasan"} <= codes


def test_it_loads_deadlines_and_the_holiday_calendar():
    rule = DeadlineRule.objects.get(key="panggilan_1")
    assert (rule.days, rule.working_days) == (7, True)
    assert not DeadlineRule.objects.get(key="penyampaian").working_days
    assert DeadlineRule.objects.get(key="banding_putus").days == 65
    assert Holiday.objects.get(date=datetime.date(2025, 6, 6)).kind == "libur"
    assert Holiday.objects.get(date=datetime.date(2025, 3, 28)).kind == "cuti_bersama"
    years = {d.year for d in Holiday.objects.values_list("date", flat=True)}
    assert {2024, 2025, 2026} <= years
