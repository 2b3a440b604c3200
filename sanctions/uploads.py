"""What a case file may be: PDF, PNG or JPEG, checked by content (portal.uploads)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from portal.uploads import CheckedFile, check_upload

MAX_BYTES = 10 * 1024 * 1024
# One request may carry several files (a case with its evidence).
MAX_REQUEST_BYTES = 25 * 1024 * 1024
KINDS = ("pdf", "png", "jpeg")


def check_case_file(upload: UploadedFile) -> CheckedFile:
    return check_upload(upload, kinds=KINDS, max_bytes=MAX_BYTES)
