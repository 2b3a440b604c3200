"""CSV and XLSX downloads that spreadsheet programs open safely and correctly."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

# A cell starting with one of these is read as a formula (or DDE) by Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """Neutralise formula injection: text that a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_response(
    *, filename: str, fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """`filename` without extension; `fmt` is "csv" (streamed) or "xlsx"."""
    safe_rows = ([safe_cell(value) for value in row] for row in rows)
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_lines(headers, safe_rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx(headers, safe_rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark makes Excel read the file as UTF-8 (names with diacritics).
    yield "\ufeff"
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow(row)


def _xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
