"""Reading a roster file (CSV or XLSX) into validated rows, before anything touches the database.

Each problem is reported as (line, column, reason) so a BKD admin can fix the spreadsheet: the
line is the spreadsheet row number (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from . import golongan as golongan_mod
from . import nip as nip_mod
from .exports import safe_cell
from .models import NAME_MAX_LENGTH, Employee, Unit

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
# Rows read in all, empty ones included: a file cannot make the reader walk millions of empty
# rows (a spreadsheet stores them in a few bytes each), and a run of empty rows ends the data.
MAX_LINES = MAX_ROWS + 10_000
MAX_BLANK_RUN = 1_000
# Columns read per row: a roster has a dozen; a cell far to the right must not make every row
# thousands of cells wide.
MAX_COLUMNS = 64
# An XLSX is a ZIP: a small upload can inflate to gigabytes, so cap what it may unpack to.
# 200,000 rows of long values written by openpyxl (inline strings, 11 columns) unpack to about
# 160 MB; Excel's shared strings make real files smaller.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
BATCH_SIZE = 2000

COLUMNS = [
    "nip", "nama", "golongan", "jabatan", "kategori_jabatan", "unit", "jenis_unit", "unit_induk",
    "email", "telepon", "aktif",
]  # fmt: skip
REQUIRED_COLUMNS = [c for c in COLUMNS if c not in ("jenis_unit", "unit_induk", "aktif")]
REQUIRED_VALUES = ("nip", "nama", "unit")
EXAMPLE_ROW = {
    "nip": "198504122010031001",
    "nama": "Maria Bere, S.Pd.",
    "golongan": "III/b",
    "jabatan": "Guru Ahli Pertama",
    "kategori_jabatan": "fungsional",
    "unit": "Dinas Pendidikan dan Kebudayaan",
    "jenis_unit": "dinas",
    "unit_induk": "",
    "email": "maria.bere@example.go.id",
    "telepon": "081234567890",
    "aktif": "ya",
}
MAX_LENGTHS = {
    "nama": NAME_MAX_LENGTH,
    "jabatan": Employee._meta.get_field("jabatan").max_length,
    "unit": Unit._meta.get_field("name").max_length,
    "unit_induk": Unit._meta.get_field("name").max_length,
    "email": 254,
}
_PHONE_RE = re.compile(r"^\+?[0-9]{6,15}$")
_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_YES = {"ya", "y", "yes", "1", "true", "aktif", "benar"}
_NO = {"tidak", "t", "no", "n", "0", "false", "nonaktif", "tidak_aktif", "salah"}


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong format, too big, missing columns)."""


class _NumericNip(Exception):
    """An XLSX cell holds a NIP as a float, which has already lost its last digits."""


