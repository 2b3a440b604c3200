"""Checking uploaded case files (PDF, PNG, JPEG) by their content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# One request may carry several files (a case with its evidence).
MAX_REQUEST_BYTES = 25 * 1024 * 1024
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Accept PDF, PNG and JPEG up to MAX_BYTES, judged by their first bytes."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("Berkas terlalu besar (maksimal %(mb)d MB).") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("Berkas kosong."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            return CheckedFile(content_type, extension, upload.size, digest.hexdigest())
    raise ValidationError(_("Jenis berkas tidak diterima: hanya PDF, PNG atau JPEG."))
