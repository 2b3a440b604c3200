"""Document numbers (nomor surat): a pattern per kind on the instansi, a yearly sequence.

`allocate()` hands out the next number of an (instansi, kind, year) under a row lock on its
DocumentSequence, and records it as a DocumentNumber (append-only, unique per instansi). A
reference makes it idempotent: the same document asked for twice keeps its first number. A
pattern changed mid-year may produce a number already given: it is skipped, never repeated.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DocumentNumber, DocumentSequence, Instansi

PLACEHOLDER = re.compile(r"\{(year|month|month_roman|seq)(?::0([1-9]))?\}")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
MAX_NUMBER_LENGTH = 60
MAX_SKIPS = 10_000


def format_number(pattern: str, *, year: int, month: int, seq: int) -> str:
    values = {"year": str(year), "month": f"{month:02d}", "month_roman": ROMAN[month - 1]}

    def replace(match: re.Match) -> str:
        name, width = match.group(1), match.group(2)
        if name == "seq":
            return f"{seq:0{int(width)}d}" if width else str(seq)
        return values[name]

    return PLACEHOLDER.sub(replace, pattern)


def validate_pattern(pattern: str) -> str:
    """The pattern, stripped, or a ValidationError in words a BKD admin can act on."""
    pattern = pattern.strip()
    names = [m.group(1) for m in PLACEHOLDER.finditer(pattern)]
    rest = PLACEHOLDER.sub("", pattern)
    if "{" in rest or "}" in rest:
        raise ValidationError(
            _(
                "Pola hanya boleh memakai {year}, {month}, {month_roman} dan {seq} "
                "(atau {seq:06} untuk 6 angka)."
            )
        )
    if names.count("seq") != 1 or "year" not in names:
        raise ValidationError(_("Pola harus memuat {year} dan tepat satu {seq}."))
    if not re.fullmatch(r"[A-Za-z0-9./\-_ ]*", rest):
        raise ValidationError(
            _("Selain kode {...}, pola hanya boleh berisi huruf, angka, titik, garis miring, -.")
        )
    if len(format_number(pattern, year=2000, month=12, seq=999_999)) > MAX_NUMBER_LENGTH:
        raise ValidationError(
            _("Nomor dari pola ini terlalu panjang (maksimal %(n)d karakter).")
            % {"n": MAX_NUMBER_LENGTH}
        )
    return pattern


def allocate(
    *, instansi: Instansi, kind: str, reference: str, when: dt.datetime | None = None
) -> DocumentNumber:
    """The number of the document `reference` of this kind: issued now, or the one it got."""
    existing = DocumentNumber.objects.filter(
        instansi=instansi, kind=kind, reference=reference
    ).first()
    if existing is not None:
        return existing
    local = timezone.localtime(when or timezone.now(), instansi.tz)
    pattern = instansi.number_pattern(kind)
    try:
        with transaction.atomic():
            locked = DocumentSequence.objects.select_for_update()
            key = {"instansi": instansi, "kind": kind, "year": local.year}
            try:
                sequence = locked.get(**key)
            except DocumentSequence.DoesNotExist:
                # The year's first number (once a year, not on every document): concurrent
                # first allocations create one row between them.
                DocumentSequence.objects.get_or_create(**key)
                sequence = locked.get(**key)
            taken = DocumentNumber.objects.filter(instansi=instansi)
            for _skip in range(MAX_SKIPS):
                sequence.last += 1
                number = format_number(
                    pattern, year=local.year, month=local.month, seq=sequence.last
                )
                if not taken.filter(number=number).exists():
                    break
            else:
                raise RuntimeError(f"no free document number for {pattern!r}")
            sequence.save(update_fields=["last"])
            return DocumentNumber.objects.create(
                instansi=instansi, kind=kind, year=local.year, seq=sequence.last,
                number=number, reference=reference,
            )  # fmt: skip
    except IntegrityError:
        # Another process numbered the same document between our look-up and our insert.
        return DocumentNumber.objects.get(instansi=instansi, kind=kind, reference=reference)
