"""Property tests: validators never crash on arbitrary input and only accept what is valid."""

import base64
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pledges.signature_image import clean_signature
from portal import nip, roster

TODAY = dt.date(2026, 11, 22)
fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(st.text(max_size=40))
def test_nip_parse_only_raises_validation_errors(raw):
    try:
        info = nip.parse(raw, today=TODAY)
    except ValidationError as exc:
        assert exc.messages and all(isinstance(m, str) for m in exc.messages)
    else:
        assert len(info.nip) == 18 and info.nip.isdigit()


@st.composite
def valid_nips(draw):
    birth = draw(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2005, 12, 31)))
    if draw(st.booleans()):
        year = draw(st.integers(min_value=max(birth.year + 17, 2019), max_value=2026))
        middle = f"{year}{draw(st.integers(min_value=21, max_value=99)):02d}"
    else:
        year = draw(st.integers(min_value=birth.year + 17, max_value=2025))
        middle = f"{year}{draw(st.integers(min_value=1, max_value=12)):02d}"
    sex = draw(st.sampled_from("12"))
    seq = draw(st.integers(min_value=1, max_value=999))
    return f"{birth:%Y%m%d}{middle}{sex}{seq:03d}"


@fast
@given(valid_nips())
def test_every_well_formed_nip_is_accepted_and_round_trips_through_formatting(value):
    info = nip.parse(value, today=TODAY)
    assert nip.parse(nip.format_nip(value), today=TODAY) == info
    assert info.kind == ("PNS" if int(value[12:14]) <= 12 else "PPPK")


@fast
@given(valid_nips(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789"))
def test_a_changed_digit_gives_a_valid_nip_or_a_clear_error(value, position, digit):
    mutated = value[:position] + digit + value[position + 1 :]
    try:
        nip.parse(mutated, today=TODAY)
    except ValidationError as exc:
        assert exc.code in {
            "birth_date", "appointment_code", "appointment_year", "appointment_future",
            "appointment_age", "sex", "sequence",
        }  # fmt: skip


@fast
@given(st.binary(max_size=4000))
@example(b"\x00\x00\x00\x00\x80")  # once raised UnicodeDecodeError inside Pillow
def test_signature_decoder_refuses_arbitrary_bytes_cleanly(data):
    url = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + data).decode()
    with pytest.raises(ValidationError):
        clean_signature(url)


@fast
@given(st.text(max_size=200))
def test_signature_decoder_refuses_arbitrary_text_cleanly(text):
    with pytest.raises(ValidationError):
        clean_signature(text)


HEADER = "nip,nama,golongan,jabatan,kategori_jabatan,unit,email,telepon\n"


@fast
@given(st.binary(max_size=3000), st.sampled_from(["pegawai.csv", "pegawai.xlsx", "x"]))
def test_roster_parser_refuses_arbitrary_bytes_cleanly(data, name):
    try:
        parsed = roster.parse(data, name)
    except roster.RosterFileError as exc:
        assert str(exc)
    else:
        assert all(isinstance(e.reason, str) and e.reason for e in parsed.errors)


@fast
@given(st.lists(st.lists(st.text(max_size=30), min_size=0, max_size=9), max_size=20))
def test_roster_rows_of_any_text_give_rows_or_line_errors(table):
    body = "\n".join(",".join(c.replace(",", " ").replace("\n", " ") for c in row) for row in table)
    try:
        parsed = roster.parse((HEADER + body).encode(), "pegawai.csv")
    except roster.RosterFileError as exc:
        assert str(exc)
    else:
        for row in parsed.rows:
            assert row.errors or len(row.nip) == 18
            assert all(e.line >= 2 and e.column for e in row.errors)
