"""Official documents: the letterhead, rendering to PDF/A-3b and the instansi's PAdES seal.

Every PDF the portal issues (certificates, pakta, recaps, discipline letters, and later ones)
goes through `issue()`: its template extends nothing, but includes pdf/_page.html (paper size,
fonts, page numbers, the foot band) and pdf/_letterhead.html (kop surat), and gets `doc` in its
context. Documents are always in Indonesian, whatever language the reader's browser asks for.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from . import seals, stamping
from .models import Instansi, PaperSize
from .pdf import layout

log = logging.getLogger(__name__)

PAPER = {PaperSize.A4: (210, 297), PaperSize.F4: (215, 330)}
SIDE_MARGINS_MM = 36  # pdf/_page.html: 18 mm left and right
PDF_VARIANT = "pdf/a-3b"
DEFAULT_LOGO = Path(settings.BASE_DIR) / "static" / "img" / "logo-default.png"


@dataclass(frozen=True)
class IssuedPdf:
    pdf: bytes
    sha256: str


def jpeg_data_uri(data: bytes, *, grey: bool = False) -> str:
    """A PNG or JPEG as a JPEG data: URI, flattened on white paper.

    WeasyPrint decodes and re-compresses every PNG (and its alpha channel) on each render but
    embeds a JPEG as it is: converting here costs a fraction of that.
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            jpeg = data
        else:
            rgba = image.convert("RGBA")
            paper = Image.new("L" if grey else "RGB", rgba.size, "white")
            paper.paste(rgba.convert(paper.mode), mask=rgba.getchannel("A"))
            out = io.BytesIO()
            paper.save(out, "JPEG", quality=92)
            jpeg = out.getvalue()
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()


@functools.lru_cache(maxsize=256)
def _logo(name: str) -> str:
    # Keyed by the stored name: a new upload gets a new name, so the cache never goes stale.
    from django.core.files.storage import default_storage

    if not name:
        return jpeg_data_uri(DEFAULT_LOGO.read_bytes())
    with default_storage.open(name, "rb") as fh:
        return jpeg_data_uri(fh.read())


def logo_uri(instansi: Instansi) -> str:
    if instansi.logo:
        try:
            return _logo(instansi.logo.name)
        except OSError:
            pass  # a lost file prints the neutral default rather than no document at all
    return _logo("")


def page_context(instansi: Instansi, *, number: str = "") -> dict[str, Any]:
    """`doc` in a document template: paper, letterhead lines, number."""
    width, height = PAPER.get(instansi.paper_size, PAPER[PaperSize.A4])
    return {
        "paper": f"{width}mm {height}mm",
        # The text width, given to the foot band: a margin box sized by its content would lay
        # the band out twice.
        "width": f"{width - SIDE_MARGINS_MM}mm",
        "logo": logo_uri(instansi),
        "government": instansi.name.upper(),
        "office": instansi.office_name.upper(),
        "address": instansi.office_address,
        "contact": instansi.office_contact,
        "number": number,
        "instansi": instansi,
    }


def render(template_name: str, context: dict[str, Any], *, instansi: Instansi, number: str = "",
           max_pages: int | None = None, densities: Sequence[int] = (0,)) -> bytes:  # fmt: skip
    """The unsealed PDF/A-3b of a document template (previews, and the first half of issue).

    A document that must fit `max_pages` is laid out at each of `densities` in turn (the
    template reads `density` and tightens its type) until it fits; the last one is kept
    whatever its length. Most documents fit at the first: one layout, no extra cost.
    """
    page = page_context(instansi, number=number)
    for index, density in enumerate(densities):
        with translation.override("id"):
            html = render_to_string(template_name, {**context, "doc": page, "density": density})
        document = layout(html, pdf_variant=PDF_VARIANT)
        if max_pages is None or len(document.pages) <= max_pages or index == len(densities) - 1:
            return document.write_pdf(pdf_variant=PDF_VARIANT)
    raise AssertionError("unreachable: densities is empty")


def issue(template_name: str, context: dict[str, Any], *, instansi: Instansi, reason: str,
          number: str = "", max_pages: int | None = None,
          densities: Sequence[int] = (0,)) -> IssuedPdf:  # fmt: skip
    """Render, convert to PDF/A-3b and seal with the instansi's certificate.

    Raises seals.SealUnavailable (before rendering anything) when the instansi has no usable
    seal: an official document is never delivered unsealed.
    """
    seals.get_seal(instansi)
    pdf = render(template_name, context, instansi=instansi, number=number,
                 max_pages=max_pages, densities=densities)  # fmt: skip
    sealed = seals.seal_pdf(pdf, instansi, reason=reason, location=instansi.place_name)
    return IssuedPdf(pdf=sealed, sha256=hashlib.sha256(sealed).hexdigest())


def issue_stamped(template_name: str, context: dict[str, Any], *, instansi: Instansi,
                  reason: str, number: str = "") -> IssuedPdf | None:  # fmt: skip
    """issue() for a one-page document, by stamping its values into its template's blank page
    (portal.stamping): laid out once per process, each document then costs its values and its
    seal. None when a value cannot be stamped exactly as issue() would print it: the caller
    issues that one with issue()."""
    seals.get_seal(instansi)
    slots: dict = {}
    page = page_context(instansi, number=number)
    with translation.override("id"):
        html = render_to_string(
            template_name, {**context, "doc": page, "density": 0, stamping.SLOTS: slots}
        )
    blank = _blank_page(html)
    if blank is None:
        return None
    stream = io.BytesIO(blank.pdf)
    writer = seals.open_writer(stream)
    try:
        if not stamping.fill(blank, slots, writer):
            return None
    except Exception:
        # Stamping only saves time: whatever breaks it, the document is laid out whole.
        log.exception("Stamping %s failed", template_name)
        return None
    seals.seal_writer(writer, instansi, reason=reason, location=instansi.place_name)
    sealed = stream.getvalue()
    return IssuedPdf(pdf=sealed, sha256=hashlib.sha256(sealed).hexdigest())


@functools.lru_cache(maxsize=32)
def _blank_page(html: str) -> stamping.BlankPage | None:
    """The page of a document rendered with slots, their probes hidden (None beyond a page).
    Keyed by that HTML, which holds everything the documents of one template share: a change
    to the campaign's text, the letterhead or the paper makes a new one."""
    document = layout(html.replace("</head>", stamping.HIDE_PROBES + "</head>", 1),
                      pdf_variant=PDF_VARIANT)  # fmt: skip
    if len(document.pages) != 1:
        return None
    try:
        return stamping.BlankPage.from_document(
            document, document.write_pdf(pdf_variant=PDF_VARIANT)
        )
    except stamping.Unstampable:
        # A template whose slots break the rules: its documents are still issued, laid out.
        log.exception("Template cannot be stamped")
        return None
