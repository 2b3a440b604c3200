"""Bulk downloads: every signed pakta (or ikrar certificate) of a campaign as one ZIP or one
merged PDF, with a cover recap. Files are streamed from storage into a temporary file, so
memory stays flat whatever the number of documents."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import zipfile

from django.core.files import File
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal import dates, numbering
from portal.documents import issue
from portal.models import DocumentKind
from portal.seals import get_seal, seal_stream

from .certificates import issue_certificate
from .models import BulkExport, Signature
from .progress import pakta_units

log = logging.getLogger(__name__)
PROGRESS_EVERY = 20
COPY_CHUNK = 1 << 20


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80] or "unit"


def documents(export: BulkExport) -> list[tuple[str, int]]:
    """(file name in the archive, pk of the signature whose stored PDF goes in), sorted.

    Only names and keys are held, never whole rows: a province's 100,000 certificates stay a
    few megabytes of tuples.
    """
    campaign = export.campaign
    if export.kind == BulkExport.Kind.IKRAR_ZIP:
        rows = (
            Signature.objects.ikrar()
            .valid()
            .filter(campaign=campaign)
            .values_list("pk", "code", "unit__name", "identity__nip")
        )
        named = [(f"{safe_name(unit)}/{nip}-{code}.pdf", pk) for pk, code, unit, nip in rows]
    else:
        # A countersigned pakta is delivered as the witness's document (both signatures).
        witness = (
            Signature.objects.filter(kind=Signature.Kind.WITNESS, witnessed=OuterRef("pk"))
            .valid()
            .order_by("-signed_at")
            .values("pk")[:1]
        )
        rows = (
            Signature.objects.pakta()
            .valid()
            .filter(campaign=campaign)
            .annotate(document=Coalesce(Subquery(witness), "pk"))
            .values_list("document", "code", "unit__name")
        )
        named = [(f"{safe_name(unit)}-{code}.pdf", pk) for pk, code, unit in rows]
    return sorted(named)


def recap_pdf(export: BulkExport) -> bytes:
    """The sealed, numbered cover recap (a restarted export keeps its number)."""
    campaign = export.campaign
    instansi = campaign.instansi
    get_seal(instansi)
    units = list(pakta_units(campaign).order_by("name"))
    signed = [u for u in units if u.pakta_status in Signature.VALID_STATUSES]
    number = numbering.allocate(
        instansi=instansi, kind=DocumentKind.RECAP, reference=f"export:{export.pk}"
    ).number
    return issue(
        "pdf/pakta_recap.html",
        {
            "campaign": campaign,
            "instansi": instansi,
            "signed": signed,
            "unsigned": [u for u in units if u not in signed],
            "total": len(units),
            "tz": instansi.tz,
            "printed": dates.tanggal_jam(timezone.now(), instansi.tz),
        },
        instansi=instansi,
        number=number,
        reason=f"Rekapitulasi pakta integritas {campaign}",
    ).pdf


def build(export_id: int) -> None:
    """Run (or re-run, after a crash) one export from the start."""
    export = BulkExport.objects.select_related("campaign__instansi", "instansi").get(pk=export_id)
    items = documents(export)
    BulkExport.objects.filter(pk=export.pk).update(
        status=BulkExport.Status.RUNNING,
        total=len(items),
        done=0,
        error="",
        heartbeat_at=timezone.now(),
    )
    try:
        with tempfile.TemporaryFile() as tmp:
            if export.kind == BulkExport.Kind.PAKTA_PDF:
                _write_merged(export, items, tmp)
            else:
                _write_zip(export, items, tmp)
            tmp.seek(0)
            export.file.save(export.filename, File(tmp), save=False)
        BulkExport.objects.filter(pk=export.pk).update(
            file=export.file.name, status=BulkExport.Status.DONE, finished_at=timezone.now()
        )
    except Exception as exc:
        log.exception("bulk export %s failed", export.pk)
        BulkExport.objects.filter(pk=export.pk).update(
            status=BulkExport.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise


def _advance(export: BulkExport, index: int, total: int) -> None:
    if index % PROGRESS_EVERY == 0 or index == total:
        BulkExport.objects.filter(pk=export.pk).update(done=index, heartbeat_at=timezone.now())


def _write_zip(export: BulkExport, items, tmp) -> None:
    # PDFs are compressed already: storing them is as small and much faster.
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        if export.kind == BulkExport.Kind.PAKTA_ZIP:
            archive.writestr("00-rekapitulasi.pdf", recap_pdf(export))
        for index, (name, signature_id) in enumerate(items, start=1):
            certificate = issue_certificate(signature_id)
            with certificate.file.open("rb") as src, archive.open(name, "w") as dst:
                shutil.copyfileobj(src, dst, COPY_CHUNK)
            _advance(export, index, len(items))


def _write_merged(export: BulkExport, items, tmp) -> None:
    import io

    from pypdf import PdfWriter

    # Each document's own seal cannot survive a merge (its bytes change), so its signature
    # annotation is left out and the merged file gets one seal of its own.
    excluded = ("/Annots", "/B")
    writer = PdfWriter()
    writer.append(io.BytesIO(recap_pdf(export)), excluded_fields=excluded)
    for index, (_name, signature_id) in enumerate(items, start=1):
        certificate = issue_certificate(signature_id)
        with certificate.file.open("rb") as src:
            writer.append(io.BytesIO(src.read()), excluded_fields=excluded)
        _advance(export, index, len(items))
    writer.write(tmp)
    seal_stream(tmp, export.instansi, reason=f"Gabungan pakta integritas {export.campaign}")
