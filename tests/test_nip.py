import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portal import golongan, nip

TODAY = dt.date(2026, 11, 22)


def codes(raw: str) -> str:
    with pytest.raises(ValidationError) as exc:
        nip.parse(raw, today=TODAY)
    return exc.value.code


def test_it_parses_a_pns_nip_with_its_parts():
    info = nip.parse("19680411 199303 1 009", today=TODAY)
    assert info.kind == nip.PNS
    assert info.birth_date == dt.date(1968, 4, 11)
    assert (info.appointment_year, info.appointment_month) == (1993, 3)
    assert info.sex == "L"
    assert info.sequence == 9


def test_it_parses_a_pppk_number_including_paruh_waktu_codes():
    assert nip.parse("199001012021212001", today=TODAY).kind == nip.PPPK
    info = nip.parse("199001012025242001", today=TODAY)
    assert info.kind == nip.PPPK and info.sex == "P" and info.appointment_month is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1968041119930310", "length"),
        ("1968041119930310099", "length"),
        ("19680411199303100A", "digits"),
        ("١٩٦٨٠٤١١١٩٩٣٠٣١٠٠٩", "digits"),  # Arabic-Indic digits are not a NIP
        ("19680231199303 1 009", "birth_date"),
        ("20300101199303 1 009", "birth_date"),
        ("19680411199313 1 009", "appointment_code"),
        ("19680411199320 1 009", "appointment_code"),
        ("19680411199300 1 009", "appointment_code"),
        ("19680411199303 3 009", "sex"),
        ("19680411199303 0 009", "sex"),
        ("19680411199303 1 000", "sequence"),
        ("19680411 203001 1 009", "appointment_future"),
        ("19900101 2030 21 1 001", "appointment_future"),
        ("19900101 2018 21 1 001", "appointment_year"),
        ("19900101 200501 1 001", "appointment_age"),
    ],
)
def test_it_rejects_invalid_numbers_with_a_reason(raw, code):
    assert codes(raw) == code


def test_rejections_are_in_indonesian():
    with pytest.raises(ValidationError) as exc:
        nip.parse("123", today=TODAY)
    assert "NIP harus 18 digit" in exc.value.messages[0]


def test_it_formats_and_masks():
    assert nip.format_nip("196804111993031009") == "19680411 199303 1 009"
    assert nip.format_nip("199001012021212001") == "19900101 2021 21 2 001"
    assert nip.mask_nip("196804111993031009") == "1968********1009"


@pytest.mark.parametrize("raw", ["III/a", "IIIa", "III-a", "iii / A", "III a"])
def test_it_normalises_pns_golongan(raw):
    assert golongan.normalize(raw, "PNS") == "III/a"


@pytest.mark.parametrize(
    ("raw", "kind"), [("IV/f", "PNS"), ("V/a", "PNS"), ("XVIII", "PPPK"), ("III/a", "PPPK")]
)
def test_it_rejects_unknown_golongan(raw, kind):
    with pytest.raises(ValidationError):
        golongan.normalize(raw, kind)


def test_it_names_the_pangkat():
    assert golongan.pangkat_golongan("III/b") == "Penata Muda Tingkat I, III/b"
    assert golongan.pangkat_golongan("IX") == "IX"
