"""Golongan (pay grade) of PNS (I/a ... IV/e) and PPPK (I ... XVII), in one canonical form."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PNS_RUANG = {"I": "abcd", "II": "abcd", "III": "abcd", "IV": "abcde"}
PNS_GOLONGAN = [f"{g}/{r}" for g, rs in PNS_RUANG.items() for r in rs]
PPPK_GOLONGAN = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
]  # fmt: skip
PANGKAT = {
    "I/a": "Juru Muda", "I/b": "Juru Muda Tingkat I", "I/c": "Juru", "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda", "II/b": "Pengatur Muda Tingkat I", "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I", "III/a": "Penata Muda", "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata", "III/d": "Penata Tingkat I", "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I", "IV/c": "Pembina Utama Muda", "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}  # fmt: skip
_PNS_RE = re.compile(r"^(IV|III|II|I)\s*[/\-.]?\s*([A-E])$")


def normalize(raw: str, kind: str) -> str:
    """Return the canonical golongan ("III/a" or "IX") for an ASN kind; '' stays ''.

    Accepts the spellings found in rosters: "III/a", "IIIa", "III-a", "iii / A".
    """
    value = str(raw or "").strip().upper()
    if not value:
        return ""
    if kind == "PNS":
        match = _PNS_RE.match(value)
        if match and match.group(2).lower() in PNS_RUANG[match.group(1)]:
            return f"{match.group(1)}/{match.group(2).lower()}"
        raise ValidationError(
            _("Golongan PNS '%(v)s' tidak dikenal (contoh: III/a, IV/b).") % {"v": raw}
        )
    if value in PPPK_GOLONGAN:
        return value
    raise ValidationError(_("Golongan PPPK '%(v)s' tidak dikenal (I sampai XVII).") % {"v": raw})


def pangkat_golongan(golongan: str) -> str:
    """'Penata Muda, III/a' for documents; PPPK have no pangkat name."""
    name = PANGKAT.get(golongan)
    return f"{name}, {golongan}" if name else golongan
