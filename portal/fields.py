"""Form fields and URL converters for database ids that refuse what no id can be.

An id longer than 18 digits overflows a 64-bit integer: SQLite raises OverflowError and
PostgreSQL a DataError, both a 500 unless refused first.
"""

from __future__ import annotations

from django import forms

MAX_ID_DIGITS = 18


def is_id(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS


class IdConverter:
    """<id:pk> in URL patterns: 1 to 18 digits, else the URL does not match (404)."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not is_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not is_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": pk},
                )  # fmt: skip
        return super()._check_values(value)
