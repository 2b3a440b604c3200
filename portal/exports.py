"""Helpers for CSV/XLSX exports opened in spreadsheet programs."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read as a formula (or DDE) by Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise formula injection: text that a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
