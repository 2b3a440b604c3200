"""HTML to PDF with WeasyPrint, shared by every document the portal issues (portal.documents).

WeasyPrint is imported lazily (about half a second) and one FontConfiguration is reused for the
life of the process: font discovery is the slow part of a first render.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def layout(html: str, *, pdf_variant: str | None = None):
    """The laid-out WeasyPrint Document (pages counted before writing). Relative URLs and
    images load from static/, never over HTTP."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(Path(settings.BASE_DIR) / "static")).render(
        font_config=_font_config(), pdf_variant=pdf_variant
    )


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    return layout(html, pdf_variant=pdf_variant).write_pdf(pdf_variant=pdf_variant)
