"""Certificates: one PDF per signature, rendered once, stored with its SHA-256."""

from __future__ import annotations

import base64
import hashlib

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal import dates
from portal.pdf import render_pdf

from .models import Certificate, Signature


def verification_url(signature: Signature) -> str:
    return settings.SITE_URL + reverse("pledges:verify", args=[signature.code])


def qr_svg(url: str) -> str:
    """Inline SVG (no Pillow, no HTTP): error correction M survives a creased printout."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2)


def _image_data_uri(signature: Signature) -> str:
    if not signature.image:
        return ""
    with signature.image.open("rb") as fh:
        return "data:image/png;base64," + base64.b64encode(fh.read()).decode()


def certificate_context(signature: Signature) -> dict:
    """`main` is the signed document (an ikrar or a pakta); `signature` is the record whose
    code, QR and hashes the footer prints. They differ for a witness's countersigned pakta."""
    main = signature.witnessed if signature.kind == Signature.Kind.WITNESS else signature
    witness = signature if main is not signature else None
    campaign = main.campaign
    instansi = signature.instansi
    url = verification_url(signature)
    return {
        "signature": signature,
        "main": main,
        "campaign": campaign,
        "instansi": instansi,
        "identity": main.identity,
        "points": campaign.points_for(main.kind),
        "closing": campaign.closing_for(main.kind),
        "place_date": f"{instansi.place_name}, {dates.tanggal(main.signed_at, instansi.tz)}",
        "signed_at_local": dates.tanggal_jam(signature.signed_at, instansi.tz),
        "image": _image_data_uri(main),
        "witness": witness,
        "witness_image": _image_data_uri(witness) if witness else "",
        "qr": qr_svg(url),
        "url": url,
        "logo": instansi.logo.path if instansi.logo else "",
    }


def issue_certificate(signature_id: int) -> Certificate:
    """Render and store the certificate of a signature unless it already exists."""
    existing = Certificate.objects.filter(signature_id=signature_id).first()
    if existing is not None:
        return existing
    signature = Signature.objects.select_related("campaign", "instansi", "witnessed__campaign").get(
        pk=signature_id
    )
    pdf = render_pdf("pdf/certificate.html", certificate_context(signature))
    digest = hashlib.sha256(pdf).hexdigest()
    certificate = Certificate(signature=signature, sha256=digest, size=len(pdf))
    certificate.file.save(f"{signature.code}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        # Another worker issued it first; theirs is the delivered one.
        certificate.file.delete(save=False)
        return Certificate.objects.get(signature_id=signature_id)
    return certificate


def certificate_for(signature: Signature) -> Certificate:
    """The stored certificate, rendered now only if the background task has not run yet."""
    return issue_certificate(signature.pk)
