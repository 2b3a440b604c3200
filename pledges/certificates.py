"""Certificates: one PDF per signature, numbered, rendered once, sealed with the instansi's
certificate (portal.documents) and stored with the SHA-256 of the sealed bytes."""

from __future__ import annotations

import unicodedata

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal import dates, documents, numbering
from portal.models import DocumentKind

from .models import Certificate, Signature


def verification_url(signature: Signature) -> str:
    return settings.SITE_URL + reverse("pledges:verify", args=[signature.code])


QR_MASK = 5


def qr_image(url: str) -> str:
    """A PNG data: URI at one pixel per module, printed with interpolation off: as crisp as an
    SVG, but WeasyPrint need not parse a long path. Error correction M survives a creased
    printout; the page around it is the quiet zone.

    The mask is fixed: choosing the best of the eight by the standard's penalty score was four
    fifths of the QR's cost (about 4 ms a certificate, issue #18). Any mask decodes; the score
    only avoids patterns that confuse a poor scanner, which a printed code at this size with a
    white quiet zone does not need (tests/test_documents_layout.py decodes it from 150 dpi)."""
    return segno.make(url, error="m", micro=False, mask=QR_MASK).png_data_uri(scale=1, border=0)


def qr_svg(url: str) -> str:
    """Inline SVG for a web page (the apel's projector screen): sharp at any size."""
    # A viewBox and no width/height: CSS sizes it, and the drawing scales with the box.
    return segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2, omitsize=True)


def _image_data_uri(signature: Signature) -> str:
    # On paper the ink is on the sheet; its scan (a PDF or a photo of a whole page) is linked
    # from the verification page, not pasted into the certificate.
    if not signature.image or signature.method == Signature.Method.PAPER:
        return ""
    with signature.image.open("rb") as fh:
        return documents.jpeg_data_uri(fh.read(), grey=True)


def certificate_context(signature: Signature) -> dict:
    """`main` is the signed document (an ikrar or a pakta); `signature` is the record whose
    code, QR and hashes the footer prints. They differ for a witness's countersigned pakta."""
    main = signature.witnessed if signature.kind == Signature.Kind.WITNESS else signature
    witness = signature if main is not signature else None
    campaign = main.campaign
    instansi = signature.instansi
    url = verification_url(signature)
    identity = main.identity
    is_pakta = main.kind == Signature.Kind.PAKTA
    return {
        "signature": signature,
        "main": main,
        "campaign": campaign,
        "instansi": instansi,
        "identity": identity,
        "title": "Pakta Integritas" if is_pakta else "Ikrar Netralitas Aparatur Sipil Negara",
        "signer_label": (identity.get("head_prefix", "") + (identity.get("jabatan") or ""))
        if is_pakta
        else "Yang berikrar,",
        "points": campaign.points_for(main.kind),
        "closing": campaign.closing_for(main.kind),
        "place_date": f"{instansi.place_name}, "
        + (
            dates.tanggal(main.paper_scan.signed_on)
            if main.paper_scan_id
            else dates.tanggal(main.signed_at, instansi.tz)
        ),  # fmt: skip
        "signed_at_local": dates.tanggal_jam(signature.signed_at, instansi.tz),
        "image": _image_data_uri(main),
        "witness": witness,
        "witness_image": _image_data_uri(witness) if witness else "",
        "qr": qr_image(url),
        "url": url,
        "paper": _paper(main),
    }


def _paper(signature: Signature) -> dict | None:
    """When and on which sheet an ikrar was signed in ink, and who recorded it."""
    scan = signature.paper_scan if signature.paper_scan_id else None
    if scan is None:
        return None
    tz = signature.instansi.tz
    return {
        "signed_on": dates.tanggal(scan.signed_on),
        "sheet": scan.sheet.code_display,
        "recorded_by": scan.recorded_by_name,
        "recorded_at": dates.tanggal_jam(signature.signed_at, tz),
    }


def document_kind(signature: Signature) -> str:
    return DocumentKind.IKRAR if signature.kind == Signature.Kind.IKRAR else DocumentKind.PAKTA


# An ikrar is always one page; a pakta with a long list of prohibitions may take two. Long
# names, jabatan and unit names (the roster allows hundreds of characters, in any script) are
# set tighter, density by density, until the document fits.
DENSITIES = (0, 1, 2, 3)


def _first_density(signature: Signature) -> int:
    """Skip layouts that cannot fit: the widths of the longest texts, full-width and CJK
    characters counting double."""
    identities = [signature.identity]
    if signature.witnessed_id:
        identities.append(signature.witnessed.identity)
    width = sum(
        _text_width(identity.get(key) or "")
        for identity in identities
        for key in ("name", "jabatan", "unit")
    )
    return 0 if width < 200 else 1 if width < 500 else 2


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_certificate(signature: Signature, number: str) -> documents.IssuedPdf:
    """The sealed PDF of a signature (ikrar, pakta or witness copy) with its number.

    An ikrar signed online whose texts fit their lines is stamped into the campaign's blank
    page (documents.issue_stamped, about a fifth of the cost); the rest is laid out whole."""
    context = certificate_context(signature)
    reason = f"{signature.get_kind_display()} {signature.code_display}"
    first = _first_density(signature)
    if signature.kind == Signature.Kind.IKRAR and not signature.paper_scan_id and first == 0:
        issued = documents.issue_stamped(
            "pdf/certificate.html", context, instansi=signature.instansi, number=number,
            reason=reason,
        )  # fmt: skip
        if issued is not None:
            return issued
    return documents.issue(
        "pdf/certificate.html",
        context,
        instansi=signature.instansi,
        number=number,
        reason=reason,
        max_pages=1 if signature.kind == Signature.Kind.IKRAR else 2,
        densities=DENSITIES[first:],
    )


def issue_certificate(signature_id: int) -> Certificate:
    """Render and store the certificate of a signature unless it already exists."""
    existing = Certificate.objects.filter(signature_id=signature_id).first()
    if existing is not None:
        return existing
    signature = Signature.objects.select_related(
        "campaign", "instansi", "witnessed__campaign", "paper_scan__sheet"
    ).get(pk=signature_id)
    instansi = signature.instansi
    # The seal is checked before a number is taken: no number is spent on a document that
    # cannot be issued.
    documents.seals.get_seal(instansi)
    number = numbering.allocate(
        instansi=instansi,
        kind=document_kind(signature),
        reference=f"signature:{signature.code}",
        when=signature.signed_at,
    ).number
    issued = render_certificate(signature, number)
    certificate = Certificate(
        signature=signature, instansi=instansi, number=number, sha256=issued.sha256,
        size=len(issued.pdf),
    )  # fmt: skip
    certificate.file.save(f"{signature.code}.pdf", ContentFile(issued.pdf), save=False)
    try:
        with transaction.atomic():
            certificate.append()
    except IntegrityError:
        # Another worker issued it first; theirs is the delivered one.
        certificate.file.delete(save=False)
        return Certificate.objects.get(signature_id=signature_id)
    return certificate


def certificate_for(signature: Signature) -> Certificate:
    """The stored certificate, rendered now only if the background task has not run yet."""
    return issue_certificate(signature.pk)
