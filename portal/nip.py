"""NIP (PNS) and NI PPPK: the 18-digit identity numbers of ASN.

NIP PNS  : YYYYMMDD YYYYMM G NNN  (birth date, CPNS appointment year+month, sex, sequence)
NI PPPK  : YYYYMMDD YYYY KK G NNN (birth date, appointment year, code >= 21, sex, sequence)
Digits 13-14 tell them apart: 01-12 is a PNS appointment month, 21 and above a PPPK code.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PNS = "PNS"
PPPK = "PPPK"
FIRST_PPPK_YEAR = 2019
MIN_APPOINTMENT_AGE = 17
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class NipInfo:
    nip: str
    kind: str
    birth_date: dt.date
    appointment_year: int
    appointment_month: int | None
    sex: str  # "L" or "P"
    sequence: int


def normalize(raw: str) -> str:
    """Strip the spaces, dots and dashes people type or print between NIP groups."""
    return _SEPARATORS.sub("", str(raw or ""))


def parse(raw: str, *, today: dt.date | None = None) -> NipInfo:
    """Validate a NIP or NI PPPK and return its parts; raise ValidationError in Indonesian."""
    nip = normalize(raw)
    if not nip.isdigit() or not nip.isascii():
        raise ValidationError(_("NIP hanya boleh berisi angka."), code="digits")
    if len(nip) != 18:
        raise ValidationError(
            _("NIP harus 18 digit (tertulis %(n)d digit).") % {"n": len(nip)}, code="length"
        )
    today = today or dt.date.today()
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("Tanggal lahir pada NIP (digit 1-8) bukan tanggal yang valid."), code="birth_date"
        ) from None
    if birth >= today:
        raise ValidationError(_("Tanggal lahir pada NIP ada di masa depan."), code="birth_date")

    year = int(nip[8:12])
    code = int(nip[12:14])
    if 1 <= code <= 12:
        kind, month = PNS, code
    elif code >= 21:
        kind, month = PPPK, None
    else:
        raise ValidationError(
            _(
                "Digit 13-14 NIP harus bulan pengangkatan 01-12 (PNS) atau kode PPPK 21 ke atas, "
                "bukan %(code)s."
            )
            % {"code": nip[12:14]},
            code="appointment_code",
        )
    if kind == PPPK and year < FIRST_PPPK_YEAR:
        raise ValidationError(
            _("Tahun pengangkatan PPPK tidak mungkin sebelum %(y)d.") % {"y": FIRST_PPPK_YEAR},
            code="appointment_year",
        )
    if (year, month or 1) > (today.year, today.month if kind == PNS else 12):
        raise ValidationError(
            _("Tahun/bulan pengangkatan pada NIP ada di masa depan."), code="appointment_future"
        )
    if year < birth.year + MIN_APPOINTMENT_AGE:
        raise ValidationError(
            _("Tahun pengangkatan pada NIP terlalu dekat dengan tahun lahir (minimal %(n)d tahun).")
            % {"n": MIN_APPOINTMENT_AGE},
            code="appointment_age",
        )
    sex_digit = nip[14]
    if sex_digit not in "12":
        raise ValidationError(_("Digit ke-15 NIP (jenis kelamin) harus 1 atau 2."), code="sex")
    sequence = int(nip[15:18])
    if sequence == 0:
        raise ValidationError(_("Nomor urut NIP (digit 16-18) tidak boleh 000."), code="sequence")
    return NipInfo(
        nip=nip,
        kind=kind,
        birth_date=birth,
        appointment_year=year,
        appointment_month=month,
        sex="L" if sex_digit == "1" else "P",
        sequence=sequence,
    )


def validate_nip(value: str) -> None:
    """Model/form field validator."""
    parse(value)


def format_nip(nip: str) -> str:
    """Print a NIP in its groups: PNS 19680411 199303 1 009, PPPK 19900101 2021 21 1 001."""
    nip = normalize(nip)
    if len(nip) != 18:
        return nip
    if 1 <= int(nip[12:14]) <= 12:
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return f"{nip[:8]} {nip[8:12]} {nip[12:14]} {nip[14]} {nip[15:]}"


def mask_nip(nip: str) -> str:
    """Public form for verification pages: first and last four digits, e.g. 1968********1009."""
    nip = normalize(nip)
    return f"{nip[:4]}{'*' * 8}{nip[-4:]}" if len(nip) > 8 else "*" * 8
