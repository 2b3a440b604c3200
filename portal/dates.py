"""Dates in the Indonesian form used on documents ("15 November 2023"), whatever the UI language."""

import datetime as dt
import zoneinfo

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def tanggal(value: dt.date | dt.datetime, tz: zoneinfo.ZoneInfo | None = None) -> str:
    if isinstance(value, dt.datetime) and tz is not None:
        value = value.astimezone(tz)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def tanggal_jam(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """'15 November 2023 09.30 WITA' in the instansi's own zone."""
    local = value.astimezone(tz)
    return f"{tanggal(local)} {local:%H.%M} {ZONE_NAMES.get(tz.key, tz.key)}"


ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
