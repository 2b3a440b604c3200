"""Checking uploaded files by their content: the file name and the browser's type are ignored."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# kind -> (first bytes, content type, extension)
KINDS = {
    "pdf": (b"%PDF-", "application/pdf", ".pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
}
NAMES = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile, *, kinds: tuple[str, ...], max_bytes: int) -> CheckedFile:
    """Accept one of `kinds` up to `max_bytes`, judged by its first bytes; hash it."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("Berkas terlalu besar (maksimal %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("Berkas kosong."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind in kinds:
        magic, content_type, extension = KINDS[kind]
        if head.startswith(magic):
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            return CheckedFile(content_type, extension, upload.size, digest.hexdigest())
    names = [NAMES[k] for k in kinds]
    accepted = names[0] if len(names) == 1 else ", ".join(names[:-1]) + _(" atau ") + names[-1]
    raise ValidationError(_("Jenis berkas tidak diterima: hanya %(kinds)s.") % {"kinds": accepted})
