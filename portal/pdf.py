"""PDF rendering with WeasyPrint, shared by certificates, recaps and discipline letters.

WeasyPrint is imported lazily (about half a second) and one FontConfiguration is reused for the
life of the process: font discovery is the slow part of a first render.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template under templates/pdf/ to PDF bytes. Images load from disk, not HTTP."""
    from weasyprint import HTML

    # Official documents are Indonesian whatever language the page that asked for them is in.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(Path(settings.BASE_DIR) / "static")).write_pdf(
        font_config=_font_config()
    )
