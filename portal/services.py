"""Writes of the core app that touch several models at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from . import accounts, audit, roster, session_user
from .models import Employee, Instansi, Official, Unit, User
from .roster import BATCH_SIZE, RosterRow, RowError, guess_unit_kind, same_text, unit_key

# Fields the roster file owns; everything else on Employee (user links, unit headship) is kept.
ROSTER_FIELDS = [
    "instansi", "unit", "kind", "name", "golongan", "jabatan", "jabatan_category", "email",
    "phone", "is_active",
]  # fmt: skip
_ATTNAMES = [Employee._meta.get_field(name).attname for name in ROSTER_FIELDS]
_NAME, _ACTIVE = _ATTNAMES.index("name"), _ATTNAMES.index("is_active")
MISSING_LIST_LIMIT = 1000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    units_created: list[str] = field(default_factory=list)
    # "unit, under its parent" for each unit the file placed under another (kelurahan under
    # kecamatan), so the head of the parent sees its staff.
    units_placed: list[str] = field(default_factory=list)
    missing_count: int = 0
    # Active employees of the instansi not in the file ("tidak ada di berkas"): listed, never
    # changed, because a missing row is as likely a cut-off export as a real departure.
    missing: list[tuple[str, str]] = field(default_factory=list)
    rejected: bool = False
    skipped_rows: int = 0

    def summary(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": len(self.errors),
            "skipped_rows": self.skipped_rows,
            "units_created": self.units_created,
            "units_placed": self.units_placed,
            "missing_count": self.missing_count,
            "rejected": self.rejected,
        }


def import_roster_file(
    *,
    instansi: Instansi,
    file: BinaryIO,
    filename: str,
    actor: User | None = None,
    allow_partial: bool = False,
    request=None,
) -> ImportResult:
    """Read one roster file (upload or command line) and import it; raises
    roster.RosterFileError when the file as a whole cannot be read."""
    parsed = roster.parse(file, filename)
    return import_roster(
        instansi=instansi,
        rows=parsed.rows,
        actor=actor,
        allow_partial=allow_partial,
        source=filename,
        request=request,
    )


def import_roster(
    *,
    instansi: Instansi,
    rows: list[RosterRow],
    actor: User | None = None,
    allow_partial: bool = False,
    source: str = "",
    request=None,
) -> ImportResult:
    """Upsert the roster of one instansi by NIP; all or nothing unless `allow_partial`.

    Rows with errors make the whole import a no-op, or with `allow_partial` are skipped.
    NIPs held by another instansi are added to the rows' errors here.
    """
    result = ImportResult()
    with transaction.atomic():
        # One import per instansi at a time: two at once would race to create the same units.
        Instansi.objects.select_for_update(no_key=True).get(pk=instansi.pk)
        # Current roster values as plain tuples: comparing 100,000 rows is then cheap, and only
        # new or changed rows become model instances.
        existing = {
            values[0]: values[1:]
            for values in Employee.objects.filter(instansi=instansi).values_list("nip", *_ATTNAMES)
        }
        _mark_foreign_nips([row for row in rows if row.nip not in existing], instansi.pk)
        _mark_parent_problems(rows, instansi.pk)
        result.errors = [error for row in rows for error in row.errors]
        good = [row for row in rows if not row.errors]
        result.skipped_rows = len(rows) - len(good)
        if result.errors and not allow_partial:
            result.rejected = True
            # Recorded too: a refused file is work for the BKD (its home lists it), not silence.
            audit.record("roster.import_rejected", actor=actor, instansi=instansi, target=source,
                         request=request, **result.summary())  # fmt: skip
            return result

        units = _units_for(instansi, good, result)
        to_write: list[Employee] = []
        for row in good:
            current = existing.get(row.nip)
            values = _values_from(row, instansi, units, current)
            if current is None:
                result.created += 1
            elif not _same_values(values, current):
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            to_write.append(Employee(nip=row.nip, **dict(zip(_ATTNAMES, values, strict=True))))
        Employee.objects.bulk_create(
            to_write,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["nip"],
            update_fields=[*ROSTER_FIELDS, "updated_at"],
        )

        result.units_placed = _place_units(good, units)
        # Bulk writes send no signals: every cached signed-in user goes (portal.session_user).
        session_user.forget_everyone()

        in_file = {row.nip for row in rows}
        missing = sorted(
            (values[_NAME], nip)
            for nip, values in existing.items()
            if values[_ACTIVE] and nip not in in_file
        )
        result.missing_count = len(missing)
        result.missing = [(nip, name) for name, nip in missing[:MISSING_LIST_LIMIT]]
        audit.record(
            "roster.import",
            actor=actor,
            instansi=instansi,
            target=source,
            request=request,
            **result.summary(),
        )
    return result


def _mark_foreign_nips(rows: list[RosterRow], instansi_id: int) -> None:
    """Refuse NIPs the roster of another instansi already holds (moves go through BKN)."""
    by_nip = {row.nip: row for row in rows if row.nip}
    nips = list(by_nip)
    for start in range(0, len(nips), BATCH_SIZE):
        taken = (
            Employee.objects.filter(nip__in=nips[start : start + BATCH_SIZE])
            .exclude(instansi_id=instansi_id)
            .values_list("nip", "instansi__name")
        )
        for nip, instansi_name in taken:
            by_nip[nip].add_error(
                "nip",
                _("NIP ini sudah terdaftar di instansi lain (%(instansi)s).")
                % {"instansi": instansi_name},
            )


def _same_values(values: tuple, current: tuple) -> bool:
    """A row is unchanged when every value equals the stored one, text compared in NFC."""
    return all(
        new == old or (isinstance(new, str) and isinstance(old, str) and same_text(new, old))
        for new, old in zip(values, current, strict=True)
    )


def _mark_parent_problems(rows: list[RosterRow], instansi_id: int) -> None:
    """Refuse a unit given two different parents in the file, and a parent chain that would
    loop (A under B, B under A), counting the parents already stored."""
    wanted: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for row in rows:
        if not (row.parent_unit and row.unit) or row.errors:
            continue
        key, parent = unit_key(row.unit), unit_key(row.parent_unit)
        if key in wanted and wanted[key] != parent:
            row.add_error(
                "unit_induk",
                _("Unit ini sudah diberi unit induk lain di baris %(line)d.")
                % {"line": first_line[key]},
            )
            continue
        wanted.setdefault(key, parent)
        first_line.setdefault(key, row.line)
    stored = Unit.objects.filter(instansi_id=instansi_id).values_list("name", "parent__name")
    parents = {unit_key(name): unit_key(parent) for name, parent in stored if parent}
    parents.update(wanted)
    for row in rows:
        key = unit_key(row.unit) if row.parent_unit and row.unit else ""
        if key not in wanted or row.errors:
            continue
        seen, node = {key}, parents.get(key)
        while node is not None and node not in seen:  # a loop elsewhere is its own row's
            seen.add(node)
            node = parents.get(node)
        if node == key:
            row.add_error(
                "unit_induk", _("Unit induk ini membuat lingkaran: unit menjadi induk dirinya.")
            )


def _place_units(rows: list[RosterRow], units: dict[str, int]) -> list[str]:
    """Set the parent the file names for each unit (a blank cell keeps the stored parent)."""
    wanted = {
        units[unit_key(row.unit)]: units[unit_key(row.parent_unit)]
        for row in rows
        if row.parent_unit
    }
    changed = [
        unit
        for unit in Unit.objects.filter(pk__in=wanted).order_by("name")
        if unit.parent_id != wanted[unit.pk]
    ]
    names = dict(Unit.objects.filter(pk__in=wanted.values()).values_list("pk", "name"))
    for unit in changed:
        unit.parent_id = wanted[unit.pk]
    Unit.objects.bulk_update(changed, ["parent"], batch_size=BATCH_SIZE)
    return [f"{unit.name} ({names[unit.parent_id]})" for unit in changed]


def _units_for(instansi: Instansi, rows: list[RosterRow], result: ImportResult) -> dict[str, int]:
    """Unit ids by normalised name, creating the units the file names for the first time
    (parent units too: a kecamatan may appear only as the parent of its kelurahan)."""
    units = {
        unit_key(name): pk
        for pk, name in Unit.objects.filter(instansi=instansi).values_list("pk", "name")
    }
    new: dict[str, Unit] = {}
    named = [(row.unit, row.unit_kind) for row in rows]
    named += [(row.parent_unit, "") for row in rows if row.parent_unit]
    for name, kind in named:
        key = unit_key(name)
        if key not in units and key not in new:
            new[key] = Unit(instansi=instansi, name=name, kind=kind or guess_unit_kind(name))
    for key, unit in zip(new, Unit.objects.bulk_create(new.values()), strict=True):
        units[key] = unit.pk
    result.units_created = sorted(unit.name for unit in new.values())
    return units


def _values_from(
    row: RosterRow, instansi: Instansi, units: dict[str, int], current: tuple | None
) -> tuple:
    """The row as a tuple in _ATTNAMES order; a blank aktif keeps the current status."""
    is_active = row.is_active
    if is_active is None:
        is_active = current[_ACTIVE] if current else True
    return (
        instansi.pk,
        units[unit_key(row.unit)],
        row.kind,
        row.name,
        row.golongan,
        row.jabatan,
        row.jabatan_category,
        row.email,
        row.phone,
        is_active,
    )


@transaction.atomic
def update_letterhead(*, instansi: Instansi, form, actor: User, request=None) -> Instansi:
    """Save the letterhead form of the BKD: fields, number patterns, logo; audited."""
    from django.core.files.base import ContentFile

    instansi = form.save(commit=False)
    instansi.number_patterns = form.patterns()
    logo = form.cleaned_data.get("logo_file")
    if logo:
        extension = "jpg" if logo[:3] == b"\xff\xd8\xff" else "png"
        instansi.logo.save(f"{instansi.code}.{extension}", ContentFile(logo), save=False)
    elif form.cleaned_data.get("remove_logo"):
        instansi.logo = ""
    instansi.save()
    audit.record(
        "instansi.letterhead", actor=actor, instansi=instansi, target=instansi.name,
        request=request, paper=instansi.paper_size, patterns=instansi.number_patterns,
        logo="baru" if logo else ("dihapus" if form.cleaned_data.get("remove_logo") else "tetap"),
    )  # fmt: skip
    return instansi


@transaction.atomic
def add_official(*, form, actor: User, request=None) -> Official:
    """A regional head or deputy and their login (no password until they activate it)."""
    official = form.save()
    user = User(username=form.cleaned_data["username"], role=User.Role.OFFICIAL,
                instansi=official.instansi, official=official, email=official.email,
                first_name=official.name[:150])  # fmt: skip
    user.set_unusable_password()
    user.save()
    audit.record("official.add", actor=actor, instansi=official.instansi, target=official,
                 request=request, office=official.office, username=user.username)  # fmt: skip
    transaction.on_commit(lambda: accounts.send_official_activation(user))
    return official


@transaction.atomic
def end_official_term(*, official: Official, actor: User, request=None) -> None:
    """No more login or signing; the pakta they witnessed stay valid evidence."""
    official.is_active = False
    official.save(update_fields=["is_active"])
    audit.record("official.end", actor=actor, instansi=official.instansi, target=official,
                 request=request)  # fmt: skip


def resend_official_activation(*, official: Official, actor: User, request=None) -> None:
    audit.record("official.invite", actor=actor, instansi=official.instansi, target=official,
                 request=request)  # fmt: skip
    accounts.send_official_activation(official.user)