class _Formula(str):
    """The text of an XLSX cell that is a live formula, not a value typed as text."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str


@dataclass
class RosterRow:
    line: int
    nip: str = ""
    kind: str = ""
    name: str = ""
    golongan: str = ""
    jabatan: str = ""
    jabatan_category: str = ""
    unit: str = ""
    unit_kind: str = ""
    parent_unit: str = ""  # the unit's parent (a kelurahan's kecamatan); blank keeps it
    email: str = ""
    phone: str = ""
    is_active: bool | None = None  # None: keep what the roster already says
    errors: list[RowError] = field(default_factory=list)

    def add_error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))


def _key(text: str) -> str:
    """Case-, space- and dash-insensitive form for headers and choice values."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def unit_key(name: str) -> str:
    """Unit names match regardless of case, repeated spaces and Unicode normal form."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def _choices(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    mapping = {}
    for value, label in choices:
        mapping[_key(value)] = value
        mapping[_key(label)] = value
    return mapping


_CATEGORIES = _choices(Employee.JabatanCategory.choices)
_UNIT_KINDS = _choices(Unit.Kind.choices)
_UNIT_KINDS.update({"setwan": Unit.Kind.SETWAN, "sekretariat_dewan": Unit.Kind.SETWAN})
_UNIT_PREFIXES = [
    ("sekretariat dprd", Unit.Kind.SETWAN),
    ("sekretariat dewan", Unit.Kind.SETWAN),
    ("sekretariat", Unit.Kind.SETDA),
    ("inspektorat", Unit.Kind.INSPEKTORAT),
    ("dinas", Unit.Kind.DINAS),
    ("badan", Unit.Kind.BADAN),
    ("kecamatan", Unit.Kind.KECAMATAN),
    ("kelurahan", Unit.Kind.KELURAHAN),
]


def guess_unit_kind(name: str) -> str:
    lowered = unit_key(name)
    for prefix, kind in _UNIT_PREFIXES:
        if lowered == prefix or lowered.startswith(prefix + " "):
            return kind
    return Unit.Kind.OTHER


# --- reading the file into a table -------------------------------------------------------------


def read_table(data: bytes, filename: str = "") -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row number, cells as text); decide the format from the bytes."""
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError(
            _("Berkas melebihi batas %(mb)d MB. Pecah menjadi beberapa berkas.")
            % {"mb": MAX_FILE_BYTES // 2**20}
        )
    if not data.strip():
        raise RosterFileError(_("Berkas kosong."))
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_table(data)
    if data.startswith(_OLE_MAGIC):
        raise RosterFileError(
            _("Format Excel lama (.xls) tidak didukung. Simpan sebagai .xlsx atau CSV.")
        )
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise RosterFileError(
            _("Berkas bernama %(name)s tetapi isinya bukan berkas Excel (.xlsx) yang sah.")
            % {"name": filename}
        )
    return _csv_table(data)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        # UTF-8 is strict enough that Windows-1252 text almost never decodes as UTF-8 by accident;
        # Latin-1 takes the rest (it decodes anything), and the control-character check in
        # _csv_table then tells real text from binary junk.
        data = data.removeprefix(b"\xef\xbb\xbf")
        encodings = ("utf-8", "cp1252", "latin-1")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError(_("Berkas tidak dapat dibaca sebagai CSV teks (pengodean rusak)."))


def _csv_table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    if _CONTROL_CHARS.search(text):
        raise RosterFileError(
            _("Berkas tidak dapat dibaca sebagai CSV teks. Unggah berkas .csv atau .xlsx.")
        )
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    return _csv_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _csv_rows(reader) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, row in enumerate(reader, 1):
            yield number, row[:MAX_COLUMNS]
    except csv.Error as exc:
        # e.g. a cell over the csv module's field size limit or an unclosed quote at the end
        raise RosterFileError(
            _("Baris %(line)d tidak dapat dibaca sebagai CSV: %(reason)s")
            % {"line": number + 1, "reason": exc}
        ) from None


def _xlsx_table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    invalid = RosterFileError(_("Berkas bukan berkas Excel (.xlsx) yang sah atau rusak."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise invalid from None
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise invalid
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise RosterFileError(_("Isi berkas Excel terlalu besar setelah dibuka."))
    try:
        # data_only=False: formula cells come back as formulas and are refused per cell.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise invalid from None
    return _xlsx_rows(workbook, invalid)


def _xlsx_rows(workbook, invalid: RosterFileError) -> Iterator[tuple[int, list[str]]]:
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some generators write wrong dimensions; read every cell
        rows = sheet.iter_rows(max_col=MAX_COLUMNS)
        for number, row in enumerate(rows, 1):
            yield number, [_xlsx_cell(cell) for cell in row]
    except (RosterFileError, _NumericNip):
        raise
    except Exception:
        raise invalid from None
    finally:
        workbook.close()


def _xlsx_cell(cell) -> str:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        # A live formula has no value of its own here (data_only=False); text that merely
        # starts with "=" is stored as a string cell and comes back as such.
        return _Formula(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1e15:
            # Excel keeps 15 significant digits: an 18-digit NIP typed as a number is already
            # damaged, so say so instead of importing a wrong NIP.
            raise _NumericNip
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


# --- validating rows ---------------------------------------------------------------------------


@dataclass
class Roster:
    rows: list[RosterRow]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]


def parse(source: bytes | BinaryIO, filename: str = "") -> Roster:
    """Read and validate a roster file (its bytes, or an open binary file read no further than
    the size limit); raise RosterFileError when it cannot be read at all."""
    data = source if isinstance(source, bytes) else source.read(MAX_FILE_BYTES + 1)
    table = read_table(data, filename)
    columns = _header(table)[1]
    rows: list[RosterRow] = []
    blank_run = 0
    try:
        for line, cells in table:
            if line > MAX_LINES:
                raise RosterFileError(
                    _("Berkas berisi lebih dari %(n)s baris; pecah menjadi beberapa berkas.")
                    % {"n": f"{MAX_LINES:,}".replace(",", ".")}
                )
            if not any(cell.strip() for cell in cells):
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    break
                continue
            blank_run = 0
            if len(rows) >= MAX_ROWS:
                raise RosterFileError(
                    _("Berkas berisi lebih dari %(n)s baris data; pecah menjadi beberapa berkas.")
                    % {"n": f"{MAX_ROWS:,}".replace(",", ".")}
                )
            values = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
            rows.append(parse_row(line, values))
    except _NumericNip:
        raise RosterFileError(
            _(
                "Kolom NIP di Excel tersimpan sebagai angka sehingga digit terakhirnya hilang. "
                "Format kolom NIP sebagai Teks, ketik ulang NIP, lalu unggah lagi."
            )
        ) from None
    if not rows:
        raise RosterFileError(_("Berkas tidak berisi baris data di bawah baris judul kolom."))
    mark_duplicates(rows)
    return Roster(rows=rows)


def _header(table: Iterator[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    for line, cells in table:
        if not any(cell.strip() for cell in cells):
            continue
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            name = _key(cell.lstrip("\ufeff"))
            if name in COLUMNS:
                if name in columns:
                    raise RosterFileError(
                        _("Kolom %(col)s muncul dua kali di baris judul.") % {"col": name}
                    )
                columns[name] = index
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise RosterFileError(
                _("Baris judul (baris %(line)d) tidak memuat kolom: %(cols)s.")
                % {"line": line, "cols": ", ".join(missing)}
            )
        return line, columns
    raise RosterFileError(_("Berkas kosong."))


def _clean(value: str) -> str:
    """A cell as the source wrote it, less leading and trailing white space (Unicode's, e.g.
    an ideographic space too): names are a legal record, so nothing inside is changed, and a
    cell that looks like a formula is text like any other (every export escapes it)."""
    return value.strip()


def same_text(a: str, b: str) -> bool:
    """Equal once both are in Unicode NFC: the comparison normalises, storage does not."""
    return a == b or unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)


def parse_row(line: int, values: dict[str, str]) -> RosterRow:
    """Validate one row's cells (already mapped to column names)."""
    row = RosterRow(line=line)
    clean = {name: _clean(value) for name, value in values.items()}
    for name, value in clean.items():
        if isinstance(values[name], _Formula):
            row.add_error(
                name,
                _("Sel berisi rumus Excel, bukan nilai. Salin lalu tempel sebagai nilai."),
            )
            clean[name] = ""
        elif value == "-" and name not in REQUIRED_VALUES:
            clean[name] = ""  # a lone dash means "none" in many hand-kept rosters
    for name in REQUIRED_VALUES:
        if not clean[name] and not any(e.column == name for e in row.errors):
            row.add_error(name, _("Wajib diisi."))
    for name, limit in MAX_LENGTHS.items():
        if len(clean.get(name, "")) > limit:
            row.add_error(name, _("Terlalu panjang (maksimal %(n)d karakter).") % {"n": limit})
            clean[name] = ""

    row.name, row.jabatan, row.unit = clean["nama"], clean["jabatan"], clean["unit"]
    row.parent_unit = clean.get("unit_induk", "")
    if row.parent_unit and row.unit and unit_key(row.parent_unit) == unit_key(row.unit):
        row.add_error("unit_induk", _("Unit induk tidak boleh unit itu sendiri."))
    _parse_nip_and_golongan(row, clean["nip"], clean["golongan"])
    _parse_choices(row, clean)
    row.email = clean["email"].lower()
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.add_error("email", _("Alamat email tidak sah."))
    phone = _PHONE_SEPARATORS.sub("", clean["telepon"])
    if phone and not _PHONE_RE.match(phone):
        row.add_error("telepon", _("Nomor telepon harus 6-15 angka, boleh diawali +."))
    row.phone = phone
    return row


def _parse_nip_and_golongan(row: RosterRow, raw_nip: str, raw_golongan: str) -> None:
    if not raw_nip:
        return
    try:
        info = nip_mod.parse(raw_nip)
    except ValidationError as exc:
        row.add_error("nip", " ".join(exc.messages))
        row.nip = nip_mod.normalize(raw_nip)
        return
    row.nip, row.kind = info.nip, info.kind
    try:
        row.golongan = golongan_mod.normalize(raw_golongan, info.kind)
    except ValidationError as exc:
        row.add_error("golongan", " ".join(exc.messages))


def _parse_choices(row: RosterRow, clean: dict[str, str]) -> None:
    category = clean["kategori_jabatan"]
    if category:
        key = _key(category)
        row.jabatan_category = _CATEGORIES.get(key) or _CATEGORIES.get(
            key.removeprefix("jabatan_"), ""
        )
        if not row.jabatan_category:
            row.add_error(
                "kategori_jabatan",
                _("Kategori jabatan '%(v)s' tidak dikenal (pilihan: %(choices)s).")
                % {"v": category, "choices": ", ".join(Employee.JabatanCategory.values)},
            )
    unit_kind = clean.get("jenis_unit", "")
    if unit_kind:
        row.unit_kind = _UNIT_KINDS.get(_key(unit_kind), "")
        if not row.unit_kind:
            row.add_error(
                "jenis_unit",
                _("Jenis unit '%(v)s' tidak dikenal (pilihan: %(choices)s).")
                % {"v": unit_kind, "choices": ", ".join(Unit.Kind.values)},
            )
    active = _key(clean.get("aktif", ""))
    if active in _YES:
        row.is_active = True
    elif active in _NO:
        row.is_active = False
    elif active:
        row.add_error("aktif", _("Isi dengan 'ya' atau 'tidak'."))


def mark_duplicates(rows: list[RosterRow]) -> None:
    """Every row sharing a NIP is refused: the file does not say which one is right."""
    lines_by_nip: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.nip:
            lines_by_nip[row.nip].append(row.line)
    for row in rows:
        lines = lines_by_nip.get(row.nip, [])
        if len(lines) > 1:
            others = ", ".join(str(n) for n in lines if n != row.line)
            row.add_error(
                "nip", _("NIP yang sama juga ada di baris %(lines)s.") % {"lines": others}
            )


# --- blank templates for download --------------------------------------------------------------


def template_csv() -> bytes:
    """Semicolon-separated with a BOM: what Excel in an Indonesian locale opens correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerow([safe_cell(EXAMPLE_ROW[c]) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("pegawai")
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = 22 if column != "nip" else 21
    sheet.append(COLUMNS)
    cells = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=safe_cell(EXAMPLE_ROW[column]))
        cell.number_format = "@"  # text, so Excel never turns an 18-digit NIP into a float
        cells.append(cell)
    sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
