"""Dates as people write them: "15 November 2023". Documents are Indonesian whatever the
reader's language; pages follow the active language (English month names in English)."""

import datetime as dt
import zoneinfo

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def tanggal(
    value: dt.date | dt.datetime, tz: zoneinfo.ZoneInfo | None = None, *, english: bool = False
) -> str:
    if isinstance(value, dt.datetime) and tz is not None:
        value = value.astimezone(tz)
    months = MONTHS_EN if english else MONTHS
    return f"{value.day} {months[value.month - 1]} {value.year}"


def tanggal_jam(value: dt.datetime, tz: zoneinfo.ZoneInfo, *, english: bool = False) -> str:
    """'15 November 2023 09.30 WITA' in the instansi's own zone."""
    local = value.astimezone(tz)
    clock = f"{local:%H:%M}" if english else f"{local:%H.%M}"
    return f"{tanggal(local, english=english)} {clock} {ZONE_NAMES.get(tz.key, tz.key)}"


ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
