"""CSV and XLSX downloads made for Indonesian Excel, safe against formula injection.

CSV: semicolons (the list separator of an Indonesian Windows), a byte-order mark (so accented
names read as UTF-8), NIPs kept as text (18 digits would otherwise become 1.98504E+17) and
dates as dd/mm/yyyy. XLSX: column widths, a frozen header row, NIPs as text cells and real
date cells. Every text cell a spreadsheet would evaluate gets a leading quote.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

# A cell starting with one of these is read as a formula (or DDE) by Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DELIMITER = ";"
WIDTHS = {"id": 21, "date": 12, "datetime": 17, "number": 10}
FORMATS = {"id": "@", "date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM"}


@dataclass(frozen=True)
class Column:
    """One column: its header, what it holds ("text", "id" such as a NIP, "date", "datetime"
    (local, naive) or "number"), and a width in characters for XLSX."""

    header: str
    kind: str = "text"
    width: int | None = None

    @property
    def xlsx_width(self) -> int:
        return self.width or WIDTHS.get(self.kind) or max(12, min(50, len(self.header) + 4))


def safe_cell(value: Any) -> Any:
    """Neutralise formula injection: text that a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_response(
    *, filename: str, fmt: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """`filename` without extension; `fmt` is "csv" (streamed) or "xlsx"."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx(columns, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_value(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return ""
    if column.kind == "id" and str(value).isdigit():
        return f'="{value}"'  # Excel keeps the digits as text
    if column.kind == "date" and isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if column.kind == "datetime" and isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return safe_cell(value)


def _csv_lines(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    # A byte-order mark makes Excel read the file as UTF-8 (names with diacritics).
    yield "\ufeff"
    yield writer.writerow([c.header for c in columns])
    for row in rows:
        yield writer.writerow([_csv_value(c, v) for c, v in zip(columns, row, strict=True)])


def _xlsx(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.xlsx_width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for column, value in zip(columns, row, strict=True):
            value = str(value) if column.kind == "id" and value is not None else value
            cell = WriteOnlyCell(sheet, value=value if column.kind != "text" else safe_cell(value))
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
